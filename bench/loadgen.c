/*
 * loadgen.c - a load generator for mod_sessionexpire's flat protocol.
 *
 * Keep-alive HTTP/1.1 connections driven by one epoll loop per thread.
 * Every answer is checked: anything but HTTP 200 with `success OK` (and,
 * where a scenario needs them, a challenge or an ljsession) is an error,
 * counted by its errmsg / HTTP status / socket error and printed; the exit
 * status is 1 when there was any error at all (warm-up included).
 *
 * Build: cc -O2 -pthread -o loadgen loadgen.c -lcrypto
 * Usage: loadgen -h   (or see bench/README.md)
 *
 * Plain C, POSIX, Linux epoll, and OpenSSL's MD5 for hpassword and
 * challenge responses.  Nothing else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

/* ------------------------------------------------------------------ */
/* Request kinds and scenarios                                          */

typedef enum {
    K_CEILING,          /* POST to the ceiling handler */
    K_GETCHAL,          /* mode=getchallenge (alone) */
    K_EXP_EMPTY,        /* sessionexpire hpassword expireall=1, no sessions */
    K_EXP_MANY,         /* sessionexpire hpassword expire_id_<absent> */
    K_FLOW_GETCHAL,     /* challenge-flow step 1: getchallenge */
    K_FLOW_EXP_CHAL,    /* challenge-flow step 2: sessionexpire challenge */
    K_COOKIE_PREP,      /* cookie-flow set-up: sessiongenerate (not counted) */
    K_EXP_COOKIE,       /* cookie-flow: sessionexpire cookie */
    K_CHURN_GEN,        /* churn step 1: sessiongenerate */
    K_CHURN_EXP,        /* churn step 2: sessionexpire expire_id_<it> */
    K_COUNT
} kind_t;

static const char *const kind_name[K_COUNT] = {
    [K_CEILING]       = "ceiling",
    [K_GETCHAL]       = "getchallenge",
    [K_EXP_EMPTY]     = "sessionexpire hpassword expireall (no sessions)",
    [K_EXP_MANY]      = "sessionexpire hpassword expire_id_<absent>",
    [K_FLOW_GETCHAL]  = "flow: getchallenge",
    [K_FLOW_EXP_CHAL] = "flow: sessionexpire auth_method=challenge",
    [K_COOKIE_PREP]   = "set-up: sessiongenerate for the cookie",
    [K_EXP_COOKIE]    = "sessionexpire auth_method=cookie",
    [K_CHURN_GEN]     = "churn: sessiongenerate",
    [K_CHURN_EXP]     = "churn: sessionexpire expire_id_<new>",
};

typedef enum {
    S_CEILING, S_GETCHAL, S_EXP_EMPTY, S_EXP_MANY, S_CHAL_FLOW, S_COOKIE_FLOW,
    S_CHURN, S_COUNT
} scen_t;

static const struct {
    const char *name;
    const char *family;         /* user name prefix of its accounts */
    int nsteps;
    kind_t steps[2];
} scen[S_COUNT] = {
    [S_CEILING]     = { "ceiling", NULL, 1, { K_CEILING } },
    [S_GETCHAL]     = { "getchallenge", NULL, 1, { K_GETCHAL } },
    [S_EXP_EMPTY]   = { "expire-hpassword-empty", "be", 1, { K_EXP_EMPTY } },
    [S_EXP_MANY]    = { "expire-hpassword-many", "bm", 1, { K_EXP_MANY } },
    [S_CHAL_FLOW]   = { "challenge-flow", "bc", 2,
                        { K_FLOW_GETCHAL, K_FLOW_EXP_CHAL } },
    [S_COOKIE_FLOW] = { "cookie-flow", "bk", 1, { K_EXP_COOKIE } },
    [S_CHURN]       = { "churn", "bg", 2, { K_CHURN_GEN, K_CHURN_EXP } },
};

/* ------------------------------------------------------------------ */
/* Options                                                              */

static struct {
    char host[256];
    int port;
    char path[512];
    int conns;
    int threads;
    double duration;            /* seconds; 0 with -n */
    uint64_t count;             /* requests; 0 with -d */
    double warmup;
    int users;                  /* distinct users per family; 0 = one per conn */
    const char *password;
    char hpassword[33];
    int expire_ids;             /* absent ids per expire-hpassword-many */
    long absent_base;           /* first absent session id */
    double timeout;             /* seconds per request */
    int weights[S_COUNT];       /* > 0: the scenario is in the mix */
    int mixed;
    const char *label;
    int show_first;             /* print the first response of each kind */
    int progress;               /* seconds between progress lines; 0 = none */
    const char *pause_file;     /* -p */
} opt;

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("loadgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);

    if (p == NULL) {
        die("out of memory");
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (p == NULL) {
        die("out of memory");
    }
    return p;
}

static void md5_hex(const char *data, size_t len, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;

    if (!EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL) || mdlen != 16) {
        die("MD5 failed (OpenSSL)");
    }
    for (i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0x0f];
    }
    out[32] = '\0';
}

/* Form-encodes `s` (only [A-Za-z0-9_.-] left alone) into out. */
static size_t urlenc(char *out, size_t cap, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-') {
            out[o++] = (char)c;
        }
        else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return o;
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* ------------------------------------------------------------------ */
/* Statistics                                                           */

typedef struct {
    uint32_t *v;                /* microseconds */
    size_t n, cap;
} latvec;

static void lat_push(latvec *l, uint32_t us)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = us;
}

static void lat_append(latvec *to, const latvec *from)
{
    size_t i;

    for (i = 0; i < from->n; i++) {
        lat_push(to, from->v[i]);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted vector. */
static uint32_t lat_pct(const latvec *l, double pct)
{
    size_t rank;

    if (l->n == 0) {
        return 0;
    }
    rank = (size_t)(pct / 100.0 * (double)l->n + 0.999999);
    if (rank < 1) {
        rank = 1;
    }
    if (rank > l->n) {
        rank = l->n;
    }
    return l->v[rank - 1];
}

enum { PH_WARMUP, PH_MEASURE, PH_DRAIN, PH_COUNT };
static const char *const phase_name[PH_COUNT] = { "warm-up", "measured",
                                                  "drain" };

#define MAX_ERR_KINDS 256

typedef struct {
    char *what;                 /* "FAIL getchallenge: errmsg", "HTTP 500 ..." */
    uint64_t n[PH_COUNT];
} errent;

typedef struct {
    errent e[MAX_ERR_KINDS];
    int n;
    uint64_t overflow;
} errtab;

static void err_add(errtab *t, int phase, const char *what)
{
    int i;

    for (i = 0; i < t->n; i++) {
        if (strcmp(t->e[i].what, what) == 0) {
            t->e[i].n[phase]++;
            return;
        }
    }
    if (t->n == MAX_ERR_KINDS) {
        t->overflow++;
        return;
    }
    t->e[t->n].what = strdup(what);
    if (t->e[t->n].what == NULL) {
        die("out of memory");
    }
    memset(t->e[t->n].n, 0, sizeof(t->e[t->n].n));
    t->e[t->n].n[phase] = 1;
    t->n++;
}

static void err_merge(errtab *to, const errtab *from)
{
    int i, ph;

    for (i = 0; i < from->n; i++) {
        for (ph = 0; ph < PH_COUNT; ph++) {
            uint64_t k;

            for (k = 0; k < from->e[i].n[ph]; k++) {
                err_add(to, ph, from->e[i].what);
            }
        }
    }
    to->overflow += from->overflow;
}

/* ------------------------------------------------------------------ */
/* Connections                                                          */

typedef enum { C_DOWN, C_CONNECTING, C_WRITING, C_READING, C_IDLE } cstate_t;

#define OUT_CAP 4096
#define IN_INIT 8192
#define IN_MAX (1 << 20)

struct worker;

typedef struct conn {
    struct worker *w;
    int id;                     /* global connection number */
    int fd;
    cstate_t state;
    scen_t scen;                /* scenario of the current flow */
    int step;                   /* index in scen[].steps, or -1: cookie prep */
    kind_t kind;                /* what is in flight */
    int phase;                  /* phase the request was sent in */
    int counted;                /* counts towards the measured figures */
    uint64_t t_sent;            /* us */
    uint64_t rng;
    uint64_t seq;
    char user[64];
    char chal[160];             /* challenge-flow: the challenge */
    long new_sessid;            /* churn: the session just made */
    char cookie[200];           /* cookie-flow: ljsession value */
    char cookie_user[64];
    char out[OUT_CAP];
    size_t out_len, out_off;
    char *in;
    size_t in_len, in_cap;
} conn;

typedef struct worker {
    int id;
    pthread_t thr;
    int epfd;
    conn *conns;
    int nconns;
    latvec lat[K_COUNT];
    uint64_t done[K_COUNT];     /* measured completions per kind */
    uint64_t flows;             /* measured completed flows */
    uint64_t ok_total;          /* every OK answer, any phase */
    uint64_t answered;          /* every whole answer, any phase */
    uint64_t reconnects;
    double last_done;           /* time of the last measured completion */
    errtab errs;
    int shown[K_COUNT];
    volatile int busy_now;      /* requests in flight, kept while paused */
} worker;

static volatile int g_phase = PH_WARMUP;
static volatile int g_stop_all;             /* drain is over: stop now */
static volatile int g_paused;               /* -p: between warm-up and measure */
static uint64_t g_issued;                   /* measured requests issued (-n) */
/* For -P: the slowest answer (us) and the answers over SLOW_US since the
 * last progress line, so a stall (a purge, a lock) shows when it happened. */
#define SLOW_US 100000
static uint32_t g_interval_max_us;
static uint64_t g_interval_slow;
static struct sockaddr_storage g_addr;
static socklen_t g_addrlen;
static double g_t_measure_end;              /* -d: end of the window */

static void conn_next(conn *c);
static void send_request(conn *c);
static void flow_reset(conn *c);

static void set_events(conn *c, uint32_t ev)
{
    struct epoll_event e = { .events = ev, .data.ptr = c };

    if (epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &e) < 0) {
        die("epoll_ctl MOD: %s", strerror(errno));
    }
}

static void conn_close(conn *c)
{
    if (c->fd >= 0) {
        epoll_ctl(c->w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->state = C_DOWN;
    c->in_len = 0;
}

static void record_error(conn *c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    err_add(&c->w->errs, c->state == C_READING || c->state == C_WRITING
                         ? c->phase : g_phase, buf);
}

/* Opens the connection (non-blocking); 0 on an immediate failure. */
static int conn_open(conn *c)
{
    int one = 1, fd;
    struct epoll_event e;

    fd = socket(g_addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        record_error(c, "socket: socket(): %s", strerror(errno));
        return 0;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->fd = fd;
    e.events = EPOLLOUT;
    e.data.ptr = c;
    if (epoll_ctl(c->w->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
        die("epoll_ctl ADD: %s", strerror(errno));
    }
    if (connect(fd, (struct sockaddr *)&g_addr, g_addrlen) < 0
        && errno != EINPROGRESS) {
        record_error(c, "socket: connect: %s", strerror(errno));
        conn_close(c);
        return 0;
    }
    c->state = C_CONNECTING;
    c->t_sent = now_us();
    return 1;
}

/* Appends a formatted piece to the request body being built. */
typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len) {
        die("request too large");
    }
    b->len += (size_t)n;
}

static void user_for(conn *c, scen_t s)
{
    int idx = opt.users > 0 ? c->id % opt.users : c->id;

    snprintf(c->user, sizeof(c->user), "%s%d", scen[s].family, idx);
}

/* Builds the request for c->kind into c->out. */
static void build_request(conn *c)
{
    char body[2048], enc[512], resp_hex[33], tmp[512];
    sbuf b = { body, 0, sizeof(body) };
    const char *extra = "";
    char extra_buf[512];
    int i, n;

    switch (c->kind) {
    case K_CEILING:
        sb_add(&b, "mode=ping");
        break;
    case K_GETCHAL:
    case K_FLOW_GETCHAL:
        sb_add(&b, "mode=getchallenge");
        break;
    case K_EXP_EMPTY:
        sb_add(&b, "mode=sessionexpire&user=%s&hpassword=%s&expireall=1",
               c->user, opt.hpassword);
        break;
    case K_EXP_MANY:
        sb_add(&b, "mode=sessionexpire&user=%s&hpassword=%s", c->user,
               opt.hpassword);
        for (i = 0; i < opt.expire_ids; i++) {
            long id = opt.absent_base + (long)(xorshift(&c->rng) % 1000000u);

            sb_add(&b, "&expire_id_%ld=1", id);
        }
        break;
    case K_FLOW_EXP_CHAL:
        n = snprintf(tmp, sizeof(tmp), "%s%s", c->chal, opt.hpassword);
        md5_hex(tmp, (size_t)n, resp_hex);
        urlenc(enc, sizeof(enc), c->chal);
        sb_add(&b, "mode=sessionexpire&user=%s&auth_method=challenge"
               "&auth_challenge=%s&auth_response=%s&expire_id_%ld=1",
               c->user, enc, resp_hex,
               opt.absent_base + (long)(xorshift(&c->rng) % 1000000u));
        break;
    case K_COOKIE_PREP:
        sb_add(&b, "mode=sessiongenerate&user=%s&hpassword=%s"
               "&expiration=long", c->user, opt.hpassword);
        break;
    case K_EXP_COOKIE:
        sb_add(&b, "mode=sessionexpire&user=%s&auth_method=cookie"
               "&expire_id_%ld=1", c->user,
               opt.absent_base + (long)(xorshift(&c->rng) % 1000000u));
        snprintf(extra_buf, sizeof(extra_buf),
                 "X-LJ-Auth: cookie\r\nCookie: ljsession=%s\r\n", c->cookie);
        extra = extra_buf;
        break;
    case K_CHURN_GEN:
        sb_add(&b, "mode=sessiongenerate&user=%s&hpassword=%s", c->user,
               opt.hpassword);
        break;
    case K_CHURN_EXP:
        sb_add(&b, "mode=sessionexpire&user=%s&hpassword=%s&expire_id_%ld=1",
               c->user, opt.hpassword, c->new_sessid);
        break;
    default:
        die("bad kind");
    }
    n = snprintf(c->out, OUT_CAP,
                 "POST %s HTTP/1.1\r\n"
                 "Host: %s:%d\r\n"
                 "User-Agent: sessionexpire-loadgen\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\n"
                 "%s"
                 "Content-Length: %zu\r\n"
                 "\r\n"
                 "%.*s",
                 opt.path, opt.host, opt.port, extra, b.len, (int)b.len, body);
    if (n < 0 || n >= OUT_CAP) {
        die("request too large");
    }
    c->out_len = (size_t)n;
    c->out_off = 0;
}

/* Picks the scenario of a new flow (weighted, for the mix). */
static scen_t pick_scenario(conn *c)
{
    int total = 0, s, r;

    if (!opt.mixed) {
        for (s = 0; s < S_COUNT; s++) {
            if (opt.weights[s] > 0) {
                return (scen_t)s;
            }
        }
    }
    for (s = 0; s < S_COUNT; s++) {
        total += opt.weights[s];
    }
    r = (int)(xorshift(&c->rng) % (uint64_t)total);
    for (s = 0; s < S_COUNT; s++) {
        if (r < opt.weights[s]) {
            return (scen_t)s;
        }
        r -= opt.weights[s];
    }
    return S_GETCHAL;
}

/* May a request be issued now?  Takes one from the -n budget. */
static int may_issue(conn *c)
{
    if (g_stop_all || g_phase == PH_DRAIN) {
        return 0;
    }
    if (g_phase == PH_MEASURE && opt.count > 0) {
        uint64_t k = __atomic_add_fetch(&g_issued, 1, __ATOMIC_RELAXED);

        if (k > opt.count) {
            return 0;
        }
    }
    (void)c;
    return 1;
}

/* Sends the next request of the connection, or leaves it idle. */
static void conn_next(conn *c)
{
    if (c->fd < 0) {
        if (g_stop_all || g_phase == PH_DRAIN) {
            c->state = C_IDLE;
            return;
        }
        c->w->reconnects++;
        if (!conn_open(c)) {
            c->state = C_IDLE;      /* retried from the loop */
        }
        return;
    }
    if (g_stop_all || g_phase == PH_DRAIN || g_paused) {
        c->state = C_IDLE;
        return;
    }
    if (c->step >= scen[c->scen].nsteps) {
        c->scen = pick_scenario(c);
        c->step = 0;
        if (scen[c->scen].family) {
            user_for(c, c->scen);
        }
    }
    if (c->scen == S_COOKIE_FLOW && strcmp(c->cookie_user, c->user) != 0) {
        c->kind = K_COOKIE_PREP;    /* make this connection's session first */
    }
    else {
        c->kind = scen[c->scen].steps[c->step];
    }
    /* Set-up requests do not take from the -n budget. */
    if (c->kind != K_COOKIE_PREP && !may_issue(c)) {
        c->state = C_IDLE;
        return;
    }
    c->phase = g_phase;
    c->counted = g_phase == PH_MEASURE && c->kind != K_COOKIE_PREP;
    build_request(c);
    c->state = C_WRITING;
    c->t_sent = now_us();
    send_request(c);
}

/* A flow failed or the connection broke: start a new flow next time. */
static void flow_reset(conn *c)
{
    c->step = scen[c->scen].nsteps;     /* forces a new pick */
}

/* ------------------------------------------------------------------ */
/* HTTP response parsing                                                */

typedef struct {
    int status;
    const char *body;
    size_t body_len;
    int close;
    size_t total;               /* bytes of the response in the buffer */
    char *dechunked;            /* malloc'd when chunked */
} http_resp;

static int hdr_eq(const char *line, size_t len, const char *name,
                  const char **val, size_t *vlen)
{
    size_t nl = strlen(name);

    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') {
        return 0;
    }
    line += nl + 1;
    len -= nl + 1;
    while (len && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t')) {
        len--;
    }
    *val = line;
    *vlen = len;
    return 1;
}

/* Tries to decode a chunked body at p..end; 1 done, 0 need more, -1 bad. */
static int dechunk(const char *p, const char *end, http_resp *hr,
                   const char *base)
{
    char *out = NULL;
    size_t olen = 0;

    for (;;) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        char *stop;
        unsigned long sz;

        if (eol == NULL) {
            free(out);
            return 0;
        }
        sz = strtoul(p, &stop, 16);
        if (stop == p) {
            free(out);
            return -1;
        }
        p = eol + 2;
        if (sz == 0) {
            /* trailers, then an empty line */
            for (;;) {
                eol = memmem(p, (size_t)(end - p), "\r\n", 2);
                if (eol == NULL) {
                    free(out);
                    return 0;
                }
                if (eol == p) {
                    p += 2;
                    break;
                }
                p = eol + 2;
            }
            hr->dechunked = out ? out : xmalloc(1);
            hr->body = hr->dechunked;
            hr->body_len = olen;
            hr->total = (size_t)(p - base);
            return 1;
        }
        if ((size_t)(end - p) < sz + 2) {
            free(out);
            return 0;
        }
        out = xrealloc(out, olen + sz + 1);
        memcpy(out + olen, p, sz);
        olen += sz;
        p += sz + 2;
    }
}

/* 1: a whole response is in buf; 0: need more; -1: malformed (why set). */
static int parse_response(const char *buf, size_t len, http_resp *hr,
                          int eof, const char **why)
{
    const char *hend = memmem(buf, len, "\r\n\r\n", 4);
    const char *p, *end, *v;
    size_t vlen;
    long clen = -1;
    int chunked = 0;

    memset(hr, 0, sizeof(*hr));
    if (hend == NULL) {
        if (len > 65536) {
            *why = "header too large";
            return -1;
        }
        return 0;
    }
    if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') {
        *why = "not an HTTP/1.x status line";
        return -1;
    }
    hr->status = atoi(buf + 9);
    if (buf[7] == '0') {
        hr->close = 1;
    }
    p = memchr(buf, '\n', (size_t)(hend - buf)) + 1;
    end = hend + 2;
    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        size_t ll = (size_t)(eol - p);

        if (hdr_eq(p, ll, "Content-Length", &v, &vlen)) {
            clen = strtol(v, NULL, 10);
        }
        else if (hdr_eq(p, ll, "Transfer-Encoding", &v, &vlen)) {
            chunked = vlen >= 7 && strncasecmp(v, "chunked", 7) == 0;
        }
        else if (hdr_eq(p, ll, "Connection", &v, &vlen)) {
            if (vlen == 5 && strncasecmp(v, "close", 5) == 0) {
                hr->close = 1;
            }
        }
        p = eol + 2;
    }
    p = hend + 4;
    if (chunked) {
        int rc = dechunk(p, buf + len, hr, buf);

        if (rc < 0) {
            *why = "bad chunked encoding";
        }
        return rc;
    }
    if (clen >= 0) {
        if ((size_t)(buf + len - p) < (size_t)clen) {
            return 0;
        }
        hr->body = p;
        hr->body_len = (size_t)clen;
        hr->total = (size_t)(p - buf) + (size_t)clen;
        return 1;
    }
    /* Neither: the body runs to the end of the connection. */
    if (!eof) {
        return 0;
    }
    hr->body = p;
    hr->body_len = (size_t)(buf + len - p);
    hr->total = len;
    hr->close = 1;
    return 1;
}

/* Keeps the interval's slowest answer and its count of slow ones (-P). */
static void note_interval_latency(uint32_t us)
{
    uint32_t seen = __atomic_load_n(&g_interval_max_us, __ATOMIC_RELAXED);

    while (us > seen
           && !__atomic_compare_exchange_n(&g_interval_max_us, &seen, us, 0,
                                           __ATOMIC_RELAXED,
                                           __ATOMIC_RELAXED)) {
    }
    if (us >= SLOW_US) {
        __atomic_fetch_add(&g_interval_slow, 1, __ATOMIC_RELAXED);
    }
}

/* Finds the value of `key` in a flat key\nvalue\n body (copied into out). */
static int flat_get(const char *body, size_t len, const char *key, char *out,
                    size_t cap)
{
    const char *p = body, *end = body + len;
    size_t kl = strlen(key);

    while (p < end) {
        const char *k_end = memchr(p, '\n', (size_t)(end - p));
        const char *v, *v_end;

        if (k_end == NULL) {
            return 0;
        }
        v = k_end + 1;
        v_end = memchr(v, '\n', (size_t)(end - v));
        if (v_end == NULL) {
            return 0;
        }
        if ((size_t)(k_end - p) == kl && memcmp(p, key, kl) == 0) {
            size_t n = (size_t)(v_end - v);

            if (n >= cap) {
                n = cap - 1;
            }
            memcpy(out, v, n);
            out[n] = '\0';
            return 1;
        }
        p = v_end + 1;
    }
    return 0;
}

/* Checks a complete response; 1 if it is what the step needed. */
static int check_answer(conn *c, const http_resp *hr)
{
    char success[16], errmsg[300], val[200];
    const char *kname = kind_name[c->kind];

    if (opt.show_first && !c->w->shown[c->kind]) {
        c->w->shown[c->kind] = 1;
        fprintf(stderr, "--- first answer to %s (HTTP %d):\n%.*s---\n",
                kname, hr->status, (int)hr->body_len, hr->body);
    }
    if (hr->status != 200) {
        record_error(c, "HTTP %d on %s", hr->status, kname);
        return 0;
    }
    if (!flat_get(hr->body, hr->body_len, "success", success,
                  sizeof(success))) {
        record_error(c, "bad flat answer (no success key) on %s", kname);
        return 0;
    }
    if (strcmp(success, "OK") != 0) {
        if (!flat_get(hr->body, hr->body_len, "errmsg", errmsg,
                      sizeof(errmsg))) {
            strcpy(errmsg, "(no errmsg)");
        }
        record_error(c, "success=%s on %s: %s", success, kname, errmsg);
        return 0;
    }
    switch (c->kind) {
    case K_GETCHAL:
    case K_FLOW_GETCHAL:
        if (!flat_get(hr->body, hr->body_len, "challenge", c->chal,
                      sizeof(c->chal)) || strncmp(c->chal, "c0:", 3) != 0) {
            record_error(c, "getchallenge OK without a c0 challenge");
            return 0;
        }
        break;
    case K_COOKIE_PREP:
    case K_CHURN_GEN: {
        /* ljsession = ws:<user>:<sessid>:<auth> */
        char *a, *b2;

        if (!flat_get(hr->body, hr->body_len, "ljsession", val, sizeof(val))
            || strncmp(val, "ws:", 3) != 0
            || (a = strchr(val + 3, ':')) == NULL
            || (b2 = strchr(a + 1, ':')) == NULL) {
            record_error(c, "sessiongenerate OK without a ljsession");
            return 0;
        }
        c->new_sessid = strtol(a + 1, NULL, 10);
        if (c->kind == K_COOKIE_PREP) {
            snprintf(c->cookie, sizeof(c->cookie), "%s", val);
            snprintf(c->cookie_user, sizeof(c->cookie_user), "%s", c->user);
        }
        break;
    }
    default:
        break;
    }
    return 1;
}

/* A whole response arrived for the request in flight. */
static void on_response(conn *c, const http_resp *hr)
{
    worker *w = c->w;
    uint64_t t = now_us();
    int ok = check_answer(c, hr);
    int counted = c->counted;

    w->answered++;
    /* -d: only what completes inside the window counts. */
    if (counted && opt.duration > 0 && g_t_measure_end > 0
        && now_s() > g_t_measure_end) {
        counted = 0;
    }
    if (ok) {
        w->ok_total++;
    }
    if (counted) {
        w->done[c->kind]++;
        lat_push(&w->lat[c->kind], (uint32_t)(t - c->t_sent));
        note_interval_latency((uint32_t)(t - c->t_sent));
        w->last_done = now_s();
    }
    if (!ok) {
        flow_reset(c);
    }
    else if (c->kind == K_COOKIE_PREP) {
        /* the flow proper starts now, at its step 0 */
    }
    else {
        c->step++;
        if (c->step >= scen[c->scen].nsteps && counted) {
            w->flows++;
        }
    }
    c->state = C_IDLE;
    if (hr->close) {
        conn_close(c);
    }
}

static void on_readable(conn *c)
{
    for (;;) {
        ssize_t n;
        http_resp hr;
        const char *why = "";
        int rc;

        if (c->in_len == c->in_cap) {
            if (c->in_cap >= IN_MAX) {
                record_error(c, "bad response: larger than %d bytes", IN_MAX);
                conn_close(c);
                flow_reset(c);
                return;
            }
            c->in_cap *= 2;
            c->in = xrealloc(c->in, c->in_cap);
        }
        n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return;
            }
            if (errno == EINTR) {
                continue;
            }
            record_error(c, "socket: recv on %s: %s", kind_name[c->kind],
                         strerror(errno));
            conn_close(c);
            flow_reset(c);
            return;
        }
        if (n == 0 && c->in_len == 0) {
            record_error(c, "socket: connection closed before the answer to %s",
                         kind_name[c->kind]);
            conn_close(c);
            flow_reset(c);
            return;
        }
        c->in_len += (size_t)n;
        rc = parse_response(c->in, c->in_len, &hr, n == 0, &why);
        if (rc == 0 && n == 0) {
            record_error(c, "socket: connection closed mid-answer to %s",
                         kind_name[c->kind]);
            conn_close(c);
            flow_reset(c);
            return;
        }
        if (rc < 0) {
            record_error(c, "bad response to %s: %s", kind_name[c->kind], why);
            conn_close(c);
            flow_reset(c);
            return;
        }
        if (rc == 1) {
            int extra = hr.total != c->in_len;

            on_response(c, &hr);
            free(hr.dechunked);
            if (extra && c->fd >= 0) {
                record_error(c, "bad response: bytes after the answer");
                conn_close(c);
            }
            c->in_len = 0;
            conn_next(c);
            return;
        }
    }
}

/* Writes what is left of the request; waits for EPOLLOUT only when the
 * socket buffer is full (never, for requests this small). */
static void send_request(conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                         MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                set_events(c, EPOLLIN | EPOLLOUT);
                return;
            }
            if (errno == EINTR) {
                continue;
            }
            record_error(c, "socket: send on %s: %s", kind_name[c->kind],
                         strerror(errno));
            conn_close(c);
            flow_reset(c);
            c->state = C_IDLE;
            return;
        }
        c->out_off += (size_t)n;
    }
    if (c->out_len > 0 && c->out_off == c->out_len && c->state == C_WRITING) {
        c->state = C_READING;
    }
}

static void on_writable(conn *c)
{
    if (c->state == C_CONNECTING) {
        int err = 0;
        socklen_t el = sizeof(err);

        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err != 0) {
            record_error(c, "socket: connect: %s", strerror(err));
            conn_close(c);
            c->state = C_IDLE;
            return;
        }
        set_events(c, EPOLLIN);         /* from now on, for good */
        c->state = C_IDLE;
        conn_next(c);
        return;
    }
    send_request(c);
    if (c->state == C_READING) {
        set_events(c, EPOLLIN);
    }
}

/* ------------------------------------------------------------------ */
/* Worker threads                                                       */

static void check_timeouts(worker *w)
{
    uint64_t t = now_us(), lim = (uint64_t)(opt.timeout * 1e6);
    int i;

    for (i = 0; i < w->nconns; i++) {
        conn *c = &w->conns[i];

        if ((c->state == C_READING || c->state == C_WRITING
             || c->state == C_CONNECTING) && t - c->t_sent > lim) {
            if (c->state == C_CONNECTING) {
                record_error(c, "socket: connect timed out");
            }
            else {
                record_error(c, "socket: no answer to %s within %.0f s",
                             kind_name[c->kind], opt.timeout);
            }
            conn_close(c);
            flow_reset(c);
            c->state = C_IDLE;
        }
    }
}

static int busy_conns(worker *w)
{
    int i, n = 0;

    for (i = 0; i < w->nconns; i++) {
        cstate_t s = w->conns[i].state;

        n += s == C_READING || s == C_WRITING || s == C_CONNECTING;
    }
    return n;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    struct epoll_event ev[256];
    double last_check = now_s();
    int i;

    for (i = 0; i < w->nconns; i++) {
        conn *c = &w->conns[i];

        c->t_sent = now_us();
        if (!conn_open(c)) {
            c->state = C_IDLE;
        }
    }
    for (;;) {
        int n = epoll_wait(w->epfd, ev, 256, 50), k;
        double t;

        if (n < 0 && errno != EINTR) {
            die("epoll_wait: %s", strerror(errno));
        }
        for (k = 0; k < n; k++) {
            conn *c = ev[k].data.ptr;

            if (c->fd < 0) {
                continue;
            }
            if ((c->state == C_WRITING || c->state == C_CONNECTING)
                && (ev[k].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                on_writable(c);
            }
            else if (c->state == C_READING
                     && (ev[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                on_readable(c);
            }
            else if (c->state == C_IDLE
                     && (ev[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                /* The server closed an idle connection. */
                conn_close(c);
            }
        }
        t = now_s();
        if (t - last_check >= 0.2) {
            last_check = t;
            check_timeouts(w);
            /* Revive idle connections (after errors / reconnects). */
            for (i = 0; i < w->nconns; i++) {
                conn *c = &w->conns[i];

                if (c->state == C_IDLE || c->state == C_DOWN) {
                    if (c->fd >= 0 || !(g_stop_all || g_phase == PH_DRAIN)) {
                        conn_next(c);
                    }
                }
            }
        }
        if (g_paused) {
            __atomic_store_n(&w->busy_now, busy_conns(w), __ATOMIC_RELAXED);
        }
        if (g_stop_all) {
            break;
        }
        if ((g_phase == PH_DRAIN
             || (g_phase == PH_MEASURE && opt.count > 0
                 && __atomic_load_n(&g_issued, __ATOMIC_RELAXED)
                    >= opt.count))
            && busy_conns(w) == 0) {
            break;
        }
    }
    for (i = 0; i < w->nconns; i++) {
        conn_close(&w->conns[i]);
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Set-up and report                                                    */

static void usage(FILE *f)
{
    int s;

    fprintf(f,
"usage: loadgen -u URL -s SCENARIO [options]\n"
"  -u URL        http://127.0.0.1:PORT/path (the flat endpoint, or the\n"
"                ceiling handler for -s ceiling)\n"
"  -s SCENARIO   one of:");
    for (s = 0; s < S_COUNT; s++) {
        fprintf(f, " %s", scen[s].name);
    }
    fprintf(f, "\n"
"                or mix=NAME:WEIGHT,NAME:WEIGHT,... (each flow picks one)\n"
"  -c N          connections (default 64)\n"
"  -t N          threads (default 1)\n"
"  -d SECONDS    measure for this long (default 10), or\n"
"  -n COUNT      measure this many requests\n"
"  -w SECONDS    warm-up before measuring, not counted (default 2)\n"
"  -U N          distinct users per scenario: connection i uses user\n"
"                <family><i mod N>; 1 = every connection shares one user;\n"
"                default: one user per connection\n"
"  -k PASSWORD   the users' password (default benchpw)\n"
"  -i N          expire-hpassword-many: absent expire_id_ keys per request\n"
"                (default 1)\n"
"  -b ID         first absent session id (default 1000000)\n"
"  -T SECONDS    per-request timeout (default 30)\n"
"  -L LABEL      label for the RESULT line\n"
"  -P SECONDS    print a progress line every SECONDS (-d: with the\n"
"                slowest answer and the answers >= 100 ms since the last)\n"
"  -v            print the first answer of every request kind\n"
"  -p FILE       after the warm-up, pause (connections kept open): create\n"
"                FILE, go on once it is removed\n"
"Users: families be (expire-hpassword-empty), bm (expire-hpassword-many,\n"
"which should hold many live sessions), bc (challenge-flow), bk (cookie-flow),\n"
"bg (churn); e.g. be0..be63 for -c 64.\n"
"Exit status: 0 no error, 1 some error (all listed), 2 usage/set-up.\n");
}

static int scen_by_name(const char *name, size_t len)
{
    int s;

    for (s = 0; s < S_COUNT; s++) {
        if (strlen(scen[s].name) == len
            && strncmp(scen[s].name, name, len) == 0) {
            return s;
        }
    }
    return -1;
}

static void parse_scenario(const char *arg)
{
    memset(opt.weights, 0, sizeof(opt.weights));
    if (strncmp(arg, "mix=", 4) == 0) {
        const char *p = arg + 4;

        opt.mixed = 1;
        while (*p) {
            const char *colon = strchr(p, ':'), *comma = strchr(p, ',');
            int s, wgt;

            if (colon == NULL || (comma && comma < colon)) {
                die("bad mix: %s (want NAME:WEIGHT,...)", arg);
            }
            s = scen_by_name(p, (size_t)(colon - p));
            if (s == S_CEILING) {
                die("the ceiling has its own URL: not in a mix");
            }
            if (s < 0) {
                die("unknown scenario in mix: %.*s", (int)(colon - p), p);
            }
            wgt = atoi(colon + 1);
            if (wgt <= 0) {
                die("bad weight in mix: %s", arg);
            }
            opt.weights[s] += wgt;
            p = comma ? comma + 1 : p + strlen(p);
        }
        return;
    }
    {
        int s = scen_by_name(arg, strlen(arg));

        if (s < 0) {
            usage(stderr);
            die("unknown scenario %s", arg);
        }
        opt.weights[s] = 1;
    }
}

static void parse_url(const char *url)
{
    const char *p, *slash, *colon;
    struct addrinfo hints, *ai;
    char port[16];
    int rc;

    if (strncmp(url, "http://", 7) != 0) {
        die("URL must start with http://");
    }
    p = url + 7;
    slash = strchr(p, '/');
    if (slash == NULL) {
        slash = p + strlen(p);
    }
    colon = memchr(p, ':', (size_t)(slash - p));
    if (colon) {
        snprintf(opt.host, sizeof(opt.host), "%.*s", (int)(colon - p), p);
        opt.port = atoi(colon + 1);
    }
    else {
        snprintf(opt.host, sizeof(opt.host), "%.*s", (int)(slash - p), p);
        opt.port = 80;
    }
    snprintf(opt.path, sizeof(opt.path), "%s", *slash ? slash : "/");
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%d", opt.port);
    rc = getaddrinfo(opt.host, port, &hints, &ai);
    if (rc != 0) {
        die("cannot resolve %s: %s", opt.host, gai_strerror(rc));
    }
    memcpy(&g_addr, ai->ai_addr, ai->ai_addrlen);
    g_addrlen = ai->ai_addrlen;
    freeaddrinfo(ai);
}

static void print_lat_line(const char *name, latvec *l, uint64_t n,
                           double secs)
{
    qsort(l->v, l->n, sizeof(*l->v), cmp_u32);
    printf("  %-46s %9llu req %10.1f req/s  p50 %7.2f  p90 %7.2f  "
           "p99 %7.2f  max %8.2f ms\n", name, (unsigned long long)n,
           secs > 0 ? (double)n / secs : 0.0, lat_pct(l, 50) / 1000.0,
           lat_pct(l, 90) / 1000.0, lat_pct(l, 99) / 1000.0,
           l->n ? l->v[l->n - 1] / 1000.0 : 0.0);
}

/*
 * -p FILE: after the warm-up, stop sending, wait for the answers in flight,
 * create FILE and wait (at most an hour) until someone removes it; the
 * connections stay open.  bench/soak reads httpd's memory meanwhile.
 */
static void pause_between_phases(worker *ws)
{
    double limit = now_s() + opt.timeout + 1;
    int i, busy;
    FILE *f;

    __atomic_store_n(&g_paused, 1, __ATOMIC_SEQ_CST);
    for (i = 0; i < opt.threads; i++) {
        __atomic_store_n(&ws[i].busy_now, 1, __ATOMIC_SEQ_CST);
    }
    do {
        usleep(20000);
        busy = 0;
        for (i = 0; i < opt.threads; i++) {
            busy += __atomic_load_n(&ws[i].busy_now, __ATOMIC_RELAXED);
        }
    } while (busy > 0 && now_s() < limit);
    f = fopen(opt.pause_file, "w");
    if (f == NULL) {
        die("cannot create %s: %s", opt.pause_file, strerror(errno));
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    fprintf(stderr, "loadgen: warm-up done; paused until %s is removed\n",
            opt.pause_file);
    limit = now_s() + 3600;
    while (access(opt.pause_file, F_OK) == 0 && now_s() < limit) {
        usleep(20000);
    }
    __atomic_store_n(&g_paused, 0, __ATOMIC_SEQ_CST);
}

int main(int argc, char **argv)
{
    const char *url = NULL, *scenario = NULL;
    worker *ws;
    int ch, i, k, ph, nerr_kinds;
    double t0, t_start, t_end, secs;
    latvec all = { 0 }, per[K_COUNT];
    uint64_t done[K_COUNT] = { 0 }, total = 0, flows = 0, errors = 0,
             measured_errors = 0, reconnects = 0, answered = 0;
    struct rusage ru;
    double cpu_s;
    errtab errs;
    double last_done = 0;

    opt.conns = 64;
    opt.threads = 1;
    opt.duration = 10;
    opt.warmup = 2;
    opt.password = "benchpw";
    opt.expire_ids = 1;
    opt.absent_base = 1000000;
    opt.timeout = 30;
    opt.label = "";
    while ((ch = getopt(argc, argv, "u:s:c:t:d:n:w:U:k:i:b:T:L:P:p:vh")) != -1) {
        switch (ch) {
        case 'u': url = optarg; break;
        case 's': scenario = optarg; break;
        case 'c': opt.conns = atoi(optarg); break;
        case 't': opt.threads = atoi(optarg); break;
        case 'd': opt.duration = atof(optarg); opt.count = 0; break;
        case 'n': opt.count = strtoull(optarg, NULL, 10); opt.duration = 0;
                  break;
        case 'w': opt.warmup = atof(optarg); break;
        case 'U': opt.users = atoi(optarg); break;
        case 'k': opt.password = optarg; break;
        case 'i': opt.expire_ids = atoi(optarg); break;
        case 'b': opt.absent_base = atol(optarg); break;
        case 'T': opt.timeout = atof(optarg); break;
        case 'L': opt.label = optarg; break;
        case 'P': opt.progress = atoi(optarg); break;
        case 'v': opt.show_first = 1; break;
        case 'p': opt.pause_file = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (url == NULL || scenario == NULL) {
        usage(stderr);
        return 2;
    }
    if (opt.conns < 1 || opt.threads < 1 || opt.threads > opt.conns
        || opt.warmup < 0 || opt.users < 0 || opt.expire_ids < 1
        || opt.expire_ids > 50 || opt.timeout <= 0
        || (opt.duration <= 0 && opt.count == 0)) {
        die("bad option value (see -h)");
    }
    if (opt.absent_base < 1 || opt.absent_base > 2147483647L - 1000000) {
        die("-b out of range");
    }
    parse_scenario(scenario);
    parse_url(url);
    md5_hex(opt.password, strlen(opt.password), opt.hpassword);
    signal(SIGPIPE, SIG_IGN);

    ws = calloc((size_t)opt.threads, sizeof(*ws));
    if (ws == NULL) {
        die("out of memory");
    }
    for (i = 0; i < opt.threads; i++) {
        worker *w = &ws[i];
        int lo = opt.conns * i / opt.threads,
            hi = opt.conns * (i + 1) / opt.threads;

        w->id = i;
        w->nconns = hi - lo;
        w->conns = calloc((size_t)w->nconns, sizeof(conn));
        w->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (w->conns == NULL || w->epfd < 0) {
            die("set-up failed");
        }
        for (k = 0; k < w->nconns; k++) {
            conn *c = &w->conns[k];

            c->w = w;
            c->id = lo + k;
            c->fd = -1;
            c->state = C_DOWN;
            c->scen = S_GETCHAL;
            c->step = 1;        /* > nsteps of getchallenge: pick first */
            c->rng = 0x9E3779B97F4A7C15ull ^ ((uint64_t)(c->id + 1) * 2654435761u);
            c->in_cap = IN_INIT;
            c->in = xmalloc(c->in_cap);
        }
    }
    t0 = now_s();
    for (i = 0; i < opt.threads; i++) {
        if (pthread_create(&ws[i].thr, NULL, worker_main, &ws[i]) != 0) {
            die("pthread_create failed");
        }
    }
    /* Warm-up, then the measured phase. */
    while (now_s() - t0 < opt.warmup) {
        usleep(20000);
    }
    if (opt.pause_file != NULL) {
        pause_between_phases(ws);
    }
    t_start = now_s();
    __atomic_store_n(&g_phase, PH_MEASURE, __ATOMIC_SEQ_CST);
    if (opt.duration > 0) {
        double next_prog = t_start + opt.progress;

        g_t_measure_end = t_start + opt.duration;
        while (now_s() < g_t_measure_end) {
            usleep(10000);
            if (opt.progress > 0 && now_s() >= next_prog) {
                next_prog += opt.progress;
                fprintf(stderr, "loadgen: %.0f s, slowest answer %.1f ms,"
                        " %llu answers >= %d ms\n", now_s() - t_start,
                        __atomic_exchange_n(&g_interval_max_us, 0,
                                            __ATOMIC_RELAXED) / 1000.0,
                        (unsigned long long)__atomic_exchange_n(
                            &g_interval_slow, 0, __ATOMIC_RELAXED),
                        SLOW_US / 1000);
            }
        }
        t_end = g_t_measure_end;
        __atomic_store_n(&g_phase, PH_DRAIN, __ATOMIC_SEQ_CST);
    }
    else {
        double next_prog = t_start + opt.progress;

        /* Threads stop by themselves once the budget is spent. */
        for (;;) {
            uint64_t issued = __atomic_load_n(&g_issued, __ATOMIC_RELAXED);

            if (issued >= opt.count) {
                break;
            }
            usleep(10000);
            if (opt.progress > 0 && now_s() >= next_prog) {
                next_prog += opt.progress;
                fprintf(stderr, "loadgen: %.0f s, %llu requests issued\n",
                        now_s() - t_start, (unsigned long long)issued);
            }
        }
        t_end = 0;
    }
    /* Drain: in-flight answers, bounded by the timeout. */
    {
        double limit = now_s() + opt.timeout + 1;
        int alive;

        do {
            alive = 0;
            for (i = 0; i < opt.threads; i++) {
                alive += pthread_tryjoin_np(ws[i].thr, NULL) == EBUSY;
            }
            if (alive) {
                usleep(10000);
            }
        } while (alive && now_s() < limit);
        if (alive) {
            g_stop_all = 1;
        }
        for (i = 0; i < opt.threads; i++) {
            pthread_join(ws[i].thr, NULL);
        }
    }

    /* Merge. */
    memset(&errs, 0, sizeof(errs));
    memset(per, 0, sizeof(per));
    for (i = 0; i < opt.threads; i++) {
        worker *w = &ws[i];

        for (k = 0; k < K_COUNT; k++) {
            done[k] += w->done[k];
            lat_append(&per[k], &w->lat[k]);
            lat_append(&all, &w->lat[k]);
        }
        flows += w->flows;
        reconnects += w->reconnects;
        answered += w->answered;
        if (w->last_done > last_done) {
            last_done = w->last_done;
        }
        err_merge(&errs, &w->errs);
    }
    for (k = 0; k < K_COUNT; k++) {
        total += done[k];
    }
    if (opt.duration > 0) {
        secs = t_end - t_start;
    }
    else {
        secs = last_done > t_start ? last_done - t_start : 0;
    }
    for (i = 0; i < errs.n; i++) {
        for (ph = 0; ph < PH_COUNT; ph++) {
            errors += errs.e[i].n[ph];
        }
        measured_errors += errs.e[i].n[PH_MEASURE];
    }
    errors += errs.overflow;

    printf("scenario %s: %d connections, %d thread(s), users: %s, "
           "warm-up %.1f s, measured %.2f s\n", scenario, opt.conns,
           opt.threads,
           opt.users == 0 ? "one per connection"
           : opt.users == 1 ? "one shared by all connections" : "mod N",
           opt.warmup, secs);
    print_lat_line("all requests", &all, total, secs);
    for (k = 0; k < K_COUNT; k++) {
        if (done[k] > 0) {
            print_lat_line(kind_name[k], &per[k], done[k], secs);
        }
    }
    if (flows != total) {
        printf("  completed flows: %llu (%.1f flows/s)\n",
               (unsigned long long)flows, secs > 0 ? flows / secs : 0.0);
    }
    nerr_kinds = errs.n;
    printf("errors: %llu (warm-up and drain included)\n",
           (unsigned long long)errors);
    for (i = 0; i < nerr_kinds; i++) {
        printf("  %8llu  %s  [", (unsigned long long)(errs.e[i].n[0]
               + errs.e[i].n[1] + errs.e[i].n[2]), errs.e[i].what);
        for (ph = 0; ph < PH_COUNT; ph++) {
            printf("%s%s %llu", ph ? ", " : "", phase_name[ph],
                   (unsigned long long)errs.e[i].n[ph]);
        }
        printf("]\n");
    }
    if (errs.overflow) {
        printf("  %8llu  (more kinds of error than the table holds)\n",
               (unsigned long long)errs.overflow);
    }
    if (reconnects > 0) {
        printf("reconnects: %llu\n", (unsigned long long)reconnects);
    }
    getrusage(RUSAGE_SELF, &ru);
    cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
            + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("answers (all phases, set-up included): %llu; loadgen CPU %.2f s"
           " (%.1f us per answer)\n", (unsigned long long)answered, cpu_s,
           answered ? cpu_s * 1e6 / (double)answered : 0.0);
    qsort(all.v, all.n, sizeof(*all.v), cmp_u32);
    /* One machine-readable line for bench/compare and bench/soak. */
    printf("RESULT label=%s scenario=%s conns=%d threads=%d users=%d "
           "requests=%llu secs=%.3f rps=%.1f flows=%llu p50_ms=%.3f "
           "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%llu "
           "measured_errors=%llu answered=%llu lg_cpu_s=%.3f\n",
           *opt.label ? opt.label : "-", scenario, opt.conns, opt.threads,
           opt.users, (unsigned long long)total, secs,
           secs > 0 ? total / secs : 0.0, (unsigned long long)flows,
           lat_pct(&all, 50) / 1000.0, lat_pct(&all, 90) / 1000.0,
           lat_pct(&all, 99) / 1000.0,
           all.n ? all.v[all.n - 1] / 1000.0 : 0.0,
           (unsigned long long)errors, (unsigned long long)measured_errors,
           (unsigned long long)answered, cpu_s);
    if (total == 0) {
        printf("loadgen: no request was measured\n");
        return 1;
    }
    return errors ? 1 : 0;
}
