/*
 * test_manpages.c - man/archsim-scenario.5 against the code, so that a
 * setting, a name or a figure added or changed without its documentation
 * fails the build's tests.
 *
 * What the page must have, and how it is found there:
 *   - every row of scenario_fields as an item ".It Cm KEY Ar TYPE", TYPE
 *     being the word for the field's type (duration, count, ...); for the
 *     numeric ones the item's text names the range as "LO to HI" and the
 *     default as "Default X" (or "Default: the size's" for figures that
 *     come from the instance size), LO, HI and X read back by the loader
 *     as exactly the code's values;
 *   - every key of the loader's own tables in src/scenario_yaml.c (top
 *     level, users, ramp, regions, mix, network, objectives, failures,
 *     and the keys every component has) as ".It Cm KEY";
 *   - every name of a kind, policy, distribution, request kind and
 *     failure as a "Cm" word, and every error cause as an item;
 *   - every instance size with its vCPUs, memory and price in the table.
 * Run from the repository root, or set ARCHSIM_SRCDIR.
 */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reference.h"
#include "scenario.h"
#include "scenario_yaml.h"
#include "sim.h"

#define MAX_LINES 4096
#define MAX_WORDS 64

struct page {
    char *text;                     /* the file, its newlines made NULs */
    char *lines[MAX_LINES];
    int n;
};

static struct page page5;

static char *read_file(const char *rel)
{
    const char *dir = getenv("ARCHSIM_SRCDIR");
    char path[1024];
    FILE *f;
    char *buf;
    long size;

    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run from the repository root, or set "
                 "ARCHSIM_SRCDIR)", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    return buf;
}

static int load_page(void **state)
{
    char *p;

    (void)state;
    page5.text = read_file("man/archsim-scenario.5");
    page5.n = 0;
    for (p = page5.text; *p && page5.n < MAX_LINES;) {
        char *nl = strchr(p, '\n');

        page5.lines[page5.n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    return 0;
}

static int free_page(void **state)
{
    (void)state;
    free(page5.text);
    return 0;
}

/* Split line into words (in copy, which may be line itself); returns
 * how many, at most max. */
static int split(const char *line, char *copy, size_t size, char **words,
                 int max)
{
    int n = 0;

    if (copy != line)
        snprintf(copy, size, "%s", line);
    for (char *w = strtok(copy, " \t"); w && n < max;
         w = strtok(NULL, " \t"))
        words[n++] = w;
    return n;
}

static int words_of(const char *line, char *copy, size_t size,
                    char **words)
{
    return split(line, copy, size, words, MAX_WORDS);
}

/* Whether some item of the page is ".It Cm key" (then Ar type, when type
 * is not NULL); returns its line index, or -1. */
static int find_item(const char *key, const char *type)
{
    char copy[1024], *w[MAX_WORDS];

    for (int i = 0; i < page5.n; i++) {
        int n;

        if (strncmp(page5.lines[i], ".It Cm ", 7) != 0)
            continue;
        n = words_of(page5.lines[i], copy, sizeof copy, w);
        if (n < 3 || strcmp(w[2], key) != 0)
            continue;
        if (!type || (n >= 5 && strcmp(w[3], "Ar") == 0 &&
                      strcmp(w[4], type) == 0))
            return i;
    }
    return -1;
}

/* Whether word follows a Cm macro on some line of the page. */
static bool has_cm_word(const char *word)
{
    char copy[1024], *w[MAX_WORDS];

    for (int i = 0; i < page5.n; i++) {
        int n;

        if (page5.lines[i][0] != '.')
            continue;
        n = words_of(page5.lines[i], copy, sizeof copy, w);
        for (int j = 1; j < n; j++)
            if ((strcmp(w[j - 1], "Cm") == 0 ||
                 strcmp(w[j - 1], ".Cm") == 0) && strcmp(w[j], word) == 0)
                return true;
    }
    return false;
}

/* The words of an item's text: the lines after its .It up to the next
 * item or the end of the list; items written together (.It cpu.static,
 * .It cpu.read, ...) share the text after the last of them. */
static int item_words(int at, char *buf, size_t size, char **words,
                      int max)
{
    size_t used = 0;
    int i = at + 1;

    while (i < page5.n && strncmp(page5.lines[i], ".It ", 4) == 0)
        i++;
    buf[0] = '\0';
    for (; i < page5.n; i++) {
        const char *l = page5.lines[i];

        if (strncmp(l, ".It", 3) == 0 || strncmp(l, ".El", 3) == 0 ||
            strncmp(l, ".Sh", 3) == 0 || strncmp(l, ".Ss", 3) == 0)
            break;
        if (used + strlen(l) + 2 >= size)
            break;
        used += (size_t)snprintf(buf + used, size - used, "%s ", l);
    }
    return split(buf, buf, size, words, max);
}

/* A word without the punctuation of the sentence around it. */
static void bare(const char *word, char *out, size_t size)
{
    size_t len;

    while (*word == '(')
        word++;
    snprintf(out, size, "%s", word);
    len = strlen(out);
    while (len > 0 && strchr(".,;:)", out[len - 1]))
        out[--len] = '\0';
}

static const char *type_word(enum field_type t)
{
    switch (t) {
    case FT_INT:
    case FT_COUNT64:
        return "count";
    case FT_DURATION:
        return "duration";
    case FT_FRACTION:
        return "fraction";
    case FT_REAL:
        return "number";
    case FT_RATE:
        return "rate";
    case FT_BOOL:
        return "boolean";
    case FT_GIB:
        return "memory";
    case FT_MONEY_HOUR:
        return "money";
    case FT_ENUM_POLICY:
        return "policy";
    case FT_ENUM_DIST:
        return "distribution";
    case FT_SIZE_NAME:
        return "name";
    case FT_KIND_SET:
        return "list";
    }
    return "?";
}

static bool numeric(enum field_type t)
{
    return t == FT_INT || t == FT_COUNT64 || t == FT_DURATION ||
           t == FT_FRACTION || t == FT_REAL || t == FT_RATE ||
           t == FT_GIB || t == FT_MONEY_HOUR;
}

static double value_at(const struct component *c, const struct field *f)
{
    const char *p = (const char *)c + f->offset;

    switch (f->type) {
    case FT_INT: {
        int v;

        memcpy(&v, p, sizeof v);
        return v;
    }
    case FT_COUNT64:
    case FT_DURATION: {
        int64_t v;

        memcpy(&v, p, sizeof v);
        return (double)v;
    }
    default: {
        double v;

        memcpy(&v, p, sizeof v);
        return v;
    }
    }
}

/* What text means as the value of field f of a component of kind k, read
 * by the loader itself; false when the loader refuses it. */
static bool read_as(const struct field *f, enum comp_kind k,
                    const char *text, double *out)
{
    char yaml[512], err[512];
    struct scenario s;
    bool ok;

    snprintf(yaml, sizeof yaml,
             "components:\n  - name: a\n    kind: %s\n    %s: %s\n",
             kind_name(k), f->key, text);
    ok = scenario_load_buffer(&s, "page", yaml, strlen(yaml), err,
                              sizeof err) == 0;
    if (ok)
        *out = value_at(&s.components[0], f);
    scenario_free(&s);
    return ok;
}

static bool same(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

static unsigned first_kind(unsigned kinds)
{
    for (unsigned k = 0; k < KIND_COUNT; k++)
        if (kinds & KINDS(k))
            return k;
    return 0;
}

/* The item names the range as "LO to HI". */
static bool range_documented(const struct field *f, char **w, int n)
{
    enum comp_kind k = (enum comp_kind)first_kind(f->kinds);

    for (int i = 1; i + 1 < n; i++) {
        char lo[64], hi[64];
        double a, b;

        if (strcmp(w[i], "to") != 0)
            continue;
        bare(w[i - 1], lo, sizeof lo);
        bare(w[i + 1], hi, sizeof hi);
        if (read_as(f, k, lo, &a) && read_as(f, k, hi, &b) &&
            same(a, f->min) && same(b, f->max))
            return true;
    }
    return false;
}

/* The item's default sentence names kind k's default. */
static bool default_documented(const struct field *f, enum comp_kind k,
                               char **w, int n)
{
    struct scenario s;
    struct component *c;
    double want, got;
    bool found = false;
    int i = 0;

    scenario_init(&s);
    c = scenario_add(&s, k, "a");
    assert_non_null(c);
    want = value_at(c, f);
    while (i < n && strncmp(w[i], "Default", 7) != 0)
        i++;
    for (i++; i < n && !found; i++) {
        char word[64];
        size_t len = strlen(w[i]);

        bare(w[i], word, sizeof word);
        if (strcmp(word, "size's") == 0 && c->size[0])
            found = true;
        else if (read_as(f, k, word, &got) && same(got, want))
            found = true;
        if (len > 0 && (w[i][len - 1] == ';' || w[i][len - 1] == '.'))
            break;
    }
    scenario_free(&s);
    return found;
}

static void test_every_field_is_an_item(void **state)
{
    int missing = 0;

    (void)state;
    for (size_t i = 0; i < scenario_nfields; i++) {
        const struct field *f = &scenario_fields[i];

        if (find_item(f->key, type_word(f->type)) < 0) {
            print_error("archsim-scenario.5 lacks '.It Cm %s Ar %s'\n",
                        f->key, type_word(f->type));
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

static void test_ranges_and_defaults(void **state)
{
    int wrong = 0;

    (void)state;
    for (size_t i = 0; i < scenario_nfields; i++) {
        const struct field *f = &scenario_fields[i];
        int at = find_item(f->key, type_word(f->type));
        char buf[4096], *w[512];
        int n;

        if (at < 0 || !numeric(f->type))
            continue;
        n = item_words(at, buf, sizeof buf, w, 512);
        if (!range_documented(f, w, n)) {
            print_error("archsim-scenario.5: '%s' does not give its range "
                        "as 'LO to HI' (%g to %g in base units)\n", f->key,
                        f->min, f->max);
            wrong++;
        }
        n = item_words(at, buf, sizeof buf, w, 512);
        for (unsigned k = 0; k < KIND_COUNT; k++) {
            if ((f->kinds & KINDS(k)) &&
                !default_documented(f, (enum comp_kind)k, w, n)) {
                print_error("archsim-scenario.5: '%s' does not give the "
                            "default of a %s\n", f->key,
                            kind_name((enum comp_kind)k));
                wrong++;
            }
        }
    }
    assert_int_equal(wrong, 0);
}

/*
 * The loader's own keys, read from its source: the first string of each
 * row of its "struct setting" tables and of component_keys. A change of
 * that layout makes this test find too few keys, and fail.
 */
static int loader_keys(char keys[][64], int max)
{
    char *src = read_file("src/scenario_yaml.c");
    bool in_table = false;
    int n = 0;

    for (char *line = strtok(src, "\n"); line && n < max;
         line = strtok(NULL, "\n")) {
        const char *q;

        if (strstr(line, "static const struct setting") &&
            strstr(line, "[] = {"))
            in_table = true;
        else if (strstr(line, "component_keys[] = {"))
            in_table = true;
        else if (in_table && strncmp(line, "};", 2) == 0)
            in_table = false;
        if (!in_table || !(q = strchr(line, '"')))
            continue;
        while (q) {
            const char *end = strchr(q + 1, '"');

            if (!end || end - q - 1 >= 64)
                break;
            snprintf(keys[n++], 64, "%.*s", (int)(end - q - 1), q + 1);
            /* component_keys lists several a line; rows have one key */
            if (strstr(line, "ROW(") || strstr(line, "SUB(") ||
                strstr(line, "SELF(") || strstr(line, "CUSTOM(") ||
                strncmp(line + strspn(line, " "), "{\"", 2) == 0 ||
                n >= max)
                break;
            q = strchr(end + 1, '"');
        }
    }
    free(src);
    return n;
}

static void test_loader_keys_are_items(void **state)
{
    static const char *const sentinels[] = {
        "archsim", "users", "ramp", "per-decade", "regions", "rtt", "mix",
        "network", "hop", "entry", "objectives", "budget", "failures",
        "factor", "kind", "calls", "position",
    };
    char keys[256][64];
    int n = loader_keys(keys, 256), missing = 0;

    (void)state;
    for (size_t s = 0; s < sizeof sentinels / sizeof *sentinels; s++) {
        bool seen = false;

        for (int i = 0; i < n; i++)
            seen = seen || strcmp(keys[i], sentinels[s]) == 0;
        if (!seen)
            fail_msg("the loader's key '%s' was not found in "
                     "src/scenario_yaml.c: update loader_keys()",
                     sentinels[s]);
    }
    for (int i = 0; i < n; i++) {
        if (find_item(keys[i], NULL) < 0) {
            print_error("archsim-scenario.5 lacks '.It Cm %s'\n", keys[i]);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

static void test_names_are_documented(void **state)
{
    int missing = 0;

#define NEED(name)                                                        \
    do {                                                                  \
        if (!has_cm_word(name)) {                                         \
            print_error("archsim-scenario.5 never writes 'Cm %s'\n",      \
                        name);                                            \
            missing++;                                                    \
        }                                                                 \
    } while (0)

    (void)state;
    for (int k = 0; k < KIND_COUNT; k++)
        NEED(kind_name((enum comp_kind)k));
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        NEED(req_kind_name((enum req_kind)k));
    for (int p = 0; p <= LB_P2C; p++)
        NEED(policy_name((enum lb_policy)p));
    for (int d = 0; d <= DIST_LOGNORMAL; d++)
        NEED(dist_name((enum service_dist)d));
    for (int f = 0; f < FAIL_KIND_COUNT; f++)
        NEED(failure_kind_name((enum failure_kind)f));
#undef NEED
    for (int c = 0; c < ERR_CAUSE_COUNT; c++) {
        char want[64];
        bool seen = false;

        snprintf(want, sizeof want, ".It %s",
                 err_cause_name((enum err_cause)c));
        for (int i = 0; i < page5.n; i++)
            seen = seen || strcmp(page5.lines[i], want) == 0;
        if (!seen) {
            print_error("archsim-scenario.5 lacks the error cause '%s'\n",
                        want);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

static void test_sizes_table(void **state)
{
    int wrong = 0;

    (void)state;
    for (int s = 0; s < reference_nsizes; s++) {
        const struct instance_size *z = &reference_sizes[s];
        char want[80], copy[1024], *w[MAX_WORDS];
        bool ok = false;

        snprintf(want, sizeof want, ".It %s Ta ", z->name);
        for (int i = 0; i < page5.n && !ok; i++) {
            if (strncmp(page5.lines[i], want, strlen(want)) != 0)
                continue;
            /* .It NAME Ta VCPUS Ta GIB Ta USD */
            if (words_of(page5.lines[i], copy, sizeof copy, w) == 8)
                ok = atoi(w[3]) == z->vcpus &&
                     same(atof(w[5]), z->memory_gib) &&
                     same(atof(w[7]), z->usd_hour);
        }
        if (!ok) {
            print_error("archsim-scenario.5: the sizes table lacks '%s %d "
                        "%g %g'\n", z->name, z->vcpus, z->memory_gib,
                        z->usd_hour);
            wrong++;
        }
    }
    assert_int_equal(wrong, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field_is_an_item),
        cmocka_unit_test(test_ranges_and_defaults),
        cmocka_unit_test(test_loader_keys_are_items),
        cmocka_unit_test(test_names_are_documented),
        cmocka_unit_test(test_sizes_table),
    };

    return cmocka_run_group_tests(tests, load_page, free_page);
}
