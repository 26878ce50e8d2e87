/*
 * test_faults.c - failures and recoveries: errors rise, then fall back;
 * a balancer stops sending to a dead instance within its health-check
 * interval; writes fail for as long as a failover takes; stalled workers
 * let the queue grow and drain it when they come back.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

static void add_failure(struct scenario *s, const char *target,
                        enum failure_kind kind, double at_s, double for_s)
{
    struct failure *f = &s->failures[s->nfailures++];

    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->at = (sim_ns)(at_s * NS_PER_S);
    f->duration = (sim_ns)(for_s * NS_PER_S);
    snprintf(f->component, sizeof f->component, "%s", target);
}

/* Errors of all causes seen end to end between two times. */
static uint64_t errors_between(struct sim *sim, double from_s, double to_s)
{
    sim_run_until(sim, (sim_ns)(from_s * NS_PER_S));
    sim_reset_window(sim);
    sim_run_until(sim, (sim_ns)(to_s * NS_PER_S));
    return sim->end.errors;
}

static void balancer_notices_a_dead_instance(void **state)
{
    struct scenario s;
    struct component *lb;
    struct sim *sim;
    uint64_t before, unnoticed, noticed, after;

    (void)state;
    open_scenario(&s, 200);
    lb = scenario_add(&s, KIND_LB, "lb");
    lb->policy = LB_ROUND_ROBIN;
    lb->health_interval = 2 * NS_PER_S;
    add_station(&s, "api", 4, 2 * NS_PER_MS)->instances = 2;
    add_call(&s, "lb", "api");
    add_failure(&s, "api", FAIL_INSTANCE, 10, 20);
    must_validate(&s);
    sim = sim_create(&s, 3);
    assert_non_null(sim);
    sim_set_users(sim, 1);

    before = errors_between(sim, 1, 10);
    unnoticed = errors_between(sim, 10, 12);
    noticed = errors_between(sim, 12.01, 30);
    after = errors_between(sim, 30.5, 40);
    print_message("errors: before %llu, before the health check %llu, "
                  "after it %llu, after recovery %llu\n",
                  (unsigned long long)before, (unsigned long long)unnoticed,
                  (unsigned long long)noticed, (unsigned long long)after);
    assert_int_equal(before, 0);
    /* Round robin sends half of 200/s to the dead one for 2 s. */
    assert_true(unnoticed > 150 && unnoticed < 250);
    assert_int_equal(noticed, 0);
    assert_int_equal(after, 0);
    sim_destroy(sim);
    scenario_free(&s);
}

static void writes_fail_during_failover(void **state)
{
    struct scenario s;
    struct component *db;
    struct sim *sim;
    uint64_t during, after;

    (void)state;
    open_scenario(&s, 100);
    s.mix[REQ_READ] = 0.5;
    s.mix[REQ_WRITE] = 0.5;
    add_station(&s, "api", 8, 1 * NS_PER_MS);
    db = scenario_add(&s, KIND_DATABASE, "db");
    db->replicas = 1;
    db->cores = 8;
    add_call(&s, "api", "db");
    add_failure(&s, "db", FAIL_PRIMARY, 5, 10);
    must_validate(&s);
    sim = sim_create(&s, 4);
    assert_non_null(sim);
    sim_set_users(sim, 1);

    assert_int_equal(errors_between(sim, 1, 5), 0);
    during = errors_between(sim, 5, 15);
    /* All of them for want of a primary, none of them reads. */
    assert_int_equal(sim->end.by_cause[ERR_NO_BACKEND], during);
    assert_int_equal(hist_mean(&sim->end.kind[REQ_READ]) > 0, 1);
    after = errors_between(sim, 15.1, 25);
    print_message("write errors during failover %llu (writes %.0f), after "
                  "%llu\n", (unsigned long long)during, 10 * 100 * 0.5,
                  (unsigned long long)after);
    /* All writes of those 10 s fail, and only writes. */
    assert_true(during > 400 && during < 600);
    assert_int_equal(after, 0);
    sim_destroy(sim);
    scenario_free(&s);
}

static void stalled_workers_let_the_queue_grow(void **state)
{
    struct scenario s;
    struct component *q;
    struct sim *sim;
    const struct pool *workers;
    int32_t stalled_depth;

    (void)state;
    open_scenario(&s, 50);
    s.mix[REQ_READ] = 0;
    s.mix[REQ_TASK] = 1;
    add_station(&s, "api", 4, 1 * NS_PER_MS);
    q = scenario_add(&s, KIND_QUEUE, "jobs");
    q->workers = 10;
    q->task_time = 50 * NS_PER_MS;
    add_call(&s, "api", "jobs");
    add_failure(&s, "jobs", FAIL_WORKERS, 5, 10);
    must_validate(&s);
    sim = sim_create(&s, 5);
    assert_non_null(sim);
    sim_set_users(sim, 1);

    sim_run_until(sim, 14 * NS_PER_S);
    workers = &sim->cs[1].pools[POOL_OUTER];
    stalled_depth = workers->waiting;
    sim_run_until(sim, 30 * NS_PER_S);
    print_message("queue depth while stalled %d, after %d\n", stalled_depth,
                  workers->waiting);
    /* 9 s of 50 tasks/s wait; afterwards the workers catch up. */
    assert_true(stalled_depth > 400);
    assert_true(workers->waiting < 20);
    sim_destroy(sim);
    scenario_free(&s);
}

static double mean_ms_between(struct sim *sim, double from_s, double to_s)
{
    sim_run_until(sim, (sim_ns)(from_s * NS_PER_S));
    sim_reset_window(sim);
    sim_run_until(sim, (sim_ns)(to_s * NS_PER_S));
    return hist_mean(sim_latency_all(sim)) / NS_PER_MS;
}

/* A dependency slowed by a factor: M/M/1 at rho 0.1 becomes rho 0.3
 * with three times the service, 11.1 ms becoming 42.9 ms, then back. */
static void a_slow_component_slows_then_recovers(void **state)
{
    struct scenario s;
    struct sim *sim;
    double before, during, after;

    (void)state;
    open_scenario(&s, 10);
    add_station(&s, "one", 1, 10 * NS_PER_MS);
    add_failure(&s, "one", FAIL_SLOW, 100, 200);
    s.failures[0].factor = 3;
    must_validate(&s);
    sim = sim_create(&s, 6);
    assert_non_null(sim);
    sim_set_users(sim, 1);
    before = mean_ms_between(sim, 5, 100);
    during = mean_ms_between(sim, 110, 300);
    after = mean_ms_between(sim, 310, 500);
    print_message("mean %.1fms, slowed %.1fms (M/M/1: 42.9), then %.1fms\n",
                  before, during, after);
    assert_true(fabs(during - 42.9) < 0.2 * 42.9);
    assert_true(fabs(after - before) < 0.25 * before);
    sim_destroy(sim);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(balancer_notices_a_dead_instance),
        cmocka_unit_test(writes_fail_during_failover),
        cmocka_unit_test(stalled_workers_let_the_queue_grow),
        cmocka_unit_test(a_slow_component_slows_then_recovers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
