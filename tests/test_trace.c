/*
 * test_trace.c - sampled traces and where the time goes: on an M/M/1
 * station waiting is rho of the time (Wq / W = rho); on a tandem each
 * station's share is its M/M/c time over the sum; the parts add up to
 * the whole; a region's round trip is the distance share.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "trace.h"

static double sum_parts(const struct scenario *s, const struct attribution *a)
{
    double sum = a->network_mean + a->distance_mean;

    for (int c = 0; c < s->ncomponents; c++)
        sum += a->mean[c].wait + a->mean[c].service;
    return sum;
}

static struct sim *traced_run(const struct scenario *s, double seconds)
{
    struct sim *sim = sim_create(s, 21);

    assert_non_null(sim);
    assert_int_equal(trace_enable(sim, 7), 0);
    sim_set_users(sim, 1);
    sim_run_until(sim, 100 * NS_PER_S);
    sim_reset_window(sim);
    sim_run_until(sim, sim->now + (sim_ns)(seconds * NS_PER_S));
    return sim;
}

static void mm1_waiting_is_rho(void **state)
{
    struct scenario s;
    struct attribution a;
    struct sim *sim;

    (void)state;
    open_scenario(&s, 80);                  /* 10 ms service: rho 0.8 */
    add_station(&s, "one", 1, 10 * NS_PER_MS);
    must_validate(&s);
    sim = traced_run(&s, 20000.0 / 80);
    assert_int_equal(attribute(sim, REQ_KIND_COUNT, &a), 0);
    print_message("%d traces: waiting %.3f, service %.3f, mean %.1fms "
                  "(M/M/1: 0.8, 0.2, 50ms)\n", a.ntraces, a.mean[0].wait,
                  a.mean[0].service, a.mean_ns / 1e6);
    assert_true(a.ntraces > 1000);
    assert_true(fabs(a.mean[0].wait - 0.8) < 0.05);
    assert_true(fabs(a.mean[0].service - 0.2) < 0.05);
    assert_true(fabs(sum_parts(&s, &a) - 1) < 0.01);
    /* The tail waits even more: in M/M/1 the slowest are those who
     * queued longest. */
    assert_true(a.tail[0].wait > a.mean[0].wait);
    attribution_free(&a);
    sim_destroy(sim);
    scenario_free(&s);
}

static void tandem_shares_follow_each_station(void **state)
{
    struct scenario s;
    struct attribution a;
    struct sim *sim;
    double lambda = 150, sa = 0.004, sb = 0.010;
    double wa = mmc_response(1, lambda, sa), wb = mmc_response(2, lambda, sb);

    (void)state;
    open_scenario(&s, lambda);
    add_station(&s, "front", 1, (sim_ns)(sa * NS_PER_S));
    add_station(&s, "back", 2, (sim_ns)(sb * NS_PER_S));
    add_call(&s, "front", "back");
    must_validate(&s);
    sim = traced_run(&s, 30000.0 / lambda);
    assert_int_equal(attribute(sim, REQ_KIND_COUNT, &a), 0);
    print_message("front %.3f (Jackson %.3f), back %.3f (%.3f)\n",
                  a.mean[0].wait + a.mean[0].service, wa / (wa + wb),
                  a.mean[1].wait + a.mean[1].service, wb / (wa + wb));
    assert_true(fabs(a.mean[0].wait + a.mean[0].service - wa / (wa + wb))
                < 0.03);
    assert_true(fabs(a.mean[1].wait + a.mean[1].service - wb / (wa + wb))
                < 0.03);
    assert_true(fabs(sum_parts(&s, &a) - 1) < 0.01);
    attribution_free(&a);
    sim_destroy(sim);
    scenario_free(&s);
}

static void distance_is_the_round_trip(void **state)
{
    struct scenario s;
    struct attribution a;
    struct sim *sim;

    (void)state;
    open_scenario(&s, 20);
    s.nregions = 1;
    snprintf(s.regions[0].name, NAME_BYTES, "far");
    s.regions[0].share = 1;
    s.regions[0].rtt = 100 * NS_PER_MS;
    add_station(&s, "one", 4, 10 * NS_PER_MS);
    must_validate(&s);
    sim = traced_run(&s, 500);
    assert_int_equal(attribute(sim, REQ_KIND_COUNT, &a), 0);
    print_message("distance %.3f of a mean of %.1fms\n", a.distance_mean,
                  a.mean_ns / 1e6);
    assert_true(fabs(a.distance_mean - 100e6 / a.mean_ns) < 0.01);
    assert_true(fabs(sum_parts(&s, &a) - 1) < 0.01);
    attribution_free(&a);
    sim_destroy(sim);
    scenario_free(&s);
}

static void exported_spans_link_up(void **state)
{
    struct scenario s;
    struct trace *traces = NULL;
    struct sim *sim;
    char *buf = NULL;
    size_t len = 0;
    FILE *out;
    int n;

    (void)state;
    open_scenario(&s, 50);
    scenario_add(&s, KIND_LB, "lb");
    add_station(&s, "api", 4, 2 * NS_PER_MS);
    scenario_add(&s, KIND_DATABASE, "db");
    add_call(&s, "lb", "api");
    add_call(&s, "api", "db");
    must_validate(&s);
    sim = traced_run(&s, 20);
    n = trace_copy(sim, &traces);
    assert_true(n > 50);
    /* lb hands over to api, which calls db: three spans, linked. */
    assert_int_equal(traces[0].nspans, 3);
    assert_int_equal(traces[0].spans[1].parent, 0);
    assert_int_equal(traces[0].spans[2].parent, 1);
    assert_true(traces[0].spans[2].leave <= traces[0].spans[1].leave);
    out = open_memstream(&buf, &len);
    assert_non_null(out);
    assert_int_equal(trace_write_json(out, &s, traces, n), 0);
    fclose(out);
    assert_non_null(strstr(buf, "\"parent_id\""));
    assert_non_null(strstr(buf, "\"name\":\"db\""));
    free(buf);
    free(traces);
    sim_destroy(sim);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mm1_waiting_is_rho),
        cmocka_unit_test(tandem_shares_follow_each_station),
        cmocka_unit_test(distance_is_the_round_trip),
        cmocka_unit_test(exported_spans_link_up),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
