/*
 * compare.h - two saved runs side by side, for `archsim compare` and the
 * terminal interface's baseline: per step (matched by user count) their
 * p99, errors and throughput with the differences; their capacity, cost
 * and verdicts; and what changed between their scenarios, key by key.
 *
 * Memory: a struct run_compare owns its arrays and borrows the steps of
 * the two runs it was made from, which must outlive it. Free it with
 * run_compare_free().
 */
#ifndef ARCHSIM_COMPARE_H
#define ARCHSIM_COMPARE_H

#include <stdio.h>

#include "ramp.h"
#include "store.h"
#include "yaml_diff.h"

struct compare_step {
    double users;
    const struct step_result *a;    /* NULL when run a had no step at */
    const struct step_result *b;    /* this user count; likewise b */
};

struct run_compare {
    size_t nsteps;
    struct compare_step *steps;     /* owned; users rising */
    struct ydiff changes;           /* b's scenario against a's */
};

/*
 * Compare run a with run b. Returns 0, or -1 with a message in err when
 * memory runs out or a snapshot does not parse; *out is then empty and
 * safe to free.
 */
int run_compare(const struct store_run *a, const struct store_run *b,
                struct run_compare *out, char *err, size_t errlen);

void run_compare_free(struct run_compare *c);

/* Print the comparison for a terminal of 80 columns. Returns 0, or -1 on
 * a write error. */
int run_compare_write(FILE *out, const struct store_run *a,
                      const struct store_run *b,
                      const struct run_compare *c);

#endif
