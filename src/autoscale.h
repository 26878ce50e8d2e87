/*
 * autoscale.h - autoscaling by target tracking: a server's or service's
 * instances, a queue's workers.
 *
 * Every autoscale.interval of simulated time, the autoscaler of a
 * component looks at the utilisation of what it scales since its last
 * look (busy core time over the core time of the instances in service;
 * busy workers over workers) and wants ceil(count * utilisation /
 * target) of them, count being the mean in service since that look,
 * within min and max; unless the count now would run within
 * AUTOSCALE_TOLERANCE of the target. More are ordered at once and take
 * requests after autoscale.delay; fewer are taken out of service only
 * when the cool-down has passed since the last change and every look
 * during the last cool-down wanted fewer, and then to the most that any
 * of those looks wanted. An instance taken out of service takes no new
 * request and finishes those it holds; a queue's workers finish their
 * tasks. Nothing is lost or dropped.
 *
 * The autoscalers belong to the struct sim (sim_create sets them up
 * through autoscale_init; each is freed with its component's state). A
 * component that does not autoscale costs nothing per request: round
 * robin and balancers read the count in service, which is then fixed.
 */
#ifndef ARCHSIM_AUTOSCALE_H
#define ARCHSIM_AUTOSCALE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

/* No change while utilisation / target is within 1 +- this. */
#define AUTOSCALE_TOLERANCE 0.1

struct autoscaler {
    int count;                      /* instances or workers in service */
    int ordered;                    /* on their way, in service at ready */
    sim_ns ready;
    sim_ns last_change;             /* last order, arrival or scale-in */
    sim_ns last_look;
    sim_ns below_since;             /* first of the looks in a row that
                                     * wanted fewer; -1 if the last did not */
    int below_most;                 /* the most those looks wanted */
    double last_util;               /* what the last look measured */
    double busy_mark;               /* busy area at the last look */
    double busy_carry;              /* busy time since the last look that a
                                     * window reset took from the pools */
    double count_look;              /* integral of count since the look */
    double count_window;            /* and since the window began */
    sim_ns count_at;                /* when the integrals were updated */
    uint32_t changes;               /* times count changed */
};

/* Set up an autoscaler for each component that autoscales, with the
 * count it starts with in service, and schedule its first look. Returns
 * 0, or -1 when out of memory. */
int autoscale_init(struct sim *sim);

/* The event EV_SCALE with its req field. */
void autoscale_event(struct sim *sim, uint32_t what);

/* A measurement window begins (called by sim_reset_window before it
 * clears the pools' time integrals). */
void autoscale_reset_window(struct sim *sim);

/* Instances (a queue: workers) comp has in service now; for a
 * component that does not autoscale, its fixed count: a balancer's 1, a
 * database's nodes, a cache's shards, a CDN's edges. */
int autoscale_count(const struct sim *sim, int comp);

/* The same, time-averaged over the current window (so far). */
double autoscale_mean_count(const struct sim *sim, int comp);

/* Whether every autoscaler is content with its count: none has an
 * order on its way or a scale-in in mind, and each has looked at a full
 * interval since the later of since and its last change. True when
 * nothing autoscales. */
bool autoscale_settled(const struct sim *sim, sim_ns since);

#endif
