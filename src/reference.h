/*
 * reference.h - figures from data/reference compiled into the program:
 * instance sizes with their vCPUs, memory and hourly price. The table is
 * generated at build time from data/reference/instances.tsv; its rows are
 * static data, never freed.
 */
#ifndef ARCHSIM_REFERENCE_H
#define ARCHSIM_REFERENCE_H

struct instance_size {
    const char *name;               /* e.g. "c6i.xlarge" */
    int vcpus;
    double memory_gib;
    double usd_hour;
    const char *source;             /* where the price was read, and when */
};

extern const struct instance_size reference_sizes[];
extern const int reference_nsizes;

/* The size called name, or NULL. */
const struct instance_size *reference_size(const char *name);

#endif
