/*
 * layout.c - where boxes stand on the canvas. Boxes the user has not
 * placed are laid out in layers by call depth, callers to the left of
 * what they call; a new box takes the nearest free spot beside the
 * selected one; boxes the user placed stay where they were put.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"

/* Longest chain of calls from the entry to each component. */
static void depths(const struct scenario *sc, int *depth)
{
    bool changed = true;

    for (int i = 0; i < sc->ncomponents; i++)
        depth[i] = -1;
    if (sc->entry >= 0)
        depth[sc->entry] = 0;
    /* Calls form no cycle, so this settles within ncomponents rounds. */
    for (int round = 0; changed && round <= sc->ncomponents; round++) {
        changed = false;
        for (int i = 0; i < sc->ncomponents; i++) {
            const struct component *c = &sc->components[i];

            if (depth[i] < 0)
                continue;
            for (int j = 0; j < c->ncalls; j++) {
                int to = c->calls[j];

                if (to >= 0 && depth[to] < depth[i] + 1) {
                    depth[to] = depth[i] + 1;
                    changed = true;
                }
            }
        }
    }
}

static bool overlaps(const struct component *a, int x, int y)
{
    return x < a->x + BOX_W + 2 && a->x < x + BOX_W + 2 &&
           y < a->y + BOX_H + 1 && a->y < y + BOX_H + 1;
}

static bool spot_free(const struct scenario *sc, int x, int y, int skip,
                      int upto)
{
    for (int i = 0; i < upto; i++)
        if (i != skip && overlaps(&sc->components[i], x, y))
            return false;
    return true;
}

void layout_auto(struct scenario *sc)
{
    int n = sc->ncomponents;
    int *depth = calloc((size_t)n + 1, sizeof *depth);
    int *rows = calloc((size_t)n + 2, sizeof *rows);

    if (!depth || !rows) {
        free(depth);
        free(rows);
        return;                     /* boxes stay where they are */
    }
    depths(sc, depth);
    /* Out of the way first, so that only boxes already laid out (or
     * placed by the user) can be in the way. */
    for (int i = 0; i < n; i++)
        if (!sc->components[i].placed)
            sc->components[i].x = sc->components[i].y = -100000;
    for (int i = 0; i < n; i++) {
        struct component *c = &sc->components[i];
        int layer = depth[i] < 0 ? 0 : depth[i];

        if (c->placed)
            continue;
        if (depth[i] < 0)
            layer = 0;
        do {
            c->x = 2 + layer * GRID_X;
            c->y = 1 + rows[layer]++ * GRID_Y;
        } while (!spot_free(sc, c->x, c->y, i, n) && rows[layer] < 4 * n);
    }
    free(depth);
    free(rows);
}

void layout_free_spot(const struct scenario *sc, int near, int *x, int *y)
{
    int bx = 2, by = 1;

    if (near >= 0 && near < sc->ncomponents) {
        bx = sc->components[near].x + GRID_X;
        by = sc->components[near].y;
    }
    /* Search rings of grid places around the spot beside near. */
    for (int ring = 0; ring < 200; ring++) {
        for (int dy = -ring; dy <= ring; dy++) {
            for (int dx = -ring; dx <= ring; dx++) {
                int cx = bx + dx * GRID_X, cy = by + dy * GRID_Y;

                if (abs(dx) != ring && abs(dy) != ring)
                    continue;
                if (cx < 0 || cy < 0)
                    continue;
                if (spot_free(sc, cx, cy, -1, sc->ncomponents)) {
                    *x = cx;
                    *y = cy;
                    return;
                }
            }
        }
    }
    *x = bx;
    *y = by;
}

int layout_hit(const struct scenario *sc, int x, int y)
{
    for (int i = sc->ncomponents - 1; i >= 0; i--) {
        const struct component *c = &sc->components[i];

        if (x >= c->x && x < c->x + BOX_W && y >= c->y && y < c->y + BOX_H)
            return i;
    }
    return -1;
}

/* The box nearest from's in direction (dx, dy), or from itself. */
int layout_neighbour(const struct scenario *sc, int from, int dx, int dy)
{
    const struct component *a;
    long best_score = -1;
    int best = from;

    if (from < 0)
        return sc->ncomponents > 0 ? 0 : -1;
    a = &sc->components[from];
    for (int i = 0; i < sc->ncomponents; i++) {
        const struct component *b = &sc->components[i];
        long along = (long)(b->x - a->x) * dx + (long)(b->y - a->y) * dy * 3;
        long across = labs((long)(b->x - a->x) * dy) +
                      labs((long)(b->y - a->y) * dx * 3);
        long score;

        if (i == from || along <= 0)
            continue;
        score = along + 2 * across;
        if (best_score < 0 || score < best_score) {
            best_score = score;
            best = i;
        }
    }
    return best;
}
