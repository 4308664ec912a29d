/*
 * config.c - creating, merging and setting mod_sessionexpire's config.
 * Every setter validates its value and names its directive in the error,
 * so a bad config stops httpd at start-up instead of failing requests.
 */
#include "apr_strings.h"
#include "http_protocol.h"

#include "se.h"

void *se_create_dir_cfg(apr_pool_t *p, char *dir)
{
    se_dir_cfg *cfg = apr_pcalloc(p, sizeof(*cfg));

    cfg->max_body = SE_DEFAULT_MAX_BODY;
    cfg->short_lifetime = SE_DEFAULT_SHORT_LIFETIME;
    cfg->long_lifetime = SE_DEFAULT_LONG_LIFETIME;
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

const char *se_set_lifetime(cmd_parms *cmd, void *dcfg, const char *arg)
{
    se_dir_cfg *cfg = dcfg;
    apr_interval_time_t t;

    /* Plain numbers are seconds; ms, s, mi and h suffixes work too. */
    if (ap_timeout_parameter_parse(arg, &t, "s") != APR_SUCCESS
        || t < apr_time_from_sec(1)) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a duration of at"
                            " least one second (e.g. 86400, 720h)",
                            cmd->directive->directive, arg);
    }
    if (cmd->info == SE_LIFETIME_LONG) {
        cfg->long_lifetime = apr_time_sec(t);
        cfg->long_lifetime_set = 1;
    }
    else {
        cfg->short_lifetime = apr_time_sec(t);
        cfg->short_lifetime_set = 1;
    }
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
