# shellcheck shell=bash
# shellcheck disable=SC2034  # LOADGEN, URL, ... are for the scripts that source this
# Shared by bench/compare and bench/soak.  Source it; do not run it.
#
# Everything it starts (httpd, PostgreSQL) lives in one temporary directory
# and is stopped by bench_cleanup, which the scripts run from their EXIT
# trap.  Servers listen on 127.0.0.1 only.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SE_ROOT=$(cd "$BENCH_DIR/.." && pwd)
RUN_USER=${RUN_USER:-www-data}

# Settings the scripts may override before bench_start_httpd.
# BENCH_MODULE         another build of mod_sessionexpire.so (A/B tests)
# BENCH_EXTRA_CONF     configuration lines added at server level
# BENCH_INITSQL_EXTRA  SQL appended to DBDInitSQL (SQLite), e.g. a PRAGMA
: "${BENCH_PASSWORD:=benchpw}"
# Threads per child default to the connections + 16: when every worker of
# a child is busy, the event MPM closes that child's idle keep-alive
# connections, which the load generator would (rightly) count as errors.
: "${BENCH_CONNS:=64}"
: "${BENCH_CHILDREN:=2}"
: "${BENCH_SYNC:=FULL}"
: "${BENCH_DRIVER:=sqlite3}"
: "${BENCH_MANY_SESSIONS:=1000}"

BENCH_TMP=
HTTPD_PID=
PG_DIR=
PG_PORT=

blog() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

bdie() {
    blog "error: $*"
    exit 1
}

# A TCP port on 127.0.0.1 that nothing listens on (and is not in the
# ephemeral range, so loadgen's own sockets cannot take it).
bench_free_port() {
    local port i
    for i in $(seq 1 200); do
        port=$(( 20000 + RANDOM % 12000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    bdie "no free port found"
}

# Installs the Debian packages of "$@" that are missing (as the project's
# scripts do); needs root only when something is missing.
bench_ensure_packages() {
    local -a missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
            | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || bdie "install these packages first: ${missing[*]}"
    blog "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
        >/dev/null
}

bench_setup() {
    [ "$(id -u)" -eq 0 ] || bdie "run as root (httpd's children run as $RUN_USER)"
    bench_ensure_packages build-essential apache2-dev apache2-bin libssl-dev \
        libaprutil1-dbd-sqlite3 sqlite3
    APXS=$(command -v apxs || command -v apxs2) || bdie "apxs not found"
    LIBEXECDIR=$("$APXS" -q LIBEXECDIR)
    HTTPD="$("$APXS" -q SBINDIR)/$("$APXS" -q TARGET)"
    MODULE=${BENCH_MODULE:-$SE_ROOT/.libs/mod_sessionexpire.so}
    ADMIN="$SE_ROOT/sessionexpire-admin"
    if [ "${BENCH_BUILD:-0}" = 1 ]; then
        make -C "$SE_ROOT" -s >/dev/null || bdie "make failed"
    fi
    [ -f "$MODULE" ] || bdie "$MODULE is not built: run make in $SE_ROOT (or --build)"
    [ -x "$ADMIN" ] || bdie "$ADMIN is not built: run make in $SE_ROOT (or --build)"
    local newer=
    [ -n "${BENCH_MODULE:-}" ] || newer=$(find "$SE_ROOT/src" "$SE_ROOT/mod_sessionexpire.c" \
                 -name '*.[ch]' -newer "$MODULE" 2>/dev/null | head -3 | tr '\n' ' ')
    [ -z "${newer:-}" ] || blog "warning: sources newer than the module: $newer(--build rebuilds)"
    make -C "$BENCH_DIR" -s loadgen >/dev/null || bdie "cannot build bench/loadgen"
    LOADGEN="$BENCH_DIR/loadgen"

    BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/se-bench.XXXXXX")
    chmod 755 "$BENCH_TMP"
    mkdir -p "$BENCH_TMP/htdocs" "$BENCH_TMP/db" "$BENCH_TMP/ceiling"
    # The ceiling module, built outside the source tree.
    cp "$BENCH_DIR/mod_flatceiling.c" "$BENCH_TMP/ceiling/"
    (cd "$BENCH_TMP/ceiling" && "$APXS" -c mod_flatceiling.c >build.log 2>&1) \
        || { cat "$BENCH_TMP/ceiling/build.log" >&2; bdie "apxs cannot build mod_flatceiling"; }
    CEILING_SO="$BENCH_TMP/ceiling/.libs/mod_flatceiling.so"
    [ -f "$CEILING_SO" ] || bdie "apxs built no $CEILING_SO"
    # The challenge site secret: 64 hex characters, root-only.
    SECRET="$BENCH_TMP/challenge.secret"
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$SECRET")
    chmod 0400 "$SECRET"
}

# bench_stop_httpd: TERM, then KILL after 10 s.
bench_stop_httpd() {
    if [ -n "$HTTPD_PID" ] && kill -0 "$HTTPD_PID" 2>/dev/null; then
        kill -TERM "$HTTPD_PID" 2>/dev/null || true
        local i
        for i in $(seq 1 50); do
            kill -0 "$HTTPD_PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$HTTPD_PID" 2>/dev/null; then
            blog "httpd $HTTPD_PID still running: SIGKILL"
            kill -KILL "$HTTPD_PID" 2>/dev/null || true
        fi
        wait "$HTTPD_PID" 2>/dev/null || true
    fi
    HTTPD_PID=
}

bench_stop_pg() {
    if [ -n "$PG_DIR" ] && [ -f "$PG_DIR/postmaster.pid" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop \
            >/dev/null 2>&1 || true
    fi
    PG_DIR=
}

bench_cleanup() {
    bench_stop_httpd
    bench_stop_pg
    if [ -n "$BENCH_TMP" ] && [ "${BENCH_KEEP:-0}" != 1 ]; then
        rm -rf "$BENCH_TMP"
    elif [ -n "$BENCH_TMP" ]; then
        blog "kept $BENCH_TMP"
    fi
}

# Starts a throwaway PostgreSQL on 127.0.0.1 (FIELD-NOTES.md); sets
# DBD_PARAMS.  Returns 1 when PostgreSQL cannot be had.
bench_start_pg() {
    bench_ensure_packages postgresql libaprutil1-dbd-pgsql || return 1
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -x "$PG_BIN/initdb" ] || { blog "no PostgreSQL initdb found"; return 1; }
    PG_DIR="$BENCH_TMP/pg"
    PG_PORT=$(bench_free_port)
    install -d -o postgres -g postgres -m 700 "$PG_DIR"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres \
        >"$BENCH_TMP/pg-initdb.log" 2>&1 || { blog "initdb failed"; return 1; }
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/log" \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" \
        -w start >/dev/null || { blog "PostgreSQL did not start"; return 1; }
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres sebench \
        || { blog "createdb failed"; return 1; }
    DBD_PARAMS="host=127.0.0.1 port=$PG_PORT dbname=sebench user=postgres"
    return 0
}

# Runs SQL on the benchmark database (sqlite3 CLI or psql).
bench_sql() {
    if [ "$BENCH_DRIVER" = pgsql ]; then
        psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres \
            -d sebench -c "$1" >/dev/null
    else
        sqlite3 "$DB" "$1"
    fi
}

# bench_make_db MAXCONN: the schema, and users be/bm/bc/bk/bg 0..MAXCONN-1
# (password $BENCH_PASSWORD); every bm user gets $BENCH_MANY_SESSIONS live
# sessions.  Returns 1 when the admin tool has no schema for the driver.
bench_make_db() {
    local maxconn=$1 fam i out
    if [ "$BENCH_DRIVER" = sqlite3 ]; then
        DB="$BENCH_TMP/db/sessionexpire.db"
        DBD_PARAMS="$DB"
    fi
    if ! out=$("$ADMIN" -d "$BENCH_DRIVER" -p "$DBD_PARAMS" init 2>&1); then
        blog "sessionexpire-admin -d $BENCH_DRIVER init: $out"
        return 1
    fi
    # More schema before httpd starts (an index the module's own schema
    # does not have yet, to try it), e.g.
    # BENCH_SETUP_SQL='CREATE INDEX x ON se_challenges (timeexpire)'.
    if [ -n "${BENCH_SETUP_SQL:-}" ]; then
        bench_sql "$BENCH_SETUP_SQL" || bdie "BENCH_SETUP_SQL failed"
    fi
    for fam in be bm bc bk bg; do
        for i in $(seq 0 $((maxconn - 1))); do
            printf '%s\n' "$BENCH_PASSWORD" \
                | "$ADMIN" -d "$BENCH_DRIVER" -p "$DBD_PARAMS" useradd "$fam$i" \
                >/dev/null || bdie "useradd $fam$i failed"
        done
    done
    local now exp
    now=$(date +%s)
    exp=$((now + 30 * 86400))
    bench_sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                WHERE i < $BENCH_MANY_SESSIONS)
               INSERT INTO se_sessions (userid, sessid, auth, exptype,
                 timecreate, timeexpire, ipfixed)
               SELECT u.userid, n.i, 'Bench0Auth', 'long', $now, $exp, ''
               FROM se_users u, n WHERE u.username LIKE 'bm%'" \
        || bdie "cannot create the bm users' sessions"
    bench_sql "UPDATE se_users SET next_sessid = $BENCH_MANY_SESSIONS
               WHERE username LIKE 'bm%'" || bdie "cannot set next_sessid"
    if [ "$BENCH_DRIVER" = sqlite3 ]; then
        chown -R "$RUN_USER:$RUN_USER" "$BENCH_TMP/db"
        chmod 750 "$BENCH_TMP/db"
    fi
    return 0
}

# bench_start_httpd: writes the configuration and starts httpd in the
# foreground as a child of this shell; waits until it answers.
bench_start_httpd() {
    : "${BENCH_THREADS_PER_CHILD:=$((BENCH_CONNS + 16))}"
    PORT=$(bench_free_port)
    local conf="$BENCH_TMP/httpd.conf" initsql=""
    local workers=$((BENCH_THREADS_PER_CHILD * BENCH_CHILDREN))
    if [ "$BENCH_DRIVER" = sqlite3 ]; then
        initsql="DBDInitSQL \"PRAGMA busy_timeout=5000; PRAGMA synchronous=$BENCH_SYNC${BENCH_INITSQL_EXTRA:+; $BENCH_INITSQL_EXTRA}\""
    fi
    cat >"$conf" <<CONF
# Generated by bench/lib.sh; removed when the benchmark ends.
ServerRoot "$BENCH_TMP"
ServerName 127.0.0.1
PidFile "$BENCH_TMP/httpd.pid"
DefaultRuntimeDir "$BENCH_TMP"
DocumentRoot "$BENCH_TMP/htdocs"
ErrorLog "$BENCH_TMP/error.log"
LogLevel warn
TraceEnable off
Listen 127.0.0.1:$PORT
User $RUN_USER
Group $RUN_USER

LoadModule mpm_event_module "$LIBEXECDIR/mod_mpm_event.so"
LoadModule authz_core_module "$LIBEXECDIR/mod_authz_core.so"
LoadModule dbd_module "$LIBEXECDIR/mod_dbd.so"
LoadModule sessionexpire_module "$MODULE"
LoadModule flatceiling_module "$CEILING_SO"

# A fixed set of children (none started or stopped during a run, so the
# soak's RSS figures follow the same processes), keep-alive without limit.
StartServers $BENCH_CHILDREN
ServerLimit $BENCH_CHILDREN
ThreadLimit $BENCH_THREADS_PER_CHILD
ThreadsPerChild $BENCH_THREADS_PER_CHILD
MaxRequestWorkers $workers
MinSpareThreads 1
MaxSpareThreads $workers
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 30

DBDriver $BENCH_DRIVER
DBDParams "$DBD_PARAMS"
$initsql
# One pooled connection per thread, opened when the child starts.
DBDMin $BENCH_THREADS_PER_CHILD
DBDKeep $BENCH_THREADS_PER_CHILD
DBDMax $BENCH_THREADS_PER_CHILD

SessionExpireChallengeSecretFile "$SECRET"
${BENCH_EXTRA_CONF:-}

<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Location /interface/flat>
    SetHandler sessionexpire
    Require all granted
</Location>
<Location /ceiling>
    SetHandler flatceiling
    Require all granted
</Location>
CONF
    "$HTTPD" -t -f "$conf" >"$BENCH_TMP/configtest.log" 2>&1 \
        || { cat "$BENCH_TMP/configtest.log" >&2; bdie "httpd rejects $conf"; }
    "$HTTPD" -f "$conf" -D FOREGROUND &
    HTTPD_PID=$!
    local i
    for i in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            break
        fi
        kill -0 "$HTTPD_PID" 2>/dev/null \
            || { cat "$BENCH_TMP/error.log" >&2; bdie "httpd died at start"; }
        sleep 0.1
    done
    # Wait until every child is up (its threads and DBD connections).
    for i in $(seq 1 100); do
        [ "$(bench_children | wc -w)" -ge "$BENCH_CHILDREN" ] && break
        sleep 0.1
    done
    sleep 0.5
    URL="http://127.0.0.1:$PORT/interface/flat"
    CEILING_URL="http://127.0.0.1:$PORT/ceiling"
    blog "httpd $HTTPD_PID on 127.0.0.1:$PORT ($BENCH_DRIVER${initsql:+, synchronous=$BENCH_SYNC}, $BENCH_CHILDREN x $BENCH_THREADS_PER_CHILD threads)"
}

# bench_wait_quiet: waits (at most 15 s) until httpd holds no connection
# of an earlier run any more (closing ones included): a new run's 64
# connections on top of 64 closing ones would push the event MPM over its
# per-child connection limit, and it would close keep-alive connections
# under the load generator, counted as errors.
bench_wait_quiet() {
    local i n
    for i in $(seq 1 150); do
        n=$(ss -Htn state established state close-wait state last-ack \
                state fin-wait-1 state fin-wait-2 state closing \
                "( sport = :$PORT )" 2>/dev/null | wc -l)
        [ "$n" -eq 0 ] && return 0
        sleep 0.1
    done
    blog "warning: $n connections to httpd still open after 15 s"
}

# The pids of httpd's children.
bench_children() {
    [ -n "$HTTPD_PID" ] || return 0
    pgrep -P "$HTTPD_PID" | tr '\n' ' '
}

# "pid:KiB pid:KiB ..." of the children, and their sum in KiB.
bench_rss() {
    local pid kb total=0 out=""
    for pid in $(bench_children); do
        kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        [ -n "$kb" ] || continue
        out="$out $pid:${kb}"
        total=$((total + kb))
    done
    printf '%s total=%s\n' "${out# }" "$total"
}

# What else runs on the machine (the figures are only as quiet as it is).
bench_machine_load() {
    printf 'uptime: %s\n' "$(uptime)"
    printf 'top CPU users:\n'
    ps -eo pid,pcpu,etime,comm --sort=-pcpu | sed -n '2,8p' | sed 's/^/  /'
}
