/*
 * live.c - the simulation behind the screen. A step is measured a slice
 * at a time (live_tick runs for a bounded wall time) so that keys are
 * answered at once even at a million users. The engine keeps its state
 * from step to step, as in a headless ramp; a change to the design
 * starts a new engine and measures the current user count again.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "report.h"

#define EVENTS_PER_CHUNK 20000      /* about a millisecond of work */
#define MAX_STEPS 1000

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
    if (lv->sim) {
        sim_destroy(lv->sim);
        scenario_free(&lv->design);
    }
    lv->sim = NULL;
    lv->running = false;
    lv->users = 0;
}

/* The engine tells of failures and recoveries: into the event log, at
 * their simulated time. */
static void note_event(void *arg, sim_ns when, const char *text)
{
    app_log(arg, "t=%.1fs %s", (double)when / NS_PER_S, text);
}

/* Begin measuring users on the current design. */
static bool start_step(struct app *app, double users)
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
    bool running = lv->running;

    live_clear(app);
    if (users > 0 && app->sc.ncomponents > 0) {
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

void live_step_up(struct app *app, int delta)
{
    double steps[MAX_STEPS];
    int n, i = ramp_index(app, app->live.users, steps, &n);

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
    app->live.one_step = !app->live.running;
    start_step(app, users);
}

const struct step_result *live_last(const struct app *app)
{
    const struct live *lv = &app->live;

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

static void note_result(struct app *app, const struct step_result *st)
{
    struct live *lv = &app->live;
    char users[16], p99[16];

    format_count(users, sizeof users, st->users);
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
    format_duration(p99, sizeof p99, (double)st->p99);
    if (strcmp(st->broken, "p99") == 0)
        app_log(app, "objective broken at %s users: p99 %s", users, p99);
    else
        app_log(app, "objective broken at %s users: errors %.2f%%", users,
                st->error_frac * 100);
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

bool live_tick(struct app *app, double budget_ms)
{
    struct live *lv = &app->live;
    double start = app_now_ms();

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

bool live_fail(struct app *app, const char *target, const char *kind,
               sim_ns duration)
{
    struct live *lv = &app->live;
    struct failure f = {0};
    int c = scenario_find(&app->sc, target), k;

    if (!lv->sim) {
        app_message(app, true, "nothing runs yet: start the ramp (space) "
                    "or measure a step (.) first");
        return false;
    }
    k = kind ? failure_kind_from_name(kind) : -1;
    if (kind && k < 0) {
        app_message(app, true, "fail: '%s' is not a failure (instance, "
                    "component, primary, cache-flush, region-latency, "
                    "workers, slow)", kind);
        return false;
    }
    if (k < 0 && c < 0) {
        app_message(app, true, "no component is called '%s'", target);
        return false;
    }
    f.kind = k >= 0 ? (enum failure_kind)k
                    : usual_failure(app->sc.components[c].kind);
    f.duration = duration;
    f.factor = 3;
    snprintf(f.component, sizeof f.component, "%s", target);
    if (fault_inject(lv->sim, &f) < 0) {
        app_message(app, true, "cannot fail '%s' that way", target);
        return false;
    }
    app_message(app, false, "%s failure at %s for %.0fs (the log tells "
                "when it recovers)", failure_kind_name(f.kind), target,
                (double)duration / NS_PER_S);
    return true;
}
