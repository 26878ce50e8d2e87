/*
 * test_store.c - the database of saved work: where it is, what it
 * refuses (a text file, another program's database, a newer schema) and
 * leaves byte for byte as it was, migration from schema 1, scenarios by
 * name (the D4 names among them), runs read back figure for figure, and
 * the faults: a read-only directory and file, a full disk, a lock held
 * too long, a corrupt file, two processes writing at once and a process
 * killed with SIGKILL in the middle of a save.
 *
 * Every database lives in a fresh temporary directory; the user's own
 * data directory is never touched. Cases D1-D4 are those of the shared
 * list of cases from users. Tests run from the top of the repository.
 */
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ramp.h"
#include "report.h"
#include "scenario_yaml.h"
#include "store.h"

#define NOBODY 65534
#define STAGE1 "data/scenarios/stage-1-single-server.yaml"
#define STAGE9 "data/scenarios/stage-9-observability.yaml"

static const char *const d4_names[] = {
    "O'Brien's shop", "\"; DROP TABLE runs; --", "caf\xc3\xa9 \xe2\x98\x95",
};

/* --- Fixture: a temporary directory per test ----------------------------- */

struct fixture {
    char dir[64];
    char db[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/archsim-store-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/archsim.db", f->dir);
    *state = f;
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
                        struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    chmod(f->dir, 0700);            /* a test may have made it read-only */
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* --- Helpers ------------------------------------------------------------- */

static struct store *open_ok(const char *path)
{
    struct store *st = NULL;
    char err[1024] = "";
    int status = store_open(&st, path, 0, err, sizeof err);

    if (status != STORE_OK)
        fail_msg("store_open(%s) = %d: %s", path, status, err);
    return st;
}

static void load_ok(struct scenario *sc, const char *path)
{
    char err[2048];

    if (scenario_load_file(sc, path, err, sizeof err) < 0)
        fail_msg("%s", err);
}

/* The whole file, malloc'd, its size in *len; NULL if unreadable. */
static char *slurp(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    char *buf = NULL;
    long size;

    if (!in)
        return NULL;
    if (fseek(in, 0, SEEK_END) == 0 && (size = ftell(in)) >= 0 &&
        fseek(in, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1)) &&
        fread(buf, 1, (size_t)size, in) == (size_t)size) {
        buf[size] = '\0';
        *len = (size_t)size;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(in);
    return buf;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *out = fopen(path, "wb");

    assert_non_null(out);
    assert_int_equal(fwrite(data, 1, len, out), len);
    assert_int_equal(fclose(out), 0);
}

/* Open path with SQLite directly, for what the store does not offer. */
static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK)
        fail_msg("sqlite3_open_v2(%s): %s", path, sqlite3_errmsg(db));
    sqlite3_busy_timeout(db, 10000);
    return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fail_msg("%s: %s", sql, err ? err : "?");
        sqlite3_free(err);
    }
}

static sqlite3_int64 raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    sqlite3_int64 v;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

static void raw_text(sqlite3 *db, const char *sql, char *buf, size_t len)
{
    sqlite3_stmt *stmt;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    snprintf(buf, len, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
}

static void assert_contains(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("'%s' not in '%s'", part, text);
}

/*
 * A ramp result with a different value in every figure, so that a
 * figure written to one column and read from another cannot pass.
 */
static void fake_result(struct ramp_result *res, int nsteps, int ncomp)
{
    memset(res, 0, sizeof *res);
    res->nsteps = nsteps;
    res->steps = calloc((size_t)nsteps, sizeof *res->steps);
    assert_non_null(res->steps);
    res->ncomponents = ncomp;
    res->capacity = 1234.5;
    res->first_broken = nsteps - 1;
    res->cost = 99.25;
    res->budget_ok = true;
    res->simulated = 123456789012LL;
    res->events = 987654321ULL;
    for (int i = 0; i < nsteps; i++) {
        struct step_result *st = &res->steps[i];

        st->users = 10.0 * (i + 1);
        st->offered = 1.5 + i;
        st->completed = 1.25 + i;
        st->error_frac = 0.001 * i;
        st->samples = 1000u + (unsigned)i;
        st->p50 = 1000000 + i;
        st->p95 = 2000000 + i;
        st->p99 = 3000000 + i;
        st->p99_lo = st->p99 - 5;
        st->p99_hi = st->p99 + 5;
        st->p99_known = i % 2 == 1;
        for (int k = 0; k < REQ_KIND_COUNT; k++)
            st->kind_p99[k] = 4000000 + 10 * k + i;
        for (int k = 0; k < ERR_CAUSE_COUNT; k++)
            st->by_cause[k] = k == 0 ? 0 : (uint64_t)(7 * k + i);
        st->window = 5000000000LL + i;
        st->bottleneck = i % ncomp;
        st->bottleneck_util = 0.5 + 0.001 * i;
        st->holds = i != nsteps - 1;
        st->broken = st->holds ? NULL : "p99";
        st->comps = calloc((size_t)ncomp, sizeof *st->comps);
        assert_non_null(st->comps);
        for (int c = 0; c < ncomp; c++) {
            struct comp_result *cr = &st->comps[c];
            double x = 0.1 + 0.01 * c + 0.0001 * i;

            cr->util = x;
            cr->cpu = x + 1;
            cr->pool = x + 2;
            cr->lock = x + 3;
            cr->waiting = x + 4;
            cr->arrivals = x + 5;
            cr->throughput = x + 6;
            cr->errors = x + 7;
            cr->mean = x + 8;
            cr->p50 = 100 + c + i;
            cr->p95 = 200 + c + i;
            cr->p99 = 300 + c + i;
            cr->hit_ratio = c % 2 ? -1 : x / 10;
            cr->lag_mean = x + 9;
            cr->lag_max = x + 10;
            cr->depth = x + 11;
            cr->oldest = x + 12;
            cr->instances = 1 + c;
            for (int k = 0; k < ERR_CAUSE_COUNT; k++)
                cr->by_cause[k] = (uint64_t)((k + c + i) % 3 ? k + c + i : 0);
        }
    }
    res->target_holds = false;
}

/* The same bits in one field of two structs. */
#define SAME(a, b, field) \
    assert_memory_equal(&(a)->field, &(b)->field, sizeof (a)->field)

static void assert_same_comp(const struct comp_result *a,
                             const struct comp_result *b)
{
    SAME(a, b, util); SAME(a, b, cpu); SAME(a, b, pool); SAME(a, b, lock);
    SAME(a, b, waiting); SAME(a, b, arrivals); SAME(a, b, throughput);
    SAME(a, b, errors); SAME(a, b, by_cause); SAME(a, b, mean);
    SAME(a, b, p50); SAME(a, b, p95); SAME(a, b, p99);
    SAME(a, b, hit_ratio); SAME(a, b, lag_mean); SAME(a, b, lag_max);
    SAME(a, b, depth); SAME(a, b, oldest); SAME(a, b, instances);
}

static void assert_same_step(const struct step_result *a,
                             const struct step_result *b, int ncomp)
{
    SAME(a, b, users); SAME(a, b, offered); SAME(a, b, completed);
    SAME(a, b, error_frac); SAME(a, b, samples); SAME(a, b, p50);
    SAME(a, b, p95); SAME(a, b, p99); SAME(a, b, p99_lo);
    SAME(a, b, p99_hi); SAME(a, b, p99_known); SAME(a, b, kind_p99);
    SAME(a, b, by_cause); SAME(a, b, window); SAME(a, b, bottleneck);
    SAME(a, b, bottleneck_util); SAME(a, b, holds);
    if (a->broken || b->broken) {
        assert_non_null(a->broken);
        assert_non_null(b->broken);
        assert_string_equal(a->broken, b->broken);
    }
    for (int c = 0; c < ncomp; c++)
        assert_same_comp(&a->comps[c], &b->comps[c]);
}

static void assert_same_result(const struct ramp_result *a,
                               const struct ramp_result *b)
{
    SAME(a, b, nsteps); SAME(a, b, ncomponents); SAME(a, b, capacity);
    SAME(a, b, first_broken); SAME(a, b, cost); SAME(a, b, budget_ok);
    SAME(a, b, target_holds); SAME(a, b, simulated); SAME(a, b, events);
    for (int i = 0; i < a->nsteps; i++)
        assert_same_step(&a->steps[i], &b->steps[i], a->ncomponents);
}

/* Run fn(arg) in a child process. Returns its exit status, or 128 plus
 * the signal that ended it. The child never returns into cmocka. */
static int in_child(int (*fn)(void *arg), void *arg)
{
    int wstatus;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(fn(arg));
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
                              : 128 + WTERMSIG(wstatus);
}

/* In a child: become an unprivileged user, since root ignores file
 * permissions (tests run as root in CI). */
static bool become_nobody(void)
{
    if (geteuid() != 0)
        return true;
    return setgroups(0, NULL) == 0 && setgid(NOBODY) == 0 &&
           setuid(NOBODY) == 0;
}

/* --- Where the database is ----------------------------------------------- */

static void test_path_prefers_option_then_env_then_xdg_then_home(void **s)
{
    char buf[256];
    bool dflt;

    (void)s;
    setenv("ARCHSIM_DB", "/env/a.db", 1);
    setenv("XDG_DATA_HOME", "/xdg", 1);
    setenv("HOME", "/home/u", 1);
    assert_int_equal(store_path("/opt/b.db", buf, sizeof buf, &dflt), 0);
    assert_string_equal(buf, "/opt/b.db");
    assert_false(dflt);
    assert_int_equal(store_path(NULL, buf, sizeof buf, &dflt), 0);
    assert_string_equal(buf, "/env/a.db");
    assert_false(dflt);

    setenv("ARCHSIM_DB", "", 1);        /* empty counts as unset */
    assert_int_equal(store_path(NULL, buf, sizeof buf, &dflt), 0);
    assert_string_equal(buf, "/xdg/archsim/archsim.db");
    assert_true(dflt);

    setenv("XDG_DATA_HOME", "relative", 1);   /* XDG: ignore relative */
    assert_int_equal(store_path(NULL, buf, sizeof buf, &dflt), 0);
    assert_string_equal(buf, "/home/u/.local/share/archsim/archsim.db");
    assert_true(dflt);

    unsetenv("HOME");
    unsetenv("XDG_DATA_HOME");
    assert_int_equal(store_path(NULL, buf, sizeof buf, &dflt), -1);
    assert_int_equal(store_path(NULL, buf, 8, &dflt), -1);
    unsetenv("ARCHSIM_DB");
}

/* --- Opening, and what is refused ---------------------------------------- */

static void test_open_creates_schema_in_wal_mode(void **state)
{
    struct fixture *f = *state;
    char path[256], mode[16];
    struct store *st = NULL;
    struct stat sb;
    sqlite3 *db;

    snprintf(path, sizeof path, "%s/new/dir/archsim.db", f->dir);
    assert_int_equal(store_open(&st, path, STORE_MKDIR, NULL, 0), STORE_OK);
    store_close(st);

    snprintf(path, sizeof path, "%s/new/dir", f->dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);  /* private, as XDG asks */
    snprintf(path, sizeof path, "%s/new/dir/archsim.db", f->dir);
    db = raw_open(path);
    assert_int_equal(raw_int(db, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_int_equal(raw_int(db, "PRAGMA application_id"), STORE_APP_ID);
    raw_text(db, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    sqlite3_close(db);
}

static void test_open_missing_directory_says_so(void **state)
{
    struct fixture *f = *state;
    char path[256], err[1024] = "";
    struct store *st = (struct store *)1;

    snprintf(path, sizeof path, "%s/absent/archsim.db", f->dir);
    assert_int_equal(store_open(&st, path, 0, err, sizeof err),
                     STORE_CANT_OPEN);
    assert_null(st);
    assert_contains(err, "no directory");
    assert_true(store_unusable(STORE_CANT_OPEN));
    assert_false(store_unusable(STORE_NOT_FOUND));
}

/* D2: a plain text file is not ours, and stays as it was. */
static void test_text_file_refused_untouched(void **state)
{
    struct fixture *f = *state;
    static const char text[] = "shopping list\nmilk\n";
    char err[1024] = "";
    struct store *st;
    size_t len;
    char *after;

    write_file(f->db, text, sizeof text - 1);
    assert_int_equal(store_open(&st, f->db, 0, err, sizeof err),
                     STORE_FOREIGN);
    assert_contains(err, "not an archsim database");
    after = slurp(f->db, &len);
    assert_non_null(after);
    assert_int_equal(len, sizeof text - 1);
    assert_memory_equal(after, text, len);
    free(after);
}

static void test_other_programs_database_refused_untouched(void **state)
{
    struct fixture *f = *state;
    char err[1024] = "";
    struct store *st;
    char *before, *after;
    size_t n1, n2;
    sqlite3 *db = raw_open(f->db);

    raw_exec(db, "CREATE TABLE notes (body TEXT); "
                 "INSERT INTO notes VALUES ('mine')");
    sqlite3_close(db);
    before = slurp(f->db, &n1);
    assert_int_equal(store_open(&st, f->db, 0, err, sizeof err),
                     STORE_FOREIGN);
    assert_contains(err, "not an archsim database");
    after = slurp(f->db, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
}

/* D3: a newer schema is refused, and the file is not changed. */
static void test_newer_schema_refused_untouched(void **state)
{
    struct fixture *f = *state;
    char err[1024] = "";
    struct store *st = open_ok(f->db);
    char *before, *after;
    size_t n1, n2;
    sqlite3 *db;

    store_close(st);
    db = raw_open(f->db);
    raw_exec(db, "PRAGMA user_version = 99");
    sqlite3_close(db);
    before = slurp(f->db, &n1);
    assert_int_equal(store_open(&st, f->db, 0, err, sizeof err),
                     STORE_NEWER);
    assert_null(st);
    assert_contains(err, "newer archsim");
    assert_contains(err, "schema 99");
    after = slurp(f->db, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
}

/* A directory or a pipe is refused at once; a pipe is not waited on. */
static void test_not_a_regular_file_refused(void **state)
{
    struct fixture *f = *state;
    char err[1024] = "";
    struct store *st;

    assert_int_equal(store_open(&st, f->dir, 0, err, sizeof err),
                     STORE_FOREIGN);
    assert_contains(err, "not a regular file");
    assert_int_equal(mkfifo(f->db, 0600), 0);
    assert_int_equal(store_open(&st, f->db, 0, err, sizeof err),
                     STORE_FOREIGN);
    assert_contains(err, "not a regular file");
}

static void test_empty_file_becomes_database(void **state)
{
    struct fixture *f = *state;
    struct store *st;

    write_file(f->db, "", 0);
    st = open_ok(f->db);
    assert_int_equal(store_read_only(st), false);
    store_close(st);
}

/* --- Migration ----------------------------------------------------------- */

/* Schema 1 as archsim first wrote it: kept here, frozen, so that a
 * change to the store's own copy cannot hide a broken migration. */
static const char schema_1[] =
    "CREATE TABLE scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
    "UNIQUE, yaml TEXT NOT NULL, saved_at TEXT NOT NULL);"
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, saved_at "
    "TEXT NOT NULL, scenario TEXT NOT NULL, yaml TEXT NOT NULL, seed "
    "INTEGER NOT NULL, version TEXT NOT NULL, nsteps INTEGER NOT NULL, "
    "ncomponents INTEGER NOT NULL, capacity REAL NOT NULL, first_broken "
    "INTEGER NOT NULL, cost REAL NOT NULL, budget_ok INTEGER NOT NULL, "
    "target_holds INTEGER NOT NULL, simulated_ns INTEGER NOT NULL, events "
    "INTEGER NOT NULL);"
    "CREATE TABLE steps (run_id INTEGER NOT NULL REFERENCES runs(id) ON "
    "DELETE CASCADE, step INTEGER NOT NULL, users REAL NOT NULL, offered "
    "REAL NOT NULL, completed REAL NOT NULL, error_frac REAL NOT NULL, "
    "samples INTEGER NOT NULL, p50_ns INTEGER NOT NULL, p95_ns INTEGER NOT "
    "NULL, p99_ns INTEGER NOT NULL, p99_lo_ns INTEGER NOT NULL, p99_hi_ns "
    "INTEGER NOT NULL, p99_known INTEGER NOT NULL, window_ns INTEGER NOT "
    "NULL, bottleneck INTEGER NOT NULL, bottleneck_util REAL NOT NULL, "
    "holds INTEGER NOT NULL, broken TEXT, PRIMARY KEY (run_id, step)) "
    "WITHOUT ROWID;"
    "PRAGMA application_id = 1098015571;"
    "PRAGMA user_version = 1;";

/* A schema-1 database with one scenario and one run of two steps. */
static void make_schema_1(const char *path, const char *yaml)
{
    sqlite3 *db = raw_open(path);
    sqlite3_stmt *stmt;

    raw_exec(db, schema_1);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO scenarios (name, "
                     "yaml, saved_at) VALUES ('old one', ?1, "
                     "'2024-01-01 00:00:00')", -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_text(stmt, 1, yaml, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO runs VALUES (1, "
                     "'2024-01-02 03:04:05', 'stage-1-single-server', ?1, "
                     "42, '0.0.9', 2, 2, 150.0, 1, 130.5, 1, 0, 999, 12345)",
                     -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_text(stmt, 1, yaml, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    raw_exec(db, "INSERT INTO steps VALUES (1, 0, 100, 10, 9.5, 0.0, 950, "
                 "1000000, 2000000, 3000000, 2900000, 3100000, 1, 60000, 0, "
                 "0.4, 1, NULL);"
                 "INSERT INTO steps VALUES (1, 1, 200, 20, 15, 0.25, 1500, "
                 "1000000, 2000000, 900000000, 800000000, 990000000, 1, "
                 "60000, 1, 0.99, 0, 'errors');");
    sqlite3_close(db);
}

static void test_migrates_schema_1_keeping_its_data(void **state)
{
    struct fixture *f = *state;
    struct scenario sc;
    struct store_run run;
    struct store *st;
    char *yaml = NULL;
    char *export;
    char ok[8];
    sqlite3 *db;

    load_ok(&sc, STAGE1);
    export = scenario_export_string(&sc);
    assert_non_null(export);
    make_schema_1(f->db, export);

    st = open_ok(f->db);
    assert_int_equal(store_scenario_yaml(st, "old one", &yaml), STORE_OK);
    assert_string_equal(yaml, export);
    assert_int_equal(store_run_get(st, 1, &run), STORE_OK);
    assert_false(run.detailed);
    assert_int_equal(run.info.seed, 42);
    assert_string_equal(run.info.version, "0.0.9");
    assert_int_equal(run.result.nsteps, 2);
    assert_true(run.result.steps[1].error_frac == 0.25);
    assert_int_equal(run.result.steps[1].p99, 900000000);
    assert_string_equal(run.result.steps[1].broken, "errors");
    assert_int_equal(run.result.first_broken, 1);
    assert_true(run.result.steps[0].comps[1].hit_ratio < 0);
    store_run_free(&run);

    /* The new schema's tables work on the migrated file. */
    {
        struct ramp_result res;
        int64_t id = 0;

        fake_result(&res, 3, sc.ncomponents);
        assert_int_equal(store_run_save(st, &sc, 7, "test", &res, &id),
                         STORE_OK);
        assert_int_equal(id, 2);
        assert_int_equal(store_run_get(st, id, &run), STORE_OK);
        assert_true(run.detailed);
        assert_same_result(&res, &run.result);
        store_run_free(&run);
        ramp_result_free(&res);
    }
    store_close(st);

    db = raw_open(f->db);
    assert_int_equal(raw_int(db, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM runs"), 2);
    raw_text(db, "PRAGMA integrity_check", ok, sizeof ok);
    assert_string_equal(ok, "ok");
    sqlite3_close(db);
    free(yaml);
    free(export);
    scenario_free(&sc);
}

/* --- Scenarios ----------------------------------------------------------- */

/* D4: quotes, SQL and non-ASCII letters are names like any other. */
static void test_d4_names_saved_listed_reopened_exactly(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct store_scenario_list list;
    struct scenario sc, back;
    char *yaml;
    sqlite3 *db;

    load_ok(&sc, STAGE1);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(store_scenario_save(st, d4_names[i], &sc, false),
                         STORE_OK);
    store_close(st);

    st = open_ok(f->db);                /* "save, quit, reopen" */
    assert_int_equal(store_scenario_list(st, &list), STORE_OK);
    assert_int_equal(list.n, 3);
    /* Sorted by their bytes: '"' < 'O' < 'c'. */
    assert_string_equal(list.items[0].name, d4_names[1]);
    assert_string_equal(list.items[1].name, d4_names[0]);
    assert_string_equal(list.items[2].name, d4_names[2]);
    assert_int_equal(strlen(list.items[1].saved_at), 19);
    store_scenario_list_free(&list);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(store_scenario_load(st, d4_names[i], &back),
                         STORE_OK);
        assert_string_equal(back.name, sc.name);
        assert_int_equal(back.ncomponents, sc.ncomponents);
        scenario_free(&back);
    }
    assert_int_equal(store_scenario_rename(st, d4_names[2], "caf\xc3\xa9"),
                     STORE_OK);
    assert_int_equal(store_scenario_yaml(st, "caf\xc3\xa9", &yaml),
                     STORE_OK);
    free(yaml);
    assert_int_equal(store_scenario_yaml(st, d4_names[2], &yaml),
                     STORE_NOT_FOUND);
    assert_null(yaml);
    store_close(st);

    /* The runs table the second name talks about is still there. */
    db = raw_open(f->db);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM runs"), 0);
    sqlite3_close(db);
    scenario_free(&sc);
}

static void test_bad_names_refused(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct scenario sc;
    char longest[NAME_BYTES];
    const char *bad[] = {"", "tab\there", "line\nbreak", "\xff\xfe",
                         "\xc0\xaf", "esc\x1b[2J"};

    load_ok(&sc, STAGE1);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_non_null(store_name_problem(bad[i]));
        assert_int_equal(store_scenario_save(st, bad[i], &sc, false),
                         STORE_BAD_NAME);
    }
    memset(longest, 'x', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    assert_int_equal(store_scenario_save(st, longest, &sc, false), STORE_OK);
    assert_int_equal(store_scenario_save(st, "ok", &sc, false), STORE_OK);
    assert_int_equal(store_scenario_rename(st, "ok", "a\x7f"),
                     STORE_BAD_NAME);
    {
        char too_long[NAME_BYTES + 1];

        memset(too_long, 'y', NAME_BYTES);
        too_long[NAME_BYTES] = '\0';
        assert_string_equal(store_name_problem(too_long),
                            "is longer than 255 bytes");
    }
    scenario_free(&sc);
    store_close(st);
}

static void test_save_existing_name_needs_replace(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct scenario one, nine;
    char *yaml, *want;

    load_ok(&one, STAGE1);
    load_ok(&nine, STAGE9);
    assert_int_equal(store_scenario_save(st, "mine", &one, false), STORE_OK);
    assert_int_equal(store_scenario_save(st, "mine", &nine, false),
                     STORE_EXISTS);
    assert_contains(store_errmsg(st), "already saved");
    assert_int_equal(store_scenario_yaml(st, "mine", &yaml), STORE_OK);
    want = scenario_export_string(&one);
    assert_string_equal(yaml, want);        /* unchanged by the refusal */
    free(yaml);
    free(want);

    assert_int_equal(store_scenario_save(st, "mine", &nine, true), STORE_OK);
    assert_int_equal(store_scenario_yaml(st, "mine", &yaml), STORE_OK);
    want = scenario_export_string(&nine);
    assert_string_equal(yaml, want);
    free(yaml);
    free(want);
    scenario_free(&one);
    scenario_free(&nine);
    store_close(st);
}

static void test_rename_and_delete_report_what_is_wrong(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct store_scenario_list list;
    struct scenario sc;

    load_ok(&sc, STAGE1);
    assert_int_equal(store_scenario_save(st, "a", &sc, false), STORE_OK);
    assert_int_equal(store_scenario_save(st, "b", &sc, false), STORE_OK);
    assert_int_equal(store_scenario_rename(st, "zz", "c"), STORE_NOT_FOUND);
    assert_contains(store_errmsg(st), "'zz'");
    assert_int_equal(store_scenario_rename(st, "a", "b"), STORE_EXISTS);
    assert_int_equal(store_scenario_delete(st, "zz"), STORE_NOT_FOUND);
    assert_int_equal(store_scenario_delete(st, "a"), STORE_OK);
    assert_int_equal(store_scenario_delete(st, "a"), STORE_NOT_FOUND);
    assert_int_equal(store_scenario_list(st, &list), STORE_OK);
    assert_int_equal(list.n, 1);
    assert_string_equal(list.items[0].name, "b");
    store_scenario_list_free(&list);
    scenario_free(&sc);
    store_close(st);
}

/* A stored scenario is the file after one normalising export, and
 * exporting what is stored gives the same bytes again. */
static void test_stored_scenarios_match_their_export(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    glob_t files;

    assert_int_equal(glob("data/scenarios/*.yaml", 0, NULL, &files), 0);
    assert_true(files.gl_pathc >= 9);
    for (size_t i = 0; i < files.gl_pathc; i++) {
        struct scenario sc, back;
        char *want, *yaml, *again;

        load_ok(&sc, files.gl_pathv[i]);
        want = scenario_export_string(&sc);
        assert_int_equal(store_scenario_save(st, files.gl_pathv[i], &sc,
                                             false), STORE_OK);
        assert_int_equal(store_scenario_yaml(st, files.gl_pathv[i], &yaml),
                         STORE_OK);
        assert_string_equal(yaml, want);
        assert_int_equal(store_scenario_load(st, files.gl_pathv[i], &back),
                         STORE_OK);
        again = scenario_export_string(&back);
        assert_string_equal(again, want);
        free(want);
        free(yaml);
        free(again);
        scenario_free(&sc);
        scenario_free(&back);
    }
    globfree(&files);
    store_close(st);
}

/* --- Runs ---------------------------------------------------------------- */

static void test_run_reads_back_every_figure(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct store_run_list list;
    struct ramp_result res;
    struct store_run run;
    struct scenario sc;
    char *want;
    int64_t id = 0;
    const uint64_t seed = 18446744073709551557ULL;  /* above 2^63 */

    load_ok(&sc, STAGE9);
    fake_result(&res, 7, sc.ncomponents);
    assert_int_equal(store_run_save(st, &sc, seed, "9.8.7", &res, &id),
                     STORE_OK);
    assert_int_equal(id, 1);
    assert_int_equal(store_run_get(st, id, &run), STORE_OK);
    assert_true(run.detailed);
    assert_true(run.info.seed == seed);
    assert_string_equal(run.info.version, "9.8.7");
    assert_string_equal(run.info.scenario, sc.name);
    assert_int_equal(run.info.nsteps, 7);
    assert_same_result(&res, &run.result);
    want = scenario_export_string(&sc);
    assert_string_equal(run.yaml, want);
    assert_int_equal(run.scenario.ncomponents, sc.ncomponents);
    free(want);
    store_run_free(&run);

    assert_int_equal(store_run_list(st, &list), STORE_OK);
    assert_int_equal(list.n, 1);
    assert_int_equal(list.items[0].id, 1);
    assert_true(list.items[0].capacity == 1234.5);
    assert_true(list.items[0].cost == 99.25);
    assert_false(list.items[0].target_holds);
    assert_int_equal(list.items[0].nsteps, 7);
    store_run_list_free(&list);

    assert_int_equal(store_run_get(st, 2, &run), STORE_NOT_FOUND);
    assert_contains(store_errmsg(st), "no run number 2");
    store_run_free(&run);
    ramp_result_free(&res);
    scenario_free(&sc);
    store_close(st);
}

static void test_run_with_wrong_components_refused(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct ramp_result res;
    struct scenario sc;

    load_ok(&sc, STAGE1);
    fake_result(&res, 2, sc.ncomponents + 1);
    assert_int_equal(store_run_save(st, &sc, 1, "x", &res, NULL),
                     STORE_BAD_DATA);
    ramp_result_free(&res);
    fake_result(&res, 2, sc.ncomponents);
    assert_int_equal(store_run_save(st, &sc, 1, NULL, &res, NULL),
                     STORE_BAD_DATA);
    ramp_result_free(&res);
    scenario_free(&sc);
    store_close(st);
}

/* A real ramp, saved and read back, prints the same JSON to the byte. */
static void test_real_run_prints_the_same_report(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct ramp_result res;
    struct store_run run;
    struct scenario sc;
    char *before = NULL, *after = NULL;
    size_t n1 = 0, n2 = 0;
    FILE *out;
    int64_t id;

    load_ok(&sc, STAGE1);
    sc.ramp.to = 300;
    sc.ramp.target = 300;
    assert_int_equal(ramp_run(&sc, 5, &res, NULL, NULL), 0);
    assert_int_equal(store_run_save(st, &sc, 5, "t", &res, &id), STORE_OK);
    assert_int_equal(store_run_get(st, id, &run), STORE_OK);

    /* Traces are not stored, so neither is where their time went: what
     * is stored must print the same as the run without that split. */
    for (int i = 0; i < res.nsteps; i++)
        for (int k = 0; k <= REQ_KIND_COUNT; k++) {
            attribution_free(&res.steps[i].attr[k]);
            res.steps[i].attr[k].ntraces = 0;
        }
    out = open_memstream(&before, &n1);
    assert_int_equal(report_write(out, FORMAT_JSON, &sc, 5, &res), 0);
    fclose(out);
    out = open_memstream(&after, &n2);
    assert_int_equal(report_write(out, FORMAT_JSON, &run.scenario,
                                  run.info.seed, &run.result), 0);
    fclose(out);
    assert_true(n1 > 1000);
    assert_string_equal(before, after);
    free(before);
    free(after);
    store_run_free(&run);
    ramp_result_free(&res);
    scenario_free(&sc);
    store_close(st);
}

/* --- Faults -------------------------------------------------------------- */

/* D1, in a child: no database can be made in a read-only directory. */
static int open_in_read_only_dir(void *arg)
{
    const char *path = arg;
    struct store *st;
    char err[1024];

    if (!become_nobody())
        return 10;
    if (store_open(&st, path, 0, err, sizeof err) != STORE_READ_ONLY)
        return 11;
    if (!strstr(err, "read-only"))
        return 12;
    return access(path, F_OK) == 0 ? 13 : 0;
}

static void test_read_only_directory_says_so(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(chmod(f->dir, 0555), 0);
    assert_int_equal(in_child(open_in_read_only_dir, f->db), 0);
}

/* In a child: a database it may read but not write. */
static int use_read_only_file(void *arg)
{
    const char *path = arg;
    struct store_scenario_list list;
    struct scenario sc;
    struct store *st;
    char err[1024];
    int rc = 0;

    if (!become_nobody())
        return 10;
    if (store_open(&st, path, 0, err, sizeof err) != STORE_OK)
        return 11;
    if (!store_read_only(st))
        rc = 12;
    else if (store_scenario_list(st, &list) != STORE_OK || list.n != 1)
        rc = 13;
    else if (scenario_load_file(&sc, STAGE1, err, sizeof err) < 0)
        rc = 14;
    else if (store_scenario_save(st, "more", &sc, false) != STORE_READ_ONLY)
        rc = 15;
    else if (!strstr(store_errmsg(st), "read-only"))
        rc = 16;
    store_close(st);
    return rc;
}

static void test_read_only_file_reads_but_refuses_writes(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct scenario sc;
    char *before, *after;
    size_t n1, n2;

    load_ok(&sc, STAGE1);
    assert_int_equal(store_scenario_save(st, "kept", &sc, false), STORE_OK);
    scenario_free(&sc);
    store_close(st);

    /* The directory is the other user's, the file stays root's. */
    assert_int_equal(chmod(f->dir, 0777), 0);
    assert_int_equal(chmod(f->db, 0644), 0);
    before = slurp(f->db, &n1);
    if (geteuid() != 0)
        assert_int_equal(chmod(f->db, 0444), 0);
    assert_int_equal(in_child(use_read_only_file, f->db), 0);
    after = slurp(f->db, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(before, after, n1);
    free(before);
    free(after);
}

/* A full disk, as SQLite's page limit: the save fails whole, what was
 * there stays, and the connection goes on working. */
static void test_full_disk_fails_the_save_whole(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct store_run_list list;
    struct ramp_result res;
    struct scenario sc;
    sqlite3 *db = store_sqlite(st);
    char sql[64];
    char *yaml;

    load_ok(&sc, STAGE9);
    assert_int_equal(store_scenario_save(st, "before", &sc, false),
                     STORE_OK);
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
             (long long)raw_int(db, "PRAGMA page_count"));
    raw_exec(db, sql);

    fake_result(&res, 50, sc.ncomponents);
    assert_int_equal(store_run_save(st, &sc, 1, "t", &res, NULL),
                     STORE_FULL);
    assert_contains(store_errmsg(st), "full");
    assert_int_equal(store_run_list(st, &list), STORE_OK);
    assert_int_equal(list.n, 0);
    store_run_list_free(&list);
    assert_int_equal(store_scenario_yaml(st, "before", &yaml), STORE_OK);
    free(yaml);

    raw_exec(db, "PRAGMA max_page_count = 1073741823");
    assert_int_equal(store_run_save(st, &sc, 1, "t", &res, NULL), STORE_OK);
    ramp_result_free(&res);
    scenario_free(&sc);
    store_close(st);
}

/* Another process keeps the write lock past the timeout. */
static void test_lock_held_too_long_says_locked(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct scenario sc;
    sqlite3 *other = raw_open(f->db);
    struct timespec t0, t1;
    double waited;

    load_ok(&sc, STAGE1);
    raw_exec(other, "BEGIN IMMEDIATE");
    store_set_busy_timeout(st, 200);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(store_scenario_save(st, "x", &sc, false),
                     STORE_LOCKED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    waited = (double)(t1.tv_sec - t0.tv_sec) +
             (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(waited >= 0.15);        /* it waited before giving up */
    assert_contains(store_errmsg(st), "locked");
    raw_exec(other, "COMMIT");
    assert_int_equal(store_scenario_save(st, "x", &sc, false), STORE_OK);
    sqlite3_close(other);
    scenario_free(&sc);
    store_close(st);
}

/* A corrupt file: a clear message, never a crash. */
static void test_corrupt_file_says_damaged(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct store_scenario_list list;
    struct ramp_result res;
    struct scenario sc;
    char err[1024] = "";
    char junk[4096];
    int status;
    FILE *io;

    load_ok(&sc, STAGE9);
    for (int i = 0; i < 20; i++) {
        char name[16];

        snprintf(name, sizeof name, "s%d", i);
        assert_int_equal(store_scenario_save(st, name, &sc, false),
                         STORE_OK);
    }
    store_close(st);

    /* Keep page 1 (the header and schema), scribble over the rest. */
    memset(junk, 0x5a, sizeof junk);
    io = fopen(f->db, "r+b");
    assert_non_null(io);
    assert_int_equal(fseek(io, 4096, SEEK_SET), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(fwrite(junk, 1, sizeof junk, io), sizeof junk);
    assert_int_equal(fclose(io), 0);

    status = store_open(&st, f->db, 0, err, sizeof err);
    if (status != STORE_OK) {
        assert_int_equal(status, STORE_CORRUPT);
        assert_contains(err, "damaged");
        scenario_free(&sc);
        return;
    }
    assert_int_equal(store_scenario_list(st, &list), STORE_CORRUPT);
    assert_contains(store_errmsg(st), "damaged");
    fake_result(&res, 3, sc.ncomponents);
    assert_int_equal(store_run_save(st, &sc, 1, "t", &res, NULL),
                     STORE_CORRUPT);
    ramp_result_free(&res);
    scenario_free(&sc);
    store_close(st);
}

/* --- Processes ----------------------------------------------------------- */

struct writer_job {
    const char *path;
    int who;
};

/* In a child: open (maybe creating) the database and save 5 scenarios
 * and 10 runs under names of its own. */
static int write_many(void *arg)
{
    const struct writer_job *job = arg;
    struct ramp_result res;
    struct scenario sc;
    struct store *st;
    char err[1024];
    int rc = 0;

    if (scenario_load_file(&sc, STAGE1, err, sizeof err) < 0)
        return 10;
    if (store_open(&st, job->path, 0, err, sizeof err) != STORE_OK) {
        fprintf(stderr, "writer %d: %s\n", job->who, err);
        return 11;
    }
    fake_result(&res, 20, sc.ncomponents);
    for (int i = 0; rc == 0 && i < 10; i++) {
        char name[32];

        snprintf(name, sizeof name, "w%d-%d", job->who, i);
        if (i < 5 && store_scenario_save(st, name, &sc, false) != STORE_OK)
            rc = 12;
        else if (store_run_save(st, &sc, (uint64_t)job->who, "t", &res,
                                NULL) != STORE_OK)
            rc = 13;
        if (rc)
            fprintf(stderr, "writer %d: %s\n", job->who, store_errmsg(st));
    }
    ramp_result_free(&res);
    scenario_free(&sc);
    store_close(st);
    return rc;
}

static void test_four_processes_write_at_once(void **state)
{
    struct fixture *f = *state;
    struct writer_job jobs[4];
    pid_t pids[4];
    struct store *st;
    struct store_run_list list;
    sqlite3 *db;
    char ok[8];

    /* All four start on a file that does not exist yet. */
    fflush(NULL);
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct writer_job){f->db, i};
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0)
            _exit(write_many(&jobs[i]));
    }
    for (int i = 0; i < 4; i++) {
        int ws;

        assert_int_equal(waitpid(pids[i], &ws, 0), pids[i]);
        assert_true(WIFEXITED(ws));
        assert_int_equal(WEXITSTATUS(ws), 0);
    }
    st = open_ok(f->db);
    assert_int_equal(store_run_list(st, &list), STORE_OK);
    assert_int_equal(list.n, 40);
    for (size_t i = 0; i < list.n; i++) {
        struct store_run run;

        assert_int_equal(list.items[i].id, (int64_t)i + 1);
        assert_int_equal(store_run_get(st, list.items[i].id, &run),
                         STORE_OK);
        assert_int_equal(run.result.nsteps, 20);
        store_run_free(&run);
    }
    store_run_list_free(&list);
    store_close(st);
    db = raw_open(f->db);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM scenarios"), 20);
    raw_text(db, "PRAGMA integrity_check", ok, sizeof ok);
    assert_string_equal(ok, "ok");
    sqlite3_close(db);
}

/* A process that holds the lock briefly is waited for, not failed. */
static int hold_lock_briefly(void *arg)
{
    sqlite3 *db = NULL;
    int rc;

    if (sqlite3_open(arg, &db) != SQLITE_OK)
        return 10;
    rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        usleep(400000);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : 11;
}

static void test_second_writer_waits_for_the_lock(void **state)
{
    struct fixture *f = *state;
    struct store *st = open_ok(f->db);
    struct scenario sc;
    pid_t pid;
    int ws;

    load_ok(&sc, STAGE1);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(hold_lock_briefly(f->db));
    usleep(100000);                 /* let the child take the lock */
    assert_int_equal(store_scenario_save(st, "patient", &sc, false),
                     STORE_OK);
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    scenario_free(&sc);
    store_close(st);
}

/* Kill the process from inside SQLite after this many progress calls. */
static long kill_after;

static int kill_self(void *arg)
{
    (void)arg;
    if (--kill_after == 0)
        raise(SIGKILL);
    return 0;
}

struct kill_job {
    const char *path;
    long calls;                     /* progress calls before the kill */
};

/* In a child: save a big run with a tiny page cache, so that pages of
 * the unfinished transaction spill into the WAL, and die on the way. */
static int save_and_die(void *arg)
{
    const struct kill_job *job = arg;
    struct ramp_result res;
    struct scenario sc;
    struct store *st;
    char err[1024];

    if (scenario_load_file(&sc, STAGE9, err, sizeof err) < 0 ||
        store_open(&st, job->path, 0, err, sizeof err) != STORE_OK)
        return 10;
    sqlite3_exec(store_sqlite(st), "PRAGMA cache_size = 8", NULL, NULL,
                 NULL);
    fake_result(&res, 300, sc.ncomponents);
    kill_after = job->calls;
    sqlite3_progress_handler(store_sqlite(st), 100, kill_self, NULL);
    store_run_save(st, &sc, 2, "t", &res, NULL);
    return 20;                      /* finished: the kill came too late */
}

/* Progress calls a whole save of that run makes, measured. */
static long count_calls(const char *path)
{
    struct ramp_result res;
    struct scenario sc;
    struct store *st = open_ok(path);

    load_ok(&sc, STAGE9);
    fake_result(&res, 300, sc.ncomponents);
    kill_after = LONG_MAX;
    sqlite3_progress_handler(store_sqlite(st), 100, kill_self, NULL);
    assert_int_equal(store_run_save(st, &sc, 2, "t", &res, NULL), STORE_OK);
    ramp_result_free(&res);
    scenario_free(&sc);
    store_close(st);
    return LONG_MAX - kill_after;
}

static void test_sigkill_during_save_keeps_earlier_state(void **state)
{
    struct fixture *f = *state;
    struct store_run first, again;
    struct ramp_result res;
    struct store_run_list list;
    struct scenario sc;
    struct store *st;
    char scratch[160], ok[8];
    struct kill_job job;
    long calls;
    sqlite3 *db;

    snprintf(scratch, sizeof scratch, "%s/measure.db", f->dir);
    calls = count_calls(scratch);
    assert_true(calls > 20);

    st = open_ok(f->db);
    load_ok(&sc, STAGE9);
    fake_result(&res, 4, sc.ncomponents);
    assert_int_equal(store_run_save(st, &sc, 1, "t", &res, NULL), STORE_OK);
    assert_int_equal(store_run_get(st, 1, &first), STORE_OK);
    store_close(st);

    /* Die early, half way and near the end of the save. */
    for (int i = 1; i <= 3; i++) {
        job = (struct kill_job){f->db, calls * i / 4};
        assert_int_equal(in_child(save_and_die, &job), 128 + SIGKILL);
    }

    st = open_ok(f->db);
    assert_int_equal(store_run_list(st, &list), STORE_OK);
    assert_int_equal(list.n, 1);
    store_run_list_free(&list);
    assert_int_equal(store_run_get(st, 1, &again), STORE_OK);
    assert_same_result(&first.result, &again.result);
    assert_string_equal(first.yaml, again.yaml);
    store_run_free(&again);
    store_close(st);
    db = raw_open(f->db);
    raw_text(db, "PRAGMA integrity_check", ok, sizeof ok);
    assert_string_equal(ok, "ok");
    assert_int_equal(raw_int(db, "SELECT count(*) FROM steps"), 4);
    sqlite3_close(db);
    store_run_free(&first);
    ramp_result_free(&res);
    scenario_free(&sc);
}

/* In a child: save runs until killed. */
static int save_forever(void *arg)
{
    struct ramp_result res;
    struct scenario sc;
    struct store *st;
    char err[1024];

    if (scenario_load_file(&sc, STAGE9, err, sizeof err) < 0 ||
        store_open(&st, arg, 0, err, sizeof err) != STORE_OK)
        return 10;
    fake_result(&res, 100, sc.ncomponents);
    for (;;)
        if (store_run_save(st, &sc, 3, "t", &res, NULL) != STORE_OK)
            return 11;
}

/* The same from outside, at moments the test does not choose: every
 * run that is listed is whole. */
static void test_sigkill_from_outside_leaves_only_whole_runs(void **state)
{
    struct fixture *f = *state;
    struct store_run_list list;
    struct store *st = open_ok(f->db);
    sqlite3 *db;
    char ok[8];

    store_close(st);
    srand((unsigned)time(NULL));
    for (int round = 0; round < 5; round++) {
        pid_t pid;
        int ws;

        fflush(NULL);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            _exit(save_forever(f->db));
        usleep(50000 + (useconds_t)(rand() % 150000));
        assert_int_equal(kill(pid, SIGKILL), 0);
        assert_int_equal(waitpid(pid, &ws, 0), pid);
        assert_true(WIFSIGNALED(ws));
    }
    st = open_ok(f->db);
    assert_int_equal(store_run_list(st, &list), STORE_OK);
    assert_true(list.n > 0);
    for (size_t i = 0; i < list.n; i++) {
        struct store_run run;

        assert_int_equal(store_run_get(st, list.items[i].id, &run),
                         STORE_OK);
        assert_int_equal(run.result.nsteps, 100);
        store_run_free(&run);
    }
    store_run_list_free(&list);
    store_close(st);
    db = raw_open(f->db);
    raw_text(db, "PRAGMA integrity_check", ok, sizeof ok);
    assert_string_equal(ok, "ok");
    assert_int_equal(raw_int(db, "SELECT count(*) FROM steps"),
                     100 * raw_int(db, "SELECT count(*) FROM runs"));
    sqlite3_close(db);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_prefers_option_then_env_then_xdg_then_home),
        T(test_open_creates_schema_in_wal_mode),
        T(test_open_missing_directory_says_so),
        T(test_text_file_refused_untouched),
        T(test_other_programs_database_refused_untouched),
        T(test_newer_schema_refused_untouched),
        T(test_not_a_regular_file_refused),
        T(test_empty_file_becomes_database),
        T(test_migrates_schema_1_keeping_its_data),
        T(test_d4_names_saved_listed_reopened_exactly),
        T(test_bad_names_refused),
        T(test_save_existing_name_needs_replace),
        T(test_rename_and_delete_report_what_is_wrong),
        T(test_stored_scenarios_match_their_export),
        T(test_run_reads_back_every_figure),
        T(test_run_with_wrong_components_refused),
        T(test_real_run_prints_the_same_report),
        T(test_read_only_directory_says_so),
        T(test_read_only_file_reads_but_refuses_writes),
        T(test_full_disk_fails_the_save_whole),
        T(test_lock_held_too_long_says_locked),
        T(test_corrupt_file_says_damaged),
        T(test_four_processes_write_at_once),
        T(test_second_writer_waits_for_the_lock),
        T(test_sigkill_during_save_keeps_earlier_state),
        T(test_sigkill_from_outside_leaves_only_whole_runs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
