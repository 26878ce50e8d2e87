/*
 * queue.c - a broker and its workers. Publishing takes the broker's
 * publish latency (longer when its rate limit makes publishes wait) and
 * is refused when the queue is at its maximum depth; the published task
 * becomes a record of its own that waits for one of the workers, who
 * spend the task time on it. The publisher goes on at once. Depth is the
 * tasks waiting; consumer lag is how long a task waited for a worker.
 */
#include <stdlib.h>

#include "model.h"

enum { Q_PUBLISHED = 1, Q_GOT_WORKER, Q_TASK_DONE };

/* A publish that would wait longer than this for the broker is refused. */
#define BROKER_MAX_WAIT (1 * NS_PER_S)

int queue_init(struct sim *sim, int comp)
{
    const struct component *c = &sim->sc->components[comp];
    int32_t depth = c->max_depth > INT32_MAX ? INT32_MAX
                                             : (int32_t)c->max_depth;

    /* The workers are the outer pool; waiting for one is the queue. */
    return model_alloc_pools(sim, comp, 1, component_start_count(c), depth,
                             0, 0);
}

static void publish(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);
    int comp = q->comp[q->depth];
    const struct component *c = &sim->sc->components[comp];
    struct comp_state *cs = &sim->cs[comp];
    struct pool *workers = inst_pool(sim, comp, 0, POOL_OUTER);
    sim_ns start = sim->now;

    cs->st.arrivals++;
    if (cs->down) {
        sim_fail(sim, r, ERR_NO_BACKEND);
        sim_return(sim, r);
        return;
    }
    if (workers->waiting >= workers->max_waiting) {
        sim_fail(sim, r, ERR_QUEUE_FULL);
        sim_return(sim, r);
        return;
    }
    if (c->max_rate > 0) {
        if (cs->broker_until > start)
            start = cs->broker_until;
        if (start - sim->now > BROKER_MAX_WAIT) {
            sim_fail(sim, r, ERR_BROKER);
            sim_return(sim, r);
            return;
        }
        cs->broker_until = start + (sim_ns)(NS_PER_S / c->max_rate);
    }
    q->phase = Q_PUBLISHED;
    if (sim_req(sim, r)->trace)
        trace_serve(sim, r);
    sim_schedule(sim, start + c->publish_time, EV_DONE, r);
}

static void start_task(struct sim *sim, uint32_t job)
{
    struct request *t = sim_req(sim, job);
    int comp = t->comp[0];
    const struct component *c = &sim->sc->components[comp];
    struct comp_stats *st = &sim->cs[comp].st;
    double waited = (double)(sim->now - t->start);

    st->lag_sum += waited;
    st->lag_n++;
    if (waited > st->lag_max)
        st->lag_max = waited;
    t->phase = Q_TASK_DONE;
    sim_schedule(sim, sim->now + sim_service(sim, c, c->task_time), EV_DONE,
                 job);
}

/* The broker has the task: make it a record of its own for the workers. */
static void enqueue_task(struct sim *sim, uint32_t r)
{
    int comp = sim_req(sim, r)->comp[sim_req(sim, r)->depth];
    uint32_t job = sim_alloc_req(sim);
    struct request *t;

    if (job == NO_REQ) {
        sim_fail(sim, r, ERR_OVERLOAD);
        sim_return(sim, r);
        return;
    }
    t = sim_req(sim, job);          /* after the alloc: it may move reqs */
    *t = (struct request){0};
    t->start = sim->now;
    t->key = NO_KEY;
    t->kind = REQ_TASK;
    t->flags = REQ_JOB;
    t->comp[0] = (uint16_t)comp;
    t->phase = Q_GOT_WORKER;
    switch (pool_acquire(sim, inst_pool(sim, comp, 0, POOL_OUTER), job)) {
    case -1:                        /* filled up while publishing */
        sim_free_req(sim, job);
        sim_fail(sim, r, ERR_QUEUE_FULL);
        break;
    case 1:
        start_task(sim, job);
        break;
    default:
        break;
    }
    sim_return(sim, r);
}

void queue_step(struct sim *sim, uint32_t r)
{
    struct request *q = sim_req(sim, r);

    switch (q->phase) {
    case PHASE_ARRIVE:
        publish(sim, r);
        break;
    case Q_PUBLISHED:
        enqueue_task(sim, r);
        break;
    case Q_GOT_WORKER:
        start_task(sim, r);
        break;
    case Q_TASK_DONE:
        pool_release(sim, inst_pool(sim, q->comp[0], 0, POOL_OUTER));
        sim_return(sim, r);
        break;
    default:
        abort();
    }
}
