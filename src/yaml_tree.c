/*
 * yaml_tree.c - libyaml events to a bounded tree of text nodes.
 *
 * Why events and not yaml_parser_load(): libyaml's loader has no limit on
 * nesting or on alias expansion, and libyaml 0.2.5 spends time growing
 * with the square of the nesting depth. Stopping at the event that opens
 * level YTREE_MAX_DEPTH + 1 keeps that cost small: libyaml looks at most
 * about 1024 characters ahead (the longest simple key) before it emits
 * the events of what it has read, so a file of a million '[' fails after
 * a few dozen events.
 *
 * Aliases are not copied: an alias adds its anchor's node to the parent,
 * and the anchor's weight (its node count with aliases expanded) to a
 * running total that must stay under YTREE_MAX_ALIAS_NODES. An anchor is
 * defined when its node is complete, so a node cannot contain an alias
 * to itself and the tree has no cycles.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "yaml_tree.h"

/* Weights saturate here, so that sums of huge expansions cannot wrap. */
#define WEIGHT_CAP ((size_t)YTREE_MAX_ALIAS_NODES + 1)

/* --- Arena ---------------------------------------------------------------
 * Nodes are shared between parents through aliases, so they are freed
 * all at once with the tree rather than one by one.
 */

#define ARENA_BLOCK 65536

struct arena_block {
    struct arena_block *next;
    size_t used;
    size_t cap;
    max_align_t data[];
};

static void *arena_alloc(struct arena_block **head, size_t bytes)
{
    const size_t align = sizeof(max_align_t);
    size_t need = (bytes + align - 1) / align * align;
    struct arena_block *b = *head;
    void *p;

    if (!b || b->cap - b->used < need) {
        size_t cap = need > ARENA_BLOCK ? need : ARENA_BLOCK;

        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = *head;
        *head = b;
    }
    p = (char *)b->data + b->used;
    b->used += need;
    return p;
}

static void arena_free(struct arena_block *b)
{
    while (b) {
        struct arena_block *next = b->next;

        free(b);
        b = next;
    }
}

/* --- The builder's state ------------------------------------------------- */

/* A list or mapping whose events are still arriving. */
struct frame {
    struct ynode *node;
    const char *anchor;             /* defined when the node is complete */
    struct ynode **kids;            /* buffer kept for reuse at this depth */
    size_t nkids;
    size_t cap;
};

struct anchor_slot {
    const char *name;
    struct ynode *node;
};

/* One key of a mapping, for finding duplicates and merging by sorting. */
struct key_entry {
    const struct ynode *key;
    size_t rank;                    /* order in the mapping */
    bool merge;                     /* the merge key "<<" */
};

struct builder {
    struct ytree *tree;
    struct yerror *err;
    const char *data;
    size_t len;
    yaml_parser_t parser;
    struct frame frames[YTREE_MAX_DEPTH];
    int depth;
    struct anchor_slot *anchors;    /* open addressing, power of 2 */
    size_t nanchors;
    size_t cap_anchors;
    size_t expanded;                /* nodes added by aliases so far */
    int documents;
};

/* --- Errors -------------------------------------------------------------- */

static int fail_at(struct builder *b, int line, int column,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(struct builder *b, int line, int column,
                   const char *fmt, ...)
{
    va_list ap;

    b->err->line = line;
    b->err->column = column;
    va_start(ap, fmt);
    vsnprintf(b->err->message, sizeof b->err->message, fmt, ap);
    va_end(ap);
    return -1;
}

static int mark_int(size_t v)
{
    return v >= INT32_MAX ? INT32_MAX : (int)v + 1;
}

static int fail_oom(struct builder *b)
{
    return fail_at(b, 1, 1, "out of memory");
}

void ytree_quote(const char *text, char *buf, size_t size)
{
    size_t max = size > 4 ? size - 4 : 0;
    size_t n = 0;

    /* Cut at a character boundary and hide control characters, so that
     * a message shows a value without breaking the terminal. */
    while (text[n] && n < max) {
        unsigned char ch = (unsigned char)text[n];

        buf[n] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
        n++;
    }
    while (n > 0 && text[n] && ((unsigned char)text[n] & 0xc0) == 0x80)
        n--;
    if (text[n] && size >= 4) {
        memcpy(buf + n, "...", 4);
        return;
    }
    if (size > 0)
        buf[n < size ? n : size - 1] = '\0';
}

/* --- Positions in the raw bytes ----------------------------------------- */

static bool is_continuation(unsigned char ch)
{
    return (ch & 0xc0) == 0x80;
}

/* Line and column (1-based, columns in characters) of a byte offset. */
static void offset_position(const char *data, size_t len, size_t offset,
                            int *line, int *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < len; i++) {
        unsigned char ch = (unsigned char)data[i];
        bool crlf = ch == '\r' && i + 1 < len && data[i + 1] == '\n';

        if ((ch == '\n' || ch == '\r') && !crlf) {
            (*line)++;
            *column = 1;
        } else if (!is_continuation(ch) && !crlf) {
            (*column)++;
        }
    }
}

/* The byte at a libyaml mark (0-based line and column), or -1. */
static int byte_at_mark(const char *data, size_t len, size_t line,
                        size_t column)
{
    size_t i = 0;

    for (size_t l = 0; l < line && i < len; i++)
        if (data[i] == '\n')
            l++;
    for (size_t c = 0; c < column && i < len; c++) {
        i++;
        while (i < len && is_continuation((unsigned char)data[i]))
            i++;
    }
    return i < len ? (unsigned char)data[i] : -1;
}

/* Refuse what libyaml would misread or report badly: UTF-16 and NULs. */
static int check_raw(struct builder *b)
{
    const char *nul = memchr(b->data, '\0', b->len);
    int line, column;

    if (b->len >= 2 && (memcmp(b->data, "\xfe\xff", 2) == 0 ||
                        memcmp(b->data, "\xff\xfe", 2) == 0))
        return fail_at(b, 1, 1, "the file is UTF-16; save it as UTF-8");
    if (!nul)
        return 0;
    offset_position(b->data, b->len, (size_t)(nul - b->data), &line,
                    &column);
    return fail_at(b, line, column,
                   "NUL byte in the file (is it a text file?)");
}

static int parser_error(struct builder *b)
{
    const yaml_parser_t *p = &b->parser;
    const char *problem = p->problem ? p->problem : "syntax error";
    const char *hint = "";
    int line, column;

    if (p->error == YAML_MEMORY_ERROR)
        return fail_oom(b);
    if (p->error == YAML_READER_ERROR) {
        offset_position(b->data, b->len, p->problem_offset, &line,
                        &column);
        return fail_at(b, line, column, "%s", problem);
    }
    if (byte_at_mark(b->data, b->len, p->problem_mark.line,
                     p->problem_mark.column) == '\t')
        hint = "; indent with spaces, not tabs";
    else if (strstr(problem, "mapping values are not allowed"))
        hint = "; a value that holds ': ' needs quotes";
    line = mark_int(p->problem_mark.line);
    column = mark_int(p->problem_mark.column);
    if (p->context)
        return fail_at(b, line, column, "%s (%s)%s", problem, p->context,
                       hint);
    return fail_at(b, line, column, "%s%s", problem, hint);
}

/* --- Anchors ------------------------------------------------------------- */

static size_t hash_name(const char *name)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 1099511628211ULL;
    return (size_t)h;
}

static struct anchor_slot *anchor_slot(struct anchor_slot *slots,
                                       size_t cap, const char *name)
{
    size_t i = hash_name(name) & (cap - 1);

    while (slots[i].name && strcmp(slots[i].name, name) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int anchors_grow(struct builder *b)
{
    size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 64;
    struct anchor_slot *slots = calloc(cap, sizeof *slots);

    if (!slots)
        return -1;
    for (size_t i = 0; i < b->cap_anchors; i++) {
        const struct anchor_slot *old = &b->anchors[i];

        if (old->name)
            *anchor_slot(slots, cap, old->name) = *old;
    }
    free(b->anchors);
    b->anchors = slots;
    b->cap_anchors = cap;
    return 0;
}

/* Define name (an arena string); a later definition replaces an earlier. */
static int anchor_define(struct builder *b, const char *name,
                         struct ynode *node)
{
    struct anchor_slot *slot;

    if (2 * (b->nanchors + 1) > b->cap_anchors && anchors_grow(b) < 0)
        return fail_oom(b);
    slot = anchor_slot(b->anchors, b->cap_anchors, name);
    if (!slot->name)
        b->nanchors++;
    slot->name = name;
    slot->node = node;
    return 0;
}

static struct ynode *anchor_find(const struct builder *b, const char *name)
{
    if (b->cap_anchors == 0)
        return NULL;
    return anchor_slot(b->anchors, b->cap_anchors, name)->node;
}

/* --- Nodes --------------------------------------------------------------- */

static size_t weight_add(size_t a, size_t b)
{
    return a + b > WEIGHT_CAP ? WEIGHT_CAP : a + b;
}

static struct ynode *new_node(struct builder *b, enum ynode_type type,
                              yaml_mark_t mark)
{
    struct ynode *node = arena_alloc(&b->tree->arena, sizeof *node);

    if (!node)
        return NULL;
    memset(node, 0, sizeof *node);
    node->type = type;
    node->line = mark_int(mark.line);
    node->column = mark_int(mark.column);
    node->weight = 1;
    return node;
}

static char *arena_strdup(struct builder *b, const void *text, size_t len)
{
    char *copy = arena_alloc(&b->tree->arena, len + 1);

    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

static bool is_merge_key(const struct ynode *key)
{
    return key->type == YNODE_SCALAR && key->plain &&
           strcmp(key->text, "<<") == 0;
}

/* Append a finished node to the open collection, or make it the root. */
static int add_child(struct builder *b, struct ynode *node)
{
    struct frame *f;

    if (b->depth == 0) {
        b->tree->root = node;
        return 0;
    }
    f = &b->frames[b->depth - 1];
    if (f->node->type == YNODE_MAP && f->nkids % 2 == 0 &&
        node->type != YNODE_SCALAR)
        return fail_at(b, node->line, node->column,
                       "a key must be a single value, not %s",
                       ynode_type_name(node->type));
    if (f->nkids == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct ynode **kids = realloc(f->kids, cap * sizeof *kids);

        if (!kids)
            return fail_oom(b);
        f->kids = kids;
        f->cap = cap;
    }
    f->kids[f->nkids++] = node;
    return 0;
}

/* Add node to its parent and define its anchor, if it has one. */
static int finish_node(struct builder *b, struct ynode *node,
                       const char *anchor)
{
    if (add_child(b, node) < 0)
        return -1;
    return anchor ? anchor_define(b, anchor, node) : 0;
}

static const char *copy_anchor(struct builder *b, const yaml_char_t *anchor,
                               bool *oom)
{
    const char *copy;

    *oom = false;
    if (!anchor)
        return NULL;
    copy = arena_strdup(b, anchor, strlen((const char *)anchor));
    *oom = copy == NULL;
    return copy;
}

static int add_scalar(struct builder *b, const yaml_event_t *ev)
{
    struct ynode *node = new_node(b, YNODE_SCALAR, ev->start_mark);
    const char *anchor;
    bool oom;

    if (!node)
        return fail_oom(b);
    node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    node->text = arena_strdup(b, ev->data.scalar.value,
                              ev->data.scalar.length);
    anchor = copy_anchor(b, ev->data.scalar.anchor, &oom);
    if (!node->text || oom)
        return fail_oom(b);
    /* A "\0" escape in a quoted scalar; nothing in a scenario holds one. */
    if (strlen(node->text) != ev->data.scalar.length)
        return fail_at(b, node->line, node->column,
                       "a value contains a NUL character");
    return finish_node(b, node, anchor);
}

static int add_alias(struct builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    struct ynode *target = anchor_find(b, name);
    char shown[64];

    if (!target) {
        ytree_quote(name, shown, sizeof shown);
        return fail_at(b, mark_int(ev->start_mark.line),
                       mark_int(ev->start_mark.column),
                       "alias '*%s' names no anchor defined before it",
                       shown);
    }
    b->expanded = weight_add(b->expanded, target->weight);
    if (b->expanded > YTREE_MAX_ALIAS_NODES)
        return fail_at(b, mark_int(ev->start_mark.line),
                       mark_int(ev->start_mark.column),
                       "aliases expand to more than %d nodes",
                       YTREE_MAX_ALIAS_NODES);
    return add_child(b, target);
}

static int open_collection(struct builder *b, const yaml_event_t *ev,
                           enum ynode_type type, const yaml_char_t *anchor)
{
    struct frame *f;
    struct ynode *node;
    bool oom;

    if (b->depth == YTREE_MAX_DEPTH)
        return fail_at(b, mark_int(ev->start_mark.line),
                       mark_int(ev->start_mark.column),
                       "nesting deeper than %d levels", YTREE_MAX_DEPTH);
    node = new_node(b, type, ev->start_mark);
    if (!node)
        return fail_oom(b);
    f = &b->frames[b->depth++];
    f->node = node;
    f->nkids = 0;
    f->anchor = copy_anchor(b, anchor, &oom);
    return oom ? fail_oom(b) : 0;
}

/* --- Mappings: duplicate keys and merge keys ---------------------------- */

static int compare_keys(const void *pa, const void *pb)
{
    const struct key_entry *a = pa, *b = pb;
    int c;

    if (a->merge != b->merge)
        return a->merge ? 1 : -1;
    c = strcmp(a->key->text, b->key->text);
    if (c != 0)
        return c;
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

static bool same_key(const struct key_entry *a, const struct key_entry *b)
{
    return a->merge == b->merge && strcmp(a->key->text, b->key->text) == 0;
}

/*
 * The second writing of a key that is written twice; when several keys
 * are, the one that comes first in the file. Entries are sorted.
 */
static const struct key_entry *first_duplicate(const struct key_entry *e,
                                               size_t n,
                                               const struct key_entry **was)
{
    const struct key_entry *found = NULL;
    size_t group = 0;

    for (size_t i = 1; i < n; i++) {
        if (!same_key(&e[i], &e[group])) {
            group = i;
            continue;
        }
        if (i == group + 1 && (!found || e[i].rank < found->rank)) {
            found = &e[i];
            *was = &e[group];
        }
    }
    return found;
}

static int check_duplicates(struct builder *b, struct ynode **kids,
                            size_t npairs)
{
    struct key_entry *e = malloc((npairs ? npairs : 1) * sizeof *e);
    const struct key_entry *dup, *was = NULL;
    char shown[64];

    if (!e)
        return fail_oom(b);
    for (size_t i = 0; i < npairs; i++)
        e[i] = (struct key_entry){kids[2 * i], i, is_merge_key(kids[2 * i])};
    qsort(e, npairs, sizeof *e, compare_keys);
    dup = first_duplicate(e, npairs, &was);
    if (!dup) {
        free(e);
        return 0;
    }
    ytree_quote(dup->key->text, shown, sizeof shown);
    fail_at(b, dup->key->line, dup->key->column,
            "duplicate key '%s' (first written at line %d, column %d)",
            shown, was->key->line, was->key->column);
    free(e);
    return -1;
}

static int store_items(struct builder *b, struct ynode *node,
                       struct ynode *const *kids, size_t nkids)
{
    node->items = arena_alloc(&b->tree->arena,
                              (nkids ? nkids : 1) * sizeof *node->items);
    if (!node->items)
        return fail_oom(b);
    if (nkids > 0)                  /* kids is NULL for an empty {} */
        memcpy(node->items, kids, nkids * sizeof *kids);
    node->n = node->type == YNODE_MAP ? nkids / 2 : nkids;
    for (size_t i = 0; i < nkids; i++)
        node->weight = weight_add(node->weight, kids[i]->weight);
    return 0;
}

/* The pairs a mapping is made of once its merge keys are expanded. */
struct pair_list {
    struct ynode **kv;              /* key, value, key, value, ... */
    size_t n;                       /* pairs */
    size_t cap;
};

static int pairs_add(struct pair_list *p, struct ynode *k, struct ynode *v)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct ynode **kv = realloc(p->kv, 2 * cap * sizeof *kv);

        if (!kv)
            return -1;
        p->kv = kv;
        p->cap = cap;
    }
    p->kv[2 * p->n] = k;
    p->kv[2 * p->n + 1] = v;
    p->n++;
    return 0;
}

static int pairs_add_map(struct pair_list *p, const struct ynode *map)
{
    for (size_t i = 0; i < map->n; i++)
        if (pairs_add(p, map->items[2 * i], map->items[2 * i + 1]) < 0)
            return -1;
    return 0;
}

/* The mapping's own pairs first, then those of each merged mapping. */
static int gather_pairs(struct builder *b, struct ynode **kids,
                        size_t npairs, struct pair_list *p)
{
    for (size_t i = 0; i < npairs; i++) {
        if (!is_merge_key(kids[2 * i]) &&
            pairs_add(p, kids[2 * i], kids[2 * i + 1]) < 0)
            return fail_oom(b);
    }
    for (size_t i = 0; i < npairs; i++) {
        const struct ynode *v = kids[2 * i + 1];
        bool list = v->type == YNODE_SEQ;
        size_t count = list ? v->n : 1;

        if (!is_merge_key(kids[2 * i]))
            continue;
        for (size_t j = 0; j < count; j++) {
            const struct ynode *src = list ? v->items[j] : v;

            if (src->type != YNODE_MAP)
                return fail_at(b, src->line, src->column,
                               "'<<' merges a mapping or a list of "
                               "mappings, not %s",
                               ynode_type_name(src->type));
            if (pairs_add_map(p, src) < 0)
                return fail_oom(b);
        }
    }
    return 0;
}

/* Keep the first pair of each key: the own one, or the earliest merged. */
static int keep_first_of_each(struct builder *b, struct pair_list *p,
                              bool *keep)
{
    struct key_entry *e = malloc((p->n ? p->n : 1) * sizeof *e);

    if (!e)
        return fail_oom(b);
    for (size_t i = 0; i < p->n; i++)
        e[i] = (struct key_entry){p->kv[2 * i], i, false};
    qsort(e, p->n, sizeof *e, compare_keys);
    for (size_t i = 0; i < p->n; i++)
        keep[e[i].rank] = i == 0 || !same_key(&e[i], &e[i - 1]);
    free(e);
    return 0;
}

static int merge_map(struct builder *b, struct frame *f)
{
    struct pair_list p = {0};
    bool *keep = NULL;
    size_t kept = 0;
    int rc = gather_pairs(b, f->kids, f->nkids / 2, &p);

    if (rc == 0) {
        keep = malloc((p.n ? p.n : 1) * sizeof *keep);
        rc = keep ? keep_first_of_each(b, &p, keep) : fail_oom(b);
    }
    for (size_t i = 0; rc == 0 && i < p.n; i++) {
        if (keep[i]) {
            p.kv[2 * kept] = p.kv[2 * i];
            p.kv[2 * kept + 1] = p.kv[2 * i + 1];
            kept++;
        }
    }
    if (rc == 0)
        rc = store_items(b, f->node, p.kv, 2 * kept);
    free(keep);
    free(p.kv);
    return rc;
}

static int finish_map(struct builder *b, struct frame *f)
{
    size_t npairs = f->nkids / 2;

    if (check_duplicates(b, f->kids, npairs) < 0)
        return -1;
    for (size_t i = 0; i < npairs; i++)
        if (is_merge_key(f->kids[2 * i]))
            return merge_map(b, f);
    return store_items(b, f->node, f->kids, f->nkids);
}

static int close_collection(struct builder *b)
{
    struct frame *f = &b->frames[--b->depth];
    int rc;

    if (f->node->type == YNODE_MAP)
        rc = finish_map(b, f);
    else
        rc = store_items(b, f->node, f->kids, f->nkids);
    return rc < 0 ? -1 : finish_node(b, f->node, f->anchor);
}

/* --- Events -------------------------------------------------------------- */

static int start_document(struct builder *b, const yaml_event_t *ev)
{
    if (b->documents++ == 0)
        return 0;
    return fail_at(b, mark_int(ev->start_mark.line),
                   mark_int(ev->start_mark.column),
                   "a second document; a scenario file holds one");
}

static int handle_event(struct builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        return start_document(b, ev);
    case YAML_SCALAR_EVENT:
        return add_scalar(b, ev);
    case YAML_ALIAS_EVENT:
        return add_alias(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return open_collection(b, ev, YNODE_SEQ,
                               ev->data.sequence_start.anchor);
    case YAML_MAPPING_START_EVENT:
        return open_collection(b, ev, YNODE_MAP,
                               ev->data.mapping_start.anchor);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return close_collection(b);
    default:
        return 0;
    }
}

static int read_events(struct builder *b)
{
    for (;;) {
        yaml_event_t ev;
        bool end;
        int rc;

        if (!yaml_parser_parse(&b->parser, &ev))
            return parser_error(b);
        end = ev.type == YAML_STREAM_END_EVENT;
        rc = handle_event(b, &ev);
        yaml_event_delete(&ev);
        if (rc < 0 || end)
            return rc;
    }
}

static void builder_release(struct builder *b)
{
    for (int i = 0; i < YTREE_MAX_DEPTH; i++)
        free(b->frames[i].kids);
    free(b->anchors);
}

int ytree_parse(struct ytree *tree, const char *data, size_t len,
                struct yerror *err)
{
    struct builder b = {.tree = tree, .err = err, .data = data, .len = len};
    int rc;

    memset(tree, 0, sizeof *tree);
    memset(err, 0, sizeof *err);
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
        b.data += 3;
        b.len -= 3;
    }
    if (check_raw(&b) < 0)
        return -1;
    if (!yaml_parser_initialize(&b.parser))
        return fail_oom(&b);
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)b.data,
                                 b.len);
    yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);
    rc = read_events(&b);
    yaml_parser_delete(&b.parser);
    builder_release(&b);
    return rc;
}

void ytree_free(struct ytree *tree)
{
    arena_free(tree->arena);
    tree->arena = NULL;
    tree->root = NULL;
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
    for (size_t i = 0; map->type == YNODE_MAP && i < map->n; i++)
        if (strcmp(map->items[2 * i]->text, key) == 0)
            return map->items[2 * i + 1];
    return NULL;
}

const char *ynode_type_name(enum ynode_type type)
{
    switch (type) {
    case YNODE_SCALAR:
        return "a single value";
    case YNODE_SEQ:
        return "a list";
    case YNODE_MAP:
        return "a mapping";
    }
    return "a node";
}
