/*
 * clock.c - real time, or real time shifted by a test suite.
 */
#include "apr_file_io.h"
#include "apr_strings.h"

#include "clock.h"
#include "se.h"

/* The signed number of seconds in the test clock file; 0 when it is
 * missing or unreadable (logged). */
static apr_int64_t test_offset(request_rec *r, const char *file)
{
    char buf[32];
    apr_size_t len = sizeof(buf) - 1;
    apr_file_t *f;
    apr_int64_t offset;
    char *end;

    if (apr_file_open(&f, file, APR_FOPEN_READ, 0, r->pool) != APR_SUCCESS) {
        return 0;
    }
    if (apr_file_read(f, buf, &len) != APR_SUCCESS) {
        len = 0;
    }
    apr_file_close(f);
    buf[len] = '\0';
    offset = apr_strtoi64(buf, &end, 10);
    if (end == buf || (*end != '\0' && *end != '\n')) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, SELOGNO(0701)
                      "test clock file %s does not hold a number", file);
        return 0;
    }
    return offset;
}

apr_int64_t se_clock_now(request_rec *r)
{
    const se_srv_cfg *cfg = ap_get_module_config(r->server->module_config,
                                                 &sessionexpire_module);
    apr_int64_t now = apr_time_sec(r->request_time);

    return cfg->test_clock_file ? now + test_offset(r, cfg->test_clock_file)
                                : now;
}
