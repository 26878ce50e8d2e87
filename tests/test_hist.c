/*
 * test_hist.c - the log-linear histogram of hist.h: bucket layout,
 * nearest-rank quantiles against an exact sort, merging, and the edges
 * (empty, one value, 0, 127, 128, INT64_MAX).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "rng.h"

/* The bucket INT64_MAX falls in: row 62 - 7, top eight bits all ones. */
#define TOP_BUCKET ((62 - HIST_SUB_BITS) * HIST_SUB + 255)

#define NSAMPLES 100000

/* Histograms are 30 KB each: keep them off the stack. */
static struct hist ha, hb, hall;
static int64_t samples[NSAMPLES];

/* Fail, naming both values, unless |got - want| <= tol. */
static void
check_close(double got, double want, double tol, const char *what,
            const char *file, int line)
{
    if (fabs(got - want) <= tol)
        return;
    print_error("%s: got %.10g, want %.10g, tolerance %.3g\n",
                what, got, want, tol);
    _fail(file, line);
}

#define assert_close_rel(got, want, rel, what) \
    check_close((got), (want), fabs(want) * (rel), (what), \
                __FILE__, __LINE__)

static int
cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Nearest rank of a per-mille quantile, ceil(n * pm / 1000), in integers. */
static uint64_t
rank_permille(uint64_t n, uint64_t pm)
{
    uint64_t r = (n * pm + 999) / 1000;

    return r < 1 ? 1 : r;
}

/* --- bucket layout ---------------------------------------------------- */

static void
test_hist_bucket_known_values(void **state)
{
    (void)state;
    assert_int_equal(hist_bucket(0), 0);
    assert_int_equal(hist_bucket(1), 1);
    assert_int_equal(hist_bucket(127), 127);
    assert_int_equal(hist_bucket(128), 128);
    assert_int_equal(hist_bucket(255), 255);
    assert_int_equal(hist_bucket(256), 256);       /* first 2-wide bucket */
    assert_int_equal(hist_bucket(257), 256);
    assert_int_equal(hist_bucket(258), 257);
    assert_int_equal(hist_bucket(512), 384);
    assert_int_equal(hist_bucket(-5), 0);
    assert_int_equal(hist_bucket(INT64_MAX), TOP_BUCKET);
    assert_true(TOP_BUCKET < HIST_BUCKETS);
    assert_true(hist_bucket_low(TOP_BUCKET) == (int64_t)255 << 55);
}

/*
 * Every reachable bucket: it starts where the previous one ended, holds
 * its own bounds, is one value wide below 256 and at most 1/128 of its
 * lower bound wide above. The top bucket's true end, 2^63, does not fit
 * in int64_t and reads as INT64_MAX.
 */
static void
test_hist_bucket_bounds_contiguous(void **state)
{
    (void)state;
    assert_true(hist_bucket_low(0) == 0);
    for (int b = 0; b <= TOP_BUCKET; b++) {
        int64_t low = hist_bucket_low(b), high = hist_bucket_high(b);

        if (b > 0 && low != hist_bucket_high(b - 1))
            fail_msg("bucket %d starts at %lld, previous ends at %lld", b,
                     (long long)low, (long long)hist_bucket_high(b - 1));
        assert_true(low < high);
        assert_int_equal(hist_bucket(low), b);
        assert_int_equal(hist_bucket(high - 1), b);
        if (b < 2 * HIST_SUB)
            assert_true(high - low == 1);
        else if (b < TOP_BUCKET)
            assert_true(high - low <= low / HIST_SUB);
    }
    assert_true(hist_bucket_high(TOP_BUCKET) == INT64_MAX);
}

/* Random values of every magnitude land in a bucket that holds them. */
static void
test_hist_bucket_holds_random_values(void **state)
{
    struct rng r;

    (void)state;
    rng_seed(&r, 1);
    for (int i = 0; i < 1000000; i++) {
        int64_t v = (int64_t)(rng_next(&r) >> (1 + rng_below(&r, 63)));
        int b = hist_bucket(v);

        assert_true(b >= 0 && b <= TOP_BUCKET);
        assert_true(hist_bucket_low(b) <= v);
        assert_true(v < hist_bucket_high(b) || b == TOP_BUCKET);
    }
}

/* --- edges ------------------------------------------------------------ */

static void
test_hist_empty(void **state)
{
    struct hist *h = &ha;

    (void)state;
    memset(h, 0xa5, sizeof(*h));
    hist_clear(h);
    assert_true(h->count == 0);
    assert_true(hist_quantile(h, 0.0) == 0);
    assert_true(hist_quantile(h, 0.5) == 0);
    assert_true(hist_quantile(h, 1.0) == 0);
    assert_true(hist_mean(h) == 0.0);
}

static void
test_hist_single_value(void **state)
{
    static const int64_t values[] = { 0, 1, 127, 128, 123456789, INT64_MAX };

    (void)state;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        int64_t v = values[i];

        hist_clear(&ha);
        hist_add(&ha, v);
        assert_true(ha.count == 1);
        assert_true(ha.min == v && ha.max == v);
        assert_true(hist_quantile(&ha, 0.0) == v);
        assert_true(hist_quantile(&ha, 0.5) == v);
        assert_true(hist_quantile(&ha, 0.999) == v);
        assert_true(hist_quantile(&ha, 1.0) == v);
        assert_true(hist_mean(&ha) == (double)v);
    }
}

/* Each of five samples is its own fifth of the ranks. */
static void
test_hist_extreme_values(void **state)
{
    (void)state;
    hist_clear(&ha);
    hist_add(&ha, INT64_MAX);
    hist_add(&ha, 128);
    hist_add(&ha, -7);                  /* counts as 0 */
    hist_add(&ha, 127);
    hist_add(&ha, 1);

    assert_true(ha.count == 5);
    assert_true(ha.min == 0 && ha.max == INT64_MAX);
    assert_true(hist_quantile(&ha, 0.0) == 0);
    assert_true(hist_quantile(&ha, 0.2) == 0);
    assert_true(hist_quantile(&ha, 0.4) == 1);
    assert_true(hist_quantile(&ha, 0.6) == 127);
    assert_true(hist_quantile(&ha, 0.8) == 128);
    assert_true(hist_quantile(&ha, 1.0) == INT64_MAX);
    assert_true(hist_quantile(&ha, 0.81) == INT64_MAX);     /* rank 5 */
    assert_close_rel(hist_mean(&ha), ((double)INT64_MAX + 256.0) / 5.0,
                     1e-15, "mean");
}

/* A middle rank in the top bucket: its middle, 2^63 not overflowing. */
static void
test_hist_top_bucket_middle(void **state)
{
    (void)state;
    hist_clear(&ha);
    hist_add(&ha, 0);
    hist_add(&ha, INT64_MAX - 1000);
    hist_add(&ha, INT64_MAX);

    int64_t got = hist_quantile(&ha, 0.5);

    assert_int_equal(hist_bucket(got), TOP_BUCKET);
    assert_true(got == ((int64_t)255 << 55) + ((int64_t)1 << 54));
    assert_close_rel((double)got, (double)(INT64_MAX - 1000), 1.0 / 256,
                     "top middle");
}

/*
 * 1..100, all in exact buckets: the q-quantile is ceil(100 q) itself,
 * including where 100 q is a whole number that rounding nudges upwards
 * (0.07 * 100 is 7.000000000000001 in doubles).
 */
static void
test_hist_nearest_rank_exact(void **state)
{
    (void)state;
    hist_clear(&ha);
    for (int64_t v = 100; v >= 1; v--)
        hist_add(&ha, v);

    for (int k = 1; k <= 100; k++) {
        int64_t got = hist_quantile(&ha, k / 100.0);

        if (got != k)
            fail_msg("q=%d/100: got %lld", k, (long long)got);
    }
    assert_true(hist_quantile(&ha, 0.0) == 1);
    assert_true(hist_quantile(&ha, 0.005) == 1);
    assert_true(hist_quantile(&ha, 0.011) == 2);
    assert_true(hist_mean(&ha) == 50.5);
}

/* Min and max follow the samples whichever order they come in. */
static void
test_hist_min_max_any_order(void **state)
{
    static const int64_t orders[][3] = {
        { 5, 9, 3 }, { 5, 3, 9 }, { 3, 5, 9 }, { 9, 5, 3 }, { 9, 3, 5 },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
        hist_clear(&ha);
        for (int k = 0; k < 3; k++)
            hist_add(&ha, orders[i][k]);
        assert_true(ha.min == 3 && ha.max == 9);
        assert_true(hist_quantile(&ha, 0.0) == 3);
        assert_true(hist_quantile(&ha, 0.5) == 5);
        assert_true(hist_quantile(&ha, 1.0) == 9);
    }
}

/* --- merging ---------------------------------------------------------- */

static void
fill_two_ways(uint64_t seed)
{
    struct rng r;

    rng_seed(&r, seed);
    hist_clear(&ha);
    hist_clear(&hb);
    hist_clear(&hall);
    for (int i = 0; i < 50000; i++) {
        int64_t x = (int64_t)rng_exponential(&r, 1e6);
        int64_t y = (int64_t)rng_lognormal(&r, 5e3, 2.0);

        hist_add(&ha, x);
        hist_add(&hb, y);
        hist_add(&hall, x);
        hist_add(&hall, y);
    }
}

static void
assert_same_hist(const struct hist *a, const struct hist *b)
{
    assert_true(a->count == b->count);
    assert_true(a->min == b->min && a->max == b->max);
    assert_memory_equal(a->buckets, b->buckets, sizeof(a->buckets));
    assert_close_rel(a->sum, b->sum, 1e-12, "sum");
    assert_true(hist_quantile(a, 0.5) == hist_quantile(b, 0.5));
    assert_true(hist_quantile(a, 0.99) == hist_quantile(b, 0.99));
}

static void
test_hist_merge_equals_adding_all(void **state)
{
    (void)state;
    fill_two_ways(2);
    hist_merge(&ha, &hb);
    assert_same_hist(&ha, &hall);
}

/* Merging into or from an empty histogram keeps min and max right. */
static void
test_hist_merge_with_empty(void **state)
{
    static struct hist copy;

    (void)state;
    fill_two_ways(3);
    copy = hall;
    hist_clear(&ha);
    hist_merge(&hall, &ha);
    assert_same_hist(&hall, &copy);

    hist_clear(&ha);
    hist_merge(&ha, &copy);
    assert_same_hist(&ha, &copy);
}

/* --- accuracy against an exact sort ----------------------------------- */

enum shape { EXPONENTIAL, LOGNORMAL, UNIFORM };

static const char *const shape_names[] = { "exponential", "lognormal",
                                           "uniform" };

static int64_t
draw(struct rng *r, enum shape shape, double scale)
{
    switch (shape) {
    case EXPONENTIAL:
        return llround(rng_exponential(r, scale));
    case LOGNORMAL:
        return llround(rng_lognormal(r, scale, 1.5));
    case UNIFORM:
        return llround(2.0 * scale * rng_uniform(r));
    }
    return 0;
}

/*
 * The header promises a bucket's middle within half a bucket, 1/256 of
 * the value, of any sample in it: tighter than the 1% asked for, and it
 * is what is checked.
 */
static void
check_percentiles(enum shape shape, double scale, uint64_t seed)
{
    static const uint64_t permille[] = { 500, 900, 990, 999 };
    struct rng r;

    rng_seed(&r, seed);
    hist_clear(&ha);
    for (int i = 0; i < NSAMPLES; i++) {
        samples[i] = draw(&r, shape, scale);
        hist_add(&ha, samples[i]);
    }
    qsort(samples, NSAMPLES, sizeof(samples[0]), cmp_int64);
    assert_true(ha.min == samples[0]);
    assert_true(ha.max == samples[NSAMPLES - 1]);

    for (size_t i = 0; i < sizeof(permille) / sizeof(permille[0]); i++) {
        int64_t want = samples[rank_permille(NSAMPLES, permille[i]) - 1];
        int64_t got = hist_quantile(&ha, permille[i] / 1000.0);
        char what[80];

        snprintf(what, sizeof(what), "%s scale %g p%g",
                 shape_names[shape], scale, permille[i] / 10.0);
        assert_close_rel((double)got, (double)want, 1.0 / 256, what);
    }
}

/* The mean against the sum of the (now sorted) samples. */
static void
check_mean(void)
{
    double sum = 0.0;

    for (int i = 0; i < NSAMPLES; i++)
        sum += (double)samples[i];
    assert_close_rel(hist_mean(&ha), sum / NSAMPLES, 1e-9, "mean");
}

static void
test_hist_percentiles_match_sort(void **state)
{
    static const double scales[] = { 1e3, 1e6, 1e9 };    /* 1 us .. 1 s */
    uint64_t seed = 100;

    (void)state;
    for (int shape = EXPONENTIAL; shape <= UNIFORM; shape++) {
        for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
            check_percentiles((enum shape)shape, scales[i], seed++);
            check_mean();
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_bucket_known_values),
        cmocka_unit_test(test_hist_bucket_bounds_contiguous),
        cmocka_unit_test(test_hist_bucket_holds_random_values),
        cmocka_unit_test(test_hist_empty),
        cmocka_unit_test(test_hist_single_value),
        cmocka_unit_test(test_hist_extreme_values),
        cmocka_unit_test(test_hist_top_bucket_middle),
        cmocka_unit_test(test_hist_nearest_rank_exact),
        cmocka_unit_test(test_hist_min_max_any_order),
        cmocka_unit_test(test_hist_merge_equals_adding_all),
        cmocka_unit_test(test_hist_merge_with_empty),
        cmocka_unit_test(test_hist_percentiles_match_sort),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
