/*
 * timeline.h - a design at a fixed user count, followed through time: one
 * row per interval with what was sent and answered, errors, p99, retries
 * and timeouts, and the busiest component. This is the view in which a
 * failure's effect and recovery show, and a retry storm outlives the
 * spike that started it (`archsim timeline`).
 *
 * A struct timeline owns its rows and notes; free it with timeline_free().
 */
#ifndef ARCHSIM_TIMELINE_H
#define ARCHSIM_TIMELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"
#include "scenario.h"

struct timeline_row {
    sim_ns end;                     /* simulated time the interval ends */
    double sent;                    /* requests sent per second */
    double ok;                      /* answered without error per second */
    double error_frac;              /* failed / answered or failed */
    int64_t p50, p99;               /* ns, of the requests answered */
    bool p99_known;                 /* enough answers to tell the p99 */
    double retries;                 /* calls made again, per second */
    double timeouts;                /* calls given up at their timeout,
                                     * per second, all callers */
    int busiest;                    /* component, -1 when none */
    double busiest_util;
    bool holds;                     /* the objectives hold */
};

struct timeline_note {
    sim_ns at;
    char text[2 * NAME_BYTES + 64];
};

struct timeline {
    double users;
    sim_ns every;
    int nrows;
    struct timeline_row *rows;
    int nnotes, capnotes;
    struct timeline_note *notes;
};

/* Run sc at users for duration, measuring every interval. Returns 0, or
 * -1 when out of memory (t is then empty). */
int timeline_run(const struct scenario *sc, uint64_t seed, double users,
                 sim_ns duration, sim_ns every, struct timeline *t);

void timeline_free(struct timeline *t);

/* Read into row the interval of seconds that ends at sim's now (the
 * window since the last sim_reset_window, which the caller then calls
 * to start the next): what the interface's hold mode shows. */
struct sim;
void timeline_measure(struct sim *sim, double seconds,
                      struct timeline_row *row);

/* Print t with the events between its rows; 0, or -1 on a write error. */
int timeline_write(FILE *out, enum report_format format,
                   const struct scenario *sc, const struct timeline *t);

#endif
