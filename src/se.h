/*
 * se.h - what every httpd-facing file of mod_sessionexpire shares: the
 * module record (so per-module LogLevel works in every file), our log
 * message tags, and the per-request state.
 */
#ifndef SE_H
#define SE_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "apr_hash.h"

#include "config.h"
#include "response.h"

extern module AP_MODULE_DECLARE_DATA sessionexpire_module;
APLOG_USE_MODULE(sessionexpire);

/* Our own message tags; httpd's AHnnnnn numbers are reserved for httpd. */
#define SELOGNO(n) "SE" #n ": "

/* The handler name an admin gives SetHandler. */
#define SE_HANDLER "sessionexpire"

/* One flat request, from decoded body to response. */
typedef struct {
    request_rec *r;
    const se_dir_cfg *cfg;
    apr_hash_t *args;           /* decoded body: key -> value */
    se_resp_t *resp;
    apr_int64_t now;            /* Unix seconds */
    const char *user;           /* canonical user name, once dispatched */
} se_req_t;

/* The decoded value of `key` in the request body, or NULL. */
const char *se_arg(const se_req_t *req, const char *key);

#endif
