/*
 * report.h - printing a ramp's results as a table, CSV or JSON. Output
 * depends only on the scenario, seed and results (never on wall time), so
 * the same run prints the same bytes. Numbers always use a full stop.
 */
#ifndef ARCHSIM_REPORT_H
#define ARCHSIM_REPORT_H

#include <stdio.h>

#include "ramp.h"
#include "scenario.h"

enum report_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

int report_format_from_name(const char *name);      /* -1 when unknown */

/* Write res for sc; returns 0, or -1 on a write error. */
int report_write(FILE *out, enum report_format format,
                 const struct scenario *sc, uint64_t seed,
                 const struct ramp_result *res);

/* The same in pieces, so that rows can be printed as steps finish:
 * begin, then each step (index from 0), then the end. */
int report_begin(FILE *out, enum report_format format,
                 const struct scenario *sc, uint64_t seed);
int report_step(FILE *out, enum report_format format,
                const struct scenario *sc, const struct step_result *st,
                int index);
int report_end(FILE *out, enum report_format format,
               const struct scenario *sc, const struct ramp_result *res);

/* The same end with the advisor's account (src/advisor.h) after the
 * capacity: sentences in the table, an "advisor" object in JSON, nothing
 * in CSV. adv may be NULL. */
struct advice;
int report_end_advised(FILE *out, enum report_format format,
                       const struct scenario *sc,
                       const struct ramp_result *res,
                       const struct advice *adv);

/* report_write with the advisor's account at the end. */
int report_write_advised(FILE *out, enum report_format format,
                         const struct scenario *sc, uint64_t seed,
                         const struct ramp_result *res,
                         const struct advice *adv);

/* A JSON string (quotes, backslashes and control characters escaped),
 * and a JSON number (null for NaN and infinities). */
void json_string(FILE *out, const char *s);
void json_number(FILE *out, double v);

/* "850us", "12.3ms", "1.25s": three significant figures. */
void format_duration(char *buf, size_t len, double ns);

/* "950", "12.5k", "1M": user counts and rates. */
void format_count(char *buf, size_t len, double value);

/* One sentence naming the first broken objective and where, or that all
 * held, for the summary and the TUI. */
void report_verdict(char *buf, size_t len, const struct scenario *sc,
                    const struct ramp_result *res);

#endif
