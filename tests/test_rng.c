/*
 * test_rng.c - the generator and samplers of rng.h against published
 * reference outputs and closed-form moments and probabilities.
 *
 * Every test uses a fixed seed, so a pass or a failure is reproducible.
 * Statistical bounds are a few standard errors wide: loose enough for a
 * correct sampler, tight enough that a wrong formula fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rng.h"

/* Euler-Mascheroni constant, for the harmonic-number check. */
#define EULER_GAMMA 0.57721566490153286061

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

#define assert_close(got, want, tol, what) \
    check_close((got), (want), (tol), (what), __FILE__, __LINE__)

#define assert_close_rel(got, want, rel, what) \
    check_close((got), (want), fabs(want) * (rel), (what), \
                __FILE__, __LINE__)

/*
 * Upper critical value of chi-square with df degrees of freedom at
 * p = 1e-4 (z = 3.719), by the Wilson-Hilferty cube approximation
 * (Wilson and Hilferty, PNAS 17, 1931), which is close enough for df >= 1.
 */
static double
chi2_critical(int df)
{
    double a = 2.0 / (9.0 * df);
    double c = 1.0 - a + 3.719 * sqrt(a);

    return df * c * c * c;
}

/* Pearson's statistic for observed counts against expected counts. */
static double
chi2_stat(const uint64_t *observed, const double *expected, int cells)
{
    double x2 = 0.0;

    for (int i = 0; i < cells; i++) {
        double d = (double)observed[i] - expected[i];

        x2 += d * d / expected[i];
    }
    return x2;
}

/* Sample mean and variance, accumulated with Welford's update. */
struct moments {
    uint64_t n;
    double mean, m2;
};

static void
moments_add(struct moments *m, double x)
{
    double d = x - m->mean;

    m->n++;
    m->mean += d / (double)m->n;
    m->m2 += d * (x - m->mean);
}

static double
moments_var(const struct moments *m)
{
    return m->m2 / (double)(m->n - 1);
}

/* --- the generator ---------------------------------------------------- */

/*
 * splitmix64 from state 0 yields E220A8397B1DCDAF, 6E789E6AA1B965F4,
 * 06C45D188009454F, F88BB8A8724C81EC (Steele, Lea and Flood 2014; the
 * values Vigna's splitmix64.c prints), and rng_seed takes them as state.
 */
static void
test_seed_matches_splitmix64_reference(void **state)
{
    static const uint64_t want[4] = {
        0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL,
        0x06c45d188009454fULL, 0xf88bb8a8724c81ecULL,
    };
    struct rng r;

    (void)state;
    rng_seed(&r, 0);
    for (int i = 0; i < 4; i++)
        assert_true(r.s[i] == want[i]);
}

/*
 * From state {1, 2, 3, 4} xoshiro256** returns rotl(2 * 5, 7) * 9 = 11520,
 * then 0 (s[1] has become 0), then rotl(262149 * 5, 7) * 9 = 1509978240;
 * worked by hand from the algorithm's definition.
 */
static void
test_next_matches_xoshiro_by_hand(void **state)
{
    struct rng r = { { 1, 2, 3, 4 } };

    (void)state;
    assert_true(rng_next(&r) == 11520);
    assert_true(rng_next(&r) == 0);
    assert_true(rng_next(&r) == 1509978240);
}

static void
test_same_seed_same_sequence(void **state)
{
    struct rng a, b;

    (void)state;
    rng_seed(&a, 12345);
    rng_seed(&b, 12345);
    for (int i = 0; i < 10000; i++)
        assert_true(rng_next(&a) == rng_next(&b));
}

/* Distinct streams agree at a position with probability 2^-64. */
static void
test_different_seeds_differ(void **state)
{
    static const uint64_t seeds[][2] = { { 0, 1 }, { 1, 2 }, { 42, 43 } };

    (void)state;
    for (size_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++) {
        struct rng a, b;
        int same = 0;

        rng_seed(&a, seeds[k][0]);
        rng_seed(&b, seeds[k][1]);
        for (int i = 0; i < 1000; i++)
            same += rng_next(&a) == rng_next(&b);
        assert_int_equal(same, 0);
    }
}

static void
test_uniform_ranges_and_mean(void **state)
{
    struct rng r;
    struct moments m = { 0 };
    const int n = 1000000;

    (void)state;
    rng_seed(&r, 7);
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(&r);
        double p = rng_uniform_pos(&r);

        assert_true(u >= 0.0 && u < 1.0);
        assert_true(p > 0.0 && p <= 1.0);
        moments_add(&m, u);
    }
    /* Uniform(0,1): mean 1/2, variance 1/12; bounds about 6 SE. */
    assert_close(m.mean, 0.5, 0.002, "uniform mean");
    assert_close(moments_var(&m), 1.0 / 12.0, 0.0005, "uniform variance");
}

/* --- rng_below -------------------------------------------------------- */

static void
test_below_chi_square_small_n(void **state)
{
    static const uint64_t ns[] = { 2, 3, 5, 7, 10, 16, 37, 100 };
    uint64_t counts[100];
    double expected[100];
    struct rng r;

    (void)state;
    rng_seed(&r, 99);
    for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
        uint64_t n = ns[k], draws = 20000 * n;

        for (uint64_t i = 0; i < n; i++) {
            counts[i] = 0;
            expected[i] = (double)draws / (double)n;
        }
        for (uint64_t i = 0; i < draws; i++) {
            uint64_t v = rng_below(&r, n);

            assert_true(v < n);
            counts[v]++;
        }
        double x2 = chi2_stat(counts, expected, (int)n);

        if (x2 > chi2_critical((int)n - 1))
            fail_msg("n=%llu: chi-square %.2f > %.2f", (unsigned long long)n,
                     x2, chi2_critical((int)n - 1));
    }
}

/*
 * For n near 2/3 of 2^64, 64 random bits cannot cover [0, n) evenly and
 * how the excess falls shows the method's bias. Reducing modulo n makes
 * the lower half of [0, n) twice as likely as the upper; scaling by n
 * without rejection makes even results twice as likely as odd ones.
 * Either way a share becomes two thirds instead of one half.
 */
static void
test_below_large_n_unbiased(void **state)
{
    const uint64_t n = UINT64_MAX / 3 * 2 + 1;
    const int draws = 200000;
    struct rng r;
    int low = 0, even = 0;

    (void)state;
    rng_seed(&r, 5);
    for (int i = 0; i < draws; i++) {
        uint64_t v = rng_below(&r, n);

        assert_true(v < n);
        low += v < n / 2;
        even += v % 2 == 0;
    }
    assert_close((double)low / draws, 0.5, 0.006, "share below n/2");
    assert_close((double)even / draws, 0.5, 0.006, "share even");
}

static void
test_below_edges(void **state)
{
    struct rng r;

    (void)state;
    rng_seed(&r, 3);
    for (int i = 0; i < 1000; i++) {
        assert_true(rng_below(&r, 1) == 0);
        assert_true(rng_below(&r, UINT64_MAX) < UINT64_MAX);
    }
}

/* --- continuous samplers ---------------------------------------------- */

/*
 * Exponential(mean m): variance m^2 and P(X > m) = 1/e. Over 10^6 draws
 * the mean's standard error is 0.1% and the variance's about 0.3%.
 */
static void
test_exponential_mean_and_variance(void **state)
{
    const double mean = 250.0;
    const int n = 1000000;
    struct moments m = { 0 };
    struct rng r;
    int above = 0;

    (void)state;
    rng_seed(&r, 11);
    for (int i = 0; i < n; i++) {
        double x = rng_exponential(&r, mean);

        assert_true(x >= 0.0 && isfinite(x));
        moments_add(&m, x);
        above += x > mean;
    }
    assert_close_rel(m.mean, mean, 0.01, "exponential mean");
    assert_close_rel(moments_var(&m), mean * mean, 0.02,
                     "exponential variance");
    assert_close((double)above / n, exp(-1.0), 0.002, "P(X > mean)");
}

/* Standard normal: mean 0, variance 1, P(|Z| < 1) = erf(1/sqrt 2). */
static void
test_normal_moments(void **state)
{
    const int n = 1000000;
    struct moments m = { 0 };
    struct rng r;
    int inside = 0;

    (void)state;
    rng_seed(&r, 13);
    for (int i = 0; i < n; i++) {
        double z = rng_normal(&r);

        moments_add(&m, z);
        inside += fabs(z) < 1.0;
    }
    assert_close(m.mean, 0.0, 0.005, "normal mean");
    assert_close(moments_var(&m), 1.0, 0.007, "normal variance");
    assert_close((double)inside / n, erf(1.0 / sqrt(2.0)), 0.002,
                 "P(|Z| < 1)");
}

/*
 * The sample deviation of a log-normal converges slowly: its relative
 * standard error is about sqrt((kurtosis - 1) / n) / 2, and the kurtosis
 * is 947 at cv = 2. So cv = 2 gets 10^7 draws (SE 0.5%) for a 2% bound.
 * The log of each draw must also be normal with the mu and sigma the
 * mean and cv imply.
 */
static void
check_lognormal(double mean, double cv, int n, uint64_t seed)
{
    double sigma2 = log(1.0 + cv * cv);
    struct moments m = { 0 }, lm = { 0 };
    struct rng r;
    char what[64];

    rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        double x = rng_lognormal(&r, mean, cv);

        assert_true(x > 0.0 && isfinite(x));
        moments_add(&m, x);
        moments_add(&lm, log(x));
    }
    snprintf(what, sizeof(what), "lognormal cv=%g mean", cv);
    assert_close_rel(m.mean, mean, 0.02, what);
    snprintf(what, sizeof(what), "lognormal cv=%g cv", cv);
    assert_close_rel(sqrt(moments_var(&m)) / m.mean, cv, 0.02, what);
    snprintf(what, sizeof(what), "lognormal cv=%g mu", cv);
    assert_close(lm.mean, log(mean) - sigma2 / 2, 0.01, what);
    snprintf(what, sizeof(what), "lognormal cv=%g sigma", cv);
    assert_close_rel(sqrt(moments_var(&lm)), sqrt(sigma2), 0.01, what);
}

static void
test_lognormal_mean_and_cv(void **state)
{
    (void)state;
    check_lognormal(2e6, 0.5, 1000000, 17);
    check_lognormal(2e6, 1.0, 2000000, 19);
    check_lognormal(2e6, 2.0, 10000000, 23);
}

static void
test_lognormal_cv_zero_is_constant(void **state)
{
    static const double means[] = { 0.0, 1.0, 1234.5, 3e9 };
    struct rng r;

    (void)state;
    rng_seed(&r, 29);
    for (size_t i = 0; i < sizeof(means) / sizeof(means[0]); i++)
        for (int k = 0; k < 100; k++)
            assert_true(rng_lognormal(&r, means[i], 0.0) == means[i]);
}

/* --- Zipf ------------------------------------------------------------- */

/* 1 + 1/4 + 1/9 + 1/16 = 205/144, so P(1) = 144/205 and P(4) = 9/205. */
static void
test_zipf_pmf_exact_small_case(void **state)
{
    (void)state;
    assert_close(zipf_pmf_exact(4, 2.0, 1), 144.0 / 205.0, 1e-15, "P(1)");
    assert_close(zipf_pmf_exact(4, 2.0, 4), 9.0 / 205.0, 1e-15, "P(4)");
    assert_true(zipf_pmf_exact(4, 2.0, 0) == 0.0);
    assert_true(zipf_pmf_exact(4, 2.0, 5) == 0.0);
    assert_close(zipf_pmf_exact(1, 0.7, 1), 1.0, 1e-15, "n=1");

    double total = 0.0;

    for (uint64_t k = 1; k <= 50; k++)
        total += zipf_pmf_exact(50, 0.8, k);
    assert_close(total, 1.0, 1e-12, "sum of pmf");
}

/*
 * The harmonic number H_n = ln n + gamma + 1/(2n) - 1/(12n^2) + O(n^-4),
 * so for n = 10^7 and s = 1 the rank-1 probability is 1/H_n to far
 * better than 1e-12.
 */
static double
harmonic_asymptotic(double n)
{
    return log(n) + EULER_GAMMA + 1.0 / (2.0 * n) - 1.0 / (12.0 * n * n);
}

static void
test_zipf_pmf_exact_harmonic(void **state)
{
    (void)state;
    assert_close_rel(zipf_pmf_exact(10000000, 1.0, 1),
                     1.0 / harmonic_asymptotic(1e7), 1e-12, "1/H(10^7)");
}

/* Draw n samples of z into counts[0..bins), by rank - 1; ranks checked. */
static void
zipf_sample(const struct zipf *z, uint64_t seed, int n, uint64_t *counts,
            uint64_t bins)
{
    struct rng r;

    rng_seed(&r, seed);
    for (int i = 0; i < n; i++) {
        uint64_t k = zipf_draw(z, &r);

        if (k < 1 || k > z->n)
            fail_msg("rank %llu outside [1, %llu]", (unsigned long long)k,
                     (unsigned long long)z->n);
        if (k <= bins)
            counts[k - 1]++;
    }
}

/* An observed count within `sds` standard errors of probability p. */
static void
check_frequency(uint64_t count, int n, double p, double sds,
                const char *what)
{
    double se = sqrt(p * (1.0 - p) / n);

    assert_close((double)count / n, p, sds * se, what);
}

/*
 * n = 1000, 10^6 draws: ranks 1..10 one by one, then ranks 11..100 and
 * 101..1000 as two groups, so that the tail is checked too.
 */
static void
check_zipf_frequencies(double s, uint64_t seed)
{
    const uint64_t n = 1000;
    const int draws = 1000000;
    uint64_t counts[1000] = { 0 };
    double pmf[1000];
    struct zipf z;
    char what[64];

    zipf_init(&z, n, s);
    zipf_sample(&z, seed, draws, counts, n);
    double p1 = zipf_pmf_exact(n, s, 1);

    for (uint64_t k = 0; k < n; k++)
        pmf[k] = p1 * pow((double)(k + 1), -s);

    for (uint64_t k = 0; k < 10; k++) {
        snprintf(what, sizeof(what), "s=%g rank %llu", s,
                 (unsigned long long)k + 1);
        check_frequency(counts[k], draws, pmf[k], 4.0, what);
    }

    uint64_t mid = 0, tail = 0;
    double pmid = 0.0, ptail = 0.0;

    for (uint64_t k = 10; k < 100; k++) {
        mid += counts[k];
        pmid += pmf[k];
    }
    for (uint64_t k = 100; k < n; k++) {
        tail += counts[k];
        ptail += pmf[k];
    }
    snprintf(what, sizeof(what), "s=%g ranks 11-100", s);
    check_frequency(mid, draws, pmid, 4.0, what);
    snprintf(what, sizeof(what), "s=%g ranks 101-1000", s);
    check_frequency(tail, draws, ptail, 4.0, what);
}

static void
test_zipf_frequencies_match_pmf(void **state)
{
    (void)state;
    check_zipf_frequencies(0.8, 31);
    check_zipf_frequencies(1.0, 37);
    check_zipf_frequencies(1.2, 41);
}

/*
 * Small n, every rank, by chi-square: exponents far from 1, and just
 * either side of 1 where H's formula switches to its series.
 */
static void
test_zipf_small_n_chi_square(void **state)
{
    static const double ss[] = { 0.3, 0.999999999, 1.000000001, 2.0, 3.5 };
    const uint64_t n = 10;
    const int draws = 200000;

    (void)state;
    for (size_t i = 0; i < sizeof(ss) / sizeof(ss[0]); i++) {
        uint64_t counts[10] = { 0 };
        double expected[10];
        struct zipf z;

        zipf_init(&z, n, ss[i]);
        zipf_sample(&z, 43 + i, draws, counts, n);
        for (uint64_t k = 0; k < n; k++)
            expected[k] = draws * zipf_pmf_exact(n, ss[i], k + 1);

        double x2 = chi2_stat(counts, expected, (int)n);

        if (x2 > chi2_critical((int)n - 1))
            fail_msg("s=%g: chi-square %.2f > %.2f", ss[i], x2,
                     chi2_critical((int)n - 1));
    }
}

static void
test_zipf_single_rank(void **state)
{
    struct zipf z;
    struct rng r;

    (void)state;
    rng_seed(&r, 47);
    zipf_init(&z, 1, 1.0);
    for (int i = 0; i < 1000; i++)
        assert_true(zipf_draw(&z, &r) == 1);
}

/* n = 10^7: the sampler needs no table, and rank 1 still has 1/H_n. */
static void
test_zipf_ten_million_keys(void **state)
{
    static const double ss[] = { 0.8, 1.0, 1.2 };
    const uint64_t n = 10000000;
    const int draws = 1000000;

    (void)state;
    for (size_t i = 0; i < sizeof(ss) / sizeof(ss[0]); i++) {
        uint64_t counts[1] = { 0 };
        struct zipf z;
        char what[64];

        zipf_init(&z, n, ss[i]);
        zipf_sample(&z, 53 + i, draws, counts, 1);
        snprintf(what, sizeof(what), "n=10^7 s=%g rank 1", ss[i]);
        check_frequency(counts[0], draws, zipf_pmf_exact(n, ss[i], 1), 4.0,
                        what);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_matches_splitmix64_reference),
        cmocka_unit_test(test_next_matches_xoshiro_by_hand),
        cmocka_unit_test(test_same_seed_same_sequence),
        cmocka_unit_test(test_different_seeds_differ),
        cmocka_unit_test(test_uniform_ranges_and_mean),
        cmocka_unit_test(test_below_chi_square_small_n),
        cmocka_unit_test(test_below_large_n_unbiased),
        cmocka_unit_test(test_below_edges),
        cmocka_unit_test(test_exponential_mean_and_variance),
        cmocka_unit_test(test_normal_moments),
        cmocka_unit_test(test_lognormal_mean_and_cv),
        cmocka_unit_test(test_lognormal_cv_zero_is_constant),
        cmocka_unit_test(test_zipf_pmf_exact_small_case),
        cmocka_unit_test(test_zipf_pmf_exact_harmonic),
        cmocka_unit_test(test_zipf_frequencies_match_pmf),
        cmocka_unit_test(test_zipf_small_n_chi_square),
        cmocka_unit_test(test_zipf_single_rank),
        cmocka_unit_test(test_zipf_ten_million_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
