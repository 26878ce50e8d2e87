/*
 * test_compare.c - the key-level diff of two YAML documents, and two runs
 * set side by side: steps paired by user count, and the printed
 * comparison naming what changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "scenario_yaml.h"
#include "yaml_diff.h"

#define STAGE1 "data/scenarios/stage-1-single-server.yaml"

/* The diff of a and b as lines "kind path: before -> after", in order. */
static char *diff_text(const char *a, const char *b)
{
    static const char *const kinds[] = {"changed", "added", "removed"};
    struct ydiff d;
    char err[512] = "";
    char *buf = NULL;
    size_t len = 0;
    FILE *out;

    if (ydiff_compare(a, b, &d, err, sizeof err) < 0)
        fail_msg("ydiff_compare: %s", err);
    out = open_memstream(&buf, &len);
    assert_non_null(out);
    for (size_t i = 0; i < d.n; i++)
        fprintf(out, "%s %s: %s -> %s\n", kinds[d.items[i].kind],
                d.items[i].path,
                d.items[i].before ? d.items[i].before : "-",
                d.items[i].after ? d.items[i].after : "-");
    fclose(out);
    ydiff_free(&d);
    return buf;
}

static void diff_is(const char *a, const char *b, const char *want)
{
    char *got = diff_text(a, b);

    assert_string_equal(got, want);
    free(got);
}

static void test_same_documents_have_no_changes(void **state)
{
    (void)state;
    diff_is("a: 1\nb: {c: [x, y]}\n", "a: 1\nb: {c: [x, y]}\n", "");
}

static void test_scalar_changes_by_path(void **state)
{
    (void)state;
    diff_is("users: {think: 10s, ramp: {from: 1, to: 1M}}\n",
            "users: {think: 5s, ramp: {from: 1, to: 10k}}\n",
            "changed users.think: 10s -> 5s\n"
            "changed users.ramp.to: 1M -> 10k\n");
}

/* Omitted keys are defaults in an export: one side only is a value
 * against nothing, reported at that key. */
static void test_key_on_one_side_is_added_or_removed(void **state)
{
    (void)state;
    diff_is("a: {x: 1}\n", "a: {x: 1, y: 2}\n", "added a.y: - -> 2\n");
    diff_is("a: {x: 1, y: 2}\n", "a: {x: 1}\n", "removed a.y: 2 -> -\n");
}

/* Components are matched by name: a new one is one line, not one per
 * setting, and a reordering is no change at all. */
static void test_named_items_matched_by_name(void **state)
{
    (void)state;
    diff_is("components:\n"
            "  - {name: app, kind: server, instances: 2}\n"
            "  - {name: db, kind: database}\n",
            "components:\n"
            "  - {name: db, kind: database}\n"
            "  - {name: app, kind: server, instances: 4}\n"
            "  - {name: cache, kind: cache, capacity: 1M}\n",
            "changed components[app].instances: 2 -> 4\n"
            "added components[cache]: - -> -\n");
    diff_is("components:\n  - {name: old, kind: server}\n",
            "components: []\n",
            "changed components: (a mapping or list) -> []\n");
}

static void test_lists_of_values_compare_whole(void **state)
{
    (void)state;
    diff_is("calls: [db, cache]\n", "calls: [db]\n",
            "changed calls: [db, cache] -> [db]\n");
}

static void test_unnamed_items_matched_by_position(void **state)
{
    (void)state;
    diff_is("failures:\n  - {at: 1m, kind: instance}\n",
            "failures:\n  - {at: 2m, kind: instance}\n"
            "  - {at: 3m, kind: cache-flush}\n",
            "changed failures[1].at: 1m -> 2m\n"
            "added failures[2]: - -> -\n");
}

static void test_unparsable_document_is_an_error(void **state)
{
    struct ydiff d;
    char err[512] = "";

    (void)state;
    assert_int_equal(ydiff_compare("a: 1\n", "a: [1\n", &d, err,
                                   sizeof err), -1);
    assert_non_null(strstr(err, "second"));
    assert_int_equal(d.n, 0);
    ydiff_free(&d);
}

/* --- Runs side by side --------------------------------------------------- */

/* A stored run built by hand: steps at the given user counts, p99 and
 * throughput proportional to users times factor. */
static void fake_run(struct store_run *r, int64_t id, const char *yaml,
                     const double *users, int n, double factor)
{
    char err[2048];

    memset(r, 0, sizeof *r);
    r->info.id = id;
    r->info.seed = (uint64_t)id;
    snprintf(r->info.version, sizeof r->info.version, "t");
    snprintf(r->info.saved_at, sizeof r->info.saved_at, "2025-01-01");
    r->yaml = strdup(yaml);
    assert_int_equal(scenario_load_buffer(&r->scenario, "t", yaml,
                                          strlen(yaml), err, sizeof err), 0);
    snprintf(r->info.scenario, sizeof r->info.scenario, "%s",
             r->scenario.name);
    r->result.nsteps = n;
    r->result.ncomponents = r->scenario.ncomponents;
    r->result.first_broken = -1;
    r->result.capacity = users[n - 1];
    r->result.cost = 100 * factor;
    r->result.budget_ok = true;
    r->result.target_holds = true;
    r->result.steps = calloc((size_t)n, sizeof *r->result.steps);
    assert_non_null(r->result.steps);
    for (int i = 0; i < n; i++) {
        struct step_result *st = &r->result.steps[i];

        st->users = users[i];
        st->p99 = (int64_t)(users[i] * factor * 1e6);
        st->p99_known = true;
        st->completed = users[i] * factor;
        st->error_frac = 0.001 * factor;
        st->holds = true;
        st->bottleneck = -1;
        st->comps = calloc((size_t)r->result.ncomponents + 1,
                           sizeof *st->comps);
        assert_non_null(st->comps);
    }
}

static char *scenario_text(const char *edit_from, const char *edit_to)
{
    struct scenario sc;
    char err[2048];
    char *yaml;

    assert_int_equal(scenario_load_file(&sc, STAGE1, err, sizeof err), 0);
    yaml = scenario_export_string(&sc);
    scenario_free(&sc);
    if (edit_from) {
        char *at = strstr(yaml, edit_from);
        size_t n = strlen(yaml) + strlen(edit_to) + 1;
        char *out = malloc(n);

        assert_non_null(at);
        snprintf(out, n, "%.*s%s%s", (int)(at - yaml), yaml, edit_to,
                 at + strlen(edit_from));
        free(yaml);
        yaml = out;
    }
    return yaml;
}

static void test_steps_paired_by_user_count(void **state)
{
    static const double ua[] = {10, 20, 40};
    static const double ub[] = {10, 30, 40, 80};
    struct store_run a, b;
    struct run_compare c;
    char err[256];
    char *yaml = scenario_text(NULL, NULL);

    (void)state;
    fake_run(&a, 1, yaml, ua, 3, 1);
    fake_run(&b, 2, yaml, ub, 4, 2);
    assert_int_equal(run_compare(&a, &b, &c, err, sizeof err), 0);
    assert_int_equal(c.nsteps, 5);
    assert_true(c.steps[0].users == 10 && c.steps[0].a && c.steps[0].b);
    assert_true(c.steps[1].users == 20 && c.steps[1].a && !c.steps[1].b);
    assert_true(c.steps[2].users == 30 && !c.steps[2].a && c.steps[2].b);
    assert_true(c.steps[3].users == 40 && c.steps[3].a && c.steps[3].b);
    assert_true(c.steps[4].users == 80 && !c.steps[4].a && c.steps[4].b);
    assert_true(c.steps[3].b == &b.result.steps[2]);
    assert_int_equal(c.changes.n, 0);
    run_compare_free(&c);
    store_run_free(&a);
    store_run_free(&b);
    free(yaml);
}

static void test_written_comparison_names_changes_and_differences(void **s)
{
    static const double users[] = {100, 1000};
    struct store_run a, b;
    struct run_compare c;
    char err[256];
    char *ya = scenario_text(NULL, NULL);
    char *yb = scenario_text("think: 10s", "think: 5s");
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    (void)s;
    fake_run(&a, 3, ya, users, 2, 1);
    fake_run(&b, 5, yb, users, 2, 2);
    assert_int_equal(run_compare(&a, &b, &c, err, sizeof err), 0);
    out = open_memstream(&text, &len);
    assert_int_equal(run_compare_write(out, &a, &b, &c), 0);
    fclose(out);

    /* What changed: the think time, and the seed of the run. */
    assert_non_null(strstr(text, "users.think: 10s -> 5s\n"));
    assert_non_null(strstr(text, "seed of the run: 3 -> 5\n"));
    /* At 100 users: p99 100ms -> 200ms (+100%), errors 0.10 -> 0.20
     * (+0.10 points), answered 100 -> 200 per second (+100%). */
    assert_non_null(strstr(text, "    100    100ms   200ms  +100%"
                                 "    0.10   0.20   +0.10      100"
                                 "     200  +100%\n"));
    assert_non_null(strstr(text, "cost: $100 -> $200 per month (+$100)\n"));
    assert_non_null(strstr(text, "capacity: 1k -> 1k users (+0%)\n"));
    free(text);
    run_compare_free(&c);
    store_run_free(&a);
    store_run_free(&b);
    free(ya);
    free(yb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_documents_have_no_changes),
        cmocka_unit_test(test_scalar_changes_by_path),
        cmocka_unit_test(test_key_on_one_side_is_added_or_removed),
        cmocka_unit_test(test_named_items_matched_by_name),
        cmocka_unit_test(test_lists_of_values_compare_whole),
        cmocka_unit_test(test_unnamed_items_matched_by_position),
        cmocka_unit_test(test_unparsable_document_is_an_error),
        cmocka_unit_test(test_steps_paired_by_user_count),
        cmocka_unit_test(test_written_comparison_names_changes_and_differences),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
