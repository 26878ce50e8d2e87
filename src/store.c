/*
 * store.c - opening the database (where it is, whether it is ours, the
 * schema and its migrations), the helpers store_run.c shares, and saved
 * scenarios.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scenario_yaml.h"
#include "store_int.h"

/* --- Messages ------------------------------------------------------------ */

static int status_of(int rc, int sys_errno)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_LOCKED;
    case SQLITE_READONLY:
        return STORE_READ_ONLY;
    case SQLITE_FULL:
        return STORE_FULL;
    case SQLITE_CORRUPT:
        return STORE_CORRUPT;
    case SQLITE_NOTADB:
        return STORE_FOREIGN;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        return STORE_CANT_OPEN;
    case SQLITE_NOMEM:
        return STORE_NO_MEMORY;
    case SQLITE_IOERR:
        /* A -wal or -shm file that cannot be made beside the database
         * is a directory the user may not write to. */
        if (sys_errno == EACCES || sys_errno == EPERM || sys_errno == EROFS)
            return STORE_READ_ONLY;
        return sys_errno == ENOSPC ? STORE_FULL : STORE_IO;
    default:
        return STORE_IO;
    }
}

static const char *reason_of(int status)
{
    switch (status) {
    case STORE_LOCKED:
        return "another process kept it locked for too long";
    case STORE_READ_ONLY:
        return "the file or its directory is read-only";
    case STORE_FULL:
        return "the disk is full, or the database reached its size limit";
    case STORE_CORRUPT:
        return "the file is damaged";
    case STORE_FOREIGN:
        return "not an archsim database";
    case STORE_CANT_OPEN:
        return "cannot open the file";
    case STORE_NO_MEMORY:
        return "out of memory";
    default:
        return "the database failed";
    }
}

int store_fail(struct store *st, int rc, const char *doing)
{
    int sys_errno = st->db ? sqlite3_system_errno(st->db) : 0;
    const char *detail = st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    int status = status_of(rc, sys_errno);

    if (sys_errno != 0 && status != STORE_LOCKED && status != STORE_CORRUPT)
        detail = strerror(sys_errno);
    snprintf(st->err, sizeof st->err, "%s '%s': %s (%s)", doing, st->path,
             reason_of(status), detail);
    return status;
}

int store_failf(struct store *st, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
    return status;
}

const char *store_errmsg(const struct store *st)
{
    return st->err;
}

const char *store_filename(const struct store *st)
{
    return st->path;
}

bool store_unusable(int status)
{
    return status <= STORE_CANT_OPEN;
}

/* --- Statements ---------------------------------------------------------- */

int store_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql,
                  const char *doing)
{
    int rc = sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL);

    if (rc != SQLITE_OK) {
        *stmt = NULL;
        return store_fail(st, rc, doing);
    }
    return STORE_OK;
}

int store_exec(struct store *st, const char *sql, const char *doing)
{
    sqlite3_stmt *stmt;
    int status = store_prepare(st, &stmt, sql, doing);
    int rc;

    if (status != STORE_OK)
        return status;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE)
        status = store_fail(st, rc, doing);
    sqlite3_finalize(stmt);
    return status;
}

int store_begin(struct store *st, bool write, const char *doing)
{
    return store_exec(st, write ? "BEGIN IMMEDIATE" : "BEGIN", doing);
}

int store_commit(struct store *st, const char *doing)
{
    return store_exec(st, "COMMIT", doing);
}

int store_bind_texts(struct store *st, sqlite3_stmt *stmt,
                     const char *doing, int n, ...)
{
    va_list ap;
    int rc = SQLITE_OK;

    va_start(ap, n);
    for (int i = 1; rc == SQLITE_OK && i <= n; i++)
        rc = sqlite3_bind_text(stmt, i, va_arg(ap, const char *), -1,
                               SQLITE_STATIC);
    va_end(ap);
    return rc == SQLITE_OK ? STORE_OK : store_fail(st, rc, doing);
}

void store_rollback(struct store *st)
{
    sqlite3_stmt *stmt;

    /* SQLite may have rolled back already (after SQLITE_FULL, say). */
    if (sqlite3_get_autocommit(st->db))
        return;
    if (sqlite3_prepare_v2(st->db, "ROLLBACK", -1, &stmt, NULL) != SQLITE_OK)
        return;
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
}

void store_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm tm;

    if (now == (time_t)-1 || !gmtime_r(&now, &tm) ||
        strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, len, "unknown");
}

void store_column_text(sqlite3_stmt *stmt, int col, char *buf, size_t len)
{
    const unsigned char *text = sqlite3_column_text(stmt, col);
    size_t n = text ? strlen((const char *)text) : 0;

    if (n >= len) {
        n = len - 1;
        while (n > 0 && (text[n] & 0xc0) == 0x80)
            n--;                    /* never split a UTF-8 character */
    }
    if (n > 0)
        memcpy(buf, text, n);
    buf[n] = '\0';
}

/* --- Where the database is ----------------------------------------------- */

int store_path(const char *opt, char *buf, size_t len, bool *is_default)
{
    const char *env = getenv("ARCHSIM_DB");
    const char *data = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;

    *is_default = false;
    if (opt)
        n = snprintf(buf, len, "%s", opt);
    else if (env && *env)
        n = snprintf(buf, len, "%s", env);
    else if (data && data[0] == '/')    /* relative ones are to be ignored */
        n = snprintf(buf, len, "%s/archsim/archsim.db", data);
    else if (home && *home)
        n = snprintf(buf, len, "%s/.local/share/archsim/archsim.db", home);
    else
        return -1;
    *is_default = !opt && !(env && *env);
    return n < 0 || (size_t)n >= len || buf[0] == '\0' ? -1 : 0;
}

/* Create the directories above path that are missing, private to the
 * user as XDG asks for its data directory. */
static int make_parents(struct store *st)
{
    char *dir = strdup(st->path);
    int status = STORE_OK;

    if (!dir)
        return store_failf(st, STORE_NO_MEMORY, "out of memory");
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            status = store_failf(st, STORE_CANT_OPEN,
                                 "cannot create the directory '%s' for the "
                                 "database: %s", dir, strerror(errno));
            break;
        }
        *p = '/';
    }
    free(dir);
    return status;
}

/* --- Whose file is it ---------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* Decide from the application id, schema version and number of schema
 * objects whether the database may be used, migrated or not at all. */
static int judge(struct store *st, uint32_t app, uint32_t version,
                 long objects)
{
    bool blank = app == 0 && version == 0 && objects == 0;

    if (app != STORE_APP_ID && !blank)
        return store_failf(st, STORE_FOREIGN, "'%s' is not an archsim "
                           "database (an SQLite database of another "
                           "program); it was left unchanged", st->path);
    if (version > STORE_SCHEMA_VERSION)
        return store_failf(st, STORE_NEWER, "'%s' was written by a newer "
                           "archsim (schema %u; this one knows up to %d); "
                           "it was left unchanged", st->path, version,
                           STORE_SCHEMA_VERSION);
    return STORE_OK;
}

static ssize_t read_head(int fd, unsigned char *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/*
 * Look at the file's first 100 bytes before SQLite opens it, so that a
 * file which is not ours is never written, not even a journal mode. An
 * absent or empty file is fine: it becomes a new database.
 */
static int check_header(struct store *st)
{
    unsigned char head[100];
    int fd = open(st->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat sb;
    ssize_t n;
    int saved;

    if (fd < 0 && errno == ENOENT)
        return STORE_OK;
    if (fd < 0)
        return store_failf(st, STORE_CANT_OPEN, "cannot open '%s': %s",
                           st->path, strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);                  /* a directory, a pipe, a device */
        return store_failf(st, STORE_FOREIGN, "'%s' is not an archsim "
                           "database (not a regular file)", st->path);
    }
    n = read_head(fd, head, sizeof head);
    saved = errno;
    close(fd);
    if (n < 0)
        return store_failf(st, STORE_CANT_OPEN, "cannot read '%s': %s",
                           st->path, strerror(saved));
    if (n == 0)
        return STORE_OK;
    if (n < (ssize_t)sizeof head || memcmp(head, "SQLite format 3", 16))
        return store_failf(st, STORE_FOREIGN, "'%s' is not an archsim "
                           "database (not an SQLite file); it was left "
                           "unchanged", st->path);

    /* The header holds user_version at byte 60 and application_id at
     * byte 68, big-endian (SQLite's file format, section 1.3). */
    return judge(st, be32(head + 68), be32(head + 60), 0);
}

static int query_int(struct store *st, const char *sql, long *out)
{
    sqlite3_stmt *stmt;
    int status = store_prepare(st, &stmt, sql, "cannot use the database");
    int rc;

    if (status != STORE_OK)
        return status;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(stmt, 0);
    else
        status = store_fail(st, rc, "cannot use the database");
    sqlite3_finalize(stmt);
    return status;
}

/* What the database says of itself: its id, schema version, objects. */
static int identify(struct store *st, long *version)
{
    long app, objects;
    int status = query_int(st, "PRAGMA application_id", &app);

    if (status == STORE_OK)
        status = query_int(st, "PRAGMA user_version", version);
    if (status == STORE_OK)
        status = query_int(st, "SELECT count(*) FROM sqlite_schema",
                           &objects);
    if (status != STORE_OK)
        return status;
    return judge(st, (uint32_t)app, (uint32_t)*version, objects);
}

/* --- The schema ---------------------------------------------------------- */

/*
 * migrations[v] takes a database from schema v to v + 1, ending by
 * setting user_version. Entries are never edited once released: a
 * change to the schema is a new entry. Tests build schema 1 by hand and
 * migrate it.
 */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
    /* 1: scenarios, and runs with their end-to-end figures per step. */
    "CREATE TABLE scenarios ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  yaml TEXT NOT NULL,"
    "  saved_at TEXT NOT NULL);"
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  saved_at TEXT NOT NULL,"
    "  scenario TEXT NOT NULL,"
    "  yaml TEXT NOT NULL,"
    "  seed INTEGER NOT NULL,"
    "  version TEXT NOT NULL,"
    "  nsteps INTEGER NOT NULL,"
    "  ncomponents INTEGER NOT NULL,"
    "  capacity REAL NOT NULL,"
    "  first_broken INTEGER NOT NULL,"
    "  cost REAL NOT NULL,"
    "  budget_ok INTEGER NOT NULL,"
    "  target_holds INTEGER NOT NULL,"
    "  simulated_ns INTEGER NOT NULL,"
    "  events INTEGER NOT NULL);"
    "CREATE TABLE steps ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  step INTEGER NOT NULL,"
    "  users REAL NOT NULL,"
    "  offered REAL NOT NULL,"
    "  completed REAL NOT NULL,"
    "  error_frac REAL NOT NULL,"
    "  samples INTEGER NOT NULL,"
    "  p50_ns INTEGER NOT NULL,"
    "  p95_ns INTEGER NOT NULL,"
    "  p99_ns INTEGER NOT NULL,"
    "  p99_lo_ns INTEGER NOT NULL,"
    "  p99_hi_ns INTEGER NOT NULL,"
    "  p99_known INTEGER NOT NULL,"
    "  window_ns INTEGER NOT NULL,"
    "  bottleneck INTEGER NOT NULL,"
    "  bottleneck_util REAL NOT NULL,"
    "  holds INTEGER NOT NULL,"
    "  broken TEXT,"
    "  PRIMARY KEY (run_id, step)) WITHOUT ROWID;"
    "PRAGMA application_id = 1098015571;"  /* STORE_APP_ID */
    "PRAGMA user_version = 1;",

    /* 2: per-component figures, p99 per request kind and errors by
     * cause; runs say whether they carry them. */
    "ALTER TABLE runs ADD COLUMN detailed INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX runs_by_scenario ON runs(scenario);"
    "CREATE TABLE step_kinds ("
    "  run_id INTEGER NOT NULL,"
    "  step INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  p99_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (run_id, step, kind),"
    "  FOREIGN KEY (run_id, step) REFERENCES steps(run_id, step)"
    "    ON DELETE CASCADE) WITHOUT ROWID;"
    "CREATE TABLE step_components ("
    "  run_id INTEGER NOT NULL,"
    "  step INTEGER NOT NULL,"
    "  component INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  util REAL NOT NULL,"
    "  cpu REAL NOT NULL,"
    "  pool REAL NOT NULL,"
    "  lock REAL NOT NULL,"
    "  waiting REAL NOT NULL,"
    "  arrivals REAL NOT NULL,"
    "  throughput REAL NOT NULL,"
    "  errors REAL NOT NULL,"
    "  mean_ns REAL NOT NULL,"
    "  p50_ns INTEGER NOT NULL,"
    "  p95_ns INTEGER NOT NULL,"
    "  p99_ns INTEGER NOT NULL,"
    "  hit_ratio REAL NOT NULL,"
    "  lag_mean_ns REAL NOT NULL,"
    "  lag_max_ns REAL NOT NULL,"
    "  depth REAL NOT NULL,"
    "  oldest_ns REAL NOT NULL,"
    "  instances INTEGER NOT NULL,"
    "  PRIMARY KEY (run_id, step, component),"
    "  FOREIGN KEY (run_id, step) REFERENCES steps(run_id, step)"
    "    ON DELETE CASCADE) WITHOUT ROWID;"
    /* component -1 holds the end-to-end count; only causes seen. */
    "CREATE TABLE step_errors ("
    "  run_id INTEGER NOT NULL,"
    "  step INTEGER NOT NULL,"
    "  component INTEGER NOT NULL,"
    "  cause TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  PRIMARY KEY (run_id, step, component, cause),"
    "  FOREIGN KEY (run_id, step) REFERENCES steps(run_id, step)"
    "    ON DELETE CASCADE) WITHOUT ROWID;"
    "PRAGMA user_version = 2;",

    /* 3: challenge attempts with their scores and designs, and hints
     * taken (attempt_id stays NULL until the next attempt claims them). */
    "CREATE TABLE attempts ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  saved_at TEXT NOT NULL,"
    "  challenge TEXT NOT NULL,"
    "  score INTEGER NOT NULL,"
    "  passed INTEGER NOT NULL,"
    "  seconds REAL NOT NULL,"
    "  hints INTEGER NOT NULL,"
    "  cost REAL NOT NULL,"
    "  capacity REAL NOT NULL,"
    "  version TEXT NOT NULL,"
    "  yaml TEXT NOT NULL);"
    "CREATE INDEX attempts_by_challenge ON attempts(challenge, score);"
    "CREATE TABLE hints ("
    "  id INTEGER PRIMARY KEY,"
    "  challenge TEXT NOT NULL,"
    "  taken_at TEXT NOT NULL,"
    "  attempt_id INTEGER REFERENCES attempts(id) ON DELETE SET NULL);"
    "CREATE INDEX hints_by_challenge ON hints(challenge, attempt_id);"
    "PRAGMA user_version = 3;",
};

_Static_assert(STORE_APP_ID == 1098015571, "migration 1 writes the id");

/* Run every statement of a script (constant text, no parameters). */
static int run_script(struct store *st, const char *sql)
{
    while (*sql) {
        sqlite3_stmt *stmt;
        const char *tail;
        int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, &tail);

        if (rc == SQLITE_OK && stmt) {
            rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE || rc == SQLITE_ROW)
                rc = SQLITE_OK;
        }
        if (rc != SQLITE_OK) {
            int status = store_fail(st, rc, "cannot upgrade");

            sqlite3_finalize(stmt);
            return status;
        }
        sqlite3_finalize(stmt);
        sql = tail;
    }
    return STORE_OK;
}

/*
 * Bring the schema to STORE_SCHEMA_VERSION in one transaction. The
 * version is read again under the write lock: another process may have
 * migrated (or created) the database while this one waited.
 */
static int migrate(struct store *st)
{
    long version = 0;
    int status = store_begin(st, true, "cannot upgrade");

    if (status == STORE_OK)
        status = identify(st, &version);
    for (long v = version; status == STORE_OK && v < STORE_SCHEMA_VERSION;
         v++)
        status = run_script(st, migrations[v]);
    if (status == STORE_OK)
        status = store_commit(st, "cannot upgrade");
    if (status != STORE_OK)
        store_rollback(st);
    return status;
}

/* One try at switching to WAL: SQLite's result code. */
static int try_wal(struct store *st)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1,
                                &stmt, NULL);

    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/*
 * WAL lets readers go on while one process writes. A read-only file
 * keeps whatever mode it has. Several archsims creating the same file
 * at once all try this switch, and SQLite answers a switch that would
 * wait on another process's lock with "busy" (or, when that process is
 * removing its rollback journal at that moment, an I/O error) at once,
 * without the busy timeout: try again for as long as that timeout.
 */
static int use_wal(struct store *st)
{
    long waited = 0, pause = 5;
    int rc;

    if (sqlite3_db_readonly(st->db, "main") == 1)
        return STORE_OK;
    while ((rc = try_wal(st)) != SQLITE_OK && waited < st->busy_ms) {
        int primary = rc & 0xff;

        if (primary != SQLITE_BUSY && primary != SQLITE_LOCKED &&
            primary != SQLITE_IOERR)
            break;
        sleep_ms(pause);
        waited += pause;
        if (pause < 100)
            pause *= 2;
    }
    return rc == SQLITE_OK ? STORE_OK : store_fail(st, rc, "cannot set up");
}

/* --- Opening ------------------------------------------------------------- */

/*
 * SQLite reports the errno of its last attempt, which after a failed
 * create is the read-only retry's "No such file": find the real reason.
 */
static int explain_cant_open(struct store *st, int status)
{
    char *dir = strdup(st->path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    const char *where = ".";

    if (!dir || access(st->path, F_OK) == 0) {
        free(dir);
        return status;              /* it exists: SQLite's word stands */
    }
    if (slash == dir)
        where = "/";
    else if (slash)
        *slash = '\0', where = dir;
    if (access(where, F_OK) != 0)
        status = store_failf(st, STORE_CANT_OPEN, "cannot create the "
                             "database '%s': no directory '%s' (%s)",
                             st->path, where, strerror(errno));
    else if (access(where, W_OK | X_OK) != 0)
        status = store_failf(st, STORE_READ_ONLY, "cannot create the "
                             "database '%s': the directory '%s' is "
                             "read-only (%s)", st->path, where,
                             strerror(errno));
    free(dir);
    return status;
}

/* SQLite's connection, hardened against a hostile file: no schema
 * (views, triggers) may call functions with side effects, and the
 * file's structure may not be written by SQL. */
static int open_connection(struct store *st)
{
    int rc = sqlite3_open_v2(st->path, &st->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             NULL);

    if (rc != SQLITE_OK) {
        int status = store_fail(st, rc, "cannot use the database");

        if (status == STORE_CANT_OPEN)
            status = explain_cant_open(st, status);
        sqlite3_close(st->db);
        st->db = NULL;
        return status;
    }
    /* These only set flags of a valid connection and cannot fail. */
    (void)sqlite3_extended_result_codes(st->db, 1);
    (void)sqlite3_busy_timeout(st->db, st->busy_ms);
    rc = sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
                               NULL);
    return rc == SQLITE_OK ? STORE_OK : store_fail(st, rc, "cannot set up");
}

/* Everything after the header check, in order. */
/*
 * Another archsim may be creating this very file: between its first
 * write and the end of its schema, a reader can see SQLite's own objects
 * without archsim's id. Judge again under the write lock, which waits for
 * that creation to finish, before calling the file foreign.
 */
static int identify_settled(struct store *st, long *version)
{
    int status = identify(st, version);

    if (status != STORE_FOREIGN || sqlite3_db_readonly(st->db, "main") == 1)
        return status;
    status = store_begin(st, true, "cannot use the database");
    if (status != STORE_OK)
        return status;
    status = identify(st, version);
    store_rollback(st);
    return status;
}

static int open_steps(struct store *st, unsigned flags)
{
    long version = 0;
    int status = STORE_OK;

    if (flags & STORE_MKDIR)
        status = make_parents(st);
    if (status == STORE_OK)
        status = check_header(st);
    if (status == STORE_OK)
        status = open_connection(st);
    if (status == STORE_OK)
        status = identify_settled(st, &version);
    if (status == STORE_OK)
        status = use_wal(st);
    if (status == STORE_OK && version < STORE_SCHEMA_VERSION)
        status = migrate(st);
    if (status == STORE_OK)
        status = store_exec(st, "PRAGMA foreign_keys = ON", "cannot set up");
    return status;
}

int store_open(struct store **out, const char *path, unsigned flags,
               char *err, size_t errlen)
{
    struct store *st = calloc(1, sizeof *st);
    int status;

    *out = NULL;
    if (!st || !(st->path = strdup(path))) {
        free(st);
        if (err)
            snprintf(err, errlen, "out of memory");
        return STORE_NO_MEMORY;
    }
    st->busy_ms = STORE_BUSY_MS;
    status = open_steps(st, flags);
    if (status != STORE_OK) {
        if (err)
            snprintf(err, errlen, "%s", st->err);
        store_close(st);
        return status;
    }
    *out = st;
    return STORE_OK;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    sqlite3_close(st->db);          /* every statement is finalized */
    free(st->path);
    free(st);
}

void store_set_busy_timeout(struct store *st, int ms)
{
    st->busy_ms = ms;
    (void)sqlite3_busy_timeout(st->db, ms);     /* cannot fail */
}

bool store_read_only(struct store *st)
{
    return sqlite3_db_readonly(st->db, "main") == 1;
}

struct sqlite3 *store_sqlite(struct store *st)
{
    return st->db;
}

/* --- Names --------------------------------------------------------------- */

/* Bytes in the UTF-8 character at p, or 0 if it is not one. Overlong
 * forms, surrogates and code points past U+10FFFF are refused. */
static int utf8_length(const unsigned char *p, uint32_t *cp)
{
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    int n = p[0] < 0x80 ? 1 : p[0] >= 0xf0 && p[0] < 0xf8 ? 4 :
            p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;

    if (n <= 1) {
        *cp = p[0];
        return n;
    }
    *cp = p[0] & (0x7f >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        *cp = *cp << 6 | (p[i] & 0x3f);
    }
    if (*cp < least[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp < 0xe000))
        return 0;
    return n;
}

const char *store_name_problem(const char *name)
{
    const unsigned char *p = (const unsigned char *)name;

    if (*p == '\0')
        return "is empty";
    if (strlen(name) >= NAME_BYTES)
        return "is longer than 255 bytes";
    while (*p) {
        uint32_t cp;
        int n = utf8_length(p, &cp);

        if (n == 0)
            return "is not valid UTF-8";
        if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
            return "contains a control character";
        p += n;
    }
    return NULL;
}

static int check_name(struct store *st, const char *name)
{
    const char *why = store_name_problem(name);

    if (!why)
        return STORE_OK;
    return store_failf(st, STORE_BAD_NAME, "the name %s; a name is 1 to "
                       "255 bytes of UTF-8 without control characters",
                       why);
}

/* --- Scenarios ----------------------------------------------------------- */

/* Run stmt to its end inside the caller's transaction; a unique name
 * taken gives STORE_EXISTS. */
static int step_write(struct store *st, sqlite3_stmt *stmt, const char *name,
                      const char *doing)
{
    int rc = sqlite3_step(stmt);

    if (rc == SQLITE_DONE)
        return STORE_OK;
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return store_failf(st, STORE_EXISTS, "a scenario named '%s' is "
                           "already saved", name);
    return store_fail(st, rc, doing);
}

/* One statement, written in its own IMMEDIATE transaction; *changed
 * gets the number of rows it changed. The statement is finalized. */
static int write_one(struct store *st, sqlite3_stmt *stmt, const char *name,
                     const char *doing, int *changed)
{
    int status = store_begin(st, true, doing);

    if (status == STORE_OK)
        status = step_write(st, stmt, name, doing);
    *changed = sqlite3_changes(st->db);
    sqlite3_finalize(stmt);
    if (status == STORE_OK)
        status = store_commit(st, doing);
    if (status != STORE_OK)
        store_rollback(st);
    return status;
}

static const char save_sql[] =
    "INSERT INTO scenarios (name, yaml, saved_at) VALUES (?1, ?2, ?3)";
static const char replace_sql[] =
    "INSERT INTO scenarios (name, yaml, saved_at) VALUES (?1, ?2, ?3)"
    " ON CONFLICT (name) DO UPDATE"
    " SET yaml = excluded.yaml, saved_at = excluded.saved_at";

int store_scenario_save(struct store *st, const char *name,
                        const struct scenario *sc, bool replace)
{
    const char *doing = "cannot save the scenario in";
    sqlite3_stmt *stmt = NULL;
    char *yaml = NULL;
    char now[24];
    int changed;
    int status = check_name(st, name);

    if (status != STORE_OK)
        return status;
    yaml = scenario_export_string(sc);
    if (!yaml)
        return store_failf(st, STORE_NO_MEMORY, "out of memory");
    store_now(now, sizeof now);
    status = store_prepare(st, &stmt, replace ? replace_sql : save_sql,
                           doing);
    if (status == STORE_OK)
        status = store_bind_texts(st, stmt, doing, 3, name, yaml, now);
    if (status == STORE_OK)
        status = write_one(st, stmt, name, doing, &changed);
    else
        sqlite3_finalize(stmt);
    free(yaml);
    return status;
}

int store_scenario_yaml(struct store *st, const char *name, char **yaml)
{
    sqlite3_stmt *stmt;
    int status = store_prepare(st, &stmt, "SELECT yaml FROM scenarios "
                               "WHERE name = ?1",
                               "cannot read the scenario from");
    int rc;

    *yaml = NULL;
    if (status == STORE_OK)
        status = store_bind_texts(st, stmt, "cannot read the scenario from",
                                  1, name);
    if (status != STORE_OK) {
        sqlite3_finalize(stmt);
        return status;
    }
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);

        *yaml = strdup(text ? text : "");
        if (!*yaml)
            status = store_failf(st, STORE_NO_MEMORY, "out of memory");
    } else if (rc == SQLITE_DONE) {
        status = store_failf(st, STORE_NOT_FOUND, "no scenario named '%s' "
                             "is saved", name);
    } else {
        status = store_fail(st, rc, "cannot read the scenario from");
    }
    sqlite3_finalize(stmt);
    return status;
}

int store_scenario_load(struct store *st, const char *name,
                        struct scenario *sc)
{
    char *yaml;
    char err[2048];
    int status = store_scenario_yaml(st, name, &yaml);

    scenario_init(sc);
    if (status != STORE_OK)
        return status;
    scenario_free(sc);
    if (scenario_load_buffer(sc, name, yaml, strlen(yaml), err,
                             sizeof err) < 0)
        status = store_failf(st, STORE_CORRUPT, "the saved scenario '%s' "
                             "in '%s' no longer loads: %s", name, st->path,
                             err);
    free(yaml);
    return status;
}

int store_grow(void **items, size_t *cap, size_t n, size_t size)
{
    size_t want = *cap ? *cap * 2 : 16;
    void *p;

    if (n < *cap)
        return 0;
    p = realloc(*items, want * size);
    if (!p)
        return -1;
    *items = p;
    *cap = want;
    return 0;
}

int store_scenario_list(struct store *st, struct store_scenario_list *out)
{
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc;
    int status = store_prepare(st, &stmt, "SELECT id, name, saved_at FROM "
                               "scenarios ORDER BY name",
                               "cannot read the scenarios from");

    memset(out, 0, sizeof *out);
    if (status != STORE_OK)
        return status;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct store_scenario_info *it;

        if (store_grow((void **)&out->items, &cap, out->n, sizeof *it) < 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        it = &out->items[out->n++];
        it->id = sqlite3_column_int64(stmt, 0);
        store_column_text(stmt, 1, it->name, sizeof it->name);
        store_column_text(stmt, 2, it->saved_at, sizeof it->saved_at);
    }
    if (rc != SQLITE_DONE)
        status = rc == SQLITE_NOMEM
                 ? store_failf(st, STORE_NO_MEMORY, "out of memory")
                 : store_fail(st, rc, "cannot read the scenarios from");
    sqlite3_finalize(stmt);
    if (status != STORE_OK)
        store_scenario_list_free(out);
    return status;
}

void store_scenario_list_free(struct store_scenario_list *list)
{
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

int store_scenario_rename(struct store *st, const char *from,
                          const char *to)
{
    const char *doing = "cannot rename the scenario in";
    sqlite3_stmt *stmt;
    int changed = 0;
    int status = check_name(st, to);

    if (status == STORE_OK)
        status = store_prepare(st, &stmt, "UPDATE scenarios SET name = ?2 "
                               "WHERE name = ?1", doing);
    if (status != STORE_OK)
        return status;
    status = store_bind_texts(st, stmt, doing, 2, from, to);
    if (status != STORE_OK) {
        sqlite3_finalize(stmt);
        return status;
    }
    status = write_one(st, stmt, to, doing, &changed);
    if (status == STORE_OK && changed == 0)
        status = store_failf(st, STORE_NOT_FOUND, "no scenario named '%s' "
                             "is saved", from);
    return status;
}

int store_scenario_delete(struct store *st, const char *name)
{
    const char *doing = "cannot delete the scenario from";
    sqlite3_stmt *stmt;
    int changed = 0;
    int status = store_prepare(st, &stmt, "DELETE FROM scenarios "
                               "WHERE name = ?1", doing);

    if (status != STORE_OK)
        return status;
    status = store_bind_texts(st, stmt, doing, 1, name);
    if (status != STORE_OK) {
        sqlite3_finalize(stmt);
        return status;
    }
    status = write_one(st, stmt, name, doing, &changed);
    if (status == STORE_OK && changed == 0)
        status = store_failf(st, STORE_NOT_FOUND, "no scenario named '%s' "
                             "is saved", name);
    return status;
}
