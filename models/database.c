/*
 * database.c - a primary for writes and read replicas. A query takes a
 * connection of its node (waiting in the pool's queue, rejected when that
 * is full), a write to a hot row also takes the node's row lock so that
 * such writes go one at a time, then the query runs on one core. Each
 * replica applies the primary's writes one at a time in commit order; its
 * lag is how long a write waits to be applied there.
 */
#include <stdlib.h>

#include "model.h"

enum {
    DB_GOT_CONN = 1,
    DB_GOT_LOCK,
    DB_GOT_CORE,
    DB_DONE,
};

int database_init(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];

    if (model_alloc_pools(sim, comp, 1 + c->replicas, c->pool, c->pool_queue,
                          c->cores, 1) < 0)
        return -1;
    cs->apply_until = calloc((size_t)cs->ninst, sizeof *cs->apply_until);
    return cs->apply_until ? 0 : -1;
}

/* Writes go to the primary (node 0); reads to the replicas in turn. */
static int choose_node(struct sim *sim, const struct request *q, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];

    if (q->kind == REQ_WRITE || c->replicas == 0)
        return 0;
    return 1 + (int)next_turn(&cs->rr, (uint32_t)c->replicas);
}

static sim_ns query_time(const struct component *c, const struct request *q)
{
    if (q->kind == REQ_WRITE)
        return c->write_time;
    return c->indexed ? c->read_time : c->scan_time;
}

/* Each replica applies the write after those before it: a FIFO single
 * server, whose finishing times follow from the previous one alone. */
static void replicate(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];

    for (int i = 1; i <= c->replicas; i++) {
        sim_ns start = cs->apply_until[i] > sim->now ? cs->apply_until[i]
                                                     : sim->now;
        double lag;

        cs->apply_until[i] = start + sim_service(sim, c, c->apply_time);
        lag = (double)(cs->apply_until[i] - sim->now);
        cs->st.lag_sum += lag;
        cs->st.lag_n++;
        if (lag > cs->st.lag_max)
            cs->st.lag_max = lag;
    }
}

static void run_query(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int comp = q->comp[q->depth];
    const struct component *c = &sim->sc->components[comp];

    if (sim_req(sim, r)->trace)
        trace_serve(sim, r);
    q->phase = DB_DONE;
    sim_schedule(sim, sim->now + sim_service(sim, c, query_time(c, q)),
                 EV_DONE, r);
}

static void take_core(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int comp = q->comp[q->depth];

    q->phase = DB_GOT_CORE;
    if (pool_acquire(sim, inst_pool(sim, comp, q->inst[q->depth],
                                    POOL_CORES), r) == 1)
        run_query(sim, r);
}

static void got_connection(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int comp = q->comp[q->depth];
    const struct component *c = &sim->sc->components[comp];

    if (q->kind == REQ_WRITE && c->hot_share > 0 &&
        rng_uniform(&sim->rng) < c->hot_share) {
        q->flags |= REQ_HELD_LOCK;
        q->phase = DB_GOT_LOCK;
        if (pool_acquire(sim, inst_pool(sim, comp, 0, POOL_LOCK), r) == 0)
            return;
    }
    take_core(sim, r);
}

static void arrive(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, comp = q->comp[d];

    sim->cs[comp].st.arrivals++;
    q->inst[d] = (uint16_t)choose_node(sim, q, comp);
    /* Down, or the primary gone while a replica is being promoted. */
    if (sim->cs[comp].down ||
        (q->inst[d] == 0 && sim->cs[comp].primary_down)) {
        sim_fail(sim, r, ERR_NO_BACKEND);
        sim_return(sim, r);
        return;
    }
    q->phase = DB_GOT_CONN;
    switch (pool_acquire(sim, inst_pool(sim, comp, q->inst[d], POOL_OUTER),
                         r)) {
    case -1:
        sim_fail(sim, r, ERR_POOL);
        sim_return(sim, r);
        return;
    case 0:
        return;
    default:
        got_connection(sim, r);
    }
}

static void query_done(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, comp = q->comp[d];

    pool_release(sim, inst_pool(sim, comp, q->inst[d], POOL_CORES));
    if (q->flags & REQ_HELD_LOCK) {
        q->flags &= (uint8_t)~REQ_HELD_LOCK;
        pool_release(sim, inst_pool(sim, comp, 0, POOL_LOCK));
    }
    pool_release(sim, inst_pool(sim, comp, q->inst[d], POOL_OUTER));
    if (q->kind == REQ_WRITE)
        replicate(sim, comp);
    sim_return(sim, r);
}

void database_step(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);

    switch (q->phase) {
    case PHASE_ARRIVE:
        arrive(sim, r);
        break;
    case DB_GOT_CONN:
        got_connection(sim, r);
        break;
    case DB_GOT_LOCK:
        take_core(sim, r);
        break;
    case DB_GOT_CORE:
        run_query(sim, r);
        break;
    case DB_DONE:
        query_done(sim, r);
        break;
    default:
        abort();
    }
}
