/*
 * username.h - the protocol's canonical form of a user name.
 */
#ifndef SE_USERNAME_H
#define SE_USERNAME_H

#include "apr_pools.h"

#define SE_USERNAME_MAX 25

/*
 * The canonical user name for the client-supplied `raw`: surrounding ASCII
 * whitespace trimmed, 1 to 25 characters of [A-Za-z0-9_-], lowercased, '-'
 * turned into '_'.  NULL when `raw` is NULL or is not a user name.
 */
char *se_username_canonical(apr_pool_t *p, const char *raw);

#endif
