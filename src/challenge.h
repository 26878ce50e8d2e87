/*
 * challenge.h - design challenges, scored like an interview.
 *
 * A challenge (data/challenges/NAME.yaml, format below) states a product,
 * a number of users, objectives and a monthly budget. A design is graded
 * by ramping it to the target under the challenge's own workload, then
 * scoring out of 100:
 *
 *   objectives  50  p99 and error rate at every step up to the target
 *                   (25 each), or 20 + 20 + 10 when the challenge also
 *                   asks for availability under a failure
 *   cost        20  within the budget: all; over it: none
 *   complexity  20  less 6 for each component the load did not need and
 *                   4 for each count (instances, replicas, workers) that
 *                   still held at half
 *   time        10  all up to half the time limit, then falling evenly
 *                   to none at the limit
 *   hints           less 5 for each hint taken
 *
 * A design passes when every objective is met, it is within the budget,
 * it has every required kind of component and none that is not allowed.
 * A design that does not pass scores at most 49.
 *
 * The workload is the challenge's, whatever the design file says: users
 * (model, think time, rate), regions, request mix, network hop, seed and
 * ramp come from the challenge's starting scenario, and so do the figures
 * that describe the work rather than the machines (CPU per request,
 * query times, hot rows, key space and skew, task time), taken from its
 * component of the same kind, or from the challenge's workload mapping.
 * The design's own scheduled failures are dropped.
 *
 * The file format, one YAML document; unknown keys are errors reported
 * as file:line:column:
 *
 *   archsim-challenge: 1        optional; must be 1
 *   name: url-shortener         required, a name as in scenarios
 *   title: "A URL shortener"    one line; default the name
 *   brief: text                 required: the product, as an interviewer
 *                               would state it
 *   stage: 5                    optional: the journey's stage, 1 to 9
 *   target: 100k                required: users, 1 to 100M
 *   budget: 3000/month          required: USD a month
 *   time-limit: 45m             default 45m; 1m to 24h
 *   objectives:
 *     p99: 200ms                required
 *     errors: 0.1%              required
 *     availability:             optional: answered without error while
 *       min: 99%                a failure strikes at the target and for
 *       fail: instance          as long again after it ends
 *       component: server       a component's name, else its kind (the
 *       for: 30s                first of that kind); for 1s to 1h,
 *       factor: 2               default 30s
 *   start: stage-1-single-server    a shipped scenario's name, a path
 *                               (relative to the challenge file), or a
 *                               scenario written inline as a mapping
 *   workload:                   optional, per kind: settings fixed for
 *     cache: {keys: 5M, skew: 1.1}    every component of that kind
 *   required: [cache]           kinds the design must have
 *   not-allowed: [cdn]          kinds it must not have
 *   x-anything: ...             ignored
 */
#ifndef ARCHSIM_CHALLENGE_H
#define ARCHSIM_CHALLENGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "advisor.h"
#include "ramp.h"
#include "scenario.h"

#define CHALLENGE_TEXT 512
#define CHALLENGE_MAX_WORKLOAD 32
#define CHALLENGE_DEFAULT_LIMIT (45 * 60)       /* seconds */
#define CHALLENGE_HINT_POINTS 5
#define CHALLENGE_MAX_ITEMS 64

/* One fixed setting of the workload: key as in a file, for kind. */
struct challenge_setting {
    enum comp_kind kind;
    char key[32];
    char value[64];
};

struct challenge {
    char name[NAME_BYTES];
    char title[CHALLENGE_TEXT];
    char *brief;                    /* owned */
    char source[1024];              /* the file it was loaded from */
    int stage;                      /* 1..9, or 0 */
    double target;                  /* users */
    double budget;                  /* USD per month */
    double time_limit;              /* seconds */
    sim_ns p99;
    double errors;                  /* fraction */

    bool has_availability;
    double availability;            /* the least allowed, 0..1 */
    struct failure failure;         /* component: a name or a kind */

    unsigned required;              /* 1 << comp_kind */
    unsigned forbidden;

    int nworkload;
    struct challenge_setting workload[CHALLENGE_MAX_WORKLOAD];

    char start_name[1024];          /* as written, or "" when inline */
    struct scenario start;          /* the starting design, owned */
};

/*
 * Load a challenge file (its starting scenario too) into *ch, which the
 * call initialises; free it with challenge_free() whatever the result.
 * Returns 0, or -1 with "file:line:column: message" in err.
 */
int challenge_load_file(struct challenge *ch, const char *path, char *err,
                        size_t errlen);
void challenge_free(struct challenge *ch);

/* The file of a challenge given by name (a shipped one) or path; as
 * datadir_scenario() does for scenarios. */
const char *challenge_path(const char *arg, char *buf, size_t len);

/*
 * The shipped challenges' files, sorted by name: *paths gets a malloc'd
 * array of malloc'd strings; free it with challenge_paths_free(). Returns
 * how many, or -1 when the directory cannot be read or out of memory.
 */
int challenge_paths(char ***paths);
void challenge_paths_free(char **paths, int n);

/* --- Grading -------------------------------------------------------------- */

/* Called as grading goes, for a progress line: what it is doing. */
typedef void (*grade_progress_fn)(void *arg, const char *what);

struct grade_options {
    double seconds;                 /* time taken; < 0: half the limit */
    int hints;                      /* hints taken */
    bool skip_complexity;           /* no trials (a quick look) */
    grade_progress_fn progress;     /* may be NULL */
    void *progress_arg;
};

struct grade_objective {
    const char *what;               /* "p99", "errors", "availability" */
    bool met;
    int points, max;
    char figure[CHALLENGE_TEXT];    /* "p99 183ms at 100k users (objective
                                     * 200ms)" */
};

/* Something the load did not need. */
struct grade_item {
    int comp;
    bool removable;                 /* the whole component; else a count */
    int from, to;                   /* the count and its half */
    char text[CHALLENGE_TEXT];
};

struct grade {
    int score;                      /* 0..100 */
    bool passed;
    char verdict[CHALLENGE_TEXT];   /* why it passed or did not */

    int nobjectives;
    struct grade_objective objectives[3];

    double cost;                    /* USD per month */
    double budget;
    int cost_points;

    bool complexity_judged;
    int complexity_points;
    int nitems;
    struct grade_item items[CHALLENGE_MAX_ITEMS];
    int trials;                     /* designs tried */

    double seconds, limit;
    int time_points;
    int hints, hint_points;         /* hint_points <= 0 */

    int rules_broken;               /* required missing, not allowed */
    char rules[CHALLENGE_TEXT];

    double capacity;                /* users, of the graded ramp */
    double availability;            /* measured, or -1 */

    /* What was graded, for the advisor's account and for saving. */
    struct scenario graded;         /* the design under the challenge's
                                     * workload, owned */
    uint64_t seed;
    struct ramp_result result;      /* its ramp to the target, owned */
    struct advice advice;
};

/*
 * Grade design (a validated scenario, not changed) against ch. Returns 0
 * with *out filled in (free it with grade_free()), or -1 with a message
 * in err when the design cannot be simulated (out of memory, or it does
 * not validate under the challenge's workload).
 */
int challenge_grade(const struct challenge *ch, const struct scenario *design,
                    const struct grade_options *opt, struct grade *out,
                    char *err, size_t errlen);
void grade_free(struct grade *g);

/* The score and its breakdown, then the advisor's account of the first
 * failure. Returns 0, or -1 on a write error. */
int grade_write_text(FILE *out, const struct challenge *ch,
                     const struct grade *g);

/*
 * A hint: the design's current bottleneck at the challenge's load and
 * the kind of remedy, never the remedy itself, in buf. Returns 0, or -1
 * with a message in buf.
 */
int challenge_hint(const struct challenge *ch, const struct scenario *design,
                   char *buf, size_t len);

/*
 * The design under the challenge's workload: a copy of design (dst is
 * initialised by the call; scenario_free() it whatever the result) with
 * the challenge's users, regions, mix, seed, objectives and fixed
 * settings, ramped to the target. Returns 0, or -1 with err.
 */
int challenge_apply(const struct challenge *ch, const struct scenario *design,
                    struct scenario *dst, char *err, size_t errlen);

#endif
