/*
 * cmd_practice.c - archsim practice: arguments in, challenge and store
 * calls, text out.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "challenge.h"
#include "cmd_practice.h"
#include "datadir.h"
#include "report.h"
#include "scenario_yaml.h"
#include "store.h"
#include "version.h"

const char practice_usage[] =
    "usage: archsim practice [--db PATH]     the challenges, best scores\n"
    "       archsim practice --brief CHALLENGE\n"
    "       archsim practice --grade CHALLENGE FILE [--time SECONDS]\n"
    "                        [--no-save] [--db PATH]\n"
    "       archsim practice --hint CHALLENGE FILE [--db PATH]\n"
    "       archsim practice --history [CHALLENGE] [--db PATH]\n"
    "       archsim practice --design ATTEMPT [--db PATH]\n"
    "Design challenges scored like an interview. CHALLENGE is the name of\n"
    "a shipped challenge (see the list) or a file; FILE is a design (a\n"
    "scenario file, or a shipped scenario's name).\n"
    "\n"
    "  --brief CHALLENGE      the product, target, objectives and budget\n"
    "  --grade CHALLENGE FILE ramp FILE to the target and score it\n"
    "  --time SECONDS         time taken, for the score (default: half\n"
    "                         the challenge's time limit)\n"
    "  --no-save              grade without keeping the attempt\n"
    "  --hint CHALLENGE FILE  the bottleneck and the kind of remedy; each\n"
    "                         hint costs the next attempt 5 points\n"
    "  --history [CHALLENGE]  the attempts kept, oldest first\n"
    "  --design ATTEMPT       print an attempt's design as YAML\n"
    "  --db PATH              the database (default $ARCHSIM_DB, else\n"
    "                         $XDG_DATA_HOME/archsim/archsim.db)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 done (for --grade: passed), 1 --grade did not pass,\n"
    "64 bad usage, 65 bad input, 74 the database cannot be used.\n"
    "See archsim(1).\n";

enum action { LIST, BRIEF, GRADE, HINT, HISTORY, DESIGN };

struct practice_args {
    enum action action;
    const char *db;
    bool no_save;
    bool has_time;
    double seconds;
    const char *pos[2];
    int npos;
};

static int usage_error(const char *what, const char *arg)
{
    fprintf(stderr, "archsim: %s%s%s\ntry 'archsim practice --help'\n",
            what, arg ? ": " : "", arg ? arg : "");
    return EX_USAGE;
}

static int set_action(struct practice_args *a, enum action act,
                      const char *flag)
{
    if (a->action != LIST)
        return usage_error("one of --brief, --grade, --hint, --history "
                           "and --design at a time; extra", flag);
    a->action = act;
    return 0;
}

static int parse_seconds(const char *text, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(text, &end);
    if (errno || end == text || *end || !(*out >= 0) || *out > 1e7)
        return usage_error("--time takes seconds from 0 to 10000000, not",
                           text);
    return 0;
}

static int parse_practice(int argc, char **argv, struct practice_args *a)
{
    static const struct { const char *flag; enum action act; } acts[] = {
        {"--brief", BRIEF}, {"--grade", GRADE}, {"--hint", HINT},
        {"--history", HISTORY}, {"--design", DESIGN},
    };
    static const int wants[] = {0, 1, 2, 2, -1, 1};     /* -1: 0 or 1 */
    int rc;

    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        bool done = false;

        for (size_t k = 0; k < sizeof acts / sizeof *acts; k++)
            if (strcmp(arg, acts[k].flag) == 0) {
                if ((rc = set_action(a, acts[k].act, arg)) != 0)
                    return rc;
                done = true;
            }
        if (done)
            continue;
        if (strcmp(arg, "--no-save") == 0) {
            a->no_save = true;
        } else if (strcmp(arg, "--db") == 0 || strcmp(arg, "--time") == 0) {
            if (i + 1 >= argc)
                return usage_error("option needs a value", arg);
            if (arg[2] == 'd') {
                a->db = argv[++i];
                if (!*a->db)
                    return usage_error("--db needs a path", NULL);
            } else {
                if ((rc = parse_seconds(argv[++i], &a->seconds)) != 0)
                    return rc;
                a->has_time = true;
            }
        } else if (strncmp(arg, "--", 2) == 0 ||
                   (arg[0] == '-' && arg[1])) {
            return usage_error("unknown option", arg);
        } else if (a->npos == 2) {
            return usage_error("too many arguments", arg);
        } else {
            a->pos[a->npos++] = arg;
        }
    }
    if (wants[a->action] >= 0 && a->npos != wants[a->action])
        return usage_error(a->action == LIST ? "unexpected argument"
                           : a->npos < wants[a->action]
                           ? "missing arguments" : "too many arguments",
                           a->npos > wants[a->action]
                           ? a->pos[wants[a->action]] : NULL);
    if (a->action == HISTORY && a->npos > 1)
        return usage_error("too many arguments", a->pos[1]);
    if ((a->has_time || a->no_save) && a->action != GRADE)
        return usage_error("--time and --no-save go with --grade", NULL);
    return 0;
}

/* --- Loading ------------------------------------------------------------------ */

static int load_challenge(struct challenge *ch, const char *arg)
{
    char path[1024], err[2048];

    if (challenge_load_file(ch, challenge_path(arg, path, sizeof path), err,
                            sizeof err) < 0) {
        fprintf(stderr, "archsim: %s\n", err);
        return EX_DATAERR;
    }
    return 0;
}

static int load_design(struct scenario *sc, const char *arg)
{
    char path[1024], err[2048];

    if (scenario_load_file(sc, datadir_scenario(arg, path, sizeof path),
                           err, sizeof err) < 0) {
        fprintf(stderr, "archsim: %s\n", err);
        return EX_DATAERR;
    }
    return 0;
}

/* --- The database --------------------------------------------------------------- */

/* Open the database, or say why not (quietly when quiet). */
static struct store *open_db(const char *db, bool quiet, int *status)
{
    char path[PATH_MAX], err[1024];
    struct store *st = NULL;
    bool is_default;
    int rc;

    *status = 0;
    if (store_path(db, path, sizeof path, &is_default) < 0) {
        if (!quiet)
            fprintf(stderr, "archsim: cannot tell where the database is: "
                            "set HOME, XDG_DATA_HOME or ARCHSIM_DB, or "
                            "give --db PATH\n");
        *status = EX_IOERR;
        return NULL;
    }
    rc = store_open(&st, path, is_default ? STORE_MKDIR : 0, err,
                    sizeof err);
    if (rc != STORE_OK) {
        if (!quiet)
            fprintf(stderr, "archsim: %s\n", err);
        *status = rc == STORE_NO_MEMORY ? EX_SOFTWARE
                  : store_unusable(rc) ? EX_IOERR : EX_DATAERR;
        return NULL;
    }
    return st;
}

/* --- The commands ---------------------------------------------------------------- */

static int list_challenges(const struct practice_args *a)
{
    char **paths;
    int n = challenge_paths(&paths);
    int status;
    struct store *st = open_db(a->db, false, &status);

    if (!st)
        fprintf(stderr, "archsim: best scores not shown\n");
    if (n < 0) {
        fprintf(stderr, "archsim: cannot read the challenges' directory "
                        "(%s/challenges)\n", datadir());
        store_close(st);
        return EX_IOERR;
    }
    printf("%-22s %-5s %6s %10s %5s  %s\n", "CHALLENGE", "STAGE", "USERS",
           "BUDGET", "BEST", "TITLE");
    for (int i = 0; i < n; i++) {
        struct challenge ch;
        char err[2048], users[16], best[8] = "-", stage[4] = "-";
        int score;

        if (challenge_load_file(&ch, paths[i], err, sizeof err) < 0) {
            fprintf(stderr, "archsim: %s\n", err);
            challenge_free(&ch);
            continue;
        }
        if (st && store_attempt_best(st, ch.name, &score) == STORE_OK)
            snprintf(best, sizeof best, "%d", score);
        if (ch.stage)
            snprintf(stage, sizeof stage, "%d", ch.stage);
        format_count(users, sizeof users, ch.target);
        printf("%-22s %-5s %6s %10.0f %5s  %s\n", ch.name, stage, users,
               ch.budget, best, ch.title);
        challenge_free(&ch);
    }
    challenge_paths_free(paths, n);
    store_close(st);
    return fflush(stdout) == 0 && !ferror(stdout) ? EX_OK : EX_IOERR;
}

static const char *kinds_text(unsigned mask, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int k = 0; k < KIND_COUNT; k++) {
        int n;

        if (!(mask & (1u << k)))
            continue;
        n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                     kind_name((enum comp_kind)k));
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

static int show_brief(const char *arg)
{
    struct challenge ch;
    char users[16], p99[32], limit[32], kinds[128];
    int rc = load_challenge(&ch, arg);

    if (rc) {
        challenge_free(&ch);
        return rc;
    }
    format_count(users, sizeof users, ch.target);
    format_duration(p99, sizeof p99, (double)ch.p99);
    format_duration(limit, sizeof limit, ch.time_limit * 1e9);
    printf("%s: %s\n\n%s\n", ch.name, ch.title, ch.brief);
    if (ch.brief[0] && ch.brief[strlen(ch.brief) - 1] != '\n')
        printf("\n");
    printf("\ntarget      %s users\n", users);
    printf("objectives  p99 %s, errors %.3g%%\n", p99, 100 * ch.errors);
    if (ch.has_availability) {
        char dur[32];

        format_duration(dur, sizeof dur, (double)ch.failure.duration);
        printf("            availability %.4g%% while %s fails (%s) for "
               "%s\n", 100 * ch.availability, ch.failure.component,
               failure_kind_name(ch.failure.kind), dur);
    }
    printf("budget      $%.0f/month\n", ch.budget);
    printf("time limit  %s\n", limit);
    if (ch.required)
        printf("required    %s\n", kinds_text(ch.required, kinds,
                                              sizeof kinds));
    if (ch.forbidden)
        printf("not allowed %s\n", kinds_text(ch.forbidden, kinds,
                                              sizeof kinds));
    printf("start       %s ($%.0f/month)\n",
           ch.start_name[0] ? ch.start_name : "(written in the challenge)",
           scenario_monthly_cost(&ch.start));
    challenge_free(&ch);
    return fflush(stdout) == 0 && !ferror(stdout) ? EX_OK : EX_IOERR;
}

static void show_progress(void *arg, const char *what)
{
    (void)arg;
    fprintf(stderr, "\r\033[K%s ...", what);
    fflush(stderr);
}

static void save_attempt(const struct practice_args *a,
                         const struct challenge *ch, const struct grade *g,
                         const struct scenario *design)
{
    struct store_attempt_info info;
    struct store *st;
    int64_t id;
    int status, rc;

    if (a->no_save)
        return;
    if (!(st = open_db(a->db, false, &status))) {
        fprintf(stderr, "archsim: the attempt was not saved\n");
        return;
    }
    memset(&info, 0, sizeof info);
    snprintf(info.challenge, sizeof info.challenge, "%s", ch->name);
    info.score = g->score;
    info.passed = g->passed;
    info.seconds = g->seconds;
    info.hints = g->hints;
    info.cost = g->cost;
    info.capacity = g->capacity;
    snprintf(info.version, sizeof info.version, "%s", ARCHSIM_VERSION);
    rc = store_attempt_save(st, &info, design, &id);
    if (rc == STORE_OK)
        fprintf(stderr, "archsim: saved as attempt %lld\n", (long long)id);
    else
        fprintf(stderr, "archsim: %s; the attempt was not saved\n",
                store_errmsg(st));
    store_close(st);
}

static int grade(const struct practice_args *a)
{
    struct challenge ch;
    struct scenario design;
    struct grade g;
    struct grade_options opt = {.seconds = -1};
    struct store *st = NULL;
    char err[2048];
    int rc = load_challenge(&ch, a->pos[0]), status;

    scenario_init(&design);
    if (rc == 0)
        rc = load_design(&design, a->pos[1]);
    if (rc) {
        scenario_free(&design);
        challenge_free(&ch);
        return rc;
    }
    if (a->has_time)
        opt.seconds = a->seconds;
    if (!a->no_save && (st = open_db(a->db, true, &status)) &&
        store_hints_pending(st, ch.name, &opt.hints) != STORE_OK)
        opt.hints = 0;
    store_close(st);
    if (isatty(2) && !isatty(1))
        opt.progress = show_progress;
    rc = challenge_grade(&ch, &design, &opt, &g, err, sizeof err);
    if (opt.progress)
        fputs("\r\033[K", stderr);
    if (rc < 0) {
        fprintf(stderr, "archsim: %s: %s\n", a->pos[1], err);
        scenario_free(&design);
        challenge_free(&ch);
        return strcmp(err, "out of memory") == 0 ? EX_SOFTWARE : EX_DATAERR;
    }
    if (grade_write_text(stdout, &ch, &g) < 0) {
        fprintf(stderr, "archsim: writing the report: %s\n",
                strerror(errno));
        rc = EX_IOERR;
    } else {
        rc = g.passed ? EX_OK : 1;
    }
    save_attempt(a, &ch, &g, &design);
    grade_free(&g);
    scenario_free(&design);
    challenge_free(&ch);
    return rc;
}

static int hint(const struct practice_args *a)
{
    struct challenge ch;
    struct scenario design;
    struct store *st;
    char text[2048];
    int rc = load_challenge(&ch, a->pos[0]), status, pending = 0;

    scenario_init(&design);
    if (rc == 0)
        rc = load_design(&design, a->pos[1]);
    if (rc == 0 && challenge_hint(&ch, &design, text, sizeof text) < 0) {
        fprintf(stderr, "archsim: %s: %s\n", a->pos[1], text);
        rc = EX_DATAERR;
    }
    if (rc == 0) {
        fputs(text, stdout);
        if ((st = open_db(a->db, false, &status)) &&
            store_hint_add(st, ch.name, &pending) == STORE_OK)
            printf("This hint costs %d points: %d hint%s before the next "
                   "attempt at %s.\n", CHALLENGE_HINT_POINTS, pending,
                   pending == 1 ? "" : "s", ch.name);
        else if (st)
            fprintf(stderr, "archsim: %s; the hint was not recorded\n",
                    store_errmsg(st));
        else
            fprintf(stderr, "archsim: the hint was not recorded\n");
        store_close(st);
        if (fflush(stdout) != 0 || ferror(stdout))
            rc = EX_IOERR;
    }
    scenario_free(&design);
    challenge_free(&ch);
    return rc;
}

static int history(const struct practice_args *a)
{
    struct store_attempt_list list;
    int status;
    struct store *st = open_db(a->db, false, &status);
    int rc;

    if (!st)
        return status;
    rc = store_attempt_list(st, a->npos ? a->pos[0] : NULL, &list);
    if (rc != STORE_OK) {
        fprintf(stderr, "archsim: %s\n", store_errmsg(st));
        store_close(st);
        return store_unusable(rc) ? EX_IOERR : EX_DATAERR;
    }
    printf("%-7s %-19s  %-22s %5s %-4s %6s %5s %9s\n", "ATTEMPT", "SAVED (UTC)",
           "CHALLENGE", "SCORE", "", "TIME", "HINTS", "COST");
    for (size_t i = 0; i < list.n; i++) {
        const struct store_attempt_info *it = &list.items[i];
        int s = (int)(it->seconds + 0.5);
        char taken[16];

        snprintf(taken, sizeof taken, "%d:%02d", s / 60, s % 60);
        printf("%-7lld %-19s  %-22s %5d %-4s %6s %5d %9.0f\n",
               (long long)it->id, it->saved_at, it->challenge, it->score,
               it->passed ? "pass" : "fail", taken, it->hints, it->cost);
    }
    if (list.n == 0)
        printf("(no attempts yet: archsim practice --grade CHALLENGE "
               "FILE)\n");
    store_attempt_list_free(&list);
    store_close(st);
    return fflush(stdout) == 0 && !ferror(stdout) ? EX_OK : EX_IOERR;
}

static int design(const struct practice_args *a)
{
    char *end, *yaml;
    long long id;
    int status, rc;
    struct store *st;

    errno = 0;
    id = strtoll(a->pos[0], &end, 10);
    if (errno || end == a->pos[0] || *end || id < 1)
        return usage_error("an attempt is given by its number (see "
                           "'archsim practice --history'), not", a->pos[0]);
    if (!(st = open_db(a->db, false, &status)))
        return status;
    rc = store_attempt_yaml(st, id, &yaml);
    if (rc != STORE_OK) {
        fprintf(stderr, "archsim: %s\n", store_errmsg(st));
        store_close(st);
        return store_unusable(rc) ? EX_IOERR : EX_DATAERR;
    }
    fputs(yaml, stdout);
    free(yaml);
    store_close(st);
    return fflush(stdout) == 0 && !ferror(stdout) ? EX_OK : EX_IOERR;
}

int cmd_practice_main(int argc, char **argv)
{
    struct practice_args a;
    int rc;

    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return fputs(practice_usage, stdout) < 0 ? EX_IOERR : EX_OK;
    if ((rc = parse_practice(argc, argv, &a)) != 0)
        return rc;
    switch (a.action) {
    case BRIEF:
        return show_brief(a.pos[0]);
    case GRADE:
        return grade(&a);
    case HINT:
        return hint(&a);
    case HISTORY:
        return history(&a);
    case DESIGN:
        return design(&a);
    default:
        return list_challenges(&a);
    }
}
