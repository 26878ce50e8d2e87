/*
 * metrics.h - a ramp's figures in the OpenMetrics text format, for the
 * tools that already read it: one sample per step (labelled with its
 * user count) for the whole design and for each component.
 */
#ifndef ARCHSIM_METRICS_H
#define ARCHSIM_METRICS_H

#include <stdio.h>

#include "ramp.h"
#include "scenario.h"

/* Write res as OpenMetrics text, ending with "# EOF". Returns 0, or -1
 * on a write error. */
int metrics_write(FILE *out, const struct scenario *sc,
                  const struct ramp_result *res);

#endif
