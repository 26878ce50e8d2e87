/*
 * calls.c - what a server does about the calls it makes, beyond making
 * them (server.c does that):
 *
 *   call-timeout  the caller waits this long for each try, then goes on
 *                 without the answer. The callee does not know: its work
 *                 goes on, held by the abandoned record, and ends in the
 *                 sink. That wasted work is what lets a retry storm
 *                 outlive the spike that started it.
 *   retry         a failed or timed-out call goes again, at most retry.max
 *                 times, after a backoff that doubles each time (with
 *                 jitter, a uniform share of it); a budget caps retries
 *                 at a share of first tries, with a small reserve.
 *   breaker       per call: when the failed share over a window of calls
 *                 reaches breaker.errors, calls fail at once for
 *                 breaker.open, then one trial call decides.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

/* Retries a budget lets through at once before first tries earn more. */
#define BUDGET_RESERVE 10.0

/* The backoff doubles at most this many times (2^10 times the first). */
#define BACKOFF_DOUBLINGS 10

int calls_init(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];

    cs->retry_tokens = BUDGET_RESERVE;
    if (c->breaker_errors <= 0 || c->ncalls == 0)
        return 0;
    cs->breakers = calloc((size_t)c->ncalls, sizeof *cs->breakers);
    return cs->breakers ? 0 : -1;
}

/* --- Breakers ------------------------------------------------------------ */

bool calls_breaker_allows(struct sim *sim, int comp, int j)
{
    struct breaker *b = &sim->cs[comp].breakers[j];

    switch (b->state) {
    case BREAKER_OPEN:
        if (sim->now < b->until)
            return false;
        b->state = BREAKER_TRIAL;   /* this call is the trial */
        return true;
    case BREAKER_TRIAL:
        return false;               /* one trial at a time */
    default:
        return true;
    }
}

static void breaker_note(struct sim *sim, int comp, const char *what)
{
    char text[NAME_BYTES + 64];

    if (!sim->note)
        return;
    snprintf(text, sizeof text, "circuit breaker %s at %s", what,
             sim->sc->components[comp].name);
    sim->note(sim->note_arg, sim->now, text);
}

static void breaker_open(struct sim *sim, int comp, struct breaker *b)
{
    const struct component *c = &sim->sc->components[comp];
    bool was_closed = b->state == BREAKER_CLOSED;

    b->state = BREAKER_OPEN;
    b->until = sim->now + c->breaker_open;
    b->calls = b->failed = 0;
    if (was_closed)
        breaker_note(sim, comp, "opened");
}

void calls_breaker_result(struct sim *sim, int comp, int j, bool failed)
{
    const struct component *c = &sim->sc->components[comp];
    struct breaker *b = &sim->cs[comp].breakers[j];

    if (b->state == BREAKER_TRIAL) {
        if (failed) {
            breaker_open(sim, comp, b);
        } else {
            b->state = BREAKER_CLOSED;
            b->calls = b->failed = 0;
            breaker_note(sim, comp, "closed");
        }
        return;
    }
    if (b->state == BREAKER_OPEN)
        return;                     /* an answer to a call made before */
    b->calls++;
    b->failed += failed;
    /* Open as soon as the window's failures reach the share, even
     * before the window is full: waiting for it would let a whole
     * window of calls pile onto a dead callee. */
    if (b->failed >= c->breaker_errors * c->breaker_window) {
        breaker_open(sim, comp, b);
        return;
    }
    if (b->calls >= c->breaker_window)
        b->calls = b->failed = 0;
}

/* --- Retries ------------------------------------------------------------- */

void calls_first_try(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];

    if (c->retry_budget <= 0)
        return;
    cs->retry_tokens += c->retry_budget;
    if (cs->retry_tokens > BUDGET_RESERVE)
        cs->retry_tokens = BUDGET_RESERVE;
}

bool calls_retry(struct sim *sim, uint32_t r, sim_ns *wait)
{
    struct request *q = sim_req(sim, r);
    int d = q->depth, comp = q->comp[d], tries = req_tries(q, d);
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];
    double backoff;

    if (tries >= c->retries)
        return false;
    if (c->retry_budget > 0) {
        if (cs->retry_tokens < 1)
            return false;
        cs->retry_tokens -= 1;
    }
    req_set_tries(q, d, tries + 1);
    cs->st.retries++;
    sim->retries++;
    backoff = (double)c->backoff *
              (double)(1u << (tries < BACKOFF_DOUBLINGS ? tries
                                                         : BACKOFF_DOUBLINGS));
    if (c->jitter)
        backoff *= rng_uniform(&sim->rng);
    *wait = (sim_ns)backoff;
    return true;
}

/* --- Timers -------------------------------------------------------------- */

static int ring_push(struct timer_ring *ring, const struct call_timer *t)
{
    if (ring->n == ring->cap) {
        uint32_t cap = ring->cap ? ring->cap * 2 : 64;
        struct call_timer *grown = malloc((size_t)cap * sizeof *grown);

        if (!grown)
            return -1;
        /* Unroll the ring into the new array, oldest first. */
        for (uint32_t i = 0; i < ring->n; i++)
            grown[i] = ring->items[(ring->head + i) % ring->cap];
        free(ring->items);
        ring->items = grown;
        ring->cap = cap;
        ring->head = 0;
    }
    ring->items[(ring->head + ring->n) % ring->cap] = *t;
    ring->n++;
    return 0;
}

static void arm(struct sim *sim, int comp)
{
    struct timer_ring *ring = &sim->cs[comp].timers;

    if (ring->armed || ring->n == 0)
        return;
    ring->armed = true;
    sim_schedule(sim, ring->items[ring->head].deadline, EV_TIMER,
                 (uint32_t)comp);
}

void calls_arm_timer(struct sim *sim, uint32_t r)
{
    const struct request *q = sim_req(sim, r);
    int d = q->depth - 1, comp;
    struct call_timer t;

    if (d < 0)
        return;                     /* the call could not be made */
    comp = q->comp[d];
    t = (struct call_timer){
        .deadline = sim->now + sim->sc->components[comp].call_timeout,
        .start = q->start,
        .req = r,
        .at = q->at[d],
        .depth = (uint8_t)d,
        .callidx = q->callidx[d],
        .tries = (uint8_t)req_tries(q, d),
    };
    /* Out of memory, the call simply goes untimed. */
    if (ring_push(&sim->cs[comp].timers, &t) == 0)
        arm(sim, comp);
}

/* Whether t still stands for a call r is waiting for: the record is the
 * same request, at the same visit of the same level, in the same try,
 * and the call has not come back. */
static bool timer_live(const struct sim *sim, int comp,
                       const struct call_timer *t)
{
    const struct request *q;

    if (t->req >= sim->nreqs)
        return false;
    q = &sim->reqs[t->req];
    return q->start == t->start &&
           q->depth > t->depth && q->comp[t->depth] == comp &&
           q->at[t->depth] == t->at && q->callidx[t->depth] == t->callidx &&
           req_tries(q, t->depth) == t->tries;
}

/* Give up on r's call below level d: the caller goes on in a new record
 * while r's work below carries on, to end in the sink. Returns the
 * record now at level d, or NO_REQ when none could be made (the call is
 * then waited for after all). */
static uint32_t abandon_call(struct sim *sim, uint32_t r, int d)
{
    uint32_t n;
    struct request *q, *cont;

    if (sim->reqs[r].comp[d + 1] == sim->sink) {
        sim->reqs[r].depth = (uint8_t)d;    /* nothing is working below */
        return r;
    }
    n = sim_alloc_req(sim);
    if (n == NO_REQ)
        return NO_REQ;
    q = sim_req(sim, r);            /* after the alloc: it may move reqs */
    cont = sim_req(sim, n);
    *cont = *q;
    cont->depth = (uint8_t)d;
    cont->flags &= (uint8_t)~(REQ_HELD_LOCK | REQ_FILLING);
    if (cont->trace)
        trace_abandon(sim, n, sim->now);
    q->trace = 0;
    q->comp[d] = (uint16_t)sim->sink;
    return n;
}

static void time_out(struct sim *sim, int comp, const struct call_timer *t)
{
    uint32_t r = abandon_call(sim, t->req, t->depth);

    if (r == NO_REQ)
        return;
    sim->cs[comp].st.call_timeouts++;
    sim_fail_quietly(sim, r, ERR_TIMEOUT);
    sim->reqs[r].phase = 255;       /* "the call came back", failed */
    model_step(sim, r);
}

void calls_timer_event(struct sim *sim, int comp)
{
    struct timer_ring *ring = &sim->cs[comp].timers;

    ring->armed = false;
    while (ring->n > 0 && ring->items[ring->head].deadline <= sim->now) {
        struct call_timer t = ring->items[ring->head];

        ring->head = (ring->head + 1) % ring->cap;
        ring->n--;
        if (timer_live(sim, comp, &t))
            time_out(sim, comp, &t);
    }
    arm(sim, comp);
}

/* --- The sink ------------------------------------------------------------ */

void sink_step(struct sim *sim, uint32_t r)
{
    /* Arriving: a call into a partition, left for its caller's timer.
     * Coming back: the end of an abandoned call's work. */
    if (sim_req(sim, r)->phase != PHASE_ARRIVE)
        sim_free_req(sim, r);
}
