/*
 * test_queueing.c - the engine against queueing theory: M/M/c mean
 * response times and Erlang C waiting probabilities, a Jackson tandem
 * network, and the behaviours the journey relies on (balancing policy,
 * pool exhaustion, replica lag, determinism).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ramp.h"
#include "report.h"
#include "support.h"

#define SERVICE_NS (10 * NS_PER_MS)

static double rel_err(double got, double want)
{
    return fabs(got - want) / want;
}

/* Customers per run: more where the queue forgets its past slowly. */
static double customers_for(double rho)
{
    return rho >= 0.9 ? 4e6 : rho >= 0.8 ? 1.5e6 : 1e6;
}

static void check_mmc(int c, double rho)
{
    struct scenario s;
    double service = (double)SERVICE_NS / NS_PER_S;
    double lambda = rho * c / service;
    double customers = customers_for(rho);
    double want = mmc_response(c, lambda, service);
    struct sim *sim;
    double got, pwait, err;
    const struct pool *cores;

    open_scenario(&s, lambda);
    add_station(&s, "station", c, SERVICE_NS);
    must_validate(&s);
    sim = run_for(&s, 42 + (uint64_t)c, 1, 2000 * service,
                  customers / lambda);

    got = hist_mean(sim_latency_all(sim)) / NS_PER_S;
    err = rel_err(got, want);
    print_message("M/M/%d rho %.1f: mean %.5fs, Erlang C %.5fs, %.2f%%\n",
                  c, rho, got, want, err * 100);
    assert_true(err < 0.02);

    cores = inst_pool(sim, 0, 0, POOL_CORES);
    pwait = (double)cores->queued / (double)cores->grants;
    print_message("  P(wait) %.4f, Erlang C %.4f\n", pwait,
                  erlang_c(c, lambda * service));
    assert_true(fabs(pwait - erlang_c(c, lambda * service)) < 0.01);

    /* Utilisation is the offered load per core. */
    assert_true(fabs(cores->busy_area / (double)(sim->now -
                     sim->window_start) / c - rho) < 0.01);
    sim_destroy(sim);
    scenario_free(&s);
}

static void mm1(void **state)
{
    (void)state;
    check_mmc(1, 0.5);
    check_mmc(1, 0.8);
    check_mmc(1, 0.9);
}

static void mm4(void **state)
{
    (void)state;
    check_mmc(4, 0.5);
    check_mmc(4, 0.8);
    check_mmc(4, 0.9);
}

static void mm16(void **state)
{
    (void)state;
    check_mmc(16, 0.5);
    check_mmc(16, 0.8);
    check_mmc(16, 0.9);
}

/* Two stations in tandem: by Jackson's theorem each behaves as an M/M/c
 * fed by a Poisson stream, and the mean time through is the sum. */
static void jackson_tandem(void **state)
{
    struct scenario s;
    double lambda = 150;            /* per second */
    double sa = 0.005, sb = 0.012;  /* seconds */
    double want = mmc_response(1, lambda, sa) + mmc_response(2, lambda, sb);
    struct sim *sim;
    double got;

    (void)state;
    open_scenario(&s, lambda);
    add_station(&s, "front", 1, (sim_ns)(sa * NS_PER_S));
    add_station(&s, "back", 2, (sim_ns)(sb * NS_PER_S));
    add_call(&s, "front", "back");
    must_validate(&s);
    sim = run_for(&s, 7, 1, 100, 2e6 / lambda);

    got = hist_mean(sim_latency_all(sim)) / NS_PER_S;
    print_message("tandem: mean %.5fs, Jackson %.5fs\n", got, want);
    assert_true(rel_err(got, want) < 0.02);
    sim_destroy(sim);
    scenario_free(&s);
}

/* With one big and one small backend, round robin overloads the small
 * one; least connections sends it only what it can take. */
static double p99_with_policy(enum lb_policy policy, uint64_t *errors)
{
    struct scenario s;
    struct component *c;
    struct sim *sim;
    double p99;

    /* 10 cores at 5 ms serve 2000/s; round robin gives the small one
     * 700/s, more than its 400/s. */
    open_scenario(&s, 1400);
    c = scenario_add(&s, KIND_LB, "lb");
    c->policy = policy;
    c->lb_latency = 0;
    add_station(&s, "big", 8, 5 * NS_PER_MS);
    add_station(&s, "small", 2, 5 * NS_PER_MS);
    for (int i = 1; i <= 2; i++) {
        s.components[i].threads = 64;
        s.components[i].backlog = 64;
    }
    add_call(&s, "lb", "big");
    add_call(&s, "lb", "small");
    must_validate(&s);
    sim = run_for(&s, 3, 1, 20, 200);
    p99 = (double)hist_quantile(sim_latency_all(sim), 0.99) / NS_PER_MS;
    *errors = sim->end.errors;
    sim_destroy(sim);
    scenario_free(&s);
    return p99;
}

static void least_connections_beats_round_robin(void **state)
{
    uint64_t rr_errors, lc_errors;
    double rr, lc;

    (void)state;
    rr = p99_with_policy(LB_ROUND_ROBIN, &rr_errors);
    lc = p99_with_policy(LB_LEAST_CONN, &lc_errors);
    print_message("p99 round robin %.1fms (%llu errors), least "
                  "connections %.1fms (%llu errors)\n", rr,
                  (unsigned long long)rr_errors, lc,
                  (unsigned long long)lc_errors);
    assert_true(lc < rr / 2);
    assert_true(lc_errors <= rr_errors);
}

/* A server calling a database with a small pool and no queue for it. */
static void build_pool_scenario(struct scenario *s, double rate)
{
    struct component *db;

    open_scenario(s, rate);
    add_station(s, "api", 8, 1 * NS_PER_MS);
    db = scenario_add(s, KIND_DATABASE, "db");
    db->pool = 4;
    db->pool_queue = 2;
    db->cores = 8;
    db->read_time = 10 * NS_PER_MS;
    add_call(s, "api", "db");
    must_validate(s);
}

static void pool_exhaustion_rejects(void **state)
{
    struct scenario s;
    struct sim *sim;
    uint64_t rejected;

    (void)state;
    /* 4 connections at 10 ms hold at most 400 queries a second. */
    build_pool_scenario(&s, 100);
    sim = run_for(&s, 5, 1, 10, 100);
    assert_true(sim->cs[1].st.errors[ERR_POOL] < sim->end.arrivals / 200);
    sim_destroy(sim);
    scenario_free(&s);

    build_pool_scenario(&s, 800);
    sim = run_for(&s, 5, 1, 10, 100);
    rejected = sim->cs[1].st.errors[ERR_POOL];
    print_message("rejected for want of a connection: %llu of %llu\n",
                  (unsigned long long)rejected,
                  (unsigned long long)sim->end.arrivals);
    /* At least the excess over 400/s must be turned away. */
    assert_true(rejected > sim->end.arrivals * 0.4);
    assert_int_equal(sim->end.by_cause[ERR_POOL], rejected);
    sim_destroy(sim);
    scenario_free(&s);
}

/* Writes faster than a replica applies them: its lag keeps growing. */
static void replica_lag_grows(void **state)
{
    struct scenario s;
    struct component *db;
    struct sim *sim;
    double first, second;

    (void)state;
    open_scenario(&s, 150);
    s.mix[REQ_READ] = 0;
    s.mix[REQ_WRITE] = 1;
    add_station(&s, "api", 8, 1 * NS_PER_MS);
    db = scenario_add(&s, KIND_DATABASE, "db");
    db->replicas = 1;
    db->cores = 8;
    db->pool = 100;
    db->write_time = 2 * NS_PER_MS;
    db->apply_time = 10 * NS_PER_MS;      /* 100 writes/s at most */
    add_call(&s, "api", "db");
    must_validate(&s);

    sim = run_for(&s, 9, 1, 0, 10);
    first = sim->cs[1].st.lag_sum / (double)sim->cs[1].st.lag_n;
    sim_reset_window(sim);
    sim_run_until(sim, sim->now + 10 * NS_PER_S);
    second = sim->cs[1].st.lag_sum / (double)sim->cs[1].st.lag_n;
    print_message("replica lag: %.2fs then %.2fs\n", first / NS_PER_S,
                  second / NS_PER_S);
    /* 150 writes/s against 100 applied: lag rises 0.5 s per second. */
    assert_true(second > first + 3.0 * NS_PER_S);
    assert_true(rel_err((second - first) / NS_PER_S, 5.0) < 0.15);
    sim_destroy(sim);
    scenario_free(&s);
}

static char *ramp_output(const struct scenario *s, uint64_t seed)
{
    struct ramp_result res;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    assert_non_null(out);
    assert_int_equal(ramp_run(s, seed, &res, NULL, NULL), 0);
    assert_int_equal(report_write(out, FORMAT_JSON, s, seed, &res), 0);
    fclose(out);
    ramp_result_free(&res);
    return buf;
}

static void same_seed_same_output(void **state)
{
    struct scenario s;
    struct component *db;
    char *a, *b, *c;

    (void)state;
    scenario_init(&s);
    s.ramp.to = 3000;
    s.ramp.per_decade = 4;
    scenario_add(&s, KIND_SERVER, "api");
    db = scenario_add(&s, KIND_DATABASE, "db");
    db->replicas = 1;
    scenario_add(&s, KIND_CACHE, "cache");
    scenario_add(&s, KIND_QUEUE, "jobs");
    add_call(&s, "api", "cache");
    add_call(&s, "api", "db");
    add_call(&s, "api", "jobs");
    must_validate(&s);

    a = ramp_output(&s, 11);
    b = ramp_output(&s, 11);
    c = ramp_output(&s, 12);
    assert_string_equal(a, b);
    assert_true(strcmp(a, c) != 0);
    free(a);
    free(b);
    free(c);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1),
        cmocka_unit_test(mm4),
        cmocka_unit_test(mm16),
        cmocka_unit_test(jackson_tandem),
        cmocka_unit_test(least_connections_beats_round_robin),
        cmocka_unit_test(pool_exhaustion_rejects),
        cmocka_unit_test(replica_lag_grows),
        cmocka_unit_test(same_seed_same_output),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
