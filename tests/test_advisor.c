/*
 * test_advisor.c - the advisor against real runs: on each of the nine
 * stages it names, at the knee, the component the stage is about and
 * proposes what the next stage adds; M/M/c beside the simulation of a
 * plain station; a what-if against a full ramp of the changed design.
 *
 * What each stage's knee shows (seed 1, as shipped), and so what these
 * tests hold the advisor to:
 *   1  app's 2 cores saturate             -> a bigger machine
 *   2  app's 8 cores saturate             -> a second instance behind a
 *                                            load balancer
 *   3  the database's cores saturate and
 *      its pool rejects                   -> read replicas
 *   4  a read replica's cores saturate    -> a cache
 *   5  app's cores and threads saturate   -> a queue for the tasks
 *   6  app's cores saturate (tasks gone)  -> a CDN
 *   7  the primary's cores saturate       -> a bigger database (stage 8
 *                                            moves it to db.r6g.8xlarge)
 *   8  web's threads wait on catalog,
 *      whose cores saturate               -> more catalog instances
 *                                            (stage 9 has 56, not 36)
 *   9  holds at 1M; the p99 is the round
 *      trip to india                      -> nothing is due
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "advisor.h"
#include "scenario_yaml.h"
#include "support.h"

static void load_stage(struct scenario *sc, const char *file)
{
    char err[1024], path[512];

    snprintf(path, sizeof path, "data/scenarios/%s.yaml", file);
    if (scenario_load_file(sc, path, err, sizeof err) < 0)
        fail_msg("%s", err);
}

struct stage_case {
    const char *file;
    const char *neck;               /* component named at the knee */
    enum neck_resource res;
    int node;                       /* databases: 0 primary, 1 replica,
                                     * -1 either or not a database */
    enum remedy_kind remedy;
    const char *waited_on_by;       /* NULL: not through a caller */
};

static const struct stage_case stages[] = {
    {"stage-1-single-server", "app", NECK_CORES, -1, REM_BIGGER_SIZE, NULL},
    {"stage-2-bigger-machine", "app", NECK_CORES, -1, REM_BALANCER, NULL},
    {"stage-3-load-balancer", "db", NECK_CORES, -1, REM_REPLICAS, NULL},
    {"stage-4-database", "db", NECK_CORES, 1, REM_CACHE, NULL},
    {"stage-5-cache", "app", NECK_CORES, -1, REM_QUEUE, NULL},
    {"stage-6-queue", "app", NECK_CORES, -1, REM_CDN, NULL},
    {"stage-7-cdn-regions", "db", NECK_CORES, 0, REM_BIGGER_SIZE, NULL},
    {"stage-8-services", "catalog", NECK_CORES, -1, REM_MORE_INSTANCES,
     "web"},
    {"stage-9-observability", NULL, NECK_DISTANCE, -1, REM_NONE, NULL},
};

static void check_stage(const struct stage_case *k)
{
    struct scenario sc;
    struct ramp_result res;
    struct advice adv;
    char line[512];

    load_stage(&sc, k->file);
    assert_int_equal(ramp_run(&sc, sc.seed, &res, NULL, NULL), 0);
    advise_run(&sc, sc.seed, &res, false, &adv);
    print_message("%s: %s\n  next: %s\n", k->file, adv.neck.text,
                  adv.nremedies ? adv.remedies[0].text : "-");
    assert_int_equal(adv.step, advisor_knee(&res));
    assert_int_equal(adv.neck.res, k->res);
    if (k->neck)
        assert_string_equal(sc.components[adv.neck.comp].name, k->neck);
    if (k->node >= 0)
        assert_int_equal(adv.neck.node == 0 ? 0 : 1, k->node);
    if (k->waited_on_by) {
        assert_true(adv.neck.via_callee);
        assert_string_equal(sc.components[adv.neck.caller].name,
                            k->waited_on_by);
    }
    assert_true(adv.nremedies >= 1);
    assert_int_equal(adv.remedies[0].kind, k->remedy);
    assert_true(strlen(adv.neck.text) > 20);
    assert_true(strlen(adv.remedies[0].text) > 10);

    advisor_line(&sc, &res.steps[adv.step], line, sizeof line);
    if (k->neck)
        assert_non_null(strstr(line, k->neck));
    ramp_result_free(&res);
    scenario_free(&sc);
}

#define STAGE_TEST(n)                                                     \
    static void test_stage_##n(void **state)                              \
    {                                                                     \
        (void)state;                                                      \
        check_stage(&stages[n - 1]);                                      \
    }
STAGE_TEST(1)
STAGE_TEST(2)
STAGE_TEST(3)
STAGE_TEST(4)
STAGE_TEST(5)
STAGE_TEST(6)
STAGE_TEST(7)
STAGE_TEST(8)
STAGE_TEST(9)

/* --- Theory --------------------------------------------------------------- */

/* One measured step of a single station: open arrivals at lambda. */
static void one_station(int c, double rho, enum service_dist dist,
                        struct station_theory *t)
{
    struct scenario s;
    struct step_result st;
    struct sim *sim;
    struct component *comp;
    sim_ns service = 10 * NS_PER_MS;
    double lambda = rho * c / ((double)service / NS_PER_S);

    open_scenario(&s, lambda);
    comp = add_station(&s, "station", c, service);
    comp->dist = dist;
    must_validate(&s);
    memset(&st, 0, sizeof st);
    st.comps = calloc(1, sizeof *st.comps);
    assert_non_null(st.comps);
    sim = sim_create(&s, 11 + (uint64_t)c);
    assert_non_null(sim);
    /* A first step as warm-up, then the one read. */
    assert_int_equal(ramp_measure_step(sim, 1, &st), 0);
    assert_int_equal(ramp_measure_step(sim, 1, &st), 0);
    assert_int_equal(advisor_theory(&s, &st, t, 1), 1);
    print_message("M/M/%d rho %.2f: rho %.3f, waiting %.3f (theory %.3f "
                  "+- %.3f)%s%s\n", c, rho, t->rho, t->lq_sim, t->lq_theory,
                  t->half_width, t->disagree ? ": differ, " : "",
                  t->disagree ? t->why : "");
    sim_destroy(sim);
    free(st.comps);
    scenario_free(&s);
}

static void test_mmc_agrees(void **state)
{
    static const struct { int c; double rho; } cases[] = {
        {1, 0.5}, {1, 0.8}, {4, 0.7}, {8, 0.85},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct station_theory t;

        one_station(cases[i].c, cases[i].rho, DIST_EXPONENTIAL, &t);
        assert_true(fabs(t.rho - cases[i].rho) < 0.03);
        assert_true(fabs(t.service - 0.010) < 0.0005);
        assert_int_equal(t.servers, cases[i].c);
        assert_false(t.disagree);
        assert_true(fabs(t.lq_sim - t.lq_theory) <= t.half_width);
    }
}

/* M/D/1 waits half as long as M/M/1: the mark shows, with the reason. */
static void test_constant_service_is_marked(void **state)
{
    struct station_theory t;

    (void)state;
    one_station(1, 0.8, DIST_CONSTANT, &t);
    assert_true(t.disagree);
    assert_true(t.lq_sim < t.lq_theory);
    assert_non_null(strstr(t.why, "not exponential"));
}

static void test_erlang_c(void **state)
{
    (void)state;
    assert_true(fabs(advisor_erlang_c(1, 0.5) - 0.5) < 1e-12);
    assert_true(fabs(advisor_erlang_c(4, 2.8) - erlang_c(4, 2.8)) < 1e-12);
    assert_true(advisor_erlang_c(2, 2.5) == 1.0);
}

/* --- What-if --------------------------------------------------------------- */

/* The what-if's capacity against a full ramp of the changed design:
 * within one step of the ramp. */
static void check_whatif(const char *file)
{
    struct scenario sc, changed;
    struct ramp_result res, full;
    struct advice adv;
    double step;

    load_stage(&sc, file);
    assert_int_equal(ramp_run(&sc, sc.seed, &res, NULL, NULL), 0);
    advise_run(&sc, sc.seed, &res, true, &adv);
    assert_true(adv.whatif.done);
    assert_int_equal(scenario_copy(&changed, &sc), 0);
    assert_int_equal(advisor_apply(&changed, &adv.remedies[0]), 0);
    assert_int_equal(ramp_run(&changed, sc.seed, &full, NULL, NULL), 0);
    step = pow(10, 1.0 / sc.ramp.per_decade) * 1.001;
    print_message("%s: %s (full ramp %.0f, %.2fs)\n", file,
                  adv.whatif.text, full.capacity, adv.whatif.seconds);
    assert_true(adv.whatif.after > res.capacity);
    assert_true(adv.whatif.after <= full.capacity * step);
    assert_true(full.capacity <= adv.whatif.after * step);
    assert_true(adv.whatif.seconds < 10);
    ramp_result_free(&full);
    ramp_result_free(&res);
    scenario_free(&changed);
    scenario_free(&sc);
}

static void test_whatif_bigger_size(void **state)
{
    (void)state;
    check_whatif("stage-1-single-server");
}

static void test_whatif_balancer(void **state)
{
    (void)state;
    check_whatif("stage-2-bigger-machine");
}

static void test_whatif_replicas(void **state)
{
    (void)state;
    check_whatif("stage-3-load-balancer");
}

/* --- Applying remedies ---------------------------------------------------- */

static void test_apply_edits(void **state)
{
    struct scenario sc, cp;
    struct advice_remedy rem = {0};
    int app, db, cache, lb;

    (void)state;
    load_stage(&sc, "stage-1-single-server");
    app = scenario_find(&sc, "app");
    db = scenario_find(&sc, "db");

    /* A cache goes between the server and the database. */
    assert_int_equal(scenario_copy(&cp, &sc), 0);
    rem.kind = REM_CACHE;
    rem.comp = db;
    assert_int_equal(advisor_apply(&cp, &rem), 0);
    cache = scenario_find(&cp, "cache");
    assert_true(cache >= 0);
    assert_int_equal(cp.components[app].calls[0], cache);
    assert_int_equal(cp.components[app].calls[1], db);
    scenario_free(&cp);

    /* A balancer takes the entry and calls the server. */
    assert_int_equal(scenario_copy(&cp, &sc), 0);
    rem.kind = REM_BALANCER;
    rem.comp = app;
    assert_int_equal(advisor_apply(&cp, &rem), 0);
    lb = scenario_find(&cp, "lb");
    assert_true(lb >= 0);
    assert_int_equal(cp.entry, lb);
    assert_int_equal(cp.components[lb].calls[0], app);
    assert_int_equal(cp.components[app].instances, 2);
    scenario_free(&cp);

    /* The next size of the family. */
    assert_int_equal(scenario_copy(&cp, &sc), 0);
    rem.kind = REM_BIGGER_SIZE;
    assert_int_equal(advisor_apply(&cp, &rem), 0);
    assert_string_equal(cp.components[app].size, "c6i.xlarge");
    assert_int_equal(cp.components[app].cores, 4);
    scenario_free(&cp);

    /* Splitting is advice only. */
    assert_int_equal(scenario_copy(&cp, &sc), 0);
    rem.kind = REM_SPLIT;
    assert_int_equal(advisor_apply(&cp, &rem), -1);
    scenario_free(&cp);
    scenario_free(&sc);
}

static void test_line_before_any_step(void **state)
{
    struct scenario sc;
    char line[256];

    (void)state;
    load_stage(&sc, "stage-1-single-server");
    advisor_line(&sc, NULL, line, sizeof line);
    assert_non_null(strstr(line, "space"));
    scenario_free(&sc);
}

/*
 * The check: from stage 1, following only the advisor (its first
 * remedy that applies, each time) reaches the million users stage 9
 * holds. It took 17 steps when written; 25 is the most allowed.
 */
static void test_following_the_advisor_reaches_a_million(void **state)
{
    struct scenario sc;
    char err[512];
    double capacity = 0;

    (void)state;
    assert_int_equal(scenario_load_file(&sc, "data/scenarios/"
                     "stage-1-single-server.yaml", err, sizeof err), 0);
    for (int round = 0; round < 25 && capacity < 1e6; round++) {
        struct ramp_result res;
        struct advice adv;
        int applied = -1;

        assert_int_equal(ramp_run(&sc, sc.seed, &res, NULL, NULL), 0);
        advise_run(&sc, sc.seed, &res, false, &adv);
        capacity = res.capacity;
        print_message("step %2d: capacity %.0f; next: %s\n", round, capacity,
                      adv.nremedies ? adv.remedies[0].what : "-");
        for (int i = 0; capacity < 1e6 && i < adv.nremedies && applied < 0;
             i++)
            if (advisor_apply(&sc, &adv.remedies[i]) == 0)
                applied = i;
        ramp_result_free(&res);
        if (capacity < 1e6)
            assert_true(applied >= 0);  /* it always has something */
    }
    assert_true(capacity >= 1e6);
    scenario_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage_1),
        cmocka_unit_test(test_stage_2),
        cmocka_unit_test(test_stage_3),
        cmocka_unit_test(test_stage_4),
        cmocka_unit_test(test_stage_5),
        cmocka_unit_test(test_stage_6),
        cmocka_unit_test(test_stage_7),
        cmocka_unit_test(test_stage_8),
        cmocka_unit_test(test_stage_9),
        cmocka_unit_test(test_erlang_c),
        cmocka_unit_test(test_mmc_agrees),
        cmocka_unit_test(test_constant_service_is_marked),
        cmocka_unit_test(test_whatif_bigger_size),
        cmocka_unit_test(test_whatif_balancer),
        cmocka_unit_test(test_whatif_replicas),
        cmocka_unit_test(test_apply_edits),
        cmocka_unit_test(test_line_before_any_step),
        cmocka_unit_test(test_following_the_advisor_reaches_a_million),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
