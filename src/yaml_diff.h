/*
 * yaml_diff.h - what changed between two YAML documents, key by key; it
 * names what changed between the scenario snapshots of two runs.
 *
 * Each document is flattened into paths such as "users.think" or
 * "components[api].cpu.read":
 *   - a mapping's keys join with dots;
 *   - a list of mappings that each have a plain `name` is keyed by name,
 *     any other list of mappings by position, counted from 1;
 *   - a list of single values is one value, written "[db, cache]".
 * A key present on one side only is reported once, at the highest level
 * that is missing (a whole component, not each of its settings).
 *
 * Memory: a struct ydiff owns its entries and their strings; free it
 * with ydiff_free(). The documents passed in are not kept.
 */
#ifndef ARCHSIM_YAML_DIFF_H
#define ARCHSIM_YAML_DIFF_H

#include <stddef.h>

enum ydiff_kind {
    YDIFF_CHANGED,                  /* on both sides, different */
    YDIFF_ADDED,                    /* only in the second document */
    YDIFF_REMOVED,                  /* only in the first */
};

struct ydiff_entry {
    enum ydiff_kind kind;
    char *path;
    char *before;                   /* NULL when added, or for a whole */
    char *after;                    /* mapping or list added or removed */
};

struct ydiff {
    size_t n;
    struct ydiff_entry *items;      /* the first document's order, then
                                     * additions in the second's */
};

/*
 * Compare documents a and b (NUL-terminated UTF-8). Returns 0, or -1 with
 * a message in err when either does not parse or memory runs out; *out
 * is empty then, and safe to free either way.
 */
int ydiff_compare(const char *a, const char *b, struct ydiff *out,
                  char *err, size_t errlen);

void ydiff_free(struct ydiff *d);

#endif
