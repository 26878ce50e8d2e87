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

/* The same for any directory of shipped data: datadir_file("challenges",
 * "url-shortener", ...) finds DATADIR/challenges/url-shortener.yaml. */
const char *datadir_file(const char *subdir, const char *arg, char *buf,
                         size_t len);

/* The directory DATADIR/subdir, else the checkout's data/subdir, in buf;
 * -1 when neither is readable. */
int datadir_subdir(const char *subdir, char *buf, size_t len);

#endif
