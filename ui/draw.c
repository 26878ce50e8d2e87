/*
 * draw.c - the one screen: status line, diagram with arrows for calls,
 * side panel for the selected component, and a bottom strip with the
 * end-to-end charts over the ramp, the advisor's line and the event log.
 * Overlays (help, menu, form) are drawn over it.
 */
#include <math.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "advisor.h"
#include "autoscale.h"
#include "challenge.h"
#include "report.h"
#include "scenario_yaml.h"
#include "screen.h"

/* From here a saturating resource is called the bottleneck. */
#define BOTTLENECK_UTIL 0.8

struct frame {
    int cols, rows;
    int diag_x, diag_y, diag_w, diag_h;
    int side_x, side_w;
    int strip_y;
};

/* Rows the event log gets beyond its four on a tall terminal: half of
 * those past 40, up to 12, so that what failed and when, and when it
 * recovered, stays in view while the diagram keeps the most. */
static int extra_log_rows(int rows)
{
    int extra = rows > 40 ? (rows - 40) / 2 : 0;

    return extra < 12 ? extra : 12;
}

static void plan_frame(const struct app *app, struct frame *f)
{
    getmaxyx(stdscr, f->rows, f->cols);
    f->side_w = f->cols >= 120 ? 38 : f->cols >= 90 ? 30 : 22;
    f->side_x = f->cols - f->side_w;
    f->strip_y = f->rows - (f->rows >= 40 ? 10 : 7) - app->has_baseline -
                 (f->rows >= 30 ? 2 : 0) -  /* room for p50 and p95 rows */
                 extra_log_rows(f->rows);
    f->diag_x = 0;
    f->diag_y = 1;
    f->diag_w = f->side_x - 1;
    f->diag_h = f->strip_y - 1;
}

static const struct comp_result *comp_now(const struct app *app, int c)
{
    const struct step_result *st = live_last(app);

    if (!st || c < 0 || c >= app->sc.ncomponents)
        return NULL;
    return &st->comps[c];
}

static int bottleneck(const struct app *app)
{
    const struct step_result *st = live_last(app);

    return st && st->bottleneck_util >= BOTTLENECK_UTIL ? st->bottleneck
                                                        : -1;
}

/* --- Status line --------------------------------------------------------- */

/* Append piece to line when it fits in cols cells. */
static void add_piece(char *line, size_t size, int cols, const char *piece)
{
    size_t used = strlen(line);

    if (text_width(line) + text_width(piece) <= cols)
        snprintf(line + used, size - used, "%s", piece);
}

/* The monthly cost: with autoscaled servers at the instances the last
 * step had on average, once one is measured. */
static double cost_now(const struct app *app)
{
    const struct live *lv = &app->live;
    const struct step_result *st = live_last(app);

    if (st && lv->sim && lv->design.ncomponents == app->sc.ncomponents)
        return step_monthly_cost(&lv->design, st);
    return scenario_monthly_cost(&app->sc);
}

/* Whether the design keeps its objectives at the last step, its budget
 * included. */
static bool holds_now(const struct app *app, const struct step_result *st)
{
    double budget = app->sc.objectives.budget;

    return st->holds && (budget <= 0 || cost_now(app) <= budget);
}

/* "100k users 10k/s", or during a spike "100k users x2 (20k/s)": the
 * rate is what the surged users send. */
static void users_piece(const struct app *app, const char *lead, char *buf,
                        size_t len)
{
    const struct live *lv = &app->live;
    double surge = lv->sim ? lv->sim->surge : 1;
    char users[16], rate[16];

    format_count(users, sizeof users, lv->users);
    format_count(rate, sizeof rate, users_rate(&app->sc, lv->users * surge));
    /* A spike's end divides by its factor: allow for rounding. */
    if (fabs(surge - 1) > 1e-9)
        snprintf(buf, len, "%s%s users x%.3g (%s/s)", lead, users, surge,
                 rate);
    else
        snprintf(buf, len, "%s%s users %s/s", lead, users, rate);
}

static void draw_status(struct app *app, const struct frame *f)
{
    const struct step_result *st = live_last(app);
    const struct live *lv = &app->live;
    char cap[16], p99[16], piece[NAME_BYTES + 64];
    char line[1024];
    double budget = app->sc.objectives.budget;

    format_count(cap, sizeof cap, lv->capacity);
    snprintf(line, sizeof line, " %s%s", app->sc.name, app->dirty ? "*" : "");
    if (text_width(line) > f->cols / 3)
        line[0] = '\0';            /* too long to lead: it goes last */
    users_piece(app, line[0] ? " | " : " ", piece, sizeof piece);
    add_piece(line, sizeof line, f->cols, piece);
    if (app->challenge) {
        double t = practice_elapsed(app);

        snprintf(piece, sizeof piece, " | %s %d:%02d/%.0fmin",
                 app->challenge->name, (int)t / 60, (int)t % 60,
                 app->challenge->time_limit / 60);
        add_piece(line, sizeof line, f->cols, piece);
    }
    if (lv->holding) {
        /* Hold is read against the simulated time: it comes early. */
        snprintf(piece, sizeof piece, " | %s t=%.0fs", lv->running ? "HOLD"
                 : "hold paused", lv->sim ? (double)lv->sim->now / NS_PER_S
                                          : 0.0);
        add_piece(line, sizeof line, f->cols, piece);
    } else {
        add_piece(line, sizeof line, f->cols, lv->running ? " | RUNNING" :
                  lv->stepping ? " | STEPPING" : " | paused");
    }
    if (st)
        add_piece(line, sizeof line, f->cols,
                  holds_now(app, st) ? " | OK" : " | BROKEN");
    /* The capacity is known once a ramp has found the knee. */
    if (lv->first_broken >= 0 && lv->capacity > 0) {
        snprintf(piece, sizeof piece, " | cap %s", cap);
        add_piece(line, sizeof line, f->cols, piece);
    }
    snprintf(piece, sizeof piece, budget > 0 && cost_now(app) > budget
             ? " | $%.0f/mo OVER $%.0f" : " | $%.0f/mo", cost_now(app),
             budget);
    add_piece(line, sizeof line, f->cols, piece);
    if (st) {
        format_duration(p99, sizeof p99, (double)st->p99);
        snprintf(piece, sizeof piece, " | p99 %s err %.1f%%",
                 st->p99_known ? p99 : "?", st->error_frac * 100);
        add_piece(line, sizeof line, f->cols, piece);
    }
    add_piece(line, sizeof line, f->cols, " | ? help");
    snprintf(piece, sizeof piece, " | t=%.0fs",
             lv->sim ? (double)lv->sim->now / NS_PER_S : 0.0);
    if (!lv->holding)
        add_piece(line, sizeof line, f->cols, piece);
    if (line[0] != ' ') {           /* the name gave way: say it last */
        snprintf(piece, sizeof piece, " | %s", app->sc.name);
        add_piece(line, sizeof line, f->cols, piece);
    }
    attron(screen_attr(TONE_BAR));
    put_blank(0, 0, f->cols);
    put_text(0, 0, line, f->cols);
    attroff(screen_attr(TONE_BAR));
}

/* --- Arrows ---------------------------------------------------------------
 * Calls are drawn as lines on a grid of cells; each cell keeps which of
 * its four sides a line leaves by, so crossings and corners get the right
 * glyph. A line goes right from the caller, down or up in the gap before
 * the callee, and right into it; when that would cross a box, a search
 * over free cells finds a path around.
 */

enum { UP = 1, DOWN = 2, LEFT = 4, RIGHT = 8 };

struct grid {
    int w, h;
    unsigned char *mask;            /* line sides per cell */
    unsigned char *box;             /* 1 where a box stands */
    unsigned char *head;            /* 1 where an arrowhead goes */
};

static bool in_grid(const struct grid *g, int x, int y)
{
    return x >= 0 && y >= 0 && x < g->w && y < g->h;
}

static bool blocked(const struct grid *g, int x, int y)
{
    return !in_grid(g, x, y) || g->box[y * g->w + x];
}

static void link_cells(struct grid *g, int x0, int y0, int x1, int y1)
{
    int dx = (x1 > x0) - (x1 < x0), dy = (y1 > y0) - (y1 < y0);

    while (x0 != x1 || y0 != y1) {
        int nx = x0 + dx, ny = y0 + dy;

        if (in_grid(g, x0, y0))
            g->mask[y0 * g->w + x0] |= dx > 0 ? RIGHT : dx < 0 ? LEFT
                                       : dy > 0 ? DOWN : UP;
        if (in_grid(g, nx, ny))
            g->mask[ny * g->w + nx] |= dx > 0 ? LEFT : dx < 0 ? RIGHT
                                       : dy > 0 ? UP : DOWN;
        x0 = nx;
        y0 = ny;
    }
}

static bool segment_clear(const struct grid *g, int x0, int y0, int x1,
                          int y1)
{
    int dx = (x1 > x0) - (x1 < x0), dy = (y1 > y0) - (y1 < y0);

    for (;;) {
        if (blocked(g, x0, y0))
            return false;
        if (x0 == x1 && y0 == y1)
            return true;
        x0 += dx;
        y0 += dy;
    }
}

/* Breadth-first search over free cells; marks the path it finds. */
static bool route_search(struct grid *g, int sx, int sy, int tx, int ty)
{
    int n = g->w * g->h, *prev = malloc((size_t)n * sizeof *prev);
    int *queue = malloc((size_t)n * sizeof *queue), head = 0, tail = 0;
    bool found = false;

    if (!prev || !queue) {
        free(prev);
        free(queue);
        return false;
    }
    for (int i = 0; i < n; i++)
        prev[i] = -2;
    prev[sy * g->w + sx] = -1;
    queue[tail++] = sy * g->w + sx;
    while (head < tail && !found) {
        int at = queue[head++], x = at % g->w, y = at / g->w;
        static const int step[4][2] = {{1, 0}, {0, 1}, {0, -1}, {-1, 0}};

        for (int k = 0; k < 4; k++) {
            int nx = x + step[k][0], ny = y + step[k][1], ni;

            if (blocked(g, nx, ny) || prev[ny * g->w + nx] != -2)
                continue;
            ni = ny * g->w + nx;
            prev[ni] = at;
            queue[tail++] = ni;
            if (nx == tx && ny == ty)
                found = true;
        }
    }
    for (int at = ty * g->w + tx; found && prev[at] >= 0; at = prev[at])
        link_cells(g, prev[at] % g->w, prev[at] / g->w, at % g->w,
                   at / g->w);
    free(prev);
    free(queue);
    return found;
}

static void route(struct grid *g, const struct component *a,
                  const struct component *b)
{
    int sx = a->x + BOX_W, sy = a->y + 1;
    int tx = b->x - 1, ty = b->y + 1 + (a->y > b->y ? 1 : 0);

    if (blocked(g, sx, sy) || blocked(g, tx, ty))
        return;
    g->head[ty * g->w + tx] = 1;
    for (int mx = tx - 1; mx > sx; mx--) {
        if (segment_clear(g, sx, sy, mx, sy) &&
            segment_clear(g, mx, sy, mx, ty) &&
            segment_clear(g, mx, ty, tx, ty)) {
            link_cells(g, sx, sy, mx, sy);
            link_cells(g, mx, sy, mx, ty);
            link_cells(g, mx, ty, tx, ty);
            return;
        }
    }
    if (sy == ty && tx == sx) {
        g->mask[sy * g->w + sx] |= LEFT | RIGHT;
        return;
    }
    route_search(g, sx, sy, tx, ty);
}

static void canvas_size(const struct scenario *sc, int *w, int *h)
{
    *w = 8;
    *h = 4;
    for (int i = 0; i < sc->ncomponents; i++) {
        if (sc->components[i].x + BOX_W + 8 > *w)
            *w = sc->components[i].x + BOX_W + 8;
        if (sc->components[i].y + BOX_H + 4 > *h)
            *h = sc->components[i].y + BOX_H + 4;
    }
}

static bool build_grid(const struct scenario *sc, struct grid *g)
{
    size_t n;

    canvas_size(sc, &g->w, &g->h);
    n = (size_t)g->w * (size_t)g->h;
    g->mask = calloc(n, 1);
    g->box = calloc(n, 1);
    g->head = calloc(n, 1);
    if (!g->mask || !g->box || !g->head)
        return false;
    for (int i = 0; i < sc->ncomponents; i++) {
        const struct component *c = &sc->components[i];

        for (int y = c->y; y < c->y + BOX_H && y < g->h; y++)
            for (int x = c->x; x < c->x + BOX_W && x < g->w; x++)
                g->box[y * g->w + x] = 1;
    }
    for (int i = 0; i < sc->ncomponents; i++)
        for (int j = 0; j < sc->components[i].ncalls; j++)
            if (sc->components[i].calls[j] >= 0)
                route(g, &sc->components[i],
                      &sc->components[sc->components[i].calls[j]]);
    return true;
}

static void free_grid(struct grid *g)
{
    free(g->mask);
    free(g->box);
    free(g->head);
}

static void draw_arrows(const struct app *app, const struct frame *f)
{
    struct grid g = {0};

    if (!build_grid(&app->sc, &g)) {
        free_grid(&g);
        return;
    }
    attron(screen_attr(TONE_DIM));
    for (int y = 0; y < f->diag_h; y++) {
        for (int x = 0; x < f->diag_w; x++) {
            int cx = x + app->view_x, cy = y + app->view_y, i;

            if (!in_grid(&g, cx, cy))
                continue;
            i = cy * g.w + cx;
            if (g.head[i])
                mvaddstr(f->diag_y + y, f->diag_x + x, G.arrow);
            else if (g.mask[i])
                mvaddstr(f->diag_y + y, f->diag_x + x, G.lines[g.mask[i]]);
        }
    }
    attroff(screen_attr(TONE_DIM));
    free_grid(&g);
}

/* --- Boxes --------------------------------------------------------------- */

/* Instances (a queue: workers) of component c now: in service in the
 * running engine when c autoscales, else as the design says. */
static int count_now(const struct app *app, int c)
{
    const struct live *lv = &app->live;
    const struct component *comp = &app->sc.components[c];

    if (lv->sim && c < lv->design.ncomponents &&
        component_autoscales(&lv->design.components[c]))
        return autoscale_count(lv->sim, c);
    return component_start_count(comp);
}

/* Whether component c answered enough in st's window for its p99 to be
 * told, by the rule a step's own p99 follows. */
static bool comp_p99_known(const struct step_result *st, int c)
{
    const struct comp_result *cr = &st->comps[c];
    double answers = cr->throughput * (double)st->window / NS_PER_S;

    return cr->p99 > 0 && answers >= RAMP_MIN_P99_SAMPLES;
}

/* A component's p99 for a box or the panel: "-" when it answered
 * nothing, "?" when too little to tell. */
static void comp_p99_text(const struct app *app, int c, char *buf,
                          size_t len)
{
    const struct step_result *st = live_last(app);

    if (!st || st->comps[c].p99 <= 0)
        snprintf(buf, len, "-");
    else if (!comp_p99_known(st, c))
        snprintf(buf, len, "?");
    else
        format_duration(buf, len, (double)st->comps[c].p99);
}

/* "x4", or "x12k" past a thousand, in the four cells a box has. */
static void count_label(char *buf, size_t len, char prefix, int n)
{
    if (n >= 1000)
        snprintf(buf, len, "%c%dk", prefix, n / 1000);
    else
        snprintf(buf, len, "%c%d", prefix, n);
}

/* The figure that matters most for a kind, in at most 15 cells. */
static void key_figure(const struct app *app, int c, char *buf, size_t len)
{
    const struct component *comp = &app->sc.components[c];
    const struct comp_result *cr = comp_now(app, c);
    char a[16], b[16];

    if (!cr) {
        snprintf(buf, len, "-");
        return;
    }
    switch (comp->kind) {
    case KIND_CACHE:
    case KIND_CDN:
        if (cr->hit_ratio >= 0)
            snprintf(buf, len, "hit %.0f%%", cr->hit_ratio * 100);
        else
            snprintf(buf, len, "hit -");
        break;
    case KIND_DATABASE:
        format_duration(a, sizeof a, cr->lag_mean);
        if (comp->replicas)
            snprintf(buf, len, "lag %s", a);
        else
            snprintf(buf, len, "pool %.0f%%", cr->pool * 100);
        break;
    case KIND_QUEUE:
        format_duration(a, sizeof a, cr->lag_mean);
        snprintf(buf, len, "depth %.0f", cr->depth);
        if (cr->lag_mean >= 1e6)
            snprintf(buf, len, "depth %.0f %s", cr->depth, a);
        break;
    case KIND_LB:
        format_count(a, sizeof a, cr->throughput);
        snprintf(buf, len, "%s/s", a);
        break;
    default:
        comp_p99_text(app, c, b, sizeof b);
        snprintf(buf, len, "thr %.0f%% %s", cr->pool * 100, b);
        break;
    }
}

static void util_bar(int y, int x, double util, bool known)
{
    int cells = 10, full = (int)lround(util * cells);
    enum tone tone = tone_of_util(util);

    if (full > cells)
        full = cells;
    if (!known) {
        put_fmt(y, x, 15, "%s", "idle");
        return;
    }
    attron(screen_attr(tone));
    for (int i = 0; i < cells; i++)
        addstr(i < full ? G.full : G.empty);
    attroff(screen_attr(tone));
    printw("%4.0f%%", util * 100);
}

/* Put glyph s at canvas cell (cx, cy) if it is in view. */
static void put_cell(const struct app *app, const struct frame *f, int cx,
                     int cy, const char *s)
{
    int x = cx - app->view_x, y = cy - app->view_y;

    if (x >= 0 && y >= 0 && x < f->diag_w && y < f->diag_h)
        mvaddstr(f->diag_y + y, f->diag_x + x, s);
}

static void box_border(const struct app *app, const struct frame *f,
                       const struct component *c)
{
    for (int x = 1; x < BOX_W - 1; x++) {
        put_cell(app, f, c->x + x, c->y, G.h);
        put_cell(app, f, c->x + x, c->y + BOX_H - 1, G.h);
    }
    for (int y = 1; y < BOX_H - 1; y++) {
        put_cell(app, f, c->x, c->y + y, G.v);
        put_cell(app, f, c->x + BOX_W - 1, c->y + y, G.v);
        for (int x = 1; x < BOX_W - 1; x++)
            put_cell(app, f, c->x + x, c->y + y, " ");
    }
    put_cell(app, f, c->x, c->y, G.tl);
    put_cell(app, f, c->x + BOX_W - 1, c->y, G.tr);
    put_cell(app, f, c->x, c->y + BOX_H - 1, G.bl);
    put_cell(app, f, c->x + BOX_W - 1, c->y + BOX_H - 1, G.br);
}

/* Text inside a box: only when the whole row is in view. */
static bool row_in_view(const struct app *app, const struct frame *f,
                        const struct component *c, int row, int *sy,
                        int *sx)
{
    int x = c->x - app->view_x, y = c->y + row - app->view_y;

    *sy = f->diag_y + y;
    *sx = f->diag_x + x + 1;
    return y >= 0 && y < f->diag_h && x >= 0 && x + BOX_W <= f->diag_w;
}

/* The count on a box's top edge ("+2", "x12", "w8"); "" when none. */
static void box_count(const struct app *app, int i, char *buf, size_t len)
{
    const struct component *c = &app->sc.components[i];

    buf[0] = '\0';
    if (c->kind == KIND_DATABASE && c->replicas > 0)
        snprintf(buf, len, "+%d", c->replicas);
    else if (component_autoscales(c) ||
             (c->kind != KIND_DATABASE && c->instances > 1))
        /* An autoscaled queue counts its workers. */
        count_label(buf, len, c->kind == KIND_QUEUE ? 'w' : 'x',
                    count_now(app, i));
}

/* The name on a box's top edge, "!" first for the bottleneck. */
static void box_name(const struct component *c, bool hot, char *buf,
                     size_t len)
{
    snprintf(buf, len, "%s%s", hot ? "!" : "", c->name);
}

/* The top edge of a box in full view: its name, then its count. */
static void box_title(const struct app *app, int i, int y, int x, int attr)
{
    const struct component *c = &app->sc.components[i];
    char name[NAME_BYTES + 2], count[16];

    box_name(c, i == bottleneck(app), name, sizeof name);
    box_count(app, i, count, sizeof count);
    attron(attr);
    /* Without a count the name may take the whole edge. */
    put_name(y, x, name, count[0] ? BOX_W - 6 : BOX_W - 2);
    attroff(attr);
    if (count[0])
        put_text(y, x + BOX_W - 6, count, 4);
}

/* A box cut by an edge of the view keeps its name, in the part of its
 * top edge that shows; its figures would be cut, so they are left out. */
static void partial_title(const struct app *app, const struct frame *f,
                          int i, int attr)
{
    const struct component *c = &app->sc.components[i];
    int y = c->y - app->view_y, left = c->x - app->view_x + 1;
    int right = c->x - app->view_x + BOX_W - 1;
    char name[NAME_BYTES + 2];

    if (left < 0)
        left = 0;
    if (right > f->diag_w)
        right = f->diag_w;
    if (y < 0 || y >= f->diag_h || right - left < 2)
        return;
    box_name(c, i == bottleneck(app), name, sizeof name);
    attron(attr);
    put_name(f->diag_y + y, f->diag_x + left, name, right - left);
    attroff(attr);
}

static void draw_box(const struct app *app, const struct frame *f, int i)
{
    const struct component *c = &app->sc.components[i];
    const struct comp_result *cr = comp_now(app, i);
    bool hot = i == bottleneck(app), sel = i == app->sel;
    int y, x, attr = sel ? screen_attr(TONE_SELECT) | (int)A_BOLD
                         : hot ? screen_attr(TONE_HOT) : (int)A_NORMAL;
    char buf[64];

    attron(attr);
    box_border(app, f, c);
    attroff(attr);
    if (row_in_view(app, f, c, 0, &y, &x))
        box_title(app, i, y, x, attr);
    else
        partial_title(app, f, i, attr);
    if (row_in_view(app, f, c, 1, &y, &x)) {
        move(y, x);
        util_bar(y, x, cr ? cr->util : 0, cr != NULL);
    }
    if (row_in_view(app, f, c, 2, &y, &x)) {
        key_figure(app, i, buf, sizeof buf);
        put_text(y, x, buf, BOX_W - 2);
    }
    if (row_in_view(app, f, c, 3, &y, &x)) {
        attron(attr);
        put_fmt(y, x, BOX_W - 2, "%s%s", hot ? "!BOTTLENECK" :
                kind_name(c->kind), sel && !hot ? " <" : "");
        attroff(attr);
    }
}

/* Scroll so that the selected box is in view. */
static void follow_selection(struct app *app, const struct frame *f)
{
    const struct component *c;
    int w, h;

    /* Never scrolled further than the diagram needs. */
    canvas_size(&app->sc, &w, &h);
    if (app->view_x > w - f->diag_w)
        app->view_x = w - f->diag_w > 0 ? w - f->diag_w : 0;
    if (app->view_y > h - f->diag_h)
        app->view_y = h - f->diag_h > 0 ? h - f->diag_h : 0;
    if (app->sel < 0 || app->sel >= app->sc.ncomponents)
        return;
    c = &app->sc.components[app->sel];
    if (c->x - 1 < app->view_x)
        app->view_x = c->x > 0 ? c->x - 1 : 0;
    if (c->x + BOX_W + 1 > app->view_x + f->diag_w)
        app->view_x = c->x + BOX_W + 1 - f->diag_w;
    if (c->y < app->view_y)
        app->view_y = c->y;
    if (c->y + BOX_H > app->view_y + f->diag_h)
        app->view_y = c->y + BOX_H - f->diag_h;
}

/* Say so when boxes lie beyond the edges of the view. */
static void offscreen_marks(const struct app *app, const struct frame *f)
{
    bool left = false, right = false, up = false, down = false;

    for (int i = 0; i < app->sc.ncomponents; i++) {
        const struct component *c = &app->sc.components[i];

        left |= c->x < app->view_x;
        right |= c->x + BOX_W > app->view_x + f->diag_w;
        up |= c->y < app->view_y;
        down |= c->y + BOX_H > app->view_y + f->diag_h;
    }
    /* On the rule under the diagram: a box's contents are never
     * covered, whichever edge the boxes lie beyond. */
    attron(A_REVERSE);
    if (left)
        put_text(f->strip_y, 0, "<more", 5);
    if (up)
        put_text(f->strip_y, f->diag_w / 2 - 7, "^more^", 6);
    if (down)
        put_text(f->strip_y, f->diag_w / 2, "vmorev", 6);
    if (right)
        put_text(f->strip_y, f->diag_w - 5, "more>", 5);
    attroff(A_REVERSE);
}

static void draw_diagram(struct app *app, const struct frame *f)
{
    follow_selection(app, f);
    draw_arrows(app, f);
    for (int i = 0; i < app->sc.ncomponents; i++)
        draw_box(app, f, i);
    if (app->sc.ncomponents == 0)
        put_text(f->diag_y + 1, 2, "No components yet: press a to add one.",
                 f->diag_w - 2);
}

/* --- Charts -------------------------------------------------------------- */

/* One row of a chart against users on a log axis: for each column, the
 * latest measured step that falls there, scaled between lo and hi. */
struct series {
    const struct step_result *steps;
    int n;
};

static struct series live_series(const struct app *app)
{
    return (struct series){app->live.hist, app->live.nhist};
}

/* One column of a chart: v between lo and hi as one of eight levels,
 * calm when the objectives held, hot when they broke. */
static void put_level(int y, int x, double v, double lo, double hi,
                      bool logscale, bool holds)
{
    double t;
    int level;

    if (logscale)
        t = v <= lo ? 0 : log(v / lo) / log(hi / lo);
    else
        t = hi > lo ? (v - lo) / (hi - lo) : 0;
    level = (int)lround(t * 7);
    level = level < 0 ? 0 : level > 7 ? 7 : level;
    attron(screen_attr(holds ? TONE_CALM : TONE_HOT));
    mvaddstr(y, x, G.spark[level]);
    attroff(screen_attr(holds ? TONE_CALM : TONE_HOT));
}

static void spark_of(const struct app *app, struct series s, int y, int x,
                     int w, double (*value)(const struct step_result *, int),
                     int arg, double lo, double hi, bool logscale)
{
    double from = log10(app->sc.ramp.from), to = log10(app->sc.ramp.to);

    put_blank(y, x, w);
    for (int i = 0; i < s.n; i++) {
        const struct step_result *st = &s.steps[i];
        double v = value(st, arg);
        int col = to > from ? (int)lround((log10(st->users) - from) /
                                          (to - from) * (w - 1)) : 0;

        if (col < 0 || col >= w || v < 0)
            continue;
        put_level(y, x + col, v, lo, hi, logscale, st->holds);
    }
}

static void spark(const struct app *app, int y, int x, int w,
                  double (*value)(const struct step_result *, int), int arg,
                  double lo, double hi, bool logscale)
{
    spark_of(app, live_series(app), y, x, w, value, arg, lo, hi, logscale);
}

static double p99_of(const struct step_result *st, int arg)
{
    (void)arg;
    return st->p99_known ? (double)st->p99 : -1;
}

static double errors_of(const struct step_result *st, int arg)
{
    (void)arg;
    return st->error_frac;
}

static double util_of(const struct step_result *st, int c)
{
    return st->comps[c].util;
}

static double comp_p99_of(const struct step_result *st, int c)
{
    return comp_p99_known(st, c) ? (double)st->comps[c].p99 : -1;
}

static double instances_of(const struct step_result *st, int c)
{
    return st->comps[c].instances;
}

/* Widen [lo, hi] to the positive values of a series. */
static void widen(struct series s, double (*value)(const struct step_result *,
                  int), int arg, double *lo, double *hi)
{
    for (int i = 0; i < s.n; i++) {
        double v = value(&s.steps[i], arg);

        if (v <= 0)
            continue;
        if (*lo == 0 || v < *lo)
            *lo = v;
        if (v > *hi)
            *hi = v;
    }
}

static void range_of(const struct app *app, double (*value)(
                     const struct step_result *, int), int arg, double *lo,
                     double *hi)
{
    *lo = 0;
    *hi = 0;
    widen(live_series(app), value, arg, lo, hi);
}

static void axis_labels(const struct app *app, int y, int x, int w)
{
    double from = log10(app->sc.ramp.from), to = log10(app->sc.ramp.to);
    char label[16];
    int free_from = 0;              /* first column not yet labelled */

    put_blank(y, x, w);
    for (int d = (int)ceil(from); d <= (int)floor(to); d++) {
        int col = to > from ? (int)lround((d - from) / (to - from) * (w - 1))
                            : 0;

        format_count(label, sizeof label, pow(10, d));
        if (col + text_width(label) > w)
            col = w - text_width(label);    /* the last one, right-aligned */
        if (col < free_from)
            continue;                       /* no room: skip, not overlap */
        put_text(y, x + col, label, w - col);
        free_from = col + text_width(label) + 1;
    }
}

static double p50_of(const struct step_result *st, int arg)
{
    (void)arg;
    return st->samples ? (double)st->p50 : -1;
}

static double p95_of(const struct step_result *st, int arg)
{
    (void)arg;
    return st->samples ? (double)st->p95 : -1;
}

/* The p50 and p95 rows, on the scale of the p99's, when there is room;
 * returns the rows used. */
static int percentile_rows(const struct app *app, const struct frame *f,
                           int y, int w, double lo, double hi)
{
    const struct step_result *st = live_last(app);
    char v[16];

    if (f->rows < 30)
        return 0;
    put_text(y, 0, "p50", 7);
    spark(app, y, 7, w, p50_of, 0, lo > 0 ? lo : 1, hi > lo ? hi : lo + 1,
          true);
    format_duration(v, sizeof v, st ? (double)st->p50 : 0);
    put_fmt(y, 7 + w + 1, 25, "now %s", st && st->samples ? v : "-");
    put_text(y + 1, 0, "p95", 7);
    spark(app, y + 1, 7, w, p95_of, 0, lo > 0 ? lo : 1,
          hi > lo ? hi : lo + 1, true);
    format_duration(v, sizeof v, st ? (double)st->p95 : 0);
    put_fmt(y + 1, 7 + w + 1, 25, "now %s", st && st->samples ? v : "-");
    return 2;
}

/* --- Charts over time, while holding -------------------------------------
 * One column per held interval, from the left until the width is full,
 * then the newest at the right; the axis below is labelled in seconds of
 * simulated time and marks the intervals in which the log told of
 * something going wrong (!), coming back (+), or both (*).
 */

/* The first held interval shown in w columns. */
static int hold_first(const struct live *lv, int w)
{
    return lv->nhold > w ? lv->nhold - w : 0;
}

static double hold_p99(const struct hold_point *p)
{
    /* Too few answers: a gap in the chart, not a guess. */
    return p->row.p99_known ? (double)p->row.p99 : -1;
}

static double hold_p95(const struct hold_point *p)
{
    return p->row.ok > 0 ? (double)p->p95 : -1;
}

static double hold_p50(const struct hold_point *p)
{
    return p->row.ok > 0 ? (double)p->row.p50 : -1;
}

static double hold_errors(const struct hold_point *p)
{
    return p->row.error_frac;
}

static void hold_spark(const struct live *lv, int y, int x, int w,
                       double (*value)(const struct hold_point *),
                       double lo, double hi, bool logscale)
{
    int first = hold_first(lv, w);

    put_blank(y, x, w);
    for (int i = first; i < lv->nhold; i++) {
        double v = value(&lv->hold[i]);

        if (v >= 0)
            put_level(y, x + i - first, v, lo, hi, logscale,
                      lv->hold[i].row.holds);
    }
}

/* Widen [lo, hi] to the positive values of the intervals shown. */
static void hold_widen(const struct live *lv, int w,
                       double (*value)(const struct hold_point *),
                       double *lo, double *hi)
{
    for (int i = hold_first(lv, w); i < lv->nhold; i++) {
        double v = value(&lv->hold[i]);

        if (v <= 0)
            continue;
        if (*lo == 0 || v < *lo)
            *lo = v;
        if (v > *hi)
            *hi = v;
    }
}

/* Seconds between two labels of the time axis: a round number that
 * leaves room for the longest label. */
static sim_ns hold_label_step(const struct live *lv)
{
    static const int steps[] = {10, 20, 30, 60, 120, 300, 600, 1800, 3600};
    char label[32];
    int width = snprintf(label, sizeof label, "%llds", (long long)(
                         lv->hold[lv->nhold - 1].row.end / NS_PER_S));
    size_t i = 0;

    while (i + 1 < sizeof steps / sizeof steps[0] && steps[i] < width + 2)
        i++;
    return steps[i] * NS_PER_S;
}

/* The mark of held interval i on the axis, from the events logged in
 * it; NULL when none. */
static const char *hold_mark(const struct live *lv, int i, enum tone *tone)
{
    unsigned m = lv->hold[i].marks;

    *tone = m & MARK_WRONG ? TONE_HOT : TONE_CALM;
    return m == (MARK_WRONG | MARK_BACK) ? "*" : m == MARK_WRONG ? "!"
           : m == MARK_BACK ? "+" : NULL;
}

/* The time axis being laid out: a character per column, and which
 * columns hold a mark. */
#define AXIS_MAX (MAX_HOLD + 16)

struct axis {
    char text[AXIS_MAX];
    bool mark[AXIS_MAX];
    int n;                          /* columns in use, at most AXIS_MAX */
};

/* Whether the len columns from col are blank and on the axis. */
static bool axis_free(const struct axis *ax, int col, int len)
{
    if (col < 0 || col + len > ax->n)
        return false;
    for (int c = col; c < col + len; c++)
        if (ax->text[c] != ' ' || ax->mark[c])
            return false;
    return true;
}

/* Put label at col when it fits with a blank column after it (or the
 * axis's end), and also before it when spaced. */
static void axis_label(struct axis *ax, int col, const char *label,
                       bool spaced)
{
    int len = (int)strlen(label);

    if (!axis_free(ax, col, len) ||
        (col + len < ax->n && !axis_free(ax, col + len, 1)) ||
        (spaced && col > 0 && !axis_free(ax, col - 1, 1)))
        return;
    memcpy(ax->text + col, label, (size_t)len);
}

/* The marks first, each followed where there is room by the time of
 * the first event logged in its interval ("!12s": it failed at 12 s);
 * then a label at every multiple of the step that an interval reaches,
 * where one fits. */
static void hold_axis(const struct live *lv, int y, int x, int w)
{
    int first = hold_first(lv, w);
    struct axis ax;
    sim_ns step;
    enum tone tone;
    char label[32];

    put_blank(y, x, w);
    if (lv->nhold == 0)
        return;
    ax.n = w < AXIS_MAX ? w : AXIS_MAX;
    memset(ax.text, ' ', sizeof ax.text);
    for (int i = first; i < lv->nhold && i - first < ax.n; i++)
        ax.mark[i - first] = hold_mark(lv, i, &tone) != NULL;
    for (int i = lv->nhold - first; i < ax.n; i++)
        ax.mark[i] = false;
    for (int i = first; i < lv->nhold && i - first < ax.n; i++) {
        if (!ax.mark[i - first])
            continue;
        snprintf(label, sizeof label, "%.0fs",
                 (double)lv->hold[i].marked_at / NS_PER_S);
        axis_label(&ax, i - first + 1, label, false);
    }
    step = hold_label_step(lv);
    for (int i = first; i < lv->nhold; i++) {
        sim_ns end = lv->hold[i].row.end, begin = end - HOLD_INTERVAL;

        if (end / step == begin / step)
            continue;               /* no multiple of step in it */
        snprintf(label, sizeof label, "%llds",
                 (long long)(end / step * step / NS_PER_S));
        axis_label(&ax, i - first, label, true);
    }
    for (int c = 0; c < ax.n; c++) {
        const char *mark = ax.mark[c] ? hold_mark(lv, first + c, &tone)
                                      : NULL;

        if (!mark) {
            mvaddch(y, x + c, (chtype)(unsigned char)ax.text[c]);
            continue;
        }
        attron(screen_attr(tone) | A_BOLD);
        mvaddstr(y, x + c, mark);
        attroff(screen_attr(tone) | A_BOLD);
    }
}

/* The p50 and p95 over time, on the p99's scale, when there is room;
 * returns the rows used. */
static int hold_percentile_rows(const struct app *app, const struct frame *f,
                                int y, int w, double lo, double hi)
{
    const struct live *lv = &app->live;
    const struct hold_point *last = lv->nhold ? &lv->hold[lv->nhold - 1]
                                              : NULL;
    char v[16];

    if (f->rows < 30)
        return 0;
    put_text(y, 0, "p50", 7);
    hold_spark(lv, y, 7, w, hold_p50, lo, hi, true);
    format_duration(v, sizeof v, last ? hold_p50(last) : 0);
    put_fmt(y, 7 + w + 1, 25, "now %s", last && last->row.ok > 0 ? v : "-");
    put_text(y + 1, 0, "p95", 7);
    hold_spark(lv, y + 1, 7, w, hold_p95, lo, hi, true);
    format_duration(v, sizeof v, last ? hold_p95(last) : 0);
    put_fmt(y + 1, 7 + w + 1, 25, "now %s", last && last->row.ok > 0 ? v
                                                                     : "-");
    return 2;
}

static void draw_hold_charts(const struct app *app, const struct frame *f)
{
    const struct live *lv = &app->live;
    const struct hold_point *last = lv->nhold ? &lv->hold[lv->nhold - 1]
                                              : NULL;
    int w = f->cols - 33, y = f->strip_y + 1;
    double lo = 0, hi = 0, floor_errors = app->sc.objectives.errors;
    char now[16], obj[16];

    if (w < 10)
        return;
    /* From the p50 to the objective or above: a steady p99 stays level,
     * and one past the objective reaches the top. */
    hold_widen(lv, w, hold_p99, &lo, &hi);
    hold_widen(lv, w, hold_p50, &lo, &hi);
    if (hi < (double)app->sc.objectives.p99)
        hi = (double)app->sc.objectives.p99;
    if (hi <= lo)
        hi = lo > 0 ? lo * 2 : 2;
    if (lo <= 0)
        lo = 1;
    y += hold_percentile_rows(app, f, y, w, lo, hi);
    format_duration(now, sizeof now, last ? hold_p99(last) : 0);
    format_duration(obj, sizeof obj, (double)app->sc.objectives.p99);
    put_text(y, 0, "p99", 7);
    hold_spark(lv, y, 7, w, hold_p99, lo, hi, true);
    put_fmt(y, 7 + w + 1, 25, "now %s (obj %s)", !last || last->row.ok <= 0
            ? "-" : last->row.p99_known ? now : "?", obj);
    lo = hi = 0;
    hold_widen(lv, w, hold_errors, &lo, &hi);
    put_text(y + 1, 0, "errors", 7);
    /* Errors under the objective stay low on the chart: noise is not a
     * wall. */
    hold_spark(lv, y + 1, 7, w, hold_errors, 0,
               hi > floor_errors ? hi : floor_errors > 0 ? floor_errors : 1,
               false);
    put_fmt(y + 1, 7 + w + 1, 25, "now %.2f%% (obj %.2g%%)",
            last ? last->row.error_frac * 100 : 0, floor_errors * 100);
    put_text(y + 2, 0, "time", 7);
    hold_axis(lv, y + 2, 7, w);
    put_text(y + 2, 7 + w + 1, "! failed  + recovered", 25);
}

static void draw_charts(const struct app *app, const struct frame *f)
{
    int w = f->cols - 33, y = f->strip_y + 1;
    double lo, hi;
    char a[16], b[16], obj[16];

    if (app->live.holding) {
        draw_hold_charts(app, f);
        return;
    }
    if (w < 10)
        return;
    range_of(app, p99_of, 0, &lo, &hi);
    widen(live_series(app), p50_of, 0, &lo, &hi);
    if (app->has_baseline)          /* one scale for both curves */
        widen((struct series){app->baseline.result.steps,
                              app->baseline.result.nsteps},
              p99_of, 0, &lo, &hi);
    y += percentile_rows(app, f, y, w, lo, hi);
    format_duration(a, sizeof a, lo);
    format_duration(b, sizeof b, hi);
    format_duration(obj, sizeof obj, (double)app->sc.objectives.p99);
    put_text(y, 0, "p99", 7);
    spark(app, y, 7, w, p99_of, 0, lo > 0 ? lo : 1, hi > lo ? hi : lo + 1,
          true);
    put_fmt(y, 7 + w + 1, 25, "%s..%s (obj %s)", lo > 0 ? a : "-",
            hi > 0 ? b : "-", obj);
    range_of(app, errors_of, 0, &lo, &hi);
    put_text(y + 1, 0, "errors", 7);
    spark(app, y + 1, 7, w, errors_of, 0, 0, hi > 0 ? hi : 1, false);
    put_fmt(y + 1, 7 + w + 1, 25, "max %.2f%% (obj %.2g%%)", hi * 100,
            app->sc.objectives.errors * 100);
    put_text(y + 2, 0, "users", 7);
    axis_labels(app, y + 2, 7, w);
    if (app->has_baseline) {
        struct series base = {app->baseline.result.steps,
                              app->baseline.result.nsteps};

        range_of(app, p99_of, 0, &lo, &hi);
        widen(base, p99_of, 0, &lo, &hi);
        put_text(y + 3, 0, "base", 7);
        spark_of(app, base, y + 3, 7, w, p99_of, 0, lo > 0 ? lo : 1,
                 hi > lo ? hi : lo + 1, true);
        put_fmt(y + 3, 7 + w + 1, 25, "p99 of run %lld",
                (long long)app->baseline.info.id);
    }
}

/* --- Advisor line and log ------------------------------------------------ */

/* The advisor's line: the bottleneck and what to add next. */
static void advice_for_screen(const struct app *app, char *buf, size_t len)
{
    const struct step_result *st = live_last(app);

    if (!st) {
        snprintf(buf, len, "Press space to ramp the users up, or . for one "
                           "step.");
        return;
    }
    /* A failure explains its own errors: more capacity would not. */
    if (live_failing(app, st, buf, len))
        return;
    /* The figures belong to the design the engine ran. */
    advisor_line(&app->live.design, st, buf, len);
}

/* The simulated time on the strip's rule, at its right end: the log's
 * times are read against it, and a narrow status line leaves it out. */
static void rule_time(const struct app *app, const struct frame *f)
{
    char now[32];
    int w;

    if (!app->live.sim)
        return;
    w = snprintf(now, sizeof now, " t=%.0fs ",
                 (double)app->live.sim->now / NS_PER_S);
    if (w > 0 && w + 2 < f->cols)
        put_text(f->strip_y, f->cols - w - 2, now, w);
}

static void draw_strip(struct app *app, const struct frame *f)
{
    char line[512];
    int y = f->strip_y, log_rows, skip;

    attron(screen_attr(TONE_DIM));
    for (int x = 0; x < f->cols; x++)
        mvaddstr(y, x, G.h);
    attroff(screen_attr(TONE_DIM));
    rule_time(app, f);
    offscreen_marks(app, f);
    draw_charts(app, f);
    if (app->has_baseline)
        y++;                        /* the baseline took a row */
    if (f->rows >= 30)
        y += 2;                     /* and so did p50 and p95 */
    advice_for_screen(app, line, sizeof line);
    put_text(y + 4, 0, line, f->cols);
    log_rows = f->rows - (y + 5) - 1;
    /* The newest log line is on the message line already: not twice. */
    skip = app->message[0] && app->nlog > 0 &&
           strcmp(app->log[app->nlog - 1], app->message) == 0;
    for (int i = 0; i < log_rows; i++) {
        int k = app->nlog - skip - log_rows + i;

        if (k >= 0)
            put_text(y + 5 + i, 0, app->log[k], f->cols);
    }
    if (app->mode == MODE_COMMAND) {
        if (app->message[0]) {
            put_blank(f->rows - 2, 0, f->cols);
            put_text(f->rows - 2, 0, app->message, f->cols);
        }
        put_blank(f->rows - 1, 0, f->cols);
        put_fmt(f->rows - 1, 0, f->cols, ":%s", app->cmd);
        return;
    }
    if (app->message[0]) {
        /* A long message (a loader error, a question) takes two rows. */
        bool two = text_width(app->message) > f->cols;
        int row = f->rows - (two ? 2 : 1);

        put_blank(f->rows - 1, 0, f->cols);
        if (two)
            put_blank(row, 0, f->cols);
        attron(screen_attr(app->message_is_error ? TONE_HOT : TONE_PLAIN));
        put_text(row, 0, app->message, f->cols);
        if (two)
            put_text(row + 1, 0, app->message + byte_offset(app->message,
                     f->cols), f->cols);
        attroff(screen_attr(app->message_is_error ? TONE_HOT : TONE_PLAIN));
    }
}

/* --- Side panel ---------------------------------------------------------- */

/* A percentage, or a plain figure with one decimal. */
static int side_row(int y, const struct frame *f, const char *label,
                    double v, bool percent)
{
    if (percent)
        put_fmt(y, f->side_x + 1, f->side_w - 1, "%-10s %.0f%%", label,
                v * 100);
    else
        put_fmt(y, f->side_x + 1, f->side_w - 1, "%-10s %.1f", label, v);
    return y + 1;
}

static int side_duration(int y, const struct frame *f, const char *label,
                         double ns)
{
    char buf[16];

    format_duration(buf, sizeof buf, ns);
    put_fmt(y, f->side_x + 1, f->side_w - 1, "%-10s %s", label, buf);
    return y + 1;
}

/* The cause of most of a component's errors, with its share: a timeout
 * tells a different story from an open breaker or a partition. */
static int side_cause(int y, const struct frame *f,
                      const struct comp_result *cr)
{
    uint64_t total = 0;
    int top = 0;

    for (int k = 0; k < ERR_CAUSE_COUNT; k++) {
        total += cr->by_cause[k];
        if (cr->by_cause[k] > cr->by_cause[top])
            top = k;
    }
    if (total == 0)
        return y;
    put_fmt(y, f->side_x + 1, f->side_w - 1, "  %s %.0f%%",
            err_cause_name((enum err_cause)top),
            100.0 * (double)cr->by_cause[top] / (double)total);
    return y + 1;
}

static int side_figures(const struct app *app, const struct frame *f, int y,
                        int c)
{
    const struct component *comp = &app->sc.components[c];
    const struct comp_result *cr = comp_now(app, c);
    char buf[32];

    if (!cr)
        return y + 1;
    y = side_row(y, f, "busiest", cr->util, true);
    if (comp->kind != KIND_LB && comp->kind != KIND_CDN) {
        y = side_row(y, f, "cpu", cr->cpu, true);
        y = side_row(y, f, comp->kind == KIND_DATABASE ? "conns" :
                     comp->kind == KIND_QUEUE ? "workers" :
                     comp->kind == KIND_CACHE ? "thread" : "threads",
                     cr->pool, true);
        y = side_row(y, f, "waiting", cr->waiting, false);
    }
    format_count(buf, sizeof buf, cr->throughput);
    put_fmt(y++, f->side_x + 1, f->side_w - 1, "%-10s %s/s", "answered",
            buf);
    /* Balancers and CDN edges hold no request: no time of their own. */
    if (comp->kind != KIND_LB && comp->kind != KIND_CDN) {
        comp_p99_text(app, c, buf, sizeof buf);
        if (cr->p99 > 0)
            y = side_duration(y, f, "mean", cr->mean);
        put_fmt(y++, f->side_x + 1, f->side_w - 1, "%-10s %s", "p99", buf);
    }
    y = side_row(y, f, "errors/s", cr->errors, false);
    y = side_cause(y, f, cr);
    if (cr->hit_ratio >= 0)
        y = side_row(y, f, "hit ratio", cr->hit_ratio, true);
    if (comp->kind == KIND_DATABASE && comp->replicas > 0)
        y = side_duration(y, f, "lag", cr->lag_mean);
    if (comp->kind == KIND_QUEUE) {
        y = side_row(y, f, "depth", cr->depth, false);
        y = side_duration(y, f, "task wait", cr->lag_mean);
    }
    return y;
}

/* "autoscale 2-20 at 60%, 6 on order": the policy and what it is
 * doing now. */
static int side_autoscale(const struct app *app, const struct frame *f,
                          int y, int c)
{
    const struct component *comp = &app->sc.components[c];
    const struct live *lv = &app->live;
    const struct autoscaler *as = NULL;
    char order[32] = "";

    if (!component_autoscales(comp))
        return y;
    if (lv->sim && c < lv->design.ncomponents)
        as = lv->sim->cs[c].scale;
    if (as && as->ordered > 0)
        snprintf(order, sizeof order, ", +%d coming", as->ordered);
    put_fmt(y++, f->side_x + 1, f->side_w - 1, "autoscale %d-%d at %.0f%%%s",
            comp->autoscale.min, comp->autoscale.max,
            comp->autoscale.target * 100, order);
    return y;
}

/* How much of the slowest requests' time is spent here, from traces. */
static int side_share(const struct app *app, const struct frame *f, int y,
                      int c)
{
    const struct step_result *st = live_last(app);
    const struct attribution *a;

    if (!st || c >= app->live.design.ncomponents)
        return y;
    a = &st->attr[REQ_KIND_COUNT];
    if (a->ntraces == 0 || !a->tail)
        return y;
    put_fmt(y++, f->side_x + 1, f->side_w - 1, "slowest 1%%: %.0f%% waits,",
            a->tail[c].wait * 100);
    put_fmt(y++, f->side_x + 1, f->side_w - 1, "  %.0f%% served here (t)",
            a->tail[c].service * 100);
    return y;
}

/* "calls cache, db" and "from lb": the arrows of the selected box in
 * words, since crossing lines can be hard to follow. */
static int side_links(const struct app *app, const struct frame *f, int y,
                      int c)
{
    const struct component *comp = &app->sc.components[c];
    char line[512];
    size_t used = 0;

    line[0] = '\0';
    for (int j = 0; j < comp->ncalls && used < sizeof line; j++)
        used += (size_t)snprintf(line + used, sizeof line - used, "%s%s",
                                 j ? ", " : "", comp->call_names[j]);
    if (comp->ncalls)
        put_fmt(y++, f->side_x + 1, f->side_w - 1, "calls %s", line);
    used = 0;
    line[0] = '\0';
    for (int i = 0; i < app->sc.ncomponents && used < sizeof line; i++)
        for (int j = 0; j < app->sc.components[i].ncalls; j++)
            if (app->sc.components[i].calls[j] == c)
                used += (size_t)snprintf(line + used, sizeof line - used,
                                         "%s%s", used ? ", " : "",
                                         app->sc.components[i].name);
    if (c == app->sc.entry)
        put_fmt(y++, f->side_x + 1, f->side_w - 1, "entry: users arrive%s%s",
                used ? "; from " : "", line);
    else if (used)
        put_fmt(y++, f->side_x + 1, f->side_w - 1, "from %s", line);
    else
        put_text(y++, f->side_x + 1, "no caller: gets no requests",
                 f->side_w - 1);
    return y;
}

static void draw_side(struct app *app, const struct frame *f)
{
    int y = f->diag_y, bottom = f->strip_y - 1, c = app->sel;
    const struct component *comp;
    double lo, hi;

    attron(screen_attr(TONE_DIM));
    for (int r = f->diag_y; r < f->strip_y; r++)
        mvaddstr(r, f->side_x - 1, G.v);
    attroff(screen_attr(TONE_DIM));
    if (c < 0 || c >= app->sc.ncomponents)
        return;
    comp = &app->sc.components[c];
    attron(A_BOLD);
    put_name(y++, f->side_x + 1, comp->name, f->side_w - 1);
    attroff(A_BOLD);
    put_fmt(y++, f->side_x + 1, f->side_w - 1, "%s, %d x %s",
            kind_name(comp->kind), comp->kind == KIND_DATABASE
                ? 1 + comp->replicas
                : comp->kind == KIND_QUEUE ? 1 : count_now(app, c),
            comp->size[0] ? comp->size : "-");
    y = side_autoscale(app, f, y, c);
    y = side_figures(app, f, y, c);
    if (y + 2 <= bottom)
        y = side_share(app, f, y, c);
    if (y + 2 <= bottom)
        y = side_links(app, f, y, c);
    if (y + 4 <= bottom && app->live.nhist > 0) {
        put_text(y++, f->side_x + 1, "busiest vs users", f->side_w - 1);
        spark(app, y++, f->side_x + 1, f->side_w - 2, util_of, c, 0, 1,
              false);
        range_of(app, comp_p99_of, c, &lo, &hi);
        put_text(y++, f->side_x + 1, "p99 vs users", f->side_w - 1);
        spark(app, y++, f->side_x + 1, f->side_w - 2, comp_p99_of, c,
              lo > 0 ? lo : 1, hi > lo ? hi : lo + 1, true);
    }
    if (y + 2 <= bottom && app->live.nhist > 0 &&
        component_autoscales(comp)) {
        put_fmt(y++, f->side_x + 1, f->side_w - 1, "%s vs users (0-%d)",
                comp->kind == KIND_QUEUE ? "workers" : "instances",
                comp->autoscale.max);
        spark(app, y++, f->side_x + 1, f->side_w - 2, instances_of, c, 0,
              comp->autoscale.max, false);
    }
    if (y < bottom)
        put_text(bottom, f->side_x + 1, f->side_w >= 30
                 ? "e edit c call d delete f fail" : "e edit c call f fail",
                 f->side_w - 1);
}

/* --- Overlays -------------------------------------------------------------- */

static void overlay_frame(int y, int x, int h, int w, const char *title)
{
    for (int r = 0; r < h; r++)
        put_blank(y + r, x, w);
    for (int i = 1; i < w - 1; i++) {
        mvaddstr(y, x + i, G.h);
        mvaddstr(y + h - 1, x + i, G.h);
    }
    for (int r = 1; r < h - 1; r++) {
        mvaddstr(y + r, x, G.v);
        mvaddstr(y + r, x + w - 1, G.v);
    }
    mvaddstr(y, x, G.tl);
    mvaddstr(y, x + w - 1, G.tr);
    mvaddstr(y + h - 1, x, G.bl);
    mvaddstr(y + h - 1, x + w - 1, G.br);
    attron(A_BOLD);
    put_fmt(y, x + 2, w - 4, " %s ", title);
    attroff(A_BOLD);
}

const char *const help_lines[] = {
    "space      run or pause the ramp or hold  .  measure one step",
    "+ / -      one step more / fewer users  0-9 type a user count",
    "r          restart the ramp           T   hold users: charts over "
    "time",
    "arrows hjkl  select a box            Tab / S-Tab  next / previous",
    "HJKL S-arrows  move the selected box (or drag it with the mouse)",
    "a          add a component           c   connect the selected box to",
    "                                          one it calls (then Enter)",
    "E          make the selected box the entry, where users arrive",
    "e Enter    edit the selected box's settings",
    "d Delete   delete the selected box (asks first)",
    "x          remove a call from the selected box",
    "f          fail the selected box now: a menu of its failures (30s)",
    "u          undo                      Ctrl-R  redo",
    "A          apply the advisor's first remedy (what the line proposes)",
    "t          the slowest traced request of the last step, as a waterfall",
    "v          the whole event log, newest last, to scroll back (:log)",
    "n / p      the tour's next / previous stage (archsim tour)",
    ":          command line (Tab completes); :help lists commands",
    "w          export the design to its file (:export FILE for another)",
    "o          open a scenario file (:open FILE)",
    "?          this help                 q   quit (asks if unsaved)",
    "",
    "Commands: :add KIND [NAME]  :connect A B  :disconnect A B  :step",
    "  :set NAME.KEY VALUE  :delete NAME  :users N  :hold [N]  :run  "
    ":pause",
    "  :restart  :export FILE  :open FILE  :undo  :redo  :layout  :quit",
    "  :select NAME  :rename OLD NEW  :seed N  :entry NAME  :open! FILE",
    "  :set objectives.budget 2000/month (any scenario key by its path)",
    "  :save [NAME]  :save! NAME  :baseline RUN|off   (the database)",
    "  :practice [NAME]  :hint  :submit  (challenges, timed and scored)",
    "  :fail NAME [KIND] [OTHER] [xN] [DURATION]  strike a failure now:",
    "    :fail db  :fail web partition api 10s  :fail spike x3 5s",
    "",
    "Boxes: name, instances, busiest resource bar, the figure that",
    "matters for the kind. ! and BOTTLENECK mark the bottleneck.",
};
const int help_nlines = sizeof help_lines / sizeof help_lines[0];

static void draw_help(struct app *app, const struct frame *f)
{
    int w = f->cols - 4 < 74 ? f->cols - 4 : 74;
    int h = help_nlines + 3 < f->rows - 2 ? help_nlines + 3 : f->rows - 2;
    int y = (f->rows - h) / 2, x = (f->cols - w) / 2, shown = h - 3;
    bool more;

    if (app->help_top > help_nlines - shown)
        app->help_top = help_nlines - shown > 0 ? help_nlines - shown : 0;
    more = app->help_top + shown < help_nlines;
    overlay_frame(y, x, h, w, more || app->help_top > 0
                  ? "keys (j/k scroll, other keys close)"
                  : "keys (any key closes)");
    for (int i = 0; i < shown && app->help_top + i < help_nlines; i++)
        put_text(y + 1 + i, x + 2, help_lines[app->help_top + i], w - 4);
    put_text(y + h - 2, x + 2, more ? "more below: j or space; man archsim "
             "for everything" : "man archsim for everything", w - 4);
}

static const char *const kind_help[KIND_COUNT] = {
    "an application server: threads, cores, calls",
    "a service: a server that callers send some kinds to",
    "a load balancer in front of servers",
    "a database: primary, replicas, pool, indexes",
    "a cache: LRU of popular keys, single-threaded",
    "a queue with workers for slow tasks",
    "a CDN: edges near users serve static files",
};

static void draw_menu(const struct app *app, const struct frame *f)
{
    int w = f->cols - 4 < 64 ? f->cols - 4 : 64, h = KIND_COUNT + 3;
    int y = (f->rows - h) / 2, x = (f->cols - w) / 2;

    overlay_frame(y, x, h, w, "add a component (Enter, Esc)");
    for (int k = 0; k < KIND_COUNT; k++) {
        if (k == app->menu_row)
            attron(A_REVERSE);
        put_fmt(y + 1 + k, x + 2, w - 4, "%d %-9s %s", k + 1,
                kind_name((enum comp_kind)k), kind_help[k]);
        if (k == app->menu_row)
            attroff(A_REVERSE);
    }
}

static bool kinds_include(const enum failure_kind *kinds, int n,
                          enum failure_kind kind)
{
    for (int i = 0; i < n; i++)
        if (kinds[i] == kind)
            return true;
    return false;
}

/* The failures that strike the selected box, for f and Enter. */
static void draw_fail_menu(const struct app *app, const struct frame *f)
{
    const struct component *c = &app->sc.components[app->sel];
    enum failure_kind kinds[FAIL_KIND_COUNT];
    int n = live_fail_choices(c->kind, kinds);
    int w = f->cols - 4 < 64 ? f->cols - 4 : 64, h = n + 4;
    int y = (f->rows - h) / 2, x = (f->cols - w) / 2;
    char title[NAME_BYTES + 64], lasts[32];
    bool flush = kinds_include(kinds, n, FAIL_CACHE_FLUSH);

    /* A cache flush is over at once: with one in the menu, the length
     * goes on the rows it applies to, not the title. */
    snprintf(lasts, sizeof lasts, "%.0fs",
             (double)MENU_FAIL_DURATION / NS_PER_S);
    snprintf(title, sizeof title, "fail %s%s%s (Enter, Esc)", c->name,
             flush ? "" : " for ", flush ? "" : lasts);
    overlay_frame(y, x, h, w, title);
    for (int i = 0; i < n; i++) {
        bool timed = flush && kinds[i] != FAIL_CACHE_FLUSH;

        if (i == app->menu_row)
            attron(A_REVERSE);
        put_fmt(y + 1 + i, x + 2, w - 4, "%d %-12s %s%s%s", i + 1,
                failure_kind_name(kinds[i]), live_fail_help(kinds[i]),
                timed ? ", for " : "", timed ? lasts : "");
        if (i == app->menu_row)
            attroff(A_REVERSE);
    }
    put_text(y + h - 2, x + 2, "another length or factor: :fail NAME KIND "
             "2min x5", w - 4);
}

static void draw_form(struct app *app, const struct frame *f)
{
    struct form *fm = &app->form;
    const struct component *c = &app->sc.components[fm->comp];
    int w = f->cols - 4 < 76 ? f->cols - 4 : 76, h = f->rows - 4;
    int y = 2, x = (f->cols - w) / 2, shown = h - 5;
    char value[256], title[NAME_BYTES + 64];

    if (fm->row < fm->top)
        fm->top = fm->row;
    if (fm->row >= fm->top + shown)
        fm->top = fm->row - shown + 1;
    snprintf(title, sizeof title, "%s: %s settings (Enter edit, Esc close)",
             c->name, kind_name(c->kind));
    overlay_frame(y, x, h, w, title);
    for (int i = 0; i < shown && fm->top + i < fm->nrows; i++) {
        int r = fm->top + i;
        const struct field *fd = &scenario_fields[fm->fields[r]];

        if (scenario_format_field(c, fd, value, sizeof value) < 0)
            snprintf(value, sizeof value, "?");
        if (r == fm->row)
            attron(A_REVERSE);
        put_fmt(y + 1 + i, x + 2, w - 4, "%-12s %s", fd->key,
                r == fm->row && fm->editing ? fm->buf : value);
        if (r == fm->row)
            attroff(A_REVERSE);
    }
    if (fm->nrows > 0)
        put_text(y + h - 3, x + 2,
                 scenario_fields[fm->fields[fm->row]].help, w - 4);
    if (fm->error[0]) {
        int used;

        /* A loader message can be long: it gets two rows. */
        attron(screen_attr(TONE_HOT));
        put_blank(y + h - 3, x + 2, w - 4);
        used = put_text(y + h - 3, x + 2, fm->error, w - 4);
        put_text(y + h - 2, x + 2, fm->error + byte_offset(fm->error, used),
                 w - 4);
        attroff(screen_attr(TONE_HOT));
    } else if (fm->editing) {
        put_text(y + h - 2, x + 2, "type a value, Enter to set, Esc to "
                 "cancel", w - 4);
    }
}

/* The slowest traced request of the last step as a waterfall: a row per
 * span, waiting drawn light and service dark, on one time scale. */
static void draw_trace(const struct app *app, const struct frame *f)
{
    const struct live *lv = &app->live;
    const struct trace *t = NULL;
    int w = f->cols - 4, h, y, x = 2, bar_x, bar_w;
    char title[128], when[16];
    double span_ns;

    for (int i = 0; i < lv->ntraces; i++)
        if (!lv->traces[i].failed && (!t || lv->traces[i].end -
            lv->traces[i].start > t->end - t->start))
            t = &lv->traces[i];
    if (!t) {
        overlay_frame(f->rows / 2 - 2, x, 4, w, "traces");
        put_text(f->rows / 2, x + 2, "no traced request yet: measure a "
                 "step first", w - 4);
        return;
    }
    h = t->nspans + 5 < f->rows - 2 ? t->nspans + 5 : f->rows - 2;
    y = (f->rows - h) / 2;
    format_duration(when, sizeof when, (double)(t->end - t->start + t->rtt));
    snprintf(title, sizeof title, "slowest traced %s request: %s (any key "
             "closes)", req_kind_name((enum req_kind)t->kind), when);
    overlay_frame(y, x, h, w, title);
    bar_x = x + 2 + 16;
    bar_w = w - 4 - 16 - 10;
    span_ns = (double)(t->end - t->start);
    for (int i = 0; i < t->nspans && i < h - 4; i++) {
        const struct span *s = &t->spans[i];
        int a = (int)((double)(s->arrive - t->start) / span_ns * bar_w);
        int v = (int)((double)((s->serve ? s->serve : s->arrive) - t->start)
                      / span_ns * bar_w);
        int e = (int)((double)(s->leave - t->start) / span_ns * bar_w);
        char dur[16];

        put_fmt(y + 1 + i, x + 2, 15, "%*s%s", s->depth, "",
                s->comp < app->live.design.ncomponents
                    ? app->live.design.components[s->comp].name : "?");
        move(y + 1 + i, bar_x + a);
        for (int k = a; k < v && k < bar_w; k++)
            addstr(G.empty);
        attron(screen_attr(TONE_SELECT));
        for (int k = v; k <= e && k < bar_w; k++)
            addstr(G.full);
        attroff(screen_attr(TONE_SELECT));
        format_duration(dur, sizeof dur, (double)(s->leave - s->arrive));
        put_text(y + 1 + i, bar_x + bar_w + 1, dur, 9);
    }
    put_text(y + h - 2, x + 2, "light: waiting (threads, cores, "
             "connections)   dark: served, calls included", w - 4);
}

static void draw_challenges(const struct app *app, const struct frame *f)
{
    int w = f->cols - 4, h = app->nchoices + 4 < f->rows - 2
                                 ? app->nchoices + 4 : f->rows - 2;
    int y = (f->rows - h) / 2, x = 2, shown = h - 4;
    int top = app->menu_row >= shown ? app->menu_row - shown + 1 : 0;

    overlay_frame(y, x, h, w, "challenges (Enter starts one, Esc closes)");
    put_fmt(y + 1, x + 2, w - 4, "%-20s %5s  %s", "name", "best", "title");
    for (int i = 0; i < shown && top + i < app->nchoices; i++) {
        if (top + i == app->menu_row)
            attron(A_REVERSE);
        put_text(y + 2 + i, x + 2, app->choices[top + i], w - 4);
        if (top + i == app->menu_row)
            attroff(A_REVERSE);
    }
}

/* A challenge's grade: the text, a line a row, scrolled like the help. */
static void draw_report(struct app *app, const struct frame *f)
{
    int w = f->cols - 4, h = f->rows - 2, y = 1, x = 2, row = 0, line = 0;
    const char *p = app->report ? app->report : "";

    overlay_frame(y, x, h, w, "grade (j/k scroll, other keys close)");
    while (*p && row < h - 2) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char text[1024];

        snprintf(text, sizeof text, "%.*s", (int)(n < 1023 ? n : 1023), p);
        /* Long lines wrap onto the next rows. */
        for (const char *part = text; row < h - 2;) {
            size_t cut = byte_offset(part, w - 4);

            if (line++ >= app->help_top)
                put_text(y + 1 + row++, x + 2, part, w - 4);
            if (!part[cut] || cut == 0)
                break;
            part += cut;
        }
        p += n + (nl != NULL);
    }
}

/* The whole event log over the screen, newest last, log_back lines
 * back from the newest. */
static void draw_log(struct app *app, const struct frame *f)
{
    int w = f->cols - 2, h = f->rows - 2, y = 1, x = 1, shown = h - 2;
    int most = app->nlog > shown ? app->nlog - shown : 0, first;

    if (app->log_back > most)
        app->log_back = most;
    first = app->nlog - shown - app->log_back;
    if (first < 0)
        first = 0;
    overlay_frame(y, x, h, w, most > 0
                  ? "event log, newest last (k back, j on, other keys close)"
                  : "event log, newest last (any key closes)");
    if (app->nlog == 0)
        put_text(y + 1, x + 2, "nothing has happened yet", w - 4);
    for (int i = 0; i < shown && first + i < app->nlog; i++)
        put_text(y + 1 + i, x + 2, app->log[first + i], w - 4);
}

static void draw_tour(const struct app *app, const struct frame *f)
{
    int w = f->cols - 4 < 72 ? f->cols - 4 : 72, h = 9;
    int y = (f->rows - h) / 2, x = (f->cols - w) / 2;

    overlay_frame(y, x, h, w, tour_title(app->tour));
    for (int i = 0; i < 4; i++)
        put_text(y + 2 + i, x + 2, tour_line(app->tour, i), w - 4);
    put_text(y + h - 2, x + 2, "any key: ramp until the knee   (? keys)",
             w - 4);
}

/* --- The whole screen ------------------------------------------------------ */

static void draw_too_small(int rows, int cols)
{
    const char *msg = "terminal too small";
    char need[64];

    erase();
    snprintf(need, sizeof need, "need %dx%d", MIN_COLS, MIN_ROWS);
    if (rows > 0 && cols > 0) {
        put_text(rows / 2 > 0 ? rows / 2 - (rows > 1) : 0, 0, msg, cols);
        if (rows > 1)
            put_text(rows / 2, 0, need, cols);
    }
}

void draw_screen(struct app *app)
{
    struct frame f;

    plan_frame(app, &f);
    if (f.cols < MIN_COLS || f.rows < MIN_ROWS) {
        draw_too_small(f.rows, f.cols);
        refresh();
        return;
    }
    erase();
    draw_status(app, &f);
    draw_diagram(app, &f);
    draw_side(app, &f);
    draw_strip(app, &f);
    if (app->mode == MODE_HELP)
        draw_help(app, &f);
    else if (app->mode == MODE_TOUR)
        draw_tour(app, &f);
    else if (app->mode == MODE_TRACE)
        draw_trace(app, &f);
    else if (app->mode == MODE_REPORT)
        draw_report(app, &f);
    else if (app->mode == MODE_CHALLENGES)
        draw_challenges(app, &f);
    else if (app->mode == MODE_LOG)
        draw_log(app, &f);
    else if (app->mode == MODE_MENU)
        draw_menu(app, &f);
    else if (app->mode == MODE_FAIL && app->sel >= 0)
        draw_fail_menu(app, &f);
    else if (app->mode == MODE_FORM)
        draw_form(app, &f);
    move(f.rows - 1, f.cols - 1);
    refresh();
}
