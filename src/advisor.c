/*
 * advisor.c - the bottleneck of a step, the remedy the journey suggests,
 * a what-if re-simulation of that remedy, and M/M/c beside the figures.
 *
 * The bottleneck is the component turning away the most requests, else
 * the busiest one; a server whose threads are all held while its own
 * cores have room is waiting on something below it, and the busiest
 * saturated component below it is named instead. The remedies follow the
 * journey's order (a bigger machine, more machines behind a balancer,
 * replicas, a cache, a queue, a CDN, services), each only where the
 * figures say it would relieve the resource that runs out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advisor.h"
#include "reference.h"
#include "report.h"

/* Thresholds, as fractions of a resource. */
#define SATURATED   0.85            /* a resource this busy is the limit */
#define FULL        0.90            /* a pool this held is full */
#define IDLE        0.20            /* below this at the target: spare */
#define SOME_ERRORS 1e-4            /* share of requests turned away */
#define TASK_SHARE  0.25            /* inline task work worth a queue */
#define STATIC_SHARE 0.10           /* static requests worth a CDN */

static bool is_server(enum comp_kind k)
{
    return k == KIND_SERVER || k == KIND_SERVICE;
}

static const char *cname(const struct scenario *sc, int c)
{
    return c >= 0 && c < sc->ncomponents ? sc->components[c].name : "-";
}

static double pct(double f)
{
    return f * 100;
}

/* The errors a component causes itself: not those of a call that timed
 * out, met an open breaker or a partition, whose source is the callee. */
static double comp_errors(const struct comp_result *cr)
{
    return cr->errors - cr->call_errors;
}

/* The cause of most of a component's errors. */
static int top_cause(const struct comp_result *cr)
{
    int best = -1;

    for (int k = 0; k < ERR_CAUSE_COUNT; k++)
        if (cr->by_cause[k] && (best < 0 || cr->by_cause[k] >
                                                cr->by_cause[best]))
            best = k;
    return best;
}

static const char *cause_phrase(int cause)
{
    switch (cause) {
    case ERR_BACKLOG:
        return "turned away with every thread busy and the backlog full";
    case ERR_POOL:
        return "rejected for want of a connection";
    case ERR_QUEUE_FULL:
        return "refused by a full queue";
    case ERR_BROKER:
        return "refused by the broker's rate limit";
    case ERR_TIMEOUT:
        return "answered too late, after the timeout";
    case ERR_OVERLOAD:
        return "dropped at the simulator's bound on requests in flight";
    case ERR_NO_BACKEND:
        return "left with nothing healthy to go to";
    default:
        return "failed";
    }
}

/* Share of the step's requests that a component turned away. */
static double rejected_share(const struct step_result *st,
                             const struct comp_result *cr)
{
    double sent = st->offered;

    return sent > 0 ? fmin(1, comp_errors(cr) / sent) : 0;
}

/* Whether component `from` calls `to` directly. */
static bool calls(const struct component *from, int to)
{
    for (int j = 0; j < from->ncalls; j++)
        if (from->calls[j] == to)
            return true;
    return false;
}

/* The busiest component below c (through balancers), util at least min;
 * -1 when none. Depth is bounded: validation refuses cycles. */
static int busiest_below(const struct scenario *sc,
                         const struct step_result *st, int c, double min,
                         int depth)
{
    const struct component *comp = &sc->components[c];
    int best = -1;
    double best_util = min;

    if (depth > MAX_CALL_DEPTH + 4)
        return -1;
    for (int j = 0; j < comp->ncalls; j++) {
        int to = comp->calls[j];
        int deeper = busiest_below(sc, st, to, min, depth + 1);

        if (st->comps[to].util >= best_util &&
            sc->components[to].kind != KIND_LB &&
            sc->components[to].kind != KIND_CDN) {
            best = to;
            best_util = st->comps[to].util;
        }
        if (deeper >= 0 && st->comps[deeper].util > best_util) {
            best = deeper;
            best_util = st->comps[deeper].util;
        }
    }
    return best;
}

/* What a size is sold as: a database ("db."), a cache ("cache.") or a
 * machine; a bigger size is only ever one of the same. */
static int product_of(const char *name)
{
    if (strncmp(name, "db.", 3) == 0)
        return 1;
    if (strncmp(name, "cache.", 6) == 0)
        return 2;
    return 0;
}

/* A size of the same family (the name up to its last dot) with more
 * vCPUs: the smallest such; past the family's largest, the smallest
 * bigger one of another family of the same product (db.t3.medium grows
 * into db.r6g.xlarge); else NULL. */
static const struct instance_size *next_size(const char *size)
{
    const struct instance_size *now = reference_size(size);
    const char *dot = strrchr(size, '.');
    const struct instance_size *best = NULL, *other = NULL;
    size_t fam;

    if (!now || !dot)
        return NULL;
    fam = (size_t)(dot - size) + 1;
    for (int i = 0; i < reference_nsizes; i++) {
        const struct instance_size *z = &reference_sizes[i];
        bool same = strncmp(z->name, size, fam) == 0 &&
                    !strchr(z->name + fam, '.');

        if (z->vcpus <= now->vcpus)
            continue;
        if (same && (!best || z->vcpus < best->vcpus))
            best = z;
        if (!same && product_of(z->name) == product_of(size) &&
            (!other || z->vcpus < other->vcpus ||
             (z->vcpus == other->vcpus && z->usd_hour < other->usd_hour)))
            other = z;
    }
    return best ? best : other;
}

/* Request kinds that reach a component, as shares of all requests:
 * servers at the top see every kind, services only those they serve
 * (never static: nothing calls a service for a file). */
static void kinds_at(const struct scenario *sc, int c, double *share)
{
    const struct component *comp = &sc->components[c];
    bool top = comp->kind == KIND_SERVER;

    for (int k = 0; k < REQ_KIND_COUNT; k++) {
        bool in = (comp->serves >> k) & 1;

        if (!top && k == REQ_STATIC)
            in = false;
        share[k] = in ? sc->mix[k] : 0;
    }
}

/* Mean CPU per request at a server, and the part of it for one kind. */
static double cpu_share(const struct scenario *sc, int c, int kind)
{
    const struct component *comp = &sc->components[c];
    double share[REQ_KIND_COUNT], total = 0;

    kinds_at(sc, c, share);
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        total += share[k] * (double)comp->cpu[k];
    return total > 0 ? share[kind] * (double)comp->cpu[kind] / total : 0;
}

static bool takes_tasks(const struct component *c)
{
    if (is_server(c->kind))
        return (c->serves >> REQ_TASK) & 1;
    return c->kind == KIND_QUEUE || c->kind == KIND_LB;
}

/* The share of a server's own thread time (CPU and inline work, without
 * waiting) that inline task work holds. */
static double task_thread_share(const struct scenario *sc, int c)
{
    const struct component *comp = &sc->components[c];
    double share[REQ_KIND_COUNT], total = 0, task;

    for (int j = 0; j < comp->ncalls; j++)
        if (takes_tasks(&sc->components[comp->calls[j]]))
            return 0;
    kinds_at(sc, c, share);
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        total += share[k] * (double)comp->cpu[k];
    task = share[REQ_TASK] * (double)comp->task_work;
    total += task;
    return total > 0 ? task / total : 0;
}

static int find_kind(const struct scenario *sc, enum comp_kind kind)
{
    for (int i = 0; i < sc->ncomponents; i++)
        if (sc->components[i].kind == kind)
            return i;
    return -1;
}

/* A cache that some caller of db consults first, or -1. */
static int cache_before(const struct scenario *sc, int db)
{
    for (int i = 0; i < sc->ncomponents; i++) {
        const struct component *c = &sc->components[i];

        if (!is_server(c->kind) || !calls(c, db))
            continue;
        for (int j = 0; j < c->ncalls; j++)
            if (sc->components[c->calls[j]].kind == KIND_CACHE)
                return c->calls[j];
    }
    return -1;
}

/* Share of a database's work that is reads, from the mix, the query
 * times and the hit ratio of a cache in front. */
static double read_work_share(const struct scenario *sc,
                              const struct step_result *st, int db)
{
    const struct component *c = &sc->components[db];
    int cache = cache_before(sc, db);
    double hit = cache >= 0 && st->comps[cache].hit_ratio > 0
                     ? st->comps[cache].hit_ratio : 0;
    double reads = sc->mix[REQ_READ] * (1 - hit) *
                   (double)(c->indexed ? c->read_time : c->scan_time);
    double writes = sc->mix[REQ_WRITE] * (double)c->write_time;

    return reads + writes > 0 ? reads / (reads + writes) : 0;
}

/* Whether each replica has more work than the primary: the primary
 * takes the writes, the replicas share the reads that reach the
 * database. */
static bool replicas_busier(const struct scenario *sc,
                            const struct step_result *st, int db)
{
    const struct component *c = &sc->components[db];
    int cache = cache_before(sc, db);
    double hit, reads, writes;

    if (c->replicas == 0)
        return false;
    hit = cache >= 0 && st->comps[cache].hit_ratio > 0
              ? st->comps[cache].hit_ratio : 0;
    reads = sc->mix[REQ_READ] * (1 - hit) *
            (double)(c->indexed ? c->read_time : c->scan_time);
    writes = sc->mix[REQ_WRITE] * (double)c->write_time;
    return reads / c->replicas > writes;
}

/* --- The bottleneck ------------------------------------------------------ */

int advisor_knee(const struct ramp_result *res)
{
    if (res->nsteps <= 0)
        return -1;
    return res->first_broken >= 0 ? res->first_broken : res->nsteps - 1;
}

static const char *resource_name(enum neck_resource r)
{
    switch (r) {
    case NECK_CORES:
        return "cores";
    case NECK_THREADS:
        return "threads";
    case NECK_CONNECTIONS:
        return "connections";
    case NECK_LOCK:
        return "hot-row lock";
    case NECK_CACHE_THREAD:
        return "thread";
    case NECK_WORKERS:
        return "workers";
    case NECK_BROKER:
        return "broker";
    case NECK_DISTANCE:
        return "distance";
    default:
        return "none";
    }
}

/* "app (server, 1 x c6i.large)" */
static void describe(char *buf, size_t len, const struct scenario *sc, int c)
{
    const struct component *comp = &sc->components[c];

    if (is_server(comp->kind) && component_autoscales(comp))
        snprintf(buf, len, "%s (%s, %d to %d x %s, autoscaled)", comp->name,
                 kind_name(comp->kind), comp->autoscale.min,
                 comp->autoscale.max, comp->size);
    else if (is_server(comp->kind))
        snprintf(buf, len, "%s (%s, %d x %s)", comp->name,
                 kind_name(comp->kind), comp->instances, comp->size);
    else if (comp->kind == KIND_DATABASE && comp->replicas > 0)
        snprintf(buf, len, "%s (database, %s, %d read replica%s)",
                 comp->name, comp->size, comp->replicas,
                 comp->replicas == 1 ? "" : "s");
    else if (comp->kind == KIND_DATABASE)
        snprintf(buf, len, "%s (database, %s, no replicas)", comp->name,
                 comp->size);
    else if (comp->kind == KIND_CACHE)
        snprintf(buf, len, "%s (cache, %d shard%s)", comp->name,
                 comp->instances, comp->instances == 1 ? "" : "s");
    else if (comp->kind == KIND_QUEUE && component_autoscales(comp))
        snprintf(buf, len, "%s (queue, %d to %d workers, autoscaled)",
                 comp->name, comp->autoscale.min, comp->autoscale.max);
    else if (comp->kind == KIND_QUEUE)
        snprintf(buf, len, "%s (queue, %d workers)", comp->name,
                 comp->workers);
    else
        snprintf(buf, len, "%s (%s)", comp->name, kind_name(comp->kind));
}

/* The farthest region with a share of at least 1% (it reaches the p99). */
static int far_region(const struct scenario *sc)
{
    int best = -1;

    for (int i = 0; i < sc->nregions; i++)
        if (sc->regions[i].share >= 0.01 &&
            (best < 0 || sc->regions[i].rtt > sc->regions[best].rtt))
            best = i;
    return best;
}

static void pick_resource(const struct scenario *sc,
                          const struct step_result *st,
                          struct advice_neck *n)
{
    const struct comp_result *cr = &st->comps[n->comp];
    const struct component *comp = &sc->components[n->comp];

    switch (comp->kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        if (cr->pool >= FULL && cr->cpu < SATURATED) {
            n->res = NECK_THREADS;
            n->busy = cr->pool;
        } else {
            n->res = NECK_CORES;
            n->busy = cr->cpu;
        }
        break;
    case KIND_DATABASE:
        n->node = replicas_busier(sc, st, n->comp) ? 1 : 0;
        if (cr->lock >= FULL && cr->lock >= cr->cpu) {
            n->res = NECK_LOCK;
            n->busy = cr->lock;
        } else if (cr->pool >= FULL && cr->cpu < SATURATED) {
            n->res = NECK_CONNECTIONS;
            n->busy = cr->pool;
        } else {
            n->res = NECK_CORES;
            n->busy = cr->cpu;
        }
        break;
    case KIND_CACHE:
        n->res = NECK_CACHE_THREAD;
        n->busy = cr->pool;
        break;
    case KIND_QUEUE:
        n->res = cr->by_cause[ERR_BROKER] > cr->by_cause[ERR_QUEUE_FULL]
                     ? NECK_BROKER : NECK_WORKERS;
        n->busy = cr->pool;
        break;
    default:
        n->res = NECK_NONE;
        n->busy = cr->util;
        break;
    }
}

/* "cores 100% busy, threads 100% held" and the like. */
static void resource_figures(char *buf, size_t len, const struct scenario *sc,
                             const struct comp_result *cr,
                             const struct advice_neck *n)
{
    const struct component *comp = &sc->components[n->comp];

    switch (comp->kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        if (n->res == NECK_THREADS)
            snprintf(buf, len, "threads %.0f%% held while its cores are "
                     "%.0f%% busy", pct(cr->pool), pct(cr->cpu));
        else
            snprintf(buf, len, "cores %.0f%% busy, threads %.0f%% held",
                     pct(cr->cpu), pct(cr->pool));
        break;
    case KIND_DATABASE: {
        const char *node = comp->replicas == 0 ? "" :
                           n->node == 0 ? "the primary's " :
                                          "a read replica's ";

        if (n->res == NECK_LOCK)
            snprintf(buf, len, "hot-row lock %.0f%% busy (writes to hot "
                     "rows go one at a time), cores %.0f%% busy",
                     pct(cr->lock), pct(cr->cpu));
        else if (n->res == NECK_CONNECTIONS)
            snprintf(buf, len, "%sconnection pool %.0f%% held while its "
                     "cores are %.0f%% busy", node, pct(cr->pool),
                     pct(cr->cpu));
        else
            snprintf(buf, len, "%scores %.0f%% busy, connections %.0f%% "
                     "held", node, pct(cr->cpu), pct(cr->pool));
        break;
    }
    case KIND_CACHE:
        snprintf(buf, len, "its single thread %.0f%% busy", pct(cr->pool));
        break;
    case KIND_QUEUE: {
        char lag[32];

        format_duration(lag, sizeof lag, cr->lag_mean);
        snprintf(buf, len, "workers %.0f%% busy, %.0f tasks waiting, "
                 "consumer lag %s", pct(cr->pool), cr->depth, lag);
        break;
    }
    default:
        snprintf(buf, len, "%.0f%% busy", pct(cr->util));
        break;
    }
}

static void neck_text(const struct scenario *sc, const struct step_result *st,
                      struct advice_neck *n)
{
    char who[NAME_BYTES + 96], figs[256], also[NAME_BYTES + 64] = "";
    const struct comp_result *cr;
    size_t used;

    if (n->res == NECK_DISTANCE) {
        char rtt[32], p99[32];

        format_duration(rtt, sizeof rtt, (double)sc->regions[n->region].rtt);
        format_duration(p99, sizeof p99, (double)st->p99);
        snprintf(n->text, sizeof n->text, "distance to %s: its %s round "
                 "trip is %.0f%% of the %s p99",
                 sc->regions[n->region].name, rtt, pct(n->busy), p99);
        used = strlen(n->text);
        if (n->busiest >= 0)
            snprintf(n->text + used, sizeof n->text - used, "; the busiest "
                     "part, %s, is %.0f%% busy", cname(sc, n->busiest),
                     pct(st->comps[n->busiest].util));
        used = strlen(n->text);
        snprintf(n->text + used, sizeof n->text - used, ".");
        return;
    }
    if (n->comp < 0 || n->res == NECK_NONE) {
        snprintf(n->text, sizeof n->text, "nothing is busy yet: the "
                 "busiest part is below 5%%.");
        return;
    }
    cr = &st->comps[n->comp];
    describe(who, sizeof who, sc, n->comp);
    resource_figures(figs, sizeof figs, sc, cr, n);
    snprintf(n->text, sizeof n->text, "%s: %s", who, figs);
    used = strlen(n->text);
    if (n->via_callee) {
        const struct comp_result *up = &st->comps[n->caller];
        int cause = top_cause(up);

        snprintf(n->text + used, sizeof n->text - used,
                 "; %s's threads are %.0f%% held waiting on it (its own "
                 "cores only %.0f%% busy)", cname(sc, n->caller),
                 pct(up->pool), pct(up->cpu));
        used = strlen(n->text);
        if (n->rejected > 0 && cause >= 0)
            snprintf(n->text + used, sizeof n->text - used,
                     ", and %.1f%% of requests are %s there",
                     pct(n->rejected), cause_phrase(cause));
    } else if (n->rejected > 0 && top_cause(cr) >= 0) {
        snprintf(n->text + used, sizeof n->text - used,
                 "; %.1f%% of requests %s", pct(n->rejected),
                 cause_phrase(top_cause(cr)));
    }
    /* Another component as saturated: say so, it is next. */
    for (int c = 0; c < sc->ncomponents; c++)
        if (c != n->comp && c != n->caller &&
            st->comps[c].util >= FULL && !also[0])
            snprintf(also, sizeof also, "; %s is also %.0f%% busy",
                     sc->components[c].name, pct(st->comps[c].util));
    used = strlen(n->text);
    snprintf(n->text + used, sizeof n->text - used, "%s.", also);
}

void advisor_bottleneck(const struct scenario *sc,
                        const struct step_result *st, struct advice_neck *n)
{
    int esrc = -1, usrc = -1, pick, far;
    double emax = 0, umax = -1;

    memset(n, 0, sizeof *n);
    n->comp = n->region = n->caller = n->busiest = -1;
    for (int c = 0; c < sc->ncomponents; c++) {
        const struct comp_result *cr = &st->comps[c];

        if (comp_errors(cr) > emax) {
            emax = comp_errors(cr);
            esrc = c;
        }
        if (cr->util > umax) {
            umax = cr->util;
            usrc = c;
        }
    }
    pick = esrc >= 0 && rejected_share(st, &st->comps[esrc]) >= SOME_ERRORS
               ? esrc : usrc;
    if (pick < 0)
        goto none;
    n->rejected = rejected_share(st, &st->comps[pick]);

    /* Threads held by a server whose cores have room wait on a callee. */
    for (int hops = 0; hops < MAX_CALL_DEPTH; hops++) {
        const struct comp_result *cr = &st->comps[pick];
        int below;

        if (!is_server(sc->components[pick].kind) || cr->cpu >= SATURATED ||
            cr->pool < FULL)
            break;
        below = busiest_below(sc, st, pick, SATURATED, 0);
        if (below < 0)
            break;
        if (!n->via_callee)
            n->caller = pick;
        n->via_callee = true;
        pick = below;
    }
    n->comp = pick;
    pick_resource(sc, st, n);

    /* Distance: a far region's round trip that makes most of the p99
     * while nothing else is saturated or turning requests away. */
    far = far_region(sc);
    if (far >= 0 && st->p99_known && st->p99 > 0) {
        double share = (double)sc->regions[far].rtt / (double)st->p99;

        if (share >= 0.5 && n->busy < SATURATED && n->rejected < SOME_ERRORS) {
            n->res = NECK_DISTANCE;
            n->region = far;
            n->busy = share;
            n->busiest = pick;
            n->comp = -1;
            n->via_callee = false;
            n->caller = -1;
        }
    }
    if (n->res != NECK_DISTANCE && st->comps[pick].util < 0.05 &&
        n->rejected < SOME_ERRORS)
        goto none;
    neck_text(sc, st, n);
    return;
none:
    n->comp = -1;
    n->res = NECK_NONE;
    neck_text(sc, st, n);
}

/* --- Remedies ------------------------------------------------------------ */

static struct advice_remedy *add_remedy(struct advice_remedy *out, int *n,
                                        int max, enum remedy_kind kind,
                                        int comp)
{
    struct advice_remedy *r;

    if (*n >= max)
        return NULL;
    for (int i = 0; i < *n; i++)
        if (out[i].kind == kind && out[i].comp == comp)
            return NULL;
    r = &out[(*n)++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->comp = comp;
    return r;
}

static double monthly(double usd_hour)
{
    return usd_hour * 730.0;
}

static void remedy_size(struct advice_remedy *out, int *n, int max,
                        const struct scenario *sc, int c)
{
    const struct component *comp = &sc->components[c];
    const struct instance_size *z = next_size(comp->size);
    struct advice_remedy *r;

    if (!z || !(r = add_remedy(out, n, max, REM_BIGGER_SIZE, c)))
        return;
    snprintf(r->what, sizeof r->what, "%s on %s", comp->name, z->name);
    snprintf(r->text, sizeof r->text, "a bigger machine for %s: %s, with "
             "%d cores instead of %d, for $%.0f a month instead of $%.0f "
             "per machine; it is the %s that run out.", comp->name,
             z->name, z->vcpus, comp->cores, monthly(z->usd_hour),
             monthly(comp->price_hour),
             comp->kind == KIND_DATABASE ? "database's cores" : "cores");
}

static bool has_lb_in_front(const struct scenario *sc, int c)
{
    for (int i = 0; i < sc->ncomponents; i++)
        if (sc->components[i].kind == KIND_LB && calls(&sc->components[i], c))
            return true;
    return false;
}

static void remedy_balancer(struct advice_remedy *out, int *n, int max,
                            const struct scenario *sc, int c)
{
    const struct component *comp = &sc->components[c];
    struct advice_remedy *r = add_remedy(out, n, max, REM_BALANCER, c);

    if (!r)
        return;
    snprintf(r->what, sizeof r->what, "2 %s instances behind a load "
             "balancer", comp->name);
    if (comp->cores >= 8)
        snprintf(r->text, sizeof r->text, "a second %s instance behind a "
                 "load balancer: at %d cores a bigger size costs as much "
                 "as another machine, and one machine is one point of "
                 "failure.", comp->name, comp->cores);
    else
        snprintf(r->text, sizeof r->text, "a second %s instance behind a "
                 "load balancer: two machines share the load, and one "
                 "can fail without taking the service down.", comp->name);
}

static void remedy_instances(struct advice_remedy *out, int *n, int max,
                             const struct scenario *sc, int c)
{
    const struct component *comp = &sc->components[c];
    struct advice_remedy *r = add_remedy(out, n, max, REM_MORE_INSTANCES, c);

    if (!r)
        return;
    snprintf(r->what, sizeof r->what, "%d %s instances", comp->instances * 2,
             comp->name);
    snprintf(r->text, sizeof r->text, "twice the %s instances (%d to %d, "
             "$%.0f more a month): each takes its share of the load.",
             comp->name, comp->instances, comp->instances * 2,
             monthly(comp->price_hour) * comp->instances);
}

/* An autoscaled server or queue: room to scale further. Applied, the
 * remedy doubles autoscale.max (see advisor_apply). */
static void remedy_scale_max(struct advice_remedy *out, int *n, int max,
                             const struct scenario *sc, int c,
                             enum remedy_kind kind)
{
    const struct component *comp = &sc->components[c];
    const char *what = comp->kind == KIND_QUEUE ? "workers" : "instances";
    struct advice_remedy *r = add_remedy(out, n, max, kind, c);

    if (!r)
        return;
    snprintf(r->what, sizeof r->what, "autoscaling of %s up to %d %s",
             comp->name, comp->autoscale.max * 2, what);
    snprintf(r->text, sizeof r->text, "a higher autoscale.max for %s (%d "
             "to %d %s): it scales out to meet the load, up to its max.",
             comp->name, comp->autoscale.max, comp->autoscale.max * 2, what);
}

static void server_remedies(const struct scenario *sc,
                            const struct step_result *st,
                            const struct advice_neck *neck,
                            struct advice_remedy *out, int *n, int max)
{
    int c = neck->comp;
    const struct component *comp = &sc->components[c];
    const struct comp_result *cr = &st->comps[c];
    double tasks = task_thread_share(sc, c);
    double statics = cpu_share(sc, c, REQ_STATIC);
    struct advice_remedy *r;

    if (neck->res == NECK_THREADS &&
        (r = add_remedy(out, n, max, REM_MORE_THREADS, c))) {
        snprintf(r->what, sizeof r->what, "%d threads per %s instance",
                 comp->threads * 2, comp->name);
        snprintf(r->text, sizeof r->text, "more threads for %s (%d to "
                 "%d): they are held while its cores are only %.0f%% busy.",
                 comp->name, comp->threads, comp->threads * 2, pct(cr->cpu));
    }
    if (component_autoscales(comp)) {
        remedy_scale_max(out, n, max, sc, c, REM_MORE_INSTANCES);
        remedy_size(out, n, max, sc, c);
        return;
    }
    if (comp->instances == 1) {
        if (comp->cores < 8) {
            remedy_size(out, n, max, sc, c);
            remedy_balancer(out, n, max, sc, c);
        } else {
            remedy_balancer(out, n, max, sc, c);
            remedy_size(out, n, max, sc, c);
        }
        return;
    }
    if (tasks >= TASK_SHARE && (r = add_remedy(out, n, max, REM_QUEUE, c))) {
        char work[32];

        format_duration(work, sizeof work, (double)comp->task_work);
        snprintf(r->what, sizeof r->what, "a queue with workers for %s's "
                 "tasks", comp->name);
        snprintf(r->text, sizeof r->text, "a queue with workers for task "
                 "requests: %s does their %s of slow work itself, %.0f%% of "
                 "its threads' working time; with a queue it answers at "
                 "once and workers do the rest.", comp->name, work,
                 pct(tasks));
    }
    if (comp->kind == KIND_SERVER && statics >= STATIC_SHARE * 0.5 &&
        sc->mix[REQ_STATIC] >= STATIC_SHARE && find_kind(sc, KIND_CDN) < 0 &&
        (r = add_remedy(out, n, max, REM_CDN, c))) {
        snprintf(r->what, sizeof r->what, "a CDN in front");
        snprintf(r->text, sizeof r->text, "a CDN in front: static files are "
                 "%.0f%% of requests and %.0f%% of %s's CPU; its edges "
                 "answer most of them near the users.",
                 pct(sc->mix[REQ_STATIC]), pct(statics), comp->name);
    }
    if (comp->kind == KIND_SERVER && *n > 0 && comp->instances >= 16 &&
        (r = add_remedy(out, n, max, REM_SPLIT, c))) {
        snprintf(r->what, sizeof r->what, "%s split into services",
                 comp->name);
        snprintf(r->text, sizeof r->text, "split %s into services (reads "
                 "apart from writes and tasks) so that each part scales on "
                 "its own.", comp->name);
    }
    remedy_instances(out, n, max, sc, c);
}

static void database_remedies(const struct scenario *sc,
                              const struct step_result *st,
                              const struct advice_neck *neck,
                              struct advice_remedy *out, int *n, int max)
{
    int c = neck->comp;
    const struct component *comp = &sc->components[c];
    const struct comp_result *cr = &st->comps[c];
    double reads = read_work_share(sc, st, c);
    bool read_bound = comp->replicas > 0 ? neck->node > 0 : reads >= 0.5;
    struct advice_remedy *r;

    if (!comp->indexed && sc->mix[REQ_READ] > 0 &&
        neck->res != NECK_LOCK &&
        (r = add_remedy(out, n, max, REM_INDEX, c))) {
        char scan[32], read[32];

        format_duration(scan, sizeof scan, (double)comp->scan_time);
        format_duration(read, sizeof read, (double)comp->read_time);
        snprintf(r->what, sizeof r->what, "an index for %s's reads",
                 comp->name);
        snprintf(r->text, sizeof r->text, "an index: every read scans the "
                 "table (%s) where an indexed read takes %s.", scan, read);
    }
    if (neck->res == NECK_LOCK &&
        (r = add_remedy(out, n, max, REM_HOT_ROWS, c))) {
        snprintf(r->what, sizeof r->what, "half the writes on hot rows");
        snprintf(r->text, sizeof r->text, "spread the hot rows (counters "
                 "split, writes batched): %.1f%% of writes queue for one "
                 "lock, which no bigger machine or replica relieves.",
                 pct(comp->hot_share));
        return;
    }
    if (neck->res == NECK_CONNECTIONS &&
        (r = add_remedy(out, n, max, REM_BIGGER_POOL, c))) {
        snprintf(r->what, sizeof r->what, "%d connections per node",
                 comp->pool * 2);
        snprintf(r->text, sizeof r->text, "a bigger connection pool (%d to "
                 "%d): queries wait for a connection while the cores are "
                 "only %.0f%% busy.", comp->pool, comp->pool * 2,
                 pct(cr->cpu));
        return;
    }
    if (read_bound) {
        if (comp->replicas == 0 &&
            (r = add_remedy(out, n, max, REM_REPLICAS, c))) {
            snprintf(r->what, sizeof r->what, "2 read replicas for %s",
                     comp->name);
            snprintf(r->text, sizeof r->text, "2 read replicas: reads are "
                     "%.0f%% of %s's work, and replicas take them off the "
                     "primary, which keeps the writes.", pct(reads),
                     comp->name);
        }
        if (cache_before(sc, c) < 0 &&
            (r = add_remedy(out, n, max, REM_CACHE, c))) {
            snprintf(r->what, sizeof r->what, "a cache in front of %s",
                     comp->name);
            snprintf(r->text, sizeof r->text, "a cache in front of %s: "
                     "reads are %.0f%% of its work; popular keys would be "
                     "answered from memory and only misses reach it.",
                     comp->name, pct(reads));
        }
        remedy_size(out, n, max, sc, c);
        if (comp->replicas > 0 &&
            (r = add_remedy(out, n, max, REM_REPLICAS, c))) {
            snprintf(r->what, sizeof r->what, "%d read replicas for %s",
                     comp->replicas + 1, comp->name);
            snprintf(r->text, sizeof r->text, "one more read replica (%d "
                     "to %d): the replicas' cores are what runs out.",
                     comp->replicas, comp->replicas + 1);
        }
        return;
    }
    /* The primary: writes, or reads on a database without replicas. */
    remedy_size(out, n, max, sc, c);
    if (comp->replicas == 0 && reads >= 0.2 &&
        (r = add_remedy(out, n, max, REM_REPLICAS, c))) {
        snprintf(r->what, sizeof r->what, "2 read replicas for %s",
                 comp->name);
        snprintf(r->text, sizeof r->text, "2 read replicas, to take the "
                 "reads (%.0f%% of its work) off the primary.", pct(reads));
    }
    if (comp->hot_share > 0 && cr->lock >= 0.5 &&
        (r = add_remedy(out, n, max, REM_HOT_ROWS, c))) {
        snprintf(r->what, sizeof r->what, "half the writes on hot rows");
        snprintf(r->text, sizeof r->text, "spread the hot rows: the "
                 "hot-row lock is %.0f%% busy.", pct(cr->lock));
    }
}

/* Over-built: the costliest component with more than one machine. */
static void remedy_shrink(const struct scenario *sc,
                          const struct step_result *st,
                          struct advice_remedy *out, int *n, int max)
{
    int best = -1;
    double best_cost = 0;
    struct advice_remedy *r;

    for (int c = 0; c < sc->ncomponents; c++) {
        const struct component *comp = &sc->components[c];
        int machines = comp->kind == KIND_DATABASE ? comp->replicas
                                                   : comp->instances - 1;
        double cost = monthly(comp->price_hour) * machines;

        /* An autoscaler shrinks its own component already. */
        if (component_autoscales(comp))
            continue;
        if (machines >= 1 && comp->kind != KIND_CDN && cost > best_cost) {
            best = c;
            best_cost = cost;
        }
    }
    if (best < 0 || !(r = add_remedy(out, n, max, REM_SHRINK, best)))
        return;
    {
        const struct component *comp = &sc->components[best];
        bool db = comp->kind == KIND_DATABASE;
        int now = db ? comp->replicas : comp->instances;

        /* "fewer" first: cut at the screen's edge, the line must not
         * read like an addition. */
        snprintf(r->what, sizeof r->what, "fewer %s %s (%d -> %d)",
                 comp->name, db ? "replicas" : "instances", now, now / 2);
        snprintf(r->text, sizeof r->text, "over-built: nothing is above "
                 "%.0f%% busy at this load (%s at %.0f%%); %s could do "
                 "with %d %s instead of %d, saving about $%.0f a month.",
                 pct(IDLE), comp->name, pct(st->comps[best].util),
                 comp->name, now / 2, db ? "replicas" : "instances", now,
                 monthly(comp->price_hour) * (now - now / 2));
    }
}

int advisor_remedies(const struct scenario *sc, const struct step_result *st,
                     const struct advice_neck *neck,
                     struct advice_remedy *out, int max)
{
    int n = 0;
    double umax = 0;
    struct advice_remedy *r;

    for (int c = 0; c < sc->ncomponents; c++)
        umax = fmax(umax, st->comps[c].util);
    if (st->holds && umax < IDLE) {
        remedy_shrink(sc, st, out, &n, max);
        if (n == 0 && (r = add_remedy(out, &n, max, REM_NONE, -1))) {
            snprintf(r->what, sizeof r->what, "nothing");
            snprintf(r->text, sizeof r->text, "nothing to add: nothing is "
                     "above %.0f%% busy at this load.", pct(IDLE));
        }
        return n;
    }
    if (neck->res == NECK_DISTANCE) {
        if (find_kind(sc, KIND_CDN) < 0 && sc->mix[REQ_STATIC] > 0 &&
            (r = add_remedy(out, &n, max, REM_CDN, -1))) {
            snprintf(r->what, sizeof r->what, "a CDN in front");
            snprintf(r->text, sizeof r->text, "a CDN in front: its edges "
                     "answer static files near the users, without the "
                     "round trip to the origin.");
        }
        if ((r = add_remedy(out, &n, max, REM_NONE, -1))) {
            snprintf(r->what, sizeof r->what, "an origin nearer %s",
                     sc->regions[neck->region].name);
            snprintf(r->text, sizeof r->text, "an origin nearer %s for "
                     "what the edges cannot answer (not simulated: every "
                     "region here shares one origin).",
                     sc->regions[neck->region].name);
        }
        goto done;
    }
    if (neck->comp < 0)
        return 0;
    switch (sc->components[neck->comp].kind) {
    case KIND_SERVER:
    case KIND_SERVICE:
        server_remedies(sc, st, neck, out, &n, max);
        break;
    case KIND_DATABASE:
        database_remedies(sc, st, neck, out, &n, max);
        break;
    case KIND_CACHE:
        if ((r = add_remedy(out, &n, max, REM_CACHE_SHARDS, neck->comp))) {
            const struct component *c = &sc->components[neck->comp];

            snprintf(r->what, sizeof r->what, "%d %s shards",
                     c->instances * 2, c->name);
            snprintf(r->text, sizeof r->text, "twice the cache shards (%d "
                     "to %d): each serves one operation at a time.",
                     c->instances, c->instances * 2);
        }
        break;
    case KIND_QUEUE: {
        const struct component *c = &sc->components[neck->comp];

        if (neck->res == NECK_BROKER &&
            (r = add_remedy(out, &n, max, REM_BROKER_RATE, neck->comp))) {
            snprintf(r->what, sizeof r->what, "twice %s's publish rate",
                     c->name);
            snprintf(r->text, sizeof r->text, "a broker that takes twice "
                     "the publishes (%.0f/s to %.0f/s).", c->max_rate,
                     c->max_rate * 2);
        } else if (component_autoscales(c)) {
            remedy_scale_max(out, &n, max, sc, neck->comp, REM_MORE_WORKERS);
        } else if ((r = add_remedy(out, &n, max, REM_MORE_WORKERS,
                                   neck->comp))) {
            snprintf(r->what, sizeof r->what, "%d %s workers",
                     c->workers * 2, c->name);
            snprintf(r->text, sizeof r->text, "twice the workers (%d to "
                     "%d): tasks arrive faster than they finish.",
                     c->workers, c->workers * 2);
        }
        break;
    }
    default:
        break;
    }
done:
    if (st->holds && max > 0) {
        /* Holding: the remedies are for later; say nothing is due. */
        if (n == max)
            n--;
        memmove(out + 1, out, (size_t)n * sizeof *out);
        n++;
        memset(out, 0, sizeof *out);
        out->kind = REM_NONE;
        out->comp = -1;
        snprintf(out->what, sizeof out->what, "nothing");
        snprintf(out->text, sizeof out->text, "nothing is due: the "
                 "objectives hold at this load.");
    }
    return n;
}

/* --- Applying a remedy to a copy ------------------------------------------ */

/* A name no component has, from base. */
static void fresh_name(const struct scenario *sc, const char *base, char *out,
                       size_t len)
{
    snprintf(out, len, "%s", base);
    for (int i = 2; scenario_find(sc, out) >= 0 && i < 1000; i++)
        snprintf(out, len, "%s%d", base, i);
}

/* Point every call to `from` (and the entry) at `to`, except from `to`
 * itself. */
static void redirect(struct scenario *sc, const char *from, const char *to)
{
    int entry = sc->entry;

    if (entry >= 0 && strcmp(sc->components[entry].name, from) == 0)
        snprintf(sc->entry_name, sizeof sc->entry_name, "%s", to);
    else if (entry >= 0)
        snprintf(sc->entry_name, sizeof sc->entry_name, "%s",
                 sc->components[entry].name);
    for (int i = 0; i < sc->ncomponents; i++) {
        struct component *c = &sc->components[i];

        if (strcmp(c->name, to) == 0)
            continue;
        for (int j = 0; j < c->ncalls; j++)
            if (strcmp(c->call_names[j], from) == 0)
                snprintf(c->call_names[j], NAME_BYTES, "%s", to);
    }
}

/* Insert a call to `name` in c's calls just before position at. */
static int insert_call(struct component *c, int at, const char *name)
{
    if (c->ncalls >= MAX_CALLS)
        return -1;
    for (int j = c->ncalls; j > at; j--) {
        memcpy(c->call_names[j], c->call_names[j - 1], NAME_BYTES);
        c->call_pos[j] = c->call_pos[j - 1];
    }
    snprintf(c->call_names[at], NAME_BYTES, "%s", name);
    memset(&c->call_pos[at], 0, sizeof c->call_pos[at]);
    c->ncalls++;
    return 0;
}

static int apply_cache(struct scenario *sc, int db)
{
    char name[NAME_BYTES], dbname[NAME_BYTES];
    struct component *cache;

    snprintf(dbname, sizeof dbname, "%s", sc->components[db].name);
    fresh_name(sc, "cache", name, sizeof name);
    cache = scenario_add(sc, KIND_CACHE, name);
    if (!cache)
        return -1;
    cache->instances = 2;
    for (int i = 0; i < sc->ncomponents; i++) {
        struct component *c = &sc->components[i];

        if (!is_server(c->kind))
            continue;
        for (int j = 0; j < c->ncalls; j++)
            if (strcmp(c->call_names[j], dbname) == 0) {
                if (insert_call(c, j, name) < 0)
                    return -1;
                break;
            }
    }
    return 0;
}

/* Workers for a queue taking c's tasks at ten times the knee's rate. */
static int queue_workers(const struct scenario *sc, double offered, int c)
{
    double rate = offered * 10 * sc->mix[REQ_TASK];
    double busy = rate * (double)sc->components[c].task_work / NS_PER_S;
    double w = ceil(busy / 0.7);

    return w < 4 ? 4 : w > 100000 ? 100000 : (int)w;
}

static int apply_queue(struct scenario *sc, int c, int workers)
{
    char name[NAME_BYTES];
    struct component *q;
    sim_ns work = sc->components[c].task_work;

    fresh_name(sc, "jobs", name, sizeof name);
    q = scenario_add(sc, KIND_QUEUE, name);
    if (!q)
        return -1;
    q->workers = workers;
    if (work > 0)
        q->task_time = work;
    return insert_call(&sc->components[c], sc->components[c].ncalls, name);
}

static int apply_front(struct scenario *sc, enum comp_kind kind,
                       const char *base, int behind)
{
    char name[NAME_BYTES], target[NAME_BYTES];
    struct component *f;

    if (behind < 0)
        return -1;
    snprintf(target, sizeof target, "%s", sc->components[behind].name);
    fresh_name(sc, base, name, sizeof name);
    f = scenario_add(sc, kind, name);
    if (!f)
        return -1;
    if (kind == KIND_LB)
        f->policy = LB_LEAST_CONN;
    if (insert_call(f, 0, target) < 0)
        return -1;
    redirect(sc, target, name);
    return 0;
}

static int apply_size(struct component *c)
{
    const struct instance_size *z = next_size(c->size);

    if (!z)
        return -1;
    snprintf(c->size, sizeof c->size, "%s", z->name);
    return component_apply_size(c);
}

/* Twice the instances, shards or workers; for a component that
 * autoscales, twice the most it may scale to. */
static int apply_more(struct component *c, enum remedy_kind kind)
{
    if (component_autoscales(c)) {
        if (c->autoscale.max > 5000)
            return -1;
        c->autoscale.max *= 2;
        return 0;
    }
    if (kind == REM_MORE_WORKERS) {
        c->workers *= 2;
        return 0;
    }
    if (c->instances > 5000)
        return -1;
    c->instances *= 2;
    return 0;
}

int advisor_apply(struct scenario *sc, const struct advice_remedy *rem)
{
    char err[512];
    struct component *c = rem->comp >= 0 && rem->comp < sc->ncomponents
                              ? &sc->components[rem->comp] : NULL;
    int rc = -1;

    switch (rem->kind) {
    case REM_BIGGER_SIZE:
        rc = c ? apply_size(c) : -1;
        break;
    case REM_BALANCER:
        if (!c)
            break;
        c->instances = c->instances < 2 ? 2 : c->instances * 2;
        rc = has_lb_in_front(sc, rem->comp)
                 ? 0 : apply_front(sc, KIND_LB, "lb", rem->comp);
        break;
    case REM_MORE_INSTANCES:
    case REM_MORE_WORKERS:
    case REM_CACHE_SHARDS:
        rc = c ? apply_more(c, rem->kind) : -1;
        break;
    case REM_MORE_THREADS:
        if (c) {
            c->threads *= 2;
            rc = 0;
        }
        break;
    case REM_INDEX:
        if (c) {
            c->indexed = true;
            rc = 0;
        }
        break;
    case REM_BIGGER_POOL:
        if (c) {
            c->pool *= 2;
            rc = 0;
        }
        break;
    case REM_REPLICAS:
        if (c && c->replicas < 64) {
            c->replicas = c->replicas == 0 ? 2 : c->replicas + 1;
            rc = 0;
        }
        break;
    case REM_CACHE:
        rc = c ? apply_cache(sc, rem->comp) : -1;
        break;
    case REM_QUEUE:
        rc = c ? apply_queue(sc, rem->comp, (int)rem->param) : -1;
        break;
    case REM_BROKER_RATE:
        if (c) {
            c->max_rate *= 2;
            rc = 0;
        }
        break;
    case REM_CDN:
        rc = apply_front(sc, KIND_CDN, "cdn", sc->entry);
        break;
    case REM_HOT_ROWS:
        if (c) {
            c->hot_share /= 2;
            rc = 0;
        }
        break;
    case REM_SHRINK:
        if (c && c->kind == KIND_DATABASE) {
            c->replicas /= 2;
            rc = 0;
        } else if (c && c->instances > 1) {
            c->instances /= 2;
            rc = 0;
        }
        break;
    case REM_NONE:
    case REM_SPLIT:
        break;
    }
    if (rc < 0)
        return -1;
    return scenario_validate(sc, err, sizeof err);
}

/* --- What-if -------------------------------------------------------------- */

static double seconds_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int advisor_whatif(const struct scenario *sc, uint64_t seed,
                   const struct ramp_result *res,
                   const struct advice_remedy *rem, struct advice_whatif *out)
{
    int knee = advisor_knee(res), first;
    struct scenario copy;
    struct ramp_result r2;
    double t0 = seconds_now(), to;
    char before[16], after[16];

    memset(out, 0, sizeof *out);
    if (knee < 0 || rem->kind == REM_NONE || rem->kind == REM_SPLIT)
        return -1;
    if (scenario_copy(&copy, sc) < 0)
        return -1;
    if (advisor_apply(&copy, rem) < 0) {
        scenario_free(&copy);
        return -1;
    }
    /* From a tenth of the knee (on the run's own grid of steps) to ten
     * times it, at the run's steps per decade: starting nearer, a cold
     * cache would break the first step that the full ramp reached warm. */
    first = knee - copy.ramp.per_decade;
    if (first < 0)
        first = 0;
    to = fmin(sc->ramp.to, res->steps[knee].users * 10);
    if (to <= res->steps[first].users)
        to = sc->ramp.to;
    copy.ramp.from = res->steps[first].users;
    copy.ramp.to = to;
    copy.ramp.target = to;
    if (ramp_run(&copy, seed, &r2, NULL, NULL) < 0) {
        scenario_free(&copy);
        return -1;
    }
    out->done = true;
    out->before = res->capacity;
    out->after = r2.capacity;
    out->below = r2.first_broken == 0;
    out->at_least = r2.first_broken < 0;
    out->seconds = seconds_now() - t0;
    format_count(before, sizeof before, out->before);
    if (out->below) {
        format_count(after, sizeof after, copy.ramp.from);
        snprintf(out->text, sizeof out->text, "with %s: capacity below %s "
                 "users, against %s now.", rem->what, after, before);
    } else {
        format_count(after, sizeof after, out->after);
        snprintf(out->text, sizeof out->text, "with %s: capacity %s%s "
                 "users, %s %s.", rem->what, out->at_least ? "at least " : "",
                 after, out->after > out->before ? "up from" :
                        out->after < out->before ? "down from" : "the same as",
                 before);
    }
    ramp_result_free(&r2);
    scenario_free(&copy);
    return 0;
}

void advise_run(const struct scenario *sc, uint64_t seed,
                const struct ramp_result *res, bool whatif,
                struct advice *out)
{
    const struct step_result *st;

    memset(out, 0, sizeof *out);
    out->step = advisor_knee(res);
    out->neck.comp = -1;
    if (out->step < 0)
        return;
    st = &res->steps[out->step];
    out->holds = st->holds;
    advisor_bottleneck(sc, st, &out->neck);
    out->nremedies = advisor_remedies(sc, st, &out->neck, out->remedies,
                                      ADVICE_MAX_REMEDIES);
    for (int i = 0; i < out->nremedies; i++)
        if (out->remedies[i].kind == REM_QUEUE)
            out->remedies[i].param =
                queue_workers(sc, st->offered, out->remedies[i].comp);
    out->alt = -1;
    if (!whatif || out->nremedies == 0 ||
        (st->holds && out->remedies[0].kind != REM_SHRINK))
        return;
    advisor_whatif(sc, seed, res, &out->remedies[0], &out->whatif);
    if (st->holds || (out->whatif.done && out->whatif.after > res->capacity))
        return;
    /* The journey's next step alone did not help: try the next remedy,
     * and say what else is saturated. */
    for (int i = 1; i < out->nremedies && out->alt < 0; i++)
        if (advisor_whatif(sc, seed, res, &out->remedies[i],
                           &out->alt_whatif) == 0)
            out->alt = i;
    for (int c = 0; c < sc->ncomponents; c++)
        if (c != out->neck.comp && st->comps[c].util >= SATURATED &&
            !out->note[0])
            snprintf(out->note, sizeof out->note, "%s is also %.0f%% "
                     "busy: relieving %s alone moves the limit to it, so "
                     "it needs a remedy too.", sc->components[c].name,
                     pct(st->comps[c].util), cname(sc, out->neck.comp));
}

/* --- The interface's line ----------------------------------------------- */

void advisor_line(const struct scenario *sc, const struct step_result *st,
                  char *buf, size_t len)
{
    struct advice_neck neck;
    struct advice_remedy rem[ADVICE_MAX_REMEDIES];
    int n;
    char users[16], head[NAME_BYTES + 128];

    if (!st) {
        snprintf(buf, len, "Press space to ramp the users up, or . for one "
                           "step.");
        return;
    }
    format_count(users, sizeof users, st->users);
    advisor_bottleneck(sc, st, &neck);
    n = advisor_remedies(sc, st, &neck, rem, ADVICE_MAX_REMEDIES);
    if (neck.res == NECK_NONE) {
        snprintf(head, sizeof head, "%s users: nothing busy yet", users);
    } else if (neck.res == NECK_DISTANCE) {
        snprintf(head, sizeof head, "%s users: %.0f%% of the p99 is the "
                 "round trip to %s", users, pct(neck.busy),
                 sc->regions[neck.region].name);
    } else {
        const char *node = "";

        if (sc->components[neck.comp].kind == KIND_DATABASE &&
            sc->components[neck.comp].replicas > 0)
            node = neck.node == 0 ? " primary" : " replica";
        snprintf(head, sizeof head, "%s users: %s %s%s %s %.0f%% %s",
                 users, neck.busy >= SATURATED || neck.rejected > 0
                            ? "bottleneck" : "busiest",
                 sc->components[neck.comp].name, node,
                 resource_name(neck.res), pct(neck.busy),
                 neck.res == NECK_THREADS || neck.res == NECK_CONNECTIONS
                     ? "held" : "busy");
        if (neck.rejected >= SOME_ERRORS) {
            size_t used = strlen(head);

            snprintf(head + used, sizeof head - used, ", %.1f%% rejected",
                     pct(neck.rejected));
        }
    }
    if (n > 0 && rem[0].kind != REM_NONE)
        snprintf(buf, len, "%s; next: %s", head, rem[0].what);
    else
        snprintf(buf, len, "%s", head);
}

/* --- Theory ----------------------------------------------------------------- */

double advisor_erlang_c(int c, double a)
{
    double b = 1.0, rho = a / c;

    if (c <= 0 || rho >= 1)
        return 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    return b / (1 - rho + rho * b);
}

/* Squared coefficient of variation of a server's CPU time over the kinds
 * it serves, each drawn from the component's distribution. */
static double server_cv2(const struct scenario *sc, int c)
{
    const struct component *comp = &sc->components[c];
    double share[REQ_KIND_COUNT], m1 = 0, m2 = 0, tot = 0, own;

    own = comp->dist == DIST_EXPONENTIAL ? 1 :
          comp->dist == DIST_CONSTANT ? 0 : comp->cv * comp->cv;
    kinds_at(sc, c, share);
    for (int k = 0; k < REQ_KIND_COUNT; k++) {
        double s = (double)comp->cpu[k];

        tot += share[k];
        m1 += share[k] * s;
        m2 += share[k] * s * s * (1 + own);
    }
    if (tot <= 0 || m1 <= 0)
        return own;
    m1 /= tot;
    m2 /= tot;
    return m2 / (m1 * m1) - 1;
}

static double dist_cv2(const struct component *comp)
{
    return comp->dist == DIST_EXPONENTIAL ? 1 :
           comp->dist == DIST_CONSTANT ? 0 : comp->cv * comp->cv;
}

/* Half-width of a 95% interval on a time-averaged queue length over T
 * seconds, from the M/M/1 relaxation (the asymptotic variance of the
 * time-average number in system is 2 rho (1 + rho) / (mu (1 - rho)^4)),
 * with the c servers of a copy taken as one of c times the speed. */
static double lq_half_width(double rho, double mu_c, int copies, double T)
{
    double var;

    if (rho >= 1 || mu_c <= 0 || T <= 0)
        return INFINITY;
    var = 2 * rho * (1 + rho) / (mu_c * pow(1 - rho, 4));
    return 1.96 * sqrt(copies * var / T);
}

static void station(const struct scenario *sc, const struct step_result *st,
                    int c, const char *res, int copies, int servers,
                    double lambda_total, double busy, double lq_sim,
                    double cv2, struct station_theory *t)
{
    double T = (double)st->window / NS_PER_S;
    double lam = lambda_total / copies;
    const struct comp_result *cr = &st->comps[c];
    const struct component *comp = &sc->components[c];
    size_t used;

    memset(t, 0, sizeof *t);
    t->comp = c;
    t->resource = res;
    t->copies = copies;
    t->servers = servers;
    t->lambda = lam;
    t->service = lam > 0 ? busy * servers / lam : 0;
    t->rho = busy;
    t->cv2 = cv2;
    t->lq_sim = lq_sim;
    t->wq_sim = lambda_total > 0 ? lq_sim / lambda_total : 0;
    if (busy >= 0.999) {
        t->lq_theory = INFINITY;
        t->wq_theory = INFINITY;
        t->half_width = INFINITY;
    } else {
        double a = lam * t->service;
        double pw = advisor_erlang_c(servers, a);
        double wq = lam > 0 ? pw * t->service / (servers - a) : 0;

        t->wq_theory = wq;
        t->lq_theory = copies * lam * wq;
        t->half_width = lq_half_width(busy, servers / fmax(t->service, 1e-12),
                                      copies, T) +
                        0.05 * t->lq_theory + 0.02;
    }
    t->disagree = !isfinite(t->lq_theory) ||
                  fabs(t->lq_sim - t->lq_theory) > t->half_width;
    if (!t->disagree)
        return;
    t->why[0] = '\0';
    if (!isfinite(t->lq_theory))
        snprintf(t->why, sizeof t->why, "saturated: at 100%% M/M/c has no "
                 "steady state; the simulated queue is held by finite "
                 "pools and closed users");
    if (!t->why[0] && fabs(cv2 - 1) > 0.2)
        snprintf(t->why, sizeof t->why, "service is not exponential "
                 "(squared CV %.2f; Allen-Cunneen scales the wait by %.2f)",
                 cv2, (1 + cv2) / 2);
    if (is_server(comp->kind) && cr->pool >= FULL) {
        used = strlen(t->why);
        snprintf(t->why + used, sizeof t->why - used, "%sfinite pools: "
                 "threads %.0f%% held, waiting for them counts too",
                 used ? "; " : "", pct(cr->pool));
    }
    if (comp->kind == KIND_DATABASE) {
        used = strlen(t->why);
        snprintf(t->why + used, sizeof t->why - used, "%sconnections and "
                 "the hot-row lock queue too", used ? "; " : "");
    }
    if (comp->kind == KIND_CACHE && copies > 1) {
        used = strlen(t->why);
        snprintf(t->why + used, sizeof t->why - used, "%spopular keys load "
                 "some shards more than others", used ? "; " : "");
    }
    if (!t->why[0] && sc->user_model == USERS_CLOSED)
        snprintf(t->why, sizeof t->why, "feedback: closed users send "
                 "less while they wait");
    if (!t->why[0])
        snprintf(t->why, sizeof t->why, "more than the window's noise "
                 "explains");
}

/* Instances of a server (workers of a queue) in the window: an
 * autoscaled one's mean, which is whole once it has settled. */
static int copies_of(const struct component *comp,
                     const struct comp_result *cr)
{
    if (component_autoscales(comp) && cr->instances >= 1)
        return (int)lround(cr->instances);
    return comp->kind == KIND_QUEUE ? comp->workers : comp->instances;
}

int advisor_theory(const struct scenario *sc, const struct step_result *st,
                   struct station_theory *out, int max)
{
    int n = 0;

    for (int c = 0; c < sc->ncomponents && n < max; c++) {
        const struct component *comp = &sc->components[c];
        const struct comp_result *cr = &st->comps[c];
        double served;

        switch (comp->kind) {
        case KIND_SERVER:
        case KIND_SERVICE:
            served = cr->arrivals -
                     (double)cr->by_cause[ERR_BACKLOG] /
                         ((double)st->window / NS_PER_S);
            if (served <= 0 || comp->cores <= 0)
                continue;
            station(sc, st, c, "cores", copies_of(comp, cr), comp->cores,
                    served, cr->cpu, cr->waiting, server_cv2(sc, c),
                    &out[n++]);
            break;
        case KIND_DATABASE:
            /* Arrivals per node are not measured: one node only. */
            if (comp->replicas > 0 || cr->throughput <= 0)
                continue;
            station(sc, st, c, "cores", 1, comp->cores, cr->throughput,
                    cr->cpu, cr->waiting, dist_cv2(comp), &out[n++]);
            break;
        case KIND_CACHE:
            if (cr->arrivals <= 0)
                continue;
            station(sc, st, c, "thread", comp->instances, 1, cr->arrivals,
                    cr->pool, cr->waiting, dist_cv2(comp), &out[n++]);
            break;
        case KIND_QUEUE:
            if (cr->throughput <= 0)
                continue;
            station(sc, st, c, "workers", 1, copies_of(comp, cr),
                    cr->throughput, cr->pool, cr->depth, dist_cv2(comp),
                    &out[n++]);
            break;
        default:
            break;
        }
    }
    return n;
}

/* --- Output ------------------------------------------------------------------ */

static const char *remedy_key(enum remedy_kind k)
{
    static const char *const keys[] = {
        "none", "bigger_size", "load_balancer", "more_instances",
        "more_threads", "index", "bigger_pool", "read_replicas", "cache",
        "cache_shards", "queue", "more_workers", "broker_rate", "cdn",
        "split_services", "spread_hot_rows", "shrink",
    };

    return (size_t)k < sizeof keys / sizeof *keys ? keys[k] : "none";
}

static void put_theory_line(FILE *out, const struct scenario *sc,
                            const struct station_theory *t)
{
    char wq_t[32], wq_s[32];

    format_duration(wq_s, sizeof wq_s, t->wq_sim * NS_PER_S);
    if (!isfinite(t->wq_theory)) {
        fprintf(out, "  theory: %s %s as M/M/%d is saturated (%.0f%% busy); "
                "simulated wait %s.\n", cname(sc, t->comp), t->resource,
                t->servers, pct(t->rho), wq_s);
        return;
    }
    format_duration(wq_t, sizeof wq_t, t->wq_theory * NS_PER_S);
    fprintf(out, "  theory: %s %s as M/M/%d%s at %.0f%% busy: mean wait "
            "%s, simulated %s (%.1f vs %.1f waiting)%s%s.\n",
            cname(sc, t->comp), t->resource, t->servers,
            t->copies > 1 ? " per instance" : "", pct(t->rho), wq_t, wq_s,
            t->lq_theory, t->lq_sim, t->disagree ? "; they differ: " : "",
            t->disagree ? t->why : ", within the noise");
}

void advice_write_text(FILE *out, const struct scenario *sc,
                       const struct ramp_result *res,
                       const struct advice *adv)
{
    const struct step_result *st;
    struct station_theory th[64];
    int nth;
    char users[16];

    if (adv->step < 0)
        return;
    st = &res->steps[adv->step];
    format_count(users, sizeof users, st->users);
    fprintf(out, "\nadvisor, at %s users (%s):\n", users,
            adv->holds ? "the objectives hold" : "the first broken step");
    fprintf(out, "  bottleneck: %s\n", adv->neck.text);
    for (int i = 0; i < adv->nremedies; i++)
        fprintf(out, "  %s %s\n", i == 0 ? "next:" : "  or:",
                adv->remedies[i].text);
    if (adv->whatif.done)
        fprintf(out, "  what-if: %s\n", adv->whatif.text);
    if (adv->alt >= 0 && adv->alt_whatif.done)
        fprintf(out, "  what-if: %s\n", adv->alt_whatif.text);
    if (adv->note[0])
        fprintf(out, "  note: %s\n", adv->note);
    nth = advisor_theory(sc, st, th, 64);
    for (int i = 0; i < nth; i++)
        if (th[i].comp == adv->neck.comp)
            put_theory_line(out, sc, &th[i]);
}

static void json_remedy(FILE *out, const struct scenario *sc,
                        const struct advice_remedy *r)
{
    fprintf(out, "{\"kind\":\"%s\",\"component\":", remedy_key(r->kind));
    if (r->comp >= 0)
        json_string(out, cname(sc, r->comp));
    else
        fputs("null", out);
    fputs(",\"change\":", out);
    json_string(out, r->what);
    fputs(",\"text\":", out);
    json_string(out, r->text);
    fputc('}', out);
}

void advice_write_json(FILE *out, const struct scenario *sc,
                       const struct ramp_result *res,
                       const struct advice *adv)
{
    const struct step_result *st;
    const struct advice_neck *n = &adv->neck;
    struct station_theory th[64];
    int nth;

    if (adv->step < 0) {
        fputs("\"advisor\":null", out);
        return;
    }
    st = &res->steps[adv->step];
    fprintf(out, "\"advisor\":{\"users\":%.0f,\"holds\":%s,\"bottleneck\":"
            "{\"component\":", st->users, adv->holds ? "true" : "false");
    if (n->comp >= 0)
        json_string(out, cname(sc, n->comp));
    else
        fputs("null", out);
    fprintf(out, ",\"resource\":\"%s\",\"busy\":", resource_name(n->res));
    json_number(out, n->busy);
    fputs(",\"rejected\":", out);
    json_number(out, n->rejected);
    if (n->comp >= 0 && sc->components[n->comp].kind == KIND_DATABASE)
        fprintf(out, ",\"node\":\"%s\"", n->node == 0 ? "primary"
                                                      : "replica");
    if (n->res == NECK_DISTANCE) {
        fputs(",\"region\":", out);
        json_string(out, sc->regions[n->region].name);
    }
    if (n->via_callee) {
        fputs(",\"waited_on_by\":", out);
        json_string(out, cname(sc, n->caller));
    }
    fputs(",\"text\":", out);
    json_string(out, n->text);
    fputs("},\"remedy\":", out);
    if (adv->nremedies > 0)
        json_remedy(out, sc, &adv->remedies[0]);
    else
        fputs("null", out);
    fputs(",\"alternatives\":[", out);
    for (int i = 1; i < adv->nremedies; i++) {
        if (i > 1)
            fputc(',', out);
        json_remedy(out, sc, &adv->remedies[i]);
    }
    fputs("],\"what_if\":", out);
    if (adv->whatif.done) {
        fputs("{\"change\":", out);
        json_string(out, adv->remedies[0].what);
        fprintf(out, ",\"capacity_before\":%.0f,\"capacity_after\":%.0f,"
                "\"at_least\":%s,\"below\":%s,\"text\":",
                adv->whatif.before, adv->whatif.after,
                adv->whatif.at_least ? "true" : "false",
                adv->whatif.below ? "true" : "false");
        json_string(out, adv->whatif.text);
        fputc('}', out);
    } else {
        fputs("null", out);
    }
    if (adv->alt >= 0 && adv->alt_whatif.done) {
        fputs(",\"what_if_alternative\":{\"change\":", out);
        json_string(out, adv->remedies[adv->alt].what);
        fprintf(out, ",\"capacity_after\":%.0f,\"at_least\":%s,"
                "\"below\":%s,\"text\":", adv->alt_whatif.after,
                adv->alt_whatif.at_least ? "true" : "false",
                adv->alt_whatif.below ? "true" : "false");
        json_string(out, adv->alt_whatif.text);
        fputc('}', out);
    }
    if (adv->note[0]) {
        fputs(",\"note\":", out);
        json_string(out, adv->note);
    }
    fputs(",\"theory\":[", out);
    nth = advisor_theory(sc, st, th, 64);
    for (int i = 0; i < nth; i++) {
        const struct station_theory *t = &th[i];

        fputs(i ? ",{\"component\":" : "{\"component\":", out);
        json_string(out, cname(sc, t->comp));
        fprintf(out, ",\"resource\":\"%s\",\"copies\":%d,\"servers\":%d,"
                "\"lambda\":", t->resource, t->copies, t->servers);
        json_number(out, t->lambda);
        fputs(",\"service_ms\":", out);
        json_number(out, t->service * 1e3);
        fputs(",\"rho\":", out);
        json_number(out, t->rho);
        fputs(",\"cv2\":", out);
        json_number(out, t->cv2);
        fputs(",\"waiting_theory\":", out);
        json_number(out, t->lq_theory);
        fputs(",\"waiting_sim\":", out);
        json_number(out, t->lq_sim);
        fputs(",\"wait_theory_ms\":", out);
        json_number(out, t->wq_theory * 1e3);
        fputs(",\"wait_sim_ms\":", out);
        json_number(out, t->wq_sim * 1e3);
        fprintf(out, ",\"agree\":%s", t->disagree ? "false" : "true");
        if (t->disagree) {
            fputs(",\"why\":", out);
            json_string(out, t->why);
        }
        fputc('}', out);
    }
    fputs("]}", out);
}
