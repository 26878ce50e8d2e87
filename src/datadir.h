/*
 * datadir.h - where the installed program finds its shipped data.
 */
#ifndef ARCHSIM_DATADIR_H
#define ARCHSIM_DATADIR_H

#include <stddef.h>

/* The directory of shipped data, set at build time (make's DATADIR). */
const char *datadir(void);

/*
 * The file to load for a scenario argument: arg itself when it names a
 * file or contains a '/'; otherwise, when one exists, the shipped
 * scenario DATADIR/scenarios/arg or DATADIR/scenarios/arg.yaml, written
 * into buf. Falls back to arg, so that a missing file is reported as the
 * user wrote it.
 */
const char *datadir_scenario(const char *arg, char *buf, size_t len);

#endif
