/*
 * lru.c - a least-recently-used set of 32-bit keys.
 *
 * Entries live in arrays indexed by slot: key, and the previous and next
 * slot in recency order. A hash table of at least twice the entries maps
 * keys to slots (linear probing; deletion shifts later entries back so
 * that no tombstones build up over a long run). The arrays start small
 * and double as the set fills, up to its capacity: memory follows what a
 * cache really holds, not the capacity it was given.
 */
#include <stdlib.h>

#include "model.h"

#define EMPTY UINT32_MAX
#define EMPTY_ENTRY UINT64_MAX

static inline uint32_t entry_key(uint64_t e) { return (uint32_t)(e >> 32); }
static inline uint32_t entry_slot(uint64_t e) { return (uint32_t)e; }
static inline uint64_t make_entry(uint32_t key, uint32_t slot)
{
    return (uint64_t)key << 32 | slot;
}

#define FIRST_ROOM 1024u

struct lru {
    uint32_t cap, size, mask;
    uint32_t room;                  /* slots allocated, up to cap */
    uint32_t head, tail;            /* most and least recent slots */
    uint32_t *key, *prev, *next;    /* per slot */
    uint64_t *table;                /* key << 32 | slot, or EMPTY_ENTRY;
                                     * the key sits beside its slot so a
                                     * probe touches one cache line */
};

static uint32_t hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

static uint32_t buckets_for(uint32_t entries)
{
    uint32_t buckets = 16;

    while (buckets < entries * 2u && buckets < (1u << 31))
        buckets <<= 1;
    return buckets;
}

struct lru *lru_create(uint32_t capacity)
{
    struct lru *l = calloc(1, sizeof *l);

    if (!l)
        return NULL;
    l->cap = capacity < 1 ? 1 : capacity;
    l->room = l->cap < FIRST_ROOM ? l->cap : FIRST_ROOM;
    l->mask = buckets_for(l->room) - 1;
    l->key = malloc(l->room * sizeof *l->key);
    l->prev = malloc(l->room * sizeof *l->prev);
    l->next = malloc(l->room * sizeof *l->next);
    l->table = malloc(((size_t)l->mask + 1) * sizeof *l->table);
    if (!l->key || !l->prev || !l->next || !l->table) {
        lru_destroy(l);
        return NULL;
    }
    lru_clear(l);
    return l;
}

void lru_destroy(struct lru *l)
{
    if (!l)
        return;
    free(l->key);
    free(l->prev);
    free(l->next);
    free(l->table);
    free(l);
}

void lru_clear(struct lru *l)
{
    for (uint32_t i = 0; i <= l->mask; i++)
        l->table[i] = EMPTY_ENTRY;
    l->size = 0;
    l->head = l->tail = EMPTY;
}

uint32_t lru_size(const struct lru *l)
{
    return l->size;
}

/* The table position holding key, or the empty one where it would go. */
static uint32_t find_pos(const struct lru *l, uint32_t key)
{
    uint32_t pos = hash32(key) & l->mask;

    while (l->table[pos] != EMPTY_ENTRY && entry_key(l->table[pos]) != key)
        pos = (pos + 1) & l->mask;
    return pos;
}

static void unlink_slot(struct lru *l, uint32_t s)
{
    if (l->prev[s] != EMPTY)
        l->next[l->prev[s]] = l->next[s];
    else
        l->head = l->next[s];
    if (l->next[s] != EMPTY)
        l->prev[l->next[s]] = l->prev[s];
    else
        l->tail = l->prev[s];
}

static void push_front(struct lru *l, uint32_t s)
{
    l->prev[s] = EMPTY;
    l->next[s] = l->head;
    if (l->head != EMPTY)
        l->prev[l->head] = s;
    l->head = s;
    if (l->tail == EMPTY)
        l->tail = s;
}

/* Empty table position pos and shift back the entries that follow. */
static void table_delete(struct lru *l, uint32_t pos)
{
    uint32_t hole = pos, i = pos;

    l->table[hole] = EMPTY_ENTRY;
    for (;;) {
        uint32_t home;

        i = (i + 1) & l->mask;
        if (l->table[i] == EMPTY_ENTRY)
            return;
        home = hash32(entry_key(l->table[i])) & l->mask;
        /* Move the entry back unless its home lies in (hole, i]. */
        if (((i - home) & l->mask) >= ((i - hole) & l->mask)) {
            l->table[hole] = l->table[i];
            l->table[i] = EMPTY_ENTRY;
            hole = i;
        }
    }
}

int lru_get(struct lru *l, uint32_t key)
{
    uint32_t pos = find_pos(l, key);
    uint32_t s;

    if (l->table[pos] == EMPTY_ENTRY)
        return 0;
    s = entry_slot(l->table[pos]);
    if (l->head != s) {
        unlink_slot(l, s);
        push_front(l, s);
    }
    return 1;
}

static int grow_array(uint32_t **a, uint32_t n)
{
    uint32_t *grown = realloc(*a, n * sizeof **a);

    if (!grown)
        return -1;
    *a = grown;
    return 0;
}

/* Double the slots (up to the capacity) and rebuild a table twice their
 * size. Returns -1 when memory runs out: the set then stays this size
 * and evicts, which only lowers its hit ratio. */
static int grow(struct lru *l)
{
    uint32_t room = l->room > l->cap / 2 ? l->cap : l->room * 2;
    uint32_t buckets = buckets_for(room);
    uint64_t *table;

    if (grow_array(&l->key, room) < 0 || grow_array(&l->prev, room) < 0 ||
        grow_array(&l->next, room) < 0)
        return -1;
    table = malloc((size_t)buckets * sizeof *table);
    if (!table)
        return -1;
    free(l->table);
    l->table = table;
    l->mask = buckets - 1;
    l->room = room;
    for (uint32_t i = 0; i < buckets; i++)
        table[i] = EMPTY_ENTRY;
    for (uint32_t s = 0; s < l->size; s++) {
        uint32_t pos = hash32(l->key[s]) & l->mask;

        while (table[pos] != EMPTY_ENTRY)
            pos = (pos + 1) & l->mask;
        table[pos] = make_entry(l->key[s], s);
    }
    return 0;
}

void lru_put(struct lru *l, uint32_t key)
{
    uint32_t pos = find_pos(l, key);
    uint32_t s;

    if (l->table[pos] != EMPTY_ENTRY) {
        lru_get(l, key);
        return;
    }
    if (l->size == l->room && l->room < l->cap && grow(l) == 0)
        pos = find_pos(l, key);
    if (l->size < l->room) {
        s = l->size++;
    } else {
        s = l->tail;                /* evict the least recent */
        unlink_slot(l, s);
        table_delete(l, find_pos(l, l->key[s]));
        pos = find_pos(l, key);
    }
    l->key[s] = key;
    l->table[pos] = make_entry(key, s);
    push_front(l, s);
}

void lru_remove(struct lru *l, uint32_t key)
{
    uint32_t pos = find_pos(l, key);
    uint32_t s, last;

    if (l->table[pos] == EMPTY_ENTRY)
        return;
    s = entry_slot(l->table[pos]);
    unlink_slot(l, s);
    table_delete(l, pos);
    /* Keep slots dense: move the last slot into the freed one. */
    last = --l->size;
    if (s != last) {
        uint32_t lpos = find_pos(l, l->key[last]);

        l->key[s] = l->key[last];
        l->prev[s] = l->prev[last];
        l->next[s] = l->next[last];
        if (l->prev[s] != EMPTY)
            l->next[l->prev[s]] = s;
        else
            l->head = s;
        if (l->next[s] != EMPTY)
            l->prev[l->next[s]] = s;
        else
            l->tail = s;
        l->table[lpos] = make_entry(l->key[s], s);
    }
}
