/*
 * yaml_diff.c - flatten two YAML trees into paths and compare them.
 *
 * Paths are looked up through a sorted index of each side, so comparing
 * designs of thousands of components stays fast.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_diff.h"
#include "yaml_tree.h"

/* One node of a flattened document. */
struct flat {
    char *path;
    char *value;                    /* scalars and lists of scalars */
    long parent;                    /* index, -1 at the top */
};

struct side {
    struct ytree tree;
    struct flat *items;
    size_t n, cap;
    const struct flat **sorted;     /* items, by path */
};

/* --- Flattening ---------------------------------------------------------- */

static char *join(const char *a, const char *sep, const char *b,
                  const char *end)
{
    size_t len = strlen(a) + strlen(sep) + strlen(b) + strlen(end) + 1;
    char *s = malloc(len);

    if (s)
        snprintf(s, len, "%s%s%s%s", a, sep, b, end);
    return s;
}

static bool all_scalars(const struct ynode *seq)
{
    for (size_t i = 0; i < seq->n; i++)
        if (seq->items[i]->type != YNODE_SCALAR)
            return false;
    return true;
}

/* "[a, b, c]" for a list of single values. */
static char *list_value(const struct ynode *seq)
{
    size_t len = 3;
    char *s;

    for (size_t i = 0; i < seq->n; i++)
        len += strlen(seq->items[i]->text) + 2;
    s = malloc(len);
    if (!s)
        return NULL;
    strcpy(s, "[");
    for (size_t i = 0; i < seq->n; i++) {
        if (i > 0)
            strcat(s, ", ");
        strcat(s, seq->items[i]->text);
    }
    strcat(s, "]");
    return s;
}

/* The value a node is compared by; NULL (and *oom false) for nodes
 * whose children are compared instead. */
static char *value_of(const struct ynode *node, bool *oom)
{
    char *v = NULL;

    if (node->type == YNODE_SCALAR)
        v = strdup(node->text);
    else if (node->type == YNODE_SEQ && all_scalars(node))
        v = list_value(node);
    else
        return NULL;
    *oom = !v;
    return v;
}

static long push(struct side *s, char *path, const struct ynode *node,
                 long parent)
{
    bool oom = false;
    struct flat *f;

    if (!path)
        return -1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        struct flat *p = realloc(s->items, cap * sizeof *p);

        if (!p) {
            free(path);
            return -1;
        }
        s->items = p;
        s->cap = cap;
    }
    f = &s->items[s->n];
    f->path = path;
    f->parent = parent;
    f->value = value_of(node, &oom);
    if (oom) {
        free(path);
        return -1;
    }
    return (long)s->n++;
}

/* The label of item i of a list: its name when it has one. */
static char *item_path(const char *path, const struct ynode *item,
                       size_t i)
{
    const struct ynode *name = item->type == YNODE_MAP
                               ? ynode_get(item, "name") : NULL;
    char number[32];

    if (name && name->type == YNODE_SCALAR)
        return join(path, "[", name->text, "]");
    snprintf(number, sizeof number, "%zu", i + 1);
    return join(path, "[", number, "]");
}

static int flatten(struct side *s, const struct ynode *node,
                   const char *path, long self);

static int flatten_child(struct side *s, char *path,
                         const struct ynode *child, long parent)
{
    long at = push(s, path, child, parent);

    if (at < 0)
        return -1;
    return flatten(s, child, s->items[at].path, at);
}

/* Push the children of node (at path, "" at the top; index self) and
 * theirs. */
static int flatten(struct side *s, const struct ynode *node,
                   const char *path, long self)
{
    if (node->type == YNODE_MAP) {
        for (size_t i = 0; i < node->n; i++) {
            const char *key = node->items[2 * i]->text;
            char *child = *path ? join(path, ".", key, "") : strdup(key);

            if (flatten_child(s, child, node->items[2 * i + 1], self) < 0)
                return -1;
        }
    } else if (node->type == YNODE_SEQ && !all_scalars(node)) {
        for (size_t i = 0; i < node->n; i++) {
            char *child = item_path(path, node->items[i], i);

            if (flatten_child(s, child, node->items[i], self) < 0)
                return -1;
        }
    }
    return 0;
}

/* --- Lookup -------------------------------------------------------------- */

static int by_path(const void *a, const void *b)
{
    const struct flat *fa = *(const struct flat *const *)a;
    const struct flat *fb = *(const struct flat *const *)b;

    return strcmp(fa->path, fb->path);
}

/* Sort once the side is complete: items no longer move. */
static int build_index(struct side *s)
{
    s->sorted = malloc((s->n ? s->n : 1) * sizeof *s->sorted);
    if (!s->sorted)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        s->sorted[i] = &s->items[i];
    qsort(s->sorted, s->n, sizeof *s->sorted, by_path);
    return 0;
}

/* The node at path in s, or NULL. */
static const struct flat *find(const struct side *s, const char *path)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct flat *f = s->sorted[mid];
        int c = strcmp(path, f->path);

        if (c == 0)
            return f;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Whether the parent of f (a node of one side) is a mapping or list on
 * the other side too; when it is not, an ancestor is reported instead. */
static bool parent_shared(const struct side *mine, const struct flat *f,
                          const struct side *other)
{
    const struct flat *p;

    if (f->parent < 0)
        return true;
    p = find(other, mine->items[f->parent].path);
    return p && !p->value;
}

/* --- Comparing ----------------------------------------------------------- */

static int add(struct ydiff *d, size_t *cap, enum ydiff_kind kind,
               const char *path, const char *before, const char *after)
{
    struct ydiff_entry *e;

    if (d->n == *cap) {
        size_t want = *cap ? *cap * 2 : 16;
        struct ydiff_entry *p = realloc(d->items, want * sizeof *p);

        if (!p)
            return -1;
        d->items = p;
        *cap = want;
    }
    e = &d->items[d->n++];
    e->kind = kind;
    e->path = strdup(path);
    e->before = before ? strdup(before) : NULL;
    e->after = after ? strdup(after) : NULL;
    if (!e->path || (before && !e->before) || (after && !e->after))
        return -1;
    return 0;
}

/* A mapping or list compared with a single value: show its type. */
static const char *shown(const struct flat *f)
{
    return f->value ? f->value : "(a mapping or list)";
}

static int compare_first(const struct side *a, const struct side *b,
                         struct ydiff *d, size_t *cap)
{
    for (size_t i = 0; i < a->n; i++) {
        const struct flat *fa = &a->items[i];
        const struct flat *fb = find(b, fa->path);
        int rc = 0;

        if (!fb && parent_shared(a, fa, b))
            rc = add(d, cap, YDIFF_REMOVED, fa->path, fa->value, NULL);
        else if (fb && (fa->value || fb->value) &&
                 (!fa->value || !fb->value || strcmp(fa->value, fb->value)))
            rc = add(d, cap, YDIFF_CHANGED, fa->path, shown(fa), shown(fb));
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int compare_second(const struct side *a, const struct side *b,
                          struct ydiff *d, size_t *cap)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct flat *fb = &b->items[i];

        if (!find(a, fb->path) && parent_shared(b, fb, a) &&
            add(d, cap, YDIFF_ADDED, fb->path, NULL, fb->value) < 0)
            return -1;
    }
    return 0;
}

static int load_side(struct side *s, const char *text, const char *which,
                     char *err, size_t errlen)
{
    struct yerror ye;

    if (ytree_parse(&s->tree, text, strlen(text), &ye) < 0) {
        snprintf(err, errlen, "the %s scenario does not parse: %d:%d: %s",
                 which, ye.line, ye.column, ye.message);
        return -1;
    }
    if ((s->tree.root && flatten(s, s->tree.root, "", -1) < 0) ||
        build_index(s) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static void side_free(struct side *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].path);
        free(s->items[i].value);
    }
    free(s->items);
    free(s->sorted);
    ytree_free(&s->tree);
}

int ydiff_compare(const char *a, const char *b, struct ydiff *out,
                  char *err, size_t errlen)
{
    struct side sa = {0}, sb = {0};
    size_t cap = 0;
    int rc = load_side(&sa, a, "first", err, errlen);

    memset(out, 0, sizeof *out);
    if (rc == 0)
        rc = load_side(&sb, b, "second", err, errlen);
    if (rc == 0 && (compare_first(&sa, &sb, out, &cap) < 0 ||
                    compare_second(&sa, &sb, out, &cap) < 0)) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    side_free(&sa);
    side_free(&sb);
    if (rc < 0)
        ydiff_free(out);
    return rc;
}

void ydiff_free(struct ydiff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].path);
        free(d->items[i].before);
        free(d->items[i].after);
    }
    free(d->items);
    d->items = NULL;
    d->n = 0;
}
