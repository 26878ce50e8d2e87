/*
 * yaml_tree.h - read one YAML document into a tree of plain text nodes,
 * safely, whatever the input.
 *
 * The reader takes libyaml's events (never its document loader) and
 * builds scalars, lists and mappings without typing anything: every
 * scalar keeps the text it was written with, so "no" and "010" stay
 * those strings. On the way it enforces what the loader must be able to
 * trust about hostile input:
 *
 *   - one document at most, valid UTF-8, no NUL characters;
 *   - nesting at most YTREE_MAX_DEPTH levels deep;
 *   - aliases that expand to at most YTREE_MAX_ALIAS_NODES nodes in all,
 *     so that a "billion laughs" file fails at once;
 *   - no key twice in one mapping; keys are scalars;
 *   - merge keys ("<<: *a" or "<<: [*a, *b]") resolved, with the
 *     mapping's own keys winning over merged ones and earlier merged
 *     mappings winning over later ones.
 *
 * An alias shares the node of its anchor, so the tree is a directed
 * acyclic graph; all nodes belong to the tree and are freed with it.
 */
#ifndef ARCHSIM_YAML_TREE_H
#define ARCHSIM_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#define YTREE_MAX_DEPTH         32
#define YTREE_MAX_ALIAS_NODES   100000

enum ynode_type { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP };

struct ynode {
    enum ynode_type type;
    int line;                       /* 1-based, where the node starts */
    int column;                     /* 1-based, in characters */
    bool plain;                     /* a scalar written without quotes */
    const char *text;               /* scalar: NUL-terminated UTF-8 */
    size_t n;                       /* list: items; mapping: pairs */
    struct ynode **items;           /* mapping: key, value, key, ... */
    size_t weight;                  /* nodes here and below, saturated */
};

struct ytree {
    struct ynode *root;             /* NULL when there is no document */
    struct arena_block *arena;      /* private: where the nodes live */
};

struct yerror {
    int line;                       /* 1-based */
    int column;
    char message[256];
};

/*
 * Read data (len bytes, a UTF-8 byte-order mark allowed) into *tree.
 * Returns 0, or -1 with *err filled in. Free the tree with ytree_free()
 * whatever the result.
 */
int ytree_parse(struct ytree *tree, const char *data, size_t len,
                struct yerror *err);

void ytree_free(struct ytree *tree);

/* The value of key in a mapping, or NULL. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);

/*
 * Copy text into buf for a message: cut at a character boundary with
 * "..." when longer than size allows, control characters shown as '?'.
 */
void ytree_quote(const char *text, char *buf, size_t size);

/* "a single value", "a list" or "a mapping", for messages. */
const char *ynode_type_name(enum ynode_type type);

#endif
