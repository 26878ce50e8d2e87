/*
 * support_queueing.c - closed forms and scenario builders for the tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

double erlang_c(int c, double a)
{
    /* Erlang B by its stable recurrence, then C from B. */
    double b = 1.0;
    double rho = a / c;

    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b / (1 - rho + rho * b);
}

double mmc_response(int c, double lambda, double service)
{
    double a = lambda * service;

    return service + erlang_c(c, a) * service / (c - a);
}

void open_scenario(struct scenario *s, double rate)
{
    scenario_init(s);
    s->user_model = USERS_OPEN;
    s->rate = rate;                 /* per user; the tests use 1 user */
    s->mix[REQ_STATIC] = 0;
    s->mix[REQ_READ] = 1;
    s->mix[REQ_WRITE] = 0;
    s->mix[REQ_TASK] = 0;
    s->hop = 0;
    s->objectives.p99 = 0;
}

struct component *add_station(struct scenario *s, const char *name,
                              int cores, sim_ns cpu_ns)
{
    struct component *c = scenario_add(s, KIND_SERVER, name);

    assert_non_null(c);
    c->cores = cores;
    c->threads = 1000000;
    c->backlog = 1000000;
    c->timeout = 1000LL * NS_PER_S;
    c->task_work = 0;
    c->dist = DIST_EXPONENTIAL;
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        c->cpu[k] = cpu_ns;
    return c;
}

void add_call(struct scenario *s, const char *from, const char *to)
{
    int i = scenario_find(s, from);
    struct component *c;

    assert_true(i >= 0);
    c = &s->components[i];
    assert_true(c->ncalls < MAX_CALLS);
    snprintf(c->call_names[c->ncalls++], NAME_BYTES, "%s", to);
}

void must_validate(struct scenario *s)
{
    char err[512] = "";
    int rc = scenario_validate(s, err, sizeof err);

    if (rc != 0)
        print_error("validate: %s\n", err);
    assert_int_equal(rc, 0);
}

struct sim *run_for(const struct scenario *s, uint64_t seed, double users,
                    double warm_s, double measure_s)
{
    struct sim *sim = sim_create(s, seed);

    assert_non_null(sim);
    sim_set_users(sim, users);
    sim_run_until(sim, (sim_ns)(warm_s * NS_PER_S));
    sim_reset_window(sim);
    sim_run_until(sim, sim->now + (sim_ns)(measure_s * NS_PER_S));
    sim_flush_areas(sim);
    return sim;
}
