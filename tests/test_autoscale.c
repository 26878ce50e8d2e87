/*
 * test_autoscale.c - autoscaling of servers' instances and queues'
 * workers, against what the model says it must do.
 *
 * The closed form behind the settling tests: an open stream of lambda
 * requests per second, each S seconds of CPU on one core, keeps
 * lambda * S cores busy (work conservation, whatever the queueing), so
 * instances of c cores run at utilisation lambda * S / (c * n), and the
 * count that meets a target t is N = lambda * S / (c * t). The policy
 * (src/autoscale.h) keeps n when n is within 10% of N and otherwise
 * wants ceil(N) from the utilisation it measured; either way a settled
 * count lies within one of N.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "autoscale.h"
#include "ramp.h"
#include "scenario_yaml.h"
#include "support.h"

#define MAX_CHANGES 512

/* A scaling note as the engine gave it. */
struct change {
    double t;                       /* simulated seconds */
    int from, to;
    bool order;                     /* "ordering", not yet in service */
    bool in;                        /* a scale-in */
    int draining;                   /* a scale-in: instances out of service
                                     * that still held requests */
};

struct changes {
    struct sim *sim;
    int comp;
    int n;
    struct change c[MAX_CHANGES];
};

/* Instances from active up that still hold a thread: they drain. */
static int draining(const struct sim *sim, int comp)
{
    const struct comp_state *cs = &sim->cs[comp];
    int n = 0;

    for (int i = cs->active; i < cs->ninst; i++)
        n += cs->pools[i * POOLS_PER_INST + POOL_OUTER].busy > 0;
    return n;
}

/* The engine's note callback: "api scaled in 6 -> 4 instances (...)". */
static void record(void *arg, sim_ns when, const char *text)
{
    struct changes *log = arg;
    const char *arrow = strstr(text, " -> ");
    const char *num;
    struct change *ch;

    if (!arrow || log->n == MAX_CHANGES)
        return;
    for (num = arrow; num > text && num[-1] != ' '; num--)
        ;
    ch = &log->c[log->n++];
    ch->t = (double)when / NS_PER_S;
    ch->from = atoi(num);
    ch->to = atoi(arrow + 4);
    ch->order = strstr(text, " ordering ") != NULL;
    ch->in = strstr(text, " scaled in ") != NULL;
    if (ch->in && log->sim->sc->components[log->comp].kind != KIND_QUEUE)
        ch->draining = draining(log->sim, log->comp);
}

static void watch(struct changes *log, struct sim *sim, int comp)
{
    memset(log, 0, sizeof *log);
    log->sim = sim;
    log->comp = comp;
    sim->note = record;
    sim->note_arg = log;
}

/* Changes of the count in service (not orders) at or after from_s. */
static int changes_since(const struct changes *log, double from_s)
{
    int n = 0;

    for (int i = 0; i < log->n; i++)
        n += !log->c[i].order && log->c[i].t >= from_s;
    return n;
}

/* One server of cores cores, S seconds of CPU a request, autoscaled
 * from start instances between lo and hi, for one open user sending
 * lambda requests a second (reads only, no hops). */
static struct component *autoscaled_server(struct scenario *s, double lambda,
                                           int cores, double cpu_s,
                                           int start, int lo, int hi)
{
    struct component *c;

    open_scenario(s, lambda);
    c = add_station(s, "api", cores, (sim_ns)(cpu_s * NS_PER_S));
    c->instances = start;
    c->autoscale.target = 0.6;
    c->autoscale.min = lo;
    c->autoscale.max = hi;
    c->autoscale.cooldown = 60 * NS_PER_S;
    c->autoscale.delay = 90 * NS_PER_S;
    c->autoscale.interval = 10 * NS_PER_S;
    return c;
}

static double need(double lambda, double cpu_s, int cores, double target)
{
    return lambda * cpu_s / (cores * target);
}

/* CPU utilisation of comp over the window: busy core time of every
 * instance over the core time of those in service on average. */
static double window_cpu(struct sim *sim, int comp)
{
    const struct comp_state *cs = &sim->cs[comp];
    double busy = 0, window = (double)(sim->now - sim->window_start);

    sim_flush_areas(sim);
    for (int i = 0; i < cs->ninst; i++)
        busy += inst_pool(sim, comp, i, POOL_CORES)->busy_area;
    return busy / (window * sim->sc->components[comp].cores *
                   autoscale_mean_count(sim, comp));
}

static void run_s(struct sim *sim, double t_s)
{
    sim_run_until(sim, (sim_ns)llround(t_s * NS_PER_S));
}

/* --- (a) a steady load: settles near N and stays -------------------------- */

static void settles(double lambda, double cpu_s, int cores, int start,
                    uint64_t seed)
{
    struct scenario s;
    struct changes log;
    struct sim *sim;
    double n = need(lambda, cpu_s, cores, 0.6), mean, u;
    const double hours = 4, half = hours * 3600 / 2;
    int count;

    autoscaled_server(&s, lambda, cores, cpu_s, start, 1, 100);
    must_validate(&s);
    sim = sim_create(&s, seed);
    assert_non_null(sim);
    watch(&log, sim, 0);
    sim_set_users(sim, 1);
    run_s(sim, half);
    sim_reset_window(sim);
    run_s(sim, 2 * half);
    sim_flush_areas(sim);
    count = autoscale_count(sim, 0);
    mean = autoscale_mean_count(sim, 0);
    u = window_cpu(sim, 0);
    print_message("lambda %.0f/s, S %.0f ms, %d cores: N = %.2f; settled at "
                  "%d (mean %.3f in the second half, utilisation %.3f), "
                  "%d changes in all, %d in the second half\n", lambda,
                  cpu_s * 1e3, cores, n, count, mean, u,
                  changes_since(&log, 0), changes_since(&log, half));
    assert_true(fabs(count - n) <= 1);
    assert_true(fabs(mean - n) <= 1);
    /* Settled: at most one change in the second half of the run. */
    assert_true(changes_since(&log, half) <= 1);
    /* Utilisation at the settled count is what the closed form says. */
    assert_true(fabs(u / (lambda * cpu_s / (cores * mean)) - 1) < 0.03);
    sim_destroy(sim);
    scenario_free(&s);
}

static void settles_without_oscillating(void **state)
{
    (void)state;
    settles(108, 0.050, 2, 1, 11);      /* N = 4.5, from 1 instance */
    settles(210, 0.050, 2, 30, 12);     /* N = 8.75, down from 30 */
    settles(250, 0.020, 4, 2, 13);      /* N = 2.08 */
}

/* Behind a balancer, every policy sends only to instances in service. */
static void balancers_skip_instances_out_of_service(void **state)
{
    static const enum lb_policy policies[] = {
        LB_ROUND_ROBIN, LB_LEAST_CONN, LB_RANDOM, LB_P2C,
    };

    (void)state;
    for (size_t k = 0; k < sizeof policies / sizeof *policies; k++) {
        struct scenario s;
        struct component *lb;
        struct sim *sim;
        uint64_t sent_out = 0, sent_in = 0;
        int api, active;
        uint32_t changes;

        autoscaled_server(&s, 108, 2, 0.050, 12, 1, 20);
        lb = scenario_add(&s, KIND_LB, "lb");
        lb->policy = policies[k];
        lb->lb_latency = 0;
        snprintf(s.entry_name, sizeof s.entry_name, "lb");
        add_call(&s, "lb", "api");
        must_validate(&s);
        api = scenario_find(&s, "api");
        sim = sim_create(&s, 21 + k);
        assert_non_null(sim);
        sim_set_users(sim, 1);
        run_s(sim, 1800);
        changes = sim->cs[api].scale->changes;
        sim_reset_window(sim);
        run_s(sim, 2400);
        active = sim->cs[api].active;
        for (int i = 0; i < sim->cs[api].ninst; i++) {
            uint64_t g = inst_pool(sim, api, i, POOL_OUTER)->grants;

            if (i < active)
                sent_in += g;
            else
                sent_out += g;
        }
        print_message("%s: %d of %d in service, %llu requests to them, "
                      "%llu to the others\n", policy_name(policies[k]),
                      active, sim->cs[api].ninst,
                      (unsigned long long)sent_in,
                      (unsigned long long)sent_out);
        /* It scaled in from 12, then held its count for the window. */
        assert_true(changes >= 1);
        assert_int_equal(sim->cs[api].scale->changes, changes);
        assert_true(active < 12);
        assert_true(sent_in > 0);
        assert_int_equal(sent_out, 0);
        sim_destroy(sim);
        scenario_free(&s);
    }
}

/* --- (b) provisioning delay ----------------------------------------------- */

static void scales_out_after_the_delay(void **state)
{
    const double delays[] = {90, 0};

    (void)state;
    for (size_t k = 0; k < sizeof delays / sizeof *delays; k++) {
        struct scenario s;
        struct component *c;
        struct changes log;
        struct sim *sim;
        double order_at, ready_at;
        int want;

        /* N = 4.5 on 2 instances: saturated, so u = 1 at the first look. */
        c = autoscaled_server(&s, 108, 2, 0.050, 2, 1, 20);
        c->autoscale.delay = (sim_ns)(delays[k] * NS_PER_S);
        must_validate(&s);
        sim = sim_create(&s, 5);
        assert_non_null(sim);
        watch(&log, sim, 0);
        sim_set_users(sim, 1);
        order_at = (double)c->autoscale.interval / NS_PER_S;
        ready_at = order_at + delays[k];
        run_s(sim, order_at);           /* every event before the look */
        assert_int_equal(log.n, 0);
        sim_run_until(sim, (sim_ns)(order_at * NS_PER_S) + 1);
        assert_true(sim->cs[0].scale->last_util > 0.95);
        want = (int)ceil(2 * sim->cs[0].scale->last_util / 0.6);
        if (delays[k] > 0) {
            assert_int_equal(log.n, 1);
            assert_true(log.c[0].order);
            assert_int_equal(log.c[0].to, want);
            /* Ordered, not in service: nothing changes until ready. */
            run_s(sim, ready_at);
            assert_int_equal(sim->cs[0].active, 2);
            assert_int_equal(autoscale_count(sim, 0), 2);
        }
        sim_run_until(sim, (sim_ns)(ready_at * NS_PER_S) + 1);
        print_message("delay %.0fs: ordered %d at %.0fs, in service at "
                      "%.0fs\n", delays[k], want, order_at, ready_at);
        assert_int_equal(sim->cs[0].active, want);
        assert_int_equal(autoscale_count(sim, 0), want);
        assert_true(log.n >= 1);
        assert_false(log.c[log.n - 1].order);
        assert_true(fabs(log.c[log.n - 1].t - ready_at) < 1e-9);
        sim_destroy(sim);
        scenario_free(&s);
    }
}

/* --- (c) cool-down -------------------------------------------------------- */

/* From 8 instances at a load that needs 2: the first look wants fewer,
 * and the count holds until a whole cool-down of such looks. */
static double first_scale_in(double cooldown_s, int *to)
{
    struct scenario s;
    struct component *c;
    struct changes log;
    struct sim *sim;
    double t = -1;

    c = autoscaled_server(&s, 48, 2, 0.050, 8, 1, 20);
    c->autoscale.cooldown = (sim_ns)(cooldown_s * NS_PER_S);
    must_validate(&s);
    sim = sim_create(&s, 9);
    assert_non_null(sim);
    watch(&log, sim, 0);
    sim_set_users(sim, 1);
    run_s(sim, 10 + cooldown_s);
    assert_int_equal(sim->cs[0].active, 8);
    assert_int_equal(log.n, 0);
    sim_run_until(sim, (sim_ns)((10 + cooldown_s) * NS_PER_S) + 1);
    if (log.n == 1 && log.c[0].in) {
        t = log.c[0].t;
        *to = log.c[0].to;
    }
    sim_destroy(sim);
    scenario_free(&s);
    return t;
}

static void scales_in_after_the_cooldown(void **state)
{
    const double cooldowns[] = {0, 60, 300};

    (void)state;
    for (size_t k = 0; k < sizeof cooldowns / sizeof *cooldowns; k++) {
        int to = 0;
        double t = first_scale_in(cooldowns[k], &to);

        print_message("cool-down %.0fs: 8 -> %d at %.0fs\n", cooldowns[k],
                      to, t);
        /* The first look (10 s) wants fewer; the count holds for the
         * cool-down and changes at the look that ends it. */
        assert_true(fabs(t - (10 + cooldowns[k])) < 1e-9);
        assert_true(abs(to - 2) <= 1);  /* N = 48 * 0.05 / 1.2 = 2 */
    }
}

/* After a scale-out, no scale-in before the cool-down since it. */
static void no_scale_in_within_the_cooldown_of_a_change(void **state)
{
    struct scenario s;
    struct component *c;
    struct changes log;
    struct sim *sim;
    double out_at = -1, in_at = -1;

    (void)state;
    c = autoscaled_server(&s, 1, 2, 0.050, 2, 1, 20);
    c->autoscale.delay = 30 * NS_PER_S;
    c->autoscale.cooldown = 120 * NS_PER_S;
    must_validate(&s);
    sim = sim_create(&s, 17);
    assert_non_null(sim);
    watch(&log, sim, 0);
    sim_set_users(sim, 200);            /* 200/s: N = 8.3, saturated */
    run_s(sim, 15);                     /* the order goes out at 10 s */
    sim_set_users(sim, 20);             /* then 20/s: N = 0.8 */
    run_s(sim, 600);
    for (int i = 0; i < log.n; i++) {
        if (!log.c[i].order && !log.c[i].in && out_at < 0)
            out_at = log.c[i].t;
        if (log.c[i].in && in_at < 0)
            in_at = log.c[i].t;
    }
    print_message("scaled out at %.0fs, first scale-in at %.0fs "
                  "(cool-down 120s)\n", out_at, in_at);
    assert_true(fabs(out_at - 40) < 1e-9);
    assert_true(in_at >= out_at + 120);
    assert_true(in_at <= out_at + 120 + 2 * 10);
    assert_true(sim->cs[0].active <= 2);        /* N = 0.83 */
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- (d) min and max ------------------------------------------------------ */

static void keeps_within_min_and_max(void **state)
{
    const struct { double lambda; int start, lo, hi, expect; } cases[] = {
        {2000, 2, 1, 6, 6},             /* N = 83: stops at max */
        {1, 10, 3, 20, 3},              /* N = 0.04: stops at min */
        {1, 1, 3, 20, 3},               /* starts at min, not below */
        {2000, 9, 1, 6, 6},             /* starts at max, not above */
    };

    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        struct scenario s;
        struct sim *sim;
        int lowest = 1 << 30, highest = 0;

        autoscaled_server(&s, cases[k].lambda, 2, 0.050, cases[k].start,
                          cases[k].lo, cases[k].hi);
        must_validate(&s);
        sim = sim_create(&s, 31 + k);
        assert_non_null(sim);
        sim_set_users(sim, 1);
        for (int t = 0; t <= 1800; t += 5) {
            int n;

            run_s(sim, t);
            n = autoscale_count(sim, 0);
            assert_int_equal(n, sim->cs[0].active);
            lowest = n < lowest ? n : lowest;
            highest = n > highest ? n : highest;
        }
        print_message("range %d-%d from %d: seen %d to %d, ends at %d\n",
                      cases[k].lo, cases[k].hi, cases[k].start, lowest,
                      highest, sim->cs[0].active);
        assert_true(lowest >= cases[k].lo);
        assert_true(highest <= cases[k].hi);
        assert_int_equal(sim->cs[0].active, cases[k].expect);
        assert_int_equal(sim->cs[0].ninst, cases[k].hi);
        sim_destroy(sim);
        scenario_free(&s);
    }
}

/* --- Nothing lost --------------------------------------------------------- */

/* The load rises and falls so that instances are taken out while they
 * hold requests; when the users stop, every request has an answer. */
static void scale_in_drains_and_loses_nothing(void **state)
{
    static const double rates[] = {200, 20, 240, 10, 160, 5};
    struct scenario s;
    struct component *c, *lb;
    struct changes log;
    struct sim *sim;
    int api, ins = 0, drained = 0;

    (void)state;
    c = autoscaled_server(&s, 1, 2, 0.200, 2, 1, 40);
    c->autoscale.delay = 20 * NS_PER_S;
    c->autoscale.cooldown = 20 * NS_PER_S;
    lb = scenario_add(&s, KIND_LB, "lb");
    lb->policy = LB_LEAST_CONN;
    snprintf(s.entry_name, sizeof s.entry_name, "lb");
    add_call(&s, "lb", "api");
    must_validate(&s);
    api = scenario_find(&s, "api");
    sim = sim_create(&s, 41);
    assert_non_null(sim);
    watch(&log, sim, api);
    for (size_t k = 0; k < sizeof rates / sizeof *rates; k++) {
        sim_set_users(sim, rates[k]);
        run_s(sim, 300.0 * (double)(k + 1));
    }
    sim_set_users(sim, 0);
    run_s(sim, 3600);
    for (int i = 0; i < log.n; i++) {
        ins += log.c[i].in;
        drained += log.c[i].draining;
    }
    print_message("%llu sent, %llu answered, %llu errors; %d scale-ins, "
                  "%d instances drained with requests in hand; %u in "
                  "flight at the end\n",
                  (unsigned long long)sim->end.arrivals,
                  (unsigned long long)sim->end.ok,
                  (unsigned long long)sim->end.errors, ins, drained,
                  sim->inflight);
    assert_true(ins >= 2);
    assert_true(drained >= 1);
    assert_int_equal(sim->inflight, 0);
    assert_int_equal(sim->end.errors, 0);
    assert_true(sim->end.ok == sim->end.arrivals);
    for (int i = 0; i < sim->cs[api].ninst * POOLS_PER_INST; i++) {
        assert_int_equal(sim->cs[api].pools[i].busy, 0);
        assert_int_equal(sim->cs[api].pools[i].waiting, 0);
    }
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- Queues: workers ------------------------------------------------------ */

static void queue_workers_settle_and_finish_their_tasks(void **state)
{
    struct scenario s;
    struct component *q;
    struct sim *sim;
    const double lambda = 300, task_s = 0.020;
    double n = lambda * task_s / 0.6;   /* N = 10 workers */
    double mean;
    int jobs, count;

    (void)state;
    open_scenario(&s, lambda);
    s.mix[REQ_READ] = 0;
    s.mix[REQ_TASK] = 1;
    add_station(&s, "api", 64, 100 * NS_PER_US);
    q = scenario_add(&s, KIND_QUEUE, "jobs");
    assert_non_null(q);
    q->workers = 2;
    q->task_time = (sim_ns)(task_s * NS_PER_S);
    q->publish_time = 0;
    q->autoscale.target = 0.6;
    q->autoscale.min = 1;
    q->autoscale.max = 50;
    add_call(&s, "api", "jobs");
    must_validate(&s);
    jobs = scenario_find(&s, "jobs");
    sim = sim_create(&s, 51);
    assert_non_null(sim);
    sim_set_users(sim, 1);
    run_s(sim, 3600);
    sim_reset_window(sim);
    run_s(sim, 7200);
    count = autoscale_count(sim, jobs);
    mean = autoscale_mean_count(sim, jobs);
    print_message("tasks %.0f/s of %.0f ms: N = %.1f workers; settled at "
                  "%d (mean %.3f in the second half)\n", lambda,
                  task_s * 1e3, n, count, mean);
    assert_true(fabs(count - n) <= 1);
    assert_true(fabs(mean - n) <= 1);
    assert_int_equal(inst_pool(sim, jobs, 0, POOL_OUTER)->cap, count);
    sim_set_users(sim, 0);
    run_s(sim, 9000);
    /* Every task was done, by the workers that were in service. */
    assert_int_equal(sim->inflight, 0);
    assert_int_equal(sim->end.errors, 0);
    assert_int_equal(inst_pool(sim, jobs, 0, POOL_OUTER)->busy, 0);
    assert_int_equal(autoscale_count(sim, jobs), 1);
    sim_destroy(sim);
    scenario_free(&s);
}

/* --- The ramp: settled steps, their counts and the cost ------------------ */

static void ramp_measures_settled_counts_and_prices_them(void **state)
{
    struct scenario s;
    struct component *c;
    struct ramp_result res;
    const double users[] = {30, 300};
    const double cpu_s = 0.020;

    (void)state;
    c = autoscaled_server(&s, 1, 2, cpu_s, 1, 1, 50);
    c->price_hour = 0.1;
    /* A server's own bounds: while it is short of instances, it turns
     * requests away rather than build a backlog for minutes to come. */
    c->threads = 200;
    c->backlog = 100;
    s.ramp = (struct ramp){users[0], users[1], 1, users[1]};
    must_validate(&s);
    assert_int_equal(ramp_run(&s, 61, &res, NULL, NULL), 0);
    assert_int_equal(res.nsteps, 2);
    for (int i = 0; i < res.nsteps; i++) {
        const struct comp_result *cr = &res.steps[i].comps[0];
        double n = need(users[i], cpu_s, 2, 0.6);

        print_message("%.0f users: N = %.2f, %.3f instances in the "
                      "window, cpu %.3f\n", users[i], n, cr->instances,
                      cr->cpu);
        /* The warm-up waited for the autoscaler: one count all window. */
        assert_false(res.steps[i].unsettled);
        assert_true(cr->instances == floor(cr->instances));
        assert_true(fabs(cr->instances - n) <= 1);
        assert_true(fabs(cr->cpu - users[i] * cpu_s /
                                   (2 * cr->instances)) < 0.05);
    }
    /* Priced at the target step's mean instances. */
    assert_true(fabs(res.cost - 0.1 * 730 * res.steps[1].comps[0].instances)
                < 1e-6);
    ramp_result_free(&res);

    /* A delay longer than a warm-up may last: measured, and marked. */
    s.components[0].autoscale.delay = (sim_ns)(2 * RAMP_SETTLE_MAX_S *
                                               NS_PER_S);
    assert_int_equal(ramp_run(&s, 61, &res, NULL, NULL), 0);
    assert_false(res.steps[0].unsettled);
    assert_true(res.steps[1].unsettled);
    assert_true(res.steps[1].comps[0].instances == 1);
    ramp_result_free(&res);
    scenario_free(&s);
}

/* --- (e) the loader ------------------------------------------------------- */

/* "t.yaml:LINE:COL:" of the first needle in text, counted here. */
static void place_of(const char *text, const char *needle, char *out,
                     size_t len)
{
    const char *at = strstr(text, needle);
    int line = 1, col = 1;

    assert_non_null(at);
    for (const char *p = text; p < at; p++) {
        col = *p == '\n' ? 1 : col + 1;
        line += *p == '\n';
    }
    snprintf(out, len, "t.yaml:%d:%d:", line, col);
}

static void refused_at(const char *settings, const char *needle,
                       const char *says)
{
    char text[1024], err[1024] = "", place[64];
    struct scenario s;
    int rc;

    snprintf(text, sizeof text, "components:\n  - name: api\n"
             "    kind: server\n%s", settings);
    place_of(text, needle, place, sizeof place);
    rc = scenario_load_buffer(&s, "t.yaml", text, strlen(text), err,
                              sizeof err);
    scenario_free(&s);
    if (rc == 0 || strncmp(err, place, strlen(place)) != 0 ||
        !strstr(err, says))
        fail_msg("for:\n%s\nwanted '%s ... %s', got '%s'", settings, place,
                 says, err);
}

static void loader_names_line_and_column(void **state)
{
    (void)state;
    refused_at("    autoscale: {target: 0%, max: 4}\n", "0%", "target");
    refused_at("    autoscale: {target: 100%, max: 4}\n", "100%", "target");
    refused_at("    autoscale: {min: 0, max: 4}\n", "0,", "min");
    refused_at("    autoscale: {max: 10001}\n", "10001", "max");
    refused_at("    autoscale: {max: -1}\n", "-1", "max");
    refused_at("    autoscale: {max: 4, delay: 5}\n", "5}", "delay");
    refused_at("    autoscale: {max: 4, interval: 100ms}\n", "100ms",
               "interval");
    refused_at("    autoscale: {min: 5, max: 2}\n", "5,",
               "min (5) is above max (2)");
    refused_at("    autoscale.max: 2\n    autoscale.min: 3\n", "3\n",
               "min (3) is above max (2)");
    refused_at("    autoscale: {target: 50%, min: 2}\n", "autoscale",
               "'max' is needed");
    refused_at("    autoscale.cooldown: 30s\n", "autoscale",
               "'max' is needed");
    refused_at("    autoscale: {max: 4, tagret: 50%}\n", "tagret",
               "target");
}

static void loader_reads_and_validates_a_range(void **state)
{
    const char *text =
        "components:\n"
        "  - {name: api, kind: server, instances: 50,\n"
        "     autoscale: {target: 70%, min: 2, max: 20, cooldown: 2m,\n"
        "                 delay: 45s, interval: 5s}}\n"
        "  - {name: jobs, kind: queue, autoscale: {max: 8}}\n";
    char err[1024] = "";
    struct scenario s;
    const struct component *api, *jobs;

    (void)state;
    assert_int_equal(scenario_load_buffer(&s, "t.yaml", text, strlen(text),
                                          err, sizeof err), 0);
    api = &s.components[0];
    jobs = &s.components[1];
    assert_true(component_autoscales(api));
    assert_true(fabs(api->autoscale.target - 0.7) < 1e-12);
    assert_int_equal(api->autoscale.min, 2);
    assert_int_equal(api->autoscale.max, 20);
    assert_int_equal(api->autoscale.cooldown, 120 * NS_PER_S);
    assert_int_equal(api->autoscale.delay, 45 * NS_PER_S);
    assert_int_equal(api->autoscale.interval, 5 * NS_PER_S);
    /* 50 instances to start with, lowered to the max. */
    assert_int_equal(component_start_count(api), 20);
    assert_true(component_autoscales(jobs));
    assert_int_equal(component_start_count(jobs), 4);
    /* Before a run, the cost counts the starting instances. */
    assert_true(fabs(scenario_monthly_cost(&s) -
                     730 * (20 * api->price_hour + jobs->price_hour)) < 1e-6);
    /* The TUI sets one key at a time: the whole is checked after. */
    s.components[0].autoscale.min = 30;
    assert_int_not_equal(scenario_validate(&s, err, sizeof err), 0);
    assert_non_null(strstr(err, "autoscale.min (30) is above"));
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(settles_without_oscillating),
        cmocka_unit_test(balancers_skip_instances_out_of_service),
        cmocka_unit_test(scales_out_after_the_delay),
        cmocka_unit_test(scales_in_after_the_cooldown),
        cmocka_unit_test(no_scale_in_within_the_cooldown_of_a_change),
        cmocka_unit_test(keeps_within_min_and_max),
        cmocka_unit_test(scale_in_drains_and_loses_nothing),
        cmocka_unit_test(queue_workers_settle_and_finish_their_tasks),
        cmocka_unit_test(ramp_measures_settled_counts_and_prices_them),
        cmocka_unit_test(loader_names_line_and_column),
        cmocka_unit_test(loader_reads_and_validates_a_range),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
