/*
 * ramp.c - stepping the users up, measuring each step, and judging the
 * objectives.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscale.h"
#include "ramp.h"

/* Requests wanted per batch: ten batches give a p99 from the slowest
 * hundred or more answers of each. */
#define BATCH_REQUESTS  2000.0
#define BATCH_MIN_NS    (200 * NS_PER_MS)   /* a window of 2 s at least */
#define BATCH_MAX_NS    (30 * NS_PER_S)     /* and 300 s at most */
#define MAX_BATCH_ARRIVALS 40000.0
#define MAX_STEPS       1000


/* Student's t at 97.5% for RAMP_BATCHES - 1 = 9 degrees of freedom. */
#define T_975_9 2.262

int ramp_steps(const struct ramp *ramp, double *users, int max)
{
    int n = 0;
    double last = -1;

    for (int i = 0; n < max; i++) {
        double u = ramp->from * pow(10.0, (double)i / ramp->per_decade);
        double rounded;

        if (u > ramp->to * (1 + 1e-9))
            u = ramp->to;
        rounded = u < 1 ? u : floor(u + 0.5);
        if (rounded != last)
            users[n++] = rounded;
        last = rounded;
        if (u >= ramp->to)
            break;
    }
    return n;
}

/* --- Figures of one component ------------------------------------------- */

static double pool_util(const struct pool *p, double window)
{
    if (p->cap <= 0 || window <= 0)
        return 0;
    return p->busy_area / (window * p->cap);
}

static double busiest(double a, double b)
{
    return a > b ? a : b;
}

/* Utilisation of each kind of pool: the mean over instances, and for
 * databases the busiest node (a hot primary is not hidden by idle
 * replicas). An autoscaled server's mean is over the instances it had
 * in service on average (out->instances), draining ones' work added. */
static void pool_figures(const struct sim *sim, int c, double window,
                         struct comp_result *out)
{
    const struct comp_state *cs = &sim->cs[c];
    bool per_node = sim->sc->components[c].kind == KIND_DATABASE;
    bool queue = sim->sc->components[c].kind == KIND_QUEUE;
    double n = cs->scale && !queue ? out->instances : cs->ninst;

    for (int i = 0; i < cs->ninst; i++) {
        const struct pool *p = &cs->pools[i * POOLS_PER_INST];
        double outer = pool_util(&p[POOL_OUTER], window);
        double cores = pool_util(&p[POOL_CORES], window);
        double lock = pool_util(&p[POOL_LOCK], window);

        if (per_node) {
            out->pool = busiest(out->pool, outer);
            out->cpu = busiest(out->cpu, cores);
            out->lock = busiest(out->lock, lock);
        } else {
            out->pool += outer / n;
            out->cpu += cores / n;
        }
        for (int k = 0; k < POOLS_PER_INST; k++)
            out->waiting += p[k].wait_area / window;
    }
    out->util = busiest(out->pool, busiest(out->cpu, out->lock));
}

static void queue_figures(const struct sim *sim, int c, double window,
                          struct comp_result *out)
{
    const struct pool *workers = &sim->cs[c].pools[POOL_OUTER];

    /* Autoscaled workers: over those there were on average, not the
     * pool's capacity at the end. */
    if (sim->cs[c].scale && out->instances > 0) {
        out->pool = workers->busy_area / (window * out->instances);
        out->util = busiest(out->pool, busiest(out->cpu, out->lock));
    }
    out->depth = workers->wait_area / window;
    if (workers->waiting > 0)
        out->oldest = (double)(sim->now - sim->reqs[workers->head].start);
}

void ramp_comp_figures(const struct sim *sim, int c, double window_s,
                       struct comp_result *out)
{
    const struct comp_state *cs = &sim->cs[c];
    const struct comp_stats *st = &cs->st;
    double window = window_s * NS_PER_S;
    uint64_t errors = 0;

    memset(out, 0, sizeof *out);
    out->instances = autoscale_mean_count(sim, c);
    pool_figures(sim, c, window, out);
    if (sim->sc->components[c].kind == KIND_QUEUE)
        queue_figures(sim, c, window, out);
    for (int k = 0; k < ERR_CAUSE_COUNT; k++) {
        out->by_cause[k] = st->errors[k];
        errors += st->errors[k];
    }
    out->arrivals = (double)st->arrivals / window_s;
    out->throughput = (double)st->done / window_s;
    out->errors = (double)errors / window_s;
    out->call_errors = (double)st->call_errors / window_s;
    out->mean = st->done ? st->resp_sum / (double)st->done : 0;
    if (st->resp && st->resp->count) {
        out->p50 = hist_quantile(st->resp, 0.50);
        out->p95 = hist_quantile(st->resp, 0.95);
        out->p99 = hist_quantile(st->resp, 0.99);
    }
    out->hit_ratio = st->lookups ? (double)st->hits / (double)st->lookups
                                 : -1;
    out->lag_mean = st->lag_n ? st->lag_sum / (double)st->lag_n : 0;
    out->lag_max = st->lag_max;
}

/* --- Measuring one step -------------------------------------------------- */

/* The histogram of what was added to now since before (bucket-wise). */
static void hist_since(struct hist *out, const struct hist *now,
                       const struct hist *before)
{
    int lo = -1, hi = -1;

    out->count = now->count - before->count;
    out->sum = now->sum - before->sum;
    for (int b = 0; b < HIST_BUCKETS; b++) {
        out->buckets[b] = now->buckets[b] - before->buckets[b];
        if (out->buckets[b]) {
            if (lo < 0)
                lo = b;
            hi = b;
        }
    }
    out->min = lo < 0 ? 0 : hist_bucket_low(lo);
    out->max = hi < 0 ? 0 : hist_bucket_high(hi) - 1;
}

static sim_ns batch_length(const struct sim *sim, double users)
{
    double rate = users_rate(sim->sc, users);
    double ns = rate > 0 ? BATCH_REQUESTS / rate * NS_PER_S : BATCH_MAX_NS;

    if (ns < BATCH_MIN_NS)
        ns = BATCH_MIN_NS;
    if (ns > BATCH_MAX_NS)
        ns = BATCH_MAX_NS;
    /* Bound the work of a step whatever the rate (think times of a
     * millisecond at a million users): a batch sees at most this many
     * arrivals, even if its window gets short. */
    if (rate > 0 && ns > MAX_BATCH_ARRIVALS / rate * NS_PER_S)
        ns = MAX_BATCH_ARRIVALS / rate * NS_PER_S;
    if (ns < 1)
        ns = 1;
    return (sim_ns)ns;
}

/* Batch means: the interval of the p99 from the spread of the batches'
 * p99s, centred on the p99 of the whole window. */
static void p99_interval(struct step_result *out, const double *batch_p99,
                         int nbatches)
{
    double mean = 0, var = 0, half;

    for (int b = 0; b < nbatches; b++)
        mean += batch_p99[b];
    mean /= nbatches;
    for (int b = 0; b < nbatches; b++)
        var += (batch_p99[b] - mean) * (batch_p99[b] - mean);
    var /= nbatches - 1;
    half = T_975_9 * sqrt(var / nbatches);
    out->p99_lo = (int64_t)fmax(0, (double)out->p99 - half);
    out->p99_hi = (int64_t)((double)out->p99 + half);
}

static void end_figures(struct sim *sim, struct step_result *out,
                        double window_s)
{
    const struct end_stats *e = &sim->end;
    uint64_t answered = e->ok + e->errors;

    out->offered = (double)e->arrivals / window_s;
    out->completed = (double)e->ok / window_s;
    out->error_frac = answered ? (double)e->errors / (double)answered : 0;
    out->samples = e->ok;
    out->in_flight = sim->inflight;
    out->sent = e->arrivals;
    out->answered = answered;
    out->p50 = hist_quantile(&e->all, 0.50);
    out->p95 = hist_quantile(&e->all, 0.95);
    out->p99 = hist_quantile(&e->all, 0.99);
    out->p99_known = e->ok >= RAMP_MIN_P99_SAMPLES;
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        out->kind_p99[k] = hist_quantile(&e->kind[k], 0.99);
    memcpy(out->by_cause, e->by_cause, sizeof out->by_cause);
}

static void find_bottleneck(const struct sim *sim, struct step_result *out)
{
    out->bottleneck = -1;
    out->bottleneck_util = 0;
    for (int c = 0; c < sim->sc->ncomponents; c++) {
        const struct comp_result *cr = &out->comps[c];

        if (out->bottleneck < 0 || cr->util > out->bottleneck_util ||
            (cr->util == out->bottleneck_util &&
             cr->errors > out->comps[out->bottleneck].errors)) {
            out->bottleneck = c;
            out->bottleneck_util = cr->util;
        }
    }
}

/* Trace about TRACES_PER_STEP requests of a step, whatever its rate. */
#define TRACES_PER_STEP 1000.0

static void set_tracing(struct sim *sim, sim_ns batch, double users)
{
    double rate = users_rate(sim->sc, users);
    double expected = rate * (double)batch / NS_PER_S * RAMP_BATCHES;
    double every = expected / TRACES_PER_STEP;

    if (sim->tracer)
        sim->tracer->every = every < 1 ? 1 : (uint32_t)every;
}

/* The longest warm-up autoscalers may have to settle at users. */
static sim_ns settle_time(const struct sim *sim, double users)
{
    double rate = users_rate(sim->sc, users);
    double ns = RAMP_SETTLE_MAX_S * NS_PER_S;

    if (rate > 0 && RAMP_SETTLE_MAX_REQUESTS / rate * NS_PER_S < ns)
        ns = RAMP_SETTLE_MAX_REQUESTS / rate * NS_PER_S;
    return (sim_ns)ns;
}

int step_begin(struct step_run *run, struct sim *sim, double users)
{
    memset(run, 0, sizeof *run);
    run->before = malloc(sizeof *run->before);
    run->part = malloc(sizeof *run->part);
    if (!run->before || !run->part) {
        step_abandon(run);
        return -1;
    }
    run->sim = sim;
    run->users = users;
    run->batch = batch_length(sim, users);
    set_tracing(sim, run->batch, users);
    sim_set_users(sim, users);
    run->phase = 0;                 /* warm-up first */
    run->phase_end = sim->now + run->batch;
    run->began = sim->now;
    run->settle_by = sim->now + settle_time(sim, users);
    return 0;
}

/* The warm-up goes on a batch at a time while an autoscaler is still
 * moving, so that each step measures the count the load settles at
 * (the ramp is a sweep of steady states, each step a few seconds to a
 * few minutes, shorter than a provisioning delay). */
static bool still_settling(const struct step_run *run)
{
    return run->phase == 0 && run->sim->now < run->settle_by &&
           !autoscale_settled(run->sim, run->began);
}

/* The warm-up or a batch has ended: start the next one. */
static void next_phase(struct step_run *run)
{
    struct sim *sim = run->sim;

    if (run->phase == 0) {
        run->unsettled = !autoscale_settled(sim, run->began);
        sim_reset_window(sim);
    } else {
        hist_since(run->part, sim_latency_all(sim), run->before);
        run->batch_p99[run->phase - 1] =
            (double)hist_quantile(run->part, 0.99);
    }
    run->phase++;
    *run->before = *sim_latency_all(sim);
    run->phase_end = sim->now + run->batch;
}

int step_advance(struct step_run *run, uint64_t max_events)
{
    while (run->phase <= RAMP_BATCHES) {
        uint64_t before = run->sim->events;

        if (!sim_run_events(run->sim, run->phase_end, max_events))
            return 0;
        max_events -= run->sim->events - before;
        if (still_settling(run))
            run->phase_end += run->batch;
        else
            next_phase(run);
        if (max_events == 0)
            return run->phase > RAMP_BATCHES;
    }
    return 1;
}

void step_finish(struct step_run *run, struct step_result *out)
{
    struct sim *sim = run->sim;
    double window_s;

    sim_flush_areas(sim);
    out->users = run->users;
    out->unsettled = run->unsettled;
    out->window = sim->now - sim->window_start;
    window_s = (double)out->window / NS_PER_S;
    end_figures(sim, out, window_s);
    p99_interval(out, run->batch_p99, RAMP_BATCHES);
    for (int c = 0; c < sim->sc->ncomponents; c++)
        ramp_comp_figures(sim, c, window_s, &out->comps[c]);
    find_bottleneck(sim, out);
    for (int k = 0; k <= REQ_KIND_COUNT && sim->tracer; k++)
        attribute(sim, k, &out->attr[k]);
    step_abandon(run);
}

void step_abandon(struct step_run *run)
{
    free(run->before);
    free(run->part);
    run->before = NULL;
    run->part = NULL;
}

int ramp_measure_step(struct sim *sim, double users,
                      struct step_result *out)
{
    struct step_run run;

    if (step_begin(&run, sim, users) < 0)
        return -1;
    while (!step_advance(&run, UINT64_MAX))
        ;
    step_finish(&run, out);
    return 0;
}

/* --- Objectives ---------------------------------------------------------- */

void step_judge(const struct scenario *sc, struct step_result *st)
{
    sim_ns p99 = sc->objectives.p99;

    st->holds = true;
    st->broken = NULL;
    /* The p99 objective breaks when even the low end of the p99's
     * interval is above it: noise alone does not break it. With too few
     * answers for a p99, it breaks when even their median is above it,
     * and when requests went out and none came back at all. */
    if (p99 > 0 && st->p99_known && st->p99_lo > p99) {
        st->holds = false;
        st->broken = "p99";
    } else if (p99 > 0 && !st->p99_known && st->samples > 0 &&
               st->p50 > p99) {
        st->holds = false;
        st->broken = "p99";
    } else if (((st->offered > 0 || st->in_flight > 0) &&
                st->samples == 0 && st->error_frac == 0) ||
               (st->sent >= RAMP_MIN_P99_SAMPLES &&
                st->answered < st->sent / 2)) {
        /* Nothing came back, or most of what was sent is still out: a
         * design stuck behind a queue that never times out. */
        st->holds = false;
        st->broken = "answers";
    } else if (st->error_frac > sc->objectives.errors) {
        st->holds = false;
        st->broken = "errors";
    }
}

double step_monthly_cost(const struct scenario *sc,
                         const struct step_result *st)
{
    double *instances = malloc(((size_t)sc->ncomponents + 1) *
                               sizeof *instances);
    double cost;

    /* Without memory for the figures, the cost at the starting counts. */
    if (!instances || !st->comps) {
        free(instances);
        return scenario_monthly_cost(sc);
    }
    for (int c = 0; c < sc->ncomponents; c++)
        instances[c] = st->comps[c].instances;
    cost = scenario_monthly_cost_scaled(sc, instances);
    free(instances);
    return cost;
}

/* The cost at the ramp's target: at the last step not past it. */
static double target_cost(const struct scenario *sc,
                          const struct ramp_result *res)
{
    int at = 0;

    for (int i = 0; i < res->nsteps; i++)
        if (res->steps[i].users <= sc->ramp.target * (1 + 1e-9))
            at = i;
    if (res->nsteps == 0)
        return scenario_monthly_cost(sc);
    return step_monthly_cost(sc, &res->steps[at]);
}

void ramp_summarise(const struct scenario *sc, struct ramp_result *res)
{
    res->first_broken = -1;
    res->capacity = 0;
    for (int i = 0; i < res->nsteps; i++) {
        if (!res->steps[i].holds) {
            res->first_broken = i;
            break;
        }
        res->capacity = res->steps[i].users;
    }
    res->cost = target_cost(sc, res);
    res->budget_ok = sc->objectives.budget <= 0 ||
                     res->cost <= sc->objectives.budget;
    res->target_holds = res->budget_ok &&
                        res->capacity >= sc->ramp.target * (1 - 1e-9);
}

/* Keep the traces of the knee: the first broken step, or the last. */
static void keep_traces(const struct sim *sim, struct ramp_result *res,
                        const struct step_result *st, bool last)
{
    int n;

    if (res->traces || (st->holds && !last))
        return;
    n = trace_copy(sim, &res->traces);
    res->ntraces = n > 0 ? n : 0;
}

int ramp_run(const struct scenario *sc, uint64_t seed,
             struct ramp_result *res, ramp_progress_fn progress, void *arg)
{
    double users[MAX_STEPS];
    int n = ramp_steps(&sc->ramp, users, MAX_STEPS);
    struct sim *sim;

    memset(res, 0, sizeof *res);
    res->ncomponents = sc->ncomponents;
    res->steps = calloc((size_t)n, sizeof *res->steps);
    sim = res->steps ? sim_create(sc, seed) : NULL;
    if (sim && trace_enable(sim, 1) < 0) {
        sim_destroy(sim);
        sim = NULL;
    }
    if (!sim) {
        ramp_result_free(res);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        struct step_result *st = &res->steps[i];

        st->comps = calloc((size_t)sc->ncomponents, sizeof *st->comps);
        res->nsteps = i + 1;
        if (!st->comps || ramp_measure_step(sim, users[i], st) < 0) {
            sim_destroy(sim);
            ramp_result_free(res);
            return -1;
        }
        step_judge(sc, st);
        keep_traces(sim, res, st, i == n - 1);
        if (progress)
            progress(st, i, n, arg);
    }
    res->simulated = sim->now;
    res->events = sim->events;
    sim_destroy(sim);
    ramp_summarise(sc, res);
    return 0;
}

void ramp_result_free(struct ramp_result *res)
{
    if (res->steps)
        for (int i = 0; i < res->nsteps; i++) {
            free(res->steps[i].comps);
            for (int k = 0; k <= REQ_KIND_COUNT; k++)
                attribution_free(&res->steps[i].attr[k]);
        }
    free(res->steps);
    free(res->traces);
    res->steps = NULL;
    res->traces = NULL;
    res->ntraces = 0;
    res->nsteps = 0;
}
