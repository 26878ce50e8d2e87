/*
 * fault.c - failures: scheduled in the scenario or injected live, each
 * starting at a time and ending after its duration (0: never).
 *
 *   instance        one instance of a server crashes; a balancer in front
 *                   keeps sending to it until a health check notices
 *   component       every instance (or the whole database, cache, queue)
 *   primary         a database's writes fail until a replica is promoted
 *                   after the failure's duration; writes the replicas had
 *                   not applied yet are counted as lost
 *   cache-flush     a cache (or CDN) forgets every key at once; it has no
 *                   end (its duration is ignored): it refills by itself
 *   region-latency  a region's round trip is multiplied by factor
 *   workers         a queue's workers stop taking tasks
 *   slow            a component's service times are multiplied by factor
 *   partition       component and peer cannot reach each other: calls
 *                   between them go unanswered (see sim_call), and a
 *                   balancer stops choosing a backend cut off from it
 *                   after a health-check interval
 *   spike           the users are multiplied by factor (a surge of load)
 */
#include <stdio.h>
#include <string.h>

#include "autoscale.h"
#include "model.h"
#include "sim.h"

enum { FAULT_START = 0, FAULT_END = 1 };

/* "instance failure at api", "instance recovered at api"; a partition
 * and a spike are not failures of one component and say so. */
static void tell(struct sim *sim, bool start, const struct fault *ft,
                 const char *name)
{
    const char *what = failure_kind_name(ft->f.kind);
    char text[2 * NAME_BYTES + 128];

    if (!sim->note)
        return;
    if (ft->f.kind == FAIL_PARTITION)
        snprintf(text, sizeof text, "partition %s %s", start ? "cuts off"
                 : "healed between", name);
    else if (ft->f.kind == FAIL_SPIKE)
        snprintf(text, sizeof text, start ? "spike: users x%g"
                 : "spike over: users back to normal", ft->f.factor);
    else if (ft->f.kind == FAIL_CACHE_FLUSH)
        snprintf(text, sizeof text, "cache-flush at %s: every key "
                 "forgotten; it refills as reads miss", name);
    else
        snprintf(text, sizeof text, "%s %s at %s", what,
                 start ? "failure" : "recovered", name);
    sim->note(sim->note_arg, sim->now, text);
}

static int region_index(const struct scenario *sc, const char *name)
{
    for (int i = 0; i < sc->nregions; i++)
        if (strcmp(sc->regions[i].name, name) == 0)
            return i;
    return -1;
}

/* The instance a crash strikes: the first one still alive. */
static int live_instance(const struct sim *sim, int comp)
{
    const struct comp_state *cs = &sim->cs[comp];

    for (int i = 0; i < cs->active; i++)
        if (!cs->dead || !cs->dead[i])
            return i;
    return -1;
}

static void set_dead(struct sim *sim, int comp, int inst, bool dead)
{
    struct comp_state *cs = &sim->cs[comp];

    if (!cs->dead || inst < 0 || inst >= cs->ninst)
        return;
    cs->dead[inst] = dead;
    cs->dead_at[inst] = sim->now;
}

/* Writes committed on the primary that a replica had not applied. */
static uint64_t unreplicated(const struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    const struct comp_state *cs = &sim->cs[comp];
    sim_ns behind = 0;

    for (int i = 1; i <= c->replicas; i++)
        if (cs->apply_until[i] - sim->now > behind)
            behind = cs->apply_until[i] - sim->now;
    return c->apply_time > 0 ? (uint64_t)(behind / c->apply_time) : 0;
}

static void apply_instance(struct sim *sim, struct fault *ft, bool start)
{
    struct comp_state *cs = &sim->cs[ft->target];

    sim->downs += start ? 1 : -1;
    if (ft->f.kind == FAIL_INSTANCE) {
        if (start)
            ft->inst = live_instance(sim, ft->target);
        set_dead(sim, ft->target, ft->inst, start);
        return;
    }
    cs->down = start;                       /* FAIL_COMPONENT */
    for (int i = 0; cs->dead && i < cs->ninst; i++)
        set_dead(sim, ft->target, i, start);
}

/* Start or end the partition of ft: a cut is kept in sim->cuts while in
 * force, for sim_call and the balancers to look up. */
static void set_cut(struct sim *sim, const struct fault *ft, bool start)
{
    if (start) {
        if (sim->ncuts == MAX_FAULTS)
            return;
        sim->cuts[sim->ncuts].a = ft->target;
        sim->cuts[sim->ncuts].b = ft->peer;
        sim->cuts[sim->ncuts].since = sim->now;
        sim->ncuts++;
        return;
    }
    for (int i = 0; i < sim->ncuts; i++) {
        if (sim->cuts[i].a == ft->target && sim->cuts[i].b == ft->peer) {
            sim->cuts[i] = sim->cuts[--sim->ncuts];
            return;
        }
    }
}

sim_ns fault_cut_since(const struct sim *sim, int a, int b)
{
    for (int i = 0; i < sim->ncuts; i++)
        if ((sim->cuts[i].a == a && sim->cuts[i].b == b) ||
            (sim->cuts[i].a == b && sim->cuts[i].b == a))
            return sim->cuts[i].since;
    return -1;
}

static void apply_other(struct sim *sim, struct fault *ft, bool start)
{
    struct comp_state *cs = &sim->cs[ft->target];
    const struct component *c = &sim->sc->components[ft->target];

    switch (ft->f.kind) {
    case FAIL_PRIMARY:
        if (start)
            cs->lost_writes += unreplicated(sim, ft->target);
        cs->primary_down = start;
        break;
    case FAIL_CACHE_FLUSH:
        if (start && cs->lrus) {
            int n = c->kind == KIND_CDN ? sim->nregions : cs->ninst;

            for (int i = 0; i < n; i++)
                lru_clear(cs->lrus[i]);
        }
        break;
    case FAIL_REGION_LATENCY:
        sim->rtt_factor[ft->target] = start ? ft->f.factor : 1.0;
        break;
    case FAIL_WORKERS:
        if (c->kind == KIND_QUEUE)
            pool_set_cap(sim, &cs->pools[POOL_OUTER],
                         start ? 0 : autoscale_count(sim, ft->target));
        break;
    case FAIL_SLOW:
        cs->slow = start ? ft->f.factor : 1.0;
        sim->slowed += start ? 1 : -1;
        break;
    case FAIL_PARTITION:
        set_cut(sim, ft, start);
        break;
    case FAIL_SPIKE:
        sim->surge *= start ? ft->f.factor : 1 / ft->f.factor;
        sim_set_users(sim, sim->users);
        break;
    default:
        break;
    }
}

/* What a failure struck, for the event log: "api", "web and api". */
static void target_name(const struct sim *sim, const struct fault *ft,
                        char *buf, size_t size)
{
    const struct component *comps = sim->sc->components;

    if (ft->f.kind == FAIL_REGION_LATENCY)
        snprintf(buf, size, "%s", sim->sc->regions[ft->target].name);
    else if (ft->f.kind == FAIL_PARTITION)
        snprintf(buf, size, "%s and %s", comps[ft->target].name,
                 comps[ft->peer].name);
    else if (ft->f.kind == FAIL_SPIKE)
        snprintf(buf, size, "the users");
    else
        snprintf(buf, size, "%s", comps[ft->target].name);
}

void fault_event(struct sim *sim, uint32_t i, uint16_t tag)
{
    struct fault *ft = &sim->faults[i];
    bool start = tag == FAULT_START;
    char name[2 * NAME_BYTES + 32];

    if (i >= (uint32_t)sim->nfaults || ft->active == start)
        return;
    ft->active = start;
    if (ft->f.kind == FAIL_INSTANCE || ft->f.kind == FAIL_COMPONENT)
        apply_instance(sim, ft, start);
    else
        apply_other(sim, ft, start);
    target_name(sim, ft, name, sizeof name);
    tell(sim, start, ft, name);
    if (ft->f.kind == FAIL_CACHE_FLUSH) {
        ft->active = false;         /* done at once: nothing to end */
        return;
    }
    if (start && ft->f.duration > 0) {
        sim->fault_tag = FAULT_END;
        sim_schedule(sim, sim->now + ft->f.duration, EV_FAULT, i);
        sim->fault_tag = FAULT_START;
    }
}

/* Add a fault to the table; its index, or -1. */
static int add_fault(struct sim *sim, const struct failure *f)
{
    struct fault *ft;
    int target, peer = -1;

    if (f->kind == FAIL_REGION_LATENCY)
        target = region_index(sim->sc, f->component);
    else if (f->kind == FAIL_SPIKE)
        target = sim->sc->entry;    /* the users come in there */
    else
        target = scenario_find(sim->sc, f->component);
    if (f->kind == FAIL_PARTITION &&
        ((peer = scenario_find(sim->sc, f->peer)) < 0 || peer == target))
        return -1;
    if (target < 0 || sim->nfaults == MAX_FAULTS)
        return -1;
    ft = &sim->faults[sim->nfaults];
    memset(ft, 0, sizeof *ft);
    ft->f = *f;
    if (ft->f.factor <= 0)
        ft->f.factor = 2;
    ft->target = target;
    ft->peer = peer;
    ft->inst = -1;
    return sim->nfaults++;
}

void fault_schedule_all(struct sim *sim)
{
    for (int i = 0; i < sim->sc->nfailures; i++) {
        int k = add_fault(sim, &sim->sc->failures[i]);

        if (k >= 0) {
            sim->fault_tag = FAULT_START;
            sim_schedule(sim, sim->sc->failures[i].at, EV_FAULT,
                         (uint32_t)k);
        }
    }
}

int fault_inject(struct sim *sim, const struct failure *f)
{
    int k = add_fault(sim, f);

    if (k < 0)
        return -1;
    fault_event(sim, (uint32_t)k, FAULT_START);
    return 0;
}

bool fault_dead(const struct sim *sim, int comp, int inst)
{
    const struct comp_state *cs = &sim->cs[comp];

    if (cs->down)
        return true;
    return cs->dead && inst >= 0 && inst < cs->ninst && cs->dead[inst];
}

bool fault_noticed(const struct sim *sim, int comp, int inst,
                   sim_ns interval)
{
    const struct comp_state *cs = &sim->cs[comp];

    if (!fault_dead(sim, comp, inst))
        return false;
    if (!cs->dead_at || inst < 0 || inst >= cs->ninst)
        return true;
    return sim->now - cs->dead_at[inst] >= interval;
}
