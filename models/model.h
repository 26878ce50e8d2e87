/*
 * model.h - what each component kind offers the engine: setting up its
 * state, and one step function that moves a request on at a component of
 * that kind. A request's phase says where it is within the component; a
 * step is called when it arrives, when its service ends, and when a pool
 * it waited for grants it a unit.
 *
 * State set up by *_init belongs to the struct sim and is released by
 * model_free_state().
 */
#ifndef ARCHSIM_MODEL_H
#define ARCHSIM_MODEL_H

#include "sim.h"

/* Phases shared by all kinds: a fresh arrival. */
#define PHASE_ARRIVE 0

int model_init_state(struct sim *sim, int comp);

/*
 * Give component comp ninst instances whose pools have capacities outer,
 * cores and lock, and at most outer_wait requests waiting for the outer
 * pool (-1: no bound). Cores and the lock queue without bound: what holds
 * the outer pool bounds them. Returns 0, or -1 when out of memory.
 */
int model_alloc_pools(struct sim *sim, int comp, int ninst, int outer,
                      int outer_wait, int cores, int lock);
void model_free_state(struct sim *sim, int comp);

/* Dispatch the current level of r to its component's kind. */
void model_step(struct sim *sim, uint32_t r);

void server_step(struct sim *sim, uint32_t r);
void lb_step(struct sim *sim, uint32_t r);
void database_step(struct sim *sim, uint32_t r);
void cache_step(struct sim *sim, uint32_t r);
void queue_step(struct sim *sim, uint32_t r);
void cdn_step(struct sim *sim, uint32_t r);

/* Rebuild balancer comp's backends from the instances now in service
 * of what it calls (after an autoscaled server scaled). */
void lb_refresh(struct sim *sim, int comp);

/* The sink (KIND_SINK): a call into a partition arrives and waits there
 * for its caller's timeout; an abandoned call comes back to it and ends. */
void sink_step(struct sim *sim, uint32_t r);

/* --- What a server does about its calls (calls.c). --------------------- */

/* Set up comp's breakers and retry budget; -1 when out of memory. */
int calls_init(struct sim *sim, int comp);

/* Whether comp's breaker lets call j go now (a trial call counts). */
bool calls_breaker_allows(struct sim *sim, int comp, int j);

/* The outcome of call j of comp, for its breaker. */
void calls_breaker_result(struct sim *sim, int comp, int j, bool failed);

/* A first try of a call: it earns the retry budget its share. */
void calls_first_try(struct sim *sim, int comp);

/* Whether r's failed call at its current level may go again, and if so
 * how long to wait first; spends the retry and the budget. */
bool calls_retry(struct sim *sim, uint32_t r, sim_ns *wait);

/* r has just made a call from its caller's level: time it out after the
 * caller's call-timeout. */
void calls_arm_timer(struct sim *sim, uint32_t r);

int server_init(struct sim *sim, int comp);
int lb_init(struct sim *sim, int comp);
int database_init(struct sim *sim, int comp);
int cache_init(struct sim *sim, int comp);
int queue_init(struct sim *sim, int comp);
int cdn_init(struct sim *sim, int comp);

/* The server's instance was chosen by a balancer: skip its own choice. */
#define SERVER_PHASE_CHOSEN 1

/* Draw r's key for a cache or CDN c if it has none yet. */
uint32_t model_key(struct sim *sim, uint32_t r, int comp);

/* Time r has spent at its current level. */
sim_ns model_level_age(const struct sim *sim, const struct request *q);

/* Account the end of r's stay at its current component. */
void model_note_done(struct sim *sim, uint32_t r);

/* --- LRU used by caches and CDN edges. ---------------------------------- */

/*
 * A least-recently-used set of up to capacity 32-bit keys: an open
 * addressing hash (linear probing, backward-shift deletion) over a doubly
 * linked recency list kept in arrays. Owned by its creator.
 */
struct lru *lru_create(uint32_t capacity);
void lru_destroy(struct lru *l);

/* Look key up; on a hit, make it most recent. Returns 1 hit, 0 miss. */
int lru_get(struct lru *l, uint32_t key);

/* Insert key as most recent, evicting the least recent when full. */
void lru_put(struct lru *l, uint32_t key);

/* Remove key if present. */
void lru_remove(struct lru *l, uint32_t key);

/* Empty the set (a cache flush). */
void lru_clear(struct lru *l);

uint32_t lru_size(const struct lru *l);

#endif
