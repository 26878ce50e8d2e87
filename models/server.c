/*
 * server.c - servers and services. A request takes a thread of one
 * instance (waiting in the backlog if none is free, rejected if the
 * backlog is full), spends its CPU time on one of the instance's cores,
 * does inline slow work for a task when nothing downstream takes tasks,
 * makes its calls one after another, and answers, giving the thread back.
 * A request slower than the timeout counts as failed when it answers.
 */
#include <stdlib.h>

#include "model.h"

enum {
    SRV_GOT_THREAD = 2,
    SRV_GOT_CORE,
    SRV_CPU_DONE,
    SRV_WORK_DONE,
    SRV_RESPOND,
    SRV_RETRY,
    SRV_RETURNED = 255,
};

/* Whether a call to c takes a task off this server's hands. */
static bool takes_tasks(const struct component *c)
{
    if (c->kind == KIND_SERVER || c->kind == KIND_SERVICE)
        return (c->serves >> REQ_TASK) & 1;
    return c->kind == KIND_QUEUE || c->kind == KIND_LB;
}

int server_init(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];
    /* An autoscaled server has pools for its most instances from the
     * start; the first ones in service take the requests. */
    int slots = component_autoscales(c) ? c->autoscale.max : c->instances;

    if (model_alloc_pools(sim, comp, slots, c->threads, c->backlog,
                          c->cores, 0) < 0)
        return -1;
    cs->active = component_start_count(c);
    for (int j = 0; j < c->ncalls; j++)
        if (takes_tasks(&sim->sc->components[c->calls[j]]))
            cs->calls_take_tasks = true;
    return calls_init(sim, comp);
}

/* Whether request q makes the call to component to. */
static bool call_applies(const struct request *q, const struct component *to)
{
    if (q->kind == REQ_STATIC)
        return false;
    switch (to->kind) {
    case KIND_CACHE:
    case KIND_DATABASE:
        if (q->kind == REQ_READ)
            return !(q->flags & REQ_HIT);
        return q->kind == REQ_WRITE;
    case KIND_QUEUE:
        return q->kind == REQ_TASK;
    case KIND_SERVER:
    case KIND_SERVICE:
        return (to->serves >> q->kind) & 1;
    case KIND_LB:
        return true;
    default:
        return false;
    }
}

static void respond(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, c = q->comp[d];
    const struct component *comp = &sim->sc->components[c];

    pool_release(sim, inst_pool(sim, c, q->inst[d], POOL_OUTER));
    if (model_level_age(sim, q) > comp->timeout)
        sim_fail(sim, r, ERR_TIMEOUT);
    q->flags &= (uint8_t)~(REQ_HIT | REQ_NEED_FILL);
    sim_return(sim, r);
}

/* Answer after delay (at once when it is 0). */
static void respond_after(struct sim *sim, uint32_t r, sim_ns delay)
{
    if (delay == 0) {
        respond(sim, r);
        return;
    }
    sim_req(sim, r)->phase = SRV_RESPOND;
    sim_schedule(sim, sim->now + delay, EV_RESUME, r);
}

/* Send call j of r's current level, arriving after delay, unless the
 * breaker on it is open: then the call fails here and now. */
static void send_call(struct sim *sim, uint32_t r, int j, sim_ns delay)
{
    struct request *q = sim_req(sim, r);
    int c = q->comp[q->depth];
    const struct component *comp = &sim->sc->components[c];

    if (sim->cs[c].breakers && !calls_breaker_allows(sim, c, j)) {
        sim_fail_quietly(sim, r, ERR_BREAKER);
        sim_count_call_error(sim, r);   /* never retried */
        respond_after(sim, r, delay);
        return;
    }
    sim_call(sim, r, comp->calls[j], delay);
    if (comp->call_timeout > 0)
        calls_arm_timer(sim, r);
}

/* Make the next call that applies, after delay; or answer after it. */
static void next_call(struct sim *sim, uint32_t r, sim_ns delay)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, c = q->comp[d];
    const struct component *comp = &sim->sc->components[c];
    sim_ns half_hop = sim->sc->hop / 2;

    while (!(q->flags & REQ_FAILED) && q->callidx[d] < comp->ncalls) {
        int j = q->callidx[d]++;

        if (call_applies(q, &sim->sc->components[comp->calls[j]])) {
            req_set_tries(q, d, 0);
            if (comp->retry_budget > 0)
                calls_first_try(sim, c);
            send_call(sim, r, j, delay + half_hop);
            return;
        }
    }
    respond_after(sim, r, delay);
}

/* Whether the call that came back to r's level was the cache fill that
 * follows a database read, rather than call j itself. */
static bool was_fill(const struct sim *sim, const struct request *q, int j)
{
    int d = q->depth, child = q->comp[d + 1];
    const struct component *comp = &sim->sc->components[q->comp[d]];

    return child < sim->sc->ncomponents &&
           sim->sc->components[child].kind == KIND_CACHE &&
           sim->sc->components[comp->calls[j]].kind == KIND_DATABASE;
}

/* Call j came back: tell its breaker, and go again if it failed and a
 * retry is allowed. Returns true when a retry is on its way. */
static bool settle_call(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, c = q->comp[d], j = q->callidx[d] - 1;
    bool failed = (q->flags & REQ_FAILED) != 0;
    sim_ns wait;

    if (j < 0 || d + 1 >= MAX_CALL_DEPTH || was_fill(sim, q, j))
        return false;
    if (sim->cs[c].breakers)
        calls_breaker_result(sim, c, j, failed);
    if (!failed || !calls_retry(sim, r, &wait))
        return false;
    q->flags &= (uint8_t)~(REQ_FAILED | REQ_UNCOUNTED);
    q->callidx[d] = (uint8_t)j;     /* the same call again */
    q->phase = SRV_RETRY;
    sim_schedule(sim, sim->now + sim->sc->hop / 2 + wait, EV_RESUME, r);
    return true;
}

/* After the backoff: call j once more. */
static void retry_call(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int j = q->callidx[q->depth]++;

    send_call(sim, r, j, sim->sc->hop / 2);
}

/* A call came back: fill the cache that missed, or go on. */
static void call_returned(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth;
    int child = d + 1 < MAX_CALL_DEPTH ? q->comp[d + 1] : -1;
    sim_ns half_hop = sim->sc->hop / 2;

    q->phase = SRV_RETURNED;
    if (settle_call(sim, r))
        return;
    if (q->flags & REQ_UNCOUNTED)
        sim_count_call_error(sim, r);   /* no retry: it fails here */
    if ((q->flags & REQ_NEED_FILL) && !(q->flags & REQ_FAILED) &&
        child >= 0 && child < sim->sc->ncomponents &&
        sim->sc->components[child].kind == KIND_DATABASE) {
        q->flags &= (uint8_t)~REQ_NEED_FILL;
        q->flags |= REQ_FILLING;
        sim_call(sim, r, q->fill_comp, 2 * half_hop);
        return;
    }
    next_call(sim, r, half_hop);
}

static void start_cpu(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, c = q->comp[d];
    const struct component *comp = &sim->sc->components[c];

    q->phase = SRV_GOT_CORE;
    if (pool_acquire(sim, inst_pool(sim, c, q->inst[d], POOL_CORES), r) == 0)
        return;
    if (sim_req(sim, r)->trace)
        trace_serve(sim, r);
    q->phase = SRV_CPU_DONE;
    sim_schedule(sim, sim->now + sim_service(sim, comp, comp->cpu[q->kind]),
                 EV_DONE, r);
}

static void cpu_done(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, c = q->comp[d];
    const struct component *comp = &sim->sc->components[c];

    pool_release(sim, inst_pool(sim, c, q->inst[d], POOL_CORES));
    if (q->kind == REQ_TASK && !sim->cs[c].calls_take_tasks &&
        comp->task_work > 0) {
        q->phase = SRV_WORK_DONE;
        sim_schedule(sim, sim->now + sim_service(sim, comp, comp->task_work),
                     EV_DONE, r);
        return;
    }
    next_call(sim, r, 0);
}

static void arrive(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, c = q->comp[d];
    struct comp_state *cs = &sim->cs[c];

    cs->st.arrivals++;
    q->flags &= (uint8_t)~(REQ_HIT | REQ_NEED_FILL);
    if (sim->downs > 0 && fault_dead(sim, c, q->inst[d])) {
        sim_fail(sim, r, ERR_NO_BACKEND);   /* the instance is down */
        sim_return(sim, r);
        return;
    }
    q->phase = SRV_GOT_THREAD;
    switch (pool_acquire(sim, inst_pool(sim, c, q->inst[d], POOL_OUTER), r)) {
    case -1:
        sim_fail(sim, r, ERR_BACKLOG);
        sim_return(sim, r);
        return;
    case 0:
        return;                     /* resumed when a thread frees */
    default:
        start_cpu(sim, r);
    }
}

void server_step(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    struct comp_state *cs = &sim->cs[q->comp[q->depth]];

    switch (q->phase) {
    case PHASE_ARRIVE:
        q->inst[q->depth] = (uint16_t)next_turn(&cs->rr,
                                                (uint32_t)cs->active);
        arrive(sim, r);
        break;
    case SERVER_PHASE_CHOSEN:
        arrive(sim, r);
        break;
    case SRV_GOT_THREAD:
        start_cpu(sim, r);
        break;
    case SRV_GOT_CORE: {
        const struct component *comp = &sim->sc->components[q->comp[q->depth]];

        if (sim_req(sim, r)->trace)
            trace_serve(sim, r);
        q->phase = SRV_CPU_DONE;
        sim_schedule(sim, sim->now + sim_service(sim, comp, comp->cpu[q->kind]),
                     EV_DONE, r);
        break;
    }
    case SRV_CPU_DONE:
        cpu_done(sim, r);
        break;
    case SRV_WORK_DONE:
        next_call(sim, r, 0);
        break;
    case SRV_RESPOND:
        respond(sim, r);
        break;
    case SRV_RETRY:
        retry_call(sim, r);
        break;
    case SRV_RETURNED:
        call_returned(sim, r);
        break;
    default:
        abort();
    }
}
