/*
 * live.c - the simulation behind the screen. A step is measured a slice
 * at a time (live_tick runs for a bounded wall time) so that keys are
 * answered at once even at a million users. The engine keeps its state
 * from step to step, as in a headless ramp; a change to the design
 * starts a new engine and measures the current user count again.
 *
 * Hold is the other way to run it: the users stay where they are and
 * consecutive intervals of simulated time are measured, as `archsim
 * timeline` does, so that a failure can be watched from its start to
 * its recovery.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "report.h"

#define EVENTS_PER_CHUNK 20000      /* about a millisecond of work */
#define MAX_STEPS 1000
#define HOLD_TRACES 200.0           /* traced requests per interval */

static bool start_hold(struct app *app, double users);

static void stop_step(struct live *lv)
{
    if (lv->stepping)
        step_abandon(&lv->run);
    lv->stepping = false;
}

static void free_step(struct step_result *st)
{
    free(st->comps);
    for (int k = 0; k <= REQ_KIND_COUNT; k++)
        attribution_free(&st->attr[k]);
}

/* Forget the held intervals and leave hold. */
static void free_hold(struct live *lv)
{
    free_step(&lv->hold_step);
    memset(&lv->hold_step, 0, sizeof lv->hold_step);
    lv->nhold = 0;
    lv->holding = false;
    lv->hold_measured = false;
    lv->hold_wait = false;
    lv->hold_marks = 0;
}

static void free_history(struct live *lv)
{
    for (int i = 0; i < lv->nhist; i++)
        free_step(&lv->hist[i]);
    free(lv->traces);
    lv->traces = NULL;
    lv->ntraces = 0;
    lv->nhist = 0;
    lv->first_broken = -1;
    lv->capacity = 0;
}

void live_clear(struct app *app)
{
    struct live *lv = &app->live;

    stop_step(lv);
    free_history(lv);
    free_hold(lv);
    if (lv->sim) {
        sim_destroy(lv->sim);
        scenario_free(&lv->design);
    }
    lv->sim = NULL;
    lv->running = false;
    lv->users = 0;
    lv->verdict = VERDICT_NONE;
}

/* Whether an engine's note tells of something coming back (a recovery,
 * a healed partition, a spike's end, a breaker closing) rather than of
 * something going wrong: read from the words that src/fault.c and
 * models/calls.c use. */
static unsigned note_mark(const char *text)
{
    static const char *const back[] = {
        "recovered", "healed", "spike over", "closed",
    };

    for (size_t i = 0; i < sizeof back / sizeof back[0]; i++)
        if (strstr(text, back[i]))
            return MARK_BACK;
    return MARK_WRONG;
}

/* While holding, an event at time at to mark on the time axis. */
static void hold_note(struct live *lv, unsigned mark, sim_ns at)
{
    if (!lv->holding)
        return;
    if (!lv->hold_marks)
        lv->hold_marked_at = at;
    lv->hold_marks |= mark;
}

/* The engine tells of failures and recoveries: into the event log, at
 * their simulated time, and on the time axis while holding. */
static void note_event(void *arg, sim_ns when, const char *text)
{
    struct app *app = arg;

    app_log(app, "t=%.1fs %s", (double)when / NS_PER_S, text);
    hold_note(&app->live, note_mark(text), when);
}

/* An engine for the current design, made if there is none yet. */
static bool ensure_sim(struct app *app)
{
    struct live *lv = &app->live;

    if (app->sc.ncomponents == 0) {
        app_message(app, true, "add a component first (a)");
        lv->running = false;
        return false;
    }
    if (!lv->sim) {
        if (scenario_copy(&lv->design, &app->sc) < 0) {
            app_message(app, true, "out of memory");
            return false;
        }
        lv->sim = sim_create(&lv->design, lv->design.seed);
        if (!lv->sim) {
            scenario_free(&lv->design);
            app_message(app, true, "out of memory");
            return false;
        }
        lv->sim->note = note_event;
        lv->sim->note_arg = app;
        if (trace_enable(lv->sim, 1) < 0)
            app_message(app, true, "out of memory: no traces");
    }
    return true;
}

/* Begin measuring users on the current design. */
static bool start_step(struct app *app, double users)
{
    struct live *lv = &app->live;

    if (!ensure_sim(app))
        return false;
    stop_step(lv);
    if (step_begin(&lv->run, lv->sim, users) < 0) {
        app_message(app, true, "out of memory");
        return false;
    }
    lv->stepping = true;
    lv->users = users;
    lv->step_started_ms = app_now_ms();
    return true;
}

void live_reset(struct app *app)
{
    struct live *lv = &app->live;
    double users = lv->users;
    bool running = lv->running, holding = lv->holding;
    enum verdict verdict = lv->verdict;

    live_clear(app);
    /* Kept, so that a change that mends the design logs "restored". */
    lv->verdict = verdict;
    if (holding && users > 0 && app->sc.ncomponents > 0) {
        if (start_hold(app, users))
            lv->running = running;  /* a paused hold stays paused */
    } else if (users > 0 && app->sc.ncomponents > 0) {
        lv->running = running;
        lv->one_step = !running;
        start_step(app, users);
    }
}

/* The ramp's user counts, and where users lies among them. */
static int ramp_index(const struct app *app, double users, double *steps,
                      int *n)
{
    int i = 0;

    *n = ramp_steps(&app->sc.ramp, steps, MAX_STEPS);
    while (i < *n && steps[i] < users * (1 - 1e-9))
        i++;
    return i;
}

/* A step asked for while holding: back to the ramp, paused, so that the
 * step is measured and the ramp stops there. */
static void leave_hold(struct live *lv)
{
    if (!lv->holding)
        return;
    lv->holding = false;
    lv->running = false;
}

void live_step_up(struct app *app, int delta)
{
    double steps[MAX_STEPS];
    int n, i = ramp_index(app, app->live.users, steps, &n);

    leave_hold(&app->live);
    if (app->live.users <= 0) {
        i = delta > 0 ? 0 : -1;
    } else if (delta > 0 && i >= n) {
        app_message(app, false, "already past the ramp's last step");
        return;
    } else {
        i += delta;
    }
    if (i < 0)
        i = 0;
    if (i >= n)
        i = n - 1;
    app->live.one_step = !app->live.running;
    start_step(app, steps[i]);
}

void live_set_users(struct app *app, double users)
{
    leave_hold(&app->live);
    app->live.one_step = !app->live.running;
    start_step(app, users);
}

const struct step_result *live_last(const struct app *app)
{
    const struct live *lv = &app->live;

    if (lv->holding && lv->hold_measured)
        return &lv->hold_step;
    return lv->nhist > 0 ? &lv->hist[lv->nhist - 1] : NULL;
}

/* Keep a measured step; the oldest goes when the history is full. */
static struct step_result *keep(struct live *lv, struct step_result *st)
{
    if (lv->nhist == MAX_HISTORY) {
        free_step(&lv->hist[0]);
        memmove(&lv->hist[0], &lv->hist[1],
                (MAX_HISTORY - 1) * sizeof lv->hist[0]);
        lv->nhist--;
        if (lv->first_broken >= 0)
            lv->first_broken--;
    }
    lv->hist[lv->nhist] = *st;
    return &lv->hist[lv->nhist++];
}

/* "p99 1.2s, errors 3.10%": the step's figures the objectives judge,
 * the one that broke them first. */
static void verdict_figures(const struct step_result *st, char *buf,
                            size_t size)
{
    char p99[16];

    format_duration(p99, sizeof p99, (double)st->p99);
    if (!st->holds && st->broken && strcmp(st->broken, "p99") != 0)
        snprintf(buf, size, "errors %.2f%%, p99 %s", st->error_frac * 100,
                 st->p99_known ? p99 : "?");
    else
        snprintf(buf, size, "p99 %s, errors %.2f%%",
                 st->p99_known ? p99 : "?", st->error_frac * 100);
}

/* Log the objectives breaking or holding again, at the simulated time
 * the step ended: only when the verdict changes, so that a ramp past
 * its knee logs one line, not one a step. */
static void log_verdict(struct app *app, const struct step_result *st)
{
    struct live *lv = &app->live;
    char users[16], figures[64];
    double t = (double)lv->sim->now / NS_PER_S;

    if (lv->verdict == (st->holds ? VERDICT_HOLDS : VERDICT_BROKEN) ||
        (lv->verdict == VERDICT_NONE && st->holds)) {
        lv->verdict = st->holds ? VERDICT_HOLDS : VERDICT_BROKEN;
        return;
    }
    lv->verdict = st->holds ? VERDICT_HOLDS : VERDICT_BROKEN;
    hold_note(lv, st->holds ? MARK_BACK : MARK_WRONG, lv->sim->now);
    format_count(users, sizeof users, st->users);
    verdict_figures(st, figures, sizeof figures);
    if (st->holds)
        app_log(app, "t=%.1fs objectives restored at %s users: %s", t,
                users, figures);
    else
        app_log(app, "t=%.1fs objectives broken at %s users: %s", t, users,
                figures);
}

static void note_result(struct app *app, const struct step_result *st)
{
    struct live *lv = &app->live;

    log_verdict(app, st);
    if (st->holds) {
        if (lv->first_broken < 0 && st->users > lv->capacity)
            lv->capacity = st->users;
        return;
    }
    if (lv->first_broken >= 0)
        return;
    lv->first_broken = lv->nhist - 1;
    if (app->stop_at_knee && lv->running) {
        lv->running = false;        /* the tour stops at the knee */
        app_message(app, false, "the knee: the advisor's line says what "
                    "to add; A adds it, then r ramps again");
    }
}

/* Whether the history is the ramp's steps in order, on one design. */
static bool whole_ramp(const struct live *lv, const double *steps, int n)
{
    if (lv->nhist != n)
        return false;
    for (int i = 0; i < n; i++)
        if (lv->hist[i].users != steps[i])
            return false;
    return true;
}

/* The step is measured: keep it, then go on or stop. */
static void step_done(struct app *app)
{
    struct live *lv = &app->live;
    struct step_result st = {0};
    double steps[MAX_STEPS];
    int n, i;

    st.comps = calloc((size_t)lv->design.ncomponents, sizeof *st.comps);
    if (!st.comps) {
        stop_step(lv);
        app_message(app, true, "out of memory");
        return;
    }
    step_finish(&lv->run, &st);
    lv->stepping = false;
    free(lv->traces);
    lv->ntraces = trace_copy(lv->sim, &lv->traces);
    if (lv->ntraces < 0)
        lv->ntraces = 0;
    step_judge(&lv->design, &st);
    keep(lv, &st);
    note_result(app, live_last(app));
    if (lv->one_step || !lv->running) {
        lv->one_step = false;
        lv->running = false;
        return;
    }
    i = ramp_index(app, lv->users, steps, &n) + 1;
    if (i >= n) {
        lv->running = false;
        app_log(app, "ramp finished at %.0f users", lv->users);
        app_message(app, false, "ramp finished: r runs it again");
        if (whole_ramp(lv, steps, n))
            store_ui_save_ramp(app);
    }
}

/* --- Hold ----------------------------------------------------------------- */

/* Trace about HOLD_TRACES requests of an interval, whatever the rate. */
static void hold_tracing(struct sim *sim, double users)
{
    double every = users_rate(sim->sc, users) *
                   ((double)HOLD_INTERVAL / NS_PER_S) / HOLD_TRACES;

    if (sim->tracer)
        sim->tracer->every = every < 1 ? 1 : (uint32_t)every;
}

/* Enter hold with no interval yet: the step the boxes show is made. */
static bool begin_hold(struct app *app)
{
    struct live *lv = &app->live;

    free_hold(lv);
    lv->hold_step.comps = calloc((size_t)lv->design.ncomponents,
                                 sizeof *lv->hold_step.comps);
    if (!lv->hold_step.comps) {
        app_message(app, true, "out of memory");
        return false;
    }
    lv->holding = true;
    return true;
}

/* What a hold holds before any step: the ramp's target, as `archsim
 * timeline` does. */
static double default_hold(const struct app *app)
{
    return app->sc.ramp.target > 0 ? app->sc.ramp.target : app->sc.ramp.from;
}

/* Hold users from now on, logged (the message line is the caller's). */
static bool start_hold(struct app *app, double users)
{
    struct live *lv = &app->live;
    char count[16];

    if (!ensure_sim(app))
        return false;
    stop_step(lv);
    if (!lv->holding && !begin_hold(app))
        return false;
    /* A new count starts a whole interval; the time axis goes on. */
    lv->users = users;
    sim_set_users(lv->sim, users);
    hold_tracing(lv->sim, users);
    sim_reset_window(lv->sim);
    lv->hold_end = lv->sim->now + HOLD_INTERVAL;
    lv->hold_marks = 0;
    lv->hold_wait = false;
    lv->step_started_ms = app_now_ms();
    lv->running = true;
    lv->one_step = false;
    format_count(count, sizeof count, users);
    app_log(app, "t=%.1fs hold at %s users", (double)lv->sim->now /
            NS_PER_S, count);
    return true;
}

bool live_hold(struct app *app, double users)
{
    struct live *lv = &app->live;
    char count[16];

    if (lv->holding && users <= 0) {
        app_message(app, false, "holding already: space pauses or goes "
                    "on, . or + go back to the ramp");
        return true;
    }
    if (users <= 0)
        users = lv->users > 0 ? lv->users : default_hold(app);
    if (!start_hold(app, users))
        return false;
    format_count(count, sizeof count, users);
    app_message(app, false, "holding %s users: space pauses, . or + go "
                "back to the ramp", count);
    return true;
}

/* Where the time of the interval's traced requests went (the panel's
 * "slowest 1%"); left empty when out of memory. */
static void hold_attribution(struct live *lv)
{
    struct step_result *st = &lv->hold_step;

    for (int k = 0; k <= REQ_KIND_COUNT; k++) {
        attribution_free(&st->attr[k]);
        if (lv->sim->tracer && attribute(lv->sim, k, &st->attr[k]) < 0)
            attribution_free(&st->attr[k]);
    }
}

/* The interval just ended, as a step: what the status line, the boxes,
 * the side panel and the advisor read. */
static void fill_hold_step(struct live *lv, const struct hold_point *pt,
                           double seconds)
{
    struct step_result *st = &lv->hold_step;
    const struct end_stats *e = &lv->sim->end;

    st->users = lv->users;
    st->offered = pt->row.sent;
    st->completed = pt->row.ok;
    st->error_frac = pt->row.error_frac;
    st->samples = e->ok;
    st->in_flight = lv->sim->inflight;
    st->sent = e->arrivals;
    st->answered = e->ok + e->errors;
    st->p50 = pt->row.p50;
    st->p95 = pt->p95;
    st->p99 = pt->row.p99;
    /* A second has no batches to give the p99 an interval: the
     * objective is judged on the p99 as measured. */
    st->p99_lo = st->p99_hi = st->p99;
    st->p99_known = e->ok >= RAMP_MIN_P99_SAMPLES;
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        st->kind_p99[k] = hist_quantile(&e->kind[k], 0.99);
    memcpy(st->by_cause, e->by_cause, sizeof st->by_cause);
    st->window = lv->sim->now - lv->sim->window_start;
    st->bottleneck = pt->row.busiest;
    st->bottleneck_util = pt->row.busiest_util;
    for (int c = 0; c < lv->design.ncomponents; c++)
        ramp_comp_figures(lv->sim, c, seconds, &st->comps[c]);
    hold_attribution(lv);
}

/* Keep a held interval; the oldest goes when they are MAX_HOLD. */
static void keep_point(struct live *lv, const struct hold_point *pt)
{
    if (lv->nhold == MAX_HOLD) {
        memmove(&lv->hold[0], &lv->hold[1],
                (MAX_HOLD - 1) * sizeof lv->hold[0]);
        lv->nhold--;
    }
    lv->hold[lv->nhold++] = *pt;
}

/* The interval has ended: measure it, judge it, then start the next. */
static void hold_measure(struct app *app)
{
    struct live *lv = &app->live;
    struct sim *sim = lv->sim;
    double seconds = (double)(sim->now - sim->window_start) / NS_PER_S;
    struct hold_point pt = {0};

    /* timeline_measure brings the time integrals up to now, which the
     * components' figures below read. */
    timeline_measure(sim, seconds, &pt.row);
    pt.p95 = hist_quantile(sim_latency_all(sim), 0.95);
    fill_hold_step(lv, &pt, seconds);
    step_judge(&lv->design, &lv->hold_step);
    pt.row.holds = lv->hold_step.holds;
    lv->hold_measured = true;
    log_verdict(app, &lv->hold_step);
    pt.marks = lv->hold_marks;
    pt.marked_at = lv->hold_marked_at;
    lv->hold_marks = 0;
    keep_point(lv, &pt);
    free(lv->traces);
    lv->ntraces = trace_copy(sim, &lv->traces);
    if (lv->ntraces < 0)
        lv->ntraces = 0;
    sim_reset_window(sim);
    lv->hold_end = sim->now + HOLD_INTERVAL;
}

/* Run the held users for at most budget_ms of wall time; an interval
 * measured waits MIN_HOLD_MS from its start before the next begins. */
static bool hold_tick(struct app *app, double budget_ms)
{
    struct live *lv = &app->live;
    double start = app_now_ms();

    if (lv->hold_wait) {
        if (start - lv->step_started_ms < MIN_HOLD_MS)
            return false;
        lv->hold_wait = false;
        lv->step_started_ms = start;
    }
    while (app_now_ms() - start < budget_ms) {
        if (sim_run_events(lv->sim, lv->hold_end, EVENTS_PER_CHUNK)) {
            hold_measure(app);
            lv->hold_wait = true;
            break;
        }
    }
    return true;
}

bool live_tick(struct app *app, double budget_ms)
{
    struct live *lv = &app->live;
    double start = app_now_ms();

    if (lv->holding)
        return lv->running && hold_tick(app, budget_ms);
    if (!lv->stepping && lv->running &&
        app_now_ms() - lv->step_started_ms < MIN_STEP_MS)
        return false;               /* let the last step be seen */
    if (!lv->stepping && lv->running) {
        double steps[MAX_STEPS];
        int n, i = ramp_index(app, lv->users, steps, &n);

        if (lv->users > 0 && i < n && steps[i] <= lv->users)
            i++;
        if (i >= n) {
            lv->running = false;
            return false;
        }
        if (!start_step(app, steps[i]))
            return false;
    }
    while (lv->stepping && app_now_ms() - start < budget_ms) {
        if (step_advance(&lv->run, EVENTS_PER_CHUNK))
            step_done(app);
    }
    return true;
}

/* A line of the failure menu for each failure. What each strikes is
 * failure_applies() (src/scenario.h); a region's latency strikes a
 * region, not a box: ':fail' only. */
static const char *const fail_help[FAIL_KIND_COUNT] = {
    [FAIL_INSTANCE] = "one instance crashes",
    [FAIL_COMPONENT] = "the whole component is down",
    [FAIL_PRIMARY] = "writes fail until a replica is promoted",
    [FAIL_CACHE_FLUSH] = "every key is forgotten at once",
    [FAIL_REGION_LATENCY] = "a region's round trip x3",
    [FAIL_WORKERS] = "the workers stop taking tasks",
    [FAIL_SLOW] = "its service times x3",
    [FAIL_PARTITION] = "cut off from another (chosen next)",
    [FAIL_SPIKE] = "the users x2 for a while: a surge",
};

/* The failure a component suffers by default: what breaks in its kind. */
static enum failure_kind usual_failure(enum comp_kind kind)
{
    switch (kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        return FAIL_INSTANCE;
    case KIND_DATABASE:
        return FAIL_PRIMARY;
    case KIND_CACHE:
        return FAIL_CACHE_FLUSH;
    case KIND_QUEUE:
        return FAIL_WORKERS;
    default:
        return FAIL_COMPONENT;
    }
}

/* A spike strikes the users, but any box's menu offers it. */
static bool fail_applies(enum failure_kind f, enum comp_kind kind)
{
    return f == FAIL_SPIKE || failure_applies(f, kind);
}

int live_fail_choices(enum comp_kind kind, enum failure_kind *out)
{
    /* A CDN's edges lose their content more often than all go down:
     * the menu offers the flush first, as for a cache. */
    enum failure_kind usual = kind == KIND_CDN ? FAIL_CACHE_FLUSH
                                               : usual_failure(kind);
    int n = 0;

    out[n++] = usual;
    for (int f = 0; f < FAIL_KIND_COUNT; f++)
        if (f != (int)usual && fail_applies((enum failure_kind)f, kind))
            out[n++] = (enum failure_kind)f;
    return n;
}

const char *live_fail_help(enum failure_kind kind)
{
    return kind < FAIL_KIND_COUNT && fail_help[kind] ? fail_help[kind]
                                                     : "";
}

/* "instance, component, ... or spike": every failure by name. */
static void list_kinds(char *buf, size_t size, int n,
                       const enum failure_kind *kinds)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 i == 0 ? "" : i + 1 == n ? " or " : ", ",
                                 failure_kind_name(kinds[i]));
}

static void say_not_a_failure(struct app *app, const char *word)
{
    enum failure_kind all[FAIL_KIND_COUNT];
    char list[256];

    for (int f = 0; f < FAIL_KIND_COUNT; f++)
        all[f] = (enum failure_kind)f;
    list_kinds(list, sizeof list, FAIL_KIND_COUNT, all);
    app_message(app, true, "fail: '%s' is not a failure (%s)", word, list);
}

static void say_not_for_kind(struct app *app, enum failure_kind f, int comp)
{
    enum comp_kind kind = app->sc.components[comp].kind;
    enum failure_kind some[FAIL_KIND_COUNT];
    char list[256];

    list_kinds(list, sizeof list, live_fail_choices(kind, some), some);
    app_message(app, true, "fail: %s does not strike a %s; %s can suffer %s",
                failure_kind_name(f), kind_name(kind),
                app->sc.components[comp].name, list);
}

static bool is_region(const struct scenario *sc, const char *name)
{
    for (int i = 0; i < sc->nregions; i++)
        if (strcmp(sc->regions[i].name, name) == 0)
            return true;
    return false;
}

/* Fill f from rq, or say what is wrong with rq. */
static bool resolve_target(struct app *app, const struct fail_request *rq,
                           struct failure *f)
{
    int c = rq->target ? scenario_find(&app->sc, rq->target) : -1;

    if (rq->kind == FAIL_SPIKE)
        return true;                /* the users, at the entry */
    if (!rq->target) {
        app_message(app, true, "fail what? :fail NAME [KIND] [DURATION], "
                    "or :fail spike [xN] [DURATION]");
        return false;
    }
    snprintf(f->component, sizeof f->component, "%s", rq->target);
    if (c < 0 && rq->kind < 0 && is_region(&app->sc, rq->target))
        f->kind = FAIL_REGION_LATENCY;  /* a region suffers only that */
    if (f->kind == FAIL_REGION_LATENCY) {
        if (is_region(&app->sc, rq->target))
            return true;
        app_message(app, true, "no region is called '%s'", rq->target);
        return false;
    }
    if (c < 0) {
        app_message(app, true, "no component is called '%s'", rq->target);
        return false;
    }
    f->kind = rq->kind >= 0 ? (enum failure_kind)rq->kind
                            : usual_failure(app->sc.components[c].kind);
    if (!fail_applies(f->kind, app->sc.components[c].kind)) {
        say_not_for_kind(app, f->kind, c);
        return false;
    }
    return true;
}

/* The other side of a partition, which only a partition has. */
static bool resolve_peer(struct app *app, const struct fail_request *rq,
                         struct failure *f)
{
    if (f->kind != FAIL_PARTITION) {
        if (rq->peer)
            say_not_a_failure(app, rq->peer);
        return !rq->peer;
    }
    if (!rq->peer) {
        app_message(app, true, "partition: cut %s off from which? :fail %s "
                    "partition OTHER", rq->target, rq->target);
        return false;
    }
    if (scenario_find(&app->sc, rq->peer) < 0) {
        app_message(app, true, "no component is called '%s'", rq->peer);
        return false;
    }
    if (strcmp(rq->peer, rq->target) == 0) {
        app_message(app, true, "partition: %s cannot be cut off from "
                    "itself", rq->target);
        return false;
    }
    snprintf(f->peer, sizeof f->peer, "%s", rq->peer);
    return true;
}

/* A live failure lasts more than nothing and at most what a scenario
 * file allows: 0, "until the end" in a file, would never end here. A
 * cache flush is over at once and takes no duration. */
static bool duration_allowed(struct app *app, enum failure_kind kind,
                             sim_ns duration)
{
    if (kind == FAIL_CACHE_FLUSH)
        return true;
    if (duration > 0 && duration <= FAIL_MAX_DURATION)
        return true;
    double s = (double)duration / NS_PER_S;

    app_message(app, true, "fail: a failure lasts more than 0s and at most "
                "30d, not %.0f%s", s >= 86400 ? s / 86400 : s,
                s >= 86400 ? "d" : "s");
    return false;
}

/* What the message line says once a failure struck. */
static void say_struck(struct app *app, const struct failure *f)
{
    char what[2 * NAME_BYTES + 64];

    if (f->kind == FAIL_SPIKE)
        snprintf(what, sizeof what, "spike: users x%g", f->factor);
    else if (f->kind == FAIL_PARTITION)
        snprintf(what, sizeof what, "partition between %s and %s",
                 f->component, f->peer);
    else
        snprintf(what, sizeof what, "%s failure at %s",
                 failure_kind_name(f->kind), f->component);
    if (f->kind == FAIL_CACHE_FLUSH) {
        app_message(app, false, "%s: every key is gone at once", what);
        return;
    }
    app_message(app, false, "%s for %.0fs: %s", what,
                (double)f->duration / NS_PER_S,
                app->live.running || app->live.stepping
                    ? "the log tells when it ends"
                    : app->live.holding ? "hold paused, so space plays it out"
                    : "paused, so space or . plays it out");
}

bool live_can_fail(struct app *app)
{
    if (app->live.sim)
        return true;
    app_message(app, true, "nothing runs yet: start the ramp (space) or "
                "measure a step (.) first");
    return false;
}

bool live_fail(struct app *app, const struct fail_request *rq)
{
    struct live *lv = &app->live;
    struct failure f = {0};

    if (!live_can_fail(app))
        return false;
    f.kind = rq->kind >= 0 ? (enum failure_kind)rq->kind : FAIL_COMPONENT;
    if (!resolve_target(app, rq, &f) || !resolve_peer(app, rq, &f))
        return false;
    if (!duration_allowed(app, f.kind, rq->duration))
        return false;
    f.at = lv->sim->now;            /* for "in force since" */
    f.duration = rq->duration;
    f.factor = rq->factor > 0 ? rq->factor : f.kind == FAIL_SPIKE ? 2 : 3;
    if (fault_inject(lv->sim, &f) < 0) {
        app_message(app, true, "cannot fail '%s' that way", rq->target
                    ? rq->target : "the users");
        return false;
    }
    say_struck(app, &f);
    return true;
}

/* --- What a failure does, for the advisor's line ------------------------ */

/* A cache flush is over as soon as it strikes: it is never "in force". */
static bool fault_in_force(const struct fault *ft)
{
    return ft->active && ft->f.kind != FAIL_CACHE_FLUSH;
}

/* What a failure of kind shows on the figures. */
static const char *failure_effect(enum failure_kind kind)
{
    switch (kind) {
    case FAIL_SLOW:
    case FAIL_REGION_LATENCY:
        return "the delays are its effect";
    case FAIL_SPIKE:
        return "the load is its effect";
    default:
        return "the errors are its effect";
    }
}

/* "web", "web and api", "eu", "the users": what ft struck. */
static void fault_target(const struct sim *sim, const struct fault *ft,
                         char *buf, size_t len)
{
    const struct scenario *sc = sim->sc;

    if (ft->f.kind == FAIL_SPIKE)
        snprintf(buf, len, "the users");
    else if (ft->f.kind == FAIL_REGION_LATENCY)
        snprintf(buf, len, "%s", sc->regions[ft->target].name);
    else if (ft->f.kind == FAIL_PARTITION && ft->peer >= 0)
        snprintf(buf, len, "%s and %s", sc->components[ft->target].name,
                 sc->components[ft->peer].name);
    else
        snprintf(buf, len, "%s", sc->components[ft->target].name);
}

/* The failures in force; *first is the earliest of them, or -1. */
static int faults_in_force(const struct sim *sim, int *first)
{
    int n = 0;

    *first = -1;
    for (int i = 0; i < sim->nfaults; i++) {
        if (!fault_in_force(&sim->faults[i]))
            continue;
        if (n++ == 0)
            *first = i;
    }
    return n;
}

/* The cause of most of st's errors, or -1 when it answered all. */
static int main_cause(const struct step_result *st)
{
    int best = -1;
    uint64_t most = 0;

    for (int c = 0; c < ERR_CAUSE_COUNT; c++)
        if (st->by_cause[c] > most) {
            most = st->by_cause[c];
            best = c;
        }
    return best;
}

static void say_fault(const struct sim *sim, int i, int n, char *buf,
                      size_t len)
{
    const struct fault *ft = &sim->faults[i];
    char target[2 * NAME_BYTES + 16], more[32] = "";

    fault_target(sim, ft, target, sizeof target);
    if (n > 1)
        snprintf(more, sizeof more, " (and %d more)", n - 1);
    snprintf(buf, len, "%s: %s failure in force since t=%.0fs%s; %s, no "
             "remedy proposed", target, failure_kind_name(ft->f.kind),
             (double)ft->f.at / NS_PER_S, more, failure_effect(ft->f.kind));
}

bool live_failing(const struct app *app, const struct step_result *st,
                  char *buf, size_t len)
{
    const struct sim *sim = app->live.sim;
    int first, n, cause;

    if (sim && (n = faults_in_force(sim, &first)) > 0) {
        say_fault(sim, first, n, buf, len);
        return true;
    }
    cause = st ? main_cause(st) : -1;
    if (cause != ERR_NO_BACKEND && cause != ERR_UNREACHABLE)
        return false;
    snprintf(buf, len, "errors: mostly %s; a failure's effect, no remedy "
             "proposed", cause == ERR_NO_BACKEND
                 ? "no backend (down, or nothing healthy)"
                 : "unreachable (cut off by a partition)");
    return true;
}
