/*
 * errors.h - the protocol's error messages (PROTOCOL.md section 3), word
 * for word: clients match on these strings.
 */
#ifndef SE_ERRORS_H
#define SE_ERRORS_H

#define SE_ERR_BAD_USERNAME     "Invalid username"                    /* 100 */
#define SE_ERR_BAD_PASSWORD     "Invalid password"                    /* 101 */
#define SE_ERR_CHAL_EXPIRED     "Challenge expired"                   /* 105 */
#define SE_ERR_MISSING_ARGS     "Client error: Missing required argument(s)" /* 200 */
#define SE_ERR_INVALID_ARGS     "Client error: Invalid argument(s)"   /* 203 */
#define SE_ERR_RESTRICTED       "Client error: Access of restricted feature" /* 301 */
#define SE_ERR_SUSPENDED        "Client error: Action forbidden; account is suspended." /* 305 */
#define SE_ERR_LOCKED           "Client error: Account is locked and cannot be used." /* 308 */
#define SE_ERR_BANNED           "Client error: Your IP address is temporarily banned for exceeding the login failure rate." /* 402 */
#define SE_ERR_INTERNAL         "Server error: Internal server error" /* 500 */
#define SE_ERR_DB_UNAVAILABLE   "Server error: Database temporarily unavailable" /* 502 */
#define SE_ERR_NO_MODE          "Client error: No mode specified."
#define SE_ERR_NO_USER          "Client error: No username sent."
#define SE_ERR_UNKNOWN_MODE_FMT "Client error: Unknown mode (%s)"

#endif
