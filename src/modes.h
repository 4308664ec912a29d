/*
 * modes.h - the protocol modes (PROTOCOL.md section 2).  Each fills
 * req->resp; req->user is already the canonical user name.
 */
#ifndef SE_MODES_H
#define SE_MODES_H

#include "se.h"

void se_mode_getchallenge(se_req_t *req);
void se_mode_sessiongenerate(se_req_t *req);
void se_mode_sessionexpire(se_req_t *req);

#endif
