/*
 * model.c - dispatch from the engine to the component kinds, state set-up
 * and the bookkeeping they share.
 */
#include <stdlib.h>

#include "model.h"

void model_step(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int c = q->comp[q->depth];
    enum comp_kind kind = (enum comp_kind)sim->kind[c];

    /* Servers first, by a plain test: most steps of most designs are
     * theirs, and a well-predicted branch is cheaper than the jump
     * table a switch becomes. */
    if (kind <= KIND_SERVICE) {
        server_step(sim, r);
        return;
    }
    switch (kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        server_step(sim, r);
        break;
    case KIND_LB:
        lb_step(sim, r);
        break;
    case KIND_DATABASE:
        database_step(sim, r);
        break;
    case KIND_CACHE:
        cache_step(sim, r);
        break;
    case KIND_QUEUE:
        queue_step(sim, r);
        break;
    case KIND_CDN:
        cdn_step(sim, r);
        break;
    case KIND_SINK:
        sink_step(sim, r);
        break;
    }
}

int model_alloc_pools(struct sim *sim, int comp, int ninst, int outer,
                      int outer_wait, int cores, int lock)
{
    struct comp_state *cs = &sim->cs[comp];

    cs->ninst = ninst;
    cs->active = ninst;
    cs->pools = calloc((size_t)ninst * POOLS_PER_INST, sizeof *cs->pools);
    cs->dead = calloc((size_t)ninst, sizeof *cs->dead);
    cs->dead_at = calloc((size_t)ninst, sizeof *cs->dead_at);
    if (!cs->pools || !cs->dead || !cs->dead_at)
        return -1;
    for (int i = 0; i < ninst; i++) {
        struct pool *p = &cs->pools[i * POOLS_PER_INST];

        p[POOL_OUTER].cap = outer;
        p[POOL_OUTER].max_waiting = outer_wait;
        p[POOL_CORES].cap = cores;
        p[POOL_CORES].max_waiting = -1;
        p[POOL_LOCK].cap = lock;
        p[POOL_LOCK].max_waiting = -1;
    }
    return 0;
}

int model_init_state(struct sim *sim, int comp)
{
    switch (sim->sc->components[comp].kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        return server_init(sim, comp);
    case KIND_LB:
        return lb_init(sim, comp);
    case KIND_DATABASE:
        return database_init(sim, comp);
    case KIND_CACHE:
        return cache_init(sim, comp);
    case KIND_QUEUE:
        return queue_init(sim, comp);
    case KIND_CDN:
        return cdn_init(sim, comp);
    case KIND_COUNT:
        break;
    }
    return -1;
}

void model_free_state(struct sim *sim, int comp)
{
    struct comp_state *cs = &sim->cs[comp];

    if (cs->lrus) {
        int n = sim->sc->components[comp].kind == KIND_CDN
                    ? sim->nregions : cs->ninst;

        for (int i = 0; i < n; i++)
            lru_destroy(cs->lrus[i]);
    }
    free(cs->lrus);
    free(cs->pools);
    free(cs->dead);
    free(cs->dead_at);
    free(cs->apply_until);
    free(cs->backends);
    free(cs->scale);
    free(cs->st.resp);
    free(cs->timers.items);
    free(cs->breakers);
    cs->timers.items = NULL;
    cs->breakers = NULL;
    cs->lrus = NULL;
    cs->pools = NULL;
    cs->dead = NULL;
    cs->dead_at = NULL;
    cs->apply_until = NULL;
    cs->backends = NULL;
    cs->scale = NULL;
    cs->st.resp = NULL;
}

uint32_t model_key(struct sim *sim, uint32_t r, int comp)
{
    struct request *q = sim_req(sim, r);

    if (q->key == NO_KEY)
        q->key = (uint32_t)(zipf_draw(&sim->cs[comp].zipf, &sim->rng) - 1);
    return q->key;
}

sim_ns model_level_age(const struct sim *sim, const struct request *q)
{
    sim_ns arrived = q->start + (sim_ns)q->at[q->depth] * LEVEL_TICK_NS;

    return sim->now - arrived;
}

void model_note_done(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int c = q->comp[q->depth];
    struct comp_stats *st = &sim->cs[c].st;
    sim_ns age;

    /* A publisher leaving a queue is not a task done; a failed request
     * counts among the errors, not in the latencies. */
    if (sim->kind[c] == KIND_QUEUE && !(q->flags & REQ_JOB))
        return;
    if (q->flags & REQ_FAILED)
        return;
    age = model_level_age(sim, q);
    st->done++;
    st->resp_sum += (double)age;
    if (!st->resp) {
        st->resp = malloc(sizeof *st->resp);
        if (!st->resp)
            return;                 /* figures go without percentiles */
        hist_clear(st->resp);
    }
    hist_add(st->resp, age);
}
