/*
 * main.c - the command line: archsim run, archsim check, help, version.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "advisor.h"
#include "cmd_store.h"
#include "cmd_practice.h"
#include "cmd_timeline.h"
#include "datadir.h"
#include "metrics.h"
#include "tui.h"
#include "version.h"
#include "ramp.h"
#include "report.h"
#include "scenario.h"
#include "scenario_yaml.h"


/* Exit statuses (sysexits.h numbers). */
enum {
    EXIT_HOLD = 0,
    EXIT_BROKEN = 1,
    EXIT_USAGE = 64,
    EXIT_DATAERR = 65,
    EXIT_SOFTWARE = 70,
    EXIT_IOERR = 74,
};

static const char usage_text[] =
    "usage: archsim run [options] SCENARIO  ramp a scenario, print figures\n"
    "       archsim check SCENARIO          validate and summarise it\n"
    "       archsim tour                    the nine stages, in the interface\n"
    "       archsim save FILE [--name NAME] save a scenario in the database\n"
    "       archsim scenarios               list the saved scenarios\n"
    "       archsim scenario show|rename|delete NAME ...\n"
    "       archsim runs                    list the saved runs\n"
    "       archsim show RUN                print a saved run\n"
    "       archsim compare RUN_A RUN_B     two saved runs side by side\n"
    "       archsim practice [options]      design challenges, scored\n"
    "       archsim timeline [options] SCENARIO\n"
    "                                       one user count through time\n"
    "       archsim COMMAND --help          a command's own options\n"
    "       archsim --help | --version\n"
    "\n"
    "SCENARIO is a file, or the name of a shipped scenario such as\n"
    "stage-1-single-server. More: man archsim, and man 5 archsim-scenario\n"
    "for the file format.\n";

static const char run_usage[] =
    "usage: archsim run [options] SCENARIO\n"
    "Ramp the users of SCENARIO (a file, or a shipped scenario's name) and\n"
    "print each step's figures, then the capacity.\n"
    "\n"
    "  --seed N               random seed (default: the scenario's)\n"
    "  --from USERS           first step of the ramp (e.g. 10, 5k)\n"
    "  --to USERS             last step of the ramp (e.g. 1M)\n"
    "  --steps-per-decade N   steps per tenfold rise in users (default 10)\n"
    "  --format FORMAT        table (default), csv or json\n"
    "  --metrics FILE         also write the figures as OpenMetrics text\n"
    "  --traces FILE          also write sampled traces of the knee as JSON\n"
    "  --save                 also save the run in the database; if it\n"
    "                         cannot be used, the run goes on unsaved\n"
    "  --db PATH              the database (default $ARCHSIM_DB, else\n"
    "                         $XDG_DATA_HOME/archsim/archsim.db)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 objectives hold at the target, 1 they do not,\n"
    "64 bad usage, 65 bad input. See archsim(1).\n";

static const char check_usage[] =
    "usage: archsim check SCENARIO\n"
    "Validate SCENARIO (a file, or a shipped scenario's name) and print its\n"
    "components, their calls and its monthly cost.\n"
    "\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 valid, 64 bad usage, 65 not valid.\n"
    "See archsim(1) and archsim-scenario(5).\n";

static const char tour_usage[] =
    "usage: archsim tour\n"
    "Walk the nine stages of the journey in the interface: each stage\n"
    "ramps until its knee, A adds what the advisor proposes, r ramps\n"
    "again, n goes to the next stage. Needs a terminal.\n"
    "\n"
    "  -h, --help             this help\n";

/* Whether a command's arguments ask for its help. */
static bool asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

struct run_options {
    const char *file;
    bool has_seed;
    uint64_t seed;
    double from, to;                /* 0: the scenario's */
    int per_decade;
    enum report_format format;
    const char *metrics;            /* --metrics FILE, or NULL */
    const char *traces;             /* --traces FILE, or NULL */
    bool save;                      /* --save */
    const char *db;                 /* --db, or NULL for the default */
};

/* Say what was wrong with the command line; returns EXIT_USAGE. */
static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "archsim: %s%s%s\ntry 'archsim --help'\n", what,
            arg ? ": " : "", arg ? arg : "");
    return EXIT_USAGE;
}

static int parse_uint(const char *text, uint64_t *out)
{
    char *end;

    if (!*text || *text == '-')
        return -1;
    errno = 0;
    *out = strtoull(text, &end, 10);
    return errno || *end ? -1 : 0;
}

static int parse_users(const char *opt, const char *text, double *out)
{
    char err[256];

    if (parse_count(text, out, err, sizeof err) < 0 || *out < 1 ||
        *out > 1e8) {
        fprintf(stderr, "archsim: %s: '%s' is not a user count from 1 to "
                        "100M (e.g. 10, 5k, 1M)\n", opt, text);
        return -1;
    }
    return 0;
}

/* Parse run's arguments; returns 0, or an exit status. */
static int parse_run_args(int argc, char **argv, struct run_options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes_value = strncmp(a, "--", 2) == 0 &&
                           strcmp(a, "--save") != 0;

        if (strcmp(a, "--save") == 0) {
            o->save = true;
            continue;
        }
        if (takes_value && !v)
            return usage_error("option needs a value", a);
        if (strcmp(a, "--db") == 0) {
            o->db = v;
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_uint(v, &o->seed) < 0)
                return usage_error("--seed takes a whole number, not", v);
            o->has_seed = true;
        } else if (strcmp(a, "--from") == 0) {
            if (parse_users(a, v, &o->from) < 0)
                return EXIT_USAGE;
        } else if (strcmp(a, "--to") == 0) {
            if (parse_users(a, v, &o->to) < 0)
                return EXIT_USAGE;
        } else if (strcmp(a, "--steps-per-decade") == 0) {
            uint64_t n;

            if (parse_uint(v, &n) < 0 || n < 1 || n > 100)
                return usage_error("--steps-per-decade takes a number "
                                   "from 1 to 100, not", v);
            o->per_decade = (int)n;
        } else if (strcmp(a, "--metrics") == 0) {
            o->metrics = v;
        } else if (strcmp(a, "--traces") == 0) {
            o->traces = v;
        } else if (strcmp(a, "--format") == 0) {
            int f = report_format_from_name(v);

            if (f < 0)
                return usage_error("--format takes table, csv or json, "
                                   "not", v);
            o->format = (enum report_format)f;
        } else if (takes_value) {
            return usage_error("unknown option", a);
        } else if (o->file) {
            return usage_error("one scenario file at a time; extra", a);
        } else {
            o->file = a;
            continue;
        }
        i++;
    }
    if (!o->file)
        return usage_error("run needs a scenario FILE", NULL);
    return 0;
}

static int load(struct scenario *sc, const char *file)
{
    char err[2048], path[1024];

    file = datadir_scenario(file, path, sizeof path);
    if (scenario_load_file(sc, file, err, sizeof err) < 0) {
        fprintf(stderr, "archsim: %s\n", err);
        return -1;
    }
    return 0;
}

static void apply_overrides(struct scenario *sc, const struct run_options *o)
{
    if (o->from > 0)
        sc->ramp.from = o->from;
    if (o->to > 0) {
        if (sc->ramp.target == sc->ramp.to || sc->ramp.target > o->to)
            sc->ramp.target = o->to;
        sc->ramp.to = o->to;
    }
    if (o->per_decade > 0)
        sc->ramp.per_decade = o->per_decade;
}

/* What the ramp's callback needs to print each step as it finishes. */
struct stream {
    const struct scenario *sc;
    enum report_format format;
    bool progress;                  /* a progress line on stderr */
    bool failed;                    /* a write to stdout failed */
};

static void show_step(const struct step_result *st, int index, int total,
                      void *arg)
{
    struct stream *s = arg;
    char users[16];

    if (s->progress)
        fputs("\r\033[K", stderr);
    if (!s->failed && report_step(stdout, s->format, s->sc, st, index) < 0)
        s->failed = true;
    if (s->progress && index + 1 < total) {
        format_count(users, sizeof users, st->users);
        fprintf(stderr, "step %d/%d done (%s users)", index + 1, total,
                users);
        fflush(stderr);
    }
}

/* A --from or --to that leaves the scenario's target outside the ramp
 * would give a verdict on a user count never simulated. */
static int check_ramp_args(const struct scenario *sc)
{
    char from[16], to[16], target[16];

    format_count(from, sizeof from, sc->ramp.from);
    format_count(to, sizeof to, sc->ramp.to);
    format_count(target, sizeof target, sc->ramp.target);
    if (sc->ramp.from > sc->ramp.to) {
        fprintf(stderr, "archsim: the ramp's from (%s users) is larger "
                        "than its to (%s users)\n", from, to);
        return EXIT_USAGE;
    }
    if (sc->ramp.target < sc->ramp.from) {
        fprintf(stderr, "archsim: the scenario's target (%s users) is "
                        "below the ramp's from (%s users); start lower\n",
                target, from);
        return EXIT_USAGE;
    }
    return 0;
}

/* A component no request reaches is allowed (a design in progress) but
 * is most often a call left out: say which, where they are written. */
#define UNREACHABLE_SHOWN 5

static void warn_unreachable(const struct scenario *sc)
{
    int idx[UNREACHABLE_SHOWN];
    int n = scenario_unreachable(sc, idx, UNREACHABLE_SHOWN);

    for (int i = 0; i < n && i < UNREACHABLE_SHOWN; i++) {
        const struct component *c = &sc->components[idx[i]];

        fprintf(stderr, "archsim: %s:%d:%d: warning: no request reaches "
                "'%s': nothing on a path from the entry '%s' calls it\n",
                sc->source, c->pos.line, c->pos.column, c->name,
                sc->components[sc->entry].name);
    }
    if (n > UNREACHABLE_SHOWN)
        fprintf(stderr, "archsim: %s: warning: and %d more components "
                "that no request reaches\n", sc->source,
                n - UNREACHABLE_SHOWN);
}

typedef int (*file_writer)(FILE *out, const struct scenario *sc,
                           const struct ramp_result *res);

static int write_metrics(FILE *out, const struct scenario *sc,
                         const struct ramp_result *res)
{
    return metrics_write(out, sc, res);
}

static int write_traces(FILE *out, const struct scenario *sc,
                        const struct ramp_result *res)
{
    return trace_write_json(out, sc, res->traces, res->ntraces);
}

/* An extra output file, written whole or not at all. */
static int write_file(const char *path, const char *option,
                      const struct scenario *sc,
                      const struct ramp_result *res, file_writer writer)
{
    char tmp[1100];
    FILE *out;
    int rc;

    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    out = fopen(tmp, "w");
    if (!out) {
        fprintf(stderr, "archsim: %s %s: %s\n", option, path,
                strerror(errno));
        return -1;
    }
    rc = writer(out, sc, res);
    if (fclose(out) != 0)
        rc = -1;
    if (rc < 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "archsim: %s %s: %s\n", option, path,
                strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int write_error(void)
{
    fprintf(stderr, "archsim: writing the report: %s\n", strerror(errno));
    return EXIT_IOERR;
}

static int cmd_run(int argc, char **argv)
{
    struct run_options o;
    struct scenario sc;
    struct ramp_result res;
    struct stream stream;
    int status = parse_run_args(argc, argv, &o);
    uint64_t seed;

    if (status != 0)
        return status;
    if (load(&sc, o.file) < 0) {
        scenario_free(&sc);
        return EXIT_DATAERR;
    }
    apply_overrides(&sc, &o);
    if ((status = check_ramp_args(&sc)) != 0) {
        scenario_free(&sc);
        return status;
    }
    if (sc.ncomponents == 0) {
        fprintf(stderr, "archsim: %s: nothing to simulate: the scenario "
                        "has no components\n", o.file);
        scenario_free(&sc);
        return EXIT_DATAERR;
    }
    warn_unreachable(&sc);
    seed = o.has_seed ? o.seed : sc.seed;
    if (o.save && !cmd_store_usable(o.db))
        o.save = false;             /* said why; the run goes on */
    stream = (struct stream){&sc, o.format, isatty(2) && !isatty(1), false};
    if (report_begin(stdout, o.format, &sc, seed) < 0)
        stream.failed = true;
    if (ramp_run(&sc, seed, &res, show_step, &stream) < 0) {
        fprintf(stderr, "archsim: out of memory\n");
        scenario_free(&sc);
        return EXIT_SOFTWARE;
    }
    status = res.target_holds ? EXIT_HOLD : EXIT_BROKEN;
    if (o.format != FORMAT_CSV && !stream.failed) {
        static struct advice adv;

        advise_run(&sc, seed, &res, true, &adv);
        if (report_end_advised(stdout, o.format, &sc, &res, &adv) < 0)
            status = write_error();
    } else if (stream.failed || report_end(stdout, o.format, &sc, &res) < 0) {
        status = write_error();
    }
    if (o.metrics && write_file(o.metrics, "--metrics", &sc, &res,
                                write_metrics) < 0)
        status = EXIT_IOERR;
    if (o.traces && write_file(o.traces, "--traces", &sc, &res,
                               write_traces) < 0)
        status = EXIT_IOERR;
    if (o.save)
        cmd_store_save_run(o.db, &sc, seed, &res, ARCHSIM_VERSION);
    ramp_result_free(&res);
    scenario_free(&sc);
    return status;
}

/* Spaces that bring name to cols terminal cells (wide characters take
 * two, combining ones none), so that columns line up whatever the
 * script. Bytes that are not text in this locale count one cell. */
static int pad_to(const char *name, int cols)
{
    mbstate_t st;
    int width = 0;

    memset(&st, 0, sizeof st);
    while (*name) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, name, MB_CUR_MAX, &st);

        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof st);
            n = 1;
            width++;
        } else {
            int w = wcwidth(wc);

            width += w < 0 ? 1 : w;
        }
        name += n;
    }
    return width < cols ? cols - width : 0;
}

static int cmd_check(int argc, char **argv)
{
    struct scenario sc;

    if (argc != 1)
        return usage_error("check needs one scenario FILE", NULL);
    if (load(&sc, argv[0]) < 0) {
        scenario_free(&sc);
        return EXIT_DATAERR;
    }
    printf("%s: %s, %d components, entry %s, $%.0f/month\n", argv[0],
           sc.name, sc.ncomponents,
           sc.entry >= 0 ? sc.components[sc.entry].name : "(none)",
           scenario_monthly_cost(&sc));
    for (int i = 0; i < sc.ncomponents; i++) {
        const struct component *c = &sc.components[i];

        bool scaled = component_autoscales(c);

        printf("  %s%*s %-8s x%d", c->name, pad_to(c->name, 20), "",
               kind_name(c->kind), scaled && c->kind != KIND_QUEUE
                   ? component_start_count(c) : c->instances);
        if (scaled)
            printf(" (%s %d-%d, autoscaled)", c->kind == KIND_QUEUE
                   ? "workers" : "instances", c->autoscale.min,
                   c->autoscale.max);
        for (int j = 0; j < c->ncalls; j++)
            printf("%s%s", j ? ", " : "  -> ", c->call_names[j]);
        printf("\n");
    }
    warn_unreachable(&sc);
    scenario_free(&sc);
    if (fflush(stdout) != 0 || ferror(stdout))
        return write_error();
    return EXIT_HOLD;
}

/* The scenario the interface opens with no argument: stage 1. */
#define DEFAULT_SCENARIO "stage-1-single-server"

/* Whether arg names a scenario file or a shipped scenario. */
static bool is_scenario(const char *arg)
{
    char path[1024];

    return access(datadir_scenario(arg, path, sizeof path), R_OK) == 0;
}

/* The interface on a scenario: a file, or a shipped one by name. */
static int open_interface(const char *arg)
{
    char path[1024];

    return tui_main(datadir_scenario(arg, path, sizeof path));
}

int main(int argc, char **argv)
{
    /* Characters follow the user's locale; numbers never do, so files
     * and output read the same everywhere. */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");

    if (argc < 2)
        return open_interface(DEFAULT_SCENARIO);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, stdout);
        return EXIT_HOLD;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("archsim %s\n", ARCHSIM_VERSION);
        return EXIT_HOLD;
    }
    if (strcmp(argv[1], "run") == 0 && asks_help(argc - 2, argv + 2))
        return fputs(run_usage, stdout) < 0 ? EXIT_IOERR : EXIT_HOLD;
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "tour") == 0) {
        if (asks_help(argc - 2, argv + 2))
            return fputs(tour_usage, stdout) < 0 ? EXIT_IOERR : EXIT_HOLD;
        if (argc > 2)
            return usage_error("tour takes no arguments; extra", argv[2]);
        return tui_tour();
    }
    if (strcmp(argv[1], "check") == 0 && asks_help(argc - 2, argv + 2))
        return fputs(check_usage, stdout) < 0 ? EXIT_IOERR : EXIT_HOLD;
    if (strcmp(argv[1], "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(argv[1], "practice") == 0)
        return cmd_practice_main(argc - 2, argv + 2);
    if (strcmp(argv[1], "timeline") == 0)
        return cmd_timeline_main(argc - 2, argv + 2);
    if (cmd_store_has(argv[1]))
        return cmd_store_main(argv[1], argc - 2, argv + 2);
    if (argc == 2 && argv[1][0] != '-' && is_scenario(argv[1]))
        return open_interface(argv[1]);
    return usage_error("unknown command or scenario file", argv[1]);
}
