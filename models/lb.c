/*
 * lb.c - load balancers. A balancer holds no request: it picks one
 * backend instance by its policy and passes the request there after its
 * added latency. Its backends are every instance in service of every
 * component it calls (an autoscaled server's list changes as it scales);
 * the load of a backend is the requests it holds or queues.
 */
#include <stdlib.h>

#include "model.h"

static bool is_server(const struct component *c)
{
    return c->kind == KIND_SERVER || c->kind == KIND_SERVICE;
}

/* Every instance c may ever have: an autoscaled server's most. */
static int slots_of(const struct component *c)
{
    if (is_server(c) && component_autoscales(c))
        return c->autoscale.max;
    return is_server(c) || c->kind == KIND_CACHE ? c->instances : 1;
}

/* The instances of component to that take new requests now. A server
 * set up after its balancer (later in the file) has no pools yet: it
 * will start with its starting count. */
static int in_service(const struct sim *sim, int to)
{
    const struct component *c = &sim->sc->components[to];

    if (!is_server(c))
        return slots_of(c);
    return sim->cs[to].pools ? sim->cs[to].active : component_start_count(c);
}

void lb_refresh(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];

    cs->nbackends = 0;
    for (int j = 0; j < c->ncalls; j++) {
        int to = c->calls[j];
        int k = in_service(sim, to);

        for (int i = 0; i < k; i++)
            cs->backends[cs->nbackends++] = ((uint32_t)to << 16) | (uint32_t)i;
    }
}

/* What the rate limit's bucket holds: a tenth of a second's worth. */
static double rate_burst(const struct component *c)
{
    return c->rate_limit / 10 > 1 ? c->rate_limit / 10 : 1;
}

int lb_init(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];
    int n = 0;

    for (int j = 0; j < c->ncalls; j++)
        n += slots_of(&sim->sc->components[c->calls[j]]);
    cs->backends = calloc((size_t)n + 1, sizeof *cs->backends);
    if (!cs->backends)
        return -1;
    cs->rate_tokens = rate_burst(c);    /* a fresh bucket starts full */
    lb_refresh(sim, comp);
    return 0;
}

static uint32_t backend_load(struct sim *sim, uint32_t b)
{
    int comp = (int)(b >> 16), inst = (int)(b & 0xffff);
    const struct pool *p;

    if (!sim->cs[comp].pools)
        return 0;
    if (sim->sc->components[comp].kind == KIND_DATABASE)
        inst = 0;
    p = inst_pool(sim, comp, inst, POOL_OUTER);
    return (uint32_t)(p->busy + p->waiting);
}

static uint32_t least_connections(struct sim *sim, struct comp_state *cs)
{
    uint32_t start = next_turn(&cs->rr, (uint32_t)cs->nbackends);
    uint32_t best = cs->backends[start];
    uint32_t best_load = backend_load(sim, best);

    /* Start at a rotating place so that ties spread evenly. */
    for (int k = 1; k < cs->nbackends && best_load > 0; k++) {
        uint32_t b = cs->backends[(start + (uint32_t)k) % (uint32_t)cs->nbackends];
        uint32_t load = backend_load(sim, b);

        if (load < best_load) {
            best = b;
            best_load = load;
        }
    }
    return best;
}

static uint32_t pick(struct sim *sim, struct comp_state *cs,
                     enum lb_policy policy)
{
    uint32_t n = (uint32_t)cs->nbackends;
    uint32_t a, b;

    switch (policy) {
    case LB_LEAST_CONN:
        return least_connections(sim, cs);
    case LB_RANDOM:
        return cs->backends[rng_below(&sim->rng, n)];
    case LB_P2C:
        a = cs->backends[rng_below(&sim->rng, n)];
        b = cs->backends[rng_below(&sim->rng, n)];
        return backend_load(sim, b) < backend_load(sim, a) ? b : a;
    default:
        return cs->backends[next_turn(&cs->rr, n)];
    }
}

/* Whether the balancer lb knows backend b is no use: dead, or cut off
 * by a partition, for at least a health-check interval. */
static bool known_bad(struct sim *sim, int lb, const struct component *c,
                      uint32_t b)
{
    int comp = (int)(b >> 16);
    sim_ns cut;

    if (sim->downs > 0 &&
        fault_noticed(sim, comp, (int)(b & 0xffff), c->health_interval))
        return true;
    if (sim->ncuts == 0)
        return false;
    cut = fault_cut_since(sim, lb, comp);
    return cut >= 0 && sim->now - cut >= c->health_interval;
}

/* Another backend than one known to be bad, in turn; false if none. */
static bool healthy_one(struct sim *sim, int lb, struct comp_state *cs,
                        const struct component *c, uint32_t *b)
{
    for (int k = 0; k < cs->nbackends; k++) {
        uint32_t cand = cs->backends[next_turn(&cs->rr,
                                               (uint32_t)cs->nbackends)];

        if (!known_bad(sim, lb, c, cand)) {
            *b = cand;
            return true;
        }
    }
    return false;
}

/* The rate limit: a token bucket filled at rate_limit per second that
 * holds a tenth of a second's worth (at least one), so that a limit
 * lets short bursts through but not a sustained excess. */
static bool within_rate(struct sim *sim, struct comp_state *cs,
                        const struct component *c)
{
    double burst = rate_burst(c);

    cs->rate_tokens += c->rate_limit *
                       (double)(sim->now - cs->rate_last) / NS_PER_S;
    cs->rate_last = sim->now;
    if (cs->rate_tokens > burst)
        cs->rate_tokens = burst;
    if (cs->rate_tokens < 1)
        return false;
    cs->rate_tokens -= 1;
    return true;
}

/* Load shedding: the chosen backend already has shed_queue requests
 * waiting for a thread. */
static bool backend_swamped(struct sim *sim, const struct component *c,
                            uint32_t b)
{
    int comp = (int)(b >> 16), inst = (int)(b & 0xffff);

    if (!sim->cs[comp].pools)
        return false;
    if (sim->sc->components[comp].kind == KIND_DATABASE)
        inst = 0;
    return inst_pool(sim, comp, inst, POOL_OUTER)->waiting >= c->shed_queue;
}

/* Refuse r at the balancer with cause. */
static void refuse(struct sim *sim, uint32_t r, enum err_cause cause)
{
    sim_fail(sim, r, cause);
    sim_return(sim, r);
}

/* The backend for r, or -1 after refusing r. */
static int64_t choose(struct sim *sim, uint32_t r, int lb,
                      const struct component *c, struct comp_state *cs)
{
    uint32_t b;

    if (cs->nbackends == 0 || (sim->downs > 0 && cs->down)) {
        refuse(sim, r, ERR_NO_BACKEND);
        return -1;
    }
    if (c->rate_limit > 0 && !within_rate(sim, cs, c)) {
        refuse(sim, r, ERR_RATE_LIMIT);
        return -1;
    }
    b = pick(sim, cs, c->policy);
    if (known_bad(sim, lb, c, b) && !healthy_one(sim, lb, cs, c, &b)) {
        refuse(sim, r, ERR_NO_BACKEND);
        return -1;
    }
    if (sim->ncuts > 0 && fault_cut_since(sim, lb, (int)(b >> 16)) >= 0) {
        refuse(sim, r, ERR_UNREACHABLE);   /* not noticed yet */
        return -1;
    }
    if (c->shed_queue > 0 && backend_swamped(sim, c, b)) {
        refuse(sim, r, ERR_SHED);
        return -1;
    }
    return b;
}

void lb_step(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, lb = q->comp[d];
    const struct component *c = &sim->sc->components[lb];
    struct comp_state *cs = &sim->cs[lb];
    int64_t chosen;
    uint32_t b;
    sim_ns arrive;
    enum comp_kind kind;

    cs->st.arrivals++;
    chosen = choose(sim, r, lb, c, cs);
    if (chosen < 0)
        return;
    b = (uint32_t)chosen;
    cs->st.done++;
    cs->st.resp_sum += (double)c->lb_latency;

    /* Hand the request over: the backend takes this level. */
    arrive = sim->now + c->lb_latency + sim->sc->hop / 2;
    trace_handover(sim, r, (int)(b >> 16), arrive);
    q->comp[d] = (uint16_t)(b >> 16);
    q->inst[d] = (uint16_t)(b & 0xffff);
    q->at[d] = (uint32_t)((arrive - q->start) / LEVEL_TICK_NS);
    kind = sim->sc->components[q->comp[d]].kind;
    q->phase = (kind == KIND_SERVER || kind == KIND_SERVICE)
                   ? SERVER_PHASE_CHOSEN : PHASE_ARRIVE;
    sim_schedule(sim, arrive, EV_ARRIVE, r);
}
