/*
 * test_challenge.c - challenges and their grading: every shipped
 * challenge loads; reference designs pass; a design over budget fails on
 * cost; an over-built one loses complexity points; one without a
 * required component fails; the workload is the challenge's whatever the
 * design says; a bad key is reported with file:line:column; hints name
 * the bottleneck; and the store's attempts, hints and the migration from
 * schema 2. Tests run from the top of the repository.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "challenge.h"
#include "scenario_yaml.h"
#include "store.h"

#define SOL(name) "data/challenges/solutions/" name ".yaml"

/* The shipped challenge name's file. */
static const char *challenge_file(const char *name)
{
    static char path[256];

    snprintf(path, sizeof path, "data/challenges/%s.yaml", name);
    return path;
}

static void load_challenge(struct challenge *ch, const char *path)
{
    char err[2048];

    if (challenge_load_file(ch, path, err, sizeof err) < 0)
        fail_msg("%s", err);
}

static void load_design(struct scenario *sc, const char *path)
{
    char err[2048];

    if (scenario_load_file(sc, path, err, sizeof err) < 0)
        fail_msg("%s", err);
}

/* Grade design (a file) against challenge name, without hints. */
static void grade_file(const char *name, const char *design_path,
                       struct grade *g)
{
    struct challenge ch;
    struct scenario sc;
    struct grade_options opt = {.seconds = -1};
    char err[1024];

    load_challenge(&ch, challenge_file(name));
    load_design(&sc, design_path);
    if (challenge_grade(&ch, &sc, &opt, g, err, sizeof err) < 0)
        fail_msg("%s", err);
    scenario_free(&sc);
    challenge_free(&ch);
}

static void grade_design(const char *challenge_path,
                         const struct scenario *sc, struct grade *g)
{
    struct challenge ch;
    struct grade_options opt = {.seconds = -1};
    char err[1024];

    load_challenge(&ch, challenge_path);
    if (challenge_grade(&ch, sc, &opt, g, err, sizeof err) < 0)
        fail_msg("%s", err);
    challenge_free(&ch);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* --- Files --------------------------------------------------------------- */

static void test_every_shipped_challenge_loads_with_a_solution(void **state)
{
    glob_t g;
    int n = 0;

    (void)state;
    assert_int_equal(glob("data/challenges/*.yaml", 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct challenge ch;
        char sol[1024];
        const char *base = strrchr(g.gl_pathv[i], '/') + 1;

        load_challenge(&ch, g.gl_pathv[i]);
        assert_true(ch.target >= 1000 && ch.target <= 1e6);
        assert_true(ch.budget > 0);
        assert_true(ch.p99 > 0);
        assert_non_null(ch.brief);
        assert_true(ch.start.ncomponents > 0);
        snprintf(sol, sizeof sol, "data/challenges/solutions/%s", base);
        if (access(sol, R_OK) != 0)
            fail_msg("%s has no reference design %s", g.gl_pathv[i], sol);
        challenge_free(&ch);
        n++;
    }
    globfree(&g);
    assert_true(n >= 12);
}

static void test_bad_key_gives_file_line_column(void **state)
{
    struct challenge ch;
    char err[2048];
    const char *path = "/tmp/archsim-challenge-bad.yaml";

    (void)state;
    write_text(path, "name: x\n"
                     "brief: b\n"
                     "target: 1k\n"
                     "budget: 100/month\n"
                     "objectives: {p99: 1s, erors: 1%}\n"
                     "start: stage-1-single-server\n");
    assert_int_equal(challenge_load_file(&ch, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "/tmp/archsim-challenge-bad.yaml:5:23:"));
    assert_non_null(strstr(err, "unknown key 'erors'"));
    challenge_free(&ch);

    /* An inline start reports its own problems at their place. */
    write_text(path, "name: x\n"
                     "brief: b\n"
                     "target: 1k\n"
                     "budget: 100/month\n"
                     "objectives: {p99: 1s, errors: 1%}\n"
                     "start:\n"
                     "  components:\n"
                     "    - {name: a, kind: server, instnaces: 2}\n");
    assert_int_equal(challenge_load_file(&ch, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "archsim-challenge-bad.yaml:8:31:"));
    challenge_free(&ch);

    /* A missing key is named. */
    write_text(path, "name: x\nbrief: b\ntarget: 1k\nbudget: 100/month\n"
                     "start: {components: [{name: a, kind: server}]}\n");
    assert_int_equal(challenge_load_file(&ch, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "needs 'objectives'"));
    challenge_free(&ch);
    unlink(path);
}

/* --- Grading -------------------------------------------------------------- */

static void assert_passes(const char *name)
{
    char path[256];
    struct grade g;

    snprintf(path, sizeof path, "data/challenges/solutions/%s.yaml", name);
    grade_file(name, path, &g);
    if (!g.passed || g.score < 90)
        fail_msg("%s: reference design scores %d (%s)", name, g.score,
                 g.verdict);
    grade_free(&g);
}

static void test_reference_designs_pass(void **state)
{
    (void)state;
    assert_passes("team-wiki");
    assert_passes("slow-reports");
    assert_passes("scale-out");
    assert_passes("url-shortener");
    assert_passes("shop-checkout");
    assert_passes("video-upload");
}

static void test_over_budget_fails_on_cost(void **state)
{
    struct scenario sc;
    struct grade g;
    int db;

    (void)state;
    load_design(&sc, SOL("url-shortener"));
    db = scenario_find(&sc, "db");
    assert_true(db >= 0);
    snprintf(sc.components[db].size, sizeof sc.components[db].size,
             "db.r6g.16xlarge");
    assert_int_equal(component_apply_size(&sc.components[db]), 0);
    grade_design(challenge_file("url-shortener"), &sc, &g);
    assert_false(g.passed);
    assert_true(g.cost > g.budget);
    assert_int_equal(g.cost_points, 0);
    for (int i = 0; i < g.nobjectives; i++)
        assert_true(g.objectives[i].met);
    assert_true(g.score <= 49);
    assert_non_null(strstr(g.verdict, "budget"));
    grade_free(&g);
    scenario_free(&sc);
}

static void test_over_built_loses_complexity_points(void **state)
{
    struct scenario sc;
    struct grade g;
    int app;

    (void)state;
    /* Twice the servers the ticket shop needs. */
    load_design(&sc, SOL("scale-out"));
    app = scenario_find(&sc, "app");
    sc.components[app].instances = 8;
    grade_design(challenge_file("scale-out"), &sc, &g);
    assert_true(g.passed);
    assert_true(g.complexity_judged);
    assert_true(g.complexity_points < 20);
    assert_true(g.nitems >= 1);
    assert_int_equal(g.items[0].comp, app);
    assert_false(g.items[0].removable);
    assert_int_equal(g.items[0].from, 8);
    assert_int_equal(g.items[0].to, 4);
    assert_true(g.score < 100);
    grade_free(&g);
    scenario_free(&sc);

    /* A cache the wiki's thousand users never needed. */
    load_design(&sc, SOL("team-wiki"));
    assert_non_null(scenario_add(&sc, KIND_CACHE, "cache"));
    snprintf(sc.components[0].call_names[sc.components[0].ncalls++],
             NAME_BYTES, "cache");
    {
        char err[512];

        assert_int_equal(scenario_validate(&sc, err, sizeof err), 0);
    }
    grade_design(challenge_file("team-wiki"), &sc, &g);
    assert_true(g.complexity_points <= 20 - 6);
    assert_true(g.nitems >= 1);
    assert_true(g.items[0].removable);
    assert_string_equal(g.graded.components[g.items[0].comp].name, "cache");
    grade_free(&g);
    scenario_free(&sc);
}

static void test_missing_required_component_fails(void **state)
{
    struct scenario sc;
    struct grade g;
    int app;
    char err[512];

    (void)state;
    /* The checkout without its queue: tasks are done inline. */
    load_design(&sc, SOL("shop-checkout"));
    app = scenario_find(&sc, "app");
    sc.components[app].ncalls = 1;              /* [db] */
    assert_string_equal(sc.components[app].call_names[0], "db");
    sc.ncomponents--;                           /* jobs is the last */
    assert_int_equal(scenario_validate(&sc, err, sizeof err), 0);
    grade_design(challenge_file("shop-checkout"), &sc, &g);
    assert_false(g.passed);
    assert_int_equal(g.rules_broken, 1);
    assert_non_null(strstr(g.rules, "queue: required but missing"));
    assert_true(g.score <= 49);
    grade_free(&g);
    scenario_free(&sc);
}

static void test_workload_is_the_challenges(void **state)
{
    struct challenge ch;
    struct scenario sc, applied;
    char err[512];
    int app;

    (void)state;
    load_challenge(&ch, challenge_file("url-shortener"));
    load_design(&sc, SOL("url-shortener"));
    app = scenario_find(&sc, "app");
    /* A design that claims cheap requests, idle users, free machines
     * and a failure of its own. */
    sc.components[app].cpu[REQ_READ] = 1000;
    sc.components[app].price_hour = 0;
    sc.think = 3600 * NS_PER_S;
    sc.mix[REQ_READ] = 0.5;
    sc.mix[REQ_WRITE] = 0.5;
    sc.nfailures = 1;
    snprintf(sc.failures[0].component, NAME_BYTES, "app");
    assert_int_equal(challenge_apply(&ch, &sc, &applied, err, sizeof err),
                     0);
    assert_int_equal(applied.components[app].cpu[REQ_READ], 1 * NS_PER_MS);
    assert_true(applied.components[app].price_hour > 0);
    assert_int_equal(applied.think, 10 * NS_PER_S);
    assert_true(applied.mix[REQ_READ] == 0.95);
    assert_int_equal(applied.nfailures, 0);
    assert_true(applied.ramp.target == 100000);
    assert_int_equal(applied.objectives.p99, 150 * NS_PER_MS);
    /* The cache's key space is the challenge's workload. */
    assert_int_equal(applied.components[scenario_find(&applied, "cache")]
                         .keys, 200000);
    scenario_free(&applied);
    scenario_free(&sc);
    challenge_free(&ch);
}

static void test_hint_names_the_bottleneck_not_the_answer(void **state)
{
    struct challenge ch;
    char text[2048];

    (void)state;
    load_challenge(&ch, challenge_file("slow-reports"));
    assert_int_equal(challenge_hint(&ch, &ch.start, text, sizeof text), 0);
    print_message("%s", text);
    assert_non_null(strstr(text, "db"));
    assert_non_null(strstr(text, "Kind of remedy: "));
    assert_null(strstr(text, "index"));         /* the answer itself */
    challenge_free(&ch);
}

static void test_grade_text_has_the_breakdown(void **state)
{
    struct challenge ch;
    struct grade g;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    load_challenge(&ch, challenge_file("team-wiki"));
    grade_file("team-wiki", SOL("team-wiki"), &g);
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(grade_write_text(f, &ch, &g), 0);
    fclose(f);
    assert_non_null(strstr(buf, "score 100/100"));
    assert_non_null(strstr(buf, "p99"));
    assert_non_null(strstr(buf, "cost"));
    assert_non_null(strstr(buf, "complexity"));
    assert_non_null(strstr(buf, "time"));
    assert_non_null(strstr(buf, "advisor"));
    free(buf);
    grade_free(&g);
    challenge_free(&ch);
}

/* --- The store ---------------------------------------------------------------- */

/* Schema 2 as archsim wrote it before attempts: schema 1, then
 * migration 2's additions, frozen here. */
static const char schema_2[] =
    "CREATE TABLE scenarios (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
    "UNIQUE, yaml TEXT NOT NULL, saved_at TEXT NOT NULL);"
    "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, saved_at "
    "TEXT NOT NULL, scenario TEXT NOT NULL, yaml TEXT NOT NULL, seed "
    "INTEGER NOT NULL, version TEXT NOT NULL, nsteps INTEGER NOT NULL, "
    "ncomponents INTEGER NOT NULL, capacity REAL NOT NULL, first_broken "
    "INTEGER NOT NULL, cost REAL NOT NULL, budget_ok INTEGER NOT NULL, "
    "target_holds INTEGER NOT NULL, simulated_ns INTEGER NOT NULL, events "
    "INTEGER NOT NULL, detailed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE steps (run_id INTEGER NOT NULL REFERENCES runs(id) ON "
    "DELETE CASCADE, step INTEGER NOT NULL, users REAL NOT NULL, offered "
    "REAL NOT NULL, completed REAL NOT NULL, error_frac REAL NOT NULL, "
    "samples INTEGER NOT NULL, p50_ns INTEGER NOT NULL, p95_ns INTEGER NOT "
    "NULL, p99_ns INTEGER NOT NULL, p99_lo_ns INTEGER NOT NULL, p99_hi_ns "
    "INTEGER NOT NULL, p99_known INTEGER NOT NULL, window_ns INTEGER NOT "
    "NULL, bottleneck INTEGER NOT NULL, bottleneck_util REAL NOT NULL, "
    "holds INTEGER NOT NULL, broken TEXT, PRIMARY KEY (run_id, step)) "
    "WITHOUT ROWID;"
    "CREATE INDEX runs_by_scenario ON runs(scenario);"
    "CREATE TABLE step_kinds (run_id INTEGER NOT NULL, step INTEGER NOT "
    "NULL, kind TEXT NOT NULL, p99_ns INTEGER NOT NULL, PRIMARY KEY "
    "(run_id, step, kind), FOREIGN KEY (run_id, step) REFERENCES "
    "steps(run_id, step) ON DELETE CASCADE) WITHOUT ROWID;"
    "CREATE TABLE step_components (run_id INTEGER NOT NULL, step INTEGER "
    "NOT NULL, component INTEGER NOT NULL, name TEXT NOT NULL, util REAL "
    "NOT NULL, cpu REAL NOT NULL, pool REAL NOT NULL, lock REAL NOT NULL, "
    "waiting REAL NOT NULL, arrivals REAL NOT NULL, throughput REAL NOT "
    "NULL, errors REAL NOT NULL, mean_ns REAL NOT NULL, p50_ns INTEGER NOT "
    "NULL, p95_ns INTEGER NOT NULL, p99_ns INTEGER NOT NULL, hit_ratio "
    "REAL NOT NULL, lag_mean_ns REAL NOT NULL, lag_max_ns REAL NOT NULL, "
    "depth REAL NOT NULL, oldest_ns REAL NOT NULL, instances INTEGER NOT "
    "NULL, PRIMARY KEY (run_id, step, component), FOREIGN KEY (run_id, "
    "step) REFERENCES steps(run_id, step) ON DELETE CASCADE) WITHOUT "
    "ROWID;"
    "CREATE TABLE step_errors (run_id INTEGER NOT NULL, step INTEGER NOT "
    "NULL, component INTEGER NOT NULL, cause TEXT NOT NULL, count INTEGER "
    "NOT NULL, PRIMARY KEY (run_id, step, component, cause), FOREIGN KEY "
    "(run_id, step) REFERENCES steps(run_id, step) ON DELETE CASCADE) "
    "WITHOUT ROWID;"
    "INSERT INTO scenarios VALUES (1, 'kept', 'name: kept', "
    "'2025-01-01 00:00:00');"
    "PRAGMA application_id = 1098015571;"
    "PRAGMA user_version = 2;";

static void test_store_migrates_2_to_3_and_keeps_attempts(void **state)
{
    char dir[] = "/tmp/archsim-attempts-XXXXXX", path[128], err[512];
    struct store *st;
    struct scenario sc;
    struct store_attempt_info a;
    struct store_attempt_list list;
    sqlite3 *db;
    char *yaml = NULL, *kept = NULL;
    int64_t id = 0;
    int best = 0, pending = -1;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/archsim.db", dir);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, schema_2, NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(store_open(&st, path, 0, err, sizeof err), STORE_OK);
    assert_int_equal(store_scenario_yaml(st, "kept", &kept), STORE_OK);
    assert_string_equal(kept, "name: kept");
    free(kept);

    /* No attempt yet: no best score, no hints. */
    assert_int_equal(store_attempt_best(st, "team-wiki", &best),
                     STORE_NOT_FOUND);
    assert_int_equal(store_hints_pending(st, "team-wiki", &pending),
                     STORE_OK);
    assert_int_equal(pending, 0);

    /* Two hints, then an attempt that claims them. */
    assert_int_equal(store_hint_add(st, "team-wiki", &pending), STORE_OK);
    assert_int_equal(store_hint_add(st, "team-wiki", &pending), STORE_OK);
    assert_int_equal(pending, 2);
    assert_int_equal(store_hint_add(st, "url-shortener", &pending),
                     STORE_OK);
    assert_int_equal(pending, 1);
    load_design(&sc, SOL("team-wiki"));
    memset(&a, 0, sizeof a);
    snprintf(a.challenge, sizeof a.challenge, "team-wiki");
    a.score = 72;
    a.passed = true;
    a.seconds = 600;
    a.hints = 2;
    a.cost = 130;
    a.capacity = 1000;
    snprintf(a.version, sizeof a.version, "test");
    assert_int_equal(store_attempt_save(st, &a, &sc, &id), STORE_OK);
    assert_int_equal(id, 1);
    assert_int_equal(store_hints_pending(st, "team-wiki", &pending),
                     STORE_OK);
    assert_int_equal(pending, 0);
    assert_int_equal(store_hints_pending(st, "url-shortener", &pending),
                     STORE_OK);
    assert_int_equal(pending, 1);
    a.score = 41;
    a.passed = false;
    a.hints = 0;
    assert_int_equal(store_attempt_save(st, &a, &sc, &id), STORE_OK);
    assert_int_equal(store_attempt_best(st, "team-wiki", &best), STORE_OK);
    assert_int_equal(best, 72);

    assert_int_equal(store_attempt_list(st, NULL, &list), STORE_OK);
    assert_int_equal(list.n, 2);
    assert_int_equal(list.items[0].score, 72);
    assert_true(list.items[0].passed);
    assert_int_equal(list.items[0].hints, 2);
    assert_false(list.items[1].passed);
    store_attempt_list_free(&list);
    assert_int_equal(store_attempt_list(st, "url-shortener", &list),
                     STORE_OK);
    assert_int_equal(list.n, 0);
    store_attempt_list_free(&list);

    /* The design reopens as the scenario it was. */
    assert_int_equal(store_attempt_yaml(st, 1, &yaml), STORE_OK);
    {
        struct scenario back;
        char *again = scenario_export_string(&sc);

        assert_string_equal(yaml, again);
        assert_int_equal(scenario_load_buffer(&back, "attempt", yaml,
                                              strlen(yaml), err, sizeof err),
                         0);
        assert_int_equal(back.ncomponents, sc.ncomponents);
        scenario_free(&back);
        free(again);
    }
    free(yaml);
    assert_int_equal(store_attempt_yaml(st, 99, &yaml), STORE_NOT_FOUND);

    /* Out-of-range scores are refused. */
    a.score = 101;
    assert_int_equal(store_attempt_save(st, &a, &sc, NULL), STORE_BAD_DATA);
    store_close(st);
    scenario_free(&sc);

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    {
        sqlite3_stmt *stmt;

        assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
                                            &stmt, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(stmt, 0), STORE_SCHEMA_VERSION);
        assert_int_equal(STORE_SCHEMA_VERSION, 3);
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    unlink(path);
    {
        char side[160];

        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shipped_challenge_loads_with_a_solution),
        cmocka_unit_test(test_bad_key_gives_file_line_column),
        cmocka_unit_test(test_reference_designs_pass),
        cmocka_unit_test(test_over_budget_fails_on_cost),
        cmocka_unit_test(test_over_built_loses_complexity_points),
        cmocka_unit_test(test_missing_required_component_fails),
        cmocka_unit_test(test_workload_is_the_challenges),
        cmocka_unit_test(test_hint_names_the_bottleneck_not_the_answer),
        cmocka_unit_test(test_grade_text_has_the_breakdown),
        cmocka_unit_test(test_store_migrates_2_to_3_and_keeps_attempts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
