/*
 * api.h - registers the optional functions other modules may call.
 */
#ifndef SE_API_H
#define SE_API_H

/* Called from register_hooks. */
void se_api_register(void);

#endif
