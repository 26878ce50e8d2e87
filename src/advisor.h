/*
 * advisor.h - reading a ramp's figures the way an architect would: which
 * resource limits the design (the bottleneck, with its figures), what the
 * journey suggests adding next and why, what that change would do to the
 * capacity (a short re-simulation of a changed copy), and how each
 * station compares with its M/M/c prediction.
 *
 * Everything here reads step and ramp results and never changes them.
 * Texts are plain sentences with figures, written into fixed buffers.
 */
#ifndef ARCHSIM_ADVISOR_H
#define ARCHSIM_ADVISOR_H

#include <stdbool.h>
#include <stdio.h>

#include "ramp.h"
#include "scenario.h"

#define ADVICE_TEXT 512
#define ADVICE_MAX_REMEDIES 3

/* What runs out. */
enum neck_resource {
    NECK_NONE,                      /* nothing is busy enough to say */
    NECK_CORES,                     /* a server's or database's cores */
    NECK_THREADS,                   /* a server's threads */
    NECK_CONNECTIONS,               /* a database's connection pool */
    NECK_LOCK,                      /* a database's hot-row lock */
    NECK_CACHE_THREAD,              /* a cache's single thread */
    NECK_WORKERS,                   /* a queue's workers */
    NECK_BROKER,                    /* a queue's publish rate limit */
    NECK_DISTANCE,                  /* a region's round trip */
};

struct advice_neck {
    int comp;                       /* component index, or -1 */
    int region;                     /* NECK_DISTANCE: region index */
    int node;                       /* databases: 0 the primary, 1 the
                                     * replicas (estimated from the mix,
                                     * the query times and the hit ratio
                                     * in front: the engine reports the
                                     * busiest node's figures, not which
                                     * node it is) */
    enum neck_resource res;
    double busy;                    /* 0..1 of the resource, or the share
                                     * of the p99 for NECK_DISTANCE */
    double rejected;                /* share of requests it turned away */
    bool via_callee;                /* a caller's threads wait on it */
    int caller;                     /* that caller, or -1 */
    int busiest;                    /* NECK_DISTANCE: the busiest part */
    char text[ADVICE_TEXT];
};

enum remedy_kind {
    REM_NONE,                       /* nothing to add for this load */
    REM_BIGGER_SIZE,                /* the next size of the family */
    REM_BALANCER,                   /* a second instance behind an lb */
    REM_MORE_INSTANCES,             /* twice the instances */
    REM_MORE_THREADS,               /* twice the threads */
    REM_INDEX,                      /* indexed reads */
    REM_BIGGER_POOL,                /* twice the connections */
    REM_REPLICAS,                   /* read replicas */
    REM_CACHE,                      /* a cache before the database */
    REM_CACHE_SHARDS,               /* twice the cache's instances */
    REM_QUEUE,                      /* a queue with workers for tasks */
    REM_MORE_WORKERS,               /* twice the queue's workers */
    REM_BROKER_RATE,                /* twice the broker's rate limit */
    REM_CDN,                        /* a CDN in front */
    REM_SPLIT,                      /* separate services (not simulated) */
    REM_HOT_ROWS,                   /* half the writes on hot rows */
    REM_SHRINK,                     /* over-built: half the instances */
};

struct advice_remedy {
    enum remedy_kind kind;
    int comp;                       /* what it changes, or -1 */
    double param;                   /* REM_QUEUE: workers to give it */
    char what[160];                 /* "2 read replicas for db" */
    char text[ADVICE_TEXT];         /* the remedy and its reason */
};

struct advice_whatif {
    bool done;                      /* a what-if was simulated */
    double before;                  /* capacity of the run, users */
    double after;                   /* capacity with the change */
    bool at_least;                  /* held to the end of its ramp */
    bool below;                     /* broke at its first step */
    double seconds;                 /* wall time it took */
    char text[ADVICE_TEXT];
};

struct advice {
    int step;                       /* the step read: the knee */
    bool holds;                     /* that step holds its objectives */
    struct advice_neck neck;
    int nremedies;
    struct advice_remedy remedies[ADVICE_MAX_REMEDIES];
    struct advice_whatif whatif;    /* for remedies[0] */
    int alt;                        /* when that did not raise the
                                     * capacity: the remedy tried next */
    struct advice_whatif alt_whatif;
    char note[ADVICE_TEXT];         /* why a remedy alone did not help */
};

/* The step the advisor reads in a ramp: the first that broke, else the
 * last. -1 when the ramp has no steps. */
int advisor_knee(const struct ramp_result *res);

/* The bottleneck of one step, with its figures in a sentence. */
void advisor_bottleneck(const struct scenario *sc,
                        const struct step_result *st,
                        struct advice_neck *out);

/* The remedies for that bottleneck, best first; returns how many. */
int advisor_remedies(const struct scenario *sc, const struct step_result *st,
                     const struct advice_neck *neck,
                     struct advice_remedy *out, int max);

/* Apply a remedy to sc (a copy the caller owns) and validate it. Returns
 * 0, or -1 when the remedy cannot be simulated or out of memory. */
int advisor_apply(struct scenario *sc, const struct advice_remedy *rem);

/* Re-run a short ramp around the knee of res with rem applied to a copy
 * of sc, and say what capacity it reaches. Returns 0, or -1 when it could
 * not be simulated (out->done stays false). */
int advisor_whatif(const struct scenario *sc, uint64_t seed,
                   const struct ramp_result *res,
                   const struct advice_remedy *rem,
                   struct advice_whatif *out);

/* All of it for a finished ramp; whatif says whether to simulate. */
void advise_run(const struct scenario *sc, uint64_t seed,
                const struct ramp_result *res, bool whatif,
                struct advice *out);

/*
 * One line for the interface, at most len bytes, about one measured step
 * (st may be NULL): the bottleneck and the remedy, e.g. "bottleneck app:
 * cores 100% busy - next: a bigger machine (c6i.xlarge)". It runs no
 * simulation and is quick enough to call at every redraw.
 */
void advisor_line(const struct scenario *sc, const struct step_result *st,
                  char *buf, size_t len);

/* --- Theory beside simulation ------------------------------------------ */

struct station_theory {
    int comp;
    const char *resource;           /* "cores", "thread", "workers" */
    int copies;                     /* instances, each its own queue */
    int servers;                    /* c per copy */
    double lambda;                  /* per second, per copy */
    double service;                 /* seconds, measured */
    double rho;                     /* lambda * service / c */
    double cv2;                     /* squared coefficient of variation
                                     * of the service time, from the
                                     * scenario's mix and distribution */
    double lq_theory;               /* M/M/c, all copies; INFINITY if
                                     * rho >= 1 */
    double lq_sim;                  /* simulated mean waiting */
    double half_width;              /* tolerance on lq from the window */
    double wq_theory, wq_sim;       /* seconds */
    bool disagree;
    char why[200];                  /* the reason, when they disagree */
};

/* M/M/c beside the simulation for each station of a step; returns how
 * many were written (at most max). */
int advisor_theory(const struct scenario *sc, const struct step_result *st,
                   struct station_theory *out, int max);

/* Erlang C: the probability of waiting at M/M/c with offered load a. */
double advisor_erlang_c(int c, double a);

/* --- Output -------------------------------------------------------------- */

/* A few sentences for the table report. */
void advice_write_text(FILE *out, const struct scenario *sc,
                       const struct ramp_result *res,
                       const struct advice *adv);

/* "advisor":{...} for the JSON report (the key and its object). */
void advice_write_json(FILE *out, const struct scenario *sc,
                       const struct ramp_result *res,
                       const struct advice *adv);

#endif
