/*
 * reference.c - look up an instance size in the table generated from
 * data/reference/instances.tsv (see tests/gen_reference.sh).
 */
#include <stddef.h>
#include <string.h>

#include "reference.h"

const struct instance_size *reference_size(const char *name)
{
    if (name == NULL)
        return NULL;
    /* A few dozen rows: a linear search is quick enough and keeps the
     * table in the order the TSV gives it. */
    for (int i = 0; i < reference_nsizes; i++)
        if (strcmp(reference_sizes[i].name, name) == 0)
            return &reference_sizes[i];
    return NULL;
}
