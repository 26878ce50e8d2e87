/*
 * practice_ui.c - a challenge in the interface: its starting design, a
 * visible timer, hints that cost points, and :submit, which grades the
 * design (ramping it to the challenge's target) and shows the breakdown.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "challenge.h"
#include "version.h"

void practice_free(struct app *app)
{
    if (app->challenge) {
        challenge_free(app->challenge);
        free(app->challenge);
    }
    app->challenge = NULL;
    free(app->report);
    app->report = NULL;
    practice_menu_free(app);
}

bool practice_start(struct app *app, const char *name)
{
    struct challenge *ch = calloc(1, sizeof *ch);
    char path[1024], err[1024];
    struct scenario start;

    if (!ch || !name || !*name) {
        free(ch);
        app_message(app, true, "practice NAME: archsim practice lists them");
        return false;
    }
    if (challenge_load_file(ch, challenge_path(name, path, sizeof path), err,
                            sizeof err) < 0) {
        challenge_free(ch);
        free(ch);
        app_message(app, true, "%s", err);
        return false;
    }
    if (scenario_copy(&start, &ch->start) < 0) {
        challenge_free(ch);
        free(ch);
        app_message(app, true, "out of memory");
        return false;
    }
    practice_free(app);
    app->challenge = ch;
    app->practice_began = app_now_ms() / 1e3;
    app->hints = 0;
    app_adopt(app, &start, NULL);
    app_log(app, "challenge %s: %s", ch->name, ch->title);
    app_message(app, false, "%s - design it, then :submit (:hint costs 5 "
                "points)", ch->title);
    return true;
}

double practice_elapsed(const struct app *app)
{
    return app->challenge ? app_now_ms() / 1e3 - app->practice_began : 0;
}

void practice_hint(struct app *app)
{
    char hint[512];

    if (!app->challenge) {
        app_message(app, true, "no challenge: :practice NAME starts one");
        return;
    }
    if (challenge_hint(app->challenge, &app->sc, hint, sizeof hint) < 0) {
        app_message(app, true, "%s", hint);
        return;
    }
    for (char *c = hint; *c; c++)         /* one line on the screen */
        if (*c == '\n')
            *c = ' ';
    app->hints++;
    app_log(app, "hint %d: %s", app->hints, hint);
    app_message(app, false, "hint (-5 points): %s", hint);
}

/* Keep the attempt in the user's database; a failure only says so. */
static void keep_attempt(struct app *app, const struct grade *g)
{
    struct store_attempt_info info = {0};
    struct store *st = store_ui_db(app);

    if (!st) {
        app_log(app, "attempt not kept: no database");
        return;
    }
    snprintf(info.challenge, sizeof info.challenge, "%s",
             app->challenge->name);
    info.score = g->score;
    info.passed = g->passed;
    info.seconds = practice_elapsed(app);
    info.hints = app->hints;
    info.cost = g->cost;
    info.capacity = g->capacity;
    snprintf(info.version, sizeof info.version, "%s", ARCHSIM_VERSION);
    if (store_attempt_save(st, &info, &app->sc, NULL) == STORE_OK)
        app_log(app, "attempt kept: archsim practice --history lists it");
    store_close(st);
}

void practice_submit(struct app *app)
{
    struct grade_options opt = {0};
    struct grade g;
    char err[1024];
    size_t len = 0;
    FILE *out;

    if (!app->challenge) {
        app_message(app, true, "no challenge: :practice NAME starts one");
        return;
    }
    opt.seconds = practice_elapsed(app);
    opt.hints = app->hints;
    if (challenge_grade(app->challenge, &app->sc, &opt, &g, err,
                        sizeof err) < 0) {
        app_message(app, true, "%s", err);
        return;
    }
    free(app->report);
    app->report = NULL;
    out = open_memstream(&app->report, &len);
    if (out) {
        grade_write_text(out, app->challenge, &g);
        fclose(out);
    }
    app_log(app, "submitted %s: %d/100, %s", app->challenge->name, g.score,
            g.passed ? "passed" : "not passed");
    keep_attempt(app, &g);
    grade_free(&g);
    app->help_top = 0;
    app->mode = MODE_REPORT;
}

/* --- The menu of challenges ------------------------------------------------- */

void practice_menu_free(struct app *app)
{
    for (int i = 0; i < app->nchoices; i++)
        free(app->choices[i]);
    free(app->choices);
    app->choices = NULL;
    app->nchoices = 0;
}

/* One line per shipped challenge: its name, title and the best score
 * kept in the database. */
static char *menu_line(struct store *st, const char *path)
{
    struct challenge ch;
    char err[512], line[512], best[32] = "-";
    int score = -1;

    if (challenge_load_file(&ch, path, err, sizeof err) < 0) {
        challenge_free(&ch);
        return NULL;
    }
    if (st && store_attempt_best(st, ch.name, &score) == STORE_OK &&
        score >= 0)
        snprintf(best, sizeof best, "%d", score);
    snprintf(line, sizeof line, "%-20s %5s  %s", ch.name, best, ch.title);
    challenge_free(&ch);
    return strdup(line);
}

void practice_menu(struct app *app)
{
    char **paths = NULL;
    struct store *st;
    int n = challenge_paths(&paths);

    if (n <= 0) {
        app_message(app, true, "no challenges found");
        return;
    }
    st = store_ui_db(app);          /* without one, no best scores */
    practice_menu_free(app);
    app->choices = calloc((size_t)n, sizeof *app->choices);
    for (int i = 0; app->choices && i < n; i++) {
        char *line = menu_line(st, paths[i]);

        if (line)
            app->choices[app->nchoices++] = line;
    }
    store_close(st);
    challenge_paths_free(paths, n);
    app->menu_row = 0;
    app->mode = MODE_CHALLENGES;
}

/* The name is the first word of the chosen line. */
void practice_choose(struct app *app)
{
    char name[NAME_BYTES];

    if (app->menu_row < 0 || app->menu_row >= app->nchoices)
        return;
    sscanf(app->choices[app->menu_row], "%255s", name);
    app->mode = MODE_NORMAL;
    practice_start(app, name);
}
