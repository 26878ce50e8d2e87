/*
 * trace.h - sampled traces of requests: one span per component a request
 * visits, with its arrival, the start of its service and its leaving, so
 * that the time of a request can be told apart into waiting, service at
 * each component, the network between them and the distance to the user.
 *
 * The tracer belongs to its struct sim (sim_destroy frees it). It costs
 * nothing when off; on, one request in `every` is traced and the last
 * TRACE_KEEP finished traces are kept.
 */
#ifndef ARCHSIM_TRACE_H
#define ARCHSIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

#define TRACE_SPANS 24              /* spans kept per trace */
#define TRACE_SLOTS 256             /* traces in flight at once */
#define TRACE_KEEP 2048             /* finished traces kept */

struct span {
    uint16_t comp;
    uint8_t depth;
    uint8_t calls;                  /* calls it made (each one hop) */
    int16_t parent;                 /* span that called or handed it
                                     * over, or -1 */
    sim_ns arrive, serve, leave;    /* serve 0: no service of its own */
};

struct trace {
    uint64_t id;
    uint8_t kind, region;
    bool failed;
    sim_ns start, end, rtt;
    int nspans;
    int open[MAX_CALL_DEPTH];       /* span open at each level */
    struct span spans[TRACE_SPANS];
};

struct tracer {
    uint32_t every;                 /* trace one request in every */
    uint64_t seen;
    struct trace slots[TRACE_SLOTS];
    bool busy[TRACE_SLOTS];
    struct trace done[TRACE_KEEP];  /* a ring of the last finished */
    int ndone, head;
};

struct sim;

/* Turn tracing on for sim (one in every requests), or off (every 0).
 * Returns 0, or -1 when out of memory. */
int trace_enable(struct sim *sim, uint32_t every);
void trace_free(struct sim *sim);

/* Forget the finished traces (a new measurement window). */
void trace_clear(struct sim *sim);

/* Hooks for the engine and the models; each does nothing for a request
 * that is not traced. */
void trace_begin(struct sim *sim, uint32_t r);
void trace_enter(struct sim *sim, uint32_t r, int comp, sim_ns at);
void trace_leave(struct sim *sim, uint32_t r);
void trace_end(struct sim *sim, uint32_t r, sim_ns rtt);
/* r's caller gave up on its call at time at: the spans below r's level
 * end there (the work goes on untraced). */
void trace_abandon(struct sim *sim, uint32_t r, sim_ns at);
/* A balancer or CDN passes the request on: its span ends, comp's starts
 * at the same level. */
void trace_handover(struct sim *sim, uint32_t r, int comp, sim_ns at);
void trace_serve(struct sim *sim, uint32_t r);

/* --- Where the time goes -------------------------------------------------- */

/* Shares of the mean and of the slowest 1% of traced requests of one
 * kind (or all, REQ_KIND_COUNT), by component: waiting and service. */
struct share_parts {
    double wait, service;           /* fractions of the total */
};

struct attribution {
    int ntraces;                    /* answered traces it stands on */
    double mean_ns, tail_ns;        /* mean, and mean of the slowest 1% */
    double network_mean, network_tail;
    double distance_mean, distance_tail;
    struct share_parts *mean;       /* per component, owned */
    struct share_parts *tail;
};

/* Attribute the finished traces of kind (REQ_KIND_COUNT: all kinds). The
 * caller frees out with attribution_free(). Returns 0, or -1 when out of
 * memory. */
int attribute(const struct sim *sim, int kind, struct attribution *out);
void attribution_free(struct attribution *a);

/* "p99 412ms: 61% waiting at db, 22% at db, 9% network, 5% distance":
 * the biggest parts first, those over 3%. */
void attribution_sentence(const struct scenario *sc,
                          const struct attribution *a, bool tail,
                          char *buf, size_t len);

/* A copy of sim's finished traces, oldest first, in *out (the caller
 * frees it); returns how many, or -1 when out of memory. */
int trace_copy(const struct sim *sim, struct trace **out);

/* Traces as JSON: a list of traces with their ids, each with its spans
 * (span and parent ids, component, start, start of service, end). */
int trace_write_json(FILE *out, const struct scenario *sc,
                     const struct trace *traces, int n);

#endif
