/*
 * store_ui.c - the interface's use of the SQLite store: saving the
 * design, and a stored run as a baseline drawn beside the live curves.
 * The database is opened for each action and closed after it, so that a
 * second archsim on the same file is never kept waiting.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "version.h"

/* The user's store (ARCHSIM_DB, XDG_DATA_HOME or ~/.local/share), or
 * NULL with the reason on the message line. */
struct store *store_ui_db(struct app *app)
{
    char path[1024], err[1024];
    bool is_default = false;
    struct store *st = NULL;

    if (store_path(NULL, path, sizeof path, &is_default) != STORE_OK) {
        app_message(app, true, "no place for the database: set ARCHSIM_DB "
                    "or HOME");
        return NULL;
    }
    if (store_open(&st, path, is_default ? STORE_MKDIR : 0, err,
                   sizeof err) != STORE_OK) {
        app_message(app, true, "%s", err);
        return NULL;
    }
    return st;
}

void store_ui_save(struct app *app, const char *name, bool replace)
{
    struct store *st = store_ui_db(app);
    const char *as = name && *name ? name : app->sc.name;
    int rc;

    if (!st)
        return;
    rc = store_scenario_save(st, as, &app->sc, replace);
    if (rc == STORE_OK) {
        app->dirty = false;
        app_log(app, "saved as '%s' in %s", as, store_filename(st));
        app_message(app, false, "saved as '%s'", as);
    } else if (rc == STORE_EXISTS) {
        app_message(app, true, "'%s' is already saved: :save! %s replaces "
                    "it", as, as);
    } else {
        app_message(app, true, "not saved: %s", store_errmsg(st));
    }
    store_close(st);
}

void store_ui_free(struct app *app)
{
    if (app->has_baseline)
        store_run_free(&app->baseline);
    app->has_baseline = false;
}

void store_ui_baseline(struct app *app, const char *id)
{
    struct store *st;
    char *end;
    long long run;
    int rc;

    if (id && strcmp(id, "off") == 0) {
        store_ui_free(app);
        app_message(app, false, "no baseline");
        return;
    }
    run = id ? strtoll(id, &end, 10) : 0;
    if (!id || *end || run <= 0) {
        app_message(app, true, "baseline takes a run number (archsim runs "
                    "lists them) or off");
        return;
    }
    st = store_ui_db(app);
    if (!st)
        return;
    store_ui_free(app);
    rc = store_run_get(st, run, &app->baseline);
    if (rc == STORE_OK) {
        app->has_baseline = true;
        app_message(app, false, "baseline: run %lld", run);
    } else {
        store_run_free(&app->baseline);
        app_message(app, true, "run %lld: %s", run,
                    rc == STORE_NOT_FOUND ? "no such run"
                                          : store_errmsg(st));
    }
    store_close(st);
}

/* A ramp the interface ran from its first step to its last, on one
 * design: keep it as a run, as archsim run --save would. */
void store_ui_save_ramp(struct app *app)
{
    struct live *lv = &app->live;
    struct ramp_result res = {0};
    struct store *st;
    int64_t id;

    res.nsteps = lv->nhist;
    res.steps = lv->hist;           /* borrowed, not freed here */
    res.ncomponents = lv->design.ncomponents;
    ramp_summarise(&lv->design, &res);
    st = store_ui_db(app);
    if (!st)
        return;
    if (store_run_save(st, &lv->design, lv->design.seed, ARCHSIM_VERSION,
                       &res, &id) == STORE_OK)
        app_log(app, "ramp saved as run %lld (:baseline %lld draws it)",
                (long long)id, (long long)id);
    else
        app_log(app, "ramp not saved: %s", store_errmsg(st));
    store_close(st);
}

bool store_ui_open(struct app *app, const char *name)
{
    struct store *st = store_ui_db(app);
    struct scenario loaded;
    int rc;

    if (!st)
        return false;
    rc = store_scenario_load(st, name, &loaded);
    if (rc != STORE_OK) {
        scenario_free(&loaded);
        app_message(app, true, "no file or saved scenario called '%s'",
                    name);
        store_close(st);
        return false;
    }
    store_close(st);
    app_adopt(app, &loaded, NULL);
    app_log(app, "opened saved scenario '%s'", name);
    return true;
}
