/*
 * scenario.h - the design a user builds: users, regions, request mix,
 * objectives, components and their calls, scheduled failures.
 *
 * A struct scenario owns everything it points to; scenario_free() releases
 * it. Settings of components are described once, in the field table
 * (scenario_fields), which the YAML loader, the exporter, the validator and
 * the forms of the TUI all read, so a key has one name, one unit, one
 * default and one range everywhere.
 */
#ifndef ARCHSIM_SCENARIO_H
#define ARCHSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_ns;             /* simulated time in nanoseconds */

#define NS_PER_US  1000LL
#define NS_PER_MS  1000000LL
#define NS_PER_S   1000000000LL

#define NAME_BYTES      256         /* names are UTF-8; 255 bytes at most */
#define MAX_CALLS       16
#define MAX_REGIONS     16
#define MAX_COMPONENTS  10000
#define MAX_FAILURES    64
#define MAX_CALL_DEPTH  4           /* nested synchronous calls */
#define MAX_RETRIES     15          /* per call: a request keeps 4 bits */

enum comp_kind {
    KIND_SERVER,
    KIND_SERVICE,                   /* a named server in a split system */
    KIND_LB,
    KIND_DATABASE,
    KIND_CACHE,
    KIND_QUEUE,
    KIND_CDN,
    KIND_COUNT
};

enum req_kind { REQ_STATIC, REQ_READ, REQ_WRITE, REQ_TASK, REQ_KIND_COUNT };

enum lb_policy { LB_ROUND_ROBIN, LB_LEAST_CONN, LB_RANDOM, LB_P2C };

enum user_model { USERS_CLOSED, USERS_OPEN };

/* How service times are drawn around their mean. */
enum service_dist { DIST_EXPONENTIAL, DIST_CONSTANT, DIST_LOGNORMAL };

/* Where something was written in its file, for messages after loading. */
struct src_pos {
    int line;                       /* 1-based; 0 when not from a file */
    int column;
};

/*
 * Autoscaling by target tracking (src/autoscale.c): servers and services
 * scale their instances, queues their workers, between min and max. It
 * is off while max is 0.
 */
struct autoscale {
    double target;                  /* utilisation aimed at, 0..1 */
    int min, max;                   /* max 0: a fixed count */
    sim_ns cooldown;                /* after a change, before a scale-in */
    sim_ns delay;                   /* ordered until it takes requests */
    sim_ns interval;                /* between evaluations */
};

struct component {
    char name[NAME_BYTES];
    enum comp_kind kind;
    struct src_pos pos;

    /* Servers, services, databases: machine size and count. */
    char size[64];                  /* a name from data/reference */
    int instances;
    int cores;                      /* vCPUs per instance (from size) */
    double memory_gib;              /* per instance (from size) */
    double price_hour;              /* USD per instance-hour (from size) */
    enum service_dist dist;
    double cv;                      /* coefficient of variation, lognormal */

    /* Servers and services. */
    int threads;                    /* per instance, held per request */
    int backlog;                    /* waiting for a thread, per instance */
    sim_ns cpu[REQ_KIND_COUNT];     /* CPU time per request kind */
    sim_ns task_work;               /* slow work of a task done inline */
    unsigned serves;                /* request kinds callers send here,
                                     * as 1 << req_kind; default all */
    sim_ns timeout;

    /* Servers and services: how they call others (see models/server.c). */
    sim_ns call_timeout;            /* per attempt; 0 = wait for the answer */
    int retries;                    /* of a failed call, at most */
    sim_ns backoff;                 /* before the first retry; doubles */
    bool jitter;                    /* full jitter: uniform in [0, backoff) */
    double retry_budget;            /* retries per first try; 0 = no budget */
    double breaker_errors;          /* failed share that opens; 0 = none */
    int breaker_window;             /* calls that share is measured over */
    sim_ns breaker_open;            /* open this long, then one probe */

    /* Load balancers. */
    enum lb_policy policy;
    sim_ns lb_latency;
    sim_ns health_interval;
    double rate_limit;              /* requests/s let through; 0 = none */
    int shed_queue;                 /* shed when the backend has this many
                                     * waiting for a thread; 0 = never */

    /* Databases. */
    int replicas;
    int pool;                       /* connections per node */
    int pool_queue;                 /* waiting for a connection, per node */
    sim_ns read_time;               /* indexed read */
    sim_ns scan_time;               /* unindexed read */
    sim_ns write_time;
    sim_ns apply_time;              /* a replica applying one write */
    bool indexed;
    double hot_share;               /* share of writes on hot rows */

    /* Caches and CDN edges. */
    int64_t capacity;               /* items */
    int64_t keys;                   /* key space */
    double skew;                    /* Zipf exponent */
    sim_ns op_time;                 /* cache operation */
    sim_ns edge_rtt;                /* CDN: user to nearest edge */

    /* Queues. */
    sim_ns publish_time;
    double max_rate;                /* publishes per second; 0 = none */
    int64_t max_depth;
    int workers;
    sim_ns task_time;

    /* Servers, services and queues. */
    struct autoscale autoscale;

    /* Calls, by name as written and resolved to component indexes. */
    int ncalls;
    char call_names[MAX_CALLS][NAME_BYTES];
    struct src_pos call_pos[MAX_CALLS];
    int calls[MAX_CALLS];

    /* Placement in the diagram; placed is false until the user moves it. */
    bool placed;
    int x, y;
};

struct region {
    char name[NAME_BYTES];
    double share;                   /* fraction of users, 0..1 */
    sim_ns rtt;                     /* round trip to the origin */
    struct src_pos pos;
};

enum failure_kind {
    FAIL_INSTANCE,                  /* one instance crashes */
    FAIL_COMPONENT,                 /* the whole component is down */
    FAIL_PRIMARY,                   /* database primary; replica promoted */
    FAIL_CACHE_FLUSH,               /* the cache empties */
    FAIL_REGION_LATENCY,            /* a region's rtt rises */
    FAIL_WORKERS,                   /* queue workers stall */
    FAIL_SLOW,                      /* a dependency slows by a factor */
    FAIL_PARTITION,                 /* two components cut off */
    FAIL_SPIKE,                     /* users multiplied by a factor */
    FAIL_KIND_COUNT
};

struct failure {
    sim_ns at;
    sim_ns duration;                /* 0 = until the end */
    enum failure_kind kind;
    char component[NAME_BYTES];     /* or region name; "" for a spike */
    char peer[NAME_BYTES];          /* FAIL_PARTITION: the other side */
    double factor;                  /* slow, region-latency, spike */
    struct src_pos pos;
};

struct ramp {
    double from;                    /* users */
    double to;
    int per_decade;
    double target;                  /* users where objectives must hold */
};

struct objectives {
    sim_ns p99;                     /* 0 = no objective */
    double errors;                  /* fraction, e.g. 0.001 */
    double budget;                  /* USD per month; 0 = none */
};

struct scenario {
    char name[NAME_BYTES];
    char *description;              /* owned; may be NULL */
    char source[1024];              /* file it was loaded from, or "" */
    uint64_t seed;

    enum user_model user_model;
    sim_ns think;                   /* closed users: mean think time */
    double rate;                    /* open users: requests/s per user */
    struct ramp ramp;

    int nregions;
    struct region regions[MAX_REGIONS];

    double mix[REQ_KIND_COUNT];     /* shares, sum to 1 */
    sim_ns hop;                     /* round trip between components */

    struct objectives objectives;

    char entry_name[NAME_BYTES];    /* "" = first component */
    int entry;                      /* resolved index */

    int ncomponents;
    int cap_components;
    struct component *components;   /* owned array */

    int nfailures;
    struct failure failures[MAX_FAILURES];
};

/* --- The field table: one row per component setting. ------------------ */

enum field_type {
    FT_INT,                         /* integer count, k/M suffixes */
    FT_COUNT64,                     /* 64-bit count, k/M/G suffixes */
    FT_DURATION,                    /* ns/us/ms/s/m/h */
    FT_FRACTION,                    /* 5% or 0.05 */
    FT_REAL,                        /* plain number */
    FT_RATE,                        /* per second: 5k/s or 5000 */
    FT_BOOL,                        /* true/false only */
    FT_GIB,                         /* memory: MiB/GiB/TiB */
    FT_MONEY_HOUR,                  /* USD per hour */
    FT_ENUM_POLICY,
    FT_ENUM_DIST,
    FT_SIZE_NAME,                   /* instance size from data/reference */
    FT_KIND_SET,                    /* list of request kinds, or "all" */
};

#define ALL_REQ_KINDS ((1u << REQ_KIND_COUNT) - 1)

/* Which kinds a field applies to, as a bit mask of 1 << comp_kind. */
#define KINDS(k)    (1u << (k))
#define K_SERVERS   (KINDS(KIND_SERVER) | KINDS(KIND_SERVICE))
#define K_MACHINES  (K_SERVERS | KINDS(KIND_DATABASE))
#define K_SCALABLE  (K_SERVERS | KINDS(KIND_QUEUE))

struct field {
    const char *key;                /* as written in the file */
    enum field_type type;
    size_t offset;                  /* into struct component */
    unsigned kinds;
    double min, max;                /* allowed range, in base units */
    const char *help;               /* one line for forms and the man page */
};

extern const struct field scenario_fields[];
extern const size_t scenario_nfields;

/* Find a field by key that applies to kind; NULL when there is none. */
const struct field *field_find(const char *key, enum comp_kind kind);

/* --- Names of enums, for files, messages and output. ------------------- */

const char *kind_name(enum comp_kind kind);
int kind_from_name(const char *name);              /* -1 when unknown */
const char *req_kind_name(enum req_kind kind);
const char *policy_name(enum lb_policy policy);
int policy_from_name(const char *name);
const char *dist_name(enum service_dist dist);
int dist_from_name(const char *name);
const char *failure_kind_name(enum failure_kind kind);
int failure_kind_from_name(const char *name);

/* Whether failure f can strike a component of kind (instance a server,
 * workers a queue...); false for region-latency and spike, which strike
 * no component. */
bool failure_applies(enum failure_kind f, enum comp_kind kind);

/* --- Life cycle. -------------------------------------------------------- */

/* A scenario with defaults everywhere and no components. */
void scenario_init(struct scenario *s);
void scenario_free(struct scenario *s);

/* Deep copy; returns 0, or -1 when out of memory. */
int scenario_copy(struct scenario *dst, const struct scenario *src);

/* Append a component of kind with its defaults; returns it, or NULL when
 * out of memory or at MAX_COMPONENTS. The pointer is valid until the next
 * add. */
struct component *scenario_add(struct scenario *s, enum comp_kind kind,
                               const char *name);

/* Set the defaults of a component of its kind (size figures included). */
void component_defaults(struct component *c, enum comp_kind kind);

/* Apply the figures of c->size from data/reference; -1 if unknown. */
int component_apply_size(struct component *c);

int scenario_find(const struct scenario *s, const char *name);

/* Whether c autoscales: a server, service or queue with autoscale.max. */
bool component_autoscales(const struct component *c);

/* The instances (a queue: workers) c starts with: its instances or
 * workers setting, kept within min and max when it autoscales. */
int component_start_count(const struct component *c);

/*
 * Resolve call names and the entry, and check the design as a whole: calls
 * to unknown components, a cycle of synchronous calls, shares that do not
 * add up, a ramp whose from exceeds its to. On the first problem, writes a
 * message into err (with file:line:column when known) and returns -1.
 */
int scenario_validate(struct scenario *s, char *err, size_t errlen);

/*
 * The components no request reaches: neither the entry nor called from
 * it, directly or through others. The first max of their indexes go to
 * out, in the order of the file; returns how many there are (0 also when
 * there is no entry, or when out of memory). s must be validated.
 */
int scenario_unreachable(const struct scenario *s, int *out, int max);

/* Monthly cost in USD of everything the design runs (730 hours), an
 * autoscaled server at the count it starts with. */
double scenario_monthly_cost(const struct scenario *s);

/* The same with each autoscaled server or service i priced at
 * instances[i] (a time average, say) instead; instances has one entry
 * per component and may be NULL. */
double scenario_monthly_cost_scaled(const struct scenario *s,
                                    const double *instances);

#endif
