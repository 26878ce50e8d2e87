/*
 * cdn.c - a content delivery network with an edge in each user region.
 * A static request is looked up at its region's edge (a real LRU over
 * Zipf-popular assets): a hit is answered there, at the edge's round
 * trip, without reaching the origin; a miss is filled and goes on to the
 * origin, as does every dynamic request. Edges are taken to scale with
 * their load: they queue nothing.
 */
#include <stdlib.h>

#include "model.h"

int cdn_init(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];
    uint32_t cap = c->capacity > UINT32_MAX / 4 ? UINT32_MAX / 4
                                                : (uint32_t)c->capacity;

    cs->ninst = 0;
    cs->lrus = calloc((size_t)sim->nregions, sizeof *cs->lrus);
    if (!cs->lrus)
        return -1;
    for (int i = 0; i < sim->nregions; i++) {
        cs->lrus[i] = lru_create(cap);
        if (!cs->lrus[i])
            return -1;
    }
    zipf_init(&cs->zipf, (uint64_t)c->keys, c->skew);
    return 0;
}

/* Pass the request to the origin, which takes over this level. */
static void to_origin(struct sim *sim, uint32_t r, const struct component *c)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth;

    if (c->ncalls == 0) {
        sim_fail(sim, r, ERR_NO_BACKEND);
        sim_return(sim, r);
        return;
    }
    trace_handover(sim, r, c->calls[0], sim->now);
    q->comp[d] = (uint16_t)c->calls[0];
    q->phase = PHASE_ARRIVE;
    model_step(sim, r);
}

void cdn_step(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int comp = q->comp[q->depth];
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];
    struct lru *edge;
    uint32_t key;

    cs->st.arrivals++;
    if (cs->down) {
        sim_fail(sim, r, ERR_NO_BACKEND);
        sim_return(sim, r);
        return;
    }
    if (q->kind != REQ_STATIC) {
        to_origin(sim, r, c);
        return;
    }
    edge = cs->lrus[q->region];
    key = model_key(sim, r, comp);
    cs->st.lookups++;
    if (lru_get(edge, key)) {
        cs->st.hits++;
        q->flags |= REQ_AT_EDGE;
        sim_return(sim, r);
        return;
    }
    lru_put(edge, key);
    to_origin(sim, r, c);
}
