/*
 * app.c - loading a design into the interface, the event log and the
 * message line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "scenario_yaml.h"

int app_load(struct app *app, const char *path, char *err, size_t errlen)
{
    struct scenario loaded;

    if (scenario_load_file(&loaded, path, err, errlen) < 0) {
        scenario_free(&loaded);
        return -1;
    }
    app_adopt(app, &loaded, path);
    app_log(app, "opened %s: %d components", app->path, app->sc.ncomponents);
    return 0;
}

void app_adopt(struct app *app, struct scenario *sc, const char *path)
{
    scenario_free(&app->sc);
    app->sc = *sc;
    layout_auto(&app->sc);
    /* The path as the user would write it: no "build/../" detours. */
    app->path[0] = '\0';
    if (path && !realpath(path, app->path))
        snprintf(app->path, sizeof app->path, "%s", path);
    app->dirty = false;
    app->sel = app->sc.ncomponents > 0 ? app->sc.entry : -1;
    edit_clear_history(app);
    live_clear(app);
}

void app_free(struct app *app)
{
    live_clear(app);
    store_ui_free(app);
    practice_free(app);
    edit_clear_history(app);
    free(app->undo.items);
    free(app->redo.items);
    scenario_free(&app->sc);
}

void app_log(struct app *app, const char *fmt, ...)
{
    va_list ap;

    if (app->nlog == MAX_LOG) {
        memmove(app->log[0], app->log[1], (MAX_LOG - 1) * LOG_BYTES);
        app->nlog--;
    }
    va_start(ap, fmt);
    vsnprintf(app->log[app->nlog++], LOG_BYTES, fmt, ap);
    va_end(ap);
}

void app_message(struct app *app, bool error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(app->message, sizeof app->message, fmt, ap);
    va_end(ap);
    app->message_is_error = error;
    if (error)                      /* kept whole where it can be read */
        app_log(app, "%s", app->message);
}

bool app_is_shipped(const char *path)
{
    return strstr(path, "data/scenarios/") != NULL ||
           strstr(path, "share/archsim/scenarios/") != NULL;
}

double app_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
