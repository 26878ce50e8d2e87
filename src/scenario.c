/*
 * scenario.c - the scenario model: defaults, the field table, validation
 * of the design as a whole, and cost.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "scenario.h"

#define OFF(member) offsetof(struct component, member)
#define K(kind) KINDS(KIND_##kind)
#define DAY_NS (86400.0 * NS_PER_S)

const struct field scenario_fields[] = {
    {"size", FT_SIZE_NAME, OFF(size),
     K_MACHINES | K(CACHE) | K(QUEUE), 0, 0,
     "instance size from data/reference (sets cores, memory and price)"},
    {"instances", FT_INT, OFF(instances), K_SERVERS | K(CACHE), 1, 10000,
     "number of instances (for a cache: shards, keys split among them)"},
    {"cores", FT_INT, OFF(cores), K_MACHINES | K(CACHE), 1, 1024,
     "vCPUs per instance; overrides the size's figure"},
    {"memory", FT_GIB, OFF(memory_gib), K_MACHINES | K(CACHE), 0.125, 65536,
     "memory per instance; overrides the size's figure"},
    {"price", FT_MONEY_HOUR, OFF(price_hour),
     K_MACHINES | K(CACHE) | K(QUEUE) | K(LB) | K(CDN), 0, 1000,
     "USD per instance-hour; overrides the size's figure"},
    {"service", FT_ENUM_DIST, OFF(dist),
     K_MACHINES | K(CACHE) | K(QUEUE), 0, 0,
     "distribution of service times: exponential, constant, lognormal"},
    {"cv", FT_REAL, OFF(cv), K_MACHINES | K(CACHE) | K(QUEUE), 0, 10,
     "coefficient of variation of log-normal service times"},

    {"threads", FT_INT, OFF(threads), K_SERVERS, 1, 1000000,
     "threads per instance; each request holds one until it answers"},
    {"backlog", FT_INT, OFF(backlog), K_SERVERS, 0, 1000000,
     "requests that may wait for a thread, per instance; more are rejected"},
    {"cpu.static", FT_DURATION, OFF(cpu[REQ_STATIC]), K_SERVERS,
     0, DAY_NS, "CPU time of a static request, on one core"},
    {"cpu.read", FT_DURATION, OFF(cpu[REQ_READ]), K_SERVERS,
     0, DAY_NS, "CPU time of a read request, on one core"},
    {"cpu.write", FT_DURATION, OFF(cpu[REQ_WRITE]), K_SERVERS,
     0, DAY_NS, "CPU time of a write request, on one core"},
    {"cpu.task", FT_DURATION, OFF(cpu[REQ_TASK]), K_SERVERS,
     0, DAY_NS, "CPU time of a task request, on one core"},
    {"task-work", FT_DURATION, OFF(task_work), K_SERVERS, 0, DAY_NS,
     "slow work of a task (an email, an external API) done inline, "
     "holding the thread, when the server calls no queue"},
    {"serves", FT_KIND_SET, OFF(serves), K_SERVERS, 0, 0,
     "request kinds its callers send it (e.g. [read]); others skip it"},
    {"timeout", FT_DURATION, OFF(timeout), K_SERVERS, NS_PER_MS, DAY_NS,
     "a request slower than this at the server fails"},
    {"call-timeout", FT_DURATION, OFF(call_timeout), K_SERVERS, 0, DAY_NS,
     "give up on a call after this long (0: wait for the answer)"},
    {"retry.max", FT_INT, OFF(retries), K_SERVERS, 0, MAX_RETRIES,
     "retries of a failed or timed-out call, at most"},
    {"retry.backoff", FT_DURATION, OFF(backoff), K_SERVERS, 0, DAY_NS,
     "wait before the first retry; doubled before each next one"},
    {"retry.jitter", FT_BOOL, OFF(jitter), K_SERVERS, 0, 1,
     "wait a uniform share of the backoff instead of all of it"},
    {"retry.budget", FT_FRACTION, OFF(retry_budget), K_SERVERS, 0, 1,
     "retries allowed as a share of first tries (0: no budget)"},
    {"breaker.errors", FT_FRACTION, OFF(breaker_errors), K_SERVERS, 0, 1,
     "share of failed calls that opens the breaker (0: no breaker)"},
    {"breaker.window", FT_INT, OFF(breaker_window), K_SERVERS, 1, 1000000,
     "calls over which the failed share is measured"},
    {"breaker.open", FT_DURATION, OFF(breaker_open), K_SERVERS, NS_PER_MS,
     DAY_NS, "time the breaker stays open before one trial call"},

    {"policy", FT_ENUM_POLICY, OFF(policy), K(LB), 0, 0,
     "round-robin, least-connections, random or two-choices"},
    {"latency", FT_DURATION, OFF(lb_latency), K(LB), 0, 10.0 * NS_PER_S,
     "latency the balancer adds to each request"},
    {"health-check", FT_DURATION, OFF(health_interval), K(LB),
     NS_PER_MS, DAY_NS, "interval between health checks of each backend"},
    {"rate-limit", FT_RATE, OFF(rate_limit), K(LB), 0, 1e9,
     "requests per second let through, the rest refused (0: no limit)"},
    {"shed-queue", FT_INT, OFF(shed_queue), K(LB), 0, 1000000,
     "refuse a request when its backend has this many waiting (0: never)"},

    {"replicas", FT_INT, OFF(replicas), K(DATABASE), 0, 64,
     "read replicas; reads go to them, writes to the primary"},
    {"pool", FT_INT, OFF(pool), K(DATABASE), 1, 100000,
     "connections per database node; a query holds one"},
    {"pool-queue", FT_INT, OFF(pool_queue), K(DATABASE), 0, 1000000,
     "queries that may wait for a connection, per node; more are rejected"},
    {"read", FT_DURATION, OFF(read_time), K(DATABASE), 0, DAY_NS,
     "an indexed read, on one core"},
    {"scan", FT_DURATION, OFF(scan_time), K(DATABASE), 0, DAY_NS,
     "an unindexed read (a table scan), on one core"},
    {"write", FT_DURATION, OFF(write_time), K(DATABASE), 0, DAY_NS,
     "a write on the primary, on one core"},
    {"apply", FT_DURATION, OFF(apply_time), K(DATABASE), 0, DAY_NS,
     "a replica applying one write; writes apply one at a time, in order"},
    {"indexed", FT_BOOL, OFF(indexed), K(DATABASE), 0, 1,
     "whether reads use an index (read) or scan (scan)"},
    {"hot", FT_FRACTION, OFF(hot_share), K(DATABASE), 0, 1,
     "share of writes to hot rows, served one at a time under a lock"},

    {"capacity", FT_COUNT64, OFF(capacity), K(CACHE) | K(CDN), 1, 1e9,
     "items held (per shard, per edge); least recently used leave first"},
    {"keys", FT_COUNT64, OFF(keys), K(CACHE) | K(CDN), 1, 1e10,
     "distinct keys asked for, with Zipf popularity"},
    {"skew", FT_REAL, OFF(skew), K(CACHE) | K(CDN), 0.01, 5,
     "Zipf exponent of key popularity (1 is classic Zipf)"},
    {"op", FT_DURATION, OFF(op_time), K(CACHE), 0, 10.0 * NS_PER_S,
     "time of one cache operation on its single thread"},
    {"edge-rtt", FT_DURATION, OFF(edge_rtt), K(CDN), 0, 10.0 * NS_PER_S,
     "round trip from a user to the nearest edge"},

    {"publish", FT_DURATION, OFF(publish_time), K(QUEUE), 0, 10.0 * NS_PER_S,
     "latency of publishing one task to the broker"},
    {"max-rate", FT_RATE, OFF(max_rate), K(QUEUE), 0, 1e9,
     "publishes per second the broker accepts; 0 for no limit"},
    {"max-depth", FT_COUNT64, OFF(max_depth), K(QUEUE), 1, 1e8,
     "tasks the queue holds; a full queue rejects"},
    {"workers", FT_INT, OFF(workers), K(QUEUE), 1, 100000,
     "workers consuming tasks, one task each at a time"},
    {"task", FT_DURATION, OFF(task_time), K(QUEUE), 0, DAY_NS,
     "time a worker spends on one task"},

    /* Autoscaling: of a server's instances, of a queue's workers. */
    {"autoscale.target", FT_FRACTION, OFF(autoscale.target), K_SCALABLE,
     0.01, 0.99, "utilisation to keep: of the cores, or of the workers"},
    {"autoscale.min", FT_INT, OFF(autoscale.min), K_SCALABLE, 1, 10000,
     "fewest instances (queue: workers) autoscaling keeps"},
    {"autoscale.max", FT_INT, OFF(autoscale.max), K_SCALABLE, 0, 10000,
     "most instances (queue: workers); 0 turns autoscaling off"},
    {"autoscale.cooldown", FT_DURATION, OFF(autoscale.cooldown), K_SCALABLE,
     0, DAY_NS, "after a scaling action, time before any scale-in"},
    {"autoscale.delay", FT_DURATION, OFF(autoscale.delay), K_SCALABLE,
     0, DAY_NS, "provisioning: from ordering more to their first request"},
    {"autoscale.interval", FT_DURATION, OFF(autoscale.interval), K_SCALABLE,
     NS_PER_S, 3600.0 * NS_PER_S, "time between looks at the utilisation"},
};

const size_t scenario_nfields =
    sizeof scenario_fields / sizeof scenario_fields[0];

const struct field *field_find(const char *key, enum comp_kind kind)
{
    for (size_t i = 0; i < scenario_nfields; i++) {
        const struct field *f = &scenario_fields[i];

        if ((f->kinds & KINDS(kind)) && strcmp(f->key, key) == 0)
            return f;
    }
    return NULL;
}

/* --- Enum names ---------------------------------------------------------- */

static const char *const kind_names[KIND_COUNT] = {
    "server", "service", "lb", "database", "cache", "queue", "cdn",
};
static const char *const req_names[REQ_KIND_COUNT] = {
    "static", "read", "write", "task",
};
static const char *const policy_names[] = {
    "round-robin", "least-connections", "random", "two-choices",
};
static const char *const dist_names[] = {
    "exponential", "constant", "lognormal",
};
static const char *const failure_names[FAIL_KIND_COUNT] = {
    "instance", "component", "primary", "cache-flush", "region-latency",
    "workers", "slow", "partition", "spike",
};

/* The component kinds each failure can strike; a region's latency
 * strikes a region and a spike the users, so neither has any. */
static const unsigned failure_kinds[FAIL_KIND_COUNT] = {
    [FAIL_INSTANCE] = K_SERVERS,
    [FAIL_COMPONENT] = (1u << KIND_COUNT) - 1,
    [FAIL_PRIMARY] = K(DATABASE),
    [FAIL_CACHE_FLUSH] = K(CACHE) | K(CDN),
    [FAIL_REGION_LATENCY] = 0,
    [FAIL_WORKERS] = K(QUEUE),
    [FAIL_SLOW] = K_MACHINES | K(CACHE) | K(QUEUE),
    [FAIL_PARTITION] = (1u << KIND_COUNT) - 1,
    [FAIL_SPIKE] = 0,
};

bool failure_applies(enum failure_kind f, enum comp_kind kind)
{
    return (failure_kinds[f] & KINDS(kind)) != 0;
}

static int index_of(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *kind_name(enum comp_kind kind) { return kind_names[kind]; }
const char *req_kind_name(enum req_kind k) { return req_names[k]; }
const char *policy_name(enum lb_policy p) { return policy_names[p]; }
const char *dist_name(enum service_dist d) { return dist_names[d]; }
const char *failure_kind_name(enum failure_kind k)
{
    return failure_names[k];
}

int kind_from_name(const char *name)
{
    if (strcmp(name, "load-balancer") == 0)
        return KIND_LB;
    if (strcmp(name, "db") == 0)
        return KIND_DATABASE;
    return index_of(kind_names, KIND_COUNT, name);
}

int policy_from_name(const char *name)
{
    if (strcmp(name, "p2c") == 0 || strcmp(name, "power-of-two") == 0)
        return LB_P2C;
    return index_of(policy_names, 4, name);
}

int dist_from_name(const char *name)
{
    return index_of(dist_names, 3, name);
}

int failure_kind_from_name(const char *name)
{
    return index_of(failure_names, FAIL_KIND_COUNT, name);
}

/* --- Defaults -------------------------------------------------------------
 * The figures and their sources are in data/reference/README.md.
 */

static void server_defaults(struct component *c)
{
    snprintf(c->size, sizeof c->size, "c6i.large");
    c->threads = 200;
    c->backlog = 100;
    c->cpu[REQ_STATIC] = 1 * NS_PER_MS;
    c->cpu[REQ_READ] = 5 * NS_PER_MS;
    c->cpu[REQ_WRITE] = 8 * NS_PER_MS;
    c->cpu[REQ_TASK] = 5 * NS_PER_MS;
    c->task_work = 300 * NS_PER_MS;
    c->serves = ALL_REQ_KINDS;
    c->timeout = 5 * NS_PER_S;
    c->backoff = 50 * NS_PER_MS;
    c->jitter = true;
    c->breaker_window = 20;
    c->breaker_open = 5 * NS_PER_S;
}

static void database_defaults(struct component *c)
{
    snprintf(c->size, sizeof c->size, "db.t3.medium");
    c->pool = 20;
    c->pool_queue = 50;
    c->read_time = 2 * NS_PER_MS;
    c->scan_time = 40 * NS_PER_MS;
    c->write_time = 6 * NS_PER_MS;
    c->apply_time = 100 * NS_PER_US;
    c->indexed = true;
}

static void cache_defaults(struct component *c)
{
    snprintf(c->size, sizeof c->size, "cache.r6g.large");
    c->capacity = 100000;
    c->keys = 1000000;
    c->skew = 0.9;
    c->op_time = 10 * NS_PER_US;
}

static void queue_defaults(struct component *c)
{
    snprintf(c->size, sizeof c->size, "m7g.large");
    c->publish_time = 5 * NS_PER_MS;
    c->max_depth = 100000;
    c->workers = 4;
    c->task_time = 300 * NS_PER_MS;
}

static void cdn_defaults(struct component *c)
{
    c->capacity = 10000;
    c->keys = 100000;
    c->skew = 1.0;
    c->edge_rtt = 10 * NS_PER_MS;
    c->price_hour = 0.05;
}

void component_defaults(struct component *c, enum comp_kind kind)
{
    char name[NAME_BYTES];

    memcpy(name, c->name, sizeof name);
    memset(c, 0, sizeof *c);
    memcpy(c->name, name, sizeof name);
    c->kind = kind;
    c->instances = 1;
    c->dist = DIST_EXPONENTIAL;
    c->cv = 1.0;
    c->autoscale = (struct autoscale){
        .target = 0.6, .min = 1, .max = 0, .cooldown = 60 * NS_PER_S,
        .delay = 90 * NS_PER_S, .interval = 10 * NS_PER_S,
    };

    switch (kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        server_defaults(c);
        break;
    case KIND_LB:
        c->policy = LB_ROUND_ROBIN;
        c->lb_latency = 1 * NS_PER_MS;
        c->health_interval = 10 * NS_PER_S;
        c->price_hour = 0.0243;
        break;
    case KIND_DATABASE:
        database_defaults(c);
        break;
    case KIND_CACHE:
        cache_defaults(c);
        break;
    case KIND_QUEUE:
        queue_defaults(c);
        break;
    case KIND_CDN:
        cdn_defaults(c);
        break;
    case KIND_COUNT:
        break;
    }
    if (c->size[0])
        component_apply_size(c);
}

int component_apply_size(struct component *c)
{
    const struct instance_size *sz = reference_size(c->size);

    if (!sz)
        return -1;
    c->cores = sz->vcpus;
    c->memory_gib = sz->memory_gib;
    c->price_hour = sz->usd_hour;
    return 0;
}

void scenario_init(struct scenario *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "untitled");
    s->seed = 1;
    s->user_model = USERS_CLOSED;
    s->think = 10 * NS_PER_S;
    s->rate = 0.1;
    s->ramp.from = 1;
    s->ramp.to = 1e6;
    s->ramp.per_decade = 10;
    s->ramp.target = 0;             /* 0 = the ramp's end */
    s->mix[REQ_STATIC] = 0.0;
    s->mix[REQ_READ] = 0.80;
    s->mix[REQ_WRITE] = 0.15;
    s->mix[REQ_TASK] = 0.05;
    s->hop = 500 * NS_PER_US;
    s->objectives.p99 = 500 * NS_PER_MS;
    s->objectives.errors = 0.001;
    s->entry = -1;
}

void scenario_free(struct scenario *s)
{
    free(s->description);
    free(s->components);
    s->description = NULL;
    s->components = NULL;
    s->ncomponents = 0;
    s->cap_components = 0;
}

int scenario_copy(struct scenario *dst, const struct scenario *src)
{
    *dst = *src;
    dst->description = NULL;
    dst->components = NULL;
    dst->cap_components = 0;

    if (src->description) {
        dst->description = strdup(src->description);
        if (!dst->description)
            return -1;
    }
    if (src->ncomponents > 0) {
        size_t bytes = (size_t)src->ncomponents * sizeof *src->components;

        dst->components = malloc(bytes);
        if (!dst->components) {
            free(dst->description);
            dst->description = NULL;
            return -1;
        }
        memcpy(dst->components, src->components, bytes);
        dst->cap_components = src->ncomponents;
    }
    return 0;
}

struct component *scenario_add(struct scenario *s, enum comp_kind kind,
                               const char *name)
{
    struct component *c;

    if (s->ncomponents >= MAX_COMPONENTS)
        return NULL;
    if (s->ncomponents == s->cap_components) {
        int cap = s->cap_components ? s->cap_components * 2 : 8;
        struct component *grown =
            realloc(s->components, (size_t)cap * sizeof *grown);

        if (!grown)
            return NULL;
        s->components = grown;
        s->cap_components = cap;
    }
    c = &s->components[s->ncomponents++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    component_defaults(c, kind);
    return c;
}

int scenario_find(const struct scenario *s, const char *name)
{
    for (int i = 0; i < s->ncomponents; i++)
        if (strcmp(s->components[i].name, name) == 0)
            return i;
    return -1;
}

bool component_autoscales(const struct component *c)
{
    bool scalable = c->kind == KIND_SERVER || c->kind == KIND_SERVICE ||
                    c->kind == KIND_QUEUE;

    return scalable && c->autoscale.max > 0;
}

int component_start_count(const struct component *c)
{
    int n = c->kind == KIND_QUEUE ? c->workers : c->instances;

    if (!component_autoscales(c))
        return n;
    if (n < c->autoscale.min)
        n = c->autoscale.min;
    return n > c->autoscale.max ? c->autoscale.max : n;
}

/* --- Validation ---------------------------------------------------------- */

/* Prefix a message with where it was written, when that is known. */
static void where(char *err, size_t errlen, const struct scenario *s,
                  struct src_pos pos, const char *msg)
{
    if (pos.line > 0 && s->source[0])
        snprintf(err, errlen, "%s:%d:%d: %s", s->source, pos.line,
                 pos.column, msg);
    else if (s->source[0])
        snprintf(err, errlen, "%s: %s", s->source, msg);
    else
        snprintf(err, errlen, "%s", msg);
}

/* Components by name, for finding each call's target in log time: a
 * design of 10^4 components with 16 calls each would otherwise cost 10^9
 * comparisons on every edit. Ties keep file order, so the first of two
 * equal names wins, as in scenario_find(). */
struct named {
    const char *name;
    int index;
};

static int named_order(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int by_name = strcmp(x->name, y->name);

    return by_name ? by_name : (x->index > y->index) - (x->index < y->index);
}

static int named_find(const struct named *sorted, int n, const char *name)
{
    int lo = 0, hi = n;

    while (lo < hi) {               /* the first entry not below name */
        int mid = lo + (hi - lo) / 2;

        if (strcmp(sorted[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(sorted[lo].name, name) == 0 ? sorted[lo].index
                                                        : -1;
}

static int resolve_calls(struct scenario *s, char *err, size_t errlen)
{
    char msg[2 * NAME_BYTES + 80];
    struct named *sorted = malloc(((size_t)s->ncomponents + 1) *
                                  sizeof *sorted);

    if (!sorted) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < s->ncomponents; i++)
        sorted[i] = (struct named){s->components[i].name, i};
    qsort(sorted, (size_t)s->ncomponents, sizeof *sorted, named_order);
    for (int i = 0; i < s->ncomponents; i++) {
        struct component *c = &s->components[i];

        for (int j = 0; j < c->ncalls; j++) {
            int to = named_find(sorted, s->ncomponents, c->call_names[j]);

            if (to < 0) {
                snprintf(msg, sizeof msg,
                         "component '%s' calls '%s', which does not exist",
                         c->name, c->call_names[j]);
                where(err, errlen, s, c->call_pos[j], msg);
                free(sorted);
                return -1;
            }
            c->calls[j] = to;
        }
    }
    free(sorted);
    return 0;
}

/* Depth-first search for a cycle; state: 0 new, 1 on the path, 2 done. */
static int find_cycle(const struct scenario *s, int at, unsigned char *state,
                      int *path, int depth, int *cycle_start)
{
    const struct component *c = &s->components[at];

    state[at] = 1;
    path[depth] = at;
    for (int j = 0; j < c->ncalls; j++) {
        int to = c->calls[j];

        if (state[to] == 1) {
            *cycle_start = to;
            return depth + 1;
        }
        if (state[to] == 0) {
            int len = find_cycle(s, to, state, path, depth + 1, cycle_start);

            if (len > 0)
                return len;
        }
    }
    state[at] = 2;
    return 0;
}

static void describe_cycle(const struct scenario *s, const int *path,
                           int len, int start, char *out, size_t outlen)
{
    size_t used = 0;
    int i = 0;

    while (i < len && path[i] != start)
        i++;
    out[0] = '\0';
    for (; i < len && used < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s -> ",
                                 s->components[path[i]].name);
    if (used < outlen)
        snprintf(out + used, outlen - used, "%s",
                 s->components[start].name);
}

static int check_cycles(struct scenario *s, char *err, size_t errlen)
{
    int n = s->ncomponents;
    unsigned char *state = calloc((size_t)n + 1, 1);
    int *path = malloc(((size_t)n + 1) * sizeof *path);
    int result = 0;

    if (!state || !path) {
        snprintf(err, errlen, "out of memory");
        free(state);
        free(path);
        return -1;
    }
    for (int i = 0; i < n && result == 0; i++) {
        int start = -1;
        int len = state[i] ? 0 : find_cycle(s, i, state, path, 0, &start);

        if (len > 0) {
            char cycle[1024], msg[1200];

            describe_cycle(s, path, len, start, cycle, sizeof cycle);
            snprintf(msg, sizeof msg, "calls form a cycle: %s", cycle);
            where(err, errlen, s, s->components[start].pos, msg);
            result = -1;
        }
    }
    free(state);
    free(path);
    return result;
}

static int check_shares(struct scenario *s, char *err, size_t errlen)
{
    double sum = 0;
    char msg[256];

    for (int k = 0; k < REQ_KIND_COUNT; k++)
        sum += s->mix[k];
    if (fabs(sum - 1.0) > 1e-6) {
        snprintf(msg, sizeof msg,
                 "mix: shares static %g%%, read %g%%, write %g%%, "
                 "task %g%% add up to %g%%, not 100%%",
                 s->mix[0] * 100, s->mix[1] * 100, s->mix[2] * 100,
                 s->mix[3] * 100, sum * 100);
        where(err, errlen, s, (struct src_pos){0, 0}, msg);
        return -1;
    }
    if (s->nregions == 0)
        return 0;
    sum = 0;
    for (int r = 0; r < s->nregions; r++)
        sum += s->regions[r].share;
    if (fabs(sum - 1.0) > 1e-6) {
        snprintf(msg, sizeof msg,
                 "regions: shares add up to %g%%, not 100%%", sum * 100);
        where(err, errlen, s, s->regions[0].pos, msg);
        return -1;
    }
    return 0;
}

static int check_ramp(struct scenario *s, char *err, size_t errlen)
{
    char msg[256];

    if (s->ramp.from > s->ramp.to) {
        snprintf(msg, sizeof msg,
                 "ramp: from (%g users) is larger than to (%g users)",
                 s->ramp.from, s->ramp.to);
        where(err, errlen, s, (struct src_pos){0, 0}, msg);
        return -1;
    }
    if (s->ramp.target == 0)
        s->ramp.target = s->ramp.to;
    return 0;
}

static int resolve_entry(struct scenario *s, char *err, size_t errlen)
{
    char msg[NAME_BYTES + 64];

    if (s->entry_name[0] == '\0') {
        s->entry = s->ncomponents > 0 ? 0 : -1;
        return 0;
    }
    s->entry = scenario_find(s, s->entry_name);
    if (s->entry < 0) {
        snprintf(msg, sizeof msg, "entry: no component is called '%s'",
                 s->entry_name);
        where(err, errlen, s, (struct src_pos){0, 0}, msg);
        return -1;
    }
    return 0;
}

/*
 * Levels a request needs below component c: a server or service holds a
 * level and gives one to each callee; a balancer or CDN passes the
 * request on in its caller's level; the others are leaves. Calls form no
 * cycle here (checked before), so the recursion ends. On the deepest
 * path, next[c] is the callee that makes it deepest.
 */
static int levels_below(const struct scenario *s, int c, int *memo,
                        int *next)
{
    const struct component *comp = &s->components[c];
    bool holds = comp->kind == KIND_SERVER || comp->kind == KIND_SERVICE;
    int deepest = 0;

    if (memo[c] >= 0)
        return memo[c];
    next[c] = -1;
    for (int j = 0; j < comp->ncalls; j++) {
        int d = levels_below(s, comp->calls[j], memo, next);

        if (d > deepest) {
            deepest = d;
            next[c] = comp->calls[j];
        }
    }
    if (comp->kind == KIND_LB || comp->kind == KIND_CDN)
        memo[c] = deepest;
    else
        memo[c] = holds ? 1 + deepest : 1;
    return memo[c];
}

static int check_depth(struct scenario *s, char *err, size_t errlen)
{
    int n = s->ncomponents, depth;
    int *memo = malloc(((size_t)n + 1) * sizeof *memo);
    int *next = malloc(((size_t)n + 1) * sizeof *next);
    char chain[1024] = "", msg[1200];

    if (!memo || !next) {
        free(memo);
        free(next);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++)
        memo[i] = -1;
    depth = s->entry >= 0 ? levels_below(s, s->entry, memo, next) : 0;
    if (depth > MAX_CALL_DEPTH) {
        size_t used = 0;

        for (int c = s->entry; c >= 0 && used < sizeof chain; c = next[c])
            used += (size_t)snprintf(chain + used, sizeof chain - used,
                                     "%s%s", used ? " -> " : "",
                                     s->components[c].name);
        snprintf(msg, sizeof msg, "calls nest %d deep (%s); a request "
                 "can wait on at most %d components at once", depth, chain,
                 MAX_CALL_DEPTH);
        where(err, errlen, s, s->components[s->entry].pos, msg);
    }
    free(memo);
    free(next);
    return depth > MAX_CALL_DEPTH ? -1 : 0;
}

/* An autoscaled component's range must hold at least one count. */
static int check_autoscale(const struct scenario *s, char *err,
                           size_t errlen)
{
    char msg[NAME_BYTES + 128];

    for (int i = 0; i < s->ncomponents; i++) {
        const struct component *c = &s->components[i];

        if (!component_autoscales(c) || c->autoscale.min <= c->autoscale.max)
            continue;
        snprintf(msg, sizeof msg, "component '%s': autoscale.min (%d) is "
                 "above autoscale.max (%d)", c->name, c->autoscale.min,
                 c->autoscale.max);
        where(err, errlen, s, c->pos, msg);
        return -1;
    }
    return 0;
}

int scenario_validate(struct scenario *s, char *err, size_t errlen)
{
    if (resolve_calls(s, err, errlen) < 0)
        return -1;
    if (check_autoscale(s, err, errlen) < 0)
        return -1;
    if (check_cycles(s, err, errlen) < 0)
        return -1;
    if (check_shares(s, err, errlen) < 0)
        return -1;
    if (check_ramp(s, err, errlen) < 0)
        return -1;
    if (resolve_entry(s, err, errlen) < 0)
        return -1;
    return check_depth(s, err, errlen);
}

int scenario_unreachable(const struct scenario *s, int *out, int max)
{
    int n = s->ncomponents, head = 0, tail = 0, count = 0;
    int *queue;
    unsigned char *seen;

    if (n == 0 || s->entry < 0 || s->entry >= n)
        return 0;
    queue = malloc((size_t)n * sizeof *queue);
    seen = calloc((size_t)n, 1);
    if (!queue || !seen) {
        free(queue);
        free(seen);
        return 0;
    }
    /* Breadth first from the entry, along the calls. */
    seen[s->entry] = 1;
    queue[tail++] = s->entry;
    while (head < tail) {
        const struct component *c = &s->components[queue[head++]];

        for (int j = 0; j < c->ncalls; j++)
            if (c->calls[j] >= 0 && c->calls[j] < n && !seen[c->calls[j]]) {
                seen[c->calls[j]] = 1;
                queue[tail++] = c->calls[j];
            }
    }
    for (int i = 0; i < n; i++)
        if (!seen[i]) {
            if (count < max)
                out[count] = i;
            count++;
        }
    free(queue);
    free(seen);
    return count;
}

/* --- Cost ---------------------------------------------------------------- */

#define HOURS_PER_MONTH 730.0

double scenario_monthly_cost(const struct scenario *s)
{
    return scenario_monthly_cost_scaled(s, NULL);
}

double scenario_monthly_cost_scaled(const struct scenario *s,
                                    const double *instances)
{
    double per_hour = 0;

    for (int i = 0; i < s->ncomponents; i++) {
        const struct component *c = &s->components[i];
        double machines = c->instances;

        /* A queue's workers cost nothing beyond its broker's price. */
        if (component_autoscales(c) && c->kind != KIND_QUEUE)
            machines = instances ? instances[i] : component_start_count(c);
        else if (c->kind == KIND_DATABASE)
            machines = 1 + c->replicas;
        else if (c->kind == KIND_CDN)
            machines = s->nregions > 0 ? s->nregions : 1;
        per_hour += machines * c->price_hour;
    }
    return per_hour * HOURS_PER_MONTH;
}
