/*
 * datadir.c - shipped scenarios by name, so that an installed archsim
 * runs "archsim run stage-1-single-server" from any directory.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"

#ifndef ARCHSIM_DATADIR
#define ARCHSIM_DATADIR "/usr/local/share/archsim"
#endif

const char *datadir(void)
{
    return ARCHSIM_DATADIR;
}

/* Whether dir/scenarios/name+suffix is a readable file; if so it is in
 * buf. */
static int try_shipped(const char *name, const char *suffix, char *buf,
                       size_t len)
{
    int n = snprintf(buf, len, "%s/scenarios/%s%s", datadir(), name,
                     suffix);

    return n > 0 && (size_t)n < len && access(buf, R_OK) == 0;
}

const char *datadir_scenario(const char *arg, char *buf, size_t len)
{
    if (!*arg || strchr(arg, '/') || access(arg, F_OK) == 0)
        return arg;
    if (try_shipped(arg, "", buf, len) || try_shipped(arg, ".yaml", buf, len))
        return buf;
    return arg;
}
