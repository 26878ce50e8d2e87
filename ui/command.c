/*
 * command.c - the ':' line: every action by name, with Tab completion of
 * commands, kinds, component names, settings and file names.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "datadir.h"
#include "scenario_yaml.h"
#include "yaml_tree.h"

static const char *const commands[] = {
    "add", "connect", "delete", "disconnect", "export", "help", "layout",
    "open", "pause", "quit", "redo", "rename", "restart", "run", "seed",
    "select", "set", "step", "undo", "users", "write", "fail", "save",
    "save!", "baseline", "entry", "open!", "export!", "trace", "practice",
    "hint", "submit", "log", "hold",
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

#define MAX_WORDS 5                 /* :fail NAME KIND OTHER DURATION */

/* Split line at spaces into at most MAX_WORDS words; the last word keeps
 * the rest of the line (a value or a file name may hold spaces). */
static int split(char *line, char **words)
{
    int n = 0;
    char *p = line;

    while (*p && n < MAX_WORDS) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        words[n++] = p;
        if (n == MAX_WORDS)
            break;
        while (*p && *p != ' ')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static int need_component(struct app *app, const char *name)
{
    int c = name ? scenario_find(&app->sc, name) : -1;

    if (!name)
        app_message(app, true, "which component? Tab lists them");
    else if (c < 0)
        app_message(app, true, "no component is called '%s'", name);
    return c;
}

/* --- Files ---------------------------------------------------------------- */

/* Write to a temporary file beside path, then rename it over path, so
 * a failed write never leaves a half-written file where a good one was. */
static void export_to(struct app *app, const char *where, bool force)
{
    char tmp[1100], path[sizeof app->path];
    FILE *out;
    int rc;

    if (!where || !*where) {
        app_message(app, true, "export needs a file name");
        return;
    }
    snprintf(path, sizeof path, "%s", where);   /* where may be app->path */
    if (app_is_shipped(path) && !force) {
        app_message(app, true, "%s is a shipped scenario: export to another "
                    "file, or :export! to overwrite it", path);
        return;
    }
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    out = fopen(tmp, "w");
    if (!out) {
        app_message(app, true, "cannot write %s: %s", path, strerror(errno));
        return;
    }
    rc = scenario_export(&app->sc, out);
    if (fclose(out) != 0)
        rc = -1;
    if (rc < 0 || rename(tmp, path) != 0) {
        app_message(app, true, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return;
    }
    snprintf(app->path, sizeof app->path, "%s", path);
    app->dirty = false;
    app_log(app, "exported to %s", path);
    app_message(app, false, "exported to %s", path);
}

static void open_file(struct app *app, const char *arg, bool force)
{
    char err[1024], shipped[1024];
    struct scenario probe;
    const char *path;

    if (!arg || !*arg) {
        app_message(app, true, "open needs a file name");
        return;
    }
    path = datadir_scenario(arg, shipped, sizeof shipped);
    /* Not a file: perhaps a scenario saved in the database. */
    if (access(path, F_OK) != 0 && !strchr(path, '/')) {
        if (app->dirty && !force) {
            app_message(app, true, "there are unsaved changes: :save or "
                        ":export them, or :open! %s drops them", path);
            return;
        }
        store_ui_open(app, path);
        return;
    }
    /* Check the file first, so a bad one costs nothing. */
    if (scenario_load_file(&probe, path, err, sizeof err) < 0) {
        scenario_free(&probe);
        app_message(app, true, "%s", err);
        return;
    }
    scenario_free(&probe);
    if (app->dirty && !force) {
        snprintf(app->pending_path, sizeof app->pending_path, "%s", path);
        app->mode = MODE_CONFIRM;
        app->confirm = CONFIRM_OPEN;
        app_message(app, false, "open %s and drop your unexported changes? "
                    "(y/n)", path);
        return;
    }
    if (app_load(app, path, err, sizeof err) < 0)
        app_message(app, true, "%s", err);
}

/* --- Commands ------------------------------------------------------------- */

static void cmd_add(struct app *app, char **w, int n)
{
    int kind = n > 1 ? kind_from_name(w[1]) : -1;

    if (kind < 0) {
        app_message(app, true, "add what? server, service, lb, database, "
                    "cache, queue or cdn");
        return;
    }
    edit_add(app, (enum comp_kind)kind, n > 2 ? w[2] : NULL);
}

static void cmd_connect(struct app *app, char **w, int n, bool connect)
{
    int a, b;

    if (n < 3) {
        app_message(app, true, "%s FROM TO", connect ? "connect"
                                                     : "disconnect");
        return;
    }
    if ((a = need_component(app, w[1])) < 0 ||
        (b = need_component(app, w[2])) < 0)
        return;
    if (connect)
        edit_connect(app, a, b);
    else
        edit_disconnect(app, a, b);
}

/* "api.instances 6", or "instances 6" for the selected component. The
 * longest component name followed by a dot wins, so names may hold dots. */
static void cmd_set(struct app *app, char *target, const char *value)
{
    int best = -1;
    size_t best_len = 0;

    if (!target || !value) {
        app_message(app, true, "set NAME.KEY VALUE");
        return;
    }
    for (int i = 0; i < app->sc.ncomponents; i++) {
        size_t len = strlen(app->sc.components[i].name);

        if (len > best_len && strncmp(target, app->sc.components[i].name,
                                      len) == 0 && target[len] == '.') {
            best = i;
            best_len = len;
        }
    }
    if (best < 0 && app->sel >= 0 && !strchr(target, '.') &&
        field_find(target, app->sc.components[app->sel].kind)) {
        edit_set(app, app->sel, target, value);
        return;
    }
    if (best < 0) {
        edit_set_top(app, target, value);     /* users.think, entry, ... */
        return;
    }
    edit_set(app, best, target + best_len + 1, value);
}

static void cmd_users(struct app *app, const char *text)
{
    char err[256];
    double users;

    if (!text || parse_count(text, &users, err, sizeof err) < 0 ||
        users < 1 || users > 1e8) {
        app_message(app, true, "users takes a count from 1 to 100M, such "
                    "as 500, 50k or 1M");
        return;
    }
    live_set_users(app, users);
}

/* :hold [USERS]: the current count when none is given. */
static void cmd_hold(struct app *app, const char *text)
{
    char err[256];
    double users = 0;

    if (text && (parse_count(text, &users, err, sizeof err) < 0 ||
                 users < 1 || users > 1e8)) {
        app_message(app, true, "hold takes a count from 1 to 100M, such "
                    "as 500, 50k or 1M, or none for the current one");
        return;
    }
    live_hold(app, users);
}

/* Every mention of component from by name: calls, the entry and the
 * scheduled failures, a partition's other side included (a region's
 * latency names a region, not it). */
static void rename_mentions(struct scenario *sc, const char *from,
                            const char *to)
{
    for (int i = 0; i < sc->ncomponents; i++)
        for (int j = 0; j < sc->components[i].ncalls; j++)
            if (strcmp(sc->components[i].call_names[j], from) == 0)
                snprintf(sc->components[i].call_names[j], NAME_BYTES,
                         "%s", to);
    if (strcmp(sc->entry_name, from) == 0)
        snprintf(sc->entry_name, NAME_BYTES, "%s", to);
    for (int i = 0; i < sc->nfailures; i++)
        if (sc->failures[i].kind != FAIL_REGION_LATENCY &&
            strcmp(sc->failures[i].component, from) == 0)
            snprintf(sc->failures[i].component, NAME_BYTES, "%s", to);
    for (int i = 0; i < sc->nfailures; i++)
        if (sc->failures[i].kind == FAIL_PARTITION &&
            strcmp(sc->failures[i].peer, from) == 0)
            snprintf(sc->failures[i].peer, NAME_BYTES, "%s", to);
}

static void cmd_rename(struct app *app, char **w, int n)
{
    const char *why;
    char shown[64];
    int c;

    if (n < 3) {
        app_message(app, true, "rename NAME NEW-NAME");
        return;
    }
    if ((c = need_component(app, w[1])) < 0)
        return;
    if ((why = scenario_name_problem(w[2])) != NULL) {
        ytree_quote(w[2], shown, sizeof shown);
        app_message(app, true, "'%s' %s; a name is 1 to 255 bytes of UTF-8 "
                    "without control characters", shown, why);
        return;
    }
    if (scenario_find(&app->sc, w[2]) >= 0) {
        app_message(app, true, "'%s' is taken", w[2]);
        return;
    }
    edit_begin(app);
    rename_mentions(&app->sc, w[1], w[2]);
    snprintf(app->sc.components[c].name, NAME_BYTES, "%s", w[2]);
    edit_commit(app, "renamed");
}

static void cmd_layout(struct app *app)
{
    edit_begin(app);
    for (int i = 0; i < app->sc.ncomponents; i++)
        app->sc.components[i].placed = false;
    layout_auto(&app->sc);
    edit_commit(app, "laid out again");
}

static bool run_control(struct app *app, const char *cmd)
{
    if (strcmp(cmd, "run") == 0) {
        app->live.running = true;
        app->live.one_step = false;
    } else if (strcmp(cmd, "pause") == 0) {
        app->live.running = false;
    } else if (strcmp(cmd, "step") == 0) {
        live_step_up(app, 1);
    } else if (strcmp(cmd, "restart") == 0) {
        live_clear(app);
        app->live.running = app->sc.ncomponents > 0;
        app_log(app, "ramp restarted");
    } else {
        return false;
    }
    return true;
}

static bool history_or_quit(struct app *app, const char *cmd)
{
    if (strcmp(cmd, "undo") == 0)
        edit_undo(app);
    else if (strcmp(cmd, "redo") == 0)
        edit_redo(app);
    else if (strcmp(cmd, "help") == 0)
        app->mode = MODE_HELP;
    else if (strcmp(cmd, "quit") == 0 || strcmp(cmd, "q") == 0)
        input_ask_quit(app);
    else if (strcmp(cmd, "quit!") == 0 || strcmp(cmd, "q!") == 0)
        app->quit = true;
    else
        return false;
    return true;
}

/* A factor written x3 or 3x (x1.5, 2.5x); false for any other word. */
static bool parse_factor(const char *word, double *factor)
{
    char digits[32];
    bool lead = *word == 'x';
    const char *p = word + lead;
    size_t len = strspn(p, "0123456789.");

    if (len == 0 || len >= sizeof digits || !isdigit((unsigned char)*p))
        return false;
    if (strcmp(p + len, lead ? "" : "x") != 0)
        return false;
    memcpy(digits, p, len);
    digits[len] = '\0';
    *factor = strtod(digits, NULL);
    return true;
}

static bool names_something(const struct app *app, const char *word)
{
    if (scenario_find(&app->sc, word) >= 0)
        return true;
    for (int i = 0; i < app->sc.nregions; i++)
        if (strcmp(app->sc.regions[i].name, word) == 0)
            return true;
    return false;
}

/* One word of ':fail' after the first, into rq: a factor, a duration, a
 * failure kind, or a name (the target, then a partition's other side).
 * False, with the reason said, for a word that cannot be any. */
static bool fail_word(struct app *app, const char *word,
                      struct fail_request *rq)
{
    char err[256];
    int kind = failure_kind_from_name(word);

    if (rq->kind == FAIL_PARTITION && !rq->peer && rq->target &&
        scenario_find(&app->sc, word) >= 0) {
        rq->peer = word;
    } else if (parse_factor(word, &rq->factor)) {
        if (rq->factor < 1 || rq->factor > 1000) {
            app_message(app, true, "fail: a factor is from x1 to x1000, "
                        "not '%s'", word);
            return false;
        }
    } else if (isdigit((unsigned char)word[0])) {
        if (parse_duration(word, &rq->duration, err, sizeof err) < 0) {
            app_message(app, true, "fail: %s", err);
            return false;
        }
    } else if (kind >= 0 && rq->kind < 0) {
        rq->kind = kind;
    } else if (!rq->target) {
        rq->target = word;
    } else if (!rq->peer) {
        rq->peer = word;
    } else {
        app_message(app, true, "fail: '%s' is one word too many", word);
        return false;
    }
    return true;
}

/* :fail [NAME] [KIND] [OTHER] [xFACTOR] [DURATION], in any order after
 * the first word, which is a name when it names something. */
static void cmd_fail(struct app *app, char **w, int n)
{
    struct fail_request rq = {
        .kind = -1, .duration = 30 * NS_PER_S,
    };
    int i = 1;

    if (n < 2) {
        app_message(app, true, "fail NAME [KIND] [OTHER] [xN] [DURATION], "
                    "e.g. :fail db, :fail web partition api 10s, "
                    ":fail spike x3");
        return;
    }
    if (names_something(app, w[1]))
        rq.target = w[i++];
    for (; i < n; i++)
        if (!fail_word(app, w[i], &rq))
            return;
    live_fail(app, &rq);
}

static void cmd_seed(struct app *app, const char *text)
{
    char *end;
    unsigned long long seed;

    if (!text || !*text || *text == '-') {
        app_message(app, true, "seed takes a whole number");
        return;
    }
    errno = 0;
    seed = strtoull(text, &end, 10);
    if (*end || errno == ERANGE) {
        app_message(app, true, "seed takes a whole number, not '%s'", text);
        return;
    }
    edit_begin(app);
    app->sc.seed = seed;
    edit_commit(app, "new seed");
}

/* The most words a command takes, itself included; 0 when unknown. */
static int max_words(const char *cmd)
{
    static const struct { const char *name; int words; } limits[] = {
        {"run", 1}, {"pause", 1}, {"step", 1}, {"restart", 1}, {"undo", 1},
        {"redo", 1}, {"help", 1}, {"quit", 1}, {"q", 1}, {"quit!", 1},
        {"q!", 1}, {"layout", 1}, {"add", 3}, {"connect", 3},
        {"disconnect", 3}, {"delete", 2}, {"users", 2}, {"rename", 3},
        {"select", 2}, {"seed", 2}, {"save", 2}, {"save!", 2},
        {"baseline", 2}, {"entry", 2}, {"fail", 5}, {"trace", 1},
        {"practice", 2}, {"hint", 1}, {"submit", 1}, {"log", 1},
        {"hold", 2},
    };

    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (strcmp(limits[i].name, cmd) == 0)
            return limits[i].words;
    return 0;
}

/* The rest of the line after the command word: a file name may hold
 * spaces. */
static const char *rest_of(const char *text)
{
    while (*text == ' ')
        text++;
    while (*text && *text != ' ')
        text++;
    while (*text == ' ')
        text++;
    return text;
}

static bool too_many(struct app *app, char **w, int n)
{
    int most = max_words(w[0]);

    if (most == 0 || n <= most)
        return false;
    app_message(app, true, ":%s takes at most %d argument%s; see :help",
                w[0], most - 1, most == 2 ? "" : "s");
    return true;
}

static bool file_command(struct app *app, const char *cmd, const char *text)
{
    const char *arg = rest_of(text);

    if (strcmp(cmd, "export") == 0 || strcmp(cmd, "write") == 0 ||
        strcmp(cmd, "w") == 0)
        export_to(app, *arg ? arg : app->path, false);
    else if (strcmp(cmd, "export!") == 0)
        export_to(app, *arg ? arg : app->path, true);
    else if (strcmp(cmd, "open") == 0 || strcmp(cmd, "import") == 0)
        open_file(app, arg, false);
    else if (strcmp(cmd, "open!") == 0)
        open_file(app, arg, true);
    else
        return false;
    return true;
}

void command_run(struct app *app, const char *text)
{
    char line[1280], *w[MAX_WORDS + 1] = {0};
    int n;

    snprintf(line, sizeof line, "%s", text);
    n = split(line, w);
    if (n == 0)
        return;
    if (file_command(app, w[0], text))
        return;
    if (n == MAX_WORDS && strchr(w[MAX_WORDS - 1], ' ') &&
        strcmp(w[0], "set") != 0)
        n++;                        /* more words than any command takes */
    if (too_many(app, w, n) || run_control(app, w[0]) ||
        history_or_quit(app, w[0]))
        return;
    if (strcmp(w[0], "add") == 0)
        cmd_add(app, w, n);
    else if (strcmp(w[0], "connect") == 0)
        cmd_connect(app, w, n, true);
    else if (strcmp(w[0], "disconnect") == 0)
        cmd_connect(app, w, n, false);
    else if (strcmp(w[0], "set") == 0)
        cmd_set(app, w[1], n > 2 ? rest_of(rest_of(text)) : NULL);
    else if (strcmp(w[0], "delete") == 0) {
        int c = need_component(app, w[1]);

        if (c >= 0)
            input_ask_delete(app, c);
    } else if (strcmp(w[0], "users") == 0)
        cmd_users(app, w[1]);
    else if (strcmp(w[0], "hold") == 0)
        cmd_hold(app, w[1]);
    else if (strcmp(w[0], "entry") == 0) {
        if (need_component(app, w[1]) >= 0)
            edit_set_top(app, "entry", w[1]);
    } else if (strcmp(w[0], "rename") == 0)
        cmd_rename(app, w, n);
    else if (strcmp(w[0], "select") == 0) {
        int c = need_component(app, w[1]);

        if (c >= 0)
            app->sel = c;
    }
    else if (strcmp(w[0], "layout") == 0)
        cmd_layout(app);
    else if (strcmp(w[0], "seed") == 0)
        cmd_seed(app, w[1]);
    else if (strcmp(w[0], "save") == 0 || strcmp(w[0], "save!") == 0)
        store_ui_save(app, n > 1 ? w[1] : NULL, w[0][4] == '!');
    else if (strcmp(w[0], "baseline") == 0)
        store_ui_baseline(app, w[1]);
    else if (strcmp(w[0], "fail") == 0)
        cmd_fail(app, w, n);
    else if (strcmp(w[0], "trace") == 0)
        app->mode = MODE_TRACE;
    else if (strcmp(w[0], "log") == 0)
        input_show_log(app);
    else if (strcmp(w[0], "practice") == 0 && n == 1)
        practice_menu(app);
    else if (strcmp(w[0], "practice") == 0)
        practice_start(app, w[1]);
    else if (strcmp(w[0], "hint") == 0)
        practice_hint(app);
    else if (strcmp(w[0], "submit") == 0)
        practice_submit(app);
    else
        app_message(app, true, "unknown command '%s': Tab lists them, "
                    ":help explains", w[0]);
}

/* --- Completion ------------------------------------------------------------ */

struct candidates {
    const char *word;               /* what is being completed */
    size_t len;
    char found[64][NAME_BYTES];
    int n;
};

static void offer(struct candidates *cd, const char *option)
{
    if (strncmp(option, cd->word, cd->len) != 0 || cd->n == 64)
        return;
    snprintf(cd->found[cd->n++], NAME_BYTES, "%s", option);
}

static void offer_components(struct app *app, struct candidates *cd)
{
    for (int i = 0; i < app->sc.ncomponents; i++)
        offer(cd, app->sc.components[i].name);
}

/* For :fail, the components, the failures and the regions (whose
 * latency can rise). */
static void offer_failures(struct app *app, struct candidates *cd)
{
    offer_components(app, cd);
    for (int f = 0; f < FAIL_KIND_COUNT; f++)
        offer(cd, failure_kind_name((enum failure_kind)f));
    for (int i = 0; i < app->sc.nregions; i++)
        offer(cd, app->sc.regions[i].name);
}

/* NAME.KEY for :set, once a component name is typed. */
static void offer_settings(struct app *app, struct candidates *cd)
{
    char option[2 * NAME_BYTES];

    for (int i = 0; i < app->sc.ncomponents; i++) {
        const struct component *c = &app->sc.components[i];
        size_t len = strlen(c->name);

        if (strncmp(cd->word, c->name, len) != 0 || cd->word[len] != '.') {
            offer(cd, c->name);
            continue;
        }
        for (size_t f = 0; f < scenario_nfields; f++) {
            if (!(scenario_fields[f].kinds & KINDS(c->kind)))
                continue;
            snprintf(option, sizeof option, "%s.%s", c->name,
                     scenario_fields[f].key);
            offer(cd, option);
        }
    }
}

static void offer_files(struct candidates *cd)
{
    DIR *dir = opendir(".");
    struct dirent *e;

    if (!dir)
        return;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);

        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0)
            offer(cd, e->d_name);
    }
    closedir(dir);
}

static void gather(struct app *app, const char *cmd, int arg,
                   struct candidates *cd)
{
    if (arg == 0) {
        for (size_t i = 0; i < NCOMMANDS; i++)
            offer(cd, commands[i]);
    } else if (strcmp(cmd, "add") == 0 && arg == 1) {
        for (int k = 0; k < KIND_COUNT; k++)
            offer(cd, kind_name((enum comp_kind)k));
    } else if (strcmp(cmd, "set") == 0 && arg == 1) {
        offer_settings(app, cd);
    } else if (strcmp(cmd, "fail") == 0) {
        offer_failures(app, cd);
    } else if (strcmp(cmd, "connect") == 0 || strcmp(cmd, "disconnect") == 0
               || strcmp(cmd, "delete") == 0 || strcmp(cmd, "rename") == 0
               || strcmp(cmd, "select") == 0) {
        offer_components(app, cd);
    } else if (strcmp(cmd, "export") == 0 || strcmp(cmd, "open") == 0) {
        offer_files(cd);
    }
}

static size_t common_prefix(const struct candidates *cd)
{
    size_t len = strlen(cd->found[0]);

    for (int i = 1; i < cd->n; i++) {
        size_t k = 0;

        while (k < len && cd->found[i][k] == cd->found[0][k])
            k++;
        len = k;
    }
    return len;
}

void command_complete(struct app *app)
{
    char head[1280], *last = strrchr(app->cmd, ' ');
    struct candidates cd = {0};
    char *w[MAX_WORDS] = {0};
    int arg;

    snprintf(head, sizeof head, "%s", app->cmd);
    arg = split(head, w);
    if (last == NULL)
        arg = 0;
    else if (last[1] == '\0')
        ;                           /* a new word starts */
    else
        arg--;
    cd.word = last ? last + 1 : app->cmd;
    cd.len = strlen(cd.word);
    gather(app, w[0] ? w[0] : "", arg, &cd);
    if (cd.n == 0) {
        app_message(app, false, "nothing to complete");
        return;
    }
    if (cd.n == 1) {
        size_t at = (size_t)(cd.word - app->cmd);

        snprintf(app->cmd + at, sizeof app->cmd - at, "%s%s", cd.found[0],
                 strchr(cd.found[0], '.') && arg == 1 ? " " : " ");
    } else {
        size_t at = (size_t)(cd.word - app->cmd);
        size_t len = common_prefix(&cd);
        char list[512] = "";

        if (len > cd.len && at + len < sizeof app->cmd) {
            memcpy(app->cmd + at, cd.found[0], len);
            app->cmd[at + len] = '\0';
        }
        for (int i = 0; i < cd.n; i++) {
            size_t used = strlen(list);

            snprintf(list + used, sizeof list - used, "%s ", cd.found[i]);
        }
        app_message(app, false, "%s", list);
    }
    app->cmd_len = strlen(app->cmd);
}
