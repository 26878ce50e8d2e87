/*
 * challenge.c - challenge files in, and grading a design against one:
 * the ramp to the target, each objective, cost, the complexity the load
 * did not need (found by trying the design without it), time and hints.
 * challenge.h describes the format and the score.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "challenge.h"
#include "datadir.h"
#include "report.h"
#include "scenario_yaml.h"
#include "sim.h"
#include "yaml_tree.h"

#define TARGET_MAX      1e8
#define LIMIT_MIN_S     60.0
#define LIMIT_MAX_S     86400.0
#define FAIL_FOR_MIN    NS_PER_S
#define FAIL_FOR_MAX    (3600 * NS_PER_S)
#define FAIL_FOR_DEFAULT (30 * NS_PER_S)

/* Points of the score (challenge.h explains them). */
#define PTS_OBJECTIVES  50
#define PTS_COST        20
#define PTS_COMPLEXITY  20
#define PTS_TIME        10
#define PTS_COMPONENT   6
#define PTS_COUNT       4
#define FAIL_CAP        49
#define QUEUE_FULL      0.97        /* workers busy: falling behind */

/* --- Messages -------------------------------------------------------------- */

struct cloader {
    struct challenge *ch;
    char *err;
    size_t errlen;
};

static int cfail(struct cloader *ld, const struct ynode *at, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));

static int cfail(struct cloader *ld, const struct ynode *at, const char *fmt,
                 ...)
{
    char msg[1536];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ld->err, ld->errlen, "%s:%d:%d: %s", ld->ch->source,
             at ? at->line : 1, at ? at->column : 1, msg);
    return -1;
}

/* A value that must be a single value; its text. */
static const char *scalar(struct cloader *ld, const struct ynode *v,
                          const char *key)
{
    if (v->type == YNODE_SCALAR)
        return v->text;
    cfail(ld, v, "%s: expected a single value, found %s", key,
          ynode_type_name(v->type));
    return NULL;
}

static int expect_map(struct cloader *ld, const struct ynode *v,
                      const char *key)
{
    if (v->type == YNODE_MAP)
        return 0;
    return cfail(ld, v, "%s: expected a mapping, found %s", key,
                 ynode_type_name(v->type));
}

/* An unknown key, with the keys that are allowed there. */
static int unknown(struct cloader *ld, const struct ynode *key,
                   const char *where, const char *const *keys)
{
    char shown[80], list[512] = "";
    size_t used = 0;

    ytree_quote(key->text, shown, sizeof shown);
    for (int i = 0; keys[i]; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s",
                         i ? ", " : "", keys[i]);

        if (n < 0 || (size_t)n >= sizeof list - used)
            break;
        used += (size_t)n;
    }
    return cfail(ld, key, "unknown key '%s' %s; expected one of: %s", shown,
                 where, list);
}

static int key_index(const char *key, const char *const *keys)
{
    for (int i = 0; keys[i]; i++)
        if (strcmp(key, keys[i]) == 0)
            return i;
    return -1;
}

/* A value parsed with one of the scenario's own rules: the message it
 * gives, placed at the value. */
static int placed(struct cloader *ld, const struct ynode *v, const char *key,
                  int rc, const char *msg)
{
    if (rc == 0)
        return 0;
    return cfail(ld, v, "%s: %s", key, msg);
}

/* --- Values ------------------------------------------------------------------ */

static int load_text(struct cloader *ld, const struct ynode *v,
                     const char *key, char *buf, size_t len, bool is_name)
{
    const char *text = scalar(ld, v, key);
    const char *why;

    if (!text)
        return -1;
    if (is_name && (why = scenario_name_problem(text)))
        return cfail(ld, v, "%s: the name %s", key, why);
    if (!*text)
        return cfail(ld, v, "%s: is empty", key);
    snprintf(buf, len, "%s", text);
    return 0;
}

static int load_users(struct cloader *ld, const struct ynode *v,
                      const char *key, double *out)
{
    char msg[256];
    const char *text = scalar(ld, v, key);

    if (!text)
        return -1;
    if (parse_count(text, out, msg, sizeof msg) < 0)
        return placed(ld, v, key, -1, msg);
    if (*out < 1 || *out > TARGET_MAX || *out != floor(*out))
        return cfail(ld, v, "%s: '%s' is not a whole number of users from "
                     "1 to 100M", key, text);
    return 0;
}

/* Through scenario_set_top, so that budgets, p99s and error rates read
 * exactly as in a scenario's objectives. */
static int load_objective(struct cloader *ld, const struct ynode *v,
                          const char *key, const char *path,
                          struct objectives *out)
{
    struct scenario scratch;
    char msg[512];
    const char *text = scalar(ld, v, key);
    int rc;

    if (!text)
        return -1;
    scenario_init(&scratch);
    rc = scenario_set_top(&scratch, path, text, msg, sizeof msg);
    if (rc == 0)
        *out = scratch.objectives;
    scenario_free(&scratch);
    return placed(ld, v, key, rc, msg);
}

static int load_duration(struct cloader *ld, const struct ynode *v,
                         const char *key, sim_ns lo, sim_ns hi, sim_ns *out)
{
    char msg[256];
    const char *text = scalar(ld, v, key);

    if (!text)
        return -1;
    if (parse_duration(text, out, msg, sizeof msg) < 0)
        return placed(ld, v, key, -1, msg);
    if (*out < lo || *out > hi)
        return cfail(ld, v, "%s: '%s' is out of range", key, text);
    return 0;
}

static int load_kinds(struct cloader *ld, const struct ynode *v,
                      const char *key, unsigned *out)
{
    const struct ynode *one = v;
    size_t n = 1;

    if (v->type == YNODE_MAP)
        return cfail(ld, v, "%s: expected a list of kinds of component, "
                     "found a mapping", key);
    if (v->type == YNODE_SEQ)
        n = v->n;
    for (size_t i = 0; i < n; i++) {
        int k;

        if (v->type == YNODE_SEQ)
            one = v->items[i];
        if (!scalar(ld, one, key))
            return -1;
        k = kind_from_name(one->text);
        if (k < 0) {
            char shown[80];

            ytree_quote(one->text, shown, sizeof shown);
            return cfail(ld, one, "%s: '%s' is not a kind of component "
                         "(server, service, lb, database, cache, queue, "
                         "cdn)", key, shown);
        }
        *out |= 1u << k;
    }
    return 0;
}

/* --- Objectives ----------------------------------------------------------- */

static const char *const availability_keys[] = {
    "min", "fail", "component", "for", "factor", NULL,
};

static int load_availability(struct cloader *ld, const struct ynode *v)
{
    struct challenge *ch = ld->ch;
    bool seen_fail = false, seen_comp = false, seen_min = false;
    char msg[256];

    if (expect_map(ld, v, "availability") < 0)
        return -1;
    ch->has_availability = true;
    ch->failure.duration = FAIL_FOR_DEFAULT;
    ch->failure.factor = 2;
    for (size_t i = 0; i < v->n; i++) {
        const struct ynode *key = v->items[2 * i];
        const struct ynode *val = v->items[2 * i + 1];
        const char *text;
        double x;

        switch (key_index(key->text, availability_keys)) {
        case 0:
            if (!(text = scalar(ld, val, "min")))
                return -1;
            if (parse_fraction(text, &ch->availability, msg, sizeof msg) < 0)
                return placed(ld, val, "min", -1, msg);
            seen_min = true;
            break;
        case 1: {
            int k;

            if (!(text = scalar(ld, val, "fail")))
                return -1;
            k = failure_kind_from_name(text);
            if (k < 0)
                return cfail(ld, val, "fail: '%s' is not a failure "
                             "(instance, component, primary, cache-flush, "
                             "region-latency, workers, slow)", text);
            ch->failure.kind = (enum failure_kind)k;
            seen_fail = true;
            break;
        }
        case 2:
            if (load_text(ld, val, "component", ch->failure.component,
                          sizeof ch->failure.component, true) < 0)
                return -1;
            seen_comp = true;
            break;
        case 3:
            if (load_duration(ld, val, "for", FAIL_FOR_MIN, FAIL_FOR_MAX,
                              &ch->failure.duration) < 0)
                return -1;
            break;
        case 4:
            if (!(text = scalar(ld, val, "factor")))
                return -1;
            if (parse_count(text, &x, msg, sizeof msg) < 0)
                return placed(ld, val, "factor", -1, msg);
            if (x < 1 || x > 1000)
                return cfail(ld, val, "factor: '%s' is not from 1 to 1000",
                             text);
            ch->failure.factor = x;
            break;
        default:
            return unknown(ld, key, "in availability", availability_keys);
        }
    }
    if (!seen_min || !seen_fail || !seen_comp)
        return cfail(ld, v, "availability needs min, fail and component");
    return 0;
}

static const char *const objective_keys[] = {
    "p99", "errors", "availability", NULL,
};

static int load_objectives(struct cloader *ld, const struct ynode *v)
{
    struct objectives o;
    bool p99 = false, errors = false;

    if (expect_map(ld, v, "objectives") < 0)
        return -1;
    for (size_t i = 0; i < v->n; i++) {
        const struct ynode *key = v->items[2 * i];
        const struct ynode *val = v->items[2 * i + 1];

        switch (key_index(key->text, objective_keys)) {
        case 0:
            if (load_objective(ld, val, "p99", "objectives.p99", &o) < 0)
                return -1;
            if (o.p99 <= 0)
                return cfail(ld, val, "p99: a challenge needs a p99 above "
                             "0");
            ld->ch->p99 = o.p99;
            p99 = true;
            break;
        case 1:
            if (load_objective(ld, val, "errors", "objectives.errors",
                               &o) < 0)
                return -1;
            ld->ch->errors = o.errors;
            errors = true;
            break;
        case 2:
            if (load_availability(ld, val) < 0)
                return -1;
            break;
        default:
            return unknown(ld, key, "in objectives", objective_keys);
        }
    }
    if (!p99 || !errors)
        return cfail(ld, v, "objectives need both p99 and errors");
    return 0;
}

/* --- Workload -------------------------------------------------------------- */

static int add_setting(struct cloader *ld, const struct ynode *at,
                       enum comp_kind kind, const char *key,
                       const struct ynode *val)
{
    struct challenge *ch = ld->ch;
    struct challenge_setting *s;
    struct component scratch;
    char msg[512];
    const char *text = scalar(ld, val, key);

    if (!text)
        return -1;
    if (ch->nworkload == CHALLENGE_MAX_WORKLOAD)
        return cfail(ld, at, "workload: at most %d settings",
                     CHALLENGE_MAX_WORKLOAD);
    if (strlen(key) >= sizeof s->key || strlen(text) >= sizeof s->value)
        return cfail(ld, at, "%s: too long", key);
    memset(&scratch, 0, sizeof scratch);
    component_defaults(&scratch, kind);
    if (scenario_set_field(&scratch, key, text, msg, sizeof msg) < 0)
        return cfail(ld, at, "workload of %s: %s", kind_name(kind), msg);
    s = &ch->workload[ch->nworkload++];
    s->kind = kind;
    snprintf(s->key, sizeof s->key, "%s", key);
    snprintf(s->value, sizeof s->value, "%s", text);
    return 0;
}

static int load_kind_settings(struct cloader *ld, enum comp_kind kind,
                              const struct ynode *map, const char *prefix)
{
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *key = map->items[2 * i];
        const struct ynode *val = map->items[2 * i + 1];
        char dotted[64];

        snprintf(dotted, sizeof dotted, "%s%s%s", prefix, *prefix ? "." : "",
                 key->text);
        if (val->type == YNODE_MAP && !*prefix) {
            if (load_kind_settings(ld, kind, val, dotted) < 0)
                return -1;
        } else if (add_setting(ld, key, kind, dotted, val) < 0) {
            return -1;
        }
    }
    return 0;
}

static int load_workload(struct cloader *ld, const struct ynode *v)
{
    if (expect_map(ld, v, "workload") < 0)
        return -1;
    for (size_t i = 0; i < v->n; i++) {
        const struct ynode *key = v->items[2 * i];
        const struct ynode *val = v->items[2 * i + 1];
        int k = kind_from_name(key->text);

        if (k < 0)
            return cfail(ld, key, "workload: '%s' is not a kind of "
                         "component", key->text);
        if (expect_map(ld, val, key->text) < 0 ||
            load_kind_settings(ld, (enum comp_kind)k, val, "") < 0)
            return -1;
    }
    return 0;
}

/* --- The starting scenario -------------------------------------------------- */

/* A shipped scenario beside the challenges: DIR/../scenarios/NAME or
 * NAME.yaml for a challenge in DIR. */
static bool sibling_scenario(const char *source, const char *name, char *buf,
                             size_t len)
{
    const char *slash = strrchr(source, '/');
    int dir = slash ? (int)(slash - source) : 1;

    for (int y = 0; y < 2; y++) {
        int n = snprintf(buf, len, "%.*s/../scenarios/%s%s", dir,
                         slash ? source : ".", name, y ? ".yaml" : "");

        if (n > 0 && (size_t)n < len && access(buf, R_OK) == 0)
            return true;
    }
    return false;
}

static int load_start(struct cloader *ld, const struct ynode *v)
{
    struct challenge *ch = ld->ch;
    char err[2048], path[1024], buf[1024];
    const char *file;

    scenario_free(&ch->start);
    if (v->type == YNODE_MAP) {
        ch->start_name[0] = '\0';
        if (scenario_load_node(&ch->start, ch->source, v, err,
                               sizeof err) < 0) {
            snprintf(ld->err, ld->errlen, "%s", err);
            return -1;
        }
        return 0;
    }
    if (!scalar(ld, v, "start"))
        return -1;
    snprintf(ch->start_name, sizeof ch->start_name, "%s", v->text);
    file = v->text;
    if (strchr(file, '/') && file[0] != '/') {
        /* A path: relative to the challenge file. */
        const char *slash = strrchr(ch->source, '/');
        int dir = slash ? (int)(slash - ch->source) : 0;

        snprintf(buf, sizeof buf, "%.*s%s%s", dir, ch->source,
                 slash ? "/" : "", file);
        file = buf;
    } else if (!strchr(file, '/') && sibling_scenario(ch->source, file, buf,
                                                      sizeof buf)) {
        file = buf;
    } else {
        file = datadir_scenario(file, path, sizeof path);
    }
    if (scenario_load_file(&ch->start, file, err, sizeof err) < 0)
        return cfail(ld, v, "start: %s", err);
    return 0;
}

/* --- The file ----------------------------------------------------------------- */

static const char *const top_keys[] = {
    "archsim-challenge", "name", "title", "brief", "stage", "target",
    "budget", "time-limit", "objectives", "start", "workload", "required",
    "not-allowed", NULL,
};

enum { K_VERSION, K_NAME, K_TITLE, K_BRIEF, K_STAGE, K_TARGET, K_BUDGET,
       K_LIMIT, K_OBJECTIVES, K_START, K_WORKLOAD, K_REQUIRED,
       K_NOT_ALLOWED, K_COUNT };

static int load_key(struct cloader *ld, int k, const struct ynode *key,
                    const struct ynode *v)
{
    struct challenge *ch = ld->ch;
    struct objectives o;
    const char *text;
    double x;
    sim_ns ns;

    switch (k) {
    case K_VERSION:
        if (!(text = scalar(ld, v, key->text)))
            return -1;
        return strcmp(text, "1") == 0 ? 0
               : cfail(ld, v, "archsim-challenge: this archsim reads "
                       "version 1, not '%s'", text);
    case K_NAME:
        return load_text(ld, v, "name", ch->name, sizeof ch->name, true);
    case K_TITLE:
        return load_text(ld, v, "title", ch->title, sizeof ch->title, false);
    case K_BRIEF:
        if (!(text = scalar(ld, v, "brief")))
            return -1;
        free(ch->brief);
        ch->brief = strdup(text);
        return ch->brief ? 0 : cfail(ld, v, "out of memory");
    case K_STAGE:
        if (load_users(ld, v, "stage", &x) < 0)
            return -1;
        if (x > 9)
            return cfail(ld, v, "stage: the journey has stages 1 to 9");
        ch->stage = (int)x;
        return 0;
    case K_TARGET:
        return load_users(ld, v, "target", &ch->target);
    case K_BUDGET:
        if (load_objective(ld, v, "budget", "objectives.budget", &o) < 0)
            return -1;
        if (o.budget <= 0)
            return cfail(ld, v, "budget: a challenge needs a budget above "
                         "0");
        ch->budget = o.budget;
        return 0;
    case K_LIMIT:
        if (load_duration(ld, v, "time-limit",
                          (sim_ns)(LIMIT_MIN_S * NS_PER_S),
                          (sim_ns)(LIMIT_MAX_S * NS_PER_S), &ns) < 0)
            return -1;
        ch->time_limit = (double)ns / NS_PER_S;
        return 0;
    case K_OBJECTIVES:
        return load_objectives(ld, v);
    case K_START:
        return load_start(ld, v);
    case K_WORKLOAD:
        return load_workload(ld, v);
    case K_REQUIRED:
        return load_kinds(ld, v, "required", &ch->required);
    case K_NOT_ALLOWED:
        return load_kinds(ld, v, "not-allowed", &ch->forbidden);
    default:
        return -1;
    }
}

static int load_root(struct cloader *ld, const struct ynode *root)
{
    static const int needed[] = {K_NAME, K_BRIEF, K_TARGET, K_BUDGET,
                                 K_OBJECTIVES, K_START};
    bool seen[K_COUNT] = {false};

    if (!root || root->type != YNODE_MAP)
        return cfail(ld, root, "expected a mapping of challenge settings "
                     "(name: ..., brief: ..., target: ...)");
    for (size_t i = 0; i < root->n; i++) {
        const struct ynode *key = root->items[2 * i];
        int k = key_index(key->text, top_keys);

        if (k < 0 && strncmp(key->text, "x-", 2) == 0)
            continue;
        if (k < 0)
            return unknown(ld, key, "in a challenge", top_keys);
        if (load_key(ld, k, key, root->items[2 * i + 1]) < 0)
            return -1;
        seen[k] = true;
    }
    for (size_t i = 0; i < sizeof needed / sizeof *needed; i++)
        if (!seen[needed[i]])
            return cfail(ld, root, "a challenge needs '%s'",
                         top_keys[needed[i]]);
    if (ld->ch->required & ld->ch->forbidden)
        return cfail(ld, root, "a kind cannot be both required and "
                     "not allowed");
    if (!ld->ch->title[0])
        snprintf(ld->ch->title, sizeof ld->ch->title, "%s", ld->ch->name);
    return 0;
}

static void challenge_init(struct challenge *ch, const char *path)
{
    memset(ch, 0, sizeof *ch);
    snprintf(ch->source, sizeof ch->source, "%s", path);
    ch->time_limit = CHALLENGE_DEFAULT_LIMIT;
    scenario_init(&ch->start);
}

void challenge_free(struct challenge *ch)
{
    free(ch->brief);
    ch->brief = NULL;
    scenario_free(&ch->start);
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 65536, n = 0;
    char *buf;

    if (!f)
        return -1;
    buf = malloc(cap + 1);
    while (buf && !ferror(f) && !feof(f) && n <= SCENARIO_MAX_BYTES) {
        if (n == cap) {
            char *grown = realloc(buf, cap * 2 + 1);

            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
        n += fread(buf + n, 1, cap - n, f);
    }
    if (!buf || ferror(f)) {
        int saved = errno;

        free(buf);
        fclose(f);
        errno = saved ? saved : ENOMEM;
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int challenge_load_file(struct challenge *ch, const char *path, char *err,
                        size_t errlen)
{
    struct cloader ld = {ch, err, errlen};
    struct ytree tree;
    struct yerror yerr;
    char *data = NULL;
    size_t len = 0;
    int rc;

    challenge_init(ch, path);
    if (read_file(path, &data, &len) < 0) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    if (len > SCENARIO_MAX_BYTES) {
        free(data);
        snprintf(err, errlen, "%s:1:1: the file is larger than %d MiB",
                 path, SCENARIO_MAX_BYTES >> 20);
        return -1;
    }
    rc = ytree_parse(&tree, data, len, &yerr);
    if (rc < 0)
        snprintf(err, errlen, "%s:%d:%d: %s", path, yerr.line, yerr.column,
                 yerr.message);
    else
        rc = load_root(&ld, tree.root);
    ytree_free(&tree);
    free(data);
    return rc;
}

const char *challenge_path(const char *arg, char *buf, size_t len)
{
    return datadir_file("challenges", arg, buf, len);
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int challenge_paths(char ***paths)
{
    char dir[1024];
    struct dirent *e;
    DIR *d;
    char **list = NULL;
    int n = 0, cap = 0;

    *paths = NULL;
    if (datadir_subdir("challenges", dir, sizeof dir) < 0 ||
        !(d = opendir(dir)))
        return -1;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        char *p;

        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0 ||
            e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **grown = realloc(list, (size_t)(cap ? cap * 2 : 16) *
                                         sizeof *list);

            if (!grown)
                break;
            list = grown;
            cap = cap ? cap * 2 : 16;
        }
        p = malloc(strlen(dir) + l + 2);
        if (!p)
            break;
        sprintf(p, "%s/%s", dir, e->d_name);
        list[n++] = p;
    }
    closedir(d);
    if (e) {
        challenge_paths_free(list, n);
        return -1;
    }
    if (n > 0)
        qsort(list, (size_t)n, sizeof *list, compare_paths);
    *paths = list;
    return n;
}

void challenge_paths_free(char **paths, int n)
{
    for (int i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

/* --- The design under the challenge's workload ------------------------------- */

/* Settings that describe the work, not the machines doing it. */
static const char *const work_keys[] = {
    "cpu.static", "cpu.read", "cpu.write", "cpu.task", "task-work",
    "service", "cv", "read", "scan", "write", "apply", "hot", "keys",
    "skew", "op", "edge-rtt", "publish", "task", NULL,
};

static bool same_family(enum comp_kind a, enum comp_kind b)
{
    bool sa = a == KIND_SERVER || a == KIND_SERVICE;
    bool sb = b == KIND_SERVER || b == KIND_SERVICE;

    return a == b || (sa && sb);
}

/* The start's component whose work a component of kind does: the first
 * of the same kind, else of the same family (server and service). */
static const struct component *work_model(const struct scenario *start,
                                          enum comp_kind kind)
{
    for (int i = 0; i < start->ncomponents; i++)
        if (start->components[i].kind == kind)
            return &start->components[i];
    for (int i = 0; i < start->ncomponents; i++)
        if (same_family(start->components[i].kind, kind))
            return &start->components[i];
    return NULL;
}

static void copy_work(struct component *c, const struct component *from)
{
    char value[128], err[256];

    for (int i = 0; work_keys[i]; i++) {
        const struct field *f = field_find(work_keys[i], c->kind);

        if (!f || !field_find(work_keys[i], from->kind))
            continue;
        if (scenario_format_field(from, f, value, sizeof value) == 0)
            (void)scenario_set_field(c, work_keys[i], value, err,
                                     sizeof err);
    }
}

/* Machines are as the reference says: a size's cores, memory and price;
 * a kind's price where there is no size. */
static void reference_machine(struct component *c)
{
    struct component d;

    if (c->size[0] && component_apply_size(c) == 0)
        return;
    memset(&d, 0, sizeof d);
    component_defaults(&d, c->kind);
    c->price_hour = d.price_hour;
}

static void impose_work(const struct challenge *ch, struct scenario *s)
{
    char err[256];

    for (int i = 0; i < s->ncomponents; i++) {
        struct component *c = &s->components[i];
        const struct component *model = work_model(&ch->start, c->kind);

        reference_machine(c);
        if (model)
            copy_work(c, model);
        for (int w = 0; w < ch->nworkload; w++)
            if (same_family(ch->workload[w].kind, c->kind) &&
                (ch->workload[w].kind == c->kind ||
                 ch->workload[w].kind == KIND_SERVER))
                (void)scenario_set_field(c, ch->workload[w].key,
                                         ch->workload[w].value, err,
                                         sizeof err);
    }
}

int challenge_apply(const struct challenge *ch, const struct scenario *design,
                    struct scenario *dst, char *err, size_t errlen)
{
    const struct scenario *st = &ch->start;

    if (scenario_copy(dst, design) < 0) {
        scenario_init(dst);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    dst->seed = st->seed;
    dst->user_model = st->user_model;
    dst->think = st->think;
    dst->rate = st->rate;
    dst->nregions = st->nregions;
    memcpy(dst->regions, st->regions, sizeof dst->regions);
    memcpy(dst->mix, st->mix, sizeof dst->mix);
    dst->hop = st->hop;
    dst->ramp.from = st->ramp.from < ch->target ? st->ramp.from : 1;
    dst->ramp.to = ch->target;
    dst->ramp.target = ch->target;
    dst->ramp.per_decade = st->ramp.per_decade;
    dst->objectives.p99 = ch->p99;
    dst->objectives.errors = ch->errors;
    dst->objectives.budget = ch->budget;
    dst->nfailures = 0;
    impose_work(ch, dst);
    return scenario_validate(dst, err, errlen);
}

/* --- Trials --------------------------------------------------------------------- */

/* Whether the objectives (not the budget) hold at every step of res. */
static bool all_steps_hold(const struct ramp_result *res)
{
    if (res->nsteps == 0)
        return false;
    for (int i = 0; i < res->nsteps; i++)
        if (!res->steps[i].holds)
            return false;
    return true;
}

/* The component the availability objective strikes: by name, else the
 * first of the kind it names; -1 when the design has none. */
static int failure_target(const struct challenge *ch, const struct scenario *s)
{
    int k;

    if (ch->failure.kind == FAIL_REGION_LATENCY)
        return 0;
    if ((k = scenario_find(s, ch->failure.component)) >= 0)
        return k;
    k = kind_from_name(ch->failure.component);
    for (int i = 0; k >= 0 && i < s->ncomponents; i++)
        if (s->components[i].kind == (enum comp_kind)k)
            return i;
    return -1;
}

/*
 * The share of requests answered without error while the challenge's
 * failure strikes at the target and for as long again after it ends.
 * Returns 0, or -1 when out of memory; *target_comp gets the component
 * struck (-1: the design has nothing of that kind, and *out is 1).
 */
static int measure_availability(const struct challenge *ch,
                                 const struct scenario *s, uint64_t seed,
                                 double *out, int *target_comp)
{
    struct failure f = ch->failure;
    struct step_result st;
    struct sim *sim;
    uint64_t ok, bad;
    int k = failure_target(ch, s);

    *target_comp = k;
    *out = 1;
    if (k < 0)
        return 0;
    if (f.kind != FAIL_REGION_LATENCY)
        snprintf(f.component, sizeof f.component, "%s",
                 s->components[k].name);
    memset(&st, 0, sizeof st);
    st.comps = calloc((size_t)s->ncomponents, sizeof *st.comps);
    sim = st.comps ? sim_create(s, seed) : NULL;
    if (!sim || ramp_measure_step(sim, ch->target, &st) < 0) {
        sim_destroy(sim);
        free(st.comps);
        return -1;
    }
    free(st.comps);
    sim_reset_window(sim);
    f.at = 0;
    if (fault_inject(sim, &f) == 0)
        sim_run_until(sim, sim->now + 2 * f.duration);
    ok = sim->end.ok;
    bad = sim->end.errors;
    *out = ok + bad ? (double)ok / (double)(ok + bad) : 0;
    sim_destroy(sim);
    return 0;
}

/* Whether every queue's workers keep up at the last step: a backlog
 * that only grows breaks no objective of the request path, but the work
 * is never done. */
static bool queues_keep_up(const struct scenario *s,
                           const struct ramp_result *res)
{
    const struct step_result *last = &res->steps[res->nsteps - 1];

    for (int i = 0; i < s->ncomponents; i++)
        if (s->components[i].kind == KIND_QUEUE &&
            last->comps[i].pool >= QUEUE_FULL)
            return false;
    return true;
}

/* Whether s holds the challenge's objectives over a short ramp to the
 * target (a tenth of it up, five steps a decade), and its availability. */
static int trial_holds(const struct challenge *ch, const struct scenario *s,
                       uint64_t seed, bool *holds)
{
    struct scenario t = *s;         /* shallow: only the ramp differs */
    struct ramp_result res;
    double avail;
    int comp;

    t.ramp.from = ch->target / 10 >= 1 ? floor(ch->target / 10) : 1;
    t.ramp.per_decade = 5;
    if (ramp_run(&t, seed, &res, NULL, NULL) < 0)
        return -1;
    *holds = all_steps_hold(&res) && queues_keep_up(s, &res);
    ramp_result_free(&res);
    if (*holds && ch->has_availability) {
        if (measure_availability(ch, s, seed, &avail, &comp) < 0)
            return -1;
        *holds = avail >= ch->availability;
    }
    return 0;
}

/* Whether a component may be tried without: a balancer when nothing it
 * sends to has more than one instance, a cache, a queue, a CDN; never
 * the only one of a required kind; the entry only when it passes
 * everything on to one component. */
static bool removable(const struct challenge *ch, const struct scenario *s,
                      int i)
{
    const struct component *c = &s->components[i];

    if (ch->required & (1u << c->kind))
        return false;
    if (i == s->entry && !(c->ncalls == 1 &&
                           (c->kind == KIND_LB || c->kind == KIND_CDN)))
        return false;
    switch (c->kind) {
    case KIND_LB:
        for (int j = 0; j < c->ncalls; j++)
            if (s->components[c->calls[j]].instances > 1)
                return false;
        return true;
    case KIND_CACHE:
    case KIND_QUEUE:
    case KIND_CDN:
        return true;
    default:
        return false;
    }
}

static bool has_call(const struct component *c, const char *name)
{
    for (int j = 0; j < c->ncalls; j++)
        if (strcmp(c->call_names[j], name) == 0)
            return true;
    return false;
}

/* dst: s without component i, its callers calling what it called. */
static int without(const struct scenario *s, int i, struct scenario *dst)
{
    const struct component *gone = &s->components[i];
    char err[512];

    if (scenario_copy(dst, s) < 0)
        return -1;
    if (i == s->entry)
        snprintf(dst->entry_name, sizeof dst->entry_name, "%s",
                 gone->call_names[0]);
    else
        snprintf(dst->entry_name, sizeof dst->entry_name, "%s",
                 s->components[s->entry].name);
    for (int k = 0; k < dst->ncomponents; k++) {
        struct component *c = &dst->components[k];
        int n = 0;
        char names[MAX_CALLS][NAME_BYTES];

        if (k == i || !has_call(c, gone->name))
            continue;
        for (int j = 0; j < c->ncalls; j++) {
            if (strcmp(c->call_names[j], gone->name) != 0) {
                memcpy(names[n++], c->call_names[j], NAME_BYTES);
                continue;
            }
            for (int g = 0; g < gone->ncalls && n < MAX_CALLS; g++) {
                bool dup = false;

                for (int m = 0; m < n; m++)
                    dup = dup || strcmp(names[m], gone->call_names[g]) == 0;
                for (int m = j + 1; m < c->ncalls; m++)
                    dup = dup || strcmp(c->call_names[m],
                                        gone->call_names[g]) == 0;
                if (!dup && strcmp(gone->call_names[g], c->name) != 0)
                    memcpy(names[n++], gone->call_names[g], NAME_BYTES);
            }
        }
        c->ncalls = n;
        for (int j = 0; j < n; j++) {
            memcpy(c->call_names[j], names[j], NAME_BYTES);
            c->call_pos[j] = (struct src_pos){0, 0};
        }
    }
    memmove(&dst->components[i], &dst->components[i + 1],
            (size_t)(dst->ncomponents - i - 1) * sizeof *dst->components);
    dst->ncomponents--;
    return scenario_validate(dst, err, sizeof err);
}

/* The count of component i that halving would change, or NULL. */
static int *halvable(struct component *c)
{
    switch (c->kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
    case KIND_CACHE:
        return c->instances >= 2 ? &c->instances : NULL;
    case KIND_DATABASE:
        return c->replicas >= 1 ? &c->replicas : NULL;
    case KIND_QUEUE:
        return c->workers >= 2 ? &c->workers : NULL;
    default:
        return NULL;
    }
}

static const char *count_word(const struct component *c)
{
    return c->kind == KIND_DATABASE ? "replicas"
           : c->kind == KIND_QUEUE ? "workers"
           : c->kind == KIND_CACHE ? "shards" : "instances";
}

static void progress(const struct grade_options *opt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void progress(const struct grade_options *opt, const char *fmt, ...)
{
    char what[NAME_BYTES + 128];
    va_list ap;

    if (!opt->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    opt->progress(opt->progress_arg, what);
}

static int judge_complexity(const struct challenge *ch, struct grade *g,
                            const struct grade_options *opt)
{
    const struct scenario *s = &g->graded;
    int penalty = 0;

    for (int i = 0; i < s->ncomponents && g->nitems < CHALLENGE_MAX_ITEMS;
         i++) {
        const struct component *c = &s->components[i];
        struct grade_item *it = &g->items[g->nitems];
        struct scenario t;
        bool holds = false;
        int rc;

        if (!removable(ch, s, i))
            continue;
        progress(opt, "trying the design without %s", c->name);
        rc = without(s, i, &t);
        if (rc == 0)
            rc = trial_holds(ch, &t, g->seed, &holds);
        scenario_free(&t);
        g->trials++;
        if (rc < 0 || !holds)
            continue;
        it->comp = i;
        it->removable = true;
        snprintf(it->text, sizeof it->text, "%s (%s): the design holds "
                 "without it", c->name, kind_name(c->kind));
        g->nitems++;
        penalty += PTS_COMPONENT;
    }
    for (int i = 0; i < s->ncomponents && g->nitems < CHALLENGE_MAX_ITEMS;
         i++) {
        struct grade_item *it = &g->items[g->nitems];
        struct scenario t;
        int *count;
        int from;
        bool holds = false;

        if (scenario_copy(&t, s) < 0)
            return -1;
        count = halvable(&t.components[i]);
        if (!count) {
            scenario_free(&t);
            continue;
        }
        from = *count;
        *count /= 2;
        progress(opt, "trying %s with %d %s", t.components[i].name, *count,
                 count_word(&t.components[i]));
        if (trial_holds(ch, &t, g->seed, &holds) < 0) {
            scenario_free(&t);
            return -1;
        }
        g->trials++;
        if (holds) {
            it->comp = i;
            it->removable = false;
            it->from = from;
            it->to = *count;
            snprintf(it->text, sizeof it->text, "%s: %d %s where %d hold",
                     t.components[i].name, from,
                     count_word(&t.components[i]), *count);
            g->nitems++;
            penalty += PTS_COUNT;
        }
        scenario_free(&t);
    }
    g->complexity_judged = true;
    g->complexity_points = penalty >= PTS_COMPLEXITY ? 0
                           : PTS_COMPLEXITY - penalty;
    return 0;
}

/* --- Grading ---------------------------------------------------------------------- */

/* The worst step of res (up to the target) for one objective: judged
 * with the other objective switched off. */
static int first_broken_by(const struct scenario *s,
                           const struct ramp_result *res, bool p99)
{
    struct scenario only = *s;      /* shallow: step_judge reads it */

    if (p99)
        only.objectives.errors = 1;
    else
        only.objectives.p99 = 0;
    for (int i = 0; i < res->nsteps; i++) {
        struct step_result st = res->steps[i];

        step_judge(&only, &st);
        if (!st.holds)
            return i;
    }
    return -1;
}

static void fill_p99(struct grade *g, struct grade_objective *o,
                     const struct challenge *ch, int max)
{
    const struct ramp_result *res = &g->result;
    const struct step_result *last = &res->steps[res->nsteps - 1];
    int broke = first_broken_by(&g->graded, res, true);
    char at[16], fig[32], obj[32], users[16];

    o->what = "p99";
    o->max = max;
    o->met = broke < 0;
    o->points = o->met ? max : 0;
    format_count(at, sizeof at, last->users);
    format_duration(fig, sizeof fig, (double)last->p99);
    format_duration(obj, sizeof obj, (double)ch->p99);
    if (o->met) {
        snprintf(o->figure, sizeof o->figure, "p99 %s at %s users "
                 "(objective %s)", fig, at, obj);
    } else {
        format_count(users, sizeof users, res->steps[broke].users);
        format_duration(fig, sizeof fig, (double)res->steps[broke].p99);
        snprintf(o->figure, sizeof o->figure, "p99 %s at %s users "
                 "(objective %s); broken from %s users", fig, users, obj,
                 users);
    }
}

static void fill_errors(struct grade *g, struct grade_objective *o,
                        const struct challenge *ch, int max)
{
    const struct ramp_result *res = &g->result;
    const struct step_result *last = &res->steps[res->nsteps - 1];
    int broke = first_broken_by(&g->graded, res, false);
    char at[16], users[16];

    o->what = "errors";
    o->max = max;
    o->met = broke < 0;
    o->points = o->met ? max : 0;
    format_count(at, sizeof at, last->users);
    if (o->met) {
        snprintf(o->figure, sizeof o->figure, "errors %.3g%% at %s users "
                 "(objective %.3g%%)", 100 * last->error_frac, at,
                 100 * ch->errors);
    } else {
        format_count(users, sizeof users, res->steps[broke].users);
        snprintf(o->figure, sizeof o->figure, "errors %.3g%% at %s users "
                 "(objective %.3g%%); broken from %s users",
                 100 * res->steps[broke].error_frac, users, 100 * ch->errors,
                 users);
    }
}

static int fill_availability(struct grade *g, struct grade_objective *o,
                             const struct challenge *ch, int max)
{
    char dur[32], at[16];
    int comp;

    o->what = "availability";
    o->max = max;
    if (measure_availability(ch, &g->graded, g->seed, &g->availability,
                             &comp) < 0)
        return -1;
    o->met = g->availability >= ch->availability;
    o->points = o->met ? max : 0;
    format_duration(dur, sizeof dur, (double)ch->failure.duration);
    format_count(at, sizeof at, ch->target);
    if (comp < 0)
        snprintf(o->figure, sizeof o->figure, "availability 100%% (no %s "
                 "in the design to fail; objective %.4g%%)",
                 ch->failure.component, 100 * ch->availability);
    else
        snprintf(o->figure, sizeof o->figure, "availability %.4g%% with "
                 "%s failing (%s) for %s at %s users (objective %.4g%%)",
                 100 * g->availability,
                 ch->failure.kind == FAIL_REGION_LATENCY
                     ? ch->failure.component : g->graded.components[comp].name,
                 failure_kind_name(ch->failure.kind), dur, at,
                 100 * ch->availability);
    return 0;
}

static void check_rules(const struct challenge *ch, struct grade *g)
{
    unsigned have = 0;
    size_t used = 0;

    for (int i = 0; i < g->graded.ncomponents; i++)
        have |= 1u << g->graded.components[i].kind;
    g->rules[0] = '\0';
    for (int k = 0; k < KIND_COUNT; k++) {
        const char *why = NULL;
        int n;

        if ((ch->required & (1u << k)) && !(have & (1u << k)))
            why = "required but missing";
        else if ((ch->forbidden & (1u << k)) && (have & (1u << k)))
            why = "not allowed";
        if (!why)
            continue;
        g->rules_broken++;
        n = snprintf(g->rules + used, sizeof g->rules - used, "%s%s: %s",
                     used ? "; " : "", kind_name((enum comp_kind)k), why);
        if (n > 0 && (size_t)n < sizeof g->rules - used)
            used += (size_t)n;
    }
}

static int time_points(double seconds, double limit)
{
    if (seconds <= limit / 2)
        return PTS_TIME;
    if (seconds >= limit)
        return 0;
    return (int)floor(PTS_TIME * (limit - seconds) / (limit / 2) + 0.5);
}

static void sum_up(struct grade *g)
{
    bool objectives = true;
    int score = g->cost_points + g->complexity_points + g->time_points +
                g->hint_points;

    for (int i = 0; i < g->nobjectives; i++) {
        score += g->objectives[i].points;
        objectives = objectives && g->objectives[i].met;
    }
    g->passed = objectives && g->cost <= g->budget && g->rules_broken == 0;
    if (score < 0)
        score = 0;
    if (!g->passed && score > FAIL_CAP)
        score = FAIL_CAP;
    g->score = score;
    if (g->passed)
        snprintf(g->verdict, sizeof g->verdict, "PASS: every objective "
                 "met, within the budget");
    else if (!objectives)
        snprintf(g->verdict, sizeof g->verdict, "FAIL: an objective was "
                 "not met");
    else if (g->cost > g->budget)
        snprintf(g->verdict, sizeof g->verdict, "FAIL: over the budget");
    else
        snprintf(g->verdict, sizeof g->verdict, "FAIL: %s", g->rules);
}

int challenge_grade(const struct challenge *ch, const struct scenario *design,
                    const struct grade_options *opt, struct grade *g,
                    char *err, size_t errlen)
{
    static const struct grade_options none = {.seconds = -1};
    int max = ch->has_availability ? 20 : 25;
    bool met = true;

    if (!opt)
        opt = &none;
    memset(g, 0, sizeof *g);
    g->availability = -1;
    if (challenge_apply(ch, design, &g->graded, err, errlen) < 0) {
        grade_free(g);
        return -1;
    }
    if (g->graded.ncomponents == 0) {
        snprintf(err, errlen, "the design has no components");
        grade_free(g);
        return -1;
    }
    g->seed = g->graded.seed;
    progress(opt, "ramping to %.0f users", ch->target);
    if (ramp_run(&g->graded, g->seed, &g->result, NULL, NULL) < 0)
        goto oom;
    g->capacity = g->result.capacity;
    fill_p99(g, &g->objectives[g->nobjectives++], ch, max);
    fill_errors(g, &g->objectives[g->nobjectives++], ch, max);
    if (ch->has_availability) {
        progress(opt, "failing %s", ch->failure.component);
        if (fill_availability(g, &g->objectives[g->nobjectives++], ch,
                              PTS_OBJECTIVES - 2 * max) < 0)
            goto oom;
    }
    for (int i = 0; i < g->nobjectives; i++)
        met = met && g->objectives[i].met;
    g->cost = g->result.cost;       /* autoscaled as the ramp ran */
    g->budget = ch->budget;
    g->cost_points = g->cost <= g->budget ? PTS_COST : 0;
    check_rules(ch, g);
    if (met && !opt->skip_complexity && judge_complexity(ch, g, opt) < 0)
        goto oom;
    g->limit = ch->time_limit;
    g->seconds = opt->seconds >= 0 ? opt->seconds : ch->time_limit / 2;
    g->time_points = time_points(g->seconds, g->limit);
    g->hints = opt->hints > 0 ? opt->hints : 0;
    g->hint_points = -CHALLENGE_HINT_POINTS * g->hints;
    sum_up(g);
    progress(opt, "reading the figures");
    advise_run(&g->graded, g->seed, &g->result, !met, &g->advice);
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    grade_free(g);
    return -1;
}

void grade_free(struct grade *g)
{
    ramp_result_free(&g->result);
    scenario_free(&g->graded);
}

/* --- Output ----------------------------------------------------------------------- */

static const char *mark(bool ok)
{
    return ok ? "met " : "MISS";
}

static void format_minutes(char *buf, size_t len, double seconds)
{
    int s = (int)floor(seconds + 0.5);

    snprintf(buf, len, "%d:%02d", s / 60, s % 60);
}

int grade_write_text(FILE *out, const struct challenge *ch,
                     const struct grade *g)
{
    char taken[16], limit[16], users[16];

    format_count(users, sizeof users, ch->target);
    fprintf(out, "%s: %s\n", ch->name, ch->title);
    fprintf(out, "score %d/100  %s\n\n", g->score, g->verdict);
    fprintf(out, "objectives at %s users\n", users);
    for (int i = 0; i < g->nobjectives; i++) {
        const struct grade_objective *o = &g->objectives[i];

        fprintf(out, "  %s %-13s %2d/%-2d  %s\n", mark(o->met), o->what,
                o->points, o->max, o->figure);
    }
    fprintf(out, "  %s %-13s %2d/%-2d  $%.0f/month (budget $%.0f)\n",
            mark(g->cost <= g->budget), "cost", g->cost_points, PTS_COST,
            g->cost, g->budget);
    if (!g->complexity_judged) {
        fprintf(out, "       %-13s %2d/%-2d  not judged: the objectives "
                "do not hold\n", "complexity", 0, PTS_COMPLEXITY);
    } else {
        fprintf(out, "       %-13s %2d/%-2d  %d smaller design%s "
                "tried: %s\n", "complexity", g->complexity_points,
                PTS_COMPLEXITY, g->trials, g->trials == 1 ? "" : "s",
                g->nitems ? "the load did not need"
                          : "the load needed everything");
        for (int i = 0; i < g->nitems; i++)
            fprintf(out, "%25s- %s\n", "", g->items[i].text);
    }
    format_minutes(taken, sizeof taken, g->seconds);
    format_minutes(limit, sizeof limit, g->limit);
    fprintf(out, "       %-13s %2d/%-2d  %s of %s\n", "time",
            g->time_points, PTS_TIME, taken, limit);
    if (g->hints)
        fprintf(out, "       %-13s %3d    %d hint%s taken\n", "hints",
                g->hint_points, g->hints, g->hints == 1 ? "" : "s");
    if (ch->required || ch->forbidden)
        fprintf(out, "  %s %-13s        %s\n", mark(g->rules_broken == 0),
                "components", g->rules_broken ? g->rules
                                              : "as the challenge asks");
    advice_write_text(out, &g->graded, &g->result, &g->advice);
    fflush(out);
    return ferror(out) ? -1 : 0;
}

/* --- Hints ------------------------------------------------------------------------ */

/* The kind of a remedy, in words that do not give the remedy away. */
static const char *remedy_family(enum remedy_kind kind)
{
    switch (kind) {
    case REM_BIGGER_SIZE:
        return "scale up: give this component more to work with";
    case REM_BALANCER:
    case REM_MORE_INSTANCES:
    case REM_CACHE_SHARDS:
        return "scale out: share this component's work among more";
    case REM_MORE_THREADS:
        return "concurrency: let it hold more requests at once";
    case REM_INDEX:
    case REM_BIGGER_POOL:
    case REM_REPLICAS:
    case REM_HOT_ROWS:
        return "the data tier: how the database serves reads and writes";
    case REM_CACHE:
        return "repeated reads: answer them without the database";
    case REM_QUEUE:
    case REM_MORE_WORKERS:
    case REM_BROKER_RATE:
        return "slow work: take it off the request path, or work it off "
               "faster";
    case REM_CDN:
        return "distance and static content: serve them nearer the users";
    case REM_SPLIT:
        return "separation: let parts of the system scale on their own";
    case REM_SHRINK:
        return "less: the design is bigger than this load needs";
    default:
        return "none named: read the figures of the busiest component";
    }
}

/* Nothing is busy, yet the objectives break: the part whose own p99 is
 * the longest, and the kind of remedy for a part of its kind. */
static void slowest_part(const struct scenario *s, const struct step_result *st,
                         const char *users, char *buf, size_t len)
{
    int worst = 0;
    char p99[32];
    const char *family;

    for (int i = 1; i < s->ncomponents; i++)
        if (st->comps[i].p99 > st->comps[worst].p99)
            worst = i;
    format_duration(p99, sizeof p99, (double)st->comps[worst].p99);
    switch (s->components[worst].kind) {
    case KIND_DATABASE:
        family = remedy_family(REM_INDEX);
        break;
    case KIND_SERVER:
    case KIND_SERVICE:
        family = remedy_family(REM_QUEUE);
        break;
    default:
        family = remedy_family(REM_NONE);
        break;
    }
    snprintf(buf, len, "At %s users nothing is busy, but %s (%s) takes "
             "%s at its p99: the time is in the work itself.\n"
             "Kind of remedy: %s\n", users, s->components[worst].name,
             kind_name(s->components[worst].kind), p99, family);
}

int challenge_hint(const struct challenge *ch, const struct scenario *design,
                   char *buf, size_t len)
{
    struct scenario s;
    struct ramp_result res;
    struct advice_neck neck;
    struct advice_remedy rem[ADVICE_MAX_REMEDIES];
    char err[1024], users[16];
    int knee, n;

    if (challenge_apply(ch, design, &s, err, sizeof err) < 0) {
        snprintf(buf, len, "%s", err);
        scenario_free(&s);
        return -1;
    }
    if (s.ncomponents == 0 || ramp_run(&s, s.seed, &res, NULL, NULL) < 0) {
        snprintf(buf, len, s.ncomponents ? "out of memory"
                                         : "the design has no components");
        scenario_free(&s);
        return -1;
    }
    knee = advisor_knee(&res);
    advisor_bottleneck(&s, &res.steps[knee], &neck);
    n = advisor_remedies(&s, &res.steps[knee], &neck, rem,
                         ADVICE_MAX_REMEDIES);
    format_count(users, sizeof users, res.steps[knee].users);
    if (res.first_broken < 0 && res.budget_ok)
        snprintf(buf, len, "It holds at %s users within the budget.\n"
                 "Bottleneck: %s\nKind of remedy: %s\n", users,
                 neck.res == NECK_NONE ? "none" : neck.text,
                 remedy_family(REM_SHRINK));
    else if (res.first_broken < 0)
        snprintf(buf, len, "It holds at %s users but costs $%.0f/month, "
                 "over the budget of $%.0f.\nKind of remedy: %s\n", users,
                 res.cost, ch->budget, remedy_family(REM_SHRINK));
    else if (neck.res == NECK_NONE)
        slowest_part(&s, &res.steps[knee], users, buf, len);
    else
        snprintf(buf, len, "At %s users: %s\nKind of remedy: %s\n", users,
                 neck.text, remedy_family(n > 0 ? rem[0].kind : REM_NONE));
    ramp_result_free(&res);
    scenario_free(&s);
    return 0;
}
