/*
 * test_scenario_yaml.c - scenario files: what loads and with which values,
 * what is refused and where the message points, hostile input that must
 * fail fast, the quantity parsers, and export followed by import.
 *
 * The cases named Y1..Y11, S3 and S5 are those of the shared list of
 * cases from users; the files they use are copied into tests/cases/.
 * Tests run from the top of the repository.
 */
#include <errno.h>
#include <glob.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "scenario.h"
#include "scenario_yaml.h"

#define ERRLEN 2048

/* --- Helpers ------------------------------------------------------------- */

static int load_text(struct scenario *s, const char *text, char *err)
{
    return scenario_load_buffer(s, "t.yaml", text, strlen(text), err,
                                ERRLEN);
}

/* Load text, failing the test with the loader's message if it refuses. */
static void load_ok(struct scenario *s, const char *text)
{
    char err[ERRLEN] = "";

    if (load_text(s, text, err) != 0)
        fail_msg("refused: %s", err);
}

/*
 * Load text, expect a refusal whose message starts with "t.yaml:" and
 * place (such as "3:5: "), and contains part.
 */
static void load_fails(const char *text, const char *place, const char *part)
{
    struct scenario s;
    char err[ERRLEN] = "";
    char prefix[64];

    if (load_text(&s, text, err) == 0)
        fail_msg("loaded, but should fail with '%s'", part);
    scenario_free(&s);
    snprintf(prefix, sizeof prefix, "t.yaml:%s", place);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, part))
        fail_msg("message '%s' does not start with '%s' and hold '%s'", err,
                 prefix, part);
}

static void file_fails(const char *path, const char *place, const char *part)
{
    struct scenario s;
    char err[ERRLEN] = "";
    char prefix[256];

    if (scenario_load_file(&s, path, err, sizeof err) == 0)
        fail_msg("%s loaded, but should fail with '%s'", path, part);
    scenario_free(&s);
    snprintf(prefix, sizeof prefix, "%s:%s", path, place);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, part))
        fail_msg("message '%s' does not start with '%s' and hold '%s'", err,
                 prefix, part);
}

/* cmocka 1.1.5 has no assertion for doubles; these must be exact. */
static void same_double(double got, double want)
{
    if (got != want)
        fail_msg("got %.17g, want %.17g", got, want);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A growing string for generated inputs. */
struct text {
    char *buf;
    size_t len;
    size_t cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->buf = realloc(t->buf, t->cap);
        assert_non_null(t->buf);
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static void text_addf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void text_addf(struct text *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof buf);
    text_add(t, buf, (size_t)n);
}

static const struct component *find(const struct scenario *s,
                                     const char *name)
{
    int i = scenario_find(s, name);

    if (i < 0)
        fail_msg("no component '%s'", name);
    return &s->components[i];
}

/* --- A whole file, every value checked ---------------------------------- */

static const char full_file[] =
    "archsim: 1\n"
    "name: stage-5-cache\n"
    "description: Reads go to a cache before the database.\n"
    "seed: 7\n"
    "users:\n"
    "  model: open\n"
    "  think: 12s\n"
    "  rate: 0.1/s\n"
    "  ramp: {from: 10, to: 1M, per-decade: 5, target: 200k}\n"
    "regions:\n"
    "  - {name: us-east, share: 60%, rtt: 2ms}\n"
    "  - {name: europe, share: 40%, rtt: 80ms}\n"
    "mix: {static: 0%, read: 80%, write: 15%, task: 5%}\n"
    "network: {hop: 0.25ms}\n"
    "entry: lb\n"
    "objectives: {p99: 300ms, errors: 0.1%, budget: 20000/month}\n"
    "components:\n"
    "  - {name: lb, kind: lb, policy: least-connections, calls: [api]}\n"
    "  - name: api\n"
    "    kind: server\n"
    "    position: [10, 4]\n"
    "    calls: [cache, db, jobs]\n"
    "    size: c6i.xlarge\n"
    "    instances: 4\n"
    "    threads: 64\n"
    "    cpu: {read: 3ms, write: 5ms}\n"
    "    timeout: 2s\n"
    "  - {name: cache, kind: cache, capacity: 200k, keys: 2M, skew: 0.8}\n"
    "  - {name: db, kind: db, size: db.r6g.2xlarge, replicas: 2,\n"
    "     pool: 100, read: 2ms, write: 6ms, indexed: false}\n"
    "  - {name: jobs, kind: queue, workers: 8, task: 200ms}\n"
    "failures:\n"
    "  - {at: 60s, component: api, fail: instance, for: 30s, factor: 3}\n"
    "  - {at: 2m, component: europe, fail: region-latency}\n";

static void test_full_file_top_level(void **state)
{
    struct scenario s;

    (void)state;
    load_ok(&s, full_file);
    assert_string_equal(s.source, "t.yaml");
    assert_string_equal(s.name, "stage-5-cache");
    assert_string_equal(s.description,
                        "Reads go to a cache before the database.");
    assert_int_equal(s.seed, 7);
    assert_int_equal(s.user_model, USERS_OPEN);
    assert_int_equal(s.think, 12 * NS_PER_S);
    same_double(s.rate, 0.1);
    same_double(s.ramp.from, 10);
    same_double(s.ramp.to, 1e6);
    assert_int_equal(s.ramp.per_decade, 5);
    same_double(s.ramp.target, 2e5);
    same_double(s.mix[REQ_READ], 0.8);
    same_double(s.mix[REQ_WRITE], 0.15);
    same_double(s.mix[REQ_TASK], 0.05);
    same_double(s.mix[REQ_STATIC], 0);
    assert_int_equal(s.hop, 250 * NS_PER_US);
    assert_string_equal(s.entry_name, "lb");
    assert_int_equal(s.entry, 0);
    assert_int_equal(s.objectives.p99, 300 * NS_PER_MS);
    same_double(s.objectives.errors, 0.001);
    same_double(s.objectives.budget, 20000);
    scenario_free(&s);
}

static void test_full_file_regions_and_failures(void **state)
{
    struct scenario s;

    (void)state;
    load_ok(&s, full_file);
    assert_int_equal(s.nregions, 2);
    assert_string_equal(s.regions[1].name, "europe");
    same_double(s.regions[0].share, 0.6);
    assert_int_equal(s.regions[1].rtt, 80 * NS_PER_MS);
    assert_int_equal(s.regions[1].pos.line, 12);
    assert_int_equal(s.regions[1].pos.column, 5);
    assert_int_equal(s.nfailures, 2);
    assert_int_equal(s.failures[0].at, 60 * NS_PER_S);
    assert_int_equal(s.failures[0].duration, 30 * NS_PER_S);
    assert_int_equal(s.failures[0].kind, FAIL_INSTANCE);
    assert_string_equal(s.failures[0].component, "api");
    same_double(s.failures[0].factor, 3);
    assert_int_equal(s.failures[0].pos.line, 33);
    assert_int_equal(s.failures[1].at, 120 * NS_PER_S);
    assert_int_equal(s.failures[1].duration, 0);
    assert_int_equal(s.failures[1].kind, FAIL_REGION_LATENCY);
    same_double(s.failures[1].factor, 2);
    scenario_free(&s);
}

static void test_full_file_components(void **state)
{
    const struct component *api, *db;
    struct scenario s;

    (void)state;
    load_ok(&s, full_file);
    assert_int_equal(s.ncomponents, 5);
    api = find(&s, "api");
    assert_int_equal(api->kind, KIND_SERVER);
    assert_int_equal(api->pos.line, 19);
    assert_int_equal(api->pos.column, 5);
    assert_true(api->placed);
    assert_int_equal(api->x, 10);
    assert_int_equal(api->y, 4);
    assert_int_equal(api->ncalls, 3);
    assert_string_equal(api->call_names[2], "jobs");
    assert_int_equal(api->call_pos[2].line, 22);
    assert_int_equal(api->call_pos[2].column, 24);
    assert_string_equal(api->size, "c6i.xlarge");
    assert_int_equal(api->cores, 4);
    assert_int_equal(api->instances, 4);
    assert_int_equal(api->threads, 64);
    assert_int_equal(api->cpu[REQ_READ], 3 * NS_PER_MS);
    assert_int_equal(api->cpu[REQ_WRITE], 5 * NS_PER_MS);
    assert_int_equal(api->timeout, 2 * NS_PER_S);
    assert_int_equal(find(&s, "lb")->policy, LB_LEAST_CONN);
    assert_int_equal(find(&s, "cache")->capacity, 200000);
    assert_int_equal(find(&s, "cache")->keys, 2000000);
    same_double(find(&s, "cache")->skew, 0.8);
    db = find(&s, "db");
    assert_int_equal(db->kind, KIND_DATABASE);
    assert_int_equal(db->cores, 8);
    assert_int_equal(db->replicas, 2);
    assert_int_equal(db->pool, 100);
    assert_false(db->indexed);
    assert_int_equal(find(&s, "jobs")->workers, 8);
    assert_int_equal(find(&s, "jobs")->task_time, 200 * NS_PER_MS);
    scenario_free(&s);
}

static void test_defaults_when_absent(void **state)
{
    struct scenario s, d;

    (void)state;
    load_ok(&s, "name: bare\n");
    scenario_init(&d);
    assert_int_equal(s.ncomponents, 0);
    assert_int_equal(s.seed, d.seed);
    assert_int_equal(s.think, d.think);
    same_double(s.mix[REQ_READ], d.mix[REQ_READ]);
    same_double(s.ramp.to, d.ramp.to);
    same_double(s.ramp.target, d.ramp.to);
    assert_null(s.description);
    scenario_free(&s);
}

static void test_mix_leaves_out_kinds(void **state)
{
    struct scenario s;

    (void)state;
    load_ok(&s, "mix: {read: 90%, write: 10%}\n");
    same_double(s.mix[REQ_STATIC], 0);
    same_double(s.mix[REQ_TASK], 0);
    same_double(s.mix[REQ_READ], 0.9);
    scenario_free(&s);
}

/* --- Y1: YAML 1.1 words and numbers stay the names they are ------------- */

static void test_y1_names_stay_strings(void **state)
{
    static const char text[] =
        "name: no\n"
        "regions:\n"
        "  - {name: off, share: 50%}\n"
        "  - {name: 'yes', share: 50%}\n"
        "entry: on\n"
        "components:\n"
        "  - {name: on, kind: server, calls: [010]}\n"
        "  - {name: \"010\", kind: database}\n"
        "  - {name: ~, kind: cache}\n"
        "  - {name: 1e3, kind: queue}\n";
    struct scenario s;

    (void)state;
    load_ok(&s, text);
    assert_string_equal(s.name, "no");
    assert_string_equal(s.regions[0].name, "off");
    assert_string_equal(s.regions[1].name, "yes");
    assert_string_equal(s.entry_name, "on");
    assert_string_equal(s.components[0].name, "on");
    assert_string_equal(s.components[0].call_names[0], "010");
    assert_int_equal(s.components[0].calls[0], 1);
    assert_string_equal(s.components[1].name, "010");
    assert_string_equal(s.components[2].name, "~");
    assert_string_equal(s.components[3].name, "1e3");
    scenario_free(&s);
}

/* --- Y2, Y3, Y6, Y7: the shared case files ------------------------------- */

static void test_y2_tabs(void **state)
{
    (void)state;
    file_fails("tests/cases/tabs.yaml", "3:1: ", "tabs");
}

static void test_y3_duplicate_key(void **state)
{
    (void)state;
    file_fails("tests/cases/duplicate-key.yaml", "2:1: ",
               "duplicate key 'name' (first written at line 1");
    load_fails("components:\n"
               "  - name: a\n"
               "    kind: server\n"
               "    threads: 4\n"
               "    threads: 5\n",
               "5:5: ", "duplicate key 'threads'");
}

static void test_y6_bom(void **state)
{
    struct scenario s;
    char err[ERRLEN] = "";

    (void)state;
    if (scenario_load_file(&s, "tests/cases/bom.yaml", err, sizeof err))
        fail_msg("refused: %s", err);
    assert_string_equal(s.name, "with-bom");
    scenario_free(&s);
}

static void test_y7_alias_small(void **state)
{
    const struct component *api, *admin;
    struct scenario s;
    char err[ERRLEN] = "";

    (void)state;
    if (scenario_load_file(&s, "tests/cases/alias-small.yaml", err,
                           sizeof err))
        fail_msg("refused: %s", err);
    assert_int_equal(s.ncomponents, 2);
    api = find(&s, "api");
    admin = find(&s, "admin");
    assert_int_equal(api->kind, KIND_SERVER);
    assert_int_equal(admin->kind, KIND_SERVER);
    assert_int_equal(api->instances, 2);
    assert_int_equal(admin->instances, 2);
    assert_int_equal(api->threads, 64);
    assert_int_equal(admin->threads, 64);
    scenario_free(&s);
}

static void test_merge_keys(void **state)
{
    static const char text[] =
        "x-small: &small {kind: server, instances: 2, threads: 8}\n"
        "x-big: &big {kind: database, instances: 9, threads: 99,\n"
        "             backlog: 7}\n"
        "components:\n"
        "  - name: a\n"
        "    <<: [*small, *big]\n"
        "    threads: 16\n"
        "  - {name: b, <<: *small}\n";
    const struct component *a;
    struct scenario s;

    (void)state;
    load_ok(&s, text);
    a = find(&s, "a");
    assert_int_equal(a->kind, KIND_SERVER);     /* earlier merge wins */
    assert_int_equal(a->instances, 2);
    assert_int_equal(a->threads, 16);           /* own key wins */
    assert_int_equal(a->backlog, 7);            /* only in the later one */
    assert_int_equal(find(&s, "b")->threads, 8);
    scenario_free(&s);
}

static void test_alias_errors(void **state)
{
    (void)state;
    load_fails("name: *nothing\n", "1:7: ", "alias '*nothing' names no "
               "anchor");
    load_fails("x-a: &a [1]\ncomponents:\n  - {<<: *a}\n", "1:10: ",
               "'<<' merges a mapping or a list of mappings");
    load_fails("x-a: &a {b: *a}\n", "1:13: ", "names no anchor");
    load_fails("\"<<\": {}\n", "1:1: ", "unknown key '<<'");
}

/* --- Y7: a billion laughs --------------------------------------------- */

static void test_y7_billion_laughs_fast(void **state)
{
    struct text t = {0};
    struct timespec t0;

    (void)state;
    text_addf(&t, "x-0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++)
        text_addf(&t, "x-%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
                  "*a%d, *a%d, *a%d]\n", i, i, i - 1, i - 1, i - 1, i - 1,
                  i - 1, i - 1, i - 1, i - 1, i - 1);
    text_addf(&t, "name: laughs\n");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    load_fails(t.buf, "6:", "aliases expand to more than 100000 nodes");
    assert_true(seconds_since(&t0) < 0.1);
    free(t.buf);
}

/* Merging copies the merged pairs, so a merge counts like any alias. */
static void test_merge_expansion_is_bounded(void **state)
{
    struct text t = {0};
    struct timespec t0;

    (void)state;
    text_addf(&t, "x-big: &b {");
    for (int i = 0; i < 30000; i++)
        text_addf(&t, "%sk%d: 0", i ? ", " : "", i);
    text_addf(&t, "}\nx-m1: {<<: *b}\nx-m2: {<<: *b}\n");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    load_fails(t.buf, "3:12: ", "aliases expand to more than 100000 nodes");
    assert_true(seconds_since(&t0) < 0.5);
    free(t.buf);
}

/* --- Y4: misspelt keys, with suggestions -------------------------------- */

static void test_y4_suggestions(void **state)
{
    (void)state;
    load_fails("components:\n  - name: api\n    kind: server\n"
               "    instnaces: 3\n", "4:5: ",
               "unknown key 'instnaces' for a server; did you mean "
               "'instances'?");
    load_fails("nmae: x\n", "1:1: ",
               "unknown key 'nmae'; did you mean 'name'?");
    load_fails("users: {thnik: 3s}\n", "1:9: ",
               "unknown key 'thnik' in users; did you mean 'think'?");
    load_fails("components:\n  - {name: a, kind: server, cpu: {raed: 1ms}}"
               "\n", "2:35: ", "unknown key 'cpu.raed' for a server; did "
               "you mean 'cpu.read'?");
    load_fails("components:\n  - {name: a, kind: server, cpus: {}}\n",
               "2:29: ", "did you mean 'cpu'?");
    load_fails("components:\n  - {name: a, kind: lb, xyzzy: 1}\n", "2:25: ",
               "unknown key 'xyzzy' for an lb");
}

static void test_setting_of_another_kind(void **state)
{
    (void)state;
    load_fails("components:\n  - {name: a, kind: server, pool: 5}\n",
               "2:29: ", "'pool' does not apply to a server (only to "
               "database)");
    load_fails("components:\n  - {name: a, kind: cdn, size: c6i.large}\n",
               "2:26: ", "'size' does not apply to a cdn (only to server, "
               "service, database, cache and queue)");
}

/* --- Y5 and ranges ------------------------------------------------------- */

static void test_y5_out_of_range(void **state)
{
    (void)state;
    load_fails("components:\n  - {name: a, kind: server, instances: 1e309}"
               "\n", "2:40: ",
               "instances: 1e309 is out of range (1 to 10000)");
    load_fails("users:\n  ramp: {to: 1e30}\n", "2:14: ",
               "to: 1e30 is out of range (1 to 100M)");
    load_fails("components:\n  - {name: a, kind: server, timeout: 0.5ms}\n",
               "2:38: ", "timeout: 0.5ms is out of range (1ms to 24h)");
    load_fails("components:\n  - {name: a, kind: server, threads: 2.5}\n",
               "2:38: ", "threads: 2.5 is not a whole number");
    load_fails("components:\n  - {name: a, kind: database, hot: 150%}\n",
               "2:36: ", "hot: '150%' is not a fraction");
    load_fails("components:\n  - {name: a, kind: cache, skew: 9}\n",
               "2:34: ", "skew: 9 is out of range (0.01 to 5)");
    load_fails("users: {think: -1s}\n", "1:16: ",
               "think: -1s is out of range (1ms to 24h)");
}

static void test_not_numbers(void **state)
{
    static const char *const values[] = {".nan", ".inf", "-.inf", "NaN",
                                         "0x10", "1,5", "", "1e"};
    char text[256], part[128];

    (void)state;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        snprintf(text, sizeof text, "components:\n  - {name: a, kind: "
                 "server, instances: '%s'}\n", values[i]);
        snprintf(part, sizeof part, "instances: '%s' is not a count",
                 values[i]);
        load_fails(text, "2:40: ", part);
        load_fails(text, "2:40: ", "allowed 1 to 10000");
    }
}

static void test_seed_range(void **state)
{
    struct scenario s;

    (void)state;
    load_ok(&s, "seed: 18446744073709551615\n");
    assert_true(s.seed == UINT64_MAX);
    scenario_free(&s);
    load_ok(&s, "seed: 0\n");
    assert_true(s.seed == 0);
    scenario_free(&s);
    load_fails("seed: 18446744073709551616\n", "1:7: ",
               "not a whole number from 0 to 18446744073709551615");
    load_fails("seed: -1\n", "1:7: ", "seed: '-1' is not a whole number");
}

/* --- Y8, Y9, Y10 --------------------------------------------------------- */

static void test_y8_empty(void **state)
{
    (void)state;
    load_fails("", "1:1: ", "empty scenario");
    load_fails("# only a comment\n", "1:1: ", "empty scenario");
    load_fails("---\n", "1:1: ", "empty scenario");
    load_fails("\n\n   \n", "1:1: ", "empty scenario");
}

static void test_y9_duration_units(void **state)
{
    (void)state;
    load_fails("components:\n  - {name: a, kind: server, timeout: 2}\n",
               "2:38: ", "timeout: '2' has no unit; a duration needs one: "
               "ns, us, \xc2\xb5s, ms, s, m, min or h");
    load_fails("components:\n  - {name: a, kind: server, timeout: 2 parsecs"
               "}\n", "2:38: ", "unknown unit 'parsecs'; use ns, us, "
               "\xc2\xb5s, ms, s, m, min or h");
}

static void test_y10_mix_sum(void **state)
{
    (void)state;
    load_fails("mix: {read: 70%, write: 15%, task: 5%}\n", "1:6: ",
               "mix: the shares static 0%, read 70%, write 15% and task 5% "
               "add up to 90%, not 100%");
    load_fails("name: x\nmix: {read: 80%, write: 30%, task: 20%}\n", "2:6: ",
               "add up to 130%, not 100%");
    load_fails("regions:\n  - {name: a, share: 50%}\n"
               "  - {name: b, share: 40%}\n", "2:5: ",
               "regions: shares add up to 90%");
}

/* --- Y11: awkward names export and import byte for byte ---------------- */

static void test_y11_names_round_trip(void **state)
{
    static const char *const names[] = {
        "key: value", "a # not a comment", "- leading dash",
        "it's \"quoted\"", "back\\slash",
        "caf\xc3\xa9 \xe6\x95\xb0\xe6\x8d\xae",
        "cache-\xf0\x9f\x94\xa5-tier", "e\xcc\x81", "no", "010", "[x]",
        "{y}", "*star", "&amp", "!bang", "%pct", "@at", "`tick", " pad ",
        "tail:", "?", "|", ">",
    };
    const size_t n = sizeof names / sizeof names[0];
    struct scenario s, back;
    char err[ERRLEN] = "";
    char *yaml;

    (void)state;
    scenario_init(&s);
    snprintf(s.name, sizeof s.name, "%s", names[0]);
    s.description = strdup("line one\nline two\ttab \x01 \xc2\x85 end");
    assert_non_null(s.description);
    for (size_t i = 0; i < n; i++)
        assert_non_null(scenario_add(&s, KIND_SERVER, names[i]));
    yaml = scenario_export_string(&s);
    assert_non_null(yaml);
    if (scenario_load_buffer(&back, "y11", yaml, strlen(yaml), err,
                             sizeof err) != 0)
        fail_msg("refused: %s\n%s", err, yaml);
    assert_string_equal(back.name, s.name);
    assert_string_equal(back.description, s.description);
    assert_int_equal(back.ncomponents, (int)n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(back.components[i].name, names[i]);
    free(yaml);
    scenario_free(&s);
    scenario_free(&back);
}

static void test_bad_names(void **state)
{
    char text[600];

    (void)state;
    load_fails("name: ''\n", "1:7: ", "name: '' is empty");
    load_fails("name: \"a\\x01b\"\n", "1:7: ",
               "contains a control character");
    load_fails("name: \"a\\x85b\"\n", "1:7: ",
               "contains a control character");
    load_fails("name: \"a\\0b\"\n", "1:7: ", "NUL character");
    memset(text, 'n', sizeof text);
    memcpy(text, "name: ", 6);
    memcpy(text + 6 + 256, "\n", 2);
    load_fails(text, "1:7: ", "is longer than 255 bytes");
    load_fails("components:\n  - {name: a, kind: server}\n"
               "  - {name: a, kind: cache}\n", "3:12: ",
               "a component called 'a' is already at line 2");
    load_fails("regions:\n  - {name: r, share: 50%}\n"
               "  - {name: r, share: 50%}\n", "3:12: ",
               "a region called 'r' is already at line 2");
}

/* --- S3 and S5 ----------------------------------------------------------- */

static void test_s3_cycle(void **state)
{
    (void)state;
    load_fails("components:\n  - {name: a, kind: server, calls: [b]}\n"
               "  - {name: b, kind: service, calls: [a]}\n", "2:5: ",
               "calls form a cycle: a -> b -> a");
    load_fails("components:\n  - {name: a, kind: server, calls: [nope]}\n",
               "2:37: ", "component 'a' calls 'nope', which does not exist");
}

static void test_s5_ramp_from_above_to(void **state)
{
    (void)state;
    load_fails("users:\n  ramp: {from: 10k, to: 5k}\n", "2:9: ",
               "ramp: from (10000 users) is larger than to (5000 users)");
    load_fails("users:\n  ramp: {from: 10, to: 5k, target: 6k}\n", "2:9: ",
               "target (6000 users) is not between");
}

/* --- More refusals, each with its place ---------------------------------- */

static void test_wrong_node_types(void **state)
{
    (void)state;
    load_fails("users: [1, 2]\n", "1:8: ",
               "users: expected a mapping, found a list");
    load_fails("- a\n- b\n", "1:1: ",
               "expected a mapping of scenario settings");
    load_fails("components: {a: 1}\n", "1:13: ",
               "components: expected a list, found a mapping");
    load_fails("components:\n  - {name: a, kind: server, instances: [1]}\n",
               "2:40: ", "instances: expected a single value, found a list");
    load_fails("components:\n  - {name: a, kind: server, cpu: 3ms}\n",
               "2:34: ", "cpu: expected a mapping, found a single value");
    load_fails("components:\n  - {name: a, kind: server, calls: b}\n",
               "2:36: ", "calls: expected a list");
    load_fails("components:\n  - {name: a, kind: server, position: [1]}\n",
               "2:39: ", "position: expected a list of two numbers");
    load_fails("{[a]: 1}\n", "1:2: ", "a key must be a single value");
}

static void test_component_requirements(void **state)
{
    (void)state;
    load_fails("components:\n  - {kind: server}\n", "2:5: ",
               "a component needs a 'name'");
    load_fails("components:\n  - {name: api}\n", "2:5: ",
               "component 'api' needs a 'kind': server, service, lb, "
               "database, cache, queue or cdn");
    load_fails("components:\n  - {name: api, kind: sever}\n", "2:23: ",
               "kind: unknown kind 'sever'");
    load_fails("components:\n  - {name: a, kind: lb, policy: fastest}\n",
               "2:33: ", "policy: unknown value 'fastest'; use round-robin, "
               "least-connections, random or two-choices");
    load_fails("components:\n  - {name: a, kind: server, size: c6i.xlarg}\n",
               "2:35: ", "unknown instance size 'c6i.xlarg'; the nearest "
               "known are c6i.xlarge");
    load_fails("components:\n  - {name: a, kind: database, indexed: yes}\n",
               "2:40: ", "indexed: 'yes' is not true or false");
    load_fails("components:\n  - {name: a, kind: server, serves: [reads]}\n",
               "2:38: ", "serves: 'reads' is not a request kind");
}

static void test_calls_limits(void **state)
{
    struct text t = {0};

    (void)state;
    text_addf(&t, "components:\n  - name: a\n    kind: server\n    calls: [");
    for (int i = 0; i <= MAX_CALLS; i++)
        text_addf(&t, "%sc%d", i ? ", " : "", i);
    text_addf(&t, "]\n");
    load_fails(t.buf, "4:", "calls: more than 16 calls");
    load_fails("components:\n  - {name: a, kind: server, calls: [b, b]}\n",
               "2:40: ", "calls: 'b' is already listed");
    free(t.buf);
}

static void test_failure_targets(void **state)
{
    (void)state;
    load_fails("failures:\n  - {at: 1s, component: ghost, fail: instance}\n",
               "2:25: ", "no component is called 'ghost'");
    load_fails("components:\n  - {name: a, kind: server}\nfailures:\n"
               "  - {at: 1s, component: a, fail: region-latency}\n",
               "4:25: ", "no region is called 'a'");
    load_fails("failures:\n  - {at: 1s, component: a}\n", "2:5: ",
               "a failure needs 'fail'");
    load_fails("failures:\n  - {at: 1s, component: a, fail: melt}\n",
               "2:34: ", "fail: unknown value 'melt'; use instance, "
               "component, primary, cache-flush, region-latency, workers, "
               "slow, partition or spike");
}

static void test_entry_and_version(void **state)
{
    (void)state;
    load_fails("entry: gate\ncomponents:\n  - {name: a, kind: lb}\n",
               "1:8: ", "entry: no component is called 'gate'");
    load_fails("archsim: 2\n", "1:10: ", "format version '2'");
    load_fails("name: a\nx-mine: {anything: [goes]}\nx-: 1\ny-no: 1\n",
               "4:1: ", "unknown key 'y-no'");
}

/* --- Hostile input ------------------------------------------------------- */

static void test_deep_nesting_fast(void **state)
{
    struct text t = {0};
    struct timespec t0;

    (void)state;
    text_add(&t, "a: ", 3);
    for (int i = 0; i < 10000; i++)
        text_add(&t, "[", 1);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* The root mapping is level 1, so the 32nd bracket is level 33. */
    load_fails(t.buf, "1:35: ", "nesting deeper than 32 levels");
    t.len = 0;
    for (int i = 0; i < 10000; i++)
        text_add(&t, "- ", 2);
    text_add(&t, "x\n", 2);
    load_fails(t.buf, "1:65: ", "nesting deeper than 32 levels");
    t.len = 0;
    for (int i = 0; i < 10000; i++)
        text_add(&t, "{a: ", 4);
    load_fails(t.buf, "1:129: ", "nesting deeper than 32 levels");
    assert_true(seconds_since(&t0) < 0.2);
    free(t.buf);
}

static void test_large_file_refused(void **state)
{
    const char *path = "/tmp/archsim_test_large.yaml";
    size_t size = 5u << 20;
    char *big = malloc(size);
    struct scenario s;
    char err[ERRLEN] = "";
    FILE *f;

    (void)state;
    assert_non_null(big);
    memset(big, '#', size);
    big[size - 1] = '\n';
    assert_int_equal(scenario_load_buffer(&s, "t.yaml", big, size, err,
                                          sizeof err), -1);
    assert_string_equal(err, "t.yaml:1:1: the file is larger than 4 MiB, "
                        "the most a scenario may be");
    scenario_free(&s);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(big, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
    file_fails(path, "1:1: ", "larger than 4 MiB");
    remove(path);
    free(big);
}

static void test_two_documents(void **state)
{
    (void)state;
    load_fails("name: a\n---\nname: b\n", "2:1: ",
               "a second document; a scenario file holds one");
}

static void test_nul_and_encoding(void **state)
{
    static const char nul[] = "name: a\nseed: 1\0\n";
    static const char bad_utf8[] = "name: a\nseed: \xff\n";
    struct scenario s;
    char err[ERRLEN] = "";

    (void)state;
    assert_int_equal(scenario_load_buffer(&s, "t.yaml", nul, sizeof nul - 1,
                                          err, sizeof err), -1);
    assert_string_equal(err, "t.yaml:2:8: NUL byte in the file (is it a "
                        "text file?)");
    scenario_free(&s);
    load_fails(bad_utf8, "2:7: ", "invalid leading UTF-8 octet");
    load_fails("\xff\xfen\0a\0", "1:1: ", "UTF-16");
    load_fails("name: a: b\n", "1:8: ", "needs quotes");
}

static void test_missing_file(void **state)
{
    struct scenario s;
    char err[ERRLEN] = "";

    (void)state;
    assert_int_equal(scenario_load_file(&s, "tests/cases/none.yaml", err,
                                        sizeof err), -1);
    assert_string_equal(err, "tests/cases/none.yaml: cannot open: No such "
                        "file or directory");
    scenario_free(&s);
}

/* --- Units --------------------------------------------------------------- */

struct duration_case {
    const char *text;
    sim_ns ns;
};

static void test_every_duration_unit(void **state)
{
    static const struct duration_case cases[] = {
        {"7ns", 7}, {"3us", 3000}, {"3\xc2\xb5s", 3000},
        {"3\xce\xbcs", 3000}, {"2.5ms", 2500000}, {"2 s", 2 * NS_PER_S},
        {"1.5s", 1500 * NS_PER_MS}, {"2m", 120 * NS_PER_S},
        {"0.5min", 30 * NS_PER_S}, {"1h", 3600 * NS_PER_S},
        {"1e3ms", NS_PER_S}, {"010s", 10 * NS_PER_S}, {"0s", 0},
        {".5s", 500 * NS_PER_MS}, {"1.5ns", 2},
    };
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_ns ns = -1;

        if (parse_duration(cases[i].text, &ns, err, sizeof err) != 0)
            fail_msg("'%s' refused: %s", cases[i].text, err);
        if (ns != cases[i].ns)
            fail_msg("'%s' gave %lld ns", cases[i].text, (long long)ns);
    }
    assert_int_equal(parse_duration("-1s", &(sim_ns){0}, err, sizeof err),
                     -1);
    assert_string_equal(err, "'-1s' is negative; a duration is 0 or more");
    assert_int_equal(parse_duration("1e300h", &(sim_ns){0}, err,
                                    sizeof err), -1);
    assert_non_null(strstr(err, "is too long"));
    assert_int_equal(parse_duration("2S", &(sim_ns){0}, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "unknown unit 'S'"));
}

static void test_counts(void **state)
{
    static const struct {
        const char *text;
        double v;
    } cases[] = {
        {"5", 5}, {"5k", 5000}, {"1M", 1e6}, {"2G", 2e9}, {"1.5k", 1500},
        {"1e6", 1e6}, {"0.1k", 100}, {"3 k", 3000}, {"+4", 4},
        {"010", 10},
    };
    char err[256];
    double v;

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (parse_count(cases[i].text, &v, err, sizeof err) != 0)
            fail_msg("'%s' refused: %s", cases[i].text, err);
        same_double(v, cases[i].v);
    }
    assert_int_equal(parse_count("1e309", &v, err, sizeof err), -1);
    assert_string_equal(err, "'1e309' is too large a count");
    assert_int_equal(parse_count("5m", &v, err, sizeof err), -1);
    assert_string_equal(err, "'5m' is not a count: unknown unit 'm'; use an "
                        "optional k, M or G (e.g. 5k, 1.5M, 1e6)");
    assert_int_equal(parse_count("inf", &v, err, sizeof err), -1);
    assert_int_equal(parse_count("0x10", &v, err, sizeof err), -1);
}

static void test_fractions(void **state)
{
    char err[256];
    double v;

    (void)state;
    assert_int_equal(parse_fraction("5%", &v, err, sizeof err), 0);
    same_double(v, 0.05);
    assert_int_equal(parse_fraction("0.05", &v, err, sizeof err), 0);
    same_double(v, 0.05);
    assert_int_equal(parse_fraction("100%", &v, err, sizeof err), 0);
    same_double(v, 1);
    assert_int_equal(parse_fraction("0.1%", &v, err, sizeof err), 0);
    same_double(v, 0.001);
    assert_int_equal(parse_fraction("50", &v, err, sizeof err), -1);
    assert_string_equal(err, "'50' is not a fraction: write a percentage "
                        "from 0% to 100% (e.g. 5%) or a number from 0 to 1");
    assert_int_equal(parse_fraction("-1%", &v, err, sizeof err), -1);
    assert_int_equal(parse_fraction("5 percent", &v, err, sizeof err), -1);
}

static void test_rates_money_memory(void **state)
{
    static const char text[] =
        "users: {rate: 6/min}\n"
        "objectives: {budget: $20k/mo}\n"
        "components:\n"
        "  - {name: a, kind: queue, max-rate: 5k/s, price: $0.5/hour}\n"
        "  - {name: b, kind: queue, max-rate: 7200/h, price: 0.085}\n"
        "  - {name: c, kind: database, memory: 512MiB}\n"
        "  - {name: d, kind: database, memory: 16 GiB}\n"
        "  - {name: e, kind: database, memory: 1TiB, price: 2/h}\n"
        "  - {name: f, kind: queue, max-rate: 250}\n";
    struct scenario s;

    (void)state;
    load_ok(&s, text);
    same_double(s.rate, 0.1);
    same_double(s.objectives.budget, 20000);
    same_double(find(&s, "a")->max_rate, 5000);
    same_double(find(&s, "a")->price_hour, 0.5);
    same_double(find(&s, "b")->max_rate, 2);
    same_double(find(&s, "b")->price_hour, 0.085);
    same_double(find(&s, "c")->memory_gib, 0.5);
    same_double(find(&s, "d")->memory_gib, 16);
    same_double(find(&s, "e")->memory_gib, 1024);
    same_double(find(&s, "e")->price_hour, 2);
    same_double(find(&s, "f")->max_rate, 250);
    scenario_free(&s);
    load_fails("components:\n  - {name: a, kind: database, memory: 16GB}\n",
               "2:39: ", "unknown unit 'GB'; use MiB, GiB or TiB");
    load_fails("components:\n  - {name: a, kind: database, memory: 16}\n",
               "2:39: ", "'16' has no unit");
    load_fails("objectives: {budget: 5/day}\n", "1:22: ",
               "unknown unit '/day'");
}

static void test_size_then_overrides(void **state)
{
    static const char text[] =
        "components:\n"
        "  - {name: a, kind: server, cores: 16, size: c6i.xlarge}\n"
        "  - {name: b, kind: server, size: c6i.xlarge, memory: 3GiB}\n";
    const struct component *a, *b;
    struct scenario s;

    (void)state;
    load_ok(&s, text);
    a = find(&s, "a");
    b = find(&s, "b");
    assert_int_equal(a->cores, 16);
    same_double(a->memory_gib, 8);
    assert_int_equal(b->cores, 4);
    same_double(b->memory_gib, 3);
    same_double(b->price_hour, a->price_hour);
    scenario_free(&s);
}

/* A digit, a comma and a digit: a decimal comma. */
static bool has_decimal_comma(const char *text)
{
    for (const char *p = strchr(text, ','); p; p = strchr(p + 1, ','))
        if (p > text && p[-1] >= '0' && p[-1] <= '9' && p[1] >= '0' &&
            p[1] <= '9')
            return true;
    return false;
}

/*
 * T6: a locale whose decimal mark is a comma changes nothing. Skipped
 * where no such locale is installed (it can be built without root:
 * localedef -i de_DE -f UTF-8 DIR/de_DE.UTF-8, then LOCPATH=DIR).
 */
static void test_comma_locale(void **state)
{
    struct scenario s;
    char *yaml;

    (void)state;
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") &&
        !setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        skip();
        return;
    }
    load_ok(&s, "components:\n  - {name: c, kind: cache, skew: 0.85, "
            "op: 2.5us}\n");
    same_double(find(&s, "c")->skew, 0.85);
    assert_int_equal(find(&s, "c")->op_time, 2500);
    yaml = scenario_export_string(&s);
    setlocale(LC_NUMERIC, "C");
    assert_non_null(yaml);
    assert_non_null(strstr(yaml, "skew: 0.85\n"));
    assert_non_null(strstr(yaml, "op: 2500ns\n"));
    assert_non_null(strstr(yaml, "rate: 0.1/s\n"));
    assert_false(has_decimal_comma(yaml));
    free(yaml);
    scenario_free(&s);
}

/* --- Export and import --------------------------------------------------- */

/* A value for field f that differs from c's and lies in the field's range. */
static void tweak_number(struct component *c, const struct field *f)
{
    char *p = (char *)c + f->offset;
    double lo = f->min, hi = f->max;
    double v = lo + (hi - lo) * 0.37;

    switch (f->type) {
    case FT_INT:
        *(int *)p = *(int *)p == (int)lo + 3 ? (int)lo + 4 : (int)lo + 3;
        break;
    case FT_COUNT64:
        *(int64_t *)p = *(int64_t *)p == 777 ? 778 : 777;
        break;
    case FT_DURATION:
        *(sim_ns *)p = (sim_ns)lo + 1234567;
        break;
    case FT_FRACTION:
        *(double *)p = *(double *)p == 0.37 ? 0.38 : 0.37;
        break;
    case FT_GIB:
        *(double *)p = 3.25;
        break;
    default:
        *(double *)p = *(double *)p == v ? v / 2 : v;
        break;
    }
}

static void tweak(struct component *c, const struct field *f)
{
    char *p = (char *)c + f->offset;

    switch (f->type) {
    case FT_BOOL:
        *(bool *)p = !*(bool *)p;
        break;
    case FT_ENUM_POLICY:
        c->policy = (enum lb_policy)((c->policy + 1) % 4);
        break;
    case FT_ENUM_DIST:
        c->dist = (enum service_dist)((c->dist + 1) % 3);
        break;
    case FT_SIZE_NAME:
        break;
    case FT_KIND_SET:
        *(unsigned *)p = (1u << REQ_READ) | (1u << REQ_TASK);
        break;
    default:
        tweak_number(c, f);
        break;
    }
}

/* A component of kind with every setting it has away from its default. */
static void add_tweaked(struct scenario *s, enum comp_kind kind,
                        const char *name, const char *size)
{
    struct component *c = scenario_add(s, kind, name);

    assert_non_null(c);
    if (size) {
        snprintf(c->size, sizeof c->size, "%s", size);
        assert_int_equal(component_apply_size(c), 0);
    }
    for (size_t i = 0; i < scenario_nfields; i++)
        if (scenario_fields[i].kinds & KINDS(kind))
            tweak(c, &scenario_fields[i]);
    /* The one pair of settings that must agree: autoscaling's range. */
    if (c->autoscale.min > c->autoscale.max && c->autoscale.max > 0)
        c->autoscale.max = c->autoscale.min + 1;
    c->placed = true;
    c->x = 3 + (int)kind;
    c->y = 40 - (int)kind;
}

static void add_call_to(struct scenario *s, int from, const char *to)
{
    struct component *c = &s->components[from];

    snprintf(c->call_names[c->ncalls++], NAME_BYTES, "%s", to);
}

static void add_failure(struct scenario *s, enum failure_kind kind,
                        const char *target)
{
    struct failure *f = &s->failures[s->nfailures++];

    f->at = (s->nfailures * 90 + 7) * NS_PER_MS;
    f->duration = s->nfailures * 1500 * NS_PER_MS;
    f->kind = kind;
    snprintf(f->component, sizeof f->component, "%s", target);
    f->factor = 1.25 * s->nfailures;
}

static void build_everything(struct scenario *s)
{
    scenario_init(s);
    snprintf(s->name, sizeof s->name, "every: \"thing\" #1");
    s->description = strdup("All of it.\nSecond line, caf\xc3\xa9.");
    assert_non_null(s->description);
    s->seed = UINT64_MAX - 1;
    s->user_model = USERS_OPEN;
    s->think = 1500 * NS_PER_MS;
    s->rate = 0.123;
    s->ramp = (struct ramp){10, 500000, 7, 250000};
    s->nregions = 3;
    s->regions[0] = (struct region){"us-east", 0.55, 2 * NS_PER_MS, {0, 0}};
    s->regions[1] = (struct region){"eu: west", 0.3, 81 * NS_PER_MS, {0, 0}};
    s->regions[2] = (struct region){"\xe0\xa4\xad\xe0\xa4\xbe", 0.15,
                                    185500 * NS_PER_US, {0, 0}};
    s->mix[REQ_STATIC] = 0.1;
    s->mix[REQ_READ] = 0.6;
    s->mix[REQ_WRITE] = 0.2;
    s->mix[REQ_TASK] = 0.1;
    s->hop = 333 * NS_PER_US;
    s->objectives = (struct objectives){250 * NS_PER_MS, 0.0025, 12345.5};
}

static void build_design(struct scenario *s)
{
    static const char *const sizes[KIND_COUNT] = {
        "c6i.2xlarge", "m7g.xlarge", NULL, "db.r6g.xlarge",
        "cache.r6g.xlarge", "t3.large", NULL,
    };
    static const char *const names[KIND_COUNT] = {
        "web", "orders", "lb", "db", "cache", "jobs", "cdn",
    };

    for (int k = 0; k < KIND_COUNT; k++)
        add_tweaked(s, (enum comp_kind)k, names[k], sizes[k]);
    add_call_to(s, KIND_CDN, "lb");
    add_call_to(s, KIND_LB, "web");
    add_call_to(s, KIND_SERVER, "orders");
    add_call_to(s, KIND_SERVER, "cache");
    add_call_to(s, KIND_SERVICE, "db");
    add_call_to(s, KIND_SERVICE, "jobs");
    snprintf(s->entry_name, sizeof s->entry_name, "cdn");
    /* Each failure strikes the last component it can strike. */
    for (int f = 0; f < FAIL_KIND_COUNT; f++) {
        const char *target = f == FAIL_REGION_LATENCY ? "eu: west" : "";

        for (int k = 0; k < KIND_COUNT; k++)
            if (failure_applies((enum failure_kind)f, (enum comp_kind)k))
                target = names[k];
        add_failure(s, (enum failure_kind)f, target);
    }
    /* A partition has a peer; a spike strikes the users, not a
     * component. */
    snprintf(s->failures[FAIL_PARTITION].peer, NAME_BYTES, "%s",
             names[(FAIL_PARTITION + 1) % 6]);
}

/* Compare one setting of the field table, by the type it has. */
static void same_field(const struct component *a, const struct component *b,
                       const struct field *f)
{
    const char *pa = (const char *)a + f->offset;
    const char *pb = (const char *)b + f->offset;

    switch (f->type) {
    case FT_INT:
        assert_int_equal(*(const int *)pa, *(const int *)pb);
        break;
    case FT_COUNT64:
    case FT_DURATION:
        assert_int_equal(*(const int64_t *)pa, *(const int64_t *)pb);
        break;
    case FT_BOOL:
        assert_int_equal(*(const bool *)pa, *(const bool *)pb);
        break;
    case FT_ENUM_POLICY:
        assert_int_equal(a->policy, b->policy);
        break;
    case FT_ENUM_DIST:
        assert_int_equal(a->dist, b->dist);
        break;
    case FT_SIZE_NAME:
        assert_string_equal(pa, pb);
        break;
    case FT_KIND_SET:
        assert_int_equal(*(const unsigned *)pa, *(const unsigned *)pb);
        break;
    default:
        same_double(*(const double *)pa, *(const double *)pb);
        break;
    }
}

static void same_component(const struct component *a,
                           const struct component *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->placed, b->placed);
    assert_int_equal(a->x, b->x);
    assert_int_equal(a->y, b->y);
    assert_int_equal(a->ncalls, b->ncalls);
    for (int i = 0; i < a->ncalls; i++) {
        assert_string_equal(a->call_names[i], b->call_names[i]);
        assert_int_equal(a->calls[i], b->calls[i]);
    }
    for (size_t i = 0; i < scenario_nfields; i++)
        same_field(a, b, &scenario_fields[i]);
}

static void same_top(const struct scenario *a, const struct scenario *b)
{
    assert_string_equal(a->name, b->name);
    assert_string_equal(a->description, b->description);
    assert_true(a->seed == b->seed);
    assert_int_equal(a->user_model, b->user_model);
    assert_int_equal(a->think, b->think);
    same_double(a->rate, b->rate);
    same_double(a->ramp.from, b->ramp.from);
    same_double(a->ramp.to, b->ramp.to);
    assert_int_equal(a->ramp.per_decade, b->ramp.per_decade);
    same_double(a->ramp.target, b->ramp.target);
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        same_double(a->mix[k], b->mix[k]);
    assert_int_equal(a->hop, b->hop);
    assert_string_equal(a->entry_name, b->entry_name);
    assert_int_equal(a->entry, b->entry);
    assert_int_equal(a->objectives.p99, b->objectives.p99);
    same_double(a->objectives.errors, b->objectives.errors);
    same_double(a->objectives.budget, b->objectives.budget);
}

static void same_lists(const struct scenario *a, const struct scenario *b)
{
    assert_int_equal(a->nregions, b->nregions);
    for (int i = 0; i < a->nregions; i++) {
        assert_string_equal(a->regions[i].name, b->regions[i].name);
        same_double(a->regions[i].share, b->regions[i].share);
        assert_int_equal(a->regions[i].rtt, b->regions[i].rtt);
    }
    assert_int_equal(a->nfailures, b->nfailures);
    for (int i = 0; i < a->nfailures; i++) {
        const struct failure *fa = &a->failures[i], *fb = &b->failures[i];

        assert_int_equal(fa->at, fb->at);
        assert_int_equal(fa->duration, fb->duration);
        assert_int_equal(fa->kind, fb->kind);
        assert_string_equal(fa->component, fb->component);
        assert_string_equal(fa->peer, fb->peer);
        same_double(fa->factor, fb->factor);
    }
    assert_int_equal(a->ncomponents, b->ncomponents);
    for (int i = 0; i < a->ncomponents; i++)
        same_component(&a->components[i], &b->components[i]);
}

static void reload(const char *yaml, struct scenario *out)
{
    char err[ERRLEN] = "";

    if (scenario_load_buffer(out, "export", yaml, strlen(yaml), err,
                             sizeof err) != 0)
        fail_msg("export refused: %s\n%s", err, yaml);
}

static void test_export_import_equal(void **state)
{
    struct scenario s, back;
    char err[ERRLEN] = "";
    char *yaml;

    (void)state;
    build_everything(&s);
    build_design(&s);
    if (scenario_validate(&s, err, sizeof err) != 0)
        fail_msg("the built scenario is invalid: %s", err);
    yaml = scenario_export_string(&s);
    assert_non_null(yaml);
    reload(yaml, &back);
    same_top(&s, &back);
    same_lists(&s, &back);
    free(yaml);
    scenario_free(&s);
    scenario_free(&back);
}

static void test_export_import_export_bytes(void **state)
{
    struct scenario s, back;
    char *first, *second;

    (void)state;
    build_everything(&s);
    build_design(&s);
    first = scenario_export_string(&s);
    assert_non_null(first);
    reload(first, &back);
    second = scenario_export_string(&back);
    assert_non_null(second);
    assert_string_equal(first, second);
    free(first);
    free(second);
    scenario_free(&s);
    scenario_free(&back);
    reload(full_file, &s);
    first = scenario_export_string(&s);
    assert_non_null(first);
    reload(first, &back);
    second = scenario_export_string(&back);
    assert_string_equal(first, second);
    free(first);
    free(second);
    scenario_free(&s);
    scenario_free(&back);
}

/* Only what differs from the kind's and size's defaults is written. */
static void test_export_omits_defaults(void **state)
{
    struct scenario s;
    char *yaml;

    (void)state;
    load_ok(&s, "components:\n"
            "  - {name: a, kind: server, size: c6i.xlarge, threads: 64,\n"
            "     cpu: {write: 1500ms}, timeout: 90s}\n"
            "  - {name: b, kind: lb}\n");
    yaml = scenario_export_string(&s);
    assert_non_null(yaml);
    assert_non_null(strstr(yaml, "components:\n"
                           "  - name: \"a\"\n"
                           "    kind: server\n"
                           "    size: \"c6i.xlarge\"\n"
                           "    threads: 64\n"
                           "    cpu: {write: 1500ms}\n"
                           "    timeout: 90s\n"
                           "  - name: \"b\"\n"
                           "    kind: lb\n"));
    assert_null(strstr(yaml, "cores"));
    assert_null(strstr(yaml, "instances"));
    assert_non_null(strstr(yaml, "mix: {static: 0%, read: 80%, write: 15%, "
                           "task: 5%}\n"));
    free(yaml);
    scenario_free(&s);
}

/* Every shipped scenario survives export and import unchanged. */
static void test_shipped_scenarios_round_trip(void **state)
{
    glob_t g;

    (void)state;
    if (glob("data/scenarios/*.yaml", 0, NULL, &g) != 0) {
        skip();
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct scenario s, back;
        char err[ERRLEN] = "";
        char *first, *second;

        if (scenario_load_file(&s, g.gl_pathv[i], err, sizeof err) != 0)
            fail_msg("refused: %s", err);
        first = scenario_export_string(&s);
        assert_non_null(first);
        reload(first, &back);
        same_top(&s, &back);
        same_lists(&s, &back);
        second = scenario_export_string(&back);
        assert_non_null(second);
        assert_string_equal(first, second);
        free(first);
        free(second);
        scenario_free(&s);
        scenario_free(&back);
    }
    globfree(&g);
}

static void test_export_write_error(void **state)
{
    struct scenario s;
    FILE *full = fopen("/dev/full", "w");

    (void)state;
    if (!full) {
        skip();
        return;
    }
    build_everything(&s);
    build_design(&s);
    errno = 0;
    assert_int_equal(scenario_export(&s, full), -1);
    assert_int_equal(errno, ENOSPC);
    fclose(full);
    scenario_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_file_top_level),
        cmocka_unit_test(test_full_file_regions_and_failures),
        cmocka_unit_test(test_full_file_components),
        cmocka_unit_test(test_defaults_when_absent),
        cmocka_unit_test(test_mix_leaves_out_kinds),
        cmocka_unit_test(test_y1_names_stay_strings),
        cmocka_unit_test(test_y2_tabs),
        cmocka_unit_test(test_y3_duplicate_key),
        cmocka_unit_test(test_y6_bom),
        cmocka_unit_test(test_y7_alias_small),
        cmocka_unit_test(test_merge_keys),
        cmocka_unit_test(test_alias_errors),
        cmocka_unit_test(test_y7_billion_laughs_fast),
        cmocka_unit_test(test_merge_expansion_is_bounded),
        cmocka_unit_test(test_y4_suggestions),
        cmocka_unit_test(test_setting_of_another_kind),
        cmocka_unit_test(test_y5_out_of_range),
        cmocka_unit_test(test_not_numbers),
        cmocka_unit_test(test_seed_range),
        cmocka_unit_test(test_y8_empty),
        cmocka_unit_test(test_y9_duration_units),
        cmocka_unit_test(test_y10_mix_sum),
        cmocka_unit_test(test_y11_names_round_trip),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_s3_cycle),
        cmocka_unit_test(test_s5_ramp_from_above_to),
        cmocka_unit_test(test_wrong_node_types),
        cmocka_unit_test(test_component_requirements),
        cmocka_unit_test(test_calls_limits),
        cmocka_unit_test(test_failure_targets),
        cmocka_unit_test(test_entry_and_version),
        cmocka_unit_test(test_deep_nesting_fast),
        cmocka_unit_test(test_large_file_refused),
        cmocka_unit_test(test_two_documents),
        cmocka_unit_test(test_nul_and_encoding),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_every_duration_unit),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_fractions),
        cmocka_unit_test(test_rates_money_memory),
        cmocka_unit_test(test_size_then_overrides),
        cmocka_unit_test(test_comma_locale),
        cmocka_unit_test(test_export_import_equal),
        cmocka_unit_test(test_export_import_export_bytes),
        cmocka_unit_test(test_export_omits_defaults),
        cmocka_unit_test(test_shipped_scenarios_round_trip),
        cmocka_unit_test(test_export_write_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
