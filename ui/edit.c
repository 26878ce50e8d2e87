/*
 * edit.c - changes to the design: each one snapshots the design first so
 * that undo and redo can go back and forth without limit, is validated
 * with the loader's rules, and restarts the simulation of the design.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advisor.h"
#include "app.h"
#include "scenario_yaml.h"
#include "yaml_tree.h"

static int push(struct undo_stack *st, const struct scenario *sc)
{
    if (st->n == st->cap) {
        int cap = st->cap ? st->cap * 2 : 16;
        struct scenario *grown = realloc(st->items,
                                         (size_t)cap * sizeof *grown);

        if (!grown)
            return -1;
        st->items = grown;
        st->cap = cap;
    }
    if (scenario_copy(&st->items[st->n], sc) < 0)
        return -1;
    st->n++;
    return 0;
}

static void clear(struct undo_stack *st)
{
    while (st->n > 0)
        scenario_free(&st->items[--st->n]);
}

void edit_clear_history(struct app *app)
{
    clear(&app->undo);
    clear(&app->redo);
}

void edit_begin(struct app *app)
{
    if (push(&app->undo, &app->sc) < 0)
        app_message(app, true, "out of memory: this change cannot be undone");
}

/* Take the top of st as the design. */
static void restore(struct app *app, struct undo_stack *st)
{
    scenario_free(&app->sc);
    app->sc = st->items[--st->n];
}

void edit_cancel(struct app *app)
{
    if (app->undo.n > 0)
        restore(app, &app->undo);
}

bool edit_commit(struct app *app, const char *what)
{
    char err[1024];

    app->moving = -1;
    if (scenario_validate(&app->sc, err, sizeof err) < 0) {
        edit_cancel(app);
        scenario_validate(&app->sc, NULL, 0);
        app_message(app, true, "%s", err);
        return false;
    }
    clear(&app->redo);
    app->dirty = true;
    if (app->sel >= app->sc.ncomponents)
        app->sel = app->sc.ncomponents - 1;
    app_log(app, "%s", what);
    app_message(app, false, "%s", what);
    live_reset(app);
    return true;
}

static bool swap(struct app *app, struct undo_stack *from,
                 struct undo_stack *to, const char *what)
{
    if (from->n == 0) {
        app_message(app, false, "nothing to %s", what);
        return false;
    }
    if (push(to, &app->sc) < 0) {
        app_message(app, true, "out of memory");
        return false;
    }
    restore(app, from);
    app->moving = -1;
    scenario_validate(&app->sc, NULL, 0);
    app->dirty = true;
    if (app->sel >= app->sc.ncomponents)
        app->sel = app->sc.ncomponents - 1;
    app_message(app, false, "%s done (%d more to %s)", what, from->n, what);
    app_log(app, "%s", what);
    live_reset(app);
    return true;
}

bool edit_undo(struct app *app)
{
    return swap(app, &app->undo, &app->redo, "undo");
}

bool edit_redo(struct app *app)
{
    return swap(app, &app->redo, &app->undo, "redo");
}

/* A name not yet taken: base, base-2, base-3... A long base is cut, at
 * a character boundary, to leave room for the number. */
static void fresh_name(const struct scenario *sc, const char *base,
                       char *out, size_t len)
{
    char stem[NAME_BYTES];
    size_t cut;

    snprintf(out, len, "%s", base);
    if (scenario_find(sc, out) < 0)
        return;
    snprintf(stem, sizeof stem, "%s", base);
    cut = strlen(stem);
    if (cut + 12 > len) {
        cut = len - 12;
        while (cut > 0 && ((unsigned char)stem[cut] & 0xc0) == 0x80)
            cut--;
        stem[cut] = '\0';
    }
    for (int i = 2; scenario_find(sc, out) >= 0; i++)
        snprintf(out, len, "%s-%d", stem, i);
}

int edit_add(struct app *app, enum comp_kind kind, const char *name)
{
    char fresh[NAME_BYTES], what[NAME_BYTES + 32], shown[64];
    const char *why;
    struct component *c;
    int x, y;

    if (name && *name && (why = scenario_name_problem(name)) != NULL) {
        ytree_quote(name, shown, sizeof shown);
        app_message(app, true, "'%s' %s; a name is 1 to 255 bytes of UTF-8 "
                    "without control characters", shown, why);
        return -1;
    }
    fresh_name(&app->sc, name && *name ? name : kind_name(kind), fresh,
               sizeof fresh);
    layout_free_spot(&app->sc, app->sel, &x, &y);
    edit_begin(app);
    c = scenario_add(&app->sc, kind, fresh);
    if (!c) {
        edit_cancel(app);
        app_message(app, true, "cannot add: at most %d components",
                    MAX_COMPONENTS);
        return -1;
    }
    c->x = x;
    c->y = y;
    snprintf(what, sizeof what, "added %s %s", kind_name(kind), fresh);
    if (!edit_commit(app, what))
        return -1;
    app->sel = app->sc.ncomponents - 1;
    return app->sel;
}

bool edit_connect(struct app *app, int from, int to)
{
    struct component *c = &app->sc.components[from];
    char what[2 * NAME_BYTES + 32];
    int at;

    for (int j = 0; j < c->ncalls; j++)
        if (c->calls[j] == to) {
            app_message(app, false, "%s already calls %s", c->name,
                        app->sc.components[to].name);
            return false;
        }
    if (c->ncalls == MAX_CALLS) {
        app_message(app, true, "%s already makes %d calls, the most",
                    c->name, MAX_CALLS);
        return false;
    }
    snprintf(what, sizeof what, "%s now calls %s", c->name,
             app->sc.components[to].name);
    edit_begin(app);
    c = &app->sc.components[from];
    at = c->ncalls;
    /* Reads ask a cache before the database: a new cache goes first. */
    if (app->sc.components[to].kind == KIND_CACHE)
        for (int j = c->ncalls - 1; j >= 0; j--)
            if (app->sc.components[c->calls[j]].kind == KIND_DATABASE)
                at = j;
    memmove(c->call_names[at + 1], c->call_names[at],
            (size_t)(c->ncalls - at) * NAME_BYTES);
    memmove(&c->call_pos[at + 1], &c->call_pos[at],
            (size_t)(c->ncalls - at) * sizeof c->call_pos[0]);
    snprintf(c->call_names[at], NAME_BYTES, "%s",
             app->sc.components[to].name);
    c->call_pos[at] = (struct src_pos){0, 0};
    c->ncalls++;
    /* A balancer or CDN put in front of the entry takes the users. */
    if ((c->kind == KIND_LB || c->kind == KIND_CDN) && to == app->sc.entry) {
        snprintf(app->sc.entry_name, NAME_BYTES, "%s", c->name);
        snprintf(what + strlen(what), sizeof what - strlen(what),
                 "; users now arrive at %s", c->name);
    }
    return edit_commit(app, what);
}

bool edit_disconnect(struct app *app, int from, int to)
{
    struct component *c = &app->sc.components[from];
    char what[2 * NAME_BYTES + 32];

    for (int j = 0; j < c->ncalls; j++) {
        if (c->calls[j] != to)
            continue;
        snprintf(what, sizeof what, "%s no longer calls %s", c->name,
                 app->sc.components[to].name);
        edit_begin(app);
        c = &app->sc.components[from];
        memmove(c->call_names[j], c->call_names[j + 1],
                (size_t)(c->ncalls - j - 1) * NAME_BYTES);
        memmove(&c->call_pos[j], &c->call_pos[j + 1],
                (size_t)(c->ncalls - j - 1) * sizeof c->call_pos[0]);
        c->ncalls--;
        return edit_commit(app, what);
    }
    app_message(app, false, "%s does not call %s", c->name,
                app->sc.components[to].name);
    return false;
}

/* Remove every call to the component called name. */
static void drop_calls_to(struct scenario *sc, const char *name)
{
    for (int i = 0; i < sc->ncomponents; i++) {
        struct component *c = &sc->components[i];

        for (int j = 0; j < c->ncalls; j++) {
            if (strcmp(c->call_names[j], name) != 0)
                continue;
            memmove(c->call_names[j], c->call_names[j + 1],
                    (size_t)(c->ncalls - j - 1) * NAME_BYTES);
            memmove(&c->call_pos[j], &c->call_pos[j + 1],
                    (size_t)(c->ncalls - j - 1) * sizeof c->call_pos[0]);
            c->ncalls--;
            j--;
        }
    }
}

/* Whether failure f strikes the component called name: as its target,
 * or as the other side of a partition. */
static bool strikes(const struct failure *f, const char *name)
{
    if (f->kind == FAIL_REGION_LATENCY || f->kind == FAIL_SPIKE)
        return false;
    return strcmp(f->component, name) == 0 ||
           (f->kind == FAIL_PARTITION && strcmp(f->peer, name) == 0);
}

/* Remove the scheduled failures of the component called name; returns
 * how many there were. A spike strikes the users wherever they arrive,
 * so it stays, forgetting the name. */
static int drop_failures_of(struct scenario *sc, const char *name)
{
    int kept = 0, n = sc->nfailures;

    for (int i = 0; i < n; i++) {
        struct failure *f = &sc->failures[i];

        if (f->kind == FAIL_SPIKE && strcmp(f->component, name) == 0)
            f->component[0] = '\0';
        if (!strikes(f, name))
            sc->failures[kept++] = *f;
    }
    sc->nfailures = kept;
    return n - kept;
}

bool edit_delete(struct app *app, int comp)
{
    char name[NAME_BYTES], what[NAME_BYTES + 64];
    struct scenario *sc;
    int failures;

    snprintf(name, sizeof name, "%s", app->sc.components[comp].name);
    edit_begin(app);
    sc = &app->sc;
    drop_calls_to(sc, name);
    failures = drop_failures_of(sc, name);
    memmove(&sc->components[comp], &sc->components[comp + 1],
            (size_t)(sc->ncomponents - comp - 1) * sizeof *sc->components);
    sc->ncomponents--;
    if (strcmp(sc->entry_name, name) == 0)
        sc->entry_name[0] = '\0';
    if (failures > 0)
        snprintf(what, sizeof what, "deleted %s and its %d scheduled "
                 "failure%s", name, failures, failures == 1 ? "" : "s");
    else
        snprintf(what, sizeof what, "deleted %s", name);
    return edit_commit(app, what);
}

/* Set one field from text, with the loader's parsing and messages. */
bool edit_set(struct app *app, int comp, const char *key, const char *value)
{
    char err[512], what[NAME_BYTES + 600];
    struct component *c = &app->sc.components[comp];

    snprintf(what, sizeof what, "%s.%s = %s", c->name, key, value);
    edit_begin(app);
    if (scenario_set_field(&app->sc.components[comp], key, value, err,
                           sizeof err) < 0) {
        edit_cancel(app);
        app_message(app, true, "%s: %s", app->sc.components[comp].name,
                    err);
        return false;
    }
    return edit_commit(app, what);
}

/* Whether a box at (x, y) would cover another box than comp. */
static bool covers(const struct scenario *sc, int comp, int x, int y)
{
    for (int i = 0; i < sc->ncomponents; i++) {
        const struct component *o = &sc->components[i];

        if (i != comp && x < o->x + BOX_W && o->x < x + BOX_W &&
            y < o->y + BOX_H && o->y < y + BOX_H)
            return true;
    }
    return false;
}

bool edit_move(struct app *app, int comp, int x, int y)
{
    struct component *c = &app->sc.components[comp];

    if (x < 0)
        x = 0;
    if (y < 0)
        y = 0;
    if ((c->x == x && c->y == y) || covers(&app->sc, comp, x, y))
        return false;
    /* A run of moves of one box is one step to undo. */
    if (app->moving != comp) {
        edit_begin(app);
        c = &app->sc.components[comp];
        app->moving = comp;
    }
    c->x = x;
    c->y = y;
    c->placed = true;
    app->dirty = true;
    return true;
}

void edit_step_move(struct app *app, int comp, int dx, int dy)
{
    const struct component *c = &app->sc.components[comp];

    /* Hop over a box in the way rather than land on it. */
    for (int k = 1; k < 200; k++) {
        int x = c->x + dx * k, y = c->y + dy * k;

        if (x < 0 || y < 0)
            return;
        if (!covers(&app->sc, comp, x, y)) {
            edit_move(app, comp, x, y);
            return;
        }
    }
}

bool edit_set_top(struct app *app, const char *key, const char *value)
{
    char err[512], what[600];

    snprintf(what, sizeof what, "%s = %s", key, value);
    edit_begin(app);
    if (scenario_set_top(&app->sc, key, value, err, sizeof err) < 0) {
        edit_cancel(app);
        app_message(app, true, "%s: %s", key, err);
        return false;
    }
    return edit_commit(app, what);
}

/* Apply the advisor's first remedy for the last measured step. */
bool edit_apply_advice(struct app *app)
{
    const struct step_result *st = live_last(app);
    struct advice_neck neck;
    struct advice_remedy rem[ADVICE_MAX_REMEDIES];
    char what[256];
    int n, before;

    if (!st) {
        app_message(app, true, "measure a step first (. or space): the "
                    "advisor reads its figures");
        return false;
    }
    if (live_failing(app, st, what, sizeof what)) {
        char *effect = strchr(what, ';');

        if (effect)
            *effect = '\0';        /* the failure, without its effect */
        app_message(app, true, "A: no remedy for a failure (%s)", what);
        return false;
    }
    advisor_bottleneck(&app->live.design, st, &neck);
    n = advisor_remedies(&app->live.design, st, &neck, rem,
                         ADVICE_MAX_REMEDIES);
    if (n == 0 || rem[0].kind == REM_SPLIT) {
        app_message(app, false, "the advisor has nothing to add here");
        return false;
    }
    before = app->sc.ncomponents;
    edit_begin(app);
    if (advisor_apply(&app->sc, &rem[0]) < 0) {
        edit_cancel(app);
        app_message(app, true, "cannot apply '%s' here", rem[0].what);
        return false;
    }
    if (app->sc.ncomponents != before)
        layout_auto(&app->sc);      /* room for what was added */
    snprintf(what, sizeof what, "applied the advice: %s", rem[0].what);
    return edit_commit(app, what);
}
