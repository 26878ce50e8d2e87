/*
 * test_cache.c - the LRU against a brute-force model, and its hit ratio
 * over Zipf keys against Che's approximation, alone and inside the engine.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "support.h"

/* A list in recency order, most recent first: the obvious LRU. */
struct slow_lru {
    uint32_t cap, n;
    uint32_t *keys;
};

static int slow_find(const struct slow_lru *s, uint32_t key)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->keys[i] == key)
            return (int)i;
    return -1;
}

static void slow_to_front(struct slow_lru *s, int at, uint32_t key)
{
    memmove(s->keys + 1, s->keys, (size_t)at * sizeof *s->keys);
    s->keys[0] = key;
}

static int slow_get(struct slow_lru *s, uint32_t key)
{
    int at = slow_find(s, key);

    if (at < 0)
        return 0;
    slow_to_front(s, at, key);
    return 1;
}

static void slow_put(struct slow_lru *s, uint32_t key)
{
    int at = slow_find(s, key);

    if (at >= 0) {
        slow_to_front(s, at, key);
        return;
    }
    if (s->n < s->cap)
        s->n++;
    slow_to_front(s, (int)s->n - 1, key);
}

static void slow_remove(struct slow_lru *s, uint32_t key)
{
    int at = slow_find(s, key);

    if (at < 0)
        return;
    memmove(s->keys + at, s->keys + at + 1,
            (size_t)(s->n - (uint32_t)at - 1) * sizeof *s->keys);
    s->n--;
}

/* Random gets, puts and removes agree with the obvious model. */
static void compare_with_model(uint32_t capacity, uint32_t keys, int ops)
{
    struct slow_lru slow = {capacity, 0, calloc(capacity, sizeof(uint32_t))};
    struct lru *l = lru_create(capacity);
    struct rng r;

    assert_non_null(l);
    assert_non_null(slow.keys);
    rng_seed(&r, 99);
    for (int i = 0; i < ops; i++) {
        uint32_t key = (uint32_t)rng_below(&r, keys);
        uint64_t op = rng_below(&r, 10);

        if (op < 5)
            assert_int_equal(lru_get(l, key), slow_get(&slow, key));
        else if (op < 9)
            lru_put(l, key), slow_put(&slow, key);
        else
            lru_remove(l, key), slow_remove(&slow, key);
        assert_int_equal(lru_size(l), slow.n);
    }
    lru_clear(l);
    assert_int_equal(lru_size(l), 0);
    assert_int_equal(lru_get(l, 3), 0);
    lru_destroy(l);
    free(slow.keys);
}

static void lru_matches_model(void **state)
{
    (void)state;
    compare_with_model(50, 120, 200000);
}

/* A capacity beyond the first allocation: the set grows as it fills. */
static void lru_grows_and_still_matches(void **state)
{
    (void)state;
    compare_with_model(3000, 7000, 60000);
}

/*
 * Che's approximation: an LRU of capacity C keeps a key whose request
 * probability is p for a characteristic time T with sum(1 - e^(-pT)) = C;
 * its hit ratio is sum p (1 - e^(-pT)).
 */
static double che_hit_ratio(uint64_t n, double s, double capacity)
{
    double *p = malloc(n * sizeof *p);
    double norm = 0, lo = 0, hi = 1, hit = 0;

    assert_non_null(p);
    for (uint64_t k = 1; k <= n; k++)
        norm += p[k - 1] = pow((double)k, -s);
    for (uint64_t k = 0; k < n; k++)
        p[k] /= norm;
    for (;;) {                      /* find an upper bound for T */
        double held = 0;

        for (uint64_t k = 0; k < n; k++)
            held += 1 - exp(-p[k] * hi);
        if (held >= capacity)
            break;
        hi *= 2;
    }
    for (int it = 0; it < 100; it++) {
        double t = (lo + hi) / 2, held = 0;

        for (uint64_t k = 0; k < n; k++)
            held += 1 - exp(-p[k] * t);
        if (held < capacity)
            lo = t;
        else
            hi = t;
    }
    for (uint64_t k = 0; k < n; k++)
        hit += p[k] * (1 - exp(-p[k] * lo));
    free(p);
    return hit;
}

static double simulated_hit_ratio(uint64_t n, double s, uint32_t capacity)
{
    struct lru *l = lru_create(capacity);
    struct zipf z;
    struct rng r;
    uint64_t hits = 0, asks = 2000000;

    assert_non_null(l);
    zipf_init(&z, n, s);
    rng_seed(&r, 5);
    for (uint64_t i = 0; i < asks + 200000; i++) {
        uint32_t key = (uint32_t)zipf_draw(&z, &r);
        int hit = lru_get(l, key);

        if (!hit)
            lru_put(l, key);
        if (i >= 200000)            /* after the cache has filled */
            hits += (uint64_t)hit;
    }
    lru_destroy(l);
    return (double)hits / (double)asks;
}

static void lru_agrees_with_che(void **state)
{
    const double skews[] = {0.8, 1.0, 1.2};
    const uint32_t capacities[] = {100, 1000, 10000};

    (void)state;
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            double che = che_hit_ratio(100000, skews[i], capacities[j]);
            double sim = simulated_hit_ratio(100000, skews[i],
                                             capacities[j]);

            print_message("zipf %.1f, capacity %u: LRU %.4f, Che %.4f\n",
                          skews[i], capacities[j], sim, che);
            assert_true(fabs(sim - che) < 0.02);
        }
    }
}

/* The same inside the engine: a cache in front of a database. */
static void engine_cache_agrees_with_che(void **state)
{
    struct scenario s;
    struct component *cache, *db;
    struct sim *sim;
    double got, che;

    (void)state;
    open_scenario(&s, 2000);
    add_station(&s, "api", 16, 1 * NS_PER_MS);
    cache = scenario_add(&s, KIND_CACHE, "cache");
    cache->capacity = 5000;
    cache->keys = 200000;
    cache->skew = 1.0;
    db = scenario_add(&s, KIND_DATABASE, "db");
    db->cores = 64;
    db->pool = 1000;
    add_call(&s, "api", "cache");
    add_call(&s, "api", "db");
    must_validate(&s);

    sim = run_for(&s, 17, 1, 200, 500);
    got = (double)sim->cs[1].st.hits / (double)sim->cs[1].st.lookups;
    che = che_hit_ratio(200000, 1.0, 5000);
    print_message("engine cache: hit ratio %.4f, Che %.4f\n", got, che);
    assert_true(fabs(got - che) < 0.02);

    /* Hits skip the database: it sees only the misses. */
    assert_true(fabs((double)sim->cs[2].st.arrivals /
                     (double)sim->cs[1].st.lookups - (1 - got)) < 0.01);
    sim_destroy(sim);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lru_matches_model),
        cmocka_unit_test(lru_grows_and_still_matches),
        cmocka_unit_test(lru_agrees_with_che),
        cmocka_unit_test(engine_cache_agrees_with_che),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
