/*
 * config.c - creating, merging and setting mod_sessionexpire's config.
 * Every setter validates its value and names its directive in the error,
 * so a bad config stops httpd at start-up instead of failing requests.
 */
#include <string.h>

#include "apr_file_io.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "http_core.h"
#include "http_protocol.h"

#include "crypto.h"
#include "se.h"

void *se_create_dir_cfg(apr_pool_t *p, char *dir)
{
    se_dir_cfg *cfg = apr_pcalloc(p, sizeof(*cfg));

    cfg->max_body = SE_DEFAULT_MAX_BODY;
    cfg->short_lifetime = SE_DEFAULT_SHORT_LIFETIME;
    cfg->long_lifetime = SE_DEFAULT_LONG_LIFETIME;
    cfg->auth_methods = SE_AUTH_ALL;
    cfg->challenge_lifetime = SE_DEFAULT_CHAL_LIFETIME;
    cfg->login_limit.failures = SE_DEFAULT_LOGIN_FAILURES;
    cfg->login_limit.window = SE_DEFAULT_LOGIN_WINDOW;
    cfg->login_limit.ban = SE_DEFAULT_LOGIN_BAN;
    return cfg;
}

#define MERGE_SET(field) \
    do { \
        cfg->field = add->field##_set ? add->field : base->field; \
        cfg->field##_set = add->field##_set || base->field##_set; \
    } while (0)

void *se_merge_dir_cfg(apr_pool_t *p, void *basev, void *addv)
{
    const se_dir_cfg *base = basev, *add = addv;
    se_dir_cfg *cfg = apr_pcalloc(p, sizeof(*cfg));

    MERGE_SET(max_body);
    MERGE_SET(short_lifetime);
    MERGE_SET(long_lifetime);
    MERGE_SET(auth_methods);
    MERGE_SET(challenge_lifetime);
    MERGE_SET(login_limit);
    return cfg;
}

void *se_create_srv_cfg(apr_pool_t *p, server_rec *s)
{
    return apr_pcalloc(p, sizeof(se_srv_cfg));
}

void *se_merge_srv_cfg(apr_pool_t *p, void *basev, void *addv)
{
    const se_srv_cfg *base = basev, *add = addv;
    se_srv_cfg *cfg = apr_pcalloc(p, sizeof(*cfg));
    int i;

    for (i = 0; i < SE_SQL_COUNT; i++) {
        cfg->sql[i] = add->sql[i] ? add->sql[i] : base->sql[i];
    }
    if (add->secret) {
        cfg->secret = add->secret;
        cfg->secret_len = add->secret_len;
    }
    else {
        cfg->secret = base->secret;
        cfg->secret_len = base->secret_len;
    }
    cfg->test_clock_file = add->test_clock_file ? add->test_clock_file
                                                : base->test_clock_file;
    return cfg;
}

const char *se_srv_sql(const se_srv_cfg *cfg, se_sql_id id)
{
    return cfg->sql[id] ? cfg->sql[id] : se_sql_module[id].sql;
}

const char *se_set_max_body(cmd_parms *cmd, void *dcfg, const char *arg)
{
    se_dir_cfg *cfg = dcfg;
    apr_off_t v;
    char *end;

    if (apr_strtoff(&v, arg, &end, 10) != APR_SUCCESS || *end != '\0'
        || v < 1 || v > SE_MAX_BODY_LIMIT) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a byte count from 1"
                            " to %d", cmd->directive->directive, arg,
                            SE_MAX_BODY_LIMIT);
    }
    cfg->max_body = v;
    cfg->max_body_set = 1;
    return NULL;
}

/* Parses a duration of at least one second into *secs; an error message
 * naming the directive otherwise.  Plain numbers are seconds; the suffixes
 * ms, s, mi and h work too. */
static const char *parse_duration(cmd_parms *cmd, const char *arg,
                                  apr_int64_t max, apr_int64_t *secs)
{
    apr_interval_time_t t;

    if (ap_timeout_parameter_parse(arg, &t, "s") != APR_SUCCESS
        || t < apr_time_from_sec(1) || apr_time_sec(t) > max) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a duration from one"
                            " second to %" APR_INT64_T_FMT " seconds (e.g."
                            " 300, 5mi, 720h)", cmd->directive->directive,
                            arg, max);
    }
    *secs = apr_time_sec(t);
    return NULL;
}

/* Ten years: beyond any sensible session, far from any overflow. */
#define SE_MAX_DURATION ((apr_int64_t)10 * 366 * 86400)

const char *se_set_lifetime(cmd_parms *cmd, void *dcfg, const char *arg)
{
    se_dir_cfg *cfg = dcfg;
    int is_long = cmd->info == SE_LIFETIME_LONG;
    const char *err = parse_duration(cmd, arg, SE_MAX_DURATION,
                                     is_long ? &cfg->long_lifetime
                                             : &cfg->short_lifetime);

    if (err == NULL) {
        *(is_long ? &cfg->long_lifetime_set : &cfg->short_lifetime_set) = 1;
    }
    return err;
}

const char *se_set_challenge_lifetime(cmd_parms *cmd, void *dcfg,
                                      const char *arg)
{
    se_dir_cfg *cfg = dcfg;
    const char *err = parse_duration(cmd, arg, SE_MAX_CHAL_LIFETIME,
                                     &cfg->challenge_lifetime);

    cfg->challenge_lifetime_set = err == NULL;
    return err;
}

const char *se_set_auth_methods(cmd_parms *cmd, void *dcfg, const char *args)
{
    se_dir_cfg *cfg = dcfg;
    int methods = 0;

    while (*args) {
        const char *w = ap_getword_conf(cmd->temp_pool, &args);

        if (strcasecmp(w, "clear") == 0) {
            methods |= SE_AUTH_CLEAR;
        }
        else if (strcasecmp(w, "challenge") == 0) {
            methods |= SE_AUTH_CHALLENGE;
        }
        else if (strcasecmp(w, "cookie") == 0) {
            methods |= SE_AUTH_COOKIE;
        }
        else if (strcasecmp(w, "none") != 0 && *w) {
            return apr_psprintf(cmd->pool, "%s: unknown method '%s' (clear,"
                                " challenge, cookie or none)",
                                cmd->directive->directive, w);
        }
    }
    cfg->auth_methods = methods;
    cfg->auth_methods_set = 1;
    return NULL;
}

const char *se_set_login_limit(cmd_parms *cmd, void *dcfg, const char *a1,
                               const char *a2, const char *a3)
{
    se_dir_cfg *cfg = dcfg;
    se_login_limit_t limit = { SE_DEFAULT_LOGIN_FAILURES,
                               SE_DEFAULT_LOGIN_WINDOW, SE_DEFAULT_LOGIN_BAN };
    const char *err = NULL;
    char *end;

    if (strcasecmp(a1, "off") == 0 && a2 == NULL) {
        limit.failures = 0;
    }
    else {
        long n = strtol(a1, &end, 10);

        if (*end != '\0' || n < 1 || n > 1000) {
            return apr_psprintf(cmd->pool, "%s: '%s' is neither off nor a"
                                " number of failures from 1 to 1000",
                                cmd->directive->directive, a1);
        }
        limit.failures = (int)n;
        if (a2 != NULL) {
            err = parse_duration(cmd, a2, SE_MAX_DURATION, &limit.window);
        }
        if (err == NULL && a3 != NULL) {
            err = parse_duration(cmd, a3, SE_MAX_DURATION, &limit.ban);
        }
    }
    if (err == NULL) {
        cfg->login_limit = limit;
        cfg->login_limit_set = 1;
    }
    return err;
}

/* Reads all of `file` (at most `max` bytes) into *data. */
static apr_status_t read_small_file(apr_pool_t *p, const char *file,
                                    apr_off_t max, char **data,
                                    apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t finfo;
    apr_status_t rv = apr_file_open(&f, file, APR_FOPEN_READ, 0, p);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_file_info_get(&finfo, APR_FINFO_SIZE, f);
    if (rv == APR_SUCCESS && finfo.size > max) {
        rv = APR_EINVAL;
    }
    if (rv == APR_SUCCESS) {
        *data = apr_palloc(p, (apr_size_t)finfo.size + 1);
        rv = apr_file_read_full(f, *data, (apr_size_t)finfo.size, len);
    }
    apr_file_close(f);
    return rv;
}

#define SE_MAX_SECRET_FILE 4096

/* The secret from `path`, without trailing whitespace (so a file written
 * by `openssl rand -hex 32 >file` works). */
const char *se_set_secret_file(cmd_parms *cmd, void *dcfg, const char *path)
{
    se_srv_cfg *cfg = ap_get_module_config(cmd->server->module_config,
                                           &sessionexpire_module);
    const char *file = ap_server_root_relative(cmd->pool, path);
    char *data = NULL;
    apr_size_t len = 0;
    apr_status_t rv;

    if (file == NULL) {
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'",
                            cmd->directive->directive, path);
    }
    rv = read_small_file(cmd->pool, file, SE_MAX_SECRET_FILE, &data, &len);
    if (rv != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "%s: cannot read '%s' (at most %d"
                            " bytes): %pm", cmd->directive->directive, file,
                            SE_MAX_SECRET_FILE, &rv);
    }
    while (len > 0 && apr_isspace(data[len - 1])) {
        len--;
    }
    if (len < SE_MIN_SECRET_LEN) {
        return apr_psprintf(cmd->pool, "%s: '%s' holds %" APR_SIZE_T_FMT
                            " bytes; a secret needs at least %d (e.g. from"
                            " `openssl rand -hex 32`)",
                            cmd->directive->directive, file, len,
                            SE_MIN_SECRET_LEN);
    }
    cfg->secret = (const unsigned char *)data;
    cfg->secret_len = len;
    return NULL;
}

int se_cfg_default_secrets(apr_pool_t *p, server_rec *s)
{
    unsigned char *random = NULL;
    int used = 0;

    for (; s; s = s->next) {
        se_srv_cfg *cfg = ap_get_module_config(s->module_config,
                                               &sessionexpire_module);

        if (cfg->secret != NULL) {
            continue;
        }
        if (random == NULL) {
            random = apr_palloc(p, SE_HMAC_LEN);
            if (!se_random_bytes(random, SE_HMAC_LEN)) {
                return -1;
            }
        }
        cfg->secret = random;
        cfg->secret_len = SE_HMAC_LEN;
        used = 1;
    }
    return used;
}

const char *se_set_test_clock(cmd_parms *cmd, void *dcfg, const char *path)
{
    se_srv_cfg *cfg = ap_get_module_config(cmd->server->module_config,
                                           &sessionexpire_module);

    /* Two switches, so that no production config turns it on by mistake:
     * this directive, and httpd started with -D SESSIONEXPIRE_TESTING. */
    if (!ap_exists_config_define(SE_TESTING_DEFINE)) {
        return apr_psprintf(cmd->pool, "%s is for test suites only: it needs"
                            " httpd started with -D %s",
                            cmd->directive->directive, SE_TESTING_DEFINE);
    }
    cfg->test_clock_file = ap_server_root_relative(cmd->pool, path);
    return NULL;
}

const char *se_set_sql(cmd_parms *cmd, void *dcfg, const char *name,
                       const char *sql)
{
    se_srv_cfg *cfg = ap_get_module_config(cmd->server->module_config,
                                           &sessionexpire_module);
    int id = se_sql_find(name);

    if (id < 0) {
        return apr_psprintf(cmd->pool, "%s: unknown statement '%s'",
                            cmd->directive->directive, name);
    }
    /* The module passes a fixed number of values to each statement; a
     * statement expecting another number would fail on every request. */
    if (se_sql_count_params(sql) != se_sql_module[id].nparams) {
        return apr_psprintf(cmd->pool, "%s %s: the statement must take"
                            " exactly %d parameter(s), it has %d",
                            cmd->directive->directive, name,
                            se_sql_module[id].nparams,
                            se_sql_count_params(sql));
    }
    cfg->sql[id] = sql;
    return NULL;
}
