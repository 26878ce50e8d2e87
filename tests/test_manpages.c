/*
 * test_manpages.c - the man pages against the code, so that a setting, a
 * name, a figure, a key or a command added or changed without its
 * documentation fails the build's tests.
 *
 * What man/archsim.1 must have, in its section THE TERMINAL INTERFACE,
 * each as a word of Ic on an item's line (".It Ic d , Delete"):
 *   - in its subsection Keys, every key of the interface's help overlay
 *     (help_lines in ui/draw.c), read from the overlay's key columns;
 *     "hjkl" stands for h, j, k and l, "arrows" for Left, Right, Up and
 *     Down, "0-9" for 0 and 9;
 *   - in its subsection The command line, every ':' command the help
 *     overlay names, and every command the command line accepts (its
 *     commands[] list and the names command_run() compares with, read
 *     from ui/command.c), as ":NAME";
 * and each ':' command that the section or the overlay names must be one
 * the command line accepts.
 *
 * What man/archsim-scenario.5 must have, and how it is found there:
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

#include "app.h"
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

static struct page page5, page1;

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

static void load_into(struct page *pg, const char *rel)
{
    char *p;

    pg->text = read_file(rel);
    pg->n = 0;
    for (p = pg->text; *p;) {
        char *nl = strchr(p, '\n');

        if (pg->n == MAX_LINES)
            fail_msg("%s has more than %d lines: raise MAX_LINES", rel,
                     MAX_LINES);
        pg->lines[pg->n++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
}

static int load_page(void **state)
{
    (void)state;
    load_into(&page5, "man/archsim-scenario.5");
    load_into(&page1, "man/archsim.1");
    return 0;
}

static int free_page(void **state)
{
    (void)state;
    free(page5.text);
    free(page1.text);
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
 * by the loader itself; false when the loader refuses it. An autoscale
 * setting is read with the widest max, which the loader requires. */
static bool read_as(const struct field *f, enum comp_kind k,
                    const char *text, double *out)
{
    char yaml[512], err[512];
    struct scenario s;
    bool ok;
    bool needs_max = strncmp(f->key, "autoscale.", 10) == 0 &&
                     strcmp(f->key, "autoscale.max") != 0;

    snprintf(yaml, sizeof yaml,
             "components:\n  - name: a\n    kind: %s\n    %s: %s\n%s",
             kind_name(k), f->key, text,
             needs_max ? "    autoscale.max: 10000\n" : "");
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

/* --- archsim.1: the terminal interface's keys and commands ----------------- */

#define MAX_NAMES 512
#define NAME_LEN 64

struct names {
    char v[MAX_NAMES][NAME_LEN];
    int n;
};

static void add_name(struct names *ns, const char *name, size_t len)
{
    if (len == 0 || len >= NAME_LEN)
        fail_msg("a name of %zu bytes: '%.*s'", len, (int)len, name);
    for (int i = 0; i < ns->n; i++)
        if (strlen(ns->v[i]) == len && strncmp(ns->v[i], name, len) == 0)
            return;
    if (ns->n == MAX_NAMES)
        fail_msg("more than %d names: raise MAX_NAMES", MAX_NAMES);
    snprintf(ns->v[ns->n++], NAME_LEN, "%.*s", (int)len, name);
}

static bool has_name(const struct names *ns, const char *name)
{
    for (int i = 0; i < ns->n; i++)
        if (strcmp(ns->v[i], name) == 0)
            return true;
    return false;
}

/* mdoc's callable macros: a word of an Ic line that is one of these ends
 * the Ic's words. */
static bool mdoc_macro(const char *w)
{
    static const char *const macros[] = {
        "Ac", "Ao", "Ap", "Aq", "Ar", "Bc", "Bo", "Bq", "Brc", "Bro",
        "Brq", "Bx", "Cm", "Dc", "Do", "Dq", "Dv", "Dx", "Ec", "Em", "En",
        "Eo", "Er", "Es", "Ev", "Fa", "Fc", "Fl", "Fn", "Fo", "Fr", "Ft",
        "Fx", "Ic", "In", "Li", "Lk", "Ms", "Mt", "Nm", "No", "Ns", "Nx",
        "Oc", "Oo", "Op", "Ox", "Pa", "Pc", "Pf", "Po", "Pq", "Qc", "Ql",
        "Qo", "Qq", "Sc", "So", "Sq", "St", "Sx", "Sy", "Ta", "Tn", "Ux",
        "Va", "Vt", "Xc", "Xo", "Xr",
    };

    for (size_t i = 0; i < sizeof macros / sizeof *macros; i++)
        if (strcmp(w, macros[i]) == 0)
            return true;
    return false;
}

/* A lone delimiter, which mdoc sets as punctuation, not as a word. */
static bool mdoc_delimiter(const char *w)
{
    return w[0] && !w[1] && strchr(".,:;()[]?!|", w[0]);
}

/* A word of the page as it reads: without \& and with \- as '-'. */
static void unescape(const char *w, char *out, size_t size)
{
    size_t n = 0;

    for (; *w && n + 1 < size; w++) {
        if (w[0] == '\\' && w[1] == '&') {
            w++;
        } else if (w[0] == '\\' && (w[1] == '-' || w[1] == 'e')) {
            out[n++] = w[1] == '-' ? '-' : '\\';
            w++;
        } else {
            out[n++] = *w;
        }
    }
    out[n] = '\0';
}

/* The words set by Ic on the macro lines of archsim.1's section called
 * section, and within it of the subsection called sub unless sub is NULL;
 * only on the items' own lines (".It Ic ...") when items is true. Fails
 * when the page has no such section or subsection. */
static void ic_words(const char *section, const char *sub, bool items,
                     struct names *out)
{
    char head[128], subhead[128], copy[1024], *w[MAX_WORDS];
    bool in = false, in_sub = sub == NULL, seen = false;

    snprintf(head, sizeof head, ".Sh %s", section);
    snprintf(subhead, sizeof subhead, ".Ss %s", sub ? sub : "");
    out->n = 0;
    for (int i = 0; i < page1.n; i++) {
        const char *l = page1.lines[i];
        bool ic;
        int n;

        if (strncmp(l, ".Sh ", 4) == 0) {
            in = strcmp(l, head) == 0;
            in_sub = sub == NULL;
            seen = seen || (in && in_sub);
            continue;
        }
        if (sub && strncmp(l, ".Ss ", 4) == 0) {
            in_sub = strcmp(l, subhead) == 0;
            seen = seen || (in && in_sub);
            continue;
        }
        if (!in || !in_sub || l[0] != '.' ||
            (items && strncmp(l, ".It ", 4) != 0))
            continue;
        n = words_of(l, copy, sizeof copy, w);
        ic = strcmp(w[0], ".Ic") == 0;
        for (int j = 1; j < n; j++) {
            char word[NAME_LEN];

            if (strcmp(w[j], "Ic") == 0) {
                ic = true;
            } else if (mdoc_macro(w[j])) {
                ic = false;
            } else if (ic && !mdoc_delimiter(w[j])) {
                unescape(w[j], word, sizeof word);
                add_name(out, word, strlen(word));
            }
        }
    }
    if (!seen)
        fail_msg("archsim.1 has no section '%s'%s%s", section,
                 sub ? " with a subsection " : "", sub ? sub : "");
}

/* Keys of more than one letter that the page must name as they are. */
static const char *const key_names[] = {
    "space", "Enter", "Return", "Esc", "Escape", "Tab", "Delete", "Del",
    "Backspace", "Insert", "Home", "End", "PgUp", "PgDn", "PageUp",
    "PageDown", "arrows",
};

static bool named_key(const char *t)
{
    for (size_t i = 0; i < sizeof key_names / sizeof *key_names; i++)
        if (strcmp(t, key_names[i]) == 0)
            return true;
    return false;
}

static bool letters_of_one_case(const char *t)
{
    bool upper = isupper((unsigned char)t[0]) != 0;

    for (; *t; t++)
        if (!isalpha((unsigned char)*t) ||
            (isupper((unsigned char)*t) != 0) != upper)
            return false;
    return true;
}

/* Whether a word of a key column names a key: one character, a key's
 * name, a modifier with a key (Ctrl-R, S-Tab, S-arrows), a range (0-9),
 * or a run of keys written together: "hjkl", "HJKL". Descriptions start
 * with a word of two or more lower-case letters, which is none of these
 * (but "hjkl", which is listed). */
static bool key_like(const char *t)
{
    size_t len = strlen(t);

    if (len == 1 || named_key(t) || strcmp(t, "hjkl") == 0)
        return true;
    if (len == 3 && t[1] == '-' && t[0] < t[2])
        return true;
    if (strncmp(t, "Ctrl-", 5) == 0 || strncmp(t, "C-", 2) == 0 ||
        strncmp(t, "S-", 2) == 0 || strncmp(t, "M-", 2) == 0 ||
        strncmp(t, "Alt-", 4) == 0 || strncmp(t, "Shift-", 6) == 0)
        return len > 2 && t[len - 1] != '-';
    if (t[0] == 'F' && len <= 3 && isdigit((unsigned char)t[1]))
        return true;
    return len >= 2 && isupper((unsigned char)t[0]) &&
           letters_of_one_case(t);
}

/*
 * The keys of the help overlay. Its paragraphs are separated by empty
 * lines; from a line whose first word is a title ("Commands:", "Boxes:")
 * to the end of its paragraph is prose, the rest is a table of keys. A row of the table is cells
 * separated by two spaces or more: keys, then what they do, then more
 * keys, and so on; a cell of keys may hold its description after one
 * space ("0-9 type a user count"). A cell where keys are due but none is
 * found fails the test: a key of a new kind must be taught to
 * key_like().
 */
static void help_keys(struct names *keys)
{
    bool table = true;

    keys->n = 0;
    for (int i = 0; i < help_nlines; i++) {
        const char *line = help_lines[i];
        size_t first = strcspn(line, " ");
        bool want_keys = true;
        const char *p = line;

        if (line[0] == '\0') {
            table = true;
            continue;
        }
        if (first > 1 && line[first - 1] == ':' &&
            isalpha((unsigned char)line[0]))
            table = false;          /* a title: prose to the empty line */
        if (!table || line[0] == ' ')
            continue;               /* prose, or a description goes on */
        while (*p) {
            const char *end = strstr(p, "  ");
            size_t cell = end ? (size_t)(end - p) : strlen(p);
            char text[256], *w[MAX_WORDS];
            int n, k = 0;

            if (cell >= sizeof text)
                fail_msg("help line %d: a cell too long: '%s'", i, line);
            snprintf(text, sizeof text, "%.*s", (int)cell, p);
            n = split(text, text, sizeof text, w, MAX_WORDS);
            if (want_keys) {
                /* keys, "/" between two of them being no key */
                for (; k < n && key_like(w[k]); k++)
                    if (strcmp(w[k], "/") != 0 || k == 0 || k + 1 == n ||
                        !key_like(w[k + 1]))
                        add_name(keys, w[k], strlen(w[k]));
                if (k == 0)
                    fail_msg("help line %d: no key where one is due in "
                             "'%s' (at '%s'): teach key_like() the new "
                             "key", i, line, text);
                want_keys = k < n;      /* its own description */
            } else {
                want_keys = true;
            }
            p += cell;
            p += strspn(p, " ");
        }
    }
}

/* The ':' commands the help overlay names anywhere: ":NAME" after a
 * space, an opening parenthesis or at the start of a line. */
static void help_commands(struct names *cmds)
{
    cmds->n = 0;
    for (int i = 0; i < help_nlines; i++) {
        const char *l = help_lines[i];

        for (const char *c = l; (c = strchr(c, ':')) != NULL; c++) {
            size_t len = 0;

            if (c > l && c[-1] != ' ' && c[-1] != '(')
                continue;
            while (islower((unsigned char)c[1 + len]) ||
                   c[1 + len] == '!' || c[1 + len] == '-')
                len++;
            if (len > 0 && islower((unsigned char)c[1]))
                add_name(cmds, c + 1, len);
        }
    }
}

/* The words a help key stands for in the page; n of them, at most 4. */
static int key_words(const char *key, char out[4][NAME_LEN])
{
    static const char *const arrows[] = {"Left", "Right", "Up", "Down"};
    size_t len = strlen(key);

    if (strcmp(key, "arrows") == 0 || strcmp(key, "S-arrows") == 0) {
        for (int i = 0; i < 4; i++)
            snprintf(out[i], NAME_LEN, "%s%s", key[0] == 'S' ? "S-" : "",
                     arrows[i]);
        return 4;
    }
    if (len == 3 && key[1] == '-' && key[0] < key[2]) {     /* 0-9 */
        snprintf(out[0], NAME_LEN, "%c", key[0]);
        snprintf(out[1], NAME_LEN, "%c", key[2]);
        return 2;
    }
    if (len >= 2 && len <= 4 && !named_key(key) && letters_of_one_case(key)) {
        for (size_t i = 0; i < len; i++)
            snprintf(out[i], NAME_LEN, "%c", key[i]);
        return (int)len;
    }
    snprintf(out[0], NAME_LEN, "%s", key);
    return 1;
}

/* Whether the page names key, itself or each of the words it stands
 * for; if not, the first word it lacks is in missing. */
static bool key_documented(const struct names *ic, const char *key,
                           char missing[NAME_LEN])
{
    char words[4][NAME_LEN];
    int n = key_words(key, words);

    if (has_name(ic, key))
        return true;
    for (int i = 0; i < n; i++) {
        if (!has_name(ic, words[i])) {
            snprintf(missing, NAME_LEN, "%s", words[i]);
            return false;
        }
    }
    return true;
}

/*
 * The command line's names, read from ui/command.c: the strings of its
 * commands[] list (what Tab completes), and every name that command_run()
 * and its helpers compare the first word with, strcmp(w[0], "NAME") or
 * strcmp(cmd, "NAME") (aliases such as "q!" and "import").
 */
static void source_commands(struct names *listed, struct names *accepted)
{
    char *src = read_file("ui/command.c");
    const char *list = strstr(src, "commands[] = {");
    const char *end = list ? strstr(list, "};") : NULL;
    static const char *const pats[] = {"strcmp(w[0], \"", "strcmp(cmd, \""};

    listed->n = accepted->n = 0;
    if (!list || !end)
        fail_msg("ui/command.c has no 'commands[] = {' ... '};': update "
                 "source_commands()");
    for (const char *q = strchr(list, '"'); q && q < end;) {
        const char *close = strchr(q + 1, '"');

        if (!close)
            break;
        add_name(listed, q + 1, (size_t)(close - q - 1));
        add_name(accepted, q + 1, (size_t)(close - q - 1));
        q = strchr(close + 1, '"');
    }
    for (size_t k = 0; k < sizeof pats / sizeof *pats; k++) {
        for (const char *q = strstr(src, pats[k]); q;
             q = strstr(q + 1, pats[k])) {
            const char *name = q + strlen(pats[k]);
            const char *close = strchr(name, '"');

            if (close)
                add_name(accepted, name, (size_t)(close - name));
        }
    }
    free(src);
}

static void test_help_keys_are_documented(void **state)
{
    static const char *const sentinels[] = {"space", "q", "?", ":", "u"};
    struct names keys, ic;
    int missing = 0;

    (void)state;
    help_keys(&keys);
    ic_words("THE TERMINAL INTERFACE", "Keys", true, &ic);
    for (size_t s = 0; s < sizeof sentinels / sizeof *sentinels; s++)
        if (!has_name(&keys, sentinels[s]))
            fail_msg("the key '%s' was not found in the help overlay: "
                     "update help_keys()", sentinels[s]);
    for (int i = 0; i < keys.n; i++) {
        char word[NAME_LEN];

        if (!key_documented(&ic, keys.v[i], word)) {
            print_error("archsim.1 lacks an item for the key '%s' (%s in "
                        "the help overlay): '.It Ic %s' in THE TERMINAL "
                        "INTERFACE, Keys\n", word, keys.v[i], word);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

static void test_commands_are_documented(void **state)
{
    static const char *const sentinels[] = {
        "add", "connect", "set", "users", "export", "open", "undo", "quit",
    };
    struct names listed, accepted, help, ic, named;
    int missing = 0;
    char want[NAME_LEN + 1];

    (void)state;
    source_commands(&listed, &accepted);
    help_commands(&help);
    ic_words("THE TERMINAL INTERFACE", "The command line", true, &ic);
    ic_words("THE TERMINAL INTERFACE", NULL, false, &named);
    for (size_t s = 0; s < sizeof sentinels / sizeof *sentinels; s++) {
        if (!has_name(&listed, sentinels[s]))
            fail_msg("the command '%s' was not found in ui/command.c's "
                     "commands[]: update source_commands()", sentinels[s]);
        if (!has_name(&help, sentinels[s]))
            fail_msg("the command ':%s' was not found in the help overlay: "
                     "update help_commands()", sentinels[s]);
    }
    for (int i = 0; i < accepted.n; i++) {
        snprintf(want, sizeof want, ":%s", accepted.v[i]);
        if (!has_name(&ic, want)) {
            print_error("archsim.1 lacks an item for the command '%s' of "
                        "ui/command.c ('.It Ic %s' in THE TERMINAL "
                        "INTERFACE, The command line)\n", want, want);
            missing++;
        }
    }
    for (int i = 0; i < help.n; i++) {
        snprintf(want, sizeof want, ":%s", help.v[i]);
        if (!has_name(&accepted, help.v[i])) {
            print_error("the help overlay names '%s', which the command "
                        "line does not accept\n", want);
            missing++;
        } else if (!has_name(&ic, want)) {
            print_error("archsim.1 lacks an item for the command '%s' of "
                        "the help overlay\n", want);
            missing++;
        }
    }
    for (int i = 0; i < named.n; i++) {
        if (named.v[i][0] == ':' && named.v[i][1] &&
            !has_name(&accepted, named.v[i] + 1)) {
            print_error("archsim.1 documents '%s', which the command line "
                        "does not accept\n", named.v[i]);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field_is_an_item),
        cmocka_unit_test(test_ranges_and_defaults),
        cmocka_unit_test(test_loader_keys_are_items),
        cmocka_unit_test(test_names_are_documented),
        cmocka_unit_test(test_sizes_table),
        cmocka_unit_test(test_help_keys_are_documented),
        cmocka_unit_test(test_commands_are_documented),
    };

    return cmocka_run_group_tests(tests, load_page, free_page);
}
