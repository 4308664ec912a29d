/*
 * sessionexpire-admin - manage the accounts and sessions of mod_sessionexpire.
 *
 * The tool talks to the database through apr_dbd, with the same driver
 * names and parameter strings as httpd's DBDriver / DBDParams, and runs
 * only the statements of src/sql.c, so it cannot drift from the module.
 * Every statement that carries data is prepared and bound; no SQL text is
 * ever built from arguments.
 *
 * Passwords are read from standard input, never from the command line
 * (where every user of the machine could see them in the process list),
 * and are neither echoed nor printed; only their MD5 hex (which the
 * protocol needs, see PROTOCOL.md section 4) reaches the database.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "apr_general.h"
#include "apr_getopt.h"
#include "apr_file_io.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "apr_time.h"
#include "apr_dbd.h"
#include "apu.h"
#if APU_HAVE_CRYPTO
#include "apr_crypto.h"
#endif

#include "crypto.h"
#include "sql.h"
#include "username.h"

#define PROGNAME "sessionexpire-admin"
#define DEFAULT_DRIVER "sqlite3"

/* httpd may hold the database while we write; wait for it, not fail. */
#define SQLITE3_BUSY_TIMEOUT "PRAGMA busy_timeout=5000"

/* Longer input is refused rather than silently cut: a truncated password
 * would be stored as something the user never typed. */
#define PASSWORD_MAX 1024

/* Exit statuses. */
#define ADMIN_OK    0
#define ADMIN_ERROR 1
#define ADMIN_USAGE 2

#if defined(__GNUC__)
#define ADMIN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ADMIN_PRINTF(f, a)
#endif

static const char usage_text[] =
    "Usage: " PROGNAME " [-d DRIVER] -p PARAMS COMMAND [ARGS]\n"
    "\n"
    "Manage the accounts and sessions of mod_sessionexpire.\n"
    "\n"
    "Options:\n"
    "  -d DRIVER   apr_dbd driver, as httpd's DBDriver (default: "
    DEFAULT_DRIVER ")\n"
    "  -p PARAMS   connection parameters, as httpd's DBDParams\n"
    "              (for sqlite3: the path of the database file)\n"
    "  -h          print this help and exit\n"
    "\n"
    "Commands:\n"
    "  init                   create the tables (safe to run again)\n"
    "  useradd USER           add an account; the password is read from\n"
    "                         standard input\n"
    "  passwd USER            set a new password, read from standard input\n"
    "  status USER V|S|D|L|X  set the account status: V active, S suspended,\n"
    "                         D deleted, L locked, X expunged\n"
    "  sessions USER          list the sessions of USER, one per line:\n"
    "                         id, type, expiry (Unix time), ip (- if none)\n"
    "  purge                  delete every expired session\n"
    "\n"
    "Exit status: 0 on success, 1 on error, 2 on a usage error.\n";

/* One database connection and what it takes to open it. */
typedef struct {
    apr_pool_t *pool;
    const char *driver_name;
    const char *params;
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;          /* NULL until db_open() succeeds */
} admin_db;

typedef int (*admin_command_fn)(admin_db *db, const char *const *args);

typedef struct {
    const char *name;
    int nargs;
    const char *synopsis;       /* for "wrong number of arguments" */
    admin_command_fn run;
} admin_command;

/* ------------------------------------------------------------------ */
/* Messages                                                             */
/* ------------------------------------------------------------------ */

static int fail(const char *fmt, ...) ADMIN_PRINTF(1, 2);

/* Print "sessionexpire-admin: <message>" on stderr; returns ADMIN_ERROR so
 * that callers can write `return fail(...)`. */
static int fail(const char *fmt, ...)
{
    va_list ap;

    fputs(PROGNAME ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return ADMIN_ERROR;
}

static int usage_error(const char *fmt, ...) ADMIN_PRINTF(1, 2);

/* Like fail(), followed by the usage text; returns ADMIN_USAGE. */
static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs(PROGNAME ": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    fputs(usage_text, stderr);
    return ADMIN_USAGE;
}

static int fail_apr(const char *what, apr_status_t rv)
{
    char buf[256];

    return fail("%s: %s", what, apr_strerror(rv, buf, sizeof(buf)));
}

/* A database error, with the driver's own explanation of `errnum`. */
static int fail_dbd(const admin_db *db, const char *what, int errnum)
{
    const char *why = apr_dbd_error(db->driver, db->handle, errnum);

    return fail("%s: %s", what, why ? why : "unknown database error");
}

/* ------------------------------------------------------------------ */
/* Arguments                                                            */
/* ------------------------------------------------------------------ */

/* The canonical form of `raw`, exactly as the module will look it up. */
static int parse_user(apr_pool_t *p, const char *raw, const char **user)
{
    *user = se_username_canonical(p, raw);
    if (*user == NULL) {
        return fail("invalid user name '%s'", raw);
    }
    return ADMIN_OK;
}

/* Exactly one upper-case letter of PROTOCOL.md's account statuses. */
static int parse_status(const char *raw)
{
    if (strlen(raw) != 1 || strchr("VSDLX", raw[0]) == NULL) {
        return fail("invalid status '%s': use one of V, S, D, L, X", raw);
    }
    return ADMIN_OK;
}

/* ------------------------------------------------------------------ */
/* Database                                                             */
/* ------------------------------------------------------------------ */

/* apr_dbd_open() registers no cleanup of its own; this one makes the
 * connection close on every path out, errors included, with the pool. */
static apr_status_t db_close_cleanup(void *data)
{
    admin_db *db = data;

    if (db->handle != NULL) {
        apr_dbd_close(db->driver, db->handle);
        db->handle = NULL;
    }
    return APR_SUCCESS;
}

static int db_load_driver(admin_db *db)
{
    apr_status_t rv = apr_dbd_get_driver(db->pool, db->driver_name,
                                         &db->driver);

    switch (rv) {
    case APR_SUCCESS:
        return ADMIN_OK;
    case APR_ENOTIMPL:
        return fail("no apr_dbd driver called '%s'", db->driver_name);
    case APR_EDSOOPEN:
        return fail("cannot load the apr_dbd driver '%s' (is its package "
                    "installed?)", db->driver_name);
    case APR_ESYMNOTFOUND:
        return fail("the apr_dbd driver '%s' is broken (its entry point is "
                    "missing)", db->driver_name);
    default:
        return fail_apr(apr_psprintf(db->pool, "cannot load the apr_dbd "
                                     "driver '%s'", db->driver_name), rv);
    }
}

/*
 * Results are read in random-access mode (fetched whole): in sequential
 * mode the pgsql driver sleeps 100 ms on an empty result.  In random mode
 * the mysql driver wants rows by number (it refuses -1, "the next one");
 * the others get -1, because the sqlite3 driver walks its list from the
 * start for every numbered row.  `*n` counts the rows read.
 */
static int db_next_row(admin_db *db, apr_dbd_results_t *res,
                       apr_dbd_row_t **row, int *n)
{
    int want = strcmp(apr_dbd_name(db->driver), "mysql") == 0 ? *n + 1 : -1;

    if (apr_dbd_get_row(db->driver, db->pool, res, row, want) != 0) {
        return 0;
    }
    (*n)++;
    return 1;
}

/* Counts the rows of a result. */
static int db_drain(admin_db *db, apr_dbd_results_t *res, int *nrows)
{
    apr_dbd_row_t *row = NULL;

    *nrows = 0;
    while (db_next_row(db, res, &row, nrows)) {
    }
    return ADMIN_OK;
}

/* A select of fixed SQL text, read with db_next_row(). */
static int db_select_fixed(admin_db *db, const char *sql,
                           apr_dbd_results_t **res)
{
    int rv = apr_dbd_select(db->driver, db->pool, db->handle, res, sql, 1);

    if (rv != 0) {
        return fail_dbd(db, sql, rv);
    }
    return ADMIN_OK;
}

/* SQLite answers a PRAGMA that sets a value with a row holding the new
 * value, and apr_dbd_query() on the sqlite3 driver reports any row as a
 * failure (SQLITE_ROW, "not an error"); such statements have to run
 * through apr_dbd_select() instead. */
static int sql_returns_rows(const char *sql)
{
    while (apr_isspace(*sql)) {
        sql++;
    }
    return strncasecmp(sql, "PRAGMA", 6) == 0 && !apr_isalnum(sql[6]);
}

/*
 * Run fixed SQL text: a schema statement or a PRAGMA.  These are the only
 * statements not prepared: they carry no data, so there is nothing to bind,
 * and DDL cannot be prepared on every database.
 */
static int db_run_fixed(admin_db *db, const char *sql)
{
    int nrows = 0, rv;

    if (sql_returns_rows(sql)) {
        apr_dbd_results_t *res = NULL;
        int rc = db_select_fixed(db, sql, &res);

        return rc != ADMIN_OK ? rc : db_drain(db, res, &nrows);
    }
    rv = apr_dbd_query(db->driver, db->handle, &nrows, sql);
    if (rv != 0) {
        return fail_dbd(db, sql, rv);
    }
    return ADMIN_OK;
}

static int db_open(admin_db *db)
{
    const char *why = NULL;
    apr_status_t rv;
    int rc;

    if ((rc = db_load_driver(db)) != ADMIN_OK) {
        return rc;
    }
    rv = apr_dbd_open_ex(db->driver, db->pool, db->params, &db->handle, &why);
    if (rv != APR_SUCCESS) {
        db->handle = NULL;
        return fail("cannot open the %s database: %s", db->driver_name,
                    why ? why : "the driver gave no reason");
    }
    apr_pool_cleanup_register(db->pool, db, db_close_cleanup,
                              apr_pool_cleanup_null);
    if (strcmp(apr_dbd_name(db->driver), "sqlite3") == 0) {
        return db_run_fixed(db, SQLITE3_BUSY_TIMEOUT);
    }
    return ADMIN_OK;
}

/*
 * Prepare `stmt` after checking that the caller brings as many arguments
 * as it has placeholders: the drivers read that many entries from the
 * argument array whatever count they are given.
 */
static int db_prepare(admin_db *db, const se_sql_stmt *stmt, int nargs,
                      apr_dbd_prepared_t **prepared)
{
    int rv;

    if (nargs != stmt->nparams) {
        return fail("internal error: %s takes %d argument(s), not %d",
                    stmt->name, stmt->nparams, nargs);
    }
    rv = apr_dbd_prepare(db->driver, db->pool, db->handle, stmt->sql,
                         stmt->label, prepared);
    if (rv != 0) {
        return fail_dbd(db, apr_psprintf(db->pool, "cannot prepare %s",
                                         stmt->name), rv);
    }
    return ADMIN_OK;
}

/* Run a statement that returns no rows; `*nrows` gets the rows changed. */
static int db_exec(admin_db *db, const se_sql_stmt *stmt, int nargs,
                   const char **args, int *nrows)
{
    apr_dbd_prepared_t *prepared = NULL;
    int rc, rv;

    if ((rc = db_prepare(db, stmt, nargs, &prepared)) != ADMIN_OK) {
        return rc;
    }
    *nrows = 0;
    rv = apr_dbd_pquery(db->driver, db->pool, db->handle, nrows, prepared,
                        nargs, args);
    if (rv != 0) {
        return fail_dbd(db, stmt->name, rv);
    }
    return ADMIN_OK;
}

/* Run a statement that returns rows, read with db_next_row(). */
static int db_query_rows(admin_db *db, const se_sql_stmt *stmt, int nargs,
                         const char **args, apr_dbd_results_t **res)
{
    apr_dbd_prepared_t *prepared = NULL;
    int rc, rv;

    if ((rc = db_prepare(db, stmt, nargs, &prepared)) != ADMIN_OK) {
        return rc;
    }
    *res = NULL;
    rv = apr_dbd_pselect(db->driver, db->pool, db->handle, res, prepared, 1,
                         nargs, args);
    if (rv != 0) {
        return fail_dbd(db, stmt->name, rv);
    }
    return ADMIN_OK;
}

/* Whether the account `user` exists, by the module's own lookup. */
static int db_user_exists(admin_db *db, const char *user, int *exists)
{
    const char *args[1];
    apr_dbd_results_t *res = NULL;
    int rc, nrows = 0;

    args[0] = user;
    rc = db_query_rows(db, &se_sql_module[SE_SQL_USER_LOOKUP], 1, args, &res);
    if (rc != ADMIN_OK) {
        return rc;
    }
    rc = db_drain(db, res, &nrows);
    *exists = (nrows > 0);
    return rc;
}

static int require_user(admin_db *db, const char *user)
{
    int exists = 0, rc = db_user_exists(db, user, &exists);

    if (rc == ADMIN_OK && !exists) {
        return fail("no such user '%s'", user);
    }
    return rc;
}

/*
 * An UPDATE of one account that changed no row: either the account does
 * not exist, or (MySQL, which counts changed rather than matched rows
 * unless told otherwise) it already had that value.  Only the first is an
 * error.
 */
static int check_user_updated(admin_db *db, const char *user, int nrows)
{
    return nrows > 0 ? ADMIN_OK : require_user(db, user);
}

/* ------------------------------------------------------------------ */
/* Passwords                                                            */
/* ------------------------------------------------------------------ */

/*
 * Terminal settings to put back if a signal ends the program while echo is
 * off; a signal handler can reach nothing else, hence file scope.
 */
static struct termios saved_tty;
static volatile sig_atomic_t tty_needs_restore;

/* The signals that end a program at a prompt (^C, ^\, a hang-up, kill). */
static const int restore_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
#define N_RESTORE_SIGNALS \
    (sizeof(restore_signals) / sizeof(restore_signals[0]))

static void restore_tty(void)
{
    if (tty_needs_restore) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        tty_needs_restore = 0;
    }
}

/* tcsetattr() is async-signal-safe.  SA_RESETHAND has put the default
 * action back, so re-raising ends the program as the signal meant to,
 * once this handler returns. */
static void restore_tty_on_signal(int sig)
{
    restore_tty();
    raise(sig);
}

static void install_restore_handlers(struct sigaction *old)
{
    struct sigaction sa;
    apr_size_t i;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = restore_tty_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (i = 0; i < N_RESTORE_SIGNALS; i++) {
        sigaction(restore_signals[i], NULL, &old[i]);
        /* A signal the caller ignores (nohup) stays ignored. */
        if (old[i].sa_handler != SIG_IGN) {
            sigaction(restore_signals[i], &sa, NULL);
        }
    }
}

static void remove_restore_handlers(const struct sigaction *old)
{
    apr_size_t i;

    for (i = 0; i < N_RESTORE_SIGNALS; i++) {
        sigaction(restore_signals[i], &old[i], NULL);
    }
}

/* Turn echo off on the terminal on standard input. */
static int echo_off(struct sigaction *old)
{
    struct termios quiet;

    if (tcgetattr(STDIN_FILENO, &saved_tty) != 0) {
        return fail("cannot read the terminal settings: %s",
                    strerror(errno));
    }
    install_restore_handlers(old);
    quiet = saved_tty;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    /* Set before the change, so that a signal arriving during it still
     * restores the terminal. */
    tty_needs_restore = 1;
    /* TCSAFLUSH drops anything typed before the prompt: it was echoed. */
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0) {
        int err = errno;

        tty_needs_restore = 0;
        remove_restore_handlers(old);
        return fail("cannot turn off echo: %s", strerror(err));
    }
    return ADMIN_OK;
}

static void echo_on(const struct sigaction *old)
{
    restore_tty();
    remove_restore_handlers(old);
}

/*
 * One line of standard input into `buf` (not NUL-terminated), without its
 * line end: LF, and any CR before it.  stdin is read unbuffered, a byte at
 * a time, so that no copy of the password is left in a stdio buffer.
 */
static int read_line(apr_pool_t *p, char *buf, apr_size_t size,
                     apr_size_t *len)
{
    apr_file_t *in;
    apr_status_t rv;
    apr_size_t n = 0;
    char c;

    if ((rv = apr_file_open_stdin(&in, p)) != APR_SUCCESS) {
        return fail_apr("cannot open standard input", rv);
    }
    while ((rv = apr_file_getc(&c, in)) == APR_SUCCESS && c != '\n') {
        if (c == '\0') {
            /* The module refuses NUL in form values: no client could
             * ever send such a password. */
            return fail("the password contains a NUL byte");
        }
        if (n == size) {
            return fail("the password is longer than %lu bytes",
                        (unsigned long)size);
        }
        buf[n++] = c;
    }
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        return fail_apr("cannot read the password", rv);
    }
    while (n > 0 && buf[n - 1] == '\r') {
        n--;
    }
    *len = n;
    return ADMIN_OK;
}

/* The password line, with a prompt and echo off when stdin is a terminal. */
static int read_password(apr_pool_t *p, const char *user, char *buf,
                         apr_size_t size, apr_size_t *len)
{
    struct sigaction old[N_RESTORE_SIGNALS];
    int rc;

    if (!isatty(STDIN_FILENO)) {
        return read_line(p, buf, size, len);
    }
    if ((rc = echo_off(old)) != ADMIN_OK) {
        return rc;
    }
    fprintf(stderr, "Password for %s: ", user);
    fflush(stderr);
    rc = read_line(p, buf, size, len);
    echo_on(old);
    /* The user's Enter was not echoed either. */
    fputc('\n', stderr);
    return rc;
}

/* Zero a buffer that held a password, in a way the compiler may not drop
 * as a dead store (a plain memset() before going out of scope may be). */
static void scrub(void *buf, apr_size_t len)
{
#if APU_HAVE_CRYPTO
    apr_crypto_memzero(buf, len);
#else
    volatile char *p = buf;

    while (len--) {
        *p++ = '\0';
    }
#endif
}

/* Read the password for `user` and give back only its MD5 hex. */
static int read_password_md5(apr_pool_t *p, const char *user,
                             const char **md5)
{
    char buf[PASSWORD_MAX];
    apr_size_t len = 0;
    int rc = read_password(p, user, buf, sizeof(buf), &len);

    if (rc == ADMIN_OK && len == 0) {
        rc = fail("empty password");
    }
    if (rc == ADMIN_OK) {
        *md5 = se_md5_hex(p, buf, len);
        if (*md5 == NULL) {
            rc = fail("cannot compute an MD5 digest (is MD5 disabled in "
                      "OpenSSL, e.g. in FIPS mode?)");
        }
    }
    scrub(buf, sizeof(buf));
    return rc;
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */
/* ------------------------------------------------------------------ */

static int cmd_init(admin_db *db, const char *const *args)
{
    const char *const *schema = se_sql_schema(db->driver_name);
    int rc;

    (void)args;
    if (schema == NULL) {
        return fail("no schema for the apr_dbd driver '%s': create the "
                    "tables by hand, after the sqlite3 schema in src/sql.c",
                    db->driver_name);
    }
    if ((rc = db_open(db)) != ADMIN_OK) {
        return rc;
    }
    for (; *schema != NULL; schema++) {
        if ((rc = db_run_fixed(db, *schema)) != ADMIN_OK) {
            return rc;
        }
    }
    return ADMIN_OK;
}

/* Checked before asking for a password, so nobody types one for nothing;
 * the UNIQUE user name still catches a concurrent useradd. */
static int require_no_user(admin_db *db, const char *user)
{
    int exists = 0, rc = db_user_exists(db, user, &exists);

    if (rc == ADMIN_OK && exists) {
        return fail("user '%s' already exists", user);
    }
    return rc;
}

static int cmd_useradd(admin_db *db, const char *const *args)
{
    const char *user, *md5 = NULL, *sql_args[2];
    int rc, nrows = 0;

    if ((rc = parse_user(db->pool, args[0], &user)) != ADMIN_OK
        || (rc = db_open(db)) != ADMIN_OK
        || (rc = require_no_user(db, user)) != ADMIN_OK
        || (rc = read_password_md5(db->pool, user, &md5)) != ADMIN_OK) {
        return rc;
    }
    sql_args[0] = user;
    sql_args[1] = md5;
    return db_exec(db, &se_sql_admin[SE_ADMIN_USER_ADD], 2, sql_args, &nrows);
}

static int cmd_passwd(admin_db *db, const char *const *args)
{
    const char *user, *md5 = NULL, *sql_args[2];
    int rc, nrows = 0;

    if ((rc = parse_user(db->pool, args[0], &user)) != ADMIN_OK
        || (rc = db_open(db)) != ADMIN_OK
        || (rc = require_user(db, user)) != ADMIN_OK
        || (rc = read_password_md5(db->pool, user, &md5)) != ADMIN_OK) {
        return rc;
    }
    sql_args[0] = md5;
    sql_args[1] = user;
    rc = db_exec(db, &se_sql_admin[SE_ADMIN_USER_PASSWD], 2, sql_args,
                 &nrows);
    return rc != ADMIN_OK ? rc : check_user_updated(db, user, nrows);
}

static int cmd_status(admin_db *db, const char *const *args)
{
    const char *user, *sql_args[2];
    int rc, nrows = 0;

    if ((rc = parse_user(db->pool, args[0], &user)) != ADMIN_OK
        || (rc = parse_status(args[1])) != ADMIN_OK
        || (rc = db_open(db)) != ADMIN_OK) {
        return rc;
    }
    sql_args[0] = args[1];
    sql_args[1] = user;
    rc = db_exec(db, &se_sql_admin[SE_ADMIN_USER_STATUS], 2, sql_args,
                 &nrows);
    return rc != ADMIN_OK ? rc : check_user_updated(db, user, nrows);
}

static const char *or_dash(const char *value)
{
    return (value == NULL || *value == '\0') ? "-" : value;
}

/* Standard output may be a full disk or a closed pipe: say so. */
static int flush_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        return fail("cannot write to standard output: %s", strerror(errno));
    }
    return ADMIN_OK;
}

/* One line per session: id, type, expiry, ip, separated by tabs. */
static int print_sessions(admin_db *db, apr_dbd_results_t *res)
{
    apr_dbd_row_t *row = NULL;
    int n = 0;

    while (db_next_row(db, res, &row, &n)) {
        printf("%s\t%s\t%s\t%s\n",
               or_dash(apr_dbd_get_entry(db->driver, row, 0)),
               or_dash(apr_dbd_get_entry(db->driver, row, 1)),
               or_dash(apr_dbd_get_entry(db->driver, row, 2)),
               or_dash(apr_dbd_get_entry(db->driver, row, 3)));
    }
    return flush_stdout();
}

static int cmd_sessions(admin_db *db, const char *const *args)
{
    const char *user, *sql_args[1];
    apr_dbd_results_t *res = NULL;
    int rc;

    /* The list itself cannot tell an unknown user from one without
     * sessions; the lookup can. */
    if ((rc = parse_user(db->pool, args[0], &user)) != ADMIN_OK
        || (rc = db_open(db)) != ADMIN_OK
        || (rc = require_user(db, user)) != ADMIN_OK) {
        return rc;
    }
    sql_args[0] = user;
    rc = db_query_rows(db, &se_sql_admin[SE_ADMIN_SESSIONS_LIST], 1,
                       sql_args, &res);
    return rc != ADMIN_OK ? rc : print_sessions(db, res);
}

static int cmd_purge(admin_db *db, const char *const *args)
{
    const char *sql_args[1];
    int rc, nrows = 0;

    (void)args;
    if ((rc = db_open(db)) != ADMIN_OK) {
        return rc;
    }
    sql_args[0] = apr_psprintf(db->pool, "%" APR_TIME_T_FMT,
                               apr_time_sec(apr_time_now()));
    rc = db_exec(db, &se_sql_admin[SE_ADMIN_PURGE], 1, sql_args, &nrows);
    if (rc != ADMIN_OK) {
        return rc;
    }
    printf("purged %d session(s)\n", nrows);
    return flush_stdout();
}

static const admin_command commands[] = {
    { "init",     0, "init",                   cmd_init },
    { "useradd",  1, "useradd USER",           cmd_useradd },
    { "passwd",   1, "passwd USER",            cmd_passwd },
    { "status",   2, "status USER V|S|D|L|X",  cmd_status },
    { "sessions", 1, "sessions USER",          cmd_sessions },
    { "purge",    0, "purge",                  cmd_purge },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const admin_command *find_command(const char *name)
{
    apr_size_t i;

    for (i = 0; i < N_COMMANDS; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Main                                                                 */
/* ------------------------------------------------------------------ */

/*
 * Parse the options into `db`; `*ind` gets the index of the command.
 * Returns ADMIN_OK to go on, anything else to exit with; -h is an exit
 * with ADMIN_OK, flagged by `*done`.
 */
static int parse_options(admin_db *db, int argc, const char *const *argv,
                         int *ind, int *done)
{
    apr_getopt_t *opt;
    apr_status_t rv;
    const char *arg;
    char ch;

    apr_getopt_init(&opt, db->pool, argc, argv);
    /* apr_getopt's own messages carry argv[0]; ours name the tool. */
    opt->errfn = NULL;
    /* The leading ':' tells a missing value (APR_BADARG) from an unknown
     * option (APR_BADCH). */
    while ((rv = apr_getopt(opt, ":d:p:h", &ch, &arg)) == APR_SUCCESS) {
        switch (ch) {
        case 'd':
            db->driver_name = arg;
            break;
        case 'p':
            db->params = arg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            *done = 1;
            return flush_stdout();
        }
    }
    if (rv == APR_BADCH) {
        return usage_error("unknown option -%c", ch);
    }
    if (rv == APR_BADARG) {
        return usage_error("option -%c needs a value", ch);
    }
    if (*db->driver_name == '\0') {
        return usage_error("-d needs a driver name");
    }
    if (db->params == NULL) {
        return usage_error("-p PARAMS is required");
    }
    /* An empty sqlite3 path is a private temporary database: everything
     * would seem to work and nothing would be kept. */
    if (*db->params == '\0') {
        return usage_error("-p PARAMS may not be empty");
    }
    *ind = opt->ind;
    return ADMIN_OK;
}

static int run(apr_pool_t *pool, int argc, const char *const *argv)
{
    admin_db db;
    const admin_command *command;
    int rc, ind = 0, done = 0, nargs;

    memset(&db, 0, sizeof(db));
    db.pool = pool;
    db.driver_name = DEFAULT_DRIVER;

    rc = parse_options(&db, argc, argv, &ind, &done);
    if (rc != ADMIN_OK || done) {
        return rc;
    }
    if (ind >= argc) {
        return usage_error("no command given");
    }
    command = find_command(argv[ind]);
    if (command == NULL) {
        return usage_error("unknown command '%s'", argv[ind]);
    }
    nargs = argc - ind - 1;
    if (nargs != command->nargs) {
        return usage_error("wrong number of arguments; usage: %s [-d DRIVER] "
                           "-p PARAMS %s", PROGNAME, command->synopsis);
    }
    return command->run(&db, argv + ind + 1);
}

int main(int argc, const char *const argv[])
{
    apr_pool_t *pool;
    apr_status_t rv;
    int rc;

    rv = apr_app_initialize(&argc, &argv, NULL);
    if (rv != APR_SUCCESS) {
        return fail_apr("cannot initialise APR", rv);
    }
    atexit(apr_terminate);

    if ((rv = apr_pool_create(&pool, NULL)) != APR_SUCCESS) {
        return fail_apr("cannot create a memory pool", rv);
    }
    if ((rv = apr_dbd_init(pool)) != APR_SUCCESS) {
        rc = fail_apr("cannot initialise apr_dbd", rv);
    }
    else {
        rc = run(pool, argc, argv);
    }
    /* Closes the database through db_close_cleanup(). */
    apr_pool_destroy(pool);
    return rc;
}
