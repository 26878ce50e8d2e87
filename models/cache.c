/*
 * cache.c - a Redis-like cache: each shard serves one operation at a time
 * on its single thread. A read looks its key up in a real LRU (a hit
 * answers the read; a miss lets it fall through to the database, after
 * which the caller fills the key); a write invalidates the key. Keys are
 * drawn from a Zipf popularity over the key space and split among shards.
 */
#include <stdlib.h>

#include "model.h"

enum { CACHE_GOT_THREAD = 1, CACHE_DONE };

int cache_init(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];
    uint32_t cap = c->capacity > UINT32_MAX / 4 ? UINT32_MAX / 4
                                                : (uint32_t)c->capacity;

    /* One thread per shard; its queue is bounded by the callers. */
    if (model_alloc_pools(sim, comp, c->instances, 1, -1, 0, 0) < 0)
        return -1;
    cs->lrus = calloc((size_t)cs->ninst, sizeof *cs->lrus);
    if (!cs->lrus)
        return -1;
    for (int i = 0; i < cs->ninst; i++) {
        cs->lrus[i] = lru_create(cap);
        if (!cs->lrus[i])
            return -1;
    }
    zipf_init(&cs->zipf, (uint64_t)c->keys, c->skew);
    return 0;
}

static void operate(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, comp = q->comp[d];
    struct comp_state *cs = &sim->cs[comp];
    struct lru *lru = cs->lrus[q->inst[d]];

    if (q->flags & REQ_FILLING) {
        q->flags &= (uint8_t)~REQ_FILLING;
        lru_put(lru, q->key);
    } else if (q->kind == REQ_READ) {
        cs->st.lookups++;
        if (lru_get(lru, q->key)) {
            cs->st.hits++;
            q->flags |= REQ_HIT;
        } else {
            q->flags |= REQ_NEED_FILL;
            q->fill_comp = (uint16_t)comp;
        }
    } else {
        lru_remove(lru, q->key);
    }
}

static void serve(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    const struct component *c = &sim->sc->components[q->comp[q->depth]];

    if (sim_req(sim, r)->trace)
        trace_serve(sim, r);
    q->phase = CACHE_DONE;
    sim_schedule(sim, sim->now + sim_service(sim, c, c->op_time), EV_DONE, r);
}

void cache_step(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, comp = q->comp[d];
    struct comp_state *cs = &sim->cs[comp];

    switch (q->phase) {
    case PHASE_ARRIVE:
        cs->st.arrivals++;
        if (cs->down) {             /* callers fall back to the database */
            q->flags &= (uint8_t)~REQ_FILLING;
            sim_return(sim, r);
            return;
        }
        q->inst[d] = (uint16_t)(model_key(sim, r, comp) % (uint32_t)cs->ninst);
        q->phase = CACHE_GOT_THREAD;
        if (pool_acquire(sim, inst_pool(sim, comp, q->inst[d], POOL_OUTER),
                         r) == 1)
            serve(sim, r);
        break;
    case CACHE_GOT_THREAD:
        serve(sim, r);
        break;
    case CACHE_DONE:
        operate(sim, r);
        pool_release(sim, inst_pool(sim, comp, q->inst[d], POOL_OUTER));
        sim_return(sim, r);
        break;
    default:
        abort();
    }
}
