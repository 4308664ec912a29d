/*
 * clock.h - the time the module works with.
 */
#ifndef SE_CLOCK_H
#define SE_CLOCK_H

#include "httpd.h"

/*
 * The request's time in Unix seconds.  Under a test suite (httpd started
 * with -D SESSIONEXPIRE_TESTING and SessionExpireTestClockFile set), plus
 * the number of seconds written in that file, so tests reach expiry and
 * ban windows without sleeping.
 */
apr_int64_t se_clock_now(request_rec *r);

#endif
