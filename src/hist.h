/*
 * hist.h - log-linear latency histograms in constant memory.
 *
 * Values are non-negative integers (nanoseconds). Below 2^HIST_SUB_BITS
 * each value has its own bucket; above, every power of two is split into
 * 2^HIST_SUB_BITS linear buckets, so a bucket's width is at most 1/128 of
 * its lower bound and a percentile read at the bucket's middle is within
 * 0.4% of the exact sample value. A struct hist is a plain value: no
 * allocation, copy it with =, nothing to free.
 */
#ifndef ARCHSIM_HIST_H
#define ARCHSIM_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS   7
#define HIST_SUB        (1 << HIST_SUB_BITS)
#define HIST_BUCKETS    ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
    uint64_t count;
    double sum;                     /* for the mean */
    int64_t min, max;
    uint32_t buckets[HIST_BUCKETS];
};

void hist_clear(struct hist *h);

/* Record one value; negative values count as 0. */
void hist_add(struct hist *h, int64_t value);

/* Add every sample of src into dst. */
void hist_merge(struct hist *dst, const struct hist *src);

/* The q-quantile, 0 <= q <= 1 (0.99 for p99); 0 when empty. */
int64_t hist_quantile(const struct hist *h, double q);

double hist_mean(const struct hist *h);

/* Bucket index of a value, and the bounds of a bucket (for tests). */
int hist_bucket(int64_t value);
int64_t hist_bucket_low(int bucket);
int64_t hist_bucket_high(int bucket);       /* exclusive */

#endif
