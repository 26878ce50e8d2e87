/*
 * ramp.h - the ramp: users from `from` to `to` in log-spaced steps, each
 * a warm-up then a measured window of equal batches, the state of the
 * system carried from one step to the next. For every step it keeps the
 * end-to-end figures and every component's figures; then it finds the
 * capacity and the first objective that broke.
 *
 * A struct ramp_result owns its arrays; free it with ramp_result_free().
 */
#ifndef ARCHSIM_RAMP_H
#define ARCHSIM_RAMP_H

#include <stdbool.h>
#include <stdio.h>

#include "scenario.h"
#include "sim.h"

#define RAMP_BATCHES 10

/* Answers a window needs before its p99 is told; fewer: it is unknown. */
#define RAMP_MIN_P99_SAMPLES 200

/* How long a step may warm up while its autoscalers settle: at most
 * this much simulated time, and at most this many requests. */
#define RAMP_SETTLE_MAX_S        1800.0
#define RAMP_SETTLE_MAX_REQUESTS 4e6

struct comp_result {
    double util;                    /* the busiest of its resources, 0..1 */
    double cpu;                     /* core time busy / core time */
    double pool;                    /* threads, connections, workers held */
    double lock;                    /* hot-row lock busy (databases) */
    double waiting;                 /* mean requests waiting, all pools */
    double arrivals;                /* per second */
    double throughput;              /* answered per second */
    double errors;                  /* per second */
    double call_errors;             /* of which its calls caused (a call
                                     * timed out, a breaker open...) */
    uint64_t by_cause[ERR_CAUSE_COUNT];
    double mean;                    /* ns at the component */
    int64_t p50, p95, p99;          /* ns; 0 when nothing was answered */
    double hit_ratio;               /* caches and CDNs; -1 otherwise */
    double lag_mean, lag_max;       /* replica lag, or queue wait (ns) */
    double depth;                   /* queues: mean tasks waiting */
    double oldest;                  /* queues: age of the oldest task, ns */
    double instances;               /* in service, time-averaged: a
                                     * database's nodes, a queue's
                                     * workers, a CDN's edges; varies if
                                     * it autoscales */
};

struct step_result {
    double users;
    double offered;                 /* requests sent per second */
    double completed;               /* answered without error per second */
    double error_frac;
    uint64_t samples;               /* answered requests measured */
    uint64_t in_flight;             /* requests out at the end, tasks too */
    uint64_t sent, answered;        /* in the window: sent, and answered
                                     * with or without error */
    int64_t p50, p95, p99;
    int64_t p99_lo, p99_hi;         /* 95% interval by batch means */
    bool p99_known;                 /* enough samples for a p99 */
    int64_t kind_p99[REQ_KIND_COUNT];
    uint64_t by_cause[ERR_CAUSE_COUNT];
    sim_ns window;                  /* measured simulated time */
    int bottleneck;                 /* component index, -1 if none */
    double bottleneck_util;
    bool holds;                     /* latency and error objectives */
    bool unsettled;                 /* measured before its autoscalers
                                     * settled (the warm-up's bound) */
    const char *broken;             /* "p99" or "errors" when not holds */
    /* Where the time of traced requests went, per request kind and, at
     * REQ_KIND_COUNT, over all kinds; arrays owned. */
    struct attribution attr[REQ_KIND_COUNT + 1];
    struct comp_result *comps;      /* one per component */
};

struct ramp_result {
    int nsteps;
    struct step_result *steps;
    int ncomponents;
    double capacity;                /* users; 0 when the first step broke */
    int first_broken;               /* step index, -1 when none broke */
    double cost;                    /* USD per month */
    bool budget_ok;
    bool target_holds;              /* objectives hold at the target */
    sim_ns simulated;               /* total simulated time */
    struct trace *traces;           /* the traced requests of the first
                                     * broken step (else the last); owned */
    int ntraces;
    uint64_t events;
};

/* Called after each step, e.g. for a progress line; may be NULL. */
typedef void (*ramp_progress_fn)(const struct step_result *step, int index,
                                 int total, void *arg);

/* The user counts of the ramp's steps; returns how many (at most max). */
int ramp_steps(const struct ramp *ramp, double *users, int max);

/* Run the whole ramp of a validated scenario. Returns 0, or -1 when out of
 * memory. */
int ramp_run(const struct scenario *sc, uint64_t seed,
             struct ramp_result *out, ramp_progress_fn progress, void *arg);

void ramp_result_free(struct ramp_result *res);

/* Fill in capacity, first broken step, cost and verdicts from res's
 * judged steps (in rising order of users). The cost prices autoscaled
 * servers at their mean instances in the step at the ramp's target. */
void ramp_summarise(const struct scenario *sc, struct ramp_result *res);

/* Monthly cost of sc with autoscaled servers priced at their mean
 * instances in step st (measured on sc). */
double step_monthly_cost(const struct scenario *sc,
                         const struct step_result *st);

/*
 * Measuring one step on an existing engine, in slices so that a terminal
 * interface stays responsive: step_begin sets the users and plans the
 * warm-up and batches (a design that autoscales warms up until its
 * autoscalers have settled at the new load, within bounds);
 * step_advance runs at most max_events events and returns 1 once the
 * step is measured; step_finish fills out (whose comps
 * array the caller allocates, one per component). A step_run is owned by
 * its caller; step_begin allocates nothing that step_finish does not free.
 */
struct step_run {
    struct sim *sim;
    double users;
    sim_ns batch;                   /* length of a batch */
    int phase;                      /* 0 warm-up, 1..RAMP_BATCHES batches */
    sim_ns phase_end;
    struct hist *before;            /* end-to-end histogram at batch start */
    struct hist *part;
    double batch_p99[RAMP_BATCHES];
    sim_ns began;                   /* when the step's users were set */
    sim_ns settle_by;               /* the warm-up's end at the latest */
    bool unsettled;                 /* the warm-up ended at settle_by */
};

int step_begin(struct step_run *run, struct sim *sim, double users);
int step_advance(struct step_run *run, uint64_t max_events);
void step_finish(struct step_run *run, struct step_result *out);
void step_abandon(struct step_run *run);

/* Judge a measured step against the scenario's objectives. */
void step_judge(const struct scenario *sc, struct step_result *st);

/* The figures of component c over the window of window_s seconds that
 * ends now (call sim_flush_areas first). */
void ramp_comp_figures(const struct sim *sim, int c, double window_s,
                       struct comp_result *out);

/* The whole of one step at once. */
int ramp_measure_step(struct sim *sim, double users,
                      struct step_result *out);

#endif
