/*
 * sim.h - the discrete-event engine: clock, pending events, request pool,
 * resource pools with time-weighted statistics, and the window counters
 * that the ramp reads.
 *
 * struct sim owns every allocation it makes; sim_destroy() frees them. It
 * keeps a pointer to the scenario it was created from, which must outlive
 * it and not change while it runs (copy it first if it may).
 */
#ifndef ARCHSIM_SIM_H
#define ARCHSIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "rng.h"
#include "scenario.h"
#include "trace.h"

#define NO_REQ UINT32_MAX

/* Why a request failed. */
enum err_cause {
    ERR_BACKLOG,                    /* no thread and the backlog is full */
    ERR_POOL,                       /* no database connection */
    ERR_QUEUE_FULL,                 /* the queue is at its maximum depth */
    ERR_BROKER,                     /* the broker's rate limit */
    ERR_TIMEOUT,                    /* slower than the server's timeout */
    ERR_OVERLOAD,                   /* the simulator's in-flight bound */
    ERR_NO_BACKEND,                 /* down, or nothing healthy to send to */
    ERR_SHED,                       /* a balancer shed it: backend queue */
    ERR_RATE_LIMIT,                 /* a balancer's rate limit */
    ERR_BREAKER,                    /* the caller's circuit breaker is open */
    ERR_UNREACHABLE,                /* cut off by a partition, no timeout */
    ERR_CAUSE_COUNT
};

const char *err_cause_name(enum err_cause cause);

/*
 * One request in flight, in at most 64 bytes. It walks the graph as a
 * stack of levels, one per synchronous call (server -> service ->
 * database); load balancers and CDNs pass it on without a level of their
 * own.
 */
#define LEVEL_TICK_NS 128           /* unit of the per-level arrival times */

struct request {
    sim_ns start;                   /* arrival at the entry */
    uint32_t next;                  /* FIFO link, or free-list link */
    uint32_t key;                   /* cache key, 0-based; NO_KEY if none */
    uint8_t kind;                   /* enum req_kind */
    uint8_t region;
    uint8_t depth;                  /* current level */
    uint8_t flags;
    uint8_t phase;                  /* step within the current level */
    uint8_t cause;                  /* enum err_cause when REQ_FAILED */
    uint16_t fill_comp;             /* cache to fill after a miss */
    uint16_t comp[MAX_CALL_DEPTH];  /* component at each level */
    uint16_t inst[MAX_CALL_DEPTH];  /* instance (or node) at each level */
    uint8_t callidx[MAX_CALL_DEPTH];/* next call to make, per level */
    uint32_t at[MAX_CALL_DEPTH];    /* arrival at each level, in ticks
                                     * after start */
    uint16_t trace;                 /* traced: its slot + 1; else 0 */
    uint16_t tries;                 /* retries of the current call, 4 bits
                                     * per level: see req_tries() */
};

_Static_assert(sizeof(struct request) <= 64,
               "a request in flight must fit in 64 bytes");

#define NO_KEY UINT32_MAX

static inline int req_tries(const struct request *q, int depth)
{
    return (q->tries >> (4 * depth)) & 15;
}

static inline void req_set_tries(struct request *q, int depth, int n)
{
    q->tries = (uint16_t)((q->tries & ~(15u << (4 * depth))) |
                          ((unsigned)n << (4 * depth)));
}

/* Request flags. */
#define REQ_FAILED      0x01        /* an error happened; unwind */
#define REQ_HIT         0x02        /* a cache answered this read */
#define REQ_NEED_FILL   0x04        /* a cache missed; fill after the db */
#define REQ_JOB         0x08        /* a queued task, not a user request */
#define REQ_HELD_LOCK   0x10        /* holds a hot-row lock */
#define REQ_FILLING     0x20        /* a cache level that fills a key */
#define REQ_AT_EDGE     0x40        /* answered by a CDN edge */
#define REQ_UNCOUNTED   0x80        /* failed at its caller's end of a call
                                     * (a timeout, a partition): counted
                                     * there only if no retry follows */

/*
 * A resource with a capacity (threads, cores, connections, a lock, a
 * single cache thread, workers) and a FIFO of requests waiting for it.
 */
struct pool {
    int32_t cap;
    int32_t busy;
    int32_t waiting;
    int32_t max_waiting;            /* -1: unbounded */
    uint32_t head, tail;            /* FIFO of waiting requests */
    sim_ns last;                    /* time of the last change */
    double busy_area;               /* integral of busy, ns */
    double wait_area;               /* integral of waiting, ns */
    uint64_t grants;                /* acquisitions in the window */
    uint64_t queued;                /* of which had to wait first */
    double wait_sum;                /* ns waited by those granted */
};

/* Pools of one instance of a component. */
enum { POOL_OUTER, POOL_CORES, POOL_LOCK, POOLS_PER_INST };

struct lru;

/* Window counters of one component (reset at each window). */
struct comp_stats {
    uint64_t arrivals;
    uint64_t retries;               /* calls it made again after a failure */
    uint64_t call_timeouts;         /* tries of its calls it gave up on */
    uint64_t call_errors;           /* of its errors, those its calls
                                     * caused: timed out, circuit open,
                                     * unreachable */
    uint64_t done;                  /* answered, success or not */
    uint64_t errors[ERR_CAUSE_COUNT];
    uint64_t hits, lookups;         /* caches and CDNs */
    double lag_sum, lag_max;        /* replica lag (ns), queue lag */
    uint64_t lag_n;
    double resp_sum;                /* ns, time at the component */
    struct hist *resp;              /* allocated on first use */
};

/* A call a server waits for with a timeout: when the deadline comes and
 * the call has not come back, the caller goes on without it. The fields
 * after req tell the same call from a later one of the same record. */
struct call_timer {
    sim_ns deadline;
    sim_ns start;                   /* the request's start */
    uint32_t req;
    uint32_t at;                    /* q->at[depth] of the caller's level */
    uint8_t depth;                  /* the caller's level */
    uint8_t callidx;                /* q->callidx[depth] after the call */
    uint8_t tries;                  /* req_tries(q, depth) */
};

/* A caller's circuit breaker for one of its calls. */
enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_TRIAL };

struct breaker {
    enum breaker_state state;
    int calls, failed;              /* in the current window */
    sim_ns until;                   /* open: when the trial call may go */
};

/* Calls a server waits for with a timeout, in the order made: with one
 * timeout per caller, deadlines come in that order too, so a ring
 * replaces a heap; one EV_TIMER event stands for its earliest. */
struct timer_ring {
    struct call_timer *items;
    uint32_t cap, head, n;
    bool armed;                     /* an EV_TIMER is pending */
};

struct autoscaler;

struct comp_state {
    int ninst;                      /* instances, nodes or shards; for an
                                     * autoscaled server, its maximum */
    int active;                     /* instances 0..active-1 take new
                                     * requests; the rest drain or wait */
    struct autoscaler *scale;       /* NULL unless it autoscales */
    struct pool *pools;             /* ninst * POOLS_PER_INST */
    struct lru **lrus;              /* caches: per shard; CDN: per region */
    sim_ns *apply_until;            /* database: per node */
    sim_ns broker_until;            /* queue: rate limit's clock */
    uint32_t rr;                    /* round-robin cursor */
    int nbackends;                  /* lb: flattened backend instances */
    uint32_t *backends;             /* (component << 16) | instance */
    bool calls_take_tasks;          /* server: a callee accepts tasks */
    uint8_t *dead;                  /* per instance: crashed */
    sim_ns *dead_at;                /* when it crashed (health checks) */
    bool down;                      /* the whole component is down */
    bool primary_down;              /* database: writes fail */
    double slow;                    /* service times multiplied by this */
    uint64_t lost_writes;           /* not replicated when primary failed */
    struct timer_ring timers;       /* servers with a call timeout */
    struct breaker *breakers;       /* per call, when a breaker is set */
    double retry_tokens;            /* retry budget: retries it may make */
    double rate_tokens;             /* lb rate limit: requests it may pass */
    sim_ns rate_last;               /* when rate_tokens was last filled */
    struct zipf zipf;               /* caches and CDNs: key popularity */
    struct comp_stats st;
};

struct end_stats {
    uint64_t arrivals;
    uint64_t ok;
    uint64_t errors;
    uint64_t by_cause[ERR_CAUSE_COUNT];
    struct hist all;                /* of every kind: see sim_latency_all */
    struct hist kind[REQ_KIND_COUNT];
};

/* The kind of the sink: one component index past the scenario's, where
 * an abandoned call ends and a call into a partition waits unanswered. */
#define KIND_SINK KIND_COUNT

enum event_type {
    EV_ARRIVE, EV_DONE, EV_RESUME, EV_FAULT,
    EV_TIMER,                       /* req is a component: its timer ring */
    EV_SCALE,                       /* an autoscaler looks, or gets what
                                     * it ordered (src/autoscale.c) */
};

/* A failure in force or to come: a scheduled one, or one injected live. */
#define MAX_FAULTS 256

struct fault {
    struct failure f;
    int target;                     /* component, or region for latency */
    int inst;                       /* instance it struck, or -1 */
    int peer;                       /* partition: the other component */
    bool active;
};

/* Something the engine wants the user told (a failure, a recovery). */
typedef void (*sim_note_fn)(void *arg, sim_ns when, const char *text);

struct event {
    sim_ns time;
    uint32_t req;
    uint16_t type;
    uint16_t tag;                   /* EV_FAULT: its start or its end */
};

struct sim {
    const struct scenario *sc;
    sim_ns now;
    struct rng rng;

    /* Pending events: an implicit binary min-heap (see sim.c for why). */
    struct event *heap;
    uint32_t nheap, capheap;

    /* Request pool: records by index, a free list through next. */
    struct request *reqs;
    uint32_t nreqs, capreqs, maxreqs, free_head, inflight;

    /* Users. */
    double users;
    double active_users;            /* users, times a spike's factor */
    double gap_mean;                /* ns between arrivals of all users */
    double inflight_users;          /* closed users waiting for an answer */
    sim_ns next_users;              /* their next arrival; INT64_MAX: none
                                     * (kept out of the heap: sim.c) */
    uint16_t fault_tag;             /* tag of the next EV_FAULT scheduled */
    double kind_cut[REQ_KIND_COUNT];
    double region_cut[MAX_REGIONS];
    int nregions;
    int only_kind, only_region;     /* the one share taking all, or -1 */

    struct comp_state *cs;
    double rtt_factor[MAX_REGIONS]; /* region latency failures */
    struct fault faults[MAX_FAULTS];
    int nfaults;
    int slowed;                     /* "slow" failures in force */
    int downs;                      /* instance and component failures in
                                     * force: while 0, nothing is dead */
    double surge;                   /* users multiplied by this (spike) */
    int ncuts;                      /* partitions in force */
    struct { int a, b; sim_ns since; } cuts[MAX_FAULTS];
    int sink;                       /* component index of the void:
                                     * abandoned and partitioned calls */
    uint64_t retries;               /* calls made again, in the window */
    struct tracer *tracer;          /* NULL: no tracing */
    sim_note_fn note;               /* may be NULL */
    void *note_arg;
    uint8_t *kind;                  /* each component's kind, packed: the
                                     * dispatch reads it for every event */
    struct end_stats end;
    sim_ns window_start;
    uint64_t events;                /* processed, for the bench */
};

/* Create an engine for a validated scenario; NULL when out of memory. */
struct sim *sim_create(const struct scenario *sc, uint64_t seed);
void sim_destroy(struct sim *sim);

/* Requests per second users of sc send at most: all of them thinking
 * (closed) or each at its rate (open). */
double users_rate(const struct scenario *sc, double users);

/* Set the user count; takes effect at once (memoryless arrivals). */
void sim_set_users(struct sim *sim, double users);

/* Process every event before time t, then set the clock to t. */
void sim_run_until(struct sim *sim, sim_ns t);

/* Process at most max_events events before time t. Returns 1 when every
 * event before t is done (the clock is then t), 0 when stopped early. */
int sim_run_events(struct sim *sim, sim_ns t, uint64_t max_events);

/* Start a new measurement window: clear counters and time integrals. */
void sim_reset_window(struct sim *sim);

/* End-to-end latencies of the window, every kind together. Kept per kind
 * only while running (one histogram add per answer instead of two) and
 * merged into sim->end.all when asked; the pointer is to that field. */
const struct hist *sim_latency_all(struct sim *sim);

/* Bring time integrals up to now (before reading them). */
void sim_flush_areas(struct sim *sim);

/* --- Failures (src/fault.c). --------------------------------------------- */

/* Schedule the scenario's failures (done by sim_create). */
void fault_schedule_all(struct sim *sim);

/* Strike now with failure f (its at is ignored); -1 when f names no
 * component or region or too many failures are in force. */
int fault_inject(struct sim *sim, const struct failure *f);

/* The event of fault i starting (tag 0) or ending (tag 1). */
void fault_event(struct sim *sim, uint32_t i, uint16_t tag);

/* Whether instance inst of comp is down, and whether its balancer has
 * noticed (a health check since it went down). */
bool fault_dead(const struct sim *sim, int comp, int inst);
bool fault_noticed(const struct sim *sim, int comp, int inst,
                   sim_ns interval);

/* Since when a partition cuts a off from b (either way), or -1. */
sim_ns fault_cut_since(const struct sim *sim, int a, int b);

/* --- Calls with timeouts, retries and breakers (models/calls.c). ------ */

/* The EV_TIMER of component comp: its call timers that are due. */
void calls_timer_event(struct sim *sim, int comp);

/* --- For the models. ---------------------------------------------------- */

void sim_schedule(struct sim *sim, sim_ns at, enum event_type type,
                  uint32_t req);

static inline struct request *sim_req(struct sim *sim, uint32_t r)
{
    return &sim->reqs[r];
}

/* A new request record, or NO_REQ at the in-flight bound. */
uint32_t sim_alloc_req(struct sim *sim);
void sim_free_req(struct sim *sim, uint32_t r);

/* A service time around mean for component c's distribution. */
sim_ns sim_service(struct sim *sim, const struct component *c, sim_ns mean);

/*
 * Try to take one unit of p for request r. Returns 1 when granted, 0 when
 * r now waits in the FIFO (it will be resumed), -1 when the FIFO is full.
 */
int pool_acquire(struct sim *sim, struct pool *p, uint32_t r);

/* Give back one unit; the first waiter, if any, takes it and resumes. */
void pool_release(struct sim *sim, struct pool *p);

/* Change p's capacity: waiters take the units that appear at once; when
 * it shrinks, units in use come back as they are released. */
void pool_set_cap(struct sim *sim, struct pool *p, int cap);

/* Update p's time integrals to now. */
void pool_touch(struct sim *sim, struct pool *p);

/* The next of n in turn, without a division. */
static inline uint32_t next_turn(uint32_t *cursor, uint32_t n)
{
    uint32_t at = *cursor;

    *cursor = at + 1 >= n ? 0 : at + 1;
    return at < n ? at : 0;
}

static inline struct pool *inst_pool(struct sim *sim, int comp, int inst,
                                     int which)
{
    return &sim->cs[comp].pools[inst * POOLS_PER_INST + which];
}

/* Record that the current level of r failed with cause at its component. */
void sim_fail(struct sim *sim, uint32_t r, enum err_cause cause);

/* The same, but counted only when the caller gives up for good: see
 * REQ_UNCOUNTED and sim_count_call_error(). */
void sim_fail_quietly(struct sim *sim, uint32_t r, enum err_cause cause);

/* r's current level fails for good because of a call: count its error
 * there, as one its calls caused. */
void sim_count_call_error(struct sim *sim, uint32_t r);

/* Leave the current level: back to the caller after the return hop, or
 * finish the request at the top. */
void sim_return(struct sim *sim, uint32_t r);

/* Enter component comp as a new level below the current one, arriving
 * after delay. */
void sim_call(struct sim *sim, uint32_t r, int comp, sim_ns delay);

/* Continue a request (dispatch on its current component and phase). */
void sim_resume(struct sim *sim, uint32_t r);

#endif
