/*
 * cmd_store.c - save, scenarios, scenario, runs, show, compare, and the
 * saving half of run --save: arguments in, store calls, text out.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "advisor.h"
#include "cmd_store.h"
#include "compare.h"
#include "datadir.h"
#include "report.h"
#include "scenario_yaml.h"
#include "store.h"
#include "yaml_tree.h"

/* --- Arguments ----------------------------------------------------------- */

enum opt_bit {
    OPT_DB = 1 << 0,
    OPT_NAME = 1 << 1,
    OPT_REPLACE = 1 << 2,
    OPT_YES = 1 << 3,
    OPT_FORMAT = 1 << 4,
};

struct option_spec {
    const char *flag;
    unsigned bit;
    bool takes_value;
};

static const struct option_spec option_specs[] = {
    {"--db", OPT_DB, true},
    {"--name", OPT_NAME, true},
    {"--replace", OPT_REPLACE, false},
    {"--yes", OPT_YES, false},
    {"--format", OPT_FORMAT, true},
};

#define MAX_POS 2

struct args {
    const char *db;
    const char *name;
    const char *format;
    bool replace;
    bool yes;
    int npos;
    const char *pos[MAX_POS];
};

/* What a command accepts, and its synopsis for messages. */
struct command_spec {
    unsigned options;
    int npos;
    const char *synopsis;
};

static int usage_error(const char *what, const char *arg,
                       const struct command_spec *cmd)
{
    fprintf(stderr, "archsim: %s%s%s\n", what, arg ? ": " : "",
            arg ? arg : "");
    fprintf(stderr, "usage: %s\n", cmd->synopsis);
    return EX_USAGE;
}

static const struct option_spec *find_option(const char *flag)
{
    for (size_t i = 0; i < sizeof option_specs / sizeof *option_specs; i++)
        if (strcmp(flag, option_specs[i].flag) == 0)
            return &option_specs[i];
    return NULL;
}

static void set_option(struct args *a, unsigned bit, const char *value)
{
    switch (bit) {
    case OPT_DB:
        a->db = value;
        break;
    case OPT_NAME:
        a->name = value;
        break;
    case OPT_FORMAT:
        a->format = value;
        break;
    case OPT_REPLACE:
        a->replace = true;
        break;
    default:
        a->yes = true;
        break;
    }
}

/*
 * Options may come anywhere; "--" ends them, so that a name beginning
 * with "--" can still be given. Returns 0, or an exit status.
 */
static int parse_args(int argc, char **argv, const struct command_spec *cmd,
                      struct args *a)
{
    bool options_done = false;

    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const struct option_spec *o;

        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (options_done || strncmp(arg, "--", 2) != 0) {
            if (a->npos == cmd->npos)
                return usage_error("too many arguments", arg, cmd);
            a->pos[a->npos++] = arg;
            continue;
        }
        o = find_option(arg);
        if (!o || !(o->bit & cmd->options))
            return usage_error("unknown option", arg, cmd);
        if (o->takes_value && i + 1 >= argc)
            return usage_error("option needs a value", arg, cmd);
        set_option(a, o->bit, o->takes_value ? argv[++i] : NULL);
    }
    if (a->npos < cmd->npos)
        return usage_error("missing arguments", NULL, cmd);
    return 0;
}

/* A run's number as `archsim runs` shows it. */
static int parse_run_id(const char *text, int64_t *id,
                        const struct command_spec *cmd)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < 1)
        return usage_error("a run is given by its number (see 'archsim "
                           "runs'), not", text, cmd);
    *id = v;
    return 0;
}

/* --- The database -------------------------------------------------------- */

static int exit_status(int status)
{
    if (status == STORE_OK)
        return EX_OK;
    if (status == STORE_NO_MEMORY)
        return EX_SOFTWARE;
    return store_unusable(status) ? EX_IOERR : EX_DATAERR;
}

/* Open the database db (or the default); on failure say why and return
 * the exit status. */
static int open_store(const char *db, struct store **st)
{
    char path[PATH_MAX], err[1024];
    bool is_default;
    int status;

    *st = NULL;
    if (db && !*db) {
        fprintf(stderr, "archsim: --db needs a path\n");
        return EX_USAGE;
    }
    if (store_path(db, path, sizeof path, &is_default) < 0) {
        fprintf(stderr, "archsim: cannot tell where the database is: set "
                        "HOME, XDG_DATA_HOME or ARCHSIM_DB, or give "
                        "--db PATH\n");
        return EX_IOERR;
    }
    status = store_open(st, path, is_default ? STORE_MKDIR : 0, err,
                        sizeof err);
    if (status != STORE_OK)
        fprintf(stderr, "archsim: %s\n", err);
    return exit_status(status);
}

/* Say why st failed with status; returns the exit status. */
static int store_error(struct store *st, int status)
{
    fprintf(stderr, "archsim: %s\n", store_errmsg(st));
    return exit_status(status);
}

/* A name from the database, shown exactly when it is a valid name and
 * made harmless (control characters as '?') when it is not. */
static void show_name(FILE *out, const char *name)
{
    char safe[NAME_BYTES * 2];

    if (!store_name_problem(name)) {
        fputs(name, out);
        return;
    }
    ytree_quote(name, safe, sizeof safe);
    fputs(safe, out);
}

/* --- Scenarios ----------------------------------------------------------- */

static const struct command_spec save_spec = {
    OPT_DB | OPT_NAME | OPT_REPLACE, 1,
    "archsim save FILE [--name NAME] [--replace] [--db PATH]",
};

static int save_loaded(const struct args *a, struct scenario *sc)
{
    const char *name = a->name ? a->name : sc->name;
    const char *why = store_name_problem(name);
    struct store *st;
    int status;
    int code;

    if (why) {
        fprintf(stderr, "archsim: cannot save as '%s': the name %s\n",
                name, why);
        return EX_DATAERR;
    }
    if ((code = open_store(a->db, &st)) != EX_OK)
        return code;
    status = store_scenario_save(st, name, sc, a->replace);
    if (status == STORE_OK)
        printf("saved scenario '%s' in '%s'\n", name, store_filename(st));
    else if (status == STORE_EXISTS)
        fprintf(stderr, "archsim: %s; add --replace to overwrite it, or "
                        "--name to save under another name\n",
                store_errmsg(st));
    else
        store_error(st, status);
    code = exit_status(status);
    store_close(st);
    return code;
}

static int cmd_save(int argc, char **argv)
{
    struct args a;
    struct scenario sc;
    char err[2048], path[1024];
    int code = parse_args(argc, argv, &save_spec, &a);

    if (code != 0)
        return code;
    if (scenario_load_file(&sc, datadir_scenario(a.pos[0], path,
                                                 sizeof path),
                           err, sizeof err) < 0) {
        fprintf(stderr, "archsim: %s\n", err);
        scenario_free(&sc);
        return EX_DATAERR;
    }
    code = save_loaded(&a, &sc);
    scenario_free(&sc);
    return code;
}

static const struct command_spec scenarios_spec = {
    OPT_DB, 0, "archsim scenarios [--db PATH]",
};

static int cmd_scenarios(int argc, char **argv)
{
    struct args a;
    struct store *st;
    struct store_scenario_list list;
    int code = parse_args(argc, argv, &scenarios_spec, &a);
    int status;

    if (code != 0 || (code = open_store(a.db, &st)) != EX_OK)
        return code;
    status = store_scenario_list(st, &list);
    if (status != STORE_OK) {
        code = store_error(st, status);
        store_close(st);
        return code;
    }
    if (list.n == 0)
        fprintf(stderr, "archsim: no scenarios are saved in '%s'\n",
                store_filename(st));
    for (size_t i = 0; i < list.n; i++) {
        printf("%s UTC  ", list.items[i].saved_at);
        show_name(stdout, list.items[i].name);
        putchar('\n');
    }
    store_scenario_list_free(&list);
    store_close(st);
    return EX_OK;
}

static const struct command_spec show_scenario_spec = {
    OPT_DB, 1, "archsim scenario show NAME [--db PATH]",
};
static const struct command_spec rename_spec = {
    OPT_DB, 2, "archsim scenario rename OLD NEW [--db PATH]",
};
static const struct command_spec delete_spec = {
    OPT_DB | OPT_YES, 1, "archsim scenario delete NAME --yes [--db PATH]",
};
static const struct command_spec scenario_spec = {
    0, 1, "archsim scenario show NAME | rename OLD NEW | delete NAME --yes",
};

static int scenario_show(struct store *st, const struct args *a)
{
    char *yaml;
    int status = store_scenario_yaml(st, a->pos[0], &yaml);

    if (status != STORE_OK)
        return store_error(st, status);
    fputs(yaml, stdout);
    free(yaml);
    return EX_OK;
}

static int scenario_rename(struct store *st, const struct args *a)
{
    int status = store_scenario_rename(st, a->pos[0], a->pos[1]);

    if (status != STORE_OK)
        return store_error(st, status);
    printf("renamed scenario '%s' to '%s'\n", a->pos[0], a->pos[1]);
    return EX_OK;
}

/* Deleting cannot be undone, so it needs --yes; without it, say what
 * would go (after checking that it exists). */
static int scenario_delete(struct store *st, const struct args *a)
{
    char *yaml;
    int status = store_scenario_yaml(st, a->pos[0], &yaml);

    if (status != STORE_OK)
        return store_error(st, status);
    free(yaml);
    if (!a->yes) {
        fprintf(stderr, "archsim: not deleting scenario '%s' without "
                        "--yes (its runs are kept either way)\n",
                a->pos[0]);
        return EX_USAGE;
    }
    status = store_scenario_delete(st, a->pos[0]);
    if (status != STORE_OK)
        return store_error(st, status);
    printf("deleted scenario '%s'\n", a->pos[0]);
    return EX_OK;
}

static int cmd_scenario(int argc, char **argv)
{
    static const struct {
        const char *name;
        const struct command_spec *spec;
        int (*fn)(struct store *st, const struct args *a);
    } subs[] = {
        {"show", &show_scenario_spec, scenario_show},
        {"rename", &rename_spec, scenario_rename},
        {"delete", &delete_spec, scenario_delete},
    };
    struct args a;
    struct store *st;

    for (size_t i = 0; argc > 0 && i < sizeof subs / sizeof *subs; i++) {
        int code;

        if (strcmp(argv[0], subs[i].name) != 0)
            continue;
        code = parse_args(argc - 1, argv + 1, subs[i].spec, &a);
        if (code != 0 || (code = open_store(a.db, &st)) != EX_OK)
            return code;
        code = subs[i].fn(st, &a);
        store_close(st);
        return code;
    }
    return usage_error(argc > 0 ? "unknown scenario command" :
                       "scenario needs a command", argc > 0 ? argv[0] : NULL,
                       &scenario_spec);
}

/* --- Runs ---------------------------------------------------------------- */

static const struct command_spec runs_spec = {
    OPT_DB, 0, "archsim runs [--db PATH]",
};

static void print_run_info(const struct store_run_info *r)
{
    char cap[16];

    format_count(cap, sizeof cap, r->capacity);
    printf("%5" PRId64 "  %s  %-6s  %8s  %7.0f  %6" PRIu64 "  ", r->id,
           r->saved_at, r->target_holds ? "hold" : "broken", cap, r->cost,
           r->seed);
    show_name(stdout, r->scenario);
    putchar('\n');
}

static int cmd_runs(int argc, char **argv)
{
    struct args a;
    struct store *st;
    struct store_run_list list;
    int code = parse_args(argc, argv, &runs_spec, &a);
    int status;

    if (code != 0 || (code = open_store(a.db, &st)) != EX_OK)
        return code;
    status = store_run_list(st, &list);
    if (status != STORE_OK) {
        code = store_error(st, status);
        store_close(st);
        return code;
    }
    if (list.n == 0)
        fprintf(stderr, "archsim: no runs are saved in '%s'\n",
                store_filename(st));
    else
        printf("%5s  %-19s  %-6s  %8s  %7s  %6s  %s\n", "run", "saved (UTC)",
               "target", "capacity", "$/month", "seed", "scenario");
    for (size_t i = 0; i < list.n; i++)
        print_run_info(&list.items[i]);
    store_run_list_free(&list);
    store_close(st);
    return EX_OK;
}

static const struct command_spec show_spec = {
    OPT_DB | OPT_FORMAT, 1,
    "archsim show RUN [--format table|csv|json] [--db PATH]",
};

static int print_run(const struct store_run *run, enum report_format format)
{
    if (!run->detailed)
        fprintf(stderr, "archsim: run %" PRId64 " was saved by an archsim "
                        "that kept only end-to-end figures; per-component "
                        "figures show as zero\n", run->info.id);
    if (format == FORMAT_TABLE)
        printf("run %" PRId64 ", saved %s UTC by archsim %s\n\n",
               run->info.id, run->info.saved_at, run->info.version);
    /* The advisor's account, as `run` printed it: it follows from the
     * scenario, the seed and the figures alone. */
    static struct advice adv;

    if (format != FORMAT_CSV)
        advise_run(&run->scenario, run->info.seed, &run->result, true, &adv);
    if (report_write_advised(stdout, format, &run->scenario, run->info.seed,
                             &run->result,
                             format != FORMAT_CSV ? &adv : NULL) < 0) {
        fprintf(stderr, "archsim: writing the report: %s\n",
                strerror(errno));
        return EX_IOERR;
    }
    return EX_OK;
}

static int cmd_show(int argc, char **argv)
{
    struct args a;
    struct store *st;
    struct store_run run;
    int64_t id;
    int format = FORMAT_TABLE;
    int code = parse_args(argc, argv, &show_spec, &a);
    int status;

    if (code == 0)
        code = parse_run_id(a.pos[0], &id, &show_spec);
    if (code == 0 && a.format &&
        (format = report_format_from_name(a.format)) < 0)
        code = usage_error("--format takes table, csv or json, not",
                           a.format, &show_spec);
    if (code != 0 || (code = open_store(a.db, &st)) != EX_OK)
        return code;
    status = store_run_get(st, id, &run);
    code = status == STORE_OK ? print_run(&run, (enum report_format)format)
                              : store_error(st, status);
    store_run_free(&run);
    store_close(st);
    return code;
}

static const struct command_spec compare_spec = {
    OPT_DB, 2, "archsim compare RUN_A RUN_B [--db PATH]",
};

static int compare_runs(const struct store_run *a, const struct store_run *b)
{
    struct run_compare c;
    char err[1024];
    int code = EX_OK;

    if (run_compare(a, b, &c, err, sizeof err) < 0) {
        fprintf(stderr, "archsim: cannot compare: %s\n", err);
        return EX_SOFTWARE;
    }
    if (run_compare_write(stdout, a, b, &c) < 0) {
        fprintf(stderr, "archsim: writing the comparison: %s\n",
                strerror(errno));
        code = EX_IOERR;
    }
    run_compare_free(&c);
    return code;
}

static int cmd_compare(int argc, char **argv)
{
    struct args a;
    struct store *st;
    struct store_run ra, rb;
    int64_t ida, idb;
    int code = parse_args(argc, argv, &compare_spec, &a);
    int status;

    if (code == 0)
        code = parse_run_id(a.pos[0], &ida, &compare_spec);
    if (code == 0)
        code = parse_run_id(a.pos[1], &idb, &compare_spec);
    if (code != 0 || (code = open_store(a.db, &st)) != EX_OK)
        return code;
    memset(&rb, 0, sizeof rb);
    scenario_init(&rb.scenario);
    status = store_run_get(st, ida, &ra);
    if (status == STORE_OK)
        status = store_run_get(st, idb, &rb);
    code = status == STORE_OK ? compare_runs(&ra, &rb)
                              : store_error(st, status);
    store_run_free(&ra);
    store_run_free(&rb);
    store_close(st);
    return code;
}

/* --- run --save ---------------------------------------------------------- */

bool cmd_store_usable(const char *db)
{
    struct store *st;

    bool writable;

    if (open_store(db, &st) != EX_OK) {
        fprintf(stderr, "archsim: the run goes on, but it will not be "
                        "saved\n");
        return false;
    }
    writable = !store_read_only(st);
    if (!writable)
        fprintf(stderr, "archsim: cannot save in '%s': the file is "
                        "read-only; the run goes on, but it will not be "
                        "saved\n", store_filename(st));
    store_close(st);
    return writable;
}

int cmd_store_save_run(const char *db, const struct scenario *sc,
                       uint64_t seed, const struct ramp_result *res,
                       const char *version)
{
    struct store *st;
    int64_t id;
    int status;

    if (open_store(db, &st) != EX_OK) {
        fprintf(stderr, "archsim: the figures above were not saved\n");
        return -1;
    }
    status = store_run_save(st, sc, seed, version, res, &id);
    if (status == STORE_OK)
        fprintf(stderr, "archsim: saved as run %" PRId64 " in '%s'\n", id,
                store_filename(st));
    else
        fprintf(stderr, "archsim: %s\narchsim: the figures above were not "
                        "saved\n", store_errmsg(st));
    store_close(st);
    return status == STORE_OK ? 0 : -1;
}

/* --- Dispatch ------------------------------------------------------------ */

#define DB_HELP \
    "  --db PATH      the database; default $ARCHSIM_DB, else\n" \
    "                 $XDG_DATA_HOME/archsim/archsim.db, else\n" \
    "                 ~/.local/share/archsim/archsim.db\n" \
    "  -h, --help     this help\n"
#define EXIT_HELP \
    "\nExit status: 0 done, 64 bad usage, 65 bad input (a name not found\n" \
    "or taken), 74 the database cannot be used. See archsim(1).\n"

static const char save_help[] =
    "usage: archsim save FILE [--name NAME] [--replace] [--db PATH]\n"
    "Save the scenario in FILE (or a shipped scenario, by name) in the\n"
    "database, normalised as an export writes it, under its own name or\n"
    "NAME.\n\n"
    "  --name NAME    save it under NAME\n"
    "  --replace      overwrite a scenario already saved under that name\n"
    DB_HELP EXIT_HELP;

static const char scenarios_help[] =
    "usage: archsim scenarios [--db PATH]\n"
    "List the saved scenarios by name, with when each was saved.\n\n"
    DB_HELP EXIT_HELP;

static const char scenario_help[] =
    "usage: archsim scenario show NAME [--db PATH]\n"
    "       archsim scenario rename OLD NEW [--db PATH]\n"
    "       archsim scenario delete NAME --yes [--db PATH]\n"
    "Print a saved scenario's YAML, rename it, or delete it. Runs keep\n"
    "their own copy of their scenario, so deleting one loses no run.\n\n"
    "  --yes          confirm a delete, which cannot be undone\n"
    DB_HELP EXIT_HELP;

static const char runs_help[] =
    "usage: archsim runs [--db PATH]\n"
    "List the saved runs (archsim run --save): number, time, whether the\n"
    "objectives held at the target, capacity, monthly cost, seed and\n"
    "scenario.\n\n"
    DB_HELP EXIT_HELP;

static const char show_help[] =
    "usage: archsim show RUN [--format table|csv|json] [--db PATH]\n"
    "Print saved run number RUN as archsim run printed it.\n\n"
    "  --format FORMAT  table (default), csv or json\n"
    DB_HELP EXIT_HELP;

static const char compare_help[] =
    "usage: archsim compare RUN_A RUN_B [--db PATH]\n"
    "Set two saved runs side by side: what changed between their\n"
    "scenarios, then per step the p99, errors and throughput of each with\n"
    "the difference, then capacity, cost and verdicts.\n\n"
    DB_HELP EXIT_HELP;

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} commands[] = {
    {"save", cmd_save, save_help},
    {"scenarios", cmd_scenarios, scenarios_help},
    {"scenario", cmd_scenario, scenario_help},
    {"runs", cmd_runs, runs_help},
    {"show", cmd_show, show_help},
    {"compare", cmd_compare, compare_help},
};

/* Whether the arguments ask for help (before any "--"). */
static bool asks_help(int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

bool cmd_store_has(const char *command)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(command, commands[i].name) == 0)
            return true;
    return false;
}

int cmd_store_main(const char *command, int argc, char **argv)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(command, commands[i].name) != 0)
            continue;
        if (asks_help(argc, argv))
            return fputs(commands[i].help, stdout) < 0 ? EX_IOERR : EX_OK;
        return commands[i].fn(argc, argv);
    }
    return EX_USAGE;
}
