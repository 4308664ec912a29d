#!/usr/bin/env python3
"""Writes the hand-made seed inputs of test/fuzz/corpus/<target>/.

    test/fuzz/make-seeds.py [CORPUS_DIR]

Only the files named here (seed-*) are (re)written; entries that scripts/fuzz
found and someone merged, and crash-*/regress-* reproductions, are left
alone.  The challenges are signed the way src/challenge.c signs them, with
the secret fuzz_challenge.c uses, so that seeds reach the "signature is
ours" paths directly.
"""
import hashlib
import hmac
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus")

SECRET = b"fuzz site secret: 0123456789abcdef"   # as in fuzz_challenge.c
RAND = "AbCdEfGhIjKlMnOpQrSt"
STIME = 1699999200                                 # 472222 * 3600


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode("latin-1")
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def md5_hex(s):
    return hashlib.md5(s.encode("latin-1")).hexdigest()


def challenge(stime=STIME, s_age=123, goodfor=60, rand=RAND, secret=SECRET):
    text = "c0:%d:%d:%d:%s" % (stime, s_age, goodfor, rand)
    key = hmac.new(secret, b"mod_sessionexpire c0 period %d" % stime,
                   hashlib.sha256).digest()
    sig = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]
    return text + ":" + sig


# --- fuzz_form: request bodies --------------------------------------------
CHAL = challenge()
PW = md5_hex("secret")
RESP = md5_hex(CHAL + PW)
form = {
    "getchallenge": "mode=getchallenge",
    "getchallenge-urlenc": "mode=getchallenge&responseenc=urlenc&ver=1",
    "generate-clear": "mode=sessiongenerate&user=test&password=secret&ver=1",
    "generate-hpassword": "mode=sessiongenerate&user=Test-User&hpassword="
                          "5EBE2294ECD0E0F08EAB7690D2A6EE69&expiration=long"
                          "&ipfixed=1&ver=1",
    "generate-challenge": "mode=sessiongenerate&user=test&auth_method="
                          "challenge&auth_challenge=" + CHAL.replace(":", "%3A")
                          + "&auth_response=" + RESP,
    "expire-cookie": "mode=sessionexpire&user=test&auth_method=cookie"
                     "&expire_id_1=1&expire_id_17=1",
    "expire-all": "mode=sessionexpire&user=test&password=secret&expireall=1",
    "escapes-malformed": "a=%&b=%4&c=%zz&d=%4g&e=%%41&f=100%25&g=%G0&h=%",
    "escape-at-end": "key=%4",
    "escape-percent-only": "%",
    "escape-case": "x=%4a%4A%e9%E9&auth%5fmethod=clear&auth%5Fchallenge=y",
    "nul-value": "mode=sessiongenerate&user=a%00b&password=x",
    "nul-key": "us%00er=x",
    "nul-late": "a=1&b=2&c=3%00",
    "plus": "user=+bob+&password=a+b%2Bc&+=plus-key",
    "duplicate": "mode=getchallenge&user=a&user=b",
    "duplicate-decoded": "user=a&us%65r=b",
    "duplicate-empty": "a&a=",
    "case-keys": "User=a&user=b&USER=c",
    "empty-segments": "&&=x&&a&b=&=&c==d&&",
    "equals-in-value": "a=b=c&d==&e=%3D%3D",
    "huge-numbers": "ver=99999999999999999999999999999999&expire_id_"
                    "99999999999999999999=1&expire_id_2147483648=1",
    "signs": "ver=-1&expire_id_+1=1&expire_id_-1=1&ver2=+1&v=0x10",
    "utf8": "user=%C3%A9l%C3%A8ve&password=%E2%82%AC%F0%9F%98%80",
    "crlf": "a=1%0D%0A2&b%0A=x&%0D=y&c=%0d%0a",
    "raw-bytes": "".join(chr(i) for i in range(256)),
    "long-value": "mode=sessiongenerate&user=test&password=" + "x" * 4000,
    "ampersand-only": "&",
    "equals-only": "=",
}
for name, body in form.items():
    write("form", name, body)
# 10000 distinct keys (about 69 KB), and the same with a duplicate last.
many = "&".join("k%d=" % i for i in range(10000))
write("form", "10k-keys", many)
write("form", "1k-keys-dup-last",
      "&".join("k%d=v" % i for i in range(1000)) + "&k0=again")

# --- fuzz_cookie: Cookie header values ------------------------------------
cookie = {
    "one": "ljsession=ws:test:1:AbCdEfGhIj",
    "with-options": "ljsession=ws:test:12:AbCdEfGhIj:FS; ljloggedin=u1:s12",
    "several": "ljmastersession=v1:u2:s3:abc; ljsession=ws:bob:3:XyZ0123456; "
               "ljsession=ws:alice:4:abcdefghij",
    "quoted": 'ljsession="ws:test:5:abc"; other="x"',
    "quote-unbalanced": 'ljsession="ws:test:5:abc; ljsession=ws:t:1:a"',
    "blanks": "  ljsession  =  ws:test:6:abc  ;foo=bar;\tljsession\t=\tws:x:7:y\t",
    "name-prefixes": 'ljsessionx=ws:a:1:b; xljsession=ws:a:1:b; '
                     '"ljsession"=ws:a:1:b; ljsession"=ws:a:1:b',
    "empty": "ljsession=; ljsession; ljsession=\"\"; =ws:a:1:b;;",
    "sessid-limits": "ljsession=ws:test:2147483648:abc; "
                     "ljsession=ws:test:2147483647:abc; "
                     "ljsession=ws:test:0000000000002147483647:abc; "
                     "ljsession=ws:test:99999999999999999999999:abc",
    "sessid-bad": "ljsession=ws:test:-1:abc; ljsession=ws:test:+1:abc; "
                  "ljsession=ws:test::abc; ljsession=ws:test: 1:abc",
    "auth-lengths": "ljsession=ws:u:1:" + "a" * 64 + "; ljsession=ws:u:1:"
                    + "a" * 65 + "; ljsession=ws:u:1:",
    "auth-chars": "ljsession=ws:u:1:ab-cd; ljsession=ws:u:1:ab_cd; "
                  "ljsession=ws:u:1:ab cd",
    "kinds": "ljsession=wx:test:1:abc; ljsession=WS:test:1:abc; "
             "ljsession=ws::1:abc; ljsession=ws:test:1",
    "many": "; ".join("ljsession=ws:user%d:%d:auth%d" % (i, i, i)
                      for i in range(25)),
    "semicolon-quoted": 'ljsession="ws:a;b:1:c"',
    "comma-joined": 'ljsession=ws:a:1:b, ljsession=ws:c:2:d,ljsession="ws:e:3:f" '
                    ', other=1,ljsession=ws:g,h:4:i',
    "name-then-quotes": 'ljsession ""=ws:a:1:b; ljsession""=ws:a:1:b; '
                        'ljsession =ws:c:2:d',
    "name-then-blanks": 'ljsession \t =ws:a:1:b',

    "no-equals": "ljsession",
    "user-odd": "ljsession=ws:Bob-Smith:1:abc; ljsession=ws:%20x:2:abc; "
                "ljsession=ws:\xe9:3:abc",
}
for name, header in cookie.items():
    write("cookie", name, header)

# --- fuzz_challenge: "<challenge>\n<password md5>\n<response>\n<params>" --
PARAMS = bytes([0x10, 0x32, 0x54, 0x76, 0x98, 60, 0, 0, 0]) + RAND.encode()


def chal_seed(name, chal, pw=PW, resp=None, params=PARAMS):
    if resp is None:
        resp = md5_hex(chal + pw)
    write("challenge", name,
          chal.encode("latin-1") + b"\n" + pw.encode() + b"\n"
          + resp.encode("latin-1") + b"\n" + params)


chal_seed("valid", CHAL)
chal_seed("valid-upper-response", CHAL, resp=md5_hex(CHAL + PW).upper())
chal_seed("valid-wrong-response", CHAL, resp="0" * 32)
chal_seed("valid-short-response", CHAL, resp=md5_hex(CHAL + PW)[:31])
chal_seed("valid-long-lifetime", challenge(s_age=3599, goodfor=86400))
chal_seed("valid-max-fields", challenge(stime=999999997200, s_age=999999999999,
                                        goodfor=999999999999))
chal_seed("valid-zero", challenge(stime=0, s_age=0, goodfor=0))
chal_seed("leading-zeros", challenge(stime=STIME).replace(
    "c0:%d:" % STIME, "c0:0000%d:" % STIME))
chal_seed("wrong-secret", challenge(secret=b"not the fuzz secret"))
chal_seed("stime-unaligned", challenge(stime=STIME + 1))
chal_seed("13-digits", "c0:1699999200000:0:60:%s:%s" % (RAND, "0" * 32))
chal_seed("rand-19", "c0:%d:1:60:%s:%s" % (STIME, RAND[:19], "a" * 32))
chal_seed("rand-21", "c0:%d:1:60:%sX:%s" % (STIME, RAND, "a" * 32))
chal_seed("rand-bad-char", "c0:%d:1:60:%s-:%s" % (STIME, RAND[:19], "a" * 32))
chal_seed("sig-upper", CHAL[:-32] + CHAL[-32:].upper())
chal_seed("sig-short", CHAL[:-1])
chal_seed("trailing", CHAL + ":extra")
chal_seed("other-version", "c1" + CHAL[2:])
chal_seed("prefix-only", "c0:")
chal_seed("empty-fields", "c0::::%s:%s" % (RAND, "0" * 32))
chal_seed("negative", "c0:-3600:1:60:%s:%s" % (RAND, "0" * 32))
chal_seed("empty", "", pw="", resp="", params=b"")
chal_seed("params-max", CHAL, params=b"\xff" * 9 + b"\x00" * 20)

# --- fuzz_username ---------------------------------------------------------
usernames = {
    "plain": "test",
    "mixed": "  Test-User\t",
    "max": "a" * 25,
    "too-long": "b" * 26,
    "max-padded": " \t\n" + "Z" * 25 + "\r\f\v ",
    "inner-space": "bob smith",
    "latin1": "\xe9l\xe8ve",
    "utf8": "\xc3\xa9l\xc3\xa8ve",
    "dash": "-",
    "underscore-dash": "_-_A9z",
    "only-space": " \n\t\r\f\v",
    "empty": "",
    "nul-inside": "ab\x00cd",
    "punct": "user.name@example",
}
for name, raw in usernames.items():
    write("username", name, raw)

# --- fuzz_args -------------------------------------------------------------
args = {
    "zero": "0", "one": "1", "zeros": "00", "leading-zeros": "007",
    "sessid-max": "2147483647", "sessid-over": "2147483648",
    "int64-max": "9223372036854775807", "int64-over": "9223372036854775808",
    "uint64-over": "18446744073709551616",
    "very-long": "9" * 64, "long-zeros": "0" * 40 + "1",
    "minus": "-1", "plus": "+1", "space-before": " 1", "space-after": "1 ",
    "empty": "", "hex": "0x10", "exp": "1e3", "nul": "12\x0034",
    "twelve-digits": "999999999999", "fullwidth-digit": "\xef\xbc\x91",
}
for name, s in args.items():
    write("args", name, s)

# --- fuzz_response: flags byte, then key\0value\0... -----------------------
def resp_seed(name, flags, *fields):
    write("response", name, bytes([flags]) + b"\0".join(
        f.encode("latin-1") for f in fields))


resp_seed("getchallenge", 2, "auth_scheme", "c0", "challenge", CHAL,
          "server_time", "1700000000", "expire_time", "1700000060")
resp_seed("session", 2, "ljsession", "ws:test:1:AbCdEfGhIj")
resp_seed("fail-before", 1, "errmsg", "Invalid password", "extra", "dropped")
resp_seed("fail-after", 6, "a", "1", "errmsg",
          "Client error: Unknown mode (x\r\ny)")
resp_seed("crlf", 0, "a\r\nb", "v\r", "\r\n", "only crlf key", "k", "\n")
resp_seed("spaces-plus", 0, "k k", "a+b c", "+", " ")
resp_seed("safe-chars", 0, "_,-./\\:", "_,-./\\:", "&=%", "%41&x=y")
resp_seed("all-bytes", 0, "bytes", "".join(chr(i) for i in range(1, 256)))
resp_seed("duplicate", 0, "k", "v1", "k", "v2", "K", "v3")
resp_seed("odd-fields", 0, "a", "1", "lonely")
resp_seed("empty-key", 0, "", "value")
resp_seed("sort-order", 0, "b", "2", "a", "1", "\xff", "hi", "B", "up", "a\x01",
          "ctl")
write("response", "empty", b"")
