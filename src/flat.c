/*
 * flat.c - the flat transport (PROTOCOL.md section 1).
 *
 * Parameters come only from the body, never the query string: credentials
 * in a URL would end up in access logs.
 */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"
#include "http_request.h"

#include "clock.h"
#include "errors.h"
#include "flat.h"
#include "form.h"

/* How much of an offending key an error message repeats. */
#define SE_KEY_IN_ERROR_MAX 64

typedef enum { BODY_OK, BODY_TOO_LARGE, BODY_UNREADABLE } body_rc;

const char *se_arg(const se_req_t *req, const char *key)
{
    return apr_hash_get(req->args, key, APR_HASH_KEY_STRING);
}

static void send_response(request_rec *r, const se_resp_t *resp, int status,
                          int urlenc)
{
    apr_size_t len;
    char *body = se_resp_render(r->pool, resp, urlenc, &len);

    r->status = status;
    ap_set_content_type(r, "text/plain; charset=UTF-8");
    /* A response can carry a session: no cache may keep it. */
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, (apr_off_t)len);
    ap_rwrite(body, (int)len, r);
}

/* Answers a request we could not read in full, and closes the connection
 * so the unread rest of the body is never taken for a next request. */
static int refuse_body(request_rec *r, int status, const char *errmsg)
{
    se_resp_t *resp = se_resp_make(r->pool);

    r->connection->keepalive = AP_CONN_CLOSE;
    se_resp_fail(resp, errmsg);
    send_response(r, resp, status, 0);
    return OK;
}

/* Reads the whole body, Content-Length or chunked, up to `cap` bytes. */
static body_rc read_body(request_rec *r, apr_off_t cap, char **buf,
                         apr_size_t *len)
{
    apr_size_t size, got = 0;
    long n = 0;

    switch (ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK)) {
    case OK:
        break;
    case HTTP_REQUEST_ENTITY_TOO_LARGE:     /* over httpd's LimitRequestBody */
        return BODY_TOO_LARGE;
    default:
        return BODY_UNREADABLE;
    }
    if (r->remaining > cap) {
        return BODY_TOO_LARGE;
    }
    /* Known length: exactly that; chunked: room for one byte over the cap,
     * which is how we notice a body that is too large. */
    size = (apr_size_t)(r->read_chunked ? cap + 1 : r->remaining);
    *buf = apr_palloc(r->pool, size + 1);
    if (ap_should_client_block(r)) {
        while (got < size
               && (n = ap_get_client_block(r, *buf + got, size - got)) > 0) {
            got += (apr_size_t)n;
        }
        if (n < 0) {
            return BODY_UNREADABLE;
        }
    }
    if ((apr_off_t)got > cap) {
        return BODY_TOO_LARGE;
    }
    (*buf)[got] = '\0';
    *len = got;
    return BODY_OK;
}

/* Decodes the body into req->args; a protocol error otherwise. */
static int decode_body(se_req_t *req, const char *body, apr_size_t len)
{
    const char *bad_key = "";
    se_form_rc rc = se_form_parse(req->r->pool, body, len, &req->args,
                                  &bad_key);

    if (rc == SE_FORM_OK) {
        return 1;
    }
    se_resp_fail(req->resp, apr_psprintf(req->r->pool, "%s: %s key '%.*s'",
                 SE_ERR_INVALID_ARGS,
                 rc == SE_FORM_DUPLICATE ? "duplicate" : "NUL byte in",
                 SE_KEY_IN_ERROR_MAX, bad_key));
    return 0;
}

/* The part of `s` before any client bytes it may repeat: our messages
 * quote those ('...') or put them in parentheses. */
static const char *fixed_part(apr_pool_t *p, const char *s)
{
    const char *paren = strstr(s, " (");
    apr_size_t n = strcspn(s, "'");

    if (paren != NULL && (apr_size_t)(paren - s) < n) {
        n = (apr_size_t)(paren - s);
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == ':')) {
        n--;
    }
    return apr_pstrmemdup(p, s, n);
}

/* 1 when `mode` looks like a mode name.  Anything else is not logged: a
 * client that separates its pairs with newlines sends its password inside
 * the mode's value. */
static int is_mode_name(const char *mode)
{
    apr_size_t n = strspn(mode, "abcdefghijklmnopqrstuvwxyz");

    return n > 0 && n <= 20 && mode[n] == '\0';
}

/* One trace line per request: mode and outcome, without client bytes. */
static void log_outcome(const se_req_t *req)
{
    const char *mode = se_arg(req, "mode");
    const char *errmsg = se_resp_get(req->resp, "errmsg");

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, req->r, "mode %s: %s%s%s",
                  mode == NULL ? "(none)"
                  : is_mode_name(mode) ? mode : "(not a mode name)",
                  se_resp_get(req->resp, "success"), errmsg ? ": " : "",
                  errmsg ? fixed_part(req->r->pool, errmsg) : "");
}

static int wants_urlenc(const se_req_t *req)
{
    const char *enc = se_arg(req, "responseenc");

    return enc != NULL && strcmp(enc, "urlenc") == 0;
}

static se_req_t *make_req(request_rec *r)
{
    se_req_t *req = apr_pcalloc(r->pool, sizeof(*req));

    req->r = r;
    req->cfg = ap_get_module_config(r->per_dir_config, &sessionexpire_module);
    req->args = apr_hash_make(r->pool);
    req->resp = se_resp_make(r->pool);
    req->now = se_clock_now(r);
    return req;
}

int se_flat_serve(request_rec *r, se_dispatch_fn *dispatch)
{
    se_req_t *req;
    char *body = NULL;
    apr_size_t len = 0;

    if (r->method_number != M_GET && r->method_number != M_POST) {
        /* The Allow header of the 405 is built from allowed_methods. */
        ap_allow_standard_methods(r, REPLACE_ALLOW, M_GET, M_POST, -1);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    req = make_req(r);
    if (r->method_number == M_POST) {
        switch (read_body(r, req->cfg->max_body, &body, &len)) {
        case BODY_TOO_LARGE:
            return refuse_body(r, HTTP_REQUEST_ENTITY_TOO_LARGE,
                apr_psprintf(r->pool, "Client error: Request body too large"
                             " (the limit is %" APR_OFF_T_FMT " bytes)",
                             req->cfg->max_body));
        case BODY_UNREADABLE:
            return refuse_body(r, HTTP_BAD_REQUEST,
                               "Client error: Unreadable request body");
        case BODY_OK:
            break;
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_TRACE2, 0, r, "%s with a body of %"
                  APR_SIZE_T_FMT " bytes", r->method, len);
    /* A GET carries no body: it is answered as a request with no mode. */
    if (decode_body(req, body ? body : "", len)) {
        dispatch(req);
    }
    log_outcome(req);
    send_response(r, req->resp, HTTP_OK, wants_urlenc(req));
    return OK;
}
