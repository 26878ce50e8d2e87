/*
 * test_reference.c - the instance table generated from
 * data/reference/instances.tsv: every row is usable, prices rise with size
 * within a family, the sizes the shipped scenarios name are there, and
 * reference_size() finds exactly what it is asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reference.h"

/* The sizes a user is offered; each must be in the table. */
static const char *const expected_names[] = {
    "t3.micro", "t3.medium", "t3.large",
    "c6i.large", "c6i.xlarge", "c6i.2xlarge", "c6i.4xlarge", "c6i.8xlarge",
    "c6i.16xlarge", "c6i.32xlarge",
    "m7g.large", "m7g.xlarge", "m7g.2xlarge",
    "db.t3.micro", "db.t3.medium",
    "db.r6g.large", "db.r6g.xlarge", "db.r6g.2xlarge", "db.r6g.4xlarge",
    "db.r6g.8xlarge", "db.r6g.16xlarge",
    "cache.r6g.large", "cache.r6g.xlarge",
};

/* The family of a size is its name up to the last dot: "db.r6g.large" is
 * in "db.r6g", "c6i.xlarge" in "c6i". */
static size_t family_len(const char *name)
{
    const char *dot = strrchr(name, '.');

    return dot ? (size_t)(dot - name) : strlen(name);
}

static int same_family(const char *a, const char *b)
{
    size_t la = family_len(a);

    return la == family_len(b) && strncmp(a, b, la) == 0;
}

static void test_table_not_empty(void **state)
{
    (void)state;
    assert_true(reference_nsizes > 0);
}

static void test_every_row_is_usable(void **state)
{
    (void)state;
    for (int i = 0; i < reference_nsizes; i++) {
        const struct instance_size *s = &reference_sizes[i];

        assert_non_null(s->name);
        assert_true(s->name[0] != '\0');
        assert_true(s->vcpus >= 1);
        assert_true(s->memory_gib > 0.0);
        assert_true(s->usd_hour > 0.0);
        assert_non_null(s->source);
        assert_true(s->source[0] != '\0');
    }
}

static void test_names_are_unique(void **state)
{
    (void)state;
    for (int i = 0; i < reference_nsizes; i++)
        for (int j = i + 1; j < reference_nsizes; j++)
            assert_string_not_equal(reference_sizes[i].name,
                                    reference_sizes[j].name);
}

/* Within a family, a size with at least as many vCPUs and at least as much
 * memory as another, and more of one of them, costs strictly more. */
static void test_prices_rise_with_size(void **state)
{
    int compared = 0;

    (void)state;
    for (int i = 0; i < reference_nsizes; i++) {
        const struct instance_size *a = &reference_sizes[i];

        for (int j = 0; j < reference_nsizes; j++) {
            const struct instance_size *b = &reference_sizes[j];

            if (i == j || !same_family(a->name, b->name))
                continue;
            if (b->vcpus >= a->vcpus && b->memory_gib >= a->memory_gib &&
                (b->vcpus > a->vcpus || b->memory_gib > a->memory_gib)) {
                if (!(b->usd_hour > a->usd_hour))
                    fail_msg("%s ($%.4f/h) is larger than %s ($%.4f/h) "
                             "but not dearer", b->name, b->usd_hour,
                             a->name, a->usd_hour);
                compared++;
            }
        }
    }
    /* The families above have several sizes each: some pairs must have
     * been compared, or the family rule matched nothing. */
    assert_true(compared > 0);
}

static void test_expected_sizes_present(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof expected_names / sizeof *expected_names;
         i++) {
        if (reference_size(expected_names[i]) == NULL)
            fail_msg("size %s missing from data/reference/instances.tsv",
                     expected_names[i]);
    }
}

static void test_lookup_c6i_xlarge(void **state)
{
    const struct instance_size *s = reference_size("c6i.xlarge");

    (void)state;
    assert_non_null(s);
    assert_string_equal(s->name, "c6i.xlarge");
    assert_int_equal(s->vcpus, 4);
    assert_true(s->memory_gib == 8.0);
}

static void test_lookup_returns_the_row(void **state)
{
    (void)state;
    for (int i = 0; i < reference_nsizes; i++)
        assert_ptr_equal(reference_size(reference_sizes[i].name),
                         &reference_sizes[i]);
}

static void test_lookup_unknown(void **state)
{
    (void)state;
    assert_null(reference_size("c9z.enormous"));
    assert_null(reference_size(""));
    assert_null(reference_size(NULL));
    /* Exact and case-sensitive: no prefixes, no case folding. */
    assert_null(reference_size("C6I.XLARGE"));
    assert_null(reference_size("c6i.xlarg"));
    assert_null(reference_size("c6i.xlarge "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_not_empty),
        cmocka_unit_test(test_every_row_is_usable),
        cmocka_unit_test(test_names_are_unique),
        cmocka_unit_test(test_prices_rise_with_size),
        cmocka_unit_test(test_expected_sizes_present),
        cmocka_unit_test(test_lookup_c6i_xlarge),
        cmocka_unit_test(test_lookup_returns_the_row),
        cmocka_unit_test(test_lookup_unknown),
    };

    return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
