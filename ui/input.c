/*
 * input.c - what each key does, by mode. Nothing destructive happens on
 * one key alone: deleting and quitting with unsaved changes ask first,
 * and every change can be undone.
 */
#include <ctype.h>
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "scenario_yaml.h"
#include "screen.h"

#define CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

static void begin_command(struct app *app, const char *text)
{
    app->mode = MODE_COMMAND;
    snprintf(app->cmd, sizeof app->cmd, "%s", text);
    app->cmd_len = strlen(app->cmd);
}

static void ask(struct app *app, enum confirm_action action,
                const char *question)
{
    app->mode = MODE_CONFIRM;
    app->confirm = action;
    snprintf(app->confirm_text, sizeof app->confirm_text, "%s", question);
    app_message(app, false, "%s (y/n)", question);
}

void input_ask_delete(struct app *app, int comp)
{
    char q[NAME_BYTES + 64];

    app->sel = comp;
    snprintf(q, sizeof q, "delete %s and the calls to it?",
             app->sc.components[comp].name);
    ask(app, CONFIRM_DELETE, q);
}

void input_ask_quit(struct app *app)
{
    if (!app->dirty) {
        app->quit = true;
        return;
    }
    ask(app, CONFIRM_QUIT, "quit without exporting your changes?");
}

static void open_form(struct app *app)
{
    struct form *fm = &app->form;
    enum comp_kind kind;

    if (app->sel < 0)
        return;
    memset(fm, 0, sizeof *fm);
    fm->comp = app->sel;
    kind = app->sc.components[app->sel].kind;
    for (size_t i = 0; i < scenario_nfields && fm->nrows < 64; i++)
        if (scenario_fields[i].kinds & KINDS(kind))
            fm->fields[fm->nrows++] = (int)i;
    app->mode = MODE_FORM;
}

/* --- Normal mode ---------------------------------------------------------- */

static void select_step(struct app *app, int dx, int dy)
{
    app->sel = layout_neighbour(&app->sc, app->sel, dx, dy);
}

static void cycle(struct app *app, int delta)
{
    int n = app->sc.ncomponents;

    if (n == 0)
        return;
    app->sel = ((app->sel < 0 ? 0 : app->sel) + delta + n) % n;
}

static void move_selected(struct app *app, int dx, int dy)
{
    if (app->sel >= 0)
        edit_step_move(app, app->sel, dx, dy);
}

static void toggle_run(struct app *app)
{
    struct live *lv = &app->live;

    if (app->sc.ncomponents == 0) {
        app_message(app, true, "add a component first (a)");
        return;
    }
    lv->running = !lv->running;
    /* A step under way is finished before the pause, so its figures are
     * whole. */
    lv->one_step = !lv->running && lv->stepping;
    if (lv->holding)
        app_message(app, false, lv->running ? "hold goes on: space pauses"
                    : "hold paused: space goes on, . or + back to the ramp");
    else
        app_message(app, false, lv->running ? "running: space pauses"
                                            : "paused: space runs, . steps");
}

static void one_step(struct app *app)
{
    struct live *lv = &app->live;

    if (lv->stepping) {
        lv->one_step = true;        /* finish the step under way */
        return;
    }
    live_step_up(app, 1);
}

static void restart(struct app *app)
{
    live_clear(app);
    app->live.running = app->sc.ncomponents > 0;
    app_log(app, "ramp restarted");
    app_message(app, false, "ramp restarted from the first step");
}

static void start_connect(struct app *app)
{
    if (app->sel < 0)
        return;
    app->connect_from = app->sel;
    app->mode = MODE_CONNECT;
    app_message(app, false, "%s calls which? select it and press Enter "
                "(Esc cancels)", app->sc.components[app->sel].name);
}

static void open_fail_menu(struct app *app)
{
    if (app->sel < 0) {
        app_message(app, true, "select the box to fail first");
        return;
    }
    if (!live_can_fail(app))
        return;
    app->mode = MODE_FAIL;
    app->menu_row = 0;
}

static bool navigation_key(struct app *app, int key)
{
    switch (key) {
    case KEY_LEFT: case 'h': select_step(app, -1, 0); return true;
    case KEY_RIGHT: case 'l': select_step(app, 1, 0); return true;
    case KEY_UP: case 'k': select_step(app, 0, -1); return true;
    case KEY_DOWN: case 'j': select_step(app, 0, 1); return true;
    case '\t': cycle(app, 1); return true;
    case KEY_BTAB: cycle(app, -1); return true;
    default: return false;
    }
}

static bool move_key(struct app *app, int key)
{
    switch (key) {
    case 'H': case KEY_SLEFT: move_selected(app, -2, 0); return true;
    case 'L': case KEY_SRIGHT: move_selected(app, 2, 0); return true;
    case 'K': case KEY_SR: move_selected(app, 0, -1); return true;
    case 'J': case KEY_SF: move_selected(app, 0, 1); return true;
    default: return false;
    }
}

static void edit_key(struct app *app, int key)
{
    char text[sizeof app->path + 32];

    switch (key) {
    case 'a': app->mode = MODE_MENU; app->menu_row = 0; break;
    case 'c': start_connect(app); break;
    case 'f': open_fail_menu(app); break;
    case 'E':
        if (app->sel >= 0) {
            snprintf(text, sizeof text, "entry %s",
                     app->sc.components[app->sel].name);
            begin_command(app, text);
        }
        break;
    case 'e': case '\n': case KEY_ENTER: open_form(app); break;
    case 'd': case KEY_DC:
        if (app->sel >= 0)
            input_ask_delete(app, app->sel);
        break;
    case 'x':
        if (app->sel >= 0) {
            snprintf(text, sizeof text, "disconnect %s ",
                     app->sc.components[app->sel].name);
            begin_command(app, text);
        }
        break;
    case 'u': edit_undo(app); break;
    case 'A': edit_apply_advice(app); break;
    case 't': app->mode = MODE_TRACE; break;
    case 'n':
        if (app->tour)
            tour_open(app, app->tour + 1);
        break;
    case 'p':
        if (app->tour)
            tour_open(app, app->tour - 1);
        break;
    case CTRL('r'): edit_redo(app); break;
    case 'w':
        /* Never offer to write over a shipped scenario. */
        snprintf(text, sizeof text, "export %s",
                 app_is_shipped(app->path) ? "" : app->path);
        begin_command(app, text);
        break;
    case 'o': begin_command(app, "open "); break;
    default: break;
    }
}

static void normal_key(struct app *app, int key)
{
    app->message[0] = '\0';
    if (navigation_key(app, key) || move_key(app, key))
        return;
    switch (key) {
    case 'q': input_ask_quit(app); return;
    case '?': app->mode = MODE_HELP; return;
    case ':': begin_command(app, ""); return;
    case ' ': toggle_run(app); return;
    case '.': one_step(app); return;
    case '+': case '=': live_step_up(app, 1); return;
    case '-': live_step_up(app, -1); return;
    case 'T': live_hold(app, 0); return;
    case 'r': restart(app); return;
    case 'v': input_show_log(app); return;
    default: break;
    }
    if (key >= '1' && key <= '9') {
        char text[16];

        snprintf(text, sizeof text, "users %c", key);
        begin_command(app, text);
        return;
    }
    edit_key(app, key);
}

/* --- Other modes ----------------------------------------------------------- */

static void confirm_key(struct app *app, int key)
{
    char err[1024];

    app->mode = MODE_NORMAL;
    app->message[0] = '\0';
    if (key != 'y' && key != 'Y') {
        app_message(app, false, "cancelled");
        return;
    }
    switch (app->confirm) {
    case CONFIRM_DELETE:
        if (app->sel >= 0)
            edit_delete(app, app->sel);
        break;
    case CONFIRM_QUIT:
        app->quit = true;
        break;
    case CONFIRM_OPEN:
        if (app_load(app, app->pending_path, err, sizeof err) < 0)
            app_message(app, true, "%s", err);
        break;
    }
}

/* Move through a menu of n rows, or choose a row by its number (the key
 * then becomes Enter); true if the key did either. */
static bool menu_move(struct app *app, int *key, int n)
{
    if (*key >= '1' && *key < '1' + n) {
        app->menu_row = *key - '1';
        *key = '\n';
        return false;
    }
    switch (*key) {
    case KEY_UP: case 'k':
        app->menu_row = (app->menu_row + n - 1) % n;
        return true;
    case KEY_DOWN: case 'j':
        app->menu_row = (app->menu_row + 1) % n;
        return true;
    default:
        return false;
    }
}

static void menu_key(struct app *app, int key)
{
    if (menu_move(app, &key, KIND_COUNT))
        return;
    switch (key) {
    case '\n': case KEY_ENTER:
        app->mode = MODE_NORMAL;
        edit_add(app, (enum comp_kind)app->menu_row, NULL);
        break;
    case KEY_ESC: case 'q':
        app->mode = MODE_NORMAL;
        break;
    default:
        break;
    }
}

static void connect_key(struct app *app, int key)
{
    if (navigation_key(app, key))
        return;
    if (key == '\n' || key == KEY_ENTER) {
        app->mode = MODE_NORMAL;
        if (app->sel == app->connect_from)
            app_message(app, true, "a component cannot call itself");
        else
            edit_connect(app, app->connect_from, app->sel);
        return;
    }
    if (key == KEY_ESC || key == 'q') {
        app->mode = MODE_NORMAL;
        app->sel = app->connect_from;
        app_message(app, false, "cancelled");
    }
}

/* The box a partition of comp most likely cuts: one it calls, else one
 * that calls it, else the next box. */
static int likely_peer(const struct scenario *sc, int comp)
{
    const struct component *c = &sc->components[comp];

    for (int j = 0; j < c->ncalls; j++)
        if (c->calls[j] >= 0 && c->calls[j] != comp)
            return c->calls[j];
    for (int i = 0; i < sc->ncomponents; i++)
        for (int j = 0; j < sc->components[i].ncalls; j++)
            if (sc->components[i].calls[j] == comp && i != comp)
                return i;
    return (comp + 1) % sc->ncomponents;
}

static void start_peer(struct app *app)
{
    const char *name = app->sc.components[app->sel].name;

    if (app->sc.ncomponents < 2) {
        app_message(app, true, "a partition needs another box to cut %s "
                    "off from", name);
        return;
    }
    app->connect_from = app->sel;
    app->sel = likely_peer(&app->sc, app->sel);
    app->mode = MODE_PEER;
    app_message(app, false, "cut %s off from which? select it and press "
                "Enter (Esc cancels)", name);
}

/* Strike the selected box with failure kind for MENU_FAIL_DURATION. */
static void strike_selected(struct app *app, enum failure_kind kind)
{
    struct fail_request rq = {
        .target = app->sc.components[app->sel].name,
        .kind = (int)kind,
        .duration = MENU_FAIL_DURATION,
    };

    if (kind == FAIL_PARTITION)
        start_peer(app);
    else
        live_fail(app, &rq);
}

static void fail_menu_key(struct app *app, int key)
{
    enum failure_kind kinds[FAIL_KIND_COUNT];
    int n;

    if (app->sel < 0 || app->sel >= app->sc.ncomponents) {
        app->mode = MODE_NORMAL;
        return;
    }
    n = live_fail_choices(app->sc.components[app->sel].kind, kinds);
    if (menu_move(app, &key, n))
        return;
    switch (key) {
    case '\n': case KEY_ENTER:
        app->mode = MODE_NORMAL;
        strike_selected(app, kinds[app->menu_row % n]);
        break;
    case KEY_ESC: case 'q':
        app->mode = MODE_NORMAL;
        app_message(app, false, "cancelled");
        break;
    default:
        break;
    }
}

/* Choosing the other side of a partition, as connecting chooses. */
static void peer_key(struct app *app, int key)
{
    struct fail_request rq = {
        .kind = FAIL_PARTITION, .duration = MENU_FAIL_DURATION,
    };

    if (navigation_key(app, key))
        return;
    if (key == '\n' || key == KEY_ENTER) {
        app->mode = MODE_NORMAL;
        rq.target = app->sc.components[app->connect_from].name;
        rq.peer = app->sc.components[app->sel].name;
        app->sel = app->connect_from;
        live_fail(app, &rq);
        return;
    }
    if (key == KEY_ESC || key == 'q') {
        app->mode = MODE_NORMAL;
        app->sel = app->connect_from;
        app_message(app, false, "cancelled");
    }
}

/* Append or remove one byte of typed text; UTF-8 is kept whole. */
static bool line_edit(char *buf, size_t size, int key)
{
    size_t len = strlen(buf);

    if (key == KEY_BACKSPACE || key == 127 || key == CTRL('h')) {
        while (len > 0 && ((unsigned char)buf[len - 1] & 0xc0) == 0x80)
            len--;
        if (len > 0)
            len--;
        buf[len] = '\0';
        return true;
    }
    if (key == CTRL('u')) {
        buf[0] = '\0';
        return true;
    }
    if (key >= 0x20 && key < 0x100 && key != 127 && len + 1 < size) {
        buf[len] = (char)key;
        buf[len + 1] = '\0';
        return true;
    }
    return false;
}

static void form_key(struct app *app, int key)
{
    struct form *fm = &app->form;
    const struct field *fd;

    if (fm->nrows == 0 || key == KEY_ESC) {
        if (fm->editing && key == KEY_ESC) {
            fm->editing = false;
            fm->error[0] = '\0';
        } else {
            app->mode = MODE_NORMAL;
        }
        return;
    }
    fd = &scenario_fields[fm->fields[fm->row]];
    if (fm->editing) {
        if (key == '\n' || key == KEY_ENTER) {
            if (edit_set(app, fm->comp, fd->key, fm->buf)) {
                fm->editing = false;
                fm->error[0] = '\0';
            } else {
                snprintf(fm->error, sizeof fm->error, "%s", app->message);
            }
        } else {
            line_edit(fm->buf, sizeof fm->buf, key);
        }
        return;
    }
    switch (key) {
    case KEY_UP: case 'k': fm->row = (fm->row + fm->nrows - 1) % fm->nrows;
        break;
    case KEY_DOWN: case 'j': fm->row = (fm->row + 1) % fm->nrows; break;
    case '\n': case KEY_ENTER: case 'e':
        scenario_format_field(&app->sc.components[fm->comp], fd, fm->buf,
                              sizeof fm->buf);
        fm->editing = true;
        fm->error[0] = '\0';
        break;
    case 'q': app->mode = MODE_NORMAL; break;
    default: break;
    }
}

static void command_key(struct app *app, int key)
{
    char line[sizeof app->cmd];

    switch (key) {
    case KEY_ESC:
        app->mode = MODE_NORMAL;
        return;
    case '\t':
        command_complete(app);
        return;
    case '\n': case KEY_ENTER:
        snprintf(line, sizeof line, "%s", app->cmd);
        app->mode = MODE_NORMAL;
        app->message[0] = '\0';
        command_run(app, line);
        return;
    default:
        if (key == KEY_BACKSPACE && app->cmd[0] == '\0') {
            app->mode = MODE_NORMAL;
            return;
        }
        line_edit(app->cmd, sizeof app->cmd, key);
        app->cmd_len = strlen(app->cmd);
    }
}

/* --- The mouse ----------------------------------------------------------- */

static void mouse_event(struct app *app)
{
    MEVENT ev;
    int cx, cy, hit;

    if (getmouse(&ev) != OK)
        return;
    cx = ev.x + app->view_x;
    cy = ev.y - 1 + app->view_y;
    if (ev.bstate & BUTTON1_PRESSED) {
        hit = layout_hit(&app->sc, cx, cy);
        if (hit >= 0) {
            app->sel = hit;
            app->drag_comp = hit;
            app->drag_dx = cx - app->sc.components[hit].x;
            app->drag_dy = cy - app->sc.components[hit].y;
        }
        return;
    }
    if (app->drag_comp >= 0 && app->drag_comp < app->sc.ncomponents &&
        (ev.bstate & (REPORT_MOUSE_POSITION | BUTTON1_RELEASED)) &&
        !edit_move(app, app->drag_comp, cx - app->drag_dx,
                   cy - app->drag_dy))
        app_message(app, false, "another box is there");
    if (ev.bstate & BUTTON1_RELEASED)
        app->drag_comp = -1;
}

static void challenges_key(struct app *app, int key)
{
    switch (key) {
    case KEY_UP: case 'k':
        if (app->menu_row > 0)
            app->menu_row--;
        break;
    case KEY_DOWN: case 'j':
        if (app->menu_row + 1 < app->nchoices)
            app->menu_row++;
        break;
    case '\n': case KEY_ENTER:
        practice_choose(app);
        break;
    default:
        app->mode = MODE_NORMAL;
        break;
    }
}

/* The help scrolls with j/k, arrows, space and PgUp/PgDn; any other key
 * closes it. */
static void help_key(struct app *app, int key)
{
    switch (key) {
    case 'j': case KEY_DOWN: app->help_top++; break;
    case 'k': case KEY_UP: app->help_top--; break;
    case ' ': case KEY_NPAGE: app->help_top += 10; break;
    case KEY_PPAGE: app->help_top -= 10; break;
    default: app->mode = MODE_NORMAL; app->help_top = 0; return;
    }
    if (app->help_top < 0)
        app->help_top = 0;
    if (app->help_top > help_nlines - 1)
        app->help_top = help_nlines - 1;
}

void input_show_log(struct app *app)
{
    app->mode = MODE_LOG;
    app->log_back = 0;
}

/* The event log goes back with k, Up and PgUp, forward with j, Down,
 * space and PgDn; any other key closes it. The drawing keeps it from
 * scrolling past its oldest line. */
static void log_key(struct app *app, int key)
{
    switch (key) {
    case 'k': case KEY_UP: app->log_back++; break;
    case 'j': case KEY_DOWN: app->log_back--; break;
    case KEY_PPAGE: app->log_back += 10; break;
    case ' ': case KEY_NPAGE: app->log_back -= 10; break;
    default: app->mode = MODE_NORMAL; return;
    }
    if (app->log_back < 0)
        app->log_back = 0;
    if (app->log_back > app->nlog)
        app->log_back = app->nlog;
}

void input_key(struct app *app, int key)
{
    if (key == KEY_MOUSE) {
        /* Clicks act on the diagram only when nothing else is asked. */
        if (app->mode == MODE_NORMAL || app->mode == MODE_CONNECT ||
            app->mode == MODE_PEER)
            mouse_event(app);
        else
            getmouse(&(MEVENT){0});
        return;
    }
    switch (app->mode) {
    case MODE_HELP: help_key(app, key); break;
    case MODE_TOUR: tour_begin_ramp(app); break;
    case MODE_TRACE: app->mode = MODE_NORMAL; break;
    case MODE_REPORT: help_key(app, key); break;
    case MODE_CHALLENGES: challenges_key(app, key); break;
    case MODE_MENU: menu_key(app, key); break;
    case MODE_CONNECT: connect_key(app, key); break;
    case MODE_FAIL: fail_menu_key(app, key); break;
    case MODE_PEER: peer_key(app, key); break;
    case MODE_LOG: log_key(app, key); break;
    case MODE_CONFIRM: confirm_key(app, key); break;
    case MODE_COMMAND: command_key(app, key); break;
    case MODE_FORM: form_key(app, key); break;
    default: normal_key(app, key); break;
    }
}
