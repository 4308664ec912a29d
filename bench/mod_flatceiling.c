/*
 * mod_flatceiling.c - the benchmark's ceiling: the cheapest possible flat
 * answer from the same httpd, to compare mod_sessionexpire with.
 *
 * `SetHandler flatceiling` answers every request with the fixed flat body
 * "success\nOK\n": HTTP 200, text/plain, Content-Length, Cache-Control
 * no-store (the same headers mod_sessionexpire sends).  It reads no body
 * (httpd discards it after the handler) and touches no database.
 *
 * Built by bench/compare:  apxs -c mod_flatceiling.c
 */
#include <string.h>

#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"

static int flatceiling_handler(request_rec *r)
{
    static const char body[] = "success\nOK\n";

    if (r->handler == NULL || strcmp(r->handler, "flatceiling") != 0) {
        return DECLINED;
    }
    ap_set_content_type(r, "text/plain; charset=UTF-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, (apr_off_t)(sizeof(body) - 1));
    if (!r->header_only) {
        ap_rwrite(body, (int)(sizeof(body) - 1), r);
    }
    return OK;
}

static void flatceiling_register_hooks(apr_pool_t *p)
{
    ap_hook_handler(flatceiling_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA flatceiling_module = {
    STANDARD20_MODULE_STUFF,
    NULL, NULL, NULL, NULL, NULL,
    flatceiling_register_hooks
};
