/*
 * flat.h - the flat transport: HTTP in, decoded request, flat response out.
 */
#ifndef SE_FLAT_H
#define SE_FLAT_H

#include "se.h"

/* Fills req->resp for a decoded request; supplied by the module. */
typedef void se_dispatch_fn(se_req_t *req);

/*
 * Serves one request on the flat endpoint: checks the method, reads and
 * decodes the body within the configured cap, calls `dispatch`, and writes
 * the response.  Returns the handler's status for httpd.
 */
int se_flat_serve(request_rec *r, se_dispatch_fn *dispatch);

#endif
