/*
 * autoscale.c - the autoscalers of servers, services and queues (the
 * policy is described in autoscale.h).
 *
 * What scales is the count in service: for a server, comp_state.active,
 * which round robin and the balancers' backend lists read (instances
 * active and above drain: they keep their pools and finish what they
 * hold); for a queue, the capacity of its workers' pool, which lends a
 * released worker to no one while it is above the capacity.
 *
 * Utilisation is measured from the pools' busy-time integrals, so the
 * hot path pays nothing for it: a look sums the busy area of every slot
 * (draining instances' work included) and divides its growth since the
 * last look by the integral of the count in service times the units per
 * instance. sim_reset_window clears those integrals at each window; the
 * part since the last look is carried over first.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "autoscale.h"
#include "model.h"

/* What an EV_SCALE event is about: req holds comp * 2 + one of these. */
enum { SCALE_LOOK, SCALE_READY };

static uint32_t scale_event(int comp, int what)
{
    return (uint32_t)comp * 2 + (uint32_t)what;
}

static const struct component *comp_of(const struct sim *sim, int comp)
{
    return &sim->sc->components[comp];
}

static bool is_queue(const struct sim *sim, int comp)
{
    return comp_of(sim, comp)->kind == KIND_QUEUE;
}

/* "instances" or "workers", for the notes. */
static const char *unit_name(const struct sim *sim, int comp)
{
    return is_queue(sim, comp) ? "workers" : "instances";
}

/* Bring the integrals of the count in service up to now. */
static void count_touch(const struct sim *sim, struct autoscaler *as)
{
    double dt = (double)(sim->now - as->count_at);

    as->count_look += as->count * dt;
    as->count_window += as->count * dt;
    as->count_at = sim->now;
}

/* Busy time so far in this window of what scales: the cores of every
 * instance, or the workers. */
static double busy_area(struct sim *sim, int comp)
{
    const struct comp_state *cs = &sim->cs[comp];
    double sum = 0;

    if (is_queue(sim, comp)) {
        struct pool *workers = inst_pool(sim, comp, 0, POOL_OUTER);

        pool_touch(sim, workers);
        return workers->busy_area;
    }
    for (int i = 0; i < cs->ninst; i++) {
        struct pool *cores = inst_pool(sim, comp, i, POOL_CORES);

        pool_touch(sim, cores);
        sum += cores->busy_area;
    }
    return sum;
}

/* Units of capacity one counted instance brings. */
static int units_each(const struct sim *sim, int comp)
{
    return is_queue(sim, comp) ? 1 : comp_of(sim, comp)->cores;
}

/* Since the last look: the utilisation, and the work done in instances
 * (workers) kept busy, u times the mean count in service then. The
 * next look measures from now. */
static double measure(struct sim *sim, int comp, struct autoscaler *as,
                      double *demand)
{
    double busy, look, used, u;

    count_touch(sim, as);
    busy = busy_area(sim, comp);
    look = (double)(sim->now - as->last_look);
    used = as->busy_carry + busy - as->busy_mark;
    u = as->count_look > 0 ? used / (as->count_look * units_each(sim, comp))
                           : 0;
    *demand = look > 0 ? u * as->count_look / look : 0;
    as->busy_mark = busy;
    as->busy_carry = 0;
    as->count_look = 0;
    return u;
}

/* The count that would bring utilisation to the target: the usual
 * ceil(count * u / target), count being the mean in service while u was
 * measured (an order that has just arrived did not do that work), within
 * min and max; or the count now, when it would run near enough the
 * target. The small allowance keeps an exact whole number from rounding
 * up by a last-digit error. */
static int wanted(const struct autoscale *p, int count, double demand)
{
    double want = demand / p->target;

    if (fabs(want / count - 1) <= AUTOSCALE_TOLERANCE)
        return count;
    want = ceil(want - 1e-9);
    if (want < p->min)
        return p->min;
    return want > p->max ? p->max : (int)want;
}

/* "api scaled in 6 -> 4 instances", with the utilisation that decided
 * it when why is set. */
static void tell(struct sim *sim, int comp, const char *what, int from,
                 int to, bool why)
{
    const struct component *c = comp_of(sim, comp);
    const struct autoscaler *as = sim->cs[comp].scale;
    char text[NAME_BYTES + 160];
    int n;

    if (!sim->note)
        return;
    n = snprintf(text, sizeof text, "%s %s %d -> %d %s", c->name, what,
                 from, to, unit_name(sim, comp));
    if (why && n > 0 && (size_t)n < sizeof text)
        snprintf(text + n, sizeof text - (size_t)n, " (%s %.0f%%, target "
                 "%.0f%%)", is_queue(sim, comp) ? "busy" : "cpu",
                 as->last_util * 100, c->autoscale.target * 100);
    sim->note(sim->note_arg, sim->now, text);
}

/* Balancers list the instances in service of what they call. */
static void refresh_balancers(struct sim *sim, int comp)
{
    for (int b = 0; b < sim->sc->ncomponents; b++) {
        const struct component *lb = comp_of(sim, b);

        if (lb->kind != KIND_LB)
            continue;
        for (int j = 0; j < lb->ncalls; j++)
            if (lb->calls[j] == comp) {
                lb_refresh(sim, b);
                break;
            }
    }
}

/* Put a new count in service. A queue's workers stalled by a failure
 * keep a capacity of 0; the failure's end gives them autoscale_count. */
static void set_count(struct sim *sim, int comp, struct autoscaler *as,
                      int count)
{
    count_touch(sim, as);
    as->count = count;
    as->last_change = sim->now;
    as->changes++;
    if (is_queue(sim, comp)) {
        struct pool *workers = inst_pool(sim, comp, 0, POOL_OUTER);

        if (workers->cap > 0)
            pool_set_cap(sim, workers, count);
        return;
    }
    sim->cs[comp].active = count;
    refresh_balancers(sim, comp);
}

/* Order more; one order at a time, so that the look after it arrives
 * sees what it did before ordering again. */
static void scale_out(struct sim *sim, int comp, struct autoscaler *as,
                      int want)
{
    const struct component *c = comp_of(sim, comp);

    as->below_since = -1;
    if (as->ordered > 0)
        return;
    as->ordered = want - as->count;
    as->ready = sim->now + c->autoscale.delay;
    as->last_change = sim->now;
    tell(sim, comp, "ordering", as->count, want, true);
    sim_schedule(sim, as->ready, EV_SCALE, scale_event(comp, SCALE_READY));
}

static void provisioned(struct sim *sim, int comp, struct autoscaler *as)
{
    int from = as->count;

    if (as->ordered == 0)
        return;
    set_count(sim, comp, as, from + as->ordered);
    as->ordered = 0;
    tell(sim, comp, "scaled out", from, as->count, false);
}

/* Fewer wanted: only after the cool-down since the last change, and
 * after a whole cool-down of looks that all wanted fewer. */
static void scale_in(struct sim *sim, int comp, struct autoscaler *as,
                     int want)
{
    sim_ns cooldown = comp_of(sim, comp)->autoscale.cooldown;
    int from = as->count;

    if (as->ordered > 0) {
        as->below_since = -1;
        return;
    }
    if (as->below_since < 0) {
        as->below_since = sim->now;
        as->below_most = want;
    } else if (want > as->below_most) {
        as->below_most = want;
    }
    if (sim->now - as->last_change < cooldown ||
        sim->now - as->below_since < cooldown)
        return;
    set_count(sim, comp, as, as->below_most);
    as->below_since = -1;
    tell(sim, comp, "scaled in", from, as->count, true);
}

/* While a failure stalls a queue's workers there is nothing to measure:
 * start afresh from now. */
static bool stalled(struct sim *sim, int comp, struct autoscaler *as)
{
    if (!is_queue(sim, comp) ||
        inst_pool(sim, comp, 0, POOL_OUTER)->cap > 0)
        return false;
    count_touch(sim, as);
    as->busy_mark = busy_area(sim, comp);
    as->busy_carry = 0;
    as->count_look = 0;
    as->below_since = -1;
    return true;
}

static void look(struct sim *sim, int comp, struct autoscaler *as)
{
    const struct autoscale *p = &comp_of(sim, comp)->autoscale;
    double demand;
    int want;

    sim_schedule(sim, sim->now + p->interval, EV_SCALE,
                 scale_event(comp, SCALE_LOOK));
    if (stalled(sim, comp, as)) {
        as->last_look = sim->now;
        return;
    }
    as->last_util = measure(sim, comp, as, &demand);
    as->last_look = sim->now;
    want = wanted(p, as->count, demand);
    if (want > as->count)
        scale_out(sim, comp, as, want);
    else if (want < as->count)
        scale_in(sim, comp, as, want);
    else
        as->below_since = -1;
}

void autoscale_event(struct sim *sim, uint32_t what)
{
    int comp = (int)(what / 2);
    struct autoscaler *as;

    if (comp >= sim->sc->ncomponents || !(as = sim->cs[comp].scale))
        return;
    if (what % 2 == SCALE_LOOK)
        look(sim, comp, as);
    else
        provisioned(sim, comp, as);
}

int autoscale_init(struct sim *sim)
{
    for (int c = 0; c < sim->sc->ncomponents; c++) {
        const struct component *comp = comp_of(sim, c);
        struct autoscaler *as;

        if (!component_autoscales(comp))
            continue;
        as = calloc(1, sizeof *as);
        if (!as)
            return -1;
        sim->cs[c].scale = as;
        as->count = component_start_count(comp);
        as->below_since = -1;
        as->last_look = sim->now;
        as->count_at = sim->now;
        as->last_change = sim->now;
        sim_schedule(sim, sim->now + comp->autoscale.interval, EV_SCALE,
                     scale_event(c, SCALE_LOOK));
    }
    return 0;
}

void autoscale_reset_window(struct sim *sim)
{
    for (int c = 0; c < sim->sc->ncomponents; c++) {
        struct autoscaler *as = sim->cs[c].scale;

        if (!as)
            continue;
        count_touch(sim, as);
        as->busy_carry += busy_area(sim, c) - as->busy_mark;
        as->busy_mark = 0;
        as->count_window = 0;
    }
}

int autoscale_count(const struct sim *sim, int comp)
{
    const struct comp_state *cs = &sim->cs[comp];
    const struct component *c = comp_of(sim, comp);

    if (cs->scale)
        return cs->scale->count;
    switch (c->kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        return cs->active;
    case KIND_QUEUE:
        return c->workers;
    case KIND_LB:
        return 1;
    case KIND_CDN:
        return sim->nregions;       /* its edges */
    default:
        return cs->ninst;           /* a database's nodes, cache shards */
    }
}

double autoscale_mean_count(const struct sim *sim, int comp)
{
    const struct autoscaler *as = sim->cs[comp].scale;
    double window = (double)(sim->now - sim->window_start);

    if (!as || window <= 0)
        return autoscale_count(sim, comp);
    return (as->count_window +
            as->count * (double)(sim->now - as->count_at)) / window;
}

bool autoscale_settled(const struct sim *sim, sim_ns since)
{
    for (int c = 0; c < sim->sc->ncomponents; c++) {
        const struct autoscaler *as = sim->cs[c].scale;
        sim_ns calm_from;

        if (!as)
            continue;
        calm_from = as->last_change > since ? as->last_change : since;
        if (as->ordered > 0 || as->below_since >= 0 ||
            as->last_look - comp_of(sim, c)->autoscale.interval < calm_from)
            return false;
    }
    return true;
}
