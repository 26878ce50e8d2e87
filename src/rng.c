/*
 * rng.c - seeding, bounded integers and the continuous and Zipf samplers
 * declared in rng.h. The generator itself (xoshiro256**) is inline in the
 * header because the simulator calls it on every event.
 */
#include "rng.h"

#include <math.h>

/* One step of splitmix64: advances *x and returns a well-mixed value. */
static void zig_prepare(void);

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/*
 * splitmix64 is a bijection of its counter, so four consecutive outputs
 * are never all zero: the one state xoshiro cannot leave is unreachable.
 */
void
rng_seed(struct rng *r, uint64_t seed)
{
    uint64_t x = seed;

    zig_prepare();
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

/* The full 128-bit product a*b, as its high and low halves. */
static uint64_t
mul_128(uint64_t a, uint64_t b, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
    __extension__ unsigned __int128 p = (unsigned __int128)a * b;

    *lo = (uint64_t)p;
    return (uint64_t)(p >> 64);
#else
    /* Schoolbook multiplication on 32-bit halves. */
    uint64_t al = a & 0xffffffffu, ah = a >> 32;
    uint64_t bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);

    *lo = (mid << 32) | (ll & 0xffffffffu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

/*
 * Lemire's multiply-and-reject: the high half of x*n is uniform on [0, n)
 * once the low half is outside the 2^64 mod n values that would favour
 * some results. The rejection threshold, which costs a division, is only
 * computed in the rare case the low half is small enough to need it.
 */
uint64_t
rng_below(struct rng *r, uint64_t n)
{
    uint64_t lo;
    uint64_t hi = mul_128(rng_next(r), n, &lo);

    if (lo < n) {
        uint64_t threshold = (0 - n) % n;       /* 2^64 mod n */

        while (lo < threshold)
            hi = mul_128(rng_next(r), n, &lo);
    }
    return hi;
}


/*
 * Exponential variates by the ziggurat method (Marsaglia and Tsang,
 * 2000): 256 layers of equal area under e^-x. Almost every draw lands
 * inside a layer's rectangle and costs one random number and one
 * multiply; only the thin edges need the exponential function. The
 * engine draws an exponential for nearly every event, so this is where
 * a plain -log(u) would spend a sixth of its time.
 */
#define ZIG_R 7.69711747013104972       /* start of the tail */
#define ZIG_AREA 3.94965982258157e-3    /* area of each layer */

struct zig_tables rng_zig;

static int zig_ready;

static void zig_build(void)
{
    const double scale = 4294967296.0;
    double d = ZIG_R, prev = ZIG_R;
    double q = ZIG_AREA / exp(-d);

    rng_zig.k[0] = (uint32_t)(d / q * scale);
    rng_zig.k[1] = 0;
    rng_zig.w[0] = q / scale;
    rng_zig.w[ZIG_LAYERS - 1] = d / scale;
    rng_zig.f[0] = 1.0;
    rng_zig.f[ZIG_LAYERS - 1] = exp(-d);
    for (int i = ZIG_LAYERS - 2; i >= 1; i--) {
        d = -log(ZIG_AREA / d + exp(-d));
        rng_zig.k[i + 1] = (uint32_t)(d / prev * scale);
        prev = d;
        rng_zig.f[i] = exp(-d);
        rng_zig.w[i] = d / scale;
    }
    zig_ready = 1;
}

/* Build the tables once, on the first seeding: every generator is seeded
 * before it draws. (Runs happen on one thread; a second thread would
 * need its own call before sharing.) */
static void zig_prepare(void)
{
    if (!zig_ready)
        zig_build();
}

/* The slow path: the base strip's tail, or a wedge outside the box. */
double rng_zig_edge(struct rng *r, uint32_t j, int i)
{
    for (;;) {
        double x;
        uint64_t bits;

        if (i == 0)
            return ZIG_R - log(rng_uniform_pos(r));
        x = j * rng_zig.w[i];
        if (rng_zig.f[i] + rng_uniform(r) * (rng_zig.f[i - 1] - rng_zig.f[i]) < exp(-x))
            return x;
        bits = rng_next(r);
        i = (int)(bits & (ZIG_LAYERS - 1));
        j = (uint32_t)(bits >> 32);
        if (j < rng_zig.k[i])
            return j * rng_zig.w[i];
    }
}


/*
 * Marsaglia's polar method. It yields two independent normals per
 * accepted pair; struct rng has nowhere to keep the second, so it is
 * dropped.
 */
double
rng_normal(struct rng *r)
{
    double u, v, q;

    do {
        u = 2.0 * rng_uniform(r) - 1.0;
        v = 2.0 * rng_uniform(r) - 1.0;
        q = u * u + v * v;
    } while (q >= 1.0 || q == 0.0);
    return u * sqrt(-2.0 * log(q) / q);
}

/*
 * If ln X ~ N(mu, sigma^2) then E[X] = exp(mu + sigma^2/2) and
 * cv^2 = exp(sigma^2) - 1; solving for mu and sigma gives the lines below.
 * A non-positive mean or cv has no log-normal, so it is returned as is:
 * cv == 0 is how a scenario asks for a constant.
 */
double
rng_lognormal(struct rng *r, double mean, double cv)
{
    if (cv <= 0.0 || mean <= 0.0)
        return mean;

    double sigma2 = log1p(cv * cv);
    double mu = log(mean) - 0.5 * sigma2;

    return exp(mu + sqrt(sigma2) * rng_normal(r));
}

/*
 * Zipf by rejection-inversion (W. Hormann and G. Derflinger, "Rejection-
 * inversion to generate variates from monotone discrete distributions",
 * ACM TOMACS 6(3), 1996). With h(x) = x^-s and H an antiderivative of h,
 * a point drawn uniformly under the hat H over [1/2, n + 1/2] is inverted
 * and rounded to an integer k; it is kept when it falls in the part of
 * the hat that lies under k's bar of height h(k). The bars cover nearly
 * all of the hat, so few draws are rejected whatever n and s are.
 *
 * H is written as H(x) = (x^(1-s) - 1) / (1-s), which tends to ln x as
 * s -> 1; the two helpers below evaluate it and its inverse without
 * cancellation for s at or near 1.
 */

/* log1p(t) / t, continuous at t = 0. */
static double
log1p_over(double t)
{
    if (fabs(t) > 1e-8)
        return log1p(t) / t;
    return 1.0 - t * (0.5 - t / 3.0);
}

/* expm1(t) / t, continuous at t = 0. */
static double
expm1_over(double t)
{
    if (fabs(t) > 1e-8)
        return expm1(t) / t;
    return 1.0 + t * (0.5 + t / 6.0);
}

static double
zipf_h(double s, double x)
{
    return exp(-s * log(x));
}

static double
zipf_hint(double s, double x)
{
    double lx = log(x);

    return expm1_over((1.0 - s) * lx) * lx;
}

static double
zipf_hint_inv(double s, double y)
{
    double t = (1.0 - s) * y;

    /* H's range is bounded when s < 1; keep rounding from leaving it. */
    if (t < -1.0)
        t = -1.0;
    return exp(log1p_over(t) * y);
}

/*
 * h_x1 starts the hat at H(3/2) - h(1) rather than H(1/2), so that rank
 * 1's bar is exactly h(1) tall. hsinv_1 is the width around each k in
 * which a point is under k's bar for sure (the paper's constant s), so
 * most draws are accepted without evaluating H or h again.
 */
void
zipf_init(struct zipf *z, uint64_t n, double s)
{
    z->n = n;
    z->s = s;
    z->h_x1 = zipf_hint(s, 1.5) - 1.0;
    z->h_n = zipf_hint(s, (double)n + 0.5);
    z->hsinv_1 = 2.0 - zipf_hint_inv(s, zipf_hint(s, 2.5) - zipf_h(s, 2.0));
}

/* Round x to the nearest rank, kept within [1, n]. */
static uint64_t
zipf_rank(const struct zipf *z, double x)
{
    double k = floor(x + 0.5);

    if (k < 1.0)
        return 1;
    if (k >= (double)z->n)
        return z->n;
    return (uint64_t)k;
}

uint64_t
zipf_draw(const struct zipf *z, struct rng *r)
{
    for (;;) {
        double u = z->h_n + rng_uniform(r) * (z->h_x1 - z->h_n);
        double x = zipf_hint_inv(z->s, u);
        uint64_t k = zipf_rank(z, x);
        double kd = (double)k;

        if (kd - x <= z->hsinv_1)
            return k;
        if (u >= zipf_hint(z->s, kd + 0.5) - zipf_h(z->s, kd))
            return k;
    }
}

/*
 * The normalising sum runs from the smallest term up, with Neumaier's
 * compensation, so that 10^7 terms lose no accuracy worth a test.
 */
static double
zipf_harmonic(uint64_t n, double s)
{
    double sum = 0.0, comp = 0.0;

    for (uint64_t i = n; i >= 1; i--) {
        double term = pow((double)i, -s);
        double t = sum + term;

        if (fabs(sum) >= fabs(term))
            comp += (sum - t) + term;
        else
            comp += (term - t) + sum;
        sum = t;
    }
    return sum + comp;
}

double
zipf_pmf_exact(uint64_t n, double s, uint64_t k)
{
    if (k < 1 || k > n)
        return 0.0;
    return pow((double)k, -s) / zipf_harmonic(n, s);
}
