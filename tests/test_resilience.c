/*
 * test_resilience.c - what callers and balancers do when calls go wrong,
 * each against a closed form or an exact count:
 *
 *   a call timeout cuts M/M/1's response tail at P(R > T) = e^-(mu-l)T;
 *   retries without a budget make 1 + max calls per request to a dead
 *   callee, with a budget 1 + budget; the backoff, by Little's law,
 *   holds threads for the sum of the doubling waits (half with jitter);
 *   a breaker lets through the calls that open it, then one trial per
 *   open period, and closes once the callee is back;
 *   a partition fails calls (as timeouts or at once) and then heals, and
 *   a balancer stops choosing a backend cut off from it within its
 *   health-check interval;
 *   a rate limit passes its rate; shedding on a backend's queue makes an
 *   M/M/1/N with Erlang's loss probability; a spike multiplies arrivals;
 *   the shipped retry storm stays broken exactly because its retries put
 *   the api past its capacity, and its twin's budget keeps it below.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario_yaml.h"
#include "support.h"
#include "timeline.h"

static struct failure *add_failure(struct scenario *s, const char *target,
                                   enum failure_kind kind, double at_s,
                                   double for_s)
{
    struct failure *f = &s->failures[s->nfailures++];

    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->at = (sim_ns)(at_s * NS_PER_S);
    f->duration = (sim_ns)(for_s * NS_PER_S);
    f->factor = 2;
    snprintf(f->component, sizeof f->component, "%s", target);
    return f;
}

static struct component *comp(struct scenario *s, const char *name)
{
    int i = scenario_find(s, name);

    assert_true(i >= 0);
    return &s->components[i];
}

/* Run from from_s to to_s with the window reset at from_s. */
static void window(struct sim *sim, double from_s, double to_s)
{
    sim_run_until(sim, (sim_ns)(from_s * NS_PER_S));
    sim_reset_window(sim);
    sim_run_until(sim, (sim_ns)(to_s * NS_PER_S));
}

/* web (no queueing of its own) calls api; rate requests per second. */
static void web_calls_api(struct scenario *s, double rate, sim_ns api_cpu)
{
    open_scenario(s, rate);
    add_station(s, "web", 1000, 1000);          /* 1 us, never queues */
    add_station(s, "api", 1, api_cpu);
    add_call(s, "web", "api");
}

static struct sim *start(struct scenario *s, uint64_t seed)
{
    struct sim *sim;

    must_validate(s);
    sim = sim_create(s, seed);
    assert_non_null(sim);
    sim_set_users(sim, 1);
    return sim;
}

/* --- Timeouts ------------------------------------------------------------ */

/* M/M/1 at rho 0.5 with 10 ms service: the response time is exponential
 * with rate mu - lambda = 50/s, so a 50 ms timeout fails e^-2.5 of the
 * calls; the abandoned ones are still served, so the station stays
 * M/M/1. */
static void a_call_timeout_cuts_the_mm1_tail(void **state)
{
    struct scenario s;
    struct sim *sim;
    double want = exp(-50.0 * 0.050), got;
    uint64_t done;

    (void)state;
    web_calls_api(&s, 50, 10 * NS_PER_MS);
    comp(&s, "web")->call_timeout = 50 * NS_PER_MS;
    sim = start(&s, 11);
    window(sim, 20, 620);
    done = sim->end.ok + sim->end.errors;
    got = (double)sim->end.errors / (double)done;
    print_message("timed out %.4f of %llu, e^-2.5 = %.4f\n", got,
                  (unsigned long long)done, want);
    assert_true(fabs(got - want) < 0.008);
    assert_int_equal(sim->end.by_cause[ERR_TIMEOUT], sim->end.errors);
    assert_int_equal(sim->cs[0].st.errors[ERR_TIMEOUT], sim->end.errors);
    /* The api kept serving every call: its throughput is lambda. */
    assert_true(fabs((double)sim->cs[1].st.done / 600 - 50) < 1.5);
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- Retries ------------------------------------------------------------- */

/* Calls reaching a dead api per request sent to web. */
static double calls_per_request(double budget)
{
    struct scenario s;
    struct sim *sim;
    double ratio;

    web_calls_api(&s, 200, NS_PER_MS);
    comp(&s, "web")->retries = 3;
    comp(&s, "web")->backoff = NS_PER_MS;
    comp(&s, "web")->retry_budget = budget;
    add_failure(&s, "api", FAIL_COMPONENT, 0, 0);
    sim = start(&s, 12);
    window(sim, 1, 101);
    ratio = (double)sim->cs[1].st.arrivals / (double)sim->cs[0].st.arrivals;
    assert_int_equal(sim->end.ok, 0);
    /* Every call beyond the first is a retry (give or take the few that
     * straddle the window's edges). */
    assert_true(llabs((long long)sim->cs[0].st.retries -
                      (long long)(sim->cs[1].st.arrivals -
                                  sim->cs[0].st.arrivals)) <= 8);
    sim_destroy(sim);
    scenario_free(&s);
    return ratio;
}

static void retries_multiply_calls_up_to_their_budget(void **state)
{
    double unbudgeted = calls_per_request(0);
    double budgeted = calls_per_request(0.1);

    (void)state;
    print_message("calls per request: %.4f without a budget (4), %.4f "
                  "with 10%% (1.1)\n", unbudgeted, budgeted);
    assert_true(fabs(unbudgeted - 4.0) < 0.002);
    assert_true(fabs(budgeted - 1.1) < 0.002);
}

/* Threads web holds (Little's law: lambda times the time held) when
 * every call fails at once and is retried three times. */
static double threads_held(bool jitter)
{
    struct scenario s;
    struct sim *sim;
    const struct pool *threads;
    double held;

    web_calls_api(&s, 100, NS_PER_MS);
    comp(&s, "web")->retries = 3;
    comp(&s, "web")->backoff = 20 * NS_PER_MS;
    comp(&s, "web")->jitter = jitter;
    add_failure(&s, "api", FAIL_COMPONENT, 0, 0);
    sim = start(&s, 13);
    window(sim, 2, 402);
    sim_flush_areas(sim);
    threads = &sim->cs[0].pools[POOL_OUTER];
    held = threads->busy_area / (400.0 * NS_PER_S);
    sim_destroy(sim);
    scenario_free(&s);
    return held;
}

static void backoff_doubles_and_jitter_halves_it(void **state)
{
    /* 20 + 40 + 80 ms of backoff and 1 us of CPU per request. */
    double plain = threads_held(false), jittered = threads_held(true);
    double want = 100 * (0.140 + 1e-6);

    (void)state;
    print_message("threads held: %.3f without jitter (%.3f), %.3f with "
                  "(%.3f)\n", plain, want, jittered, want / 2);
    assert_true(fabs(plain / want - 1) < 0.02);
    assert_true(fabs(jittered / (want / 2) - 1) < 0.04);
}

/* A request whose calls time out three times (the first try and two
 * retries) is one error at the caller, not three: every try is counted
 * among the caller's timed-out calls instead. */
static void a_request_fails_once_however_often_it_retried(void **state)
{
    struct scenario s;
    struct component *web;
    struct failure *cut;
    struct sim *sim;
    uint64_t requests;

    (void)state;
    web_calls_api(&s, 100, NS_PER_MS);
    web = comp(&s, "web");
    web->call_timeout = 50 * NS_PER_MS;
    web->retries = 2;
    web->backoff = 10 * NS_PER_MS;
    cut = add_failure(&s, "web", FAIL_PARTITION, 0, 0);
    snprintf(cut->peer, sizeof cut->peer, "api");
    sim = start(&s, 20);
    window(sim, 1, 101);
    requests = sim->end.errors;
    print_message("%llu requests failed; web counted %llu errors and %llu "
                  "timed-out calls\n", (unsigned long long)requests,
                  (unsigned long long)sim->cs[0].st.errors[ERR_TIMEOUT],
                  (unsigned long long)sim->cs[0].st.call_timeouts);
    assert_int_equal(sim->end.ok, 0);
    assert_true(llabs((long long)sim->cs[0].st.errors[ERR_TIMEOUT] -
                      (long long)requests) <= 2);
    assert_int_equal(sim->cs[0].st.call_errors,
                     sim->cs[0].st.errors[ERR_TIMEOUT]);
    assert_true(llabs((long long)sim->cs[0].st.call_timeouts -
                      3 * (long long)requests) <= 6);
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- Breaker ------------------------------------------------------------- */

static void a_breaker_opens_then_tries_once_per_period(void **state)
{
    struct scenario s;
    struct component *web;
    struct sim *sim;
    uint64_t tried, refused;

    (void)state;
    web_calls_api(&s, 100, NS_PER_MS);
    web = comp(&s, "web");
    web->breaker_errors = 0.5;
    web->breaker_window = 20;
    web->breaker_open = NS_PER_S;
    add_failure(&s, "api", FAIL_COMPONENT, 0, 10.5);
    sim = start(&s, 14);
    window(sim, 0, 10.4);
    tried = sim->cs[1].st.arrivals;
    refused = sim->cs[0].st.errors[ERR_BREAKER];
    print_message("calls let through while api was down: %llu (10 to "
                  "open, then 1 a second); refused %llu\n",
                  (unsigned long long)tried, (unsigned long long)refused);
    assert_true(tried >= 19 && tried <= 21);
    assert_int_equal(refused + tried, sim->cs[0].st.arrivals);
    /* Back at 10.5 s: the next trial (by 11.1 s) closes it. */
    window(sim, 11.2, 20);
    assert_int_equal(sim->end.errors, 0);
    assert_true(sim->end.ok > 800);
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- Partitions ---------------------------------------------------------- */

static void partition(struct scenario *s, const char *a, const char *b,
                      double at_s, double for_s)
{
    struct failure *f = add_failure(s, a, FAIL_PARTITION, at_s, for_s);

    snprintf(f->peer, sizeof f->peer, "%s", b);
}

static void a_partition_fails_calls_then_heals(void **state)
{
    for (int timed = 0; timed <= 1; timed++) {
        struct scenario s;
        struct sim *sim;
        uint64_t during;
        enum err_cause cause = timed ? ERR_TIMEOUT : ERR_UNREACHABLE;

        (void)state;
        web_calls_api(&s, 100, NS_PER_MS);
        if (timed)
            comp(&s, "web")->call_timeout = 100 * NS_PER_MS;
        partition(&s, "web", "api", 5, 5);
        sim = start(&s, 15);
        window(sim, 1, 5);
        assert_int_equal(sim->end.errors, 0);
        /* Calls sent in [5, 10) fail; timed ones 100 ms later. */
        window(sim, 5, 10.1);
        during = sim->end.by_cause[cause];
        print_message("%s: %llu failed during the partition (about 500)\n",
                      err_cause_name(cause), (unsigned long long)during);
        assert_int_equal(during, sim->end.errors);
        assert_true(during > 430 && during < 570);
        window(sim, 10.2, 20);
        assert_int_equal(sim->end.errors, 0);
        sim_destroy(sim);
        scenario_free(&s);
    }
}

static void a_balancer_gives_up_a_backend_cut_off_from_it(void **state)
{
    struct scenario s;
    struct component *lb;
    struct sim *sim;
    uint64_t unnoticed;

    (void)state;
    open_scenario(&s, 200);
    lb = scenario_add(&s, KIND_LB, "lb");
    lb->policy = LB_ROUND_ROBIN;
    lb->health_interval = 2 * NS_PER_S;
    add_station(&s, "a", 4, NS_PER_MS);
    add_station(&s, "b", 4, NS_PER_MS);
    add_call(&s, "lb", "a");
    add_call(&s, "lb", "b");
    partition(&s, "lb", "a", 10, 20);
    sim = start(&s, 16);
    window(sim, 10, 12);
    unnoticed = sim->end.by_cause[ERR_UNREACHABLE];
    print_message("sent across the partition before the health check: "
                  "%llu (about 200)\n", (unsigned long long)unnoticed);
    assert_true(unnoticed > 150 && unnoticed < 250);
    window(sim, 12.01, 30);
    assert_int_equal(sim->end.errors, 0);
    assert_int_equal(sim->cs[1].st.arrivals, 0);    /* all went to b */
    window(sim, 30.01, 40);
    assert_true(sim->cs[1].st.arrivals > 900);      /* a is back */
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- Balancer admission -------------------------------------------------- */

static void a_rate_limit_passes_its_rate(void **state)
{
    struct scenario s;
    struct component *lb;
    struct sim *sim;
    double passed;

    (void)state;
    open_scenario(&s, 1000);
    lb = scenario_add(&s, KIND_LB, "lb");
    lb->rate_limit = 500;
    add_station(&s, "api", 64, NS_PER_MS);
    add_call(&s, "lb", "api");
    sim = start(&s, 17);
    window(sim, 1, 101);
    passed = (double)sim->cs[1].st.arrivals / 100;
    print_message("passed %.1f/s of 1000/s offered, limit 500/s\n", passed);
    assert_true(fabs(passed - 500) < 5);
    assert_int_equal(sim->end.by_cause[ERR_RATE_LIMIT], sim->end.errors);
    sim_destroy(sim);
    scenario_free(&s);
}

/* M/M/1/N loss probability: (1 - rho) rho^N / (1 - rho^(N+1)). */
static double mm1n_loss(double rho, int n)
{
    return (1 - rho) * pow(rho, n) / (1 - pow(rho, n + 1));
}

static void shedding_on_a_queue_makes_an_mm1n(void **state)
{
    struct scenario s;
    struct component *lb, *api;
    struct sim *sim;
    double lost, want = mm1n_loss(0.8, 5);

    (void)state;
    open_scenario(&s, 80);
    lb = scenario_add(&s, KIND_LB, "lb");
    lb->lb_latency = 0;
    lb->shed_queue = 4;                 /* 1 served + 4 waiting: N = 5 */
    api = add_station(&s, "api", 1, 10 * NS_PER_MS);
    api->threads = 1;
    add_call(&s, "lb", "api");
    sim = start(&s, 18);
    window(sim, 10, 1010);
    lost = (double)sim->end.by_cause[ERR_SHED] /
           (double)(sim->end.ok + sim->end.errors);
    print_message("shed %.4f; M/M/1/5 at rho 0.8 loses %.4f\n", lost, want);
    assert_true(fabs(lost - want) < 0.006);
    assert_true(sim->cs[1].pools[POOL_OUTER].waiting <= 4);
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- Spikes -------------------------------------------------------------- */

static void a_spike_multiplies_arrivals_for_its_duration(void **state)
{
    struct scenario s;
    struct sim *sim;
    uint64_t during, after;

    (void)state;
    open_scenario(&s, 100);
    add_station(&s, "api", 64, NS_PER_MS);
    add_failure(&s, "", FAIL_SPIKE, 5, 5)->factor = 3;
    sim = start(&s, 19);
    window(sim, 5, 10);
    during = sim->end.arrivals;
    window(sim, 10, 15);
    after = sim->end.arrivals;
    print_message("arrivals in 5 s: %llu during the x3 spike (1500), %llu "
                  "after (500)\n", (unsigned long long)during,
                  (unsigned long long)after);
    assert_true(during > 1380 && during < 1620);
    assert_true(after > 430 && after < 570);
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- The shipped storm and its twin -------------------------------------- */

/* Load on api's cores as a share of them when every call is made
 * calls_each times: lambda * calls * S / cores. */
static double api_load(const struct scenario *s, double users,
                       double calls_each)
{
    const struct component *api = &s->components[scenario_find(s, "api")];

    return users * s->rate * calls_each *
           ((double)api->cpu[REQ_READ] / NS_PER_S) /
           (api->cores * api->instances);
}

static void load_shipped(struct scenario *s, const char *name)
{
    char path[256], err[1024];

    snprintf(path, sizeof path, "data/scenarios/%s.yaml", name);
    if (scenario_load_file(s, path, err, sizeof err) < 0)
        fail_msg("%s", err);
}

/* Mean of a timeline's figures over rows [from, to). */
static void settled(const struct timeline *t, int from, int to,
                    double *ok, double *errors)
{
    *ok = *errors = 0;
    for (int i = from; i < to; i++) {
        *ok += t->rows[i].ok / (to - from);
        *errors += t->rows[i].error_frac / (to - from);
    }
}

static void the_storm_outlives_its_spike_unless_retries_are_budgeted(
    void **state)
{
    struct scenario storm, twin;
    struct timeline ts, tt;
    const struct component *web;
    double users, ok, errors, full, budgeted, lambda;

    (void)state;
    load_shipped(&storm, "retry-storm");
    load_shipped(&twin, "retry-storm-budget");
    users = storm.ramp.target;
    lambda = users * storm.rate;
    web = &storm.components[scenario_find(&storm, "web")];
    /* Once every call times out, each is made 1 + max times. */
    full = api_load(&storm, users, 1 + web->retries);
    web = &twin.components[scenario_find(&twin, "web")];
    budgeted = api_load(&twin, users, 1 + web->retry_budget);
    print_message("api load: %.2f before the spike, %.2f in a storm, %.2f "
                  "with the budget\n", api_load(&storm, users, 1), full,
                  budgeted);
    assert_true(full > 1 && budgeted < 1);

    assert_int_equal(timeline_run(&storm, storm.seed, users, 70 * NS_PER_S,
                                  NS_PER_S, &ts), 0);
    assert_int_equal(timeline_run(&twin, twin.seed, users, 70 * NS_PER_S,
                                  NS_PER_S, &tt), 0);
    /* The spike ends at 25 s; look from 50 s to 70 s. */
    settled(&ts, 50, 70, &ok, &errors);
    print_message("storm after the spike: %.0f ok/s, %.1f%% errors\n", ok,
                  100 * errors);
    assert_true(errors > 0.9);
    settled(&tt, 50, 70, &ok, &errors);
    print_message("twin after the spike: %.0f ok/s of %.0f, %.2f%% "
                  "errors\n", ok, lambda, 100 * errors);
    assert_true(fabs(ok / lambda - 1) < 0.05);
    assert_true(errors < 0.001);
    timeline_free(&ts);
    timeline_free(&tt);
    scenario_free(&storm);
    scenario_free(&twin);
}

/* --- Files --------------------------------------------------------------- */

static const char resilient[] =
    "archsim: 1\n"
    "name: r\n"
    "entry: lb\n"
    "components:\n"
    "  - {name: lb, kind: lb, calls: [web], rate-limit: 2k/s,"
    " shed-queue: 50}\n"
    "  - name: web\n"
    "    kind: server\n"
    "    calls: [api]\n"
    "    call-timeout: 250ms\n"
    "    retry: {max: 2, backoff: 10ms, jitter: false, budget: 20%}\n"
    "    breaker: {errors: 40%, window: 50, open: 3s}\n"
    "  - {name: api, kind: service}\n"
    "failures:\n"
    "  - {at: 5s, fail: partition, component: web, peer: api, for: 2s}\n"
    "  - {at: 9s, fail: spike, factor: 4, for: 1s}\n";

static void check_loaded(const struct scenario *s)
{
    const struct component *lb = &s->components[0], *web = &s->components[1];

    assert_true(lb->rate_limit == 2000);
    assert_int_equal(lb->shed_queue, 50);
    assert_true(web->call_timeout == 250 * NS_PER_MS);
    assert_int_equal(web->retries, 2);
    assert_true(web->backoff == 10 * NS_PER_MS);
    assert_false(web->jitter);
    assert_true(fabs(web->retry_budget - 0.2) < 1e-12);
    assert_true(fabs(web->breaker_errors - 0.4) < 1e-12);
    assert_int_equal(web->breaker_window, 50);
    assert_true(web->breaker_open == 3 * NS_PER_S);
    assert_int_equal(s->failures[0].kind, FAIL_PARTITION);
    assert_string_equal(s->failures[0].peer, "api");
    assert_int_equal(s->failures[1].kind, FAIL_SPIKE);
    assert_true(s->failures[1].factor == 4);
}

static void settings_load_and_export_again(void **state)
{
    struct scenario s, again;
    char err[512], *text;

    (void)state;
    assert_int_equal(scenario_load_buffer(&s, "r.yaml", resilient,
                                          strlen(resilient), err,
                                          sizeof err), 0);
    check_loaded(&s);
    text = scenario_export_string(&s);
    assert_non_null(text);
    if (scenario_load_buffer(&again, "again.yaml", text, strlen(text), err,
                             sizeof err) < 0)
        fail_msg("%s\n%s", err, text);
    check_loaded(&again);
    free(text);
    scenario_free(&s);
    scenario_free(&again);
}

/* text, as bad.yaml, must be refused with want in the message. */
static void refused(const char *text, const char *want)
{
    struct scenario s;
    char err[512];

    assert_int_equal(scenario_load_buffer(&s, "bad.yaml", text, strlen(text),
                                          err, sizeof err), -1);
    print_message("%s\n", err);
    if (!strstr(err, want))
        fail_msg("wanted '%s' in: %s", want, err);
    scenario_free(&s);
}

static void expect_error(const char *failure_line, const char *want)
{
    char text[1024];

    snprintf(text, sizeof text,
             "archsim: 1\nname: bad\ncomponents:\n"
             "  - {name: web, kind: server, calls: [api]}\n"
             "  - {name: api, kind: service}\n"
             "failures:\n%s\n", failure_line);
    refused(text, want);
}

static void bad_failures_name_line_and_column(void **state)
{
    (void)state;
    expect_error("  - {at: 1s, fail: partition, component: web}",
                 "bad.yaml:7:5: a partition needs 'peer'");
    expect_error("  - {at: 1s, fail: partition, component: web, peer: db}",
                 "bad.yaml:7:53: peer: no component is called 'db'");
    expect_error("  - {at: 1s, fail: partition, component: web, peer: web}",
                 "cannot be cut off from itself");
    expect_error("  - {at: 1s, fail: slow, component: web, peer: api}",
                 "peer: only a partition has a peer");
    expect_error("  - {at: 1s, fail: slow}", "a failure needs 'component'");
    expect_error("  - {at: 1s, fail: workers, component: web}",
                 "bad.yaml:7:40: component: 'web' is a server; fail: workers "
                 "strikes only a queue");
    expect_error("  - {at: 1s, fail: spike, component: web}",
                 "a spike strikes the users, not a component");
}

static void a_group_on_the_wrong_kind_names_its_owners(void **state)
{
    (void)state;
    refused("archsim: 1\nname: bad\ncomponents:\n"
            "  - {name: lb, kind: lb, breaker: {errors: 10%}}\n",
            "'breaker' does not apply to an lb (only to server and "
            "service)");
}

/* One user who seldom sends: most seconds see nothing, and nothing in
 * them breaks the objectives; a second with one answer has no p99. */
static void an_empty_interval_breaks_nothing(void **state)
{
    struct scenario s;
    struct timeline t;
    int quiet = 0, lone = 0;

    (void)state;
    open_scenario(&s, 0.2);
    add_station(&s, "api", 4, NS_PER_MS);
    must_validate(&s);
    assert_int_equal(timeline_run(&s, 21, 1, 60 * NS_PER_S, NS_PER_S, &t),
                     0);
    for (int i = 0; i < t.nrows; i++) {
        if (t.rows[i].sent == 0) {
            quiet++;
            assert_true(t.rows[i].holds);
        } else if (t.rows[i].ok > 0) {
            lone++;
            assert_false(t.rows[i].p99_known);
        }
    }
    print_message("%d quiet seconds, %d with an answer\n", quiet, lone);
    assert_true(quiet > 30 && lone > 3);
    timeline_free(&t);
    scenario_free(&s);
}

static void retry_max_is_bounded(void **state)
{
    (void)state;
    refused("archsim: 1\nname: bad\ncomponents:\n"
            "  - {name: web, kind: server, retry: {max: 16}}\n",
            "bad.yaml:4:44: retry.max: 16 is out of range (0 to 15)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_call_timeout_cuts_the_mm1_tail),
        cmocka_unit_test(retries_multiply_calls_up_to_their_budget),
        cmocka_unit_test(backoff_doubles_and_jitter_halves_it),
        cmocka_unit_test(a_request_fails_once_however_often_it_retried),
        cmocka_unit_test(a_breaker_opens_then_tries_once_per_period),
        cmocka_unit_test(a_partition_fails_calls_then_heals),
        cmocka_unit_test(a_balancer_gives_up_a_backend_cut_off_from_it),
        cmocka_unit_test(a_rate_limit_passes_its_rate),
        cmocka_unit_test(shedding_on_a_queue_makes_an_mm1n),
        cmocka_unit_test(a_spike_multiplies_arrivals_for_its_duration),
        cmocka_unit_test(
            the_storm_outlives_its_spike_unless_retries_are_budgeted),
        cmocka_unit_test(settings_load_and_export_again),
        cmocka_unit_test(bad_failures_name_line_and_column),
        cmocka_unit_test(retry_max_is_bounded),
        cmocka_unit_test(a_group_on_the_wrong_kind_names_its_owners),
        cmocka_unit_test(an_empty_interval_breaks_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
