/*
 * sql.c - the SQL text of the module and the admin tool, and the schema.
 *
 * Tables are prefixed se_ so the module can share a database with a site's
 * own tables.  Times are Unix seconds.  Session ids come from a per-user
 * counter (se_users.next_sessid) rather than MAX(sessid)+1, so an id is
 * never handed out twice even after every session was deleted.
 */
#include <ctype.h>
#include <string.h>

#include "sql.h"

const se_sql_stmt se_sql_module[SE_SQL_COUNT] = {
    [SE_SQL_USER_LOOKUP] = {
        "UserLookup", "sessionexpire_user_lookup", 1,
        "SELECT userid, password_md5, status FROM se_users WHERE username = %s"
    },
    [SE_SQL_SESSID_BUMP] = {
        "SessionIdBump", "sessionexpire_sessid_bump", 1,
        "UPDATE se_users SET next_sessid = next_sessid + 1 WHERE userid = %d"
    },
    [SE_SQL_SESSID_READ] = {
        "SessionIdRead", "sessionexpire_sessid_read", 1,
        "SELECT next_sessid FROM se_users WHERE userid = %d"
    },
    /* Taken first by every transaction that changes several of a user's
     * sessions, so that on databases with row locks they queue on the
     * account instead of deadlocking on sessions locked in different
     * orders.  Only run where rows are locked (never on SQLite, which has
     * no FOR UPDATE); a lock, not an UPDATE, so no new row version. */
    [SE_SQL_USER_LOCK] = {
        "UserLock", "sessionexpire_user_lock", 1,
        "SELECT userid FROM se_users WHERE userid = %d FOR UPDATE"
    },
    /* Whether the user has any session at all: where rows are locked,
     * expireall looks before it locks, so that logging out everywhere
     * with nothing logged in writes nothing. */
    [SE_SQL_SESSION_ANY] = {
        "SessionAny", "sessionexpire_session_any", 1,
        "SELECT sessid FROM se_sessions WHERE userid = %d LIMIT 1"
    },
    [SE_SQL_SESSION_INSERT] = {
        "SessionInsert", "sessionexpire_session_insert", 7,
        "INSERT INTO se_sessions (userid, sessid, auth, exptype, timecreate,"
        " timeexpire, ipfixed) VALUES (%d, %d, %s, %s, %lld, %lld, %s)"
    },
    [SE_SQL_SESSION_PURGE] = {
        "SessionPurgeExpired", "sessionexpire_session_purge", 2,
        "DELETE FROM se_sessions WHERE userid = %d AND timeexpire <= %lld"
    },
    [SE_SQL_SESSION_DELETE_ALL] = {
        "SessionDeleteAll", "sessionexpire_session_delete_all", 1,
        "DELETE FROM se_sessions WHERE userid = %d"
    },
    [SE_SQL_SESSION_DELETE] = {
        "SessionDelete", "sessionexpire_session_delete", 2,
        "DELETE FROM se_sessions WHERE userid = %d AND sessid = %d"
    },
    [SE_SQL_SESSION_LOOKUP] = {
        "SessionLookup", "sessionexpire_session_lookup", 2,
        "SELECT auth, timeexpire, ipfixed FROM se_sessions"
        " WHERE userid = %d AND sessid = %d"
    },
    [SE_SQL_SESSION_PURGE_ALL] = {
        "SessionPurgeAllExpired", "sessionexpire_session_purge_all", 1,
        "DELETE FROM se_sessions WHERE timeexpire <= %lld"
    },
    /* Single use decided by the primary key, atomically, in the database
     * every node shares.  ON CONFLICT DO NOTHING is SQLite (3.24+) and
     * PostgreSQL; MySQL spells it INSERT IGNORE. */
    [SE_SQL_CHALLENGE_USE] = {
        "ChallengeUse", "sessionexpire_challenge_use", 2,
        "INSERT INTO se_challenges (challenge, timeexpire) VALUES (%s, %lld)"
        " ON CONFLICT DO NOTHING",
        "INSERT IGNORE INTO se_challenges (challenge, timeexpire)"
        " VALUES (%s, %lld)"
    },
    [SE_SQL_CHALLENGE_PURGE] = {
        "ChallengePurge", "sessionexpire_challenge_purge", 1,
        "DELETE FROM se_challenges WHERE timeexpire <= %lld"
    },
    [SE_SQL_BAN_CHECK] = {
        "LoginBanCheck", "sessionexpire_ban_check", 3,
        "SELECT banned_until FROM se_login_bans"
        " WHERE username = %s AND ip = %s AND banned_until > %lld"
    },
    [SE_SQL_FAILURE_ADD] = {
        "LoginFailureAdd", "sessionexpire_failure_add", 3,
        "INSERT INTO se_login_failures (username, ip, failtime)"
        " VALUES (%s, %s, %lld)"
    },
    [SE_SQL_FAILURE_COUNT] = {
        "LoginFailureCount", "sessionexpire_failure_count", 3,
        "SELECT COUNT(*) FROM se_login_failures"
        " WHERE username = %s AND ip = %s AND failtime > %lld"
    },
    [SE_SQL_FAILURE_PURGE] = {
        "LoginFailurePurge", "sessionexpire_failure_purge", 1,
        "DELETE FROM se_login_failures WHERE failtime <= %lld"
    },
    /* One statement, so that two failures racing to ban the same pair
     * both succeed (a DELETE then INSERT would collide on the key, and on
     * MySQL deadlock on the gap lock the DELETE of a missing row takes). */
    [SE_SQL_BAN_ADD] = {
        "LoginBanAdd", "sessionexpire_ban_add", 3,
        "INSERT INTO se_login_bans (username, ip, banned_until)"
        " VALUES (%s, %s, %lld) ON CONFLICT (username, ip)"
        " DO UPDATE SET banned_until = excluded.banned_until",
        "INSERT INTO se_login_bans (username, ip, banned_until)"
        " VALUES (%s, %s, %lld)"
        " ON DUPLICATE KEY UPDATE banned_until = VALUES(banned_until)"
    },
    [SE_SQL_BAN_PURGE] = {
        "LoginBanPurge", "sessionexpire_ban_purge", 1,
        "DELETE FROM se_login_bans WHERE banned_until <= %lld"
    },
    /* Where the sliced purge of used challenges starts (purge.h);
     * NULL when there are none. */
    [SE_SQL_CHALLENGE_OLDEST] = {
        "ChallengeOldest", "sessionexpire_challenge_oldest", 0,
        "SELECT MIN(timeexpire) FROM se_challenges"
    },
    /* Where row locks exist, expired sessions are purged user by user, in
     * ascending userid order, each user's account row locked first (as
     * every transaction on a user's sessions does): see store_sessions.c.
     * The LIMIT is SE_SQL_USERS_BATCH. */
    [SE_SQL_SESSION_EXPIRED_USERS] = {
        "SessionExpiredUsers", "sessionexpire_session_expired_users", 1,
        "SELECT DISTINCT userid FROM se_sessions WHERE timeexpire <= %lld"
        " ORDER BY userid LIMIT 100"
    },
};

const se_sql_stmt se_sql_admin[SE_ADMIN_COUNT] = {
    [SE_ADMIN_USER_ADD] = {
        "UserAdd", "admin_user_add", 2,
        "INSERT INTO se_users (username, password_md5, status, next_sessid)"
        " VALUES (%s, %s, 'V', 0)"
    },
    [SE_ADMIN_USER_PASSWD] = {
        "UserPasswd", "admin_user_passwd", 2,
        "UPDATE se_users SET password_md5 = %s WHERE username = %s"
    },
    [SE_ADMIN_USER_STATUS] = {
        "UserStatus", "admin_user_status", 2,
        "UPDATE se_users SET status = %s WHERE username = %s"
    },
    [SE_ADMIN_SESSIONS_LIST] = {
        "SessionsList", "admin_sessions_list", 1,
        "SELECT s.sessid, s.exptype, s.timeexpire, s.ipfixed"
        " FROM se_sessions s JOIN se_users u ON u.userid = s.userid"
        " WHERE u.username = %s ORDER BY s.sessid"
    },
    [SE_ADMIN_PURGE] = {
        "Purge", "admin_purge", 1,
        "DELETE FROM se_sessions WHERE timeexpire <= %lld"
    },
};

/* The tables that are written the same way for every database.  Every
 * column the housekeeping purges by is indexed. */
#define SCHEMA_SESSIONS_INDEX \
    "CREATE INDEX IF NOT EXISTS se_sessions_expire" \
    " ON se_sessions (timeexpire)"
#define SCHEMA_CHALLENGES \
    "CREATE TABLE IF NOT EXISTS se_challenges (" \
    " challenge VARCHAR(100) PRIMARY KEY," \
    " timeexpire BIGINT NOT NULL)"
#define SCHEMA_CHALLENGES_INDEX \
    "CREATE INDEX IF NOT EXISTS se_challenges_expire" \
    " ON se_challenges (timeexpire)"
#define SCHEMA_LOGIN_FAILURES_TIME_INDEX \
    "CREATE INDEX IF NOT EXISTS se_login_failures_time" \
    " ON se_login_failures (failtime)"
#define SCHEMA_LOGIN_BANS_INDEX \
    "CREATE INDEX IF NOT EXISTS se_login_bans_until" \
    " ON se_login_bans (banned_until)"
#define SCHEMA_LOGIN_FAILURES \
    "CREATE TABLE IF NOT EXISTS se_login_failures (" \
    " username VARCHAR(25) NOT NULL," \
    " ip VARCHAR(45) NOT NULL," \
    " failtime BIGINT NOT NULL)"
#define SCHEMA_LOGIN_FAILURES_INDEX \
    "CREATE INDEX IF NOT EXISTS se_login_failures_pair" \
    " ON se_login_failures (username, ip, failtime)"
#define SCHEMA_LOGIN_BANS \
    "CREATE TABLE IF NOT EXISTS se_login_bans (" \
    " username VARCHAR(25) NOT NULL," \
    " ip VARCHAR(45) NOT NULL," \
    " banned_until BIGINT NOT NULL," \
    " PRIMARY KEY (username, ip))"
/* se_sessions, with the type of its ids as the only difference. */
#define SCHEMA_SESSIONS(id_type) \
    "CREATE TABLE IF NOT EXISTS se_sessions (" \
    " userid " id_type " NOT NULL," \
    " sessid " id_type " NOT NULL," \
    " auth VARCHAR(64) NOT NULL," \
    " exptype VARCHAR(5) NOT NULL," \
    " timecreate BIGINT NOT NULL," \
    " timeexpire BIGINT NOT NULL," \
    " ipfixed VARCHAR(45) NOT NULL DEFAULT ''," \
    " PRIMARY KEY (userid, sessid))"
#define SCHEMA_USERS(id_column) \
    "CREATE TABLE IF NOT EXISTS se_users (" \
    " userid " id_column "," \
    " username VARCHAR(25) NOT NULL UNIQUE," \
    " password_md5 CHAR(32) NOT NULL," \
    " status CHAR(1) NOT NULL DEFAULT 'V'," \
    " next_sessid BIGINT NOT NULL DEFAULT 0)"

/* The same for every database: sessions onwards. */
#define SCHEMA_AFTER_USERS(id_type, table_options) \
    SCHEMA_SESSIONS(id_type) table_options, \
    SCHEMA_SESSIONS_INDEX, \
    SCHEMA_CHALLENGES table_options, \
    SCHEMA_CHALLENGES_INDEX, \
    SCHEMA_LOGIN_FAILURES table_options, \
    SCHEMA_LOGIN_FAILURES_INDEX, \
    SCHEMA_LOGIN_FAILURES_TIME_INDEX, \
    SCHEMA_LOGIN_BANS table_options, \
    SCHEMA_LOGIN_BANS_INDEX

/* SQLite: WAL lets readers run beside the one writer; it persists in the
 * file.  INTEGER PRIMARY KEY is SQLite's auto-assigned row id. */
static const char *const schema_sqlite3[] = {
    "PRAGMA journal_mode=WAL",
    SCHEMA_USERS("INTEGER PRIMARY KEY"),
    SCHEMA_AFTER_USERS("INTEGER", ""),
    NULL
};

/* PostgreSQL: userid from a sequence. */
static const char *const schema_pgsql[] = {
    SCHEMA_USERS("BIGSERIAL PRIMARY KEY"),
    SCHEMA_AFTER_USERS("BIGINT", ""),
    NULL
};

/*
 * MySQL/MariaDB: InnoDB for transactions and row locks, and a binary
 * collation, because the default ones compare case-insensitively: two
 * challenges differing only in case must be two rows, and a user name
 * must match exactly as the module canonicalised it.  CREATE INDEX IF NOT
 * EXISTS is MariaDB's (10.1.4+); MySQL 8 does not have it.
 */
#define MYSQL_TABLE_OPTIONS \
    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
static const char *const schema_mysql[] = {
    SCHEMA_USERS("BIGINT AUTO_INCREMENT PRIMARY KEY") MYSQL_TABLE_OPTIONS,
    SCHEMA_AFTER_USERS("BIGINT", MYSQL_TABLE_OPTIONS),
    NULL
};

const char *const *se_sql_schema(const char *driver)
{
    if (driver == NULL) {
        return NULL;
    }
    if (strcmp(driver, "sqlite3") == 0) {
        return schema_sqlite3;
    }
    if (strcmp(driver, "pgsql") == 0) {
        return schema_pgsql;
    }
    if (strcmp(driver, "mysql") == 0) {
        return schema_mysql;
    }
    return NULL;
}

const char *se_sql_text(const se_sql_stmt *stmt, const char *driver)
{
    if (stmt->mysql_sql != NULL && driver != NULL
        && strcmp(driver, "mysql") == 0) {
        return stmt->mysql_sql;
    }
    return stmt->sql;
}

int se_sql_find(const char *name)
{
    int i;

    for (i = 0; i < SE_SQL_COUNT; i++) {
        const char *a = se_sql_module[i].name, *b = name;

        while (*a && tolower((unsigned char)*a) == tolower((unsigned char)*b)) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0') {
            return i;
        }
    }
    return -1;
}

int se_sql_count_params(const char *sql)
{
    int n = 0;
    const char *p = sql;

    while ((p = strchr(p, '%')) != NULL) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        /* apr_dbd's length modifiers: h, hh, l, ll; then the conversion. */
        while (*p == 'h' || *p == 'l') {
            p++;
        }
        if (*p == 'p') {        /* %pDt and friends: two more letters */
            p++;
        }
        if (isalpha((unsigned char)*p)) {
            n++;
        }
    }
    return n;
}
