/*
 * fuzz_command.c - the interface's ':' command line under libFuzzer,
 * without a terminal.
 *
 * Each input line is typed into the command line through the
 * interface's own key handling (input_key in command mode: printable
 * bytes are typed, Tab completes, backspace and Ctrl-U edit, Esc leaves)
 * and run with Enter, on a small design with regions and failures. A
 * line "\001K" answers an open y/n question with key K. Only command
 * mode is reached: nothing here needs curses.
 *
 * After each line the design must be one the engine can take: every call
 * resolved to the component of its name, the entry and the selection in
 * range, the whole valid. At the end, the design must export to YAML
 * that the loader accepts and that exports to the same bytes: whatever
 * the interface lets a user build, the user can save and open again.
 *
 * Files are read and written only in a private temporary directory, the
 * database is a file there, and file commands naming a path with '/' are
 * not run. The directory is emptied after each input.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "fuzz.h"
#include "scenario_yaml.h"

#define START_FILE "start.yaml"
#define KEY_ESCAPE 27

static const char start_yaml[] =
    "archsim: 1\n"
    "name: fuzz\n"
    "users: {think: 5s, ramp: {from: 1, to: 1k, per-decade: 3}}\n"
    "regions:\n"
    "  - {name: east, share: 60%, rtt: 2ms}\n"
    "  - {name: west, share: 40%, rtt: 40ms}\n"
    "mix: {static: 10%, read: 70%, write: 15%, task: 5%}\n"
    "entry: lb\n"
    "components:\n"
    "  - {name: lb, kind: lb, calls: [api]}\n"
    "  - {name: api, kind: server, instances: 2, "
    "calls: [cache, db, jobs]}\n"
    "  - {name: cache, kind: cache, capacity: 1k, keys: 10k}\n"
    "  - {name: db, kind: database, replicas: 1}\n"
    "  - {name: jobs, kind: queue, workers: 4}\n"
    "  - {name: edge, kind: cdn}\n"
    "failures:\n"
    "  - {at: 10s, component: api, fail: instance, for: 5s}\n"
    "  - {at: 20s, component: east, fail: region-latency, factor: 3}\n";

static char workdir[1024];

static void command_broken(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_command: %s\n%s\n", what, detail ? detail : "");
    abort();
}

/* Remove every file in the working directory (it holds no others). */
static void empty_workdir(void)
{
    DIR *dir = opendir(workdir);
    struct dirent *e;
    char path[2048];

    if (!dir)
        return;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", workdir, e->d_name);
        unlink(path);
    }
    closedir(dir);
}

void fuzz_command_cleanup(void)
{
    if (!workdir[0])
        return;
    empty_workdir();
    rmdir(workdir);
    workdir[0] = '\0';
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    char db[1100];

    if (workdir[0])
        return;
    snprintf(workdir, sizeof workdir, "%s/archsim-fuzz-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir))
        command_broken("cannot make a temporary directory", workdir);
    snprintf(db, sizeof db, "%s/saved.db", workdir);
    setenv("ARCHSIM_DB", db, 1);
    setenv("XDG_DATA_HOME", workdir, 1);
    setenv("HOME", workdir, 1);
    atexit(fuzz_command_cleanup);
}

static void write_start(void)
{
    FILE *f = fopen(START_FILE, "w");

    if (!f || fputs(start_yaml, f) < 0 || fclose(f) != 0)
        command_broken("cannot write the starting design", START_FILE);
}

/* As the interface starts: an empty app, then the design loaded. */
static struct app *new_app(void)
{
    struct app *app = calloc(1, sizeof *app);
    char err[2048];

    if (!app)
        command_broken("out of memory", NULL);
    scenario_init(&app->sc);
    app->sel = -1;
    app->drag_comp = -1;
    app->live.first_broken = -1;
    if (app_load(app, START_FILE, err, sizeof err) < 0)
        command_broken("the starting design does not load", err);
    return app;
}

/* A command that reads or writes a file (its '!' form too), with a path
 * that could leave the working directory. */
static bool leaves_workdir(const char *cmd)
{
    static const char *const file_commands[] = {
        "export", "write", "w", "open", "import",
    };
    size_t len;

    while (*cmd == ' ')
        cmd++;
    len = strcspn(cmd, " ");
    if (len > 0 && cmd[len - 1] == '!')
        len--;
    if (!strchr(cmd, '/'))
        return false;
    for (size_t i = 0; i < sizeof file_commands / sizeof *file_commands;
         i++)
        if (strlen(file_commands[i]) == len &&
            strncmp(cmd, file_commands[i], len) == 0)
            return true;
    return false;
}

static void press(struct app *app, int key)
{
    input_key(app, key);
    if (app->mode == MODE_COMMAND &&
        (memchr(app->cmd, '\0', sizeof app->cmd) == NULL ||
         app->cmd_len != strlen(app->cmd)))
        command_broken("the command line lost its length", NULL);
}

/* Type one line into the command line, then Enter. */
static void one_line(struct app *app, const unsigned char *line, size_t len)
{
    if (len >= 2 && line[0] == '\001') {
        if (app->mode == MODE_CONFIRM)
            press(app, line[1]);
        return;
    }
    if (app->mode != MODE_NORMAL)
        press(app, KEY_ESCAPE);     /* answers no, or leaves help */
    if (app->mode != MODE_NORMAL)
        command_broken("Esc did not return to normal mode", NULL);
    press(app, ':');
    for (size_t i = 0; i < len && app->mode == MODE_COMMAND; i++)
        press(app, line[i]);
    if (app->mode != MODE_COMMAND)
        return;                     /* Esc: the line was dropped */
    if (leaves_workdir(app->cmd)) {
        app->mode = MODE_NORMAL;
        return;
    }
    press(app, '\n');
}

static void check_design(const struct app *app, const char *after)
{
    const struct scenario *sc = &app->sc;
    char what[600];

    snprintf(what, sizeof what, "after the command line '%.500s'", after);
    if (memchr(app->message, '\0', sizeof app->message) == NULL)
        command_broken("the message line is not terminated", what);
    if (sc->ncomponents < 0 || sc->ncomponents > MAX_COMPONENTS)
        command_broken("the number of components is out of range", what);
    if (app->sel < -1 || app->sel >= sc->ncomponents)
        command_broken("the selection is out of range", what);
    if (sc->ncomponents > 0 && (sc->entry < 0 ||
                                sc->entry >= sc->ncomponents))
        command_broken("the entry is out of range", what);
    for (int i = 0; i < sc->ncomponents; i++) {
        const struct component *c = &sc->components[i];

        if (c->ncalls < 0 || c->ncalls > MAX_CALLS)
            command_broken("a component has too many calls", what);
        for (int j = 0; j < c->ncalls; j++)
            if (c->calls[j] < 0 || c->calls[j] >= sc->ncomponents ||
                strcmp(sc->components[c->calls[j]].name,
                       c->call_names[j]) != 0)
                command_broken("a call does not lead to the component it names",
                       what);
    }
}

/* Whatever the interface holds exports, loads and exports the same. */
static void check_export(const struct app *app)
{
    struct scenario back;
    char err[2048];
    char *first = scenario_export_string(&app->sc), *second;

    if (!first)
        command_broken("the export failed", NULL);
    if (scenario_load_buffer(&back, "exported.yaml", first, strlen(first),
                             err, sizeof err) < 0) {
        fprintf(stderr, "--- exported:\n%s", first);
        command_broken("the interface's design exports to a file that does not "
               "load", err);
    }
    second = scenario_export_string(&back);
    if (!second || strcmp(first, second) != 0) {
        fprintf(stderr, "--- first:\n%s--- second:\n%s", first,
                second ? second : "(none)");
        command_broken("export, import, export changed the file", NULL);
    }
    free(first);
    free(second);
    scenario_free(&back);
}

int fuzz_command_input(const uint8_t *data, size_t size)
{
    int cwd;
    struct app *app;
    size_t at = 0;

    setup();
    cwd = open(".", O_RDONLY | O_DIRECTORY);
    if (cwd < 0 || chdir(workdir) != 0)
        command_broken("cannot enter the temporary directory", workdir);
    write_start();
    app = new_app();
    while (at < size && !app->quit) {
        size_t end = at;
        char shown[512];

        while (end < size && data[end] != '\n' && data[end] != '\r')
            end++;
        one_line(app, data + at, end - at);
        snprintf(shown, sizeof shown, "%.*s", (int)(end - at),
                 (const char *)data + at);
        check_design(app, shown);
        at = end + 1;
    }
    check_export(app);
    app_free(app);
    free(app);
    empty_workdir();
    if (fchdir(cwd) != 0)
        command_broken("cannot go back to the starting directory", NULL);
    close(cwd);
    return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_command_input(data, size);
}
#endif
