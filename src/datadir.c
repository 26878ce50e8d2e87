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
static int try_in(const char *dir, const char *name, const char *suffix,
                  char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s/scenarios/%s%s", dir, name, suffix);

    return n > 0 && (size_t)n < len && access(buf, R_OK) == 0;
}

/* The data directory of the checkout a program built there runs from:
 * build/archsim sits beside data/. Empty when that cannot be found. */
static const char *checkout_data(void)
{
    static char dir[1024];
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    if (n <= 0)
        return "";
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return "";
    *slash = '\0';
    snprintf(dir, sizeof dir, "%.1000s/../data", exe);
    return dir;
}

/* An installed scenario, else the one in the checkout it was built in. */
static int try_shipped(const char *name, const char *suffix, char *buf,
                       size_t len)
{
    const char *local = checkout_data();

    return try_in(datadir(), name, suffix, buf, len) ||
           (*local && try_in(local, name, suffix, buf, len));
}

const char *datadir_scenario(const char *arg, char *buf, size_t len)
{
    if (!*arg || strchr(arg, '/') || access(arg, F_OK) == 0)
        return arg;
    if (try_shipped(arg, "", buf, len) || try_shipped(arg, ".yaml", buf, len))
        return buf;
    return arg;
}

const char *datadir_file(const char *subdir, const char *arg, char *buf,
                         size_t len)
{
    const char *local = checkout_data();
    const char *dirs[2] = {datadir(), local};

    if (!*arg || strchr(arg, '/') || access(arg, F_OK) == 0)
        return arg;
    for (int d = 0; d < 2; d++)
        for (int y = 0; y < 2 && *dirs[d]; y++) {
            int n = snprintf(buf, len, "%s/%s/%s%s", dirs[d], subdir, arg,
                             y ? ".yaml" : "");

            if (n > 0 && (size_t)n < len && access(buf, R_OK) == 0)
                return buf;
        }
    return arg;
}

int datadir_subdir(const char *subdir, char *buf, size_t len)
{
    const char *local = checkout_data();
    const char *dirs[2] = {datadir(), local};

    for (int d = 0; d < 2; d++) {
        int n = snprintf(buf, len, "%s/%s", dirs[d], subdir);

        if (*dirs[d] && n > 0 && (size_t)n < len && access(buf, R_OK) == 0)
            return 0;
    }
    return -1;
}
