/*
 * hist.c - the log-linear histogram of hist.h.
 *
 * Layout. A value v >= 2^7 whose top set bit is bit p is kept to its top
 * eight bits, m = v >> (p - 7), which lies in [128, 256). Its bucket is
 * (p - 7) * 128 + m. Values below 256 thus land in bucket v itself (the
 * first two rows are exact), and each later power of two takes one row
 * of 128 buckets, 2^(p-7) wide. INT64_MAX (p = 62) lands in bucket 7295;
 * the last row of HIST_BUCKETS, for p = 63, is never used by int64 values.
 */
#include "hist.h"

#include <math.h>
#include <string.h>

void
hist_clear(struct hist *h)
{
    memset(h, 0, sizeof(*h));
}

int
hist_bucket(int64_t value)
{
    if (value < 2 * HIST_SUB)
        return value < 0 ? 0 : (int)value;

    uint64_t v = (uint64_t)value;
    int shift = 63 - __builtin_clzll(v) - HIST_SUB_BITS;

    return shift * HIST_SUB + (int)(v >> shift);
}

/*
 * The first add sets min and max outright, so a zeroed struct (from
 * hist_clear or from = {0}) is an empty histogram.
 */
void
hist_add(struct hist *h, int64_t value)
{
    if (value < 0)
        value = 0;

    if (h->count == 0) {
        h->min = value;
        h->max = value;
    } else if (value < h->min) {
        h->min = value;
    } else if (value > h->max) {
        h->max = value;
    }

    h->count++;
    h->sum += (double)value;
    h->buckets[hist_bucket(value)]++;
}

void
hist_merge(struct hist *dst, const struct hist *src)
{
    if (src->count == 0)
        return;

    if (dst->count == 0) {
        dst->min = src->min;
        dst->max = src->max;
    } else {
        if (src->min < dst->min)
            dst->min = src->min;
        if (src->max > dst->max)
            dst->max = src->max;
    }

    dst->count += src->count;
    dst->sum += src->sum;
    for (int i = 0; i < HIST_BUCKETS; i++)
        dst->buckets[i] += src->buckets[i];
}

/*
 * Bounds are computed in uint64_t and saturate at INT64_MAX: the top
 * reachable bucket really ends at 2^63, which int64_t cannot hold, and
 * the unused row above it lies wholly beyond.
 */
static int64_t
hist_saturate(uint64_t v)
{
    return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

int64_t
hist_bucket_low(int bucket)
{
    if (bucket < 2 * HIST_SUB)
        return bucket < 0 ? 0 : bucket;

    int shift = bucket / HIST_SUB - 1;
    uint64_t m = (uint64_t)(bucket % HIST_SUB + HIST_SUB);

    return hist_saturate(m << shift);
}

int64_t
hist_bucket_high(int bucket)
{
    if (bucket < 2 * HIST_SUB)
        return bucket < 0 ? 1 : bucket + 1;

    int shift = bucket / HIST_SUB - 1;
    uint64_t m = (uint64_t)(bucket % HIST_SUB + HIST_SUB);

    return hist_saturate((m + 1) << shift);
}

/*
 * Nearest rank: the smallest rank r with r >= q * count. The product is
 * shaved by a relative 1e-12 first so that q = 0.07 of 100 samples is
 * rank 7 even though 0.07 * 100 comes out as 7.000000000000001.
 */
static uint64_t
hist_rank(uint64_t count, double q)
{
    double want = q * (double)count;

    want -= want * 1e-12;
    if (!(want > 1.0))                  /* also catches NaN */
        return 1;
    if (want >= (double)count)
        return count;
    return (uint64_t)ceil(want);
}

/* The bucket holding the sample of the given rank (1-based). */
static int
hist_bucket_of_rank(const struct hist *h, uint64_t rank)
{
    uint64_t seen = 0;
    int last = hist_bucket(h->max);

    for (int i = hist_bucket(h->min); i < last; i++) {
        seen += h->buckets[i];
        if (seen >= rank)
            return i;
    }
    return last;
}

/*
 * The middle of a bucket; an exact bucket gives its one value. The width
 * comes from the row, not from the bounds, which saturate at the top.
 */
static int64_t
hist_bucket_mid(int bucket)
{
    int shift = bucket / HIST_SUB - 1;

    if (shift < 1)
        return hist_bucket_low(bucket);
    return hist_bucket_low(bucket) + ((int64_t)1 << (shift - 1));
}

/*
 * The first and last ranks are known exactly, so p0 and p100 are min and
 * max rather than the middles of their buckets.
 */
int64_t
hist_quantile(const struct hist *h, double q)
{
    if (h->count == 0)
        return 0;

    uint64_t rank = hist_rank(h->count, q);

    if (rank == 1)
        return h->min;
    if (rank == h->count)
        return h->max;

    int64_t v = hist_bucket_mid(hist_bucket_of_rank(h, rank));

    if (v < h->min)
        return h->min;
    if (v > h->max)
        return h->max;
    return v;
}

double
hist_mean(const struct hist *h)
{
    return h->count ? h->sum / (double)h->count : 0.0;
}
