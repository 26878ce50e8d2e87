/*
 * cmd_timeline.c - `archsim timeline [options] SCENARIO`.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_timeline.h"
#include "datadir.h"
#include "scenario_yaml.h"
#include "timeline.h"

enum { EXIT_HOLD = 0, EXIT_BROKEN = 1, EXIT_USAGE = 64, EXIT_DATAERR = 65,
       EXIT_SOFTWARE = 70, EXIT_IOERR = 74 };

/* Longest run and finest interval: a million rows is already too many. */
#define MAX_ROWS 100000

static const char usage[] =
    "usage: archsim timeline [options] SCENARIO\n"
    "Run SCENARIO at a fixed user count and print, interval by interval,\n"
    "what was sent and answered, errors, p50 and p99, retries, timeouts\n"
    "and the busiest component, with the scenario's failures (and the\n"
    "breakers they trip) between the rows.\n"
    "\n"
    "  --users USERS          user count (default: the ramp's target)\n"
    "  --for DURATION         simulated time to run (default 120s)\n"
    "  --every DURATION       length of an interval (default 1s)\n"
    "  --seed N               random seed (default: the scenario's)\n"
    "  --format FORMAT        table (default), csv or json\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 the objectives hold in the last interval, 1 they do\n"
    "not, 64 bad usage, 65 bad input. See archsim(1).\n";

struct options {
    const char *file;
    double users;                   /* 0: the scenario's target */
    sim_ns duration, every;
    bool has_seed;
    uint64_t seed;
    enum report_format format;
};

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "archsim timeline: %s%s%s\ntry 'archsim timeline "
                    "--help'\n", what, arg ? ": " : "", arg ? arg : "");
    return EXIT_USAGE;
}

static int parse_value(struct options *o, const char *opt, const char *v)
{
    char err[256], *end;

    if (strcmp(opt, "--users") == 0) {
        if (parse_count(v, &o->users, err, sizeof err) < 0 ||
            o->users < 1 || o->users > 1e8)
            return usage_error("--users takes a count from 1 to 100M, not",
                               v);
    } else if (strcmp(opt, "--for") == 0 || strcmp(opt, "--every") == 0) {
        sim_ns *out = opt[2] == 'f' ? &o->duration : &o->every;

        if (parse_duration(v, out, err, sizeof err) < 0 || *out <= 0)
            return usage_error("takes a duration such as 500ms or 2m, not",
                               v);
    } else if (strcmp(opt, "--seed") == 0) {
        errno = 0;
        o->seed = strtoull(v, &end, 10);
        if (!*v || *v == '-' || *end || errno)
            return usage_error("--seed takes a whole number, not", v);
        o->has_seed = true;
    } else if (strcmp(opt, "--format") == 0) {
        int f = report_format_from_name(v);

        if (f < 0)
            return usage_error("--format takes table, csv or json, not", v);
        o->format = (enum report_format)f;
    } else {
        return usage_error("unknown option", opt);
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->duration = 120 * NS_PER_S;
    o->every = NS_PER_S;
    for (int i = 0; i < argc; i++) {
        int rc;

        if (strncmp(argv[i], "--", 2) != 0) {
            if (o->file)
                return usage_error("one scenario at a time; extra", argv[i]);
            o->file = argv[i];
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("option needs a value", argv[i]);
        if ((rc = parse_value(o, argv[i], argv[i + 1])) != 0)
            return rc;
        i++;
    }
    if (!o->file)
        return usage_error("timeline needs a SCENARIO", NULL);
    if (o->duration / o->every > MAX_ROWS)
        return usage_error("--for over --every gives more than 100000 rows",
                           NULL);
    return 0;
}

int cmd_timeline_main(int argc, char **argv)
{
    struct options o;
    struct scenario sc;
    struct timeline t;
    char err[2048], path[1024];
    int status;

    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(usage, stdout) < 0 ? EXIT_IOERR : EXIT_HOLD;
    if ((status = parse_args(argc, argv, &o)) != 0)
        return status;
    if (scenario_load_file(&sc, datadir_scenario(o.file, path, sizeof path),
                           err, sizeof err) < 0) {
        fprintf(stderr, "archsim: %s\n", err);
        scenario_free(&sc);
        return EXIT_DATAERR;
    }
    if (sc.ncomponents == 0) {
        fprintf(stderr, "archsim: %s: nothing to simulate: the scenario "
                        "has no components\n", o.file);
        scenario_free(&sc);
        return EXIT_DATAERR;
    }
    if (timeline_run(&sc, o.has_seed ? o.seed : sc.seed,
                     o.users > 0 ? o.users : sc.ramp.target, o.duration,
                     o.every, &t) < 0) {
        fprintf(stderr, "archsim: out of memory\n");
        scenario_free(&sc);
        return EXIT_SOFTWARE;
    }
    status = t.nrows > 0 && t.rows[t.nrows - 1].holds ? EXIT_HOLD
                                                       : EXIT_BROKEN;
    if (timeline_write(stdout, o.format, &sc, &t) < 0) {
        fprintf(stderr, "archsim: writing the timeline: %s\n",
                strerror(errno));
        status = EXIT_IOERR;
    }
    timeline_free(&t);
    scenario_free(&sc);
    return status;
}
