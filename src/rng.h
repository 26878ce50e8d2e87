/*
 * rng.h - a fast seeded random number generator and the samplers the
 * models draw from: exponential, constant, log-normal by mean and
 * coefficient of variation, and Zipf over large key spaces.
 *
 * Everything here is plain values: no allocation, nothing to free.
 * The same seed always yields the same sequence on every platform.
 */
#ifndef ARCHSIM_RNG_H
#define ARCHSIM_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];                  /* xoshiro256** state */
};

/* Seed the state from one 64-bit value (expanded with splitmix64). */
void rng_seed(struct rng *r, uint64_t seed);

/* Next 64 random bits. */
static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform double in [0, 1), 53 bits. */
static inline double rng_uniform(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform double in (0, 1]: safe to take the logarithm of. */
static inline double rng_uniform_pos(struct rng *r)
{
    return ((double)(rng_next(r) >> 11) + 1.0) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0, without modulo bias worth noting. */
uint64_t rng_below(struct rng *r, uint64_t n);

/*
 * Exponential with mean 1, by Marsaglia and Tsang's ziggurat. The fast
 * path, taken 98% of the time, is inline: the engine draws one or two per
 * request. The tables are built by the first rng_seed() and only read
 * after; rng_zig_edge() is the slow path.
 */
#define ZIG_LAYERS 256

struct zig_tables {
    uint32_t k[ZIG_LAYERS];             /* rectangle tests, scaled 2^32 */
    double w[ZIG_LAYERS];               /* x of a draw, per unit of 2^-32 */
    double f[ZIG_LAYERS];               /* e^-x at each layer's edge */
};

extern struct zig_tables rng_zig;

double rng_zig_edge(struct rng *r, uint32_t j, int i);

static inline double rng_standard_exponential(struct rng *r)
{
    uint64_t bits = rng_next(r);
    int i = (int)(bits & (ZIG_LAYERS - 1));
    uint32_t j = (uint32_t)(bits >> 32);

    if (j < rng_zig.k[i])
        return j * rng_zig.w[i];
    return rng_zig_edge(r, j, i);
}

/* Exponential with the given mean. */
static inline double rng_exponential(struct rng *r, double mean)
{
    return mean * rng_standard_exponential(r);
}

/* Standard normal (mean 0, deviation 1). */
double rng_normal(struct rng *r);

/* Log-normal with the given mean and coefficient of variation (sd/mean). */
double rng_lognormal(struct rng *r, double mean, double cv);

/*
 * Zipf over ranks 1..n with P(k) proportional to k^-s, s > 0, by
 * rejection-inversion: O(1) time per draw and O(1) memory whatever n is,
 * so 10^7 keys cost nothing to set up.
 */
struct zipf {
    uint64_t n;
    double s;
    double h_x1, h_n, hsinv_1;      /* precomputed, see rng.c */
};

/* Prepare a sampler; n >= 1, s > 0 (s == 1 is handled). */
void zipf_init(struct zipf *z, uint64_t n, double s);

/* A rank in [1, n]. */
uint64_t zipf_draw(const struct zipf *z, struct rng *r);

/* Exact probability of rank k (for tests): k^-s / H(n, s). O(n). */
double zipf_pmf_exact(uint64_t n, double s, uint64_t k);

#endif
