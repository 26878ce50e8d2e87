/*
 * bench_engine.c - how fast and how small the engine is (make bench).
 *
 *   mm4     events per second on an M/M/4 station at utilisation 0.9
 *   heap    binary against 4-ary heap on the classic hold workload, to
 *           back (or refute) the choice of pending-event set in sim.c
 *   bytes   memory per request in flight
 *   idle    a million closed users cost events only when they send
 *   exec OUT CMD...
 *           run CMD and write "wall-seconds peak-KiB" to OUT: bench.sh's
 *           stand-in for /usr/bin/time where that is not installed
 *
 * With no argument it runs mm4, heap, bytes and idle. Figures are printed,
 * never judged: the exit status is non-zero only when something could not
 * run, so a slow machine never fails the build.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "hist.h"
#include "rng.h"
#include "scenario.h"
#include "sim.h"

static double wall_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --- Scenarios built in code ---------------------------------------------
 * One server and nothing else, so that every event the engine processes
 * is the queueing itself: no hops, no calls, reads only.
 */

static int one_station(struct scenario *s, int cores, sim_ns cpu_ns)
{
    char err[512] = "";
    struct component *c;

    s->mix[REQ_STATIC] = 0;
    s->mix[REQ_READ] = 1;
    s->mix[REQ_WRITE] = 0;
    s->mix[REQ_TASK] = 0;
    s->hop = 0;
    s->objectives.p99 = 0;
    c = scenario_add(s, KIND_SERVER, "station");
    if (!c)
        return -1;
    c->cores = cores;
    c->threads = 1000000;           /* only the cores may queue */
    c->backlog = 1000000;
    c->timeout = 1000000LL * NS_PER_S;
    c->task_work = 0;
    c->dist = DIST_EXPONENTIAL;
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        c->cpu[k] = cpu_ns;
    if (scenario_validate(s, err, sizeof err) < 0) {
        fprintf(stderr, "bench_engine: scenario: %s\n", err);
        return -1;
    }
    return 0;
}

/* --- mm4 ------------------------------------------------------------------ */

#define MM4_SERVERS   4
#define MM4_RHO       0.9
#define MM4_SERVICE   (10 * NS_PER_MS)
#define MM4_CUSTOMERS 1e6

/* Mean response time of M/M/c (seconds) from Erlang C, computed from the
 * sum of a^k / k! terms: c is small here, so nothing overflows. */
static double mmc_mean(int c, double lambda, double service)
{
    double a = lambda * service, term = 1, sum = 0, pwait;

    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    /* term is now a^c / c! */
    pwait = term * c / (c - a);
    pwait /= sum + pwait;
    return service + pwait * service / (c - a);
}

struct mm4_run {
    double wall;                    /* seconds in sim_run_until */
    double events;                  /* arrivals + departures */
    uint64_t engine_events;         /* sim->events */
    uint64_t arrivals, departures;
    double mean_ms;
};

static int mm4_once(uint64_t seed, struct mm4_run *out)
{
    double service = (double)MM4_SERVICE / NS_PER_S;
    double lambda = MM4_RHO * MM4_SERVERS / service, t0;
    struct scenario s;
    struct sim *sim;

    scenario_init(&s);
    s.user_model = USERS_OPEN;
    s.rate = lambda;                /* one user sends lambda per second */
    if (one_station(&s, MM4_SERVERS, MM4_SERVICE) < 0 ||
        !(sim = sim_create(&s, seed))) {
        scenario_free(&s);
        return -1;
    }
    sim_set_users(sim, 1);
    t0 = wall_now();
    sim_run_until(sim, (sim_ns)(MM4_CUSTOMERS / lambda * NS_PER_S));
    out->wall = wall_now() - t0;
    out->arrivals = sim->end.arrivals;
    out->departures = sim->end.ok + sim->end.errors;
    /* An arrival and a departure per customer, as SimPy is counted. */
    out->events = (double)(out->arrivals + out->departures);
    out->engine_events = sim->events;
    out->mean_ms = hist_mean(sim_latency_all(sim)) / NS_PER_MS;
    sim_destroy(sim);
    scenario_free(&s);
    return 0;
}

static int by_wall(const void *a, const void *b)
{
    double x = ((const struct mm4_run *)a)->wall;
    double y = ((const struct mm4_run *)b)->wall;

    return (x > y) - (x < y);
}

/* A run lasts a tenth of a second, short enough for one burst of load on
 * the machine to halve its rate: several runs, and the median is told. */
#define MM4_RUNS 5

static int bench_mm4(void)
{
    double service = (double)MM4_SERVICE / NS_PER_S;
    double lambda = MM4_RHO * MM4_SERVERS / service;
    struct mm4_run runs[MM4_RUNS], *mid = &runs[MM4_RUNS / 2];

    for (int i = 0; i < MM4_RUNS; i++)
        if (mm4_once(42 + (uint64_t)i, &runs[i]) < 0)
            return -1;
    qsort(runs, MM4_RUNS, sizeof runs[0], by_wall);
    printf("M/M/%d at rho %.1f, service %.0f ms, %.0f customers, median "
           "of %d runs:\n", MM4_SERVERS, MM4_RHO, service * 1e3,
           MM4_CUSTOMERS, MM4_RUNS);
    printf("  arrivals %llu, departures %llu, engine events %llu\n",
           (unsigned long long)mid->arrivals,
           (unsigned long long)mid->departures,
           (unsigned long long)mid->engine_events);
    printf("  mean response %.3f ms (Erlang C %.3f ms)\n", mid->mean_ms,
           mmc_mean(MM4_SERVERS, lambda, service) * 1e3);
    printf("  wall %.3f s (runs from %.3f to %.3f s)\n", mid->wall,
           runs[0].wall, runs[MM4_RUNS - 1].wall);
    printf("events/s (2 per customer): %.0f\n", mid->events / mid->wall);
    printf("engine events/s (sim->events): %.0f\n",
           (double)mid->engine_events / mid->wall);
    return 0;
}

/* --- heap -----------------------------------------------------------------
 * The pending-event set alone, on the hold model (pop the earliest event,
 * push it back at its time plus an exponential increment): the queue
 * size stays fixed, and the workload is what a simulator does between
 * model steps. Both heaps are written the way sim.c writes its own (hole
 * sifting, 16-byte struct event records) so only the arity differs.
 */

struct pes {
    struct event *h;
    uint32_t n;
};

static void bin_push(struct pes *q, struct event e)
{
    struct event *h = q->h;
    uint32_t i = q->n++;

    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (h[parent].time <= e.time)
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

static struct event bin_pop(struct pes *q)
{
    struct event *h = q->h;
    struct event top = h[0], last = h[--q->n];
    uint32_t n = q->n, i = 0;

    for (;;) {
        uint32_t c = 2 * i + 1;

        if (c >= n)
            break;
        if (c + 1 < n && h[c + 1].time < h[c].time)
            c++;
        if (h[c].time >= last.time)
            break;
        h[i] = h[c];
        i = c;
    }
    if (n > 0)
        h[i] = last;
    return top;
}

static void quad_push(struct pes *q, struct event e)
{
    struct event *h = q->h;
    uint32_t i = q->n++;

    while (i > 0) {
        uint32_t parent = (i - 1) / 4;

        if (h[parent].time <= e.time)
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

static struct event quad_pop(struct pes *q)
{
    struct event *h = q->h;
    struct event top = h[0], last = h[--q->n];
    uint32_t n = q->n, i = 0;

    for (;;) {
        uint32_t first = 4 * i + 1, best = first;
        uint32_t end = first + 4 < n ? first + 4 : n;

        if (first >= n)
            break;
        for (uint32_t c = first + 1; c < end; c++)
            if (h[c].time < h[best].time)
                best = c;
        if (h[best].time >= last.time)
            break;
        h[i] = h[best];
        i = best;
    }
    if (n > 0)
        h[i] = last;
    return top;
}

/* Increments are drawn beforehand so that the timing is the heap's, not
 * the generator's; a mean of 1 ms in ns makes equal times rare. */
#define INC_COUNT (1u << 16)
#define INC_MEAN  1e6
#define HOLD_REPS 3

static sim_ns inc[INC_COUNT];

/* The sum of popped times is printed so the loops cannot be optimised
 * away, and compared: both heaps must pop the same times in order. */
static uint64_t hold_bin(struct pes *q, long holds)
{
    uint64_t sum = 0;

    for (long k = 0; k < holds; k++) {
        struct event e = bin_pop(q);

        sum += (uint64_t)e.time;
        e.time += inc[k & (INC_COUNT - 1)];
        bin_push(q, e);
    }
    return sum;
}

static uint64_t hold_quad(struct pes *q, long holds)
{
    uint64_t sum = 0;

    for (long k = 0; k < holds; k++) {
        struct event e = quad_pop(q);

        sum += (uint64_t)e.time;
        e.time += inc[k & (INC_COUNT - 1)];
        quad_push(q, e);
    }
    return sum;
}

/* Fill a queue of n events with exponential times from 0. */
static int pes_fill(struct pes *q, uint32_t n, uint64_t seed, bool quad)
{
    struct rng rng;

    q->h = malloc((size_t)n * sizeof *q->h);
    q->n = 0;
    if (!q->h)
        return -1;
    rng_seed(&rng, seed);
    for (uint32_t i = 0; i < n; i++) {
        struct event e = {(sim_ns)rng_exponential(&rng, INC_MEAN), i,
                          EV_DONE, 0};

        if (quad)
            quad_push(q, e);
        else
            bin_push(q, e);
    }
    return 0;
}

struct hold_result {
    double ns[2];                   /* best of HOLD_REPS: binary, 4-ary */
    uint64_t sum[2];
};

/* One timed run of holds on heap which (0 binary, 1 4-ary). */
static void hold_once(struct pes *q, int which, long holds,
                      struct hold_result *r)
{
    double t0 = wall_now(), ns;
    uint64_t sum = which ? hold_quad(q, holds) : hold_bin(q, holds);

    ns = (wall_now() - t0) * 1e9 / (double)holds;
    r->sum[which] += sum;
    if (r->ns[which] == 0 || ns < r->ns[which])
        r->ns[which] = ns;
}

static int hold_size(uint32_t n, long holds, struct hold_result *r)
{
    struct pes q[2];

    memset(r, 0, sizeof *r);
    if (pes_fill(&q[0], n, 7, false) < 0 || pes_fill(&q[1], n, 7, true) < 0) {
        free(q[0].h);
        return -1;
    }
    /* Warm up (caches, steady-state shape), then alternate the heaps so
     * that a change in machine load falls on both alike. */
    hold_bin(&q[0], n);
    hold_quad(&q[1], n);
    for (int rep = 0; rep < HOLD_REPS; rep++)
        for (int which = 0; which < 2; which++)
            hold_once(&q[which], which, holds, r);
    free(q[0].h);
    free(q[1].h);
    return 0;
}

static int bench_heap(void)
{
    static const uint32_t sizes[] = {16, 1024, 65536};
    static const char *const names[] = {"16", "1k", "64k"};
    const long holds = 4000000;
    struct rng rng;

    rng_seed(&rng, 1);
    for (uint32_t i = 0; i < INC_COUNT; i++)
        inc[i] = (sim_ns)rng_exponential(&rng, INC_MEAN);
    printf("pending-event set on the hold model (pop min, push now + "
           "exp):\n  ns per hold, best of %d runs of %ld holds\n",
           HOLD_REPS, holds);
    printf("  %-6s %10s %10s %8s\n", "size", "binary", "4-ary",
           "4-ary/bin");
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        struct hold_result r;

        if (hold_size(sizes[k], holds, &r) < 0)
            return -1;
        printf("  %-6s %10.1f %10.1f %8.2f%s\n", names[k], r.ns[0], r.ns[1],
               r.ns[1] / r.ns[0],
               r.sum[0] == r.sum[1] ? "" : "  (pop order differs!)");
        if (r.sum[0] != r.sum[1])
            return -1;
    }
    return 0;
}

/* --- bytes ---------------------------------------------------------------- */

static void bench_bytes(void)
{
    size_t req = sizeof(struct request), ev = sizeof(struct event);

    /* sim.c keeps one pending-event slot per request record (at most one
     * event is pending per request), so both are paid per request. */
    printf("bytes per request in flight: struct request %zu + struct "
           "event %zu = %zu\n", req, ev, req + ev);
    printf("  request record <= 64 bytes: %s\n", req <= 64 ? "PASS" :
           "FAIL");
}

/* --- idle ----------------------------------------------------------------- */

#define IDLE_USERS   1e6
#define IDLE_THINK   (1000 * NS_PER_S)  /* 1000 requests/s offered */
#define IDLE_WARM_S  10
#define IDLE_RUN_S   200

static void idle_report(const struct sim *sim, double wall)
{
    double secs = IDLE_RUN_S, think = (double)IDLE_THINK / NS_PER_S;
    double events = (double)sim->events, reqs = (double)sim->end.arrivals;

    printf("closed users: %.0f users thinking %.0f s, %d s simulated:\n",
           IDLE_USERS, think, IDLE_RUN_S);
    printf("  requests per simulated second %.0f (users / think = %.0f)"
           "\n", reqs / secs, IDLE_USERS / think);
    printf("  events per simulated second %.0f: %.2f per request, %.4f "
           "per user\n", events / secs, events / reqs,
           events / secs / IDLE_USERS);
    /* Records are only added when the free list is empty, that is when
     * all of them are in flight: their count is the peak in flight. */
    printf("  peak in flight %u requests (now %u); wall %.3f s\n",
           sim->nreqs, sim->inflight, wall);
}

static int bench_idle(void)
{
    struct scenario s;
    struct sim *sim;
    double t0;

    scenario_init(&s);
    s.user_model = USERS_CLOSED;
    s.think = IDLE_THINK;
    /* 16 cores at 10 ms serve 1600/s: 1000/s keeps about 10 in flight. */
    if (one_station(&s, 16, 10 * NS_PER_MS) < 0 ||
        !(sim = sim_create(&s, 9))) {
        scenario_free(&s);
        return -1;
    }
    sim_set_users(sim, IDLE_USERS);
    sim_run_until(sim, IDLE_WARM_S * NS_PER_S);
    sim_reset_window(sim);
    sim->events = 0;                /* count the measured window only */
    t0 = wall_now();
    sim_run_until(sim, sim->now + IDLE_RUN_S * NS_PER_S);
    idle_report(sim, wall_now() - t0);
    sim_destroy(sim);
    scenario_free(&s);
    return 0;
}

/* --- exec ----------------------------------------------------------------- */

/* Run argv[1..] and write its wall time and peak resident size to the
 * file argv[0], as /usr/bin/time -f '%e %M' -o would. Returns the
 * command's exit status, or 128 + signal as the shell does. */
static int bench_exec(char **argv)
{
    double t0 = wall_now();
    struct rusage ru;
    FILE *out;
    pid_t pid;
    int st;

    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        perror("bench_engine: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    if (wait4(pid, &st, 0, &ru) < 0) {
        perror("bench_engine: wait4");
        return 127;
    }
    out = fopen(argv[0], "w");
    if (out) {
        fprintf(out, "%.2f %ld\n", wall_now() - t0, ru.ru_maxrss);
        fclose(out);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* --- main ----------------------------------------------------------------- */

static int run_section(const char *name)
{
    if (strcmp(name, "mm4") == 0)
        return bench_mm4();
    if (strcmp(name, "heap") == 0)
        return bench_heap();
    if (strcmp(name, "bytes") == 0) {
        bench_bytes();
        return 0;
    }
    if (strcmp(name, "idle") == 0)
        return bench_idle();
    fprintf(stderr, "usage: bench_engine [mm4|heap|bytes|idle]... | "
                    "exec OUT CMD...\n");
    return 64;
}

int main(int argc, char **argv)
{
    static const char *const all[] = {"mm4", "heap", "bytes", "idle"};

    if (argc >= 4 && strcmp(argv[1], "exec") == 0)
        return bench_exec(argv + 2);
    for (int i = 0; i < (argc > 1 ? argc - 1 : 4); i++) {
        const char *name = argc > 1 ? argv[i + 1] : all[i];
        int rc = run_section(name);

        if (rc != 0) {
            if (rc < 0)
                fprintf(stderr, "bench_engine: %s failed\n", name);
            return rc < 0 ? 1 : rc;
        }
        fflush(stdout);
    }
    return 0;
}
