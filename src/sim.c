/*
 * sim.c - the engine: event heap, request pool, pools, users, and the
 * walk of a request between levels. What happens at a component is in
 * models/.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscale.h"
#include "model.h"
#include "sim.h"

/* Requests in flight are bounded so that memory stays bounded whatever
 * the load: beyond this, new arrivals fail with ERR_OVERLOAD. Every
 * component's own limits (threads, backlogs, pools, queue depth) normally
 * bind long before. 2^22 records are 256 MiB at 64 bytes each. */
#define MAX_REQUESTS (1u << 22)

static const char *const cause_names[] = {
    "backlog full", "no connection", "queue full", "broker limit",
    "timeout", "overload", "no backend", "shed", "rate limited",
    "circuit open", "unreachable",
};
_Static_assert(sizeof cause_names / sizeof cause_names[0] == ERR_CAUSE_COUNT,
               "a name for every error cause");

const char *err_cause_name(enum err_cause cause)
{
    return cause_names[cause];
}

/* --- Pending events ------------------------------------------------------
 * An implicit binary min-heap of 16-byte records ordered by time. Chosen
 * by measurement (tests/bench_engine.c, `make bench`, "hold" model):
 * against a 4-ary heap it was 1-13% faster at 1k and 64k pending events
 * and up to 25% faster at 1M, and within 5-9% at 16; the engine holds
 * about one event per request in service (thousands at a million users),
 * where binary wins. A calendar queue's O(1) would not pay for its
 * resizing at these sizes. Equal times pop in an order fixed by the
 * heap's shape, so runs stay deterministic.
 */

static int heap_grow(struct sim *sim)
{
    uint32_t cap = sim->capheap ? sim->capheap * 2 : 1024;
    struct event *grown = realloc(sim->heap, (size_t)cap * sizeof *grown);

    if (!grown)
        return -1;
    sim->heap = grown;
    sim->capheap = cap;
    return 0;
}

void sim_schedule(struct sim *sim, sim_ns at, enum event_type type,
                  uint32_t req)
{
    struct event *h;
    uint32_t i;

    if (sim->nheap == sim->capheap && heap_grow(sim) < 0)
        abort();                    /* see sim_alloc_req: cannot happen */
    h = sim->heap;
    i = sim->nheap++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (h[parent].time <= at)
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = (struct event){at, req, (uint16_t)type,
                          type == EV_FAULT ? sim->fault_tag : 0};
}

static struct event heap_pop(struct sim *sim)
{
    struct event *h = sim->heap;
    struct event top = h[0];
    struct event last = h[--sim->nheap];
    uint32_t n = sim->nheap, i = 0;

    for (;;) {
        uint32_t best = 2 * i + 1;

        if (best >= n)
            break;
        if (best + 1 < n && h[best + 1].time < h[best].time)
            best++;
        if (h[best].time >= last.time)
            break;
        h[i] = h[best];
        i = best;
    }
    if (n > 0)
        h[i] = last;
    return top;
}

/* --- Requests ------------------------------------------------------------ */

/* Pending events there can be: one per request; per component one
 * timer and an autoscaler's look and order; and the failures' own. */
static uint32_t heap_room(const struct sim *sim)
{
    return sim->capreqs + 3 * (uint32_t)sim->sc->ncomponents + MAX_FAULTS +
           16;
}

uint32_t sim_alloc_req(struct sim *sim)
{
    uint32_t r;

    if (sim->free_head != NO_REQ) {
        r = sim->free_head;
        sim->free_head = sim->reqs[r].next;
    } else {
        if (sim->nreqs == sim->capreqs) {
            uint32_t cap = sim->capreqs * 2;
            struct request *grown;

            if (cap > sim->maxreqs)
                return NO_REQ;
            grown = realloc(sim->reqs, (size_t)cap * sizeof *grown);
            if (!grown)
                return NO_REQ;
            sim->reqs = grown;
            sim->capreqs = cap;
        }
        /* Each request has at most one pending event; keep room for it
         * so that sim_schedule never has to fail. */
        while (sim->capheap < heap_room(sim))
            if (heap_grow(sim) < 0)
                return NO_REQ;
        r = sim->nreqs++;
    }
    sim->inflight++;
    return r;
}

void sim_free_req(struct sim *sim, uint32_t r)
{
    sim->reqs[r].start = -1;        /* no timer may take it for its own */
    sim->reqs[r].next = sim->free_head;
    sim->free_head = r;
    sim->inflight--;
}

sim_ns sim_service(struct sim *sim, const struct component *c, sim_ns mean)
{
    double t;

    if (mean <= 0)
        return 0;
    /* Only while a "slow" failure is in force: the common case costs a
     * test, not a division and a multiply per service time. */
    if (sim->slowed)
        mean = (sim_ns)((double)mean *
                        sim->cs[c - sim->sc->components].slow);
    switch (c->dist) {
    case DIST_CONSTANT:
        return mean;
    case DIST_LOGNORMAL:
        t = rng_lognormal(&sim->rng, (double)mean, c->cv);
        break;
    default:
        t = rng_exponential(&sim->rng, (double)mean);
        break;
    }
    return (sim_ns)(t + 0.5);
}

/* --- Pools --------------------------------------------------------------- */

void pool_touch(struct sim *sim, struct pool *p)
{
    sim_ns dt = sim->now - p->last;

    if (dt > 0) {
        p->busy_area += (double)p->busy * (double)dt;
        p->wait_area += (double)p->waiting * (double)dt;
    }
    p->last = sim->now;
}

int pool_acquire(struct sim *sim, struct pool *p, uint32_t r)
{
    pool_touch(sim, p);
    if (p->busy < p->cap) {
        p->busy++;
        p->grants++;
        return 1;
    }
    if (p->max_waiting >= 0 && p->waiting >= p->max_waiting)
        return -1;
    sim->reqs[r].next = NO_REQ;
    p->queued++;
    if (p->waiting == 0)
        p->head = r;
    else
        sim->reqs[p->tail].next = r;
    p->tail = r;
    p->waiting++;
    return 0;
}

void pool_release(struct sim *sim, struct pool *p)
{
    uint32_t r;

    pool_touch(sim, p);
    /* With no one waiting, or fewer units than before (workers stalled),
     * the unit goes back rather than to the next in line. */
    if (p->waiting == 0 || p->busy > p->cap) {
        p->busy--;
        return;
    }
    r = p->head;
    p->head = sim->reqs[r].next;
    p->waiting--;
    p->grants++;
    sim_resume(sim, r);             /* the unit passes straight to r */
}

void pool_set_cap(struct sim *sim, struct pool *p, int cap)
{
    pool_touch(sim, p);
    p->cap = cap;
    while (p->busy < p->cap && p->waiting > 0) {
        uint32_t r = p->head;

        p->head = sim->reqs[r].next;
        p->waiting--;
        p->busy++;
        p->grants++;
        sim_resume(sim, r);
    }
}

/* --- Levels -------------------------------------------------------------- */

void sim_resume(struct sim *sim, uint32_t r)
{
    model_step(sim, r);
}

void sim_fail(struct sim *sim, uint32_t r, enum err_cause cause)
{
    struct request *q = &sim->reqs[r];

    if (!(q->flags & REQ_FAILED)) {
        q->flags |= REQ_FAILED;
        q->cause = (uint8_t)cause;
        sim->cs[q->comp[q->depth]].st.errors[cause]++;
    }
}

/* A call that cannot be made fails at the caller, which hears of it at
 * time at as if it had come back. */
static void call_fails(struct sim *sim, uint32_t r, enum err_cause cause,
                       sim_ns at)
{
    sim_fail_quietly(sim, r, cause);
    sim->reqs[r].phase = 255;
    sim_schedule(sim, at, EV_RESUME, r);
}

void sim_fail_quietly(struct sim *sim, uint32_t r, enum err_cause cause)
{
    struct request *q = &sim->reqs[r];

    if (!(q->flags & REQ_FAILED)) {
        q->flags |= REQ_FAILED | REQ_UNCOUNTED;
        q->cause = (uint8_t)cause;
    }
}

void sim_count_call_error(struct sim *sim, uint32_t r)
{
    struct request *q = &sim->reqs[r];
    struct comp_stats *st = &sim->cs[q->comp[q->depth]].st;

    q->flags &= (uint8_t)~REQ_UNCOUNTED;
    st->errors[q->cause]++;
    st->call_errors++;
}

void sim_call(struct sim *sim, uint32_t r, int comp, sim_ns delay)
{
    struct request *q = &sim->reqs[r];
    uint8_t d;
    sim_ns arrive = sim->now + delay;

    /* scenario_validate refuses designs that nest deeper; should one
     * get here all the same, the request fails rather than overrun. */
    if (q->depth + 1 >= MAX_CALL_DEPTH) {
        call_fails(sim, r, ERR_OVERLOAD, arrive);
        return;
    }
    if (sim->ncuts > 0 && fault_cut_since(sim, q->comp[q->depth], comp) >= 0) {
        /* Across a partition the call is never answered: a caller with
         * a timeout waits for it in vain, one without fails at once
         * rather than hold its thread for ever. */
        if (sim->sc->components[q->comp[q->depth]].call_timeout <= 0) {
            call_fails(sim, r, ERR_UNREACHABLE, arrive);
            return;
        }
        comp = sim->sink;
    }
    d = ++q->depth;

    q->comp[d] = (uint16_t)comp;
    q->inst[d] = 0;
    q->callidx[d] = 0;
    q->at[d] = (uint32_t)((arrive - q->start) / LEVEL_TICK_NS);
    req_set_tries(q, d, 0);
    q->phase = PHASE_ARRIVE;
    if (q->trace && comp != sim->sink)
        trace_enter(sim, r, comp, arrive);
    sim_schedule(sim, arrive, EV_ARRIVE, r);
}

static sim_ns region_rtt(const struct sim *sim, const struct request *q)
{
    if (q->flags & REQ_AT_EDGE)
        return sim->sc->components[q->comp[0]].edge_rtt;
    if (sim->sc->nregions == 0)
        return 0;
    return (sim_ns)((double)sim->sc->regions[q->region].rtt *
                    sim->rtt_factor[q->region]);
}

/* The request is answered (or failed) at the top: record and free it. */
static void finish(struct sim *sim, uint32_t r)
{
    struct request *q = &sim->reqs[r];
    struct end_stats *e = &sim->end;

    if (q->flags & REQ_JOB) {
        sim_free_req(sim, r);
        return;
    }
    if (q->trace)
        trace_end(sim, r, region_rtt(sim, q));
    if (q->flags & REQ_FAILED) {
        e->errors++;
        e->by_cause[q->cause]++;
    } else {
        sim_ns latency = sim->now - q->start + region_rtt(sim, q);

        e->ok++;
        hist_add(&e->kind[q->kind], latency);
    }
    if (sim->sc->user_model == USERS_CLOSED)
        sim->inflight_users -= 1;
    sim_free_req(sim, r);
}

void sim_return(struct sim *sim, uint32_t r)
{
    struct request *q = &sim->reqs[r];

    if (q->trace)
        trace_leave(sim, r);
    model_note_done(sim, r);
    if (q->depth == 0) {
        finish(sim, r);
        return;
    }
    q->depth--;
    q->phase = 255;                 /* "a call came back" for the caller */
    model_step(sim, r);
}

const struct hist *sim_latency_all(struct sim *sim)
{
    struct end_stats *e = &sim->end;

    hist_clear(&e->all);
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        hist_merge(&e->all, &e->kind[k]);
    return &e->all;
}

/* --- Users ----------------------------------------------------------------
 * Closed users: a thinking user sends after an exponential think time, so
 * the n users thinking at any moment send as one Poisson stream of rate
 * n / think. Rather than an event per user, one stream runs at the rate
 * of all users, users / think, and each arrival is kept with probability
 * thinking / users (thinning): exact for a rate that changes with every
 * request, with one pending event whatever the number of users.
 */

double users_rate(const struct scenario *sc, double users)
{
    if (sc->user_model == USERS_OPEN)
        return users * sc->rate;
    return users / ((double)sc->think / NS_PER_S);
}

/* The users' next arrival is kept beside the heap rather than in it:
 * there is always exactly one, and each customer would otherwise cost
 * the heap a push and a pop more (4-5% of the M/M/4 bench's time). */
static void schedule_users(struct sim *sim)
{
    double gap;

    if (sim->gap_mean <= 0) {
        sim->next_users = INT64_MAX;
        return;
    }
    gap = sim->gap_mean * rng_standard_exponential(&sim->rng);
    if (gap > 1e15)                 /* farther than any run goes */
        gap = 1e15;
    sim->next_users = sim->now + (sim_ns)gap + 1;
}

void sim_set_users(struct sim *sim, double users)
{
    double rate;

    sim->users = users;
    sim->active_users = users * sim->surge;
    rate = users_rate(sim->sc, sim->active_users);
    sim->gap_mean = rate > 0 ? NS_PER_S / rate : 0;
    schedule_users(sim);            /* in place of the one pending */
}

/* Choose among n shares (cumulative in cut); only, when not -1, is the
 * one share that takes everything, found once by build_cuts, so that
 * single-kind runs spend no draw and no search. */
static int pick_cut(struct sim *sim, const double *cut, int n, int only)
{
    double u;

    if (only >= 0)
        return only;
    u = rng_uniform(&sim->rng);
    for (int i = 0; i < n - 1; i++)
        if (u < cut[i])
            return i;
    return n - 1;
}

static void new_request(struct sim *sim)
{
    const struct scenario *sc = sim->sc;
    uint32_t r = sim_alloc_req(sim);
    struct request *q;

    sim->end.arrivals++;
    if (r == NO_REQ) {
        sim->cs[sc->entry].st.errors[ERR_OVERLOAD]++;
        sim->end.errors++;
        sim->end.by_cause[ERR_OVERLOAD]++;
        return;
    }
    if (sc->user_model == USERS_CLOSED)
        sim->inflight_users += 1;
    q = &sim->reqs[r];
    memset(q, 0, sizeof *q);
    q->start = sim->now;
    q->key = NO_KEY;
    q->kind = (uint8_t)pick_cut(sim, sim->kind_cut, REQ_KIND_COUNT,
                                  sim->only_kind);
    q->region = (uint8_t)pick_cut(sim, sim->region_cut, sim->nregions,
                                    sim->only_region);
    q->comp[0] = (uint16_t)sc->entry;
    q->phase = PHASE_ARRIVE;
    if (sim->tracer)
        trace_begin(sim, r);
    model_step(sim, r);
}

static void users_event(struct sim *sim)
{
    if (sim->sc->user_model == USERS_OPEN ||
        rng_uniform(&sim->rng) * sim->active_users >= sim->inflight_users)
        new_request(sim);
    schedule_users(sim);
}

/* --- Running ------------------------------------------------------------- */

void sim_run_until(struct sim *sim, sim_ns t)
{
    while (!sim_run_events(sim, t, UINT64_MAX))
        ;
}

/* flatten: everything an event calls is inlined into this loop. The
 * work of an event is spread over some twenty small functions across
 * files; inlined, the M/M/4 bench runs 12% faster (26 to 29M events/s),
 * the stage-9 ramp's CPU time is unchanged, and the program is about
 * 300 KiB larger. */
__attribute__((flatten))
int sim_run_events(struct sim *sim, sim_ns t, uint64_t max_events)
{
    for (uint64_t n = 0; n < max_events; n++) {
        sim_ns next = sim->nheap ? sim->heap[0].time : INT64_MAX;
        struct event ev;

        /* On a tie the heap's event goes first. */
        if (sim->next_users < next && sim->next_users < t) {
            sim->now = sim->next_users;
            sim->events++;
            users_event(sim);
            continue;
        }
        if (next >= t) {
            if (sim->now < t)
                sim->now = t;
            return 1;
        }
        ev = heap_pop(sim);
        sim->now = ev.time;
        sim->events++;
        if (ev.type == EV_FAULT)
            fault_event(sim, ev.req, ev.tag);
        else if (ev.type == EV_TIMER)
            calls_timer_event(sim, (int)ev.req);
        else if (ev.type == EV_SCALE)
            autoscale_event(sim, ev.req);
        else
            model_step(sim, ev.req);
    }
    return 0;
}

static void reset_pool(struct sim *sim, struct pool *p)
{
    p->last = sim->now;
    p->busy_area = 0;
    p->wait_area = 0;
    p->grants = 0;
    p->queued = 0;
    p->wait_sum = 0;
}

void sim_flush_areas(struct sim *sim)
{
    for (int c = 0; c < sim->sc->ncomponents; c++) {
        struct comp_state *cs = &sim->cs[c];

        for (int i = 0; i < cs->ninst * POOLS_PER_INST; i++)
            pool_touch(sim, &cs->pools[i]);
    }
}

void sim_reset_window(struct sim *sim)
{
    autoscale_reset_window(sim);    /* it reads the areas about to go */
    for (int c = 0; c < sim->sc->ncomponents; c++) {
        struct comp_state *cs = &sim->cs[c];
        struct hist *resp = cs->st.resp;

        for (int i = 0; i < cs->ninst * POOLS_PER_INST; i++)
            reset_pool(sim, &cs->pools[i]);
        memset(&cs->st, 0, sizeof cs->st);
        cs->st.resp = resp;
        if (resp)
            hist_clear(resp);
    }
    sim->end.arrivals = sim->end.ok = sim->end.errors = 0;
    sim->retries = 0;
    memset(sim->end.by_cause, 0, sizeof sim->end.by_cause);
    hist_clear(&sim->end.all);
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        hist_clear(&sim->end.kind[k]);
    trace_clear(sim);
    sim->window_start = sim->now;
}

/* The index of the one share in cut[0..n) that takes everything, or -1
 * when several have some. */
static int sole_share(const double *cut, int n)
{
    for (int i = 0; i < n; i++) {
        double share = cut[i] - (i ? cut[i - 1] : 0);

        if (share >= 1.0)
            return i;
        if (share > 0)
            return -1;
    }
    return n > 0 ? n - 1 : 0;
}

static void build_cuts(struct sim *sim)
{
    const struct scenario *sc = sim->sc;
    double acc = 0;

    for (int k = 0; k < REQ_KIND_COUNT; k++) {
        acc += sc->mix[k];
        sim->kind_cut[k] = acc;
    }
    sim->nregions = sc->nregions > 0 ? sc->nregions : 1;
    acc = 0;
    for (int i = 0; i < sc->nregions; i++) {
        acc += sc->regions[i].share;
        sim->region_cut[i] = acc;
    }
    sim->only_kind = sole_share(sim->kind_cut, REQ_KIND_COUNT);
    sim->only_region = sc->nregions > 0
                           ? sole_share(sim->region_cut, sc->nregions) : 0;
}

struct sim *sim_create(const struct scenario *sc, uint64_t seed)
{
    struct sim *sim = calloc(1, sizeof *sim);

    if (!sim)
        return NULL;
    sim->sc = sc;
    rng_seed(&sim->rng, seed);
    sim->free_head = NO_REQ;
    sim->maxreqs = MAX_REQUESTS;
    sim->capreqs = 1024;
    sim->reqs = malloc(sim->capreqs * sizeof *sim->reqs);
    /* One component more than the scenario's: the sink, where abandoned
     * calls end and partitioned ones wait (see model.h). */
    sim->cs = calloc((size_t)sc->ncomponents + 1, sizeof *sim->cs);
    sim->kind = calloc((size_t)sc->ncomponents + 1, 1);
    if (!sim->reqs || !sim->cs || !sim->kind)
        goto fail;
    for (int c = 0; c < sc->ncomponents; c++)
        sim->kind[c] = (uint8_t)sc->components[c].kind;
    sim->sink = sc->ncomponents;
    sim->kind[sim->sink] = KIND_SINK;
    sim->surge = 1.0;
    sim->next_users = INT64_MAX;
    while (sim->capheap < heap_room(sim))
        if (heap_grow(sim) < 0)
            goto fail;
    build_cuts(sim);
    for (int r = 0; r < MAX_REGIONS; r++)
        sim->rtt_factor[r] = 1.0;
    for (int c = 0; c < sc->ncomponents; c++) {
        sim->cs[c].slow = 1.0;
        if (model_init_state(sim, c) < 0)
            goto fail;
    }
    if (autoscale_init(sim) < 0)
        goto fail;
    fault_schedule_all(sim);
    sim_reset_window(sim);
    return sim;

fail:
    sim_destroy(sim);
    return NULL;
}

void sim_destroy(struct sim *sim)
{
    if (!sim)
        return;
    if (sim->cs)
        for (int c = 0; c < sim->sc->ncomponents; c++)
            model_free_state(sim, c);
    trace_free(sim);
    free(sim->cs);
    free(sim->kind);
    free(sim->reqs);
    free(sim->heap);
    free(sim);
}
