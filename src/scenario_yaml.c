/*
 * scenario_yaml.c - scenario files: YAML in, YAML out.
 *
 * The format, one YAML document (man 5 archsim-scenario is the user's
 * page; this is the reference for the code):
 *
 *   archsim: 1              format version; optional; must be 1
 *   name: stage-5-cache     a name (see Names below); default "untitled"
 *   description: text       any text
 *   seed: 7                 a whole number from 0 to 2^64-1
 *   users:
 *     model: closed         closed (the default) or open
 *     think: 10s            closed users' mean think time, 1ms to 24h
 *     rate: 0.1/s           open users' requests per second, each
 *     ramp: {from: 1, to: 1M, per-decade: 10, target: 1M}
 *                           user counts from 1 to 100M, from <= target
 *                           <= to; per-decade 1 to 100; target defaults
 *                           to the ramp's end
 *   regions:                at most 16; shares add up to 100%
 *     - {name: us-east, share: 60%, rtt: 2ms}      rtt 0 to 10s
 *   mix: {static: 0%, read: 80%, write: 15%, task: 5%}
 *                           kinds left out are 0%; the sum must be 100%
 *   network: {hop: 0.5ms}   round trip between two components, 0 to 10s
 *   entry: lb               where requests arrive; default the first
 *   objectives: {p99: 300ms, errors: 0.1%, budget: 20000/month}
 *                           p99 0 to 24h and budget 0 mean "none"
 *   components:             at most 10000
 *     - name: api           required, unique
 *       kind: server        required: server, service, lb (also
 *                           load-balancer), database (also db), cache,
 *                           queue or cdn
 *       position: [10, 4]   where the diagram shows it, 0 to 100000
 *       calls: [cache, db]  at most 16 names of components
 *       size: c6i.xlarge    any setting of scenario_fields for the kind;
 *       cpu: {read: 3ms}    a nested mapping stands for dotted keys
 *                           (cpu.read), which may also be written so
 *   failures:               at most 64
 *     - {at: 60s, component: api, fail: instance, for: 30s, factor: 3}
 *                           at and for 0 to 30 days (for 0: until the
 *                           end); component names a region for
 *                           region-latency; factor 1 to 1000, default 2
 *   x-anything: ...         top-level keys starting "x-" are ignored, a
 *                           place for the user's own anchored blocks
 *
 * A component's size is applied first, wherever it is written; explicit
 * cores, memory and price then override the size's figures.
 *
 * Values are typed here, never by YAML: quoted or not, a value is the
 * text it is written with.
 *   Names       1 to 255 bytes of UTF-8 without control characters;
 *               "no", "on" and "010" are names like any other.
 *   Numbers     decimal: [+-]digits[.digits][e[+-]digits]; "010" is ten;
 *               .nan, .inf, hexadecimal and octal forms are refused.
 *   Counts      a number with an optional k, M or G (10^3, 10^6, 10^9):
 *               5k, 1.5k, 1M, 1e6; whole where the setting counts things.
 *   Durations   a number and a unit, a space allowed between: ns, us
 *               (or µs), ms, s, m or min, h; rounded to the nanosecond.
 *   Fractions   a percentage (5%) or a number from 0 to 1 (0.05).
 *   Rates       a count per /s, /min or /h; no unit means per second.
 *   Money       an optional $, then a count; budgets per /month (or
 *               /mo), prices per /h (or /hour); the unit is optional.
 *   Memory      a number and MiB, GiB or TiB; sizes are binary, and MB,
 *               GB and TB are refused rather than guessed at.
 *   Booleans    true or false; YAML 1.1's yes, no, on, off are errors.
 * Each setting has a range (the field table's, in nanoseconds for
 * durations); a value outside it is an error naming both.
 *
 * YAML: one document; anchors, aliases and merge keys (<<: *a and
 * <<: [*a, *b]) work, with a mapping's own keys winning; tags are
 * ignored. What yaml_tree.c refuses: more than 32 levels of nesting,
 * aliases expanding to more than 100000 nodes, a key twice in one
 * mapping, NUL bytes, invalid UTF-8. Files larger than
 * SCENARIO_MAX_BYTES are refused before parsing.
 *
 * Export writes the same format: names and strings always in double
 * quotes, every number in the C locale's notation, durations in their
 * largest exact unit, and of each component only what differs from the
 * defaults of its kind and size, so that export then import gives the
 * same scenario.
 */
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "scenario_yaml.h"
#include "yaml_tree.h"

#define FAILURE_DAYS_NS (30 * 86400.0 * NS_PER_S)
#define DAY_NS          (86400.0 * NS_PER_S)
#define USERS_MAX       1e8
#define POSITION_MAX    100000
#define DEFAULT_FACTOR  2.0

/* --- Numbers --------------------------------------------------------------
 * Parsed by hand so that neither the locale nor strtod's extras (hex,
 * "inf", "nan") can change what a file means. The digits are handed to
 * strtod without a decimal point, as "digits e exponent", which every
 * locale reads the same way and strtod rounds correctly.
 */

#define DIGITS_MAX 40

struct decimal {
    char digits[DIGITS_MAX + 2];    /* an optional '-', then digits */
    size_t n;
    long exponent;                  /* power of ten applying to digits */
};

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Digits with at most one point; returns the bytes read, 0 on too many. */
static size_t scan_mantissa(const char *text, struct decimal *d)
{
    bool point = false;
    size_t i;

    for (i = 0; text[i]; i++) {
        if (text[i] == '.' && !point) {
            point = true;
            continue;
        }
        if (!is_digit(text[i]))
            break;
        if (d->n >= DIGITS_MAX)
            return 0;
        d->digits[d->n++] = text[i];
        if (point)
            d->exponent--;
    }
    return i;
}

/* "e" or "E", an optional sign and digits; returns the bytes read. */
static size_t scan_exponent(const char *text, long *exponent)
{
    size_t i = 1;
    bool negative = false;
    long e = 0;

    if (text[0] != 'e' && text[0] != 'E')
        return 0;
    if (text[i] == '+' || text[i] == '-')
        negative = text[i++] == '-';
    if (!is_digit(text[i]))
        return 0;
    for (; is_digit(text[i]); i++)
        if (e < 100000)             /* far past any double's range */
            e = e * 10 + (text[i] - '0');
    *exponent += negative ? -e : e;
    return i;
}

/* A number at the start of text; returns the bytes read, 0 if none. */
static size_t scan_decimal(const char *text, struct decimal *d)
{
    size_t i = 0, m;
    size_t first;

    memset(d, 0, sizeof *d);
    if (text[0] == '+' || text[0] == '-') {
        if (text[0] == '-')
            d->digits[d->n++] = '-';
        i++;
    }
    first = d->n;
    m = scan_mantissa(text + i, d);
    if (m == 0 || d->n == first)
        return 0;
    i += m;
    i += scan_exponent(text + i, &d->exponent);
    d->digits[d->n] = '\0';
    return i;
}

/* The value of d times 10^shift, correctly rounded; may be infinite. */
static double decimal_value(const struct decimal *d, int shift)
{
    char buf[DIGITS_MAX + 32];
    double v;

    snprintf(buf, sizeof buf, "%se%ld", d->digits, d->exponent + shift);
    v = strtod(buf, NULL);
    return v == 0 ? 0 : v;          /* no negative zero */
}

/* printf("%.*g") in the C locale, whatever LC_NUMERIC is. */
static void format_g(char *buf, size_t size, int precision, double v)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;

    snprintf(buf, size, "%.*g", precision, v);
    if (old)
        uselocale(old);
    if (c)
        freelocale(c);
    if (!old) {
        /* No C locale object: a decimal comma is the only other mark
         * that snprintf can have written for a %g. */
        for (char *p = buf; *p; p++)
            if (*p == ',')
                *p = '.';
    }
}

static bool reads_back_as(const char *text, double v)
{
    struct decimal d;
    size_t n = scan_decimal(text, &d);

    return n > 0 && text[n] == '\0' && decimal_value(&d, 0) == v;
}

static bool is_whole(double v)
{
    return v == floor(v) && fabs(v) < 1e15;
}

/* The shortest text that reads back as exactly v. */
static void format_real(char *buf, size_t size, double v)
{
    if (is_whole(v)) {
        snprintf(buf, size, "%.0f", v);
        return;
    }
    for (int precision = 1; precision <= 17; precision++) {
        format_g(buf, size, precision, v);
        if (reads_back_as(buf, v))
            return;
    }
}

/* --- Quantities with units ----------------------------------------------
 * A quantity is [$]number[spaces]unit, where the unit is a multiplier
 * (k, ms, GiB, %) and a period (/s, /month), each optional or required
 * as the quantity says.
 */

struct unit {
    const char *name;
    int pow10;                      /* shifts the number's exponent */
    double mul;                     /* then multiplies it */
    double div;                     /* and divides it */
};

struct quantity {
    const char *what;               /* "a duration" */
    const char *units_help;         /* the units, for messages */
    bool dollar;                    /* may start with '$' */
    const struct unit *mults;       /* NULL-terminated; "" = optional */
    const struct unit *periods;     /* the same for "/s"; NULL = none */
};

static const struct unit time_units[] = {
    {"ns", 0, 1, 1}, {"us", 3, 1, 1}, {"\xc2\xb5s", 3, 1, 1},
    {"\xce\xbcs", 3, 1, 1}, {"ms", 6, 1, 1}, {"s", 9, 1, 1},
    {"m", 9, 60, 1}, {"min", 9, 60, 1}, {"h", 9, 3600, 1}, {NULL, 0, 0, 0},
};
static const struct unit count_units[] = {
    {"", 0, 1, 1}, {"k", 3, 1, 1}, {"M", 6, 1, 1}, {"G", 9, 1, 1},
    {NULL, 0, 0, 0},
};
static const struct unit plain_units[] = {
    {"", 0, 1, 1}, {NULL, 0, 0, 0},
};
static const struct unit fraction_units[] = {
    {"", 0, 1, 1}, {"%", -2, 1, 1}, {NULL, 0, 0, 0},
};
static const struct unit memory_units[] = {
    {"MiB", 0, 1, 1024}, {"GiB", 0, 1, 1}, {"TiB", 0, 1024, 1},
    {NULL, 0, 0, 0},
};
static const struct unit per_second[] = {
    {"", 0, 1, 1}, {"/s", 0, 1, 1}, {"/min", 0, 1, 60}, {"/h", 0, 1, 3600},
    {NULL, 0, 0, 0},
};
static const struct unit per_month[] = {
    {"", 0, 1, 1}, {"/month", 0, 1, 1}, {"/mo", 0, 1, 1}, {NULL, 0, 0, 0},
};
static const struct unit per_hour[] = {
    {"", 0, 1, 1}, {"/h", 0, 1, 1}, {"/hour", 0, 1, 1}, {NULL, 0, 0, 0},
};

static const struct quantity q_duration = {
    "a duration", "ns, us, \xc2\xb5s, ms, s, m, min or h (e.g. 250ms)",
    false, time_units, NULL,
};
static const struct quantity q_count = {
    "a count", "an optional k, M or G (e.g. 5k, 1.5M, 1e6)",
    false, count_units, NULL,
};
static const struct quantity q_real = {
    "a number", "no unit (e.g. 0.9)", false, plain_units, NULL,
};
static const struct quantity q_fraction = {
    "a fraction", "% or none (e.g. 5% or 0.05)", false, fraction_units,
    NULL,
};
static const struct quantity q_memory = {
    "a memory size", "MiB, GiB or TiB (e.g. 16GiB)", false, memory_units,
    NULL,
};
static const struct quantity q_rate = {
    "a rate", "an optional k, M or G, then /s, /min, /h or none "
    "(e.g. 5k/s)", false, count_units, per_second,
};
static const struct quantity q_budget = {
    "an amount of money", "an optional $ and k, M or G, then /month or none "
    "(e.g. $20k/month)", true, count_units, per_month,
};
static const struct quantity q_price = {
    "a price", "an optional $, then /h or none (e.g. 0.085/h)", true,
    plain_units, per_hour,
};

static const struct unit *find_unit(const struct unit *units,
                                    const char *name, size_t len)
{
    for (; units && units->name; units++)
        if (strlen(units->name) == len &&
            memcmp(units->name, name, len) == 0)
            return units;
    return NULL;
}

static void say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Split what follows the number into its multiplier and its period. */
static int read_units(const struct quantity *q, const char *text,
                      const char *rest, const struct unit **mult,
                      const struct unit **per, char *err, size_t errlen)
{
    const char *slash = q->periods ? strchr(rest, '/') : NULL;
    size_t mlen = slash ? (size_t)(slash - rest) : strlen(rest);
    char shown[64], unit[32];

    ytree_quote(text, shown, sizeof shown);
    ytree_quote(rest, unit, sizeof unit);
    *mult = find_unit(q->mults, rest, mlen);
    *per = find_unit(q->periods, slash ? slash : "", slash ? strlen(slash)
                                                           : 0);
    if (*mult && (*per || !q->periods))
        return 0;
    if (*rest == '\0')
        say(err, errlen, "'%s' has no unit; %s needs one: %s", shown,
            q->what, q->units_help);
    else
        say(err, errlen, "'%s' is not %s: unknown unit '%s'; use %s", shown,
            q->what, unit, q->units_help);
    return -1;
}

/*
 * Read text as quantity q; *v is in base units (ns, GiB, per second,
 * USD) and may be infinite when the number is too large for a double.
 */
static int parse_quantity(const struct quantity *q, const char *text,
                          double *v, char *err, size_t errlen)
{
    const char *p = text + (q->dollar && *text == '$');
    const struct unit *mult, *per;
    struct decimal d;
    size_t n = scan_decimal(p, &d);
    char shown[64];

    if (n == 0) {
        ytree_quote(text, shown, sizeof shown);
        say(err, errlen, "'%s' is not %s; write a number with %s", shown,
            q->what, q->units_help);
        return -1;
    }
    p += n;
    while (*p == ' ')
        p++;
    if (read_units(q, text, p, &mult, &per, err, errlen) < 0)
        return -1;
    *v = decimal_value(&d, mult->pow10 + (per ? per->pow10 : 0));
    *v = *v * mult->mul * (per ? per->mul : 1);
    *v = *v / (mult->div * (per ? per->div : 1));
    return 0;
}

int parse_duration(const char *text, sim_ns *out, char *err, size_t errlen)
{
    char shown[64];
    double ns;

    if (parse_quantity(&q_duration, text, &ns, err, errlen) < 0)
        return -1;
    ytree_quote(text, shown, sizeof shown);
    if (ns < 0) {
        say(err, errlen, "'%s' is negative; a duration is 0 or more",
            shown);
        return -1;
    }
    if (ns >= 9e18) {               /* just under INT64_MAX nanoseconds */
        say(err, errlen, "'%s' is too long; a duration is at most about "
            "285 years", shown);
        return -1;
    }
    *out = llround(ns);
    return 0;
}

int parse_count(const char *text, double *out, char *err, size_t errlen)
{
    char shown[64];
    double v;

    if (parse_quantity(&q_count, text, &v, err, errlen) < 0)
        return -1;
    if (!isfinite(v)) {
        ytree_quote(text, shown, sizeof shown);
        say(err, errlen, "'%s' is too large a count", shown);
        return -1;
    }
    *out = v;
    return 0;
}

int parse_fraction(const char *text, double *out, char *err, size_t errlen)
{
    char shown[64];
    double v;

    if (parse_quantity(&q_fraction, text, &v, err, errlen) < 0)
        return -1;
    ytree_quote(text, shown, sizeof shown);
    if (v < 0 || v > 1) {
        say(err, errlen, "'%s' is not a fraction: write a percentage from "
            "0%% to 100%% (e.g. 5%%) or a number from 0 to 1", shown);
        return -1;
    }
    *out = v;
    return 0;
}

/* --- Formatting quantities, for export and for messages ---------------- */

static void format_duration(char *buf, size_t size, sim_ns ns)
{
    static const struct {
        const char *name;
        int64_t ns;
    } units[] = {
        {"h", 3600 * NS_PER_S}, {"min", 60 * NS_PER_S}, {"s", NS_PER_S},
        {"ms", NS_PER_MS}, {"us", NS_PER_US}, {"ns", 1},
    };

    if (ns == 0) {
        snprintf(buf, size, "0s");
        return;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (ns % units[i].ns == 0) {
            snprintf(buf, size, "%" PRId64 "%s", ns / units[i].ns,
                     units[i].name);
            return;
        }
    }
}

static void format_count(char *buf, size_t size, double v)
{
    static const struct {
        const char *name;
        double scale;
    } units[] = {{"G", 1e9}, {"M", 1e6}, {"k", 1e3}};

    /* Suffixes only where they save many zeros: 10000, but 200k. */
    for (size_t i = 0; is_whole(v) && fabs(v) >= 1e5 && i < 3; i++) {
        if (fabs(v) >= units[i].scale && fmod(v, units[i].scale) == 0) {
            snprintf(buf, size, "%.0f%s", v / units[i].scale,
                     units[i].name);
            return;
        }
    }
    format_real(buf, size, v);
}

static bool fraction_reads_back(const char *text, double v)
{
    double back;

    return parse_fraction(text, &back, NULL, 0) == 0 && back == v;
}

/* As a percentage when one reads back exactly, else as a number. */
static void format_fraction(char *buf, size_t size, double v)
{
    char pct[40];

    if (is_whole(v * 100)) {
        snprintf(buf, size, "%.0f%%", v * 100);
        if (fraction_reads_back(buf, v))
            return;
    }
    for (int precision = 1; precision <= 17; precision++) {
        format_g(pct, sizeof pct, precision, v * 100);
        snprintf(buf, size, "%s%%", pct);
        if (fraction_reads_back(buf, v))
            return;
    }
    format_real(buf, size, v);
}

/* In the largest binary unit that holds v as a whole number. */
static void format_memory(char *buf, size_t size, double gib)
{
    char num[40];

    if (is_whole(gib / 1024) && gib >= 1024)
        snprintf(buf, size, "%.0fTiB", gib / 1024);
    else if (is_whole(gib))
        snprintf(buf, size, "%.0fGiB", gib);
    else if (is_whole(gib * 1024))
        snprintf(buf, size, "%.0fMiB", gib * 1024);
    else {
        format_real(num, sizeof num, gib);
        snprintf(buf, size, "%sGiB", num);
    }
}

static void format_with_unit(char *buf, size_t size, double v,
                             const char *unit)
{
    char num[40];

    format_real(num, sizeof num, v);
    snprintf(buf, size, "%s%s", num, unit);
}

/* --- Settings: what each key means and where its value goes ------------- */

enum vtype {
    /* Numbers, with units as in the table above. */
    V_INT, V_COUNT64, V_USERS, V_DURATION, V_FRACTION, V_REAL, V_RATE,
    V_GIB, V_PRICE_HOUR, V_BUDGET,
    /* Words. */
    V_BOOL, V_POLICY, V_DIST, V_MODEL, V_FAILURE, V_SIZE, V_NAME, V_TEXT,
    V_SEED, V_VERSION, V_KIND_SET,
    /* A nested mapping with its own table, or a loader of its own. */
    V_TABLE, V_CUSTOM,
};

struct loader;

struct setting {
    const char *key;
    enum vtype type;
    size_t offset;                  /* into the table's struct */
    double min, max;                /* range, in base units */
    const struct table *sub;        /* V_TABLE */
    int (*load)(struct loader *ld, const struct ynode *value);
};

struct table {
    const char *where;              /* "in users", for messages */
    const struct setting *rows;
    size_t n;
    bool extensions;                /* "x-" keys are the user's own */
};

struct loader {
    struct scenario *s;
    char *err;
    size_t errlen;
    bool bare;                      /* messages without file:line:column */
    unsigned char seen[128];        /* fields set in this component */
    const struct ynode *failure_names[MAX_FAILURES];
    const struct ynode *failure_peers[MAX_FAILURES];
};

static int load_regions(struct loader *ld, const struct ynode *v);
static int load_mix(struct loader *ld, const struct ynode *v);
static int load_components(struct loader *ld, const struct ynode *v);
static int load_failures(struct loader *ld, const struct ynode *v);

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define ROW(key, type, st, member, lo, hi) \
    {key, type, offsetof(st, member), lo, hi, NULL, NULL}
#define SUB(key, st, member, table) \
    {key, V_TABLE, offsetof(st, member), 0, 0, &table, NULL}
#define SELF(key, table) {key, V_TABLE, 0, 0, 0, &table, NULL}
#define CUSTOM(key, fn) {key, V_CUSTOM, 0, 0, 0, NULL, fn}
#define TABLE(where, rows, ext) {where, rows, COUNT(rows), ext}

static const struct setting ramp_rows[] = {
    ROW("from", V_USERS, struct ramp, from, 1, USERS_MAX),
    ROW("to", V_USERS, struct ramp, to, 1, USERS_MAX),
    ROW("per-decade", V_INT, struct ramp, per_decade, 1, 100),
    ROW("target", V_USERS, struct ramp, target, 1, USERS_MAX),
};
static const struct table ramp_table = TABLE("in ramp", ramp_rows, false);

static const struct setting users_rows[] = {
    ROW("model", V_MODEL, struct scenario, user_model, 0, 0),
    ROW("think", V_DURATION, struct scenario, think, NS_PER_MS, DAY_NS),
    ROW("rate", V_RATE, struct scenario, rate, 1e-6, 1e6),
    SUB("ramp", struct scenario, ramp, ramp_table),
};
static const struct table users_table = TABLE("in users", users_rows, false);

static const struct setting region_rows[] = {
    ROW("name", V_NAME, struct region, name, 0, 0),
    ROW("share", V_FRACTION, struct region, share, 0, 1),
    ROW("rtt", V_DURATION, struct region, rtt, 0, 10.0 * NS_PER_S),
};
static const struct table region_table =
    TABLE("in a region", region_rows, false);

static const struct setting mix_rows[] = {
    ROW("static", V_FRACTION, struct scenario, mix[REQ_STATIC], 0, 1),
    ROW("read", V_FRACTION, struct scenario, mix[REQ_READ], 0, 1),
    ROW("write", V_FRACTION, struct scenario, mix[REQ_WRITE], 0, 1),
    ROW("task", V_FRACTION, struct scenario, mix[REQ_TASK], 0, 1),
};
static const struct table mix_table = TABLE("in mix", mix_rows, false);

static const struct setting network_rows[] = {
    ROW("hop", V_DURATION, struct scenario, hop, 0, 10.0 * NS_PER_S),
};
static const struct table network_table =
    TABLE("in network", network_rows, false);

static const struct setting objective_rows[] = {
    ROW("p99", V_DURATION, struct objectives, p99, 0, DAY_NS),
    ROW("errors", V_FRACTION, struct objectives, errors, 0, 1),
    ROW("budget", V_BUDGET, struct objectives, budget, 0, 1e12),
};
static const struct table objectives_table =
    TABLE("in objectives", objective_rows, false);

static const struct setting failure_rows[] = {
    ROW("at", V_DURATION, struct failure, at, 0, FAILURE_DAYS_NS),
    ROW("component", V_NAME, struct failure, component, 0, 0),
    ROW("peer", V_NAME, struct failure, peer, 0, 0),
    ROW("fail", V_FAILURE, struct failure, kind, 0, 0),
    ROW("for", V_DURATION, struct failure, duration, 0, FAILURE_DAYS_NS),
    ROW("factor", V_REAL, struct failure, factor, 1, 1000),
};
static const struct table failure_table =
    TABLE("in a failure", failure_rows, false);

static const struct setting top_rows[] = {
    {"archsim", V_VERSION, 0, 0, 0, NULL, NULL},
    ROW("name", V_NAME, struct scenario, name, 0, 0),
    ROW("description", V_TEXT, struct scenario, description, 0, 0),
    ROW("seed", V_SEED, struct scenario, seed, 0, 0),
    SELF("users", users_table),
    CUSTOM("regions", load_regions),
    CUSTOM("mix", load_mix),
    SELF("network", network_table),
    ROW("entry", V_NAME, struct scenario, entry_name, 0, 0),
    SUB("objectives", struct scenario, objectives, objectives_table),
    CUSTOM("components", load_components),
    CUSTOM("failures", load_failures),
};
static const struct table top_table = TABLE("", top_rows, true);

/* Component names and calls use the same rules as any name. */
static const struct setting name_row = {"name", V_NAME, 0, 0, 0, NULL, NULL};

static enum vtype vtype_of(enum field_type type)
{
    switch (type) {
    case FT_INT:
        return V_INT;
    case FT_COUNT64:
        return V_COUNT64;
    case FT_DURATION:
        return V_DURATION;
    case FT_FRACTION:
        return V_FRACTION;
    case FT_REAL:
        return V_REAL;
    case FT_RATE:
        return V_RATE;
    case FT_BOOL:
        return V_BOOL;
    case FT_GIB:
        return V_GIB;
    case FT_MONEY_HOUR:
        return V_PRICE_HOUR;
    case FT_ENUM_POLICY:
        return V_POLICY;
    case FT_ENUM_DIST:
        return V_DIST;
    case FT_SIZE_NAME:
        return V_SIZE;
    case FT_KIND_SET:
        return V_KIND_SET;
    }
    return V_REAL;
}

static struct setting setting_of(const struct field *f)
{
    struct setting row = {f->key, vtype_of(f->type), f->offset, f->min,
                          f->max, NULL, NULL};

    return row;
}

/* --- Values in memory, by type ------------------------------------------ */

static void put_number(void *p, enum vtype type, double v)
{
    switch (type) {
    case V_INT:
        *(int *)p = (int)v;
        break;
    case V_COUNT64:
        *(int64_t *)p = (int64_t)v;
        break;
    case V_DURATION:
        *(sim_ns *)p = llround(v);
        break;
    default:
        *(double *)p = v;
        break;
    }
}

static double get_number(const void *p, enum vtype type)
{
    switch (type) {
    case V_INT:
        return *(const int *)p;
    case V_COUNT64:
        return (double)*(const int64_t *)p;
    case V_DURATION:
        return (double)*(const sim_ns *)p;
    default:
        return *(const double *)p;
    }
}

static void put_enum(void *p, enum vtype type, int v)
{
    switch (type) {
    case V_POLICY:
        *(enum lb_policy *)p = (enum lb_policy)v;
        break;
    case V_DIST:
        *(enum service_dist *)p = (enum service_dist)v;
        break;
    case V_MODEL:
        *(enum user_model *)p = (enum user_model)v;
        break;
    default:
        *(enum failure_kind *)p = (enum failure_kind)v;
        break;
    }
}

static int get_enum(const void *p, enum vtype type)
{
    switch (type) {
    case V_POLICY:
        return (int)*(const enum lb_policy *)p;
    case V_DIST:
        return (int)*(const enum service_dist *)p;
    case V_MODEL:
        return (int)*(const enum user_model *)p;
    default:
        return (int)*(const enum failure_kind *)p;
    }
}

/* Bytes of the member a setting of this type stores into. */
static size_t member_size(enum vtype type)
{
    switch (type) {
    case V_INT:
        return sizeof(int);
    case V_COUNT64:
        return sizeof(int64_t);
    case V_DURATION:
        return sizeof(sim_ns);
    case V_BOOL:
        return sizeof(bool);
    case V_POLICY:
        return sizeof(enum lb_policy);
    case V_DIST:
        return sizeof(enum service_dist);
    case V_KIND_SET:
        return sizeof(unsigned);
    default:
        return sizeof(double);
    }
}

static void format_value(char *buf, size_t size, enum vtype type, double v)
{
    switch (type) {
    case V_DURATION:
        format_duration(buf, size, llround(v));
        break;
    case V_FRACTION:
        format_fraction(buf, size, v);
        break;
    case V_RATE:
        format_with_unit(buf, size, v, "/s");
        break;
    case V_GIB:
        format_memory(buf, size, v);
        break;
    case V_PRICE_HOUR:
        format_with_unit(buf, size, v, "/h");
        break;
    case V_BUDGET:
        format_with_unit(buf, size, v, "/month");
        break;
    case V_REAL:
        format_real(buf, size, v);
        break;
    default:
        format_count(buf, size, v);
        break;
    }
}

/* --- Names of enums ------------------------------------------------------ */

struct enum_names {
    int count;
    const char *(*name)(int i);
    int (*from_name)(const char *name);
};

static const char *const model_names[] = {"closed", "open"};

static const char *policy_at(int i) { return policy_name((enum lb_policy)i); }
static const char *dist_at(int i) { return dist_name((enum service_dist)i); }
static const char *model_at(int i) { return model_names[i]; }
static const char *kind_at(int i) { return kind_name((enum comp_kind)i); }

static const char *failure_at(int i)
{
    return failure_kind_name((enum failure_kind)i);
}

static int model_from_name(const char *name)
{
    for (int i = 0; i < (int)COUNT(model_names); i++)
        if (strcmp(model_names[i], name) == 0)
            return i;
    return -1;
}

static const struct enum_names policies = {4, policy_at, policy_from_name};
static const struct enum_names dists = {3, dist_at, dist_from_name};
static const struct enum_names models = {2, model_at, model_from_name};
static const struct enum_names kinds = {KIND_COUNT, kind_at,
                                        kind_from_name};
static const struct enum_names failure_kinds = {FAIL_KIND_COUNT, failure_at,
                                                failure_kind_from_name};

static const struct enum_names *enum_of(enum vtype type)
{
    switch (type) {
    case V_POLICY:
        return &policies;
    case V_DIST:
        return &dists;
    case V_MODEL:
        return &models;
    default:
        return &failure_kinds;
    }
}

/* "a, b, c or d" */
static void list_names(const struct enum_names *e, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int i = 0; i < e->count && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 < e->count ? ", " : " or ";

        used += (size_t)snprintf(buf + used, size - used, "%s%s", sep,
                                 e->name(i));
    }
}

/* "server, service and database": the kinds in a mask of KINDS() bits. */
static void list_kinds(unsigned mask, char *buf, size_t size)
{
    int total = 0, done = 0;
    size_t used = 0;

    for (int k = 0; k < KIND_COUNT; k++)
        total += (mask & KINDS(k)) != 0;
    buf[0] = '\0';
    for (int k = 0; k < KIND_COUNT && used < size; k++) {
        if (!(mask & KINDS(k)))
            continue;
        used += (size_t)snprintf(buf + used, size - used, "%s%s",
                                 done == 0 ? "" : done + 1 < total ? ", "
                                                                   : " and ",
                                 kind_name((enum comp_kind)k));
        done++;
    }
}

static const char *article(enum comp_kind kind)
{
    return kind == KIND_LB ? "an" : "a";
}

/* --- Errors -------------------------------------------------------------- */

static int vfail(struct loader *ld, int line, int column, const char *fmt,
                 va_list ap)
{
    char msg[1024];

    vsnprintf(msg, sizeof msg, fmt, ap);
    if (ld->bare)
        say(ld->err, ld->errlen, "%s", msg);
    else
        say(ld->err, ld->errlen, "%s:%d:%d: %s", ld->s->source, line,
            column, msg);
    return -1;
}

static int fail_pos(struct loader *ld, int line, int column,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_pos(struct loader *ld, int line, int column,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(ld, line, column, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail(struct loader *ld, const struct ynode *at, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));

static int fail(struct loader *ld, const struct ynode *at, const char *fmt,
                ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(ld, at ? at->line : 1, at ? at->column : 1, fmt, ap);
    va_end(ap);
    return -1;
}

static struct src_pos pos_of(const struct ynode *node)
{
    return (struct src_pos){node->line, node->column};
}

static int expect(struct loader *ld, const struct ynode *node,
                  enum ynode_type type, const char *what)
{
    if (node->type == type)
        return 0;
    return fail(ld, node, "%s: expected %s, found %s", what,
                ynode_type_name(type), ynode_type_name(node->type));
}

/* --- Suggestions ----------------------------------------------------------
 * Edit distance where swapping two neighbours counts as one edit, so that
 * "instnaces" is one edit from "instances".
 */

#define KEY_MAX 64

static size_t edit_distance(const char *a, size_t na, const char *b,
                            size_t nb)
{
    size_t d[3][KEY_MAX + 1];

    if (na > KEY_MAX || nb > KEY_MAX)
        return SIZE_MAX;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t *cur = d[i % 3], *prev = d[(i - 1) % 3];

        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[(i - 2) % 3][j - 2] + 1 < best)
                best = d[(i - 2) % 3][j - 2] + 1;
            cur[j] = best;
        }
    }
    return d[na % 3][nb];
}

struct suggestion {
    const char *text;
    size_t len;
    size_t distance;
};

static void consider(struct suggestion *best, const char *word,
                     const char *candidate, size_t len)
{
    size_t d = edit_distance(word, strlen(word), candidate, len);

    if (!best->text || d < best->distance) {
        best->text = candidate;
        best->len = len;
        best->distance = d;
    }
}

/* Close enough to be worth suggesting: a few edits for a long word. */
static bool close_enough(const struct suggestion *best, const char *word)
{
    size_t len = strlen(word);

    return best->text && best->distance <= 1 + len / 4 &&
           best->distance < len;
}

static int unknown_key(struct loader *ld, const struct ynode *at,
                       const char *key, const char *where,
                       const struct suggestion *best)
{
    char shown[80];

    ytree_quote(key, shown, sizeof shown);
    if (close_enough(best, key))
        return fail(ld, at, "unknown key '%s'%s%s; did you mean '%.*s'?",
                    shown, where[0] ? " " : "", where, (int)best->len,
                    best->text);
    return fail(ld, at, "unknown key '%s'%s%s", shown, where[0] ? " " : "",
                where);
}

static int unknown_in_table(struct loader *ld, const struct table *t,
                            const struct ynode *key)
{
    struct suggestion best = {0};

    for (size_t i = 0; i < t->n; i++)
        consider(&best, key->text, t->rows[i].key, strlen(t->rows[i].key));
    return unknown_key(ld, key, key->text, t->where, &best);
}

/* --- Storing one value --------------------------------------------------- */

static const struct quantity *quantity_of(enum vtype type)
{
    switch (type) {
    case V_DURATION:
        return &q_duration;
    case V_REAL:
        return &q_real;
    case V_RATE:
        return &q_rate;
    case V_GIB:
        return &q_memory;
    case V_PRICE_HOUR:
        return &q_price;
    case V_BUDGET:
        return &q_budget;
    default:
        return &q_count;
    }
}

static bool counts_things(enum vtype type)
{
    return type == V_INT || type == V_COUNT64 || type == V_USERS;
}

static int store_number(struct loader *ld, const struct setting *row,
                        const char *key, const struct ynode *v, void *p)
{
    char msg[512], lo[40], hi[40], shown[64];
    double x;
    int rc;

    format_value(lo, sizeof lo, row->type, row->min);
    format_value(hi, sizeof hi, row->type, row->max);
    if (row->type == V_FRACTION)
        rc = parse_fraction(v->text, &x, msg, sizeof msg);
    else
        rc = parse_quantity(quantity_of(row->type), v->text, &x, msg,
                            sizeof msg);
    if (rc < 0)
        return fail(ld, v, "%s: %s; allowed %s to %s", key, msg, lo, hi);
    ytree_quote(v->text, shown, sizeof shown);
    if (!(x >= row->min && x <= row->max))
        return fail(ld, v, "%s: %s is out of range (%s to %s)", key, shown,
                    lo, hi);
    if (counts_things(row->type) && x != floor(x))
        return fail(ld, v, "%s: %s is not a whole number", key, shown);
    put_number(p, row->type, x);
    return 0;
}

static int store_bool(struct loader *ld, const char *key,
                      const struct ynode *v, bool *p)
{
    char shown[64];

    if (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0) {
        *p = v->text[0] == 't';
        return 0;
    }
    ytree_quote(v->text, shown, sizeof shown);
    return fail(ld, v, "%s: '%s' is not true or false", key, shown);
}

static int store_enum(struct loader *ld, const struct setting *row,
                      const char *key, const struct ynode *v, void *p)
{
    const struct enum_names *e = enum_of(row->type);
    int i = e->from_name(v->text);
    char shown[64], names[256];

    if (i >= 0) {
        put_enum(p, row->type, i);
        return 0;
    }
    ytree_quote(v->text, shown, sizeof shown);
    list_names(e, names, sizeof names);
    return fail(ld, v, "%s: unknown value '%s'; use %s", key, shown, names);
}

/* Length of the UTF-8 character at p and its code point, 0 if invalid. */
static int utf8_decode(const unsigned char *p, uint32_t *cp)
{
    int n;
    uint32_t least;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2, *cp = p[0] & 0x1f, least = 0x80;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3, *cp = p[0] & 0x0f, least = 0x800;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4, *cp = p[0] & 0x07, least = 0x10000;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)  /* also stops at the terminator */
            return 0;
        *cp = *cp << 6 | (p[i] & 0x3f);
    }
    if (*cp < least || *cp > 0x10ffff || (*cp >= 0xd800 && *cp < 0xe000))
        return 0;
    return n;
}

static bool is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

const char *scenario_name_problem(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t len = strlen(text);

    if (len == 0)
        return "is empty";
    if (len >= NAME_BYTES)
        return "is longer than 255 bytes";
    while (*p) {
        uint32_t cp;
        int n = utf8_decode(p, &cp);

        if (n == 0)
            return "is not valid UTF-8";
        if (is_control(cp))
            return "contains a control character";
        p += n;
    }
    return NULL;
}

static int store_name(struct loader *ld, const char *key,
                      const struct ynode *v, char *dst)
{
    const char *why = scenario_name_problem(v->text);
    char shown[64];

    if (!why) {
        memcpy(dst, v->text, strlen(v->text) + 1);
        return 0;
    }
    ytree_quote(v->text, shown, sizeof shown);
    return fail(ld, v, "%s: '%s' %s; a name is 1 to 255 bytes of UTF-8 "
                "without control characters", key, shown, why);
}

static int store_text(struct loader *ld, const struct ynode *v, char **dst)
{
    char *copy = strdup(v->text);

    if (!copy)
        return fail(ld, v, "out of memory");
    free(*dst);
    *dst = copy;
    return 0;
}

static bool parse_u64(const char *text, uint64_t *out)
{
    uint64_t v = 0;

    if (!*text)
        return false;
    for (; *text; text++) {
        unsigned digit = (unsigned)(*text - '0');

        if (!is_digit(*text) || v > (UINT64_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

static int store_seed(struct loader *ld, const char *key,
                      const struct ynode *v, uint64_t *dst)
{
    char shown[64];

    if (parse_u64(v->text, dst))
        return 0;
    ytree_quote(v->text, shown, sizeof shown);
    return fail(ld, v, "%s: '%s' is not a whole number from 0 to %" PRIu64,
                key, shown, UINT64_MAX);
}

static int check_version(struct loader *ld, const struct ynode *v)
{
    char shown[64];

    if (strcmp(v->text, "1") == 0)
        return 0;
    ytree_quote(v->text, shown, sizeof shown);
    return fail(ld, v, "archsim: format version '%s' is not one this "
                "program reads; it reads version 1", shown);
}

static int req_kind_from_name(const char *name)
{
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        if (strcmp(req_kind_name((enum req_kind)k), name) == 0)
            return k;
    return -1;
}

static int add_req_kind(struct loader *ld, const char *key,
                        const struct ynode *v, unsigned *set)
{
    int k = v->type == YNODE_SCALAR ? req_kind_from_name(v->text) : -1;
    char shown[64];

    if (k < 0) {
        ytree_quote(v->type == YNODE_SCALAR ? v->text : "", shown,
                    sizeof shown);
        return fail(ld, v, "%s: '%s' is not a request kind; use static, "
                    "read, write or task", key, shown);
    }
    if (*set & (1u << k))
        return fail(ld, v, "%s: '%s' is already listed", key, v->text);
    *set |= 1u << k;
    return 0;
}

/* A list of request kinds, or "all". */
static int store_kind_set(struct loader *ld, const char *key,
                          const struct ynode *v, unsigned *dst)
{
    unsigned set = 0;

    if (v->type == YNODE_SCALAR && strcmp(v->text, "all") == 0) {
        *dst = ALL_REQ_KINDS;
        return 0;
    }
    if (v->type != YNODE_SEQ || v->n == 0)
        return fail(ld, v, "%s: expected a list of request kinds, such as "
                    "[read, write], or all", key);
    for (size_t i = 0; i < v->n; i++)
        if (add_req_kind(ld, key, v->items[i], &set) < 0)
            return -1;
    *dst = set;
    return 0;
}

/* The three known sizes nearest to name, "a, b or c". */
static void nearest_sizes(const char *name, char *buf, size_t size)
{
    struct suggestion best[3] = {{0}};

    for (int i = 0; i < reference_nsizes; i++) {
        struct suggestion s = {0};

        consider(&s, name, reference_sizes[i].name,
                 strlen(reference_sizes[i].name));
        for (int j = 0; j < 3; j++) {
            if (!best[j].text || s.distance < best[j].distance) {
                struct suggestion out = best[j];

                best[j] = s;
                s = out;
            }
        }
    }
    snprintf(buf, size, "%s%s%s%s%s", best[0].text ? best[0].text : "",
             best[1].text ? ", " : "", best[1].text ? best[1].text : "",
             best[2].text ? " or " : "", best[2].text ? best[2].text : "");
}

/* Set the size and its figures; cores, memory and price may follow. */
static int store_size(struct loader *ld, const char *key,
                      const struct ynode *v, struct component *c)
{
    char shown[64], near[256];

    if (strlen(v->text) < sizeof c->size && reference_size(v->text)) {
        memcpy(c->size, v->text, strlen(v->text) + 1);
        return component_apply_size(c);
    }
    ytree_quote(v->text, shown, sizeof shown);
    nearest_sizes(v->text, near, sizeof near);
    return fail(ld, v, "%s: unknown instance size '%s'; the nearest known "
                "are %s (all are in data/reference/instances.tsv)", key,
                shown, near);
}

static int load_table(struct loader *ld, const struct table *t, void *base,
                      const char *what, const struct ynode *map);

static int store(struct loader *ld, const struct setting *row, void *base,
                 const char *key, const struct ynode *v)
{
    void *p = (char *)base + row->offset;

    if (row->type == V_TABLE)
        return load_table(ld, row->sub, p, key, v);
    if (row->type == V_CUSTOM)
        return row->load(ld, v);
    if (row->type == V_KIND_SET)
        return store_kind_set(ld, key, v, p);
    if (expect(ld, v, YNODE_SCALAR, key) < 0)
        return -1;
    switch (row->type) {
    case V_BOOL:
        return store_bool(ld, key, v, p);
    case V_POLICY:
    case V_DIST:
    case V_MODEL:
    case V_FAILURE:
        return store_enum(ld, row, key, v, p);
    case V_SIZE:
        return store_size(ld, key, v, base);
    case V_NAME:
        return store_name(ld, key, v, p);
    case V_TEXT:
        return store_text(ld, v, p);
    case V_SEED:
        return store_seed(ld, key, v, p);
    case V_VERSION:
        return check_version(ld, v);
    default:
        return store_number(ld, row, key, v, p);
    }
}

static const struct setting *find_row(const struct table *t,
                                      const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].key, key) == 0)
            return &t->rows[i];
    return NULL;
}

static int load_table(struct loader *ld, const struct table *t, void *base,
                      const char *what, const struct ynode *map)
{
    if (expect(ld, map, YNODE_MAP, what) < 0)
        return -1;
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *k = map->items[2 * i];
        const struct setting *row = find_row(t, k->text);

        if (!row && t->extensions && strncmp(k->text, "x-", 2) == 0)
            continue;
        if (!row)
            return unknown_in_table(ld, t, k);
        if (store(ld, row, base, k->text, map->items[2 * i + 1]) < 0)
            return -1;
    }
    return 0;
}

/* --- Components ---------------------------------------------------------- */

/* The kinds that have a setting called key, as a mask. */
static unsigned kinds_with(const char *key)
{
    size_t len = strlen(key);
    unsigned mask = 0;

    /* A setting, or a group of them ("retry" for retry.max...). */
    for (size_t i = 0; i < scenario_nfields; i++) {
        const char *k = scenario_fields[i].key;

        if (strcmp(k, key) == 0 || (strncmp(k, key, len) == 0 &&
                                    k[len] == '.'))
            mask |= scenario_fields[i].kinds;
    }
    return mask;
}

/* Whether key is the group of dotted settings such as "cpu" for kind. */
static bool is_group(const char *key, enum comp_kind kind)
{
    size_t len = strlen(key);

    for (size_t i = 0; i < scenario_nfields; i++) {
        const struct field *f = &scenario_fields[i];

        if ((f->kinds & KINDS(kind)) && strncmp(f->key, key, len) == 0 &&
            f->key[len] == '.')
            return true;
    }
    return false;
}

static const char *const component_keys[] = {
    "name", "kind", "position", "calls",
};

/* A key that is not a setting of this kind: another kind's, or a typo. */
static int not_a_setting(struct loader *ld, const struct component *c,
                         const struct ynode *at, const char *key)
{
    unsigned mask = kinds_with(key);
    struct suggestion best = {0};
    char where[64], owners[128];

    if (mask) {
        list_kinds(mask, owners, sizeof owners);
        return fail(ld, at, "'%s' does not apply to %s %s (only to %s)", key,
                    article(c->kind), kind_name(c->kind), owners);
    }
    for (size_t i = 0; i < COUNT(component_keys); i++)
        consider(&best, key, component_keys[i], strlen(component_keys[i]));
    for (size_t i = 0; i < scenario_nfields; i++) {
        const char *k = scenario_fields[i].key;
        const char *dot = strchr(k, '.');

        /* A dotted setting is suggested whole for a dotted key, and by
         * its group ("cpu") for a plain one. */
        if (scenario_fields[i].kinds & KINDS(c->kind))
            consider(&best, key, k, dot && !strchr(key, '.')
                                        ? (size_t)(dot - k) : strlen(k));
    }
    snprintf(where, sizeof where, "for %s %s", article(c->kind),
             kind_name(c->kind));
    return unknown_key(ld, at, key, where, &best);
}

static int store_setting(struct loader *ld, struct component *c,
                         const struct ynode *k, const char *key,
                         const struct ynode *v)
{
    const struct field *f = field_find(key, c->kind);
    struct setting row;
    size_t index;

    if (!f)
        return not_a_setting(ld, c, k, key);
    /* "cpu: {read: 1ms}" and "cpu.read: 2ms" in one component name the
     * same setting twice, as a duplicate key would. */
    index = (size_t)(f - scenario_fields);
    if (index < sizeof ld->seen && ld->seen[index])
        return fail(ld, k, "'%s' is set twice in component '%s'", key,
                    c->name);
    if (index < sizeof ld->seen)
        ld->seen[index] = 1;
    row = setting_of(f);
    return store(ld, &row, c, key, v);
}

/* "cpu: {read: 3ms}" holds the settings cpu.read and so on. */
static int load_group(struct loader *ld, struct component *c,
                      const struct ynode *k, const struct ynode *map)
{
    char key[2 * KEY_MAX];

    if (expect(ld, map, YNODE_MAP, k->text) < 0)
        return -1;
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *sub = map->items[2 * i];

        snprintf(key, sizeof key, "%s.%s", k->text, sub->text);
        if (store_setting(ld, c, sub, key, map->items[2 * i + 1]) < 0)
            return -1;
    }
    return 0;
}

static int load_position(struct loader *ld, struct component *c,
                         const struct ynode *v)
{
    static const struct setting x = ROW("position", V_INT, struct component,
                                        x, 0, POSITION_MAX);
    static const struct setting y = ROW("position", V_INT, struct component,
                                        y, 0, POSITION_MAX);

    if (v->type != YNODE_SEQ || v->n != 2)
        return fail(ld, v, "position: expected a list of two numbers, "
                    "[x, y]");
    if (store(ld, &x, c, "position", v->items[0]) < 0 ||
        store(ld, &y, c, "position", v->items[1]) < 0)
        return -1;
    c->placed = true;
    return 0;
}

static int add_call(struct loader *ld, struct component *c,
                    const struct ynode *v)
{
    char shown[64];

    if (c->ncalls == MAX_CALLS)
        return fail(ld, v, "calls: more than %d calls", MAX_CALLS);
    if (store(ld, &name_row, c->call_names[c->ncalls], "calls", v) < 0)
        return -1;
    for (int i = 0; i < c->ncalls; i++) {
        if (strcmp(c->call_names[i], v->text) == 0) {
            ytree_quote(v->text, shown, sizeof shown);
            return fail(ld, v, "calls: '%s' is already listed", shown);
        }
    }
    c->call_pos[c->ncalls++] = pos_of(v);
    return 0;
}

static int load_calls(struct loader *ld, struct component *c,
                      const struct ynode *v)
{
    if (expect(ld, v, YNODE_SEQ, "calls") < 0)
        return -1;
    for (size_t i = 0; i < v->n; i++)
        if (add_call(ld, c, v->items[i]) < 0)
            return -1;
    return 0;
}

static int load_component_key(struct loader *ld, struct component *c,
                              const struct ynode *k, const struct ynode *v)
{
    if (strcmp(k->text, "position") == 0)
        return load_position(ld, c, v);
    if (strcmp(k->text, "calls") == 0)
        return load_calls(ld, c, v);
    if (is_group(k->text, c->kind))
        return load_group(ld, c, k, v);
    return store_setting(ld, c, k, k->text, v);
}

static int read_kind(struct loader *ld, const struct ynode *map,
                     const char *name)
{
    const struct ynode *v = ynode_get(map, "kind");
    char names[128], shown[64];
    int kind;

    list_names(&kinds, names, sizeof names);
    ytree_quote(name, shown, sizeof shown);
    if (!v)
        return fail(ld, map, "component '%s' needs a 'kind': %s", shown,
                    names);
    if (expect(ld, v, YNODE_SCALAR, "kind") < 0)
        return -1;
    kind = kind_from_name(v->text);
    if (kind >= 0)
        return kind;
    ytree_quote(v->text, shown, sizeof shown);
    return fail(ld, v, "kind: unknown kind '%s'; use %s", shown, names);
}

static int check_unique(struct loader *ld, const struct ynode *v,
                        const char *name)
{
    int dup = scenario_find(ld->s, name);
    char shown[64];

    if (dup < 0)
        return 0;
    ytree_quote(name, shown, sizeof shown);
    return fail(ld, v, "name: a component called '%s' is already at line %d",
                shown, ld->s->components[dup].pos.line);
}

/* Name and kind first: the kind decides which settings there are. */
static int add_component(struct loader *ld, const struct ynode *map,
                         struct component **out)
{
    const struct ynode *v = ynode_get(map, "name");
    char name[NAME_BYTES];
    int kind;

    if (!v)
        return fail(ld, map, "a component needs a 'name'");
    if (store(ld, &name_row, name, "name", v) < 0)
        return -1;
    kind = read_kind(ld, map, name);
    if (kind < 0 || check_unique(ld, v, name) < 0)
        return -1;
    *out = scenario_add(ld->s, (enum comp_kind)kind, name);
    if (!*out && ld->s->ncomponents >= MAX_COMPONENTS)
        return fail(ld, map, "more than %d components", MAX_COMPONENTS);
    if (!*out)
        return fail(ld, map, "out of memory");
    (*out)->pos = pos_of(map);
    return 0;
}

/* The first key of map that sets autoscaling ("autoscale" or
 * "autoscale.min", say); NULL when there is none. */
static const struct ynode *autoscale_key(const struct ynode *map)
{
    for (size_t i = 0; i < map->n; i++) {
        const char *key = map->items[2 * i]->text;

        if (strcmp(key, "autoscale") == 0 ||
            strncmp(key, "autoscale.", 10) == 0)
            return map->items[2 * i];
    }
    return NULL;
}

/* Where autoscale setting sub was written, either way; else at. */
static const struct ynode *autoscale_value(const struct ynode *map,
                                           const char *sub,
                                           const struct ynode *at)
{
    const struct ynode *group = ynode_get(map, "autoscale");
    const struct ynode *v = group ? ynode_get(group, sub) : NULL;
    char dotted[32];

    snprintf(dotted, sizeof dotted, "autoscale.%s", sub);
    if (!v)
        v = ynode_get(map, dotted);
    return v ? v : at;
}

/* Autoscaling is turned on by its max, so settings without one would be
 * ignored in silence; a min above the max leaves no count to keep. */
static int check_autoscale(struct loader *ld, const struct component *c,
                           const struct ynode *map)
{
    const struct field *max = field_find("autoscale.max", c->kind);
    const struct ynode *at = autoscale_key(map);
    size_t index;

    if (!max || !at)
        return 0;
    index = (size_t)(max - scenario_fields);
    if (index < sizeof ld->seen && !ld->seen[index])
        return fail(ld, at, "autoscale: 'max' is needed: it turns "
                    "autoscaling on and bounds the %s",
                    c->kind == KIND_QUEUE ? "workers" : "instances");
    if (c->autoscale.max > 0 && c->autoscale.min > c->autoscale.max)
        return fail(ld, autoscale_value(map, "min", at), "autoscale: min "
                    "(%d) is above max (%d)", c->autoscale.min,
                    c->autoscale.max);
    return 0;
}

static int load_component(struct loader *ld, const struct ynode *map)
{
    const struct ynode *size;
    struct component *c;
    bool sized;

    if (expect(ld, map, YNODE_MAP, "components") < 0)
        return -1;
    if (add_component(ld, map, &c) < 0)
        return -1;
    memset(ld->seen, 0, sizeof ld->seen);
    size = ynode_get(map, "size");
    sized = size && field_find("size", c->kind);
    if (sized && store_setting(ld, c, size, "size", size) < 0)
        return -1;
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *k = map->items[2 * i];

        if (strcmp(k->text, "name") == 0 || strcmp(k->text, "kind") == 0 ||
            (sized && strcmp(k->text, "size") == 0))
            continue;
        if (load_component_key(ld, c, k, map->items[2 * i + 1]) < 0)
            return -1;
    }
    return check_autoscale(ld, c, map);
}

static int load_components(struct loader *ld, const struct ynode *v)
{
    if (expect(ld, v, YNODE_SEQ, "components") < 0)
        return -1;
    for (size_t i = 0; i < v->n; i++)
        if (load_component(ld, v->items[i]) < 0)
            return -1;
    return 0;
}

/* --- Regions, mix and failures ------------------------------------------- */

static int require_keys(struct loader *ld, const struct ynode *map,
                        const char *what, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ynode_get(map, keys[i]))
            return fail(ld, map, "%s needs '%s'", what, keys[i]);
    return 0;
}

static int load_region(struct loader *ld, const struct ynode *item)
{
    static const char *const needed[] = {"name", "share"};
    struct scenario *s = ld->s;
    struct region *r;
    char shown[64];

    if (s->nregions == MAX_REGIONS)
        return fail(ld, item, "regions: more than %d regions", MAX_REGIONS);
    if (expect(ld, item, YNODE_MAP, "regions") < 0 ||
        require_keys(ld, item, "a region", needed, COUNT(needed)) < 0)
        return -1;
    r = &s->regions[s->nregions];
    memset(r, 0, sizeof *r);
    if (load_table(ld, &region_table, r, "regions", item) < 0)
        return -1;
    r->pos = pos_of(item);
    for (int i = 0; i < s->nregions; i++) {
        if (strcmp(s->regions[i].name, r->name) == 0) {
            ytree_quote(r->name, shown, sizeof shown);
            return fail(ld, ynode_get(item, "name"), "name: a region called "
                        "'%s' is already at line %d", shown,
                        s->regions[i].pos.line);
        }
    }
    s->nregions++;
    return 0;
}

static int load_regions(struct loader *ld, const struct ynode *v)
{
    if (expect(ld, v, YNODE_SEQ, "regions") < 0)
        return -1;
    for (size_t i = 0; i < v->n; i++)
        if (load_region(ld, v->items[i]) < 0)
            return -1;
    return 0;
}

/* A mix lists the kinds it has; the kinds it leaves out are 0%. */
static int load_mix(struct loader *ld, const struct ynode *v)
{
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        ld->s->mix[k] = 0;
    return load_table(ld, &mix_table, ld->s, "mix", v);
}

/* The keys a failure of kind must have beside at and fail: a spike
 * strikes the users, a partition two components. */
static int require_failure_keys(struct loader *ld, const struct ynode *item,
                                const struct failure *f)
{
    static const char *const one[] = {"component"};
    static const char *const two[] = {"component", "peer"};

    if (f->kind == FAIL_SPIKE)
        return 0;
    if (f->kind == FAIL_PARTITION)
        return require_keys(ld, item, "a partition", two, COUNT(two));
    return require_keys(ld, item, "a failure", one, COUNT(one));
}

static int load_failure(struct loader *ld, const struct ynode *item)
{
    static const char *const needed[] = {"at", "fail"};
    struct scenario *s = ld->s;
    struct failure *f;

    if (s->nfailures == MAX_FAILURES)
        return fail(ld, item, "failures: more than %d failures",
                    MAX_FAILURES);
    if (expect(ld, item, YNODE_MAP, "failures") < 0 ||
        require_keys(ld, item, "a failure", needed, COUNT(needed)) < 0)
        return -1;
    f = &s->failures[s->nfailures];
    memset(f, 0, sizeof *f);
    f->factor = DEFAULT_FACTOR;
    if (load_table(ld, &failure_table, f, "failures", item) < 0 ||
        require_failure_keys(ld, item, f) < 0)
        return -1;
    f->pos = pos_of(item);
    ld->failure_names[s->nfailures] = ynode_get(item, "component");
    ld->failure_peers[s->nfailures++] = ynode_get(item, "peer");
    return 0;
}

static int load_failures(struct loader *ld, const struct ynode *v)
{
    if (expect(ld, v, YNODE_SEQ, "failures") < 0)
        return -1;
    for (size_t i = 0; i < v->n; i++)
        if (load_failure(ld, v->items[i]) < 0)
            return -1;
    return 0;
}

/* --- Checks that need the whole file ------------------------------------
 * scenario_validate() checks the design again afterwards; these run
 * first because only the loader knows where the values were written.
 */

static bool has_region(const struct scenario *s, const char *name)
{
    for (int i = 0; i < s->nregions; i++)
        if (strcmp(s->regions[i].name, name) == 0)
            return true;
    return false;
}

/* The failure can strike its component's kind: "workers" a queue, not
 * a server. */
static int check_fits(struct loader *ld, int i)
{
    const struct failure *f = &ld->s->failures[i];
    const struct component *c =
        &ld->s->components[scenario_find(ld->s, f->component)];
    char allowed[256] = "", shown[64];

    if (failure_applies(f->kind, c->kind))
        return 0;
    for (int k = 0; k < KIND_COUNT; k++)
        if (failure_applies(f->kind, (enum comp_kind)k))
            snprintf(allowed + strlen(allowed),
                     sizeof allowed - strlen(allowed), "%s%s",
                     allowed[0] ? " or " : "", kind_name((enum comp_kind)k));
    ytree_quote(f->component, shown, sizeof shown);
    return fail(ld, ld->failure_names[i], "component: '%s' is %s %s; fail: "
                "%s strikes only a %s", shown, article(c->kind),
                kind_name(c->kind), failure_kind_name(f->kind), allowed);
}

/* A partition's peer: a component, not the one it is cut off from. */
static int check_peer(struct loader *ld, int i)
{
    const struct failure *f = &ld->s->failures[i];
    const struct ynode *at = ld->failure_peers[i];
    char shown[64];

    if (!at)
        return 0;
    ytree_quote(f->peer, shown, sizeof shown);
    if (f->kind != FAIL_PARTITION)
        return fail(ld, at, "peer: only a partition has a peer");
    if (scenario_find(ld->s, f->peer) < 0)
        return fail(ld, at, "peer: no component is called '%s'", shown);
    if (strcmp(f->peer, f->component) == 0)
        return fail(ld, at, "peer: '%s' cannot be cut off from itself",
                    shown);
    return 0;
}

static int check_failure_targets(struct loader *ld)
{
    const struct scenario *s = ld->s;
    char shown[64];

    for (int i = 0; i < s->nfailures; i++) {
        const struct failure *f = &s->failures[i];
        bool region = f->kind == FAIL_REGION_LATENCY;

        if (check_peer(ld, i) < 0)
            return -1;
        if (f->kind == FAIL_SPIKE) {
            if (!ld->failure_names[i])
                continue;
            return fail(ld, ld->failure_names[i], "component: a spike "
                        "strikes the users, not a component; leave it out");
        }
        if (region ? has_region(s, f->component)
                   : scenario_find(s, f->component) >= 0) {
            if (!region && check_fits(ld, i) < 0)
                return -1;
            continue;
        }
        ytree_quote(f->component, shown, sizeof shown);
        return fail(ld, ld->failure_names[i], "component: no %s is called "
                    "'%s'", region ? "region" : "component", shown);
    }
    return 0;
}

static int check_entry(struct loader *ld, const struct ynode *root)
{
    const struct ynode *v = ynode_get(root, "entry");
    char shown[64];

    if (!v || scenario_find(ld->s, ld->s->entry_name) >= 0)
        return 0;
    ytree_quote(ld->s->entry_name, shown, sizeof shown);
    return fail(ld, v, "entry: no component is called '%s'", shown);
}

/* A share for a message: rounded, since the sum of shares rarely is. */
static void format_share(char *buf, size_t size, double v)
{
    char num[40];

    format_g(num, sizeof num, 6, v * 100);
    snprintf(buf, size, "%s%%", num);
}

static int check_mix(struct loader *ld, const struct ynode *root)
{
    const struct ynode *v = ynode_get(root, "mix");
    const double *m = ld->s->mix;
    char pct[REQ_KIND_COUNT + 1][48];
    double sum = 0;

    for (int k = 0; k < REQ_KIND_COUNT; k++) {
        sum += m[k];
        format_share(pct[k], sizeof pct[k], m[k]);
    }
    if (!v || fabs(sum - 1) <= 1e-6)
        return 0;
    format_share(pct[REQ_KIND_COUNT], sizeof pct[0], sum);
    return fail(ld, v, "mix: the shares static %s, read %s, write %s and "
                "task %s add up to %s, not 100%%", pct[0], pct[1], pct[2],
                pct[3], pct[REQ_KIND_COUNT]);
}

static int check_ramp(struct loader *ld, const struct ynode *root)
{
    const struct ynode *users = ynode_get(root, "users");
    const struct ynode *v = users ? ynode_get(users, "ramp") : NULL;
    const struct ramp *r = &ld->s->ramp;
    char from[40], to[40], target[40];

    format_count(from, sizeof from, r->from);
    format_count(to, sizeof to, r->to);
    format_count(target, sizeof target, r->target);
    if (r->from > r->to)
        return fail(ld, v, "ramp: from (%s users) is larger than to (%s "
                    "users)", from, to);
    if (r->target != 0 && (r->target < r->from || r->target > r->to))
        return fail(ld, v, "ramp: target (%s users) is not between from "
                    "(%s) and to (%s)", target, from, to);
    return 0;
}

static int check_loaded(struct loader *ld, const struct ynode *root)
{
    if (check_failure_targets(ld) < 0 || check_entry(ld, root) < 0 ||
        check_mix(ld, root) < 0 || check_ramp(ld, root) < 0)
        return -1;
    return 0;
}

/* --- Loading ------------------------------------------------------------- */

static int load_root(struct loader *ld, const struct ynode *root)
{
    if (!root || (root->type == YNODE_SCALAR && root->plain &&
                  root->text[0] == '\0'))
        return fail_pos(ld, 1, 1, "empty scenario");
    if (root->type != YNODE_MAP)
        return fail(ld, root, "expected a mapping of scenario settings "
                    "(name: ..., components: ...), found %s",
                    ynode_type_name(root->type));
    if (load_table(ld, &top_table, ld->s, "scenario", root) < 0)
        return -1;
    return check_loaded(ld, root);
}

/* A loader for s, reporting into err (or into scratch when the caller
 * wants no message), and s fresh, named after its source. */
static void begin_load(struct loader *ld, struct scenario *s,
                       const char *name, char *err, size_t errlen,
                       char *scratch, size_t scratch_len)
{
    memset(ld, 0, sizeof *ld);
    ld->s = s;
    ld->err = err && errlen > 0 ? err : scratch;
    ld->errlen = err && errlen > 0 ? errlen : scratch_len;
    scenario_init(s);
    snprintf(s->source, sizeof s->source, "%s", name ? name : "scenario");
}

int scenario_load_buffer(struct scenario *s, const char *name,
                         const char *data, size_t len,
                         char *err, size_t errlen)
{
    char scratch[1024];
    struct loader ld;
    struct ytree tree;
    struct yerror yerr;
    int rc;

    begin_load(&ld, s, name, err, errlen, scratch, sizeof scratch);
    if (len > SCENARIO_MAX_BYTES)
        return fail_pos(&ld, 1, 1, "the file is larger than %d MiB, the "
                        "most a scenario may be", SCENARIO_MAX_BYTES >> 20);
    rc = ytree_parse(&tree, data, len, &yerr);
    if (rc < 0)
        fail_pos(&ld, yerr.line, yerr.column, "%s", yerr.message);
    else
        rc = load_root(&ld, tree.root);
    ytree_free(&tree);
    if (rc == 0)
        rc = scenario_validate(s, ld.err, ld.errlen);
    return rc;
}

int scenario_load_node(struct scenario *s, const char *name,
                       const struct ynode *root, char *err, size_t errlen)
{
    char scratch[1024];
    struct loader ld;
    int rc;

    begin_load(&ld, s, name, err, errlen, scratch, sizeof scratch);
    rc = load_root(&ld, root);
    if (rc == 0)
        rc = scenario_validate(s, ld.err, ld.errlen);
    return rc;
}

/* Read all of f, but no more than one byte past the size limit. */
static int read_all(FILE *f, char **data, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);

    while (buf && !feof(f) && !ferror(f)) {
        if (n == cap) {
            char *grown;

            if (cap > SCENARIO_MAX_BYTES)
                break;
            cap = cap * 2 > SCENARIO_MAX_BYTES ? SCENARIO_MAX_BYTES + 1
                                               : cap * 2;
            grown = realloc(buf, cap);
            if (!grown)
                break;
            buf = grown;
        }
        n += fread(buf + n, 1, cap - n, f);
    }
    if (!buf || ferror(f) || (n == cap && cap <= SCENARIO_MAX_BYTES)) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

int scenario_load_file(struct scenario *s, const char *path,
                       char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t len = 0;
    int rc;

    scenario_init(s);
    snprintf(s->source, sizeof s->source, "%s", path);
    if (!f) {
        say(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    rc = read_all(f, &data, &len);
    if (rc < 0)
        say(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    fclose(f);
    if (rc == 0)
        rc = scenario_load_buffer(s, path, data, len, err, errlen);
    free(data);
    return rc;
}

/* --- Export ---------------------------------------------------------------
 * Written by hand rather than with libyaml's emitter, so that the layout
 * is stable for diffs and every number is in the notation the loader
 * reads.
 */

/*
 * Characters that would not read back as themselves inside double
 * quotes: C0 and C1 controls and DEL; the line and paragraph separators,
 * which libyaml folds like line breaks; U+FFFE and U+FFFF, which its
 * reader refuses.
 */
static bool needs_escape(uint32_t cp)
{
    return is_control(cp) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0xfffe || cp == 0xffff;
}

static void write_escape(FILE *out, uint32_t cp)
{
    if (cp == '\n')
        fputs("\\n", out);
    else if (cp == '\t')
        fputs("\\t", out);
    else if (cp < 0x100)
        fprintf(out, "\\x%02X", (unsigned)cp);
    else
        fprintf(out, "\\u%04X", (unsigned)cp);
}

static void write_quoted(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    putc('"', out);
    while (*p) {
        uint32_t cp;
        int n = utf8_decode(p, &cp);

        if (n == 0) {               /* not UTF-8: cannot be kept as is */
            fputs("\\uFFFD", out);
            p++;
            continue;
        }
        if (cp == '"' || cp == '\\')
            fprintf(out, "\\%c", (char)cp);
        else if (needs_escape(cp))
            write_escape(out, cp);
        else
            fwrite(p, 1, (size_t)n, out);
        p += n;
    }
    putc('"', out);
}

static void write_flow(FILE *out, const struct table *t, const void *base);

static void write_kind_set(FILE *out, unsigned set)
{
    const char *sep = "";

    if (set == ALL_REQ_KINDS) {
        fputs("all", out);
        return;
    }
    putc('[', out);
    for (int k = 0; k < REQ_KIND_COUNT; k++) {
        if (set & (1u << k)) {
            fprintf(out, "%s%s", sep, req_kind_name((enum req_kind)k));
            sep = ", ";
        }
    }
    putc(']', out);
}

static void write_value(FILE *out, const struct setting *row,
                        const void *base)
{
    const void *p = (const char *)base + row->offset;
    char buf[64];

    switch (row->type) {
    case V_NAME:
    case V_SIZE:
        write_quoted(out, p);
        break;
    case V_TEXT:
        write_quoted(out, *(char *const *)p);
        break;
    case V_BOOL:
        fputs(*(const bool *)p ? "true" : "false", out);
        break;
    case V_POLICY:
    case V_DIST:
    case V_MODEL:
    case V_FAILURE:
        fputs(enum_of(row->type)->name(get_enum(p, row->type)), out);
        break;
    case V_SEED:
        fprintf(out, "%" PRIu64, *(const uint64_t *)p);
        break;
    case V_VERSION:
        fputs("1", out);
        break;
    case V_KIND_SET:
        write_kind_set(out, *(const unsigned *)p);
        break;
    case V_TABLE:
        write_flow(out, row->sub, p);
        break;
    case V_CUSTOM:
        break;
    default:
        format_value(buf, sizeof buf, row->type, get_number(p, row->type));
        fputs(buf, out);
        break;
    }
}

/* A ramp's target of 0 means its end, which the file says by omission. */
static bool is_unset(const struct setting *row, const void *base)
{
    const void *p = (const char *)base + row->offset;

    if (row->type == V_NAME)
        return *(const char *)p == '\0';   /* a spike's component, a peer */
    return row->type == V_USERS && get_number(p, row->type) == 0;
}

/* {key: value, key: value} */
static void write_flow(FILE *out, const struct table *t, const void *base)
{
    const char *sep = "";

    putc('{', out);
    for (size_t i = 0; i < t->n; i++) {
        if (is_unset(&t->rows[i], base))
            continue;
        fprintf(out, "%s%s: ", sep, t->rows[i].key);
        write_value(out, &t->rows[i], base);
        sep = ", ";
    }
    putc('}', out);
}

static const char *entry_to_write(const struct scenario *s)
{
    if (s->entry_name[0])
        return s->entry_name;
    if (s->entry > 0 && s->entry < s->ncomponents)
        return s->components[s->entry].name;
    return NULL;
}

static void write_head(FILE *out, const struct scenario *s)
{
    fputs("archsim: 1\nname: ", out);
    write_quoted(out, s->name);
    if (s->description) {
        fputs("\ndescription: ", out);
        write_quoted(out, s->description);
    }
    fprintf(out, "\nseed: %" PRIu64 "\nusers:\n", s->seed);
    for (size_t i = 0; i < users_table.n; i++) {
        fprintf(out, "  %s: ", users_rows[i].key);
        write_value(out, &users_rows[i], s);
        putc('\n', out);
    }
}

static void write_list(FILE *out, const char *key, const struct table *t,
                       const void *items, size_t size, int n)
{
    if (n == 0)
        return;
    fprintf(out, "%s:\n", key);
    for (int i = 0; i < n; i++) {
        fputs("  - ", out);
        write_flow(out, t, (const char *)items + (size_t)i * size);
        putc('\n', out);
    }
}

static void write_design(FILE *out, const struct scenario *s)
{
    const char *entry = entry_to_write(s);

    write_list(out, "regions", &region_table, s->regions,
               sizeof s->regions[0], s->nregions);
    fputs("mix: ", out);
    write_flow(out, &mix_table, s);
    fputs("\nnetwork: ", out);
    write_flow(out, &network_table, s);
    if (entry) {
        fputs("\nentry: ", out);
        write_quoted(out, entry);
    }
    fputs("\nobjectives: ", out);
    write_flow(out, &objectives_table, &s->objectives);
    putc('\n', out);
}

/*
 * The defaults to omit: those of c's kind, with the cores, memory and
 * price of c's size, but the kind's own size name, so that a size other
 * than the default is written.
 */
static void baseline(const struct component *c, struct component *base)
{
    char kind_size[sizeof base->size];

    memset(base, 0, sizeof *base);
    component_defaults(base, c->kind);
    if (strcmp(base->size, c->size) != 0) {
        memcpy(kind_size, base->size, sizeof kind_size);
        memcpy(base->size, c->size, sizeof base->size);
        component_apply_size(base);
        memcpy(base->size, kind_size, sizeof base->size);
    }
}

static bool differs(const struct field *f, const struct component *c,
                    const struct component *base)
{
    enum vtype type = vtype_of(f->type);
    const char *a = (const char *)c + f->offset;
    const char *b = (const char *)base + f->offset;

    if (!(f->kinds & KINDS(c->kind)))
        return false;
    if (type == V_SIZE)
        return strcmp(a, b) != 0;
    return memcmp(a, b, member_size(type)) != 0;
}

static size_t group_len(const char *key)
{
    const char *dot = strchr(key, '.');

    return dot ? (size_t)(dot - key) : 0;
}

static bool same_group(const char *a, const char *b)
{
    size_t len = group_len(a);

    return len > 0 && len == group_len(b) && memcmp(a, b, len) == 0;
}

/* "    cpu: {read: 3ms, write: 5ms}" for the group starting at field i. */
static void write_group(FILE *out, const struct component *c,
                        const struct component *base, size_t i)
{
    const char *key = scenario_fields[i].key;
    const char *sep = "";
    size_t len = group_len(key);

    for (size_t j = 0; j < i; j++)
        if (same_group(key, scenario_fields[j].key) &&
            differs(&scenario_fields[j], c, base))
            return;                 /* written with an earlier member */
    fprintf(out, "    %.*s: {", (int)len, key);
    for (size_t j = i; j < scenario_nfields; j++) {
        const struct field *f = &scenario_fields[j];
        struct setting row = setting_of(f);

        if (!same_group(key, f->key) || !differs(f, c, base))
            continue;
        fprintf(out, "%s%s: ", sep, f->key + len + 1);
        write_value(out, &row, c);
        sep = ", ";
    }
    fputs("}\n", out);
}

static void write_settings(FILE *out, const struct component *c)
{
    struct component base;

    baseline(c, &base);
    for (size_t i = 0; i < scenario_nfields; i++) {
        const struct field *f = &scenario_fields[i];
        struct setting row = setting_of(f);

        if (!differs(f, c, &base))
            continue;
        if (group_len(f->key) > 0) {
            write_group(out, c, &base, i);
            continue;
        }
        fprintf(out, "    %s: ", f->key);
        write_value(out, &row, c);
        putc('\n', out);
    }
}

static void write_component(FILE *out, const struct component *c)
{
    fputs("  - name: ", out);
    write_quoted(out, c->name);
    fprintf(out, "\n    kind: %s\n", kind_name(c->kind));
    if (c->placed)
        fprintf(out, "    position: [%d, %d]\n", c->x, c->y);
    if (c->ncalls > 0) {
        fputs("    calls: [", out);
        for (int i = 0; i < c->ncalls; i++) {
            fputs(i > 0 ? ", " : "", out);
            write_quoted(out, c->call_names[i]);
        }
        fputs("]\n", out);
    }
    write_settings(out, c);
}

int scenario_export(const struct scenario *s, FILE *out)
{
    write_head(out, s);
    write_design(out, s);
    fputs(s->ncomponents > 0 ? "components:\n" : "components: []\n", out);
    for (int i = 0; i < s->ncomponents; i++)
        write_component(out, &s->components[i]);
    write_list(out, "failures", &failure_table, s->failures,
               sizeof s->failures[0], s->nfailures);
    if (fflush(out) != 0 || ferror(out))
        return -1;
    return 0;
}

char *scenario_export_string(const struct scenario *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    int rc;

    if (!out)
        return NULL;
    rc = scenario_export(s, out);
    if (fclose(out) != 0)
        rc = -1;
    if (rc < 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* --- One setting at a time, for forms and commands -------------------------
 * The value is read as YAML (so a list such as [read, write] works) and
 * stored by the loader's own code: the same rules and the same messages
 * as in a file, without a position.
 */

int scenario_set_field(struct component *c, const char *key,
                       const char *value, char *err, size_t errlen)
{
    struct scenario owner;
    struct loader ld = {.s = &owner, .err = err, .errlen = errlen,
                        .bare = true};
    struct component edited = *c;
    struct ytree tree;
    struct yerror yerr;
    int rc;

    owner.source[0] = '\0';
    rc = ytree_parse(&tree, value, strlen(value), &yerr);
    if (rc < 0)
        say(err, errlen, "'%s' is not a value: %s", value, yerr.message);
    else if (!tree.root)
        rc = fail(&ld, NULL, "%s needs a value", key);
    else
        rc = store_setting(&ld, &edited, tree.root, key, tree.root);
    ytree_free(&tree);
    if (rc == 0)
        *c = edited;
    return rc;
}

int scenario_format_field(const struct component *c, const struct field *f,
                          char *buf, size_t len)
{
    struct setting row = setting_of(f);
    char *text = NULL;
    size_t size = 0;
    FILE *out;

    if (row.type == V_SIZE) {
        snprintf(buf, len, "%s", c->size);
        return 0;
    }
    out = open_memstream(&text, &size);
    if (!out)
        return -1;
    write_value(out, &row, c);
    if (fclose(out) != 0) {
        free(text);
        return -1;
    }
    snprintf(buf, len, "%s", text);
    free(text);
    return 0;
}

/* The row for one dotted key ("users.ramp.to") under table t, with the
 * base its offset applies to; NULL when there is none. */
static const struct setting *find_path(const struct table *t, char *path,
                                       void **base)
{
    char *dot = strchr(path, '.');
    const struct setting *row;

    if (dot)
        *dot = '\0';
    row = find_row(t, path);
    if (!row)
        return NULL;
    if (!dot)
        return row;
    if (row->type != V_TABLE)
        return NULL;
    *base = (char *)*base + row->offset;
    return find_path(row->sub, dot + 1, base);
}

int scenario_set_top(struct scenario *s, const char *key, const char *value,
                     char *err, size_t errlen)
{
    struct scenario edited;
    struct loader ld = {.s = &edited, .err = err, .errlen = errlen,
                        .bare = true};
    const struct setting *row;
    char path[128];
    void *base;
    struct ytree tree;
    struct yerror yerr;
    int rc;

    if (scenario_copy(&edited, s) < 0) {
        say(err, errlen, "out of memory");
        return -1;
    }
    base = &edited;
    snprintf(path, sizeof path, "%s", key);
    row = find_path(&top_table, path, &base);
    if (!row || row->type == V_TABLE || strcmp(key, "components") == 0 ||
        strcmp(key, "failures") == 0 || strcmp(key, "archsim") == 0) {
        say(err, errlen, "'%s' is not a scenario setting (such as "
            "users.think, users.ramp.to, objectives.p99, objectives.budget, "
            "mix, network.hop, entry, name)", key);
        scenario_free(&edited);
        return -1;
    }
    rc = ytree_parse(&tree, value, strlen(value), &yerr);
    if (rc < 0)
        say(err, errlen, "'%s' is not a value: %s", value, yerr.message);
    else if (!tree.root)
        rc = fail(&ld, NULL, "%s needs a value", key);
    else
        rc = store(&ld, row, base, key, tree.root);
    ytree_free(&tree);
    if (rc == 0) {
        scenario_free(s);
        *s = edited;
    } else {
        scenario_free(&edited);
    }
    return rc;
}
