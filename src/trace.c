/*
 * trace.c - sampled traces and the attribution of time they allow.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sim.h"
#include "trace.h"

int trace_enable(struct sim *sim, uint32_t every)
{
    if (every == 0) {
        trace_free(sim);
        return 0;
    }
    if (!sim->tracer) {
        sim->tracer = calloc(1, sizeof *sim->tracer);
        if (!sim->tracer)
            return -1;
    }
    sim->tracer->every = every;
    return 0;
}

void trace_free(struct sim *sim)
{
    free(sim->tracer);
    sim->tracer = NULL;
}

void trace_clear(struct sim *sim)
{
    if (sim->tracer) {
        sim->tracer->ndone = 0;
        sim->tracer->head = 0;
    }
}

static struct trace *of(struct sim *sim, uint32_t r)
{
    uint16_t t = sim->reqs[r].trace;

    return t && sim->tracer ? &sim->tracer->slots[t - 1] : NULL;
}

static void open_span(struct trace *t, int comp, int depth, sim_ns at,
                      int parent)
{
    struct span *s;

    if (t->nspans == TRACE_SPANS) {
        t->open[depth] = -1;        /* too deep a trace: not kept whole */
        return;
    }
    s = &t->spans[t->nspans];
    memset(s, 0, sizeof *s);
    s->comp = (uint16_t)comp;
    s->depth = (uint8_t)depth;
    s->arrive = at;
    s->parent = (int16_t)parent;
    t->open[depth] = t->nspans++;
    if (depth > 0 && t->open[depth - 1] >= 0)
        t->spans[t->open[depth - 1]].calls++;
}

void trace_begin(struct sim *sim, uint32_t r)
{
    struct tracer *tr = sim->tracer;
    struct request *q = &sim->reqs[r];
    struct trace *t;
    int slot = -1;

    q->trace = 0;
    if (!tr || tr->seen++ % tr->every != 0)
        return;
    for (int i = 0; i < TRACE_SLOTS && slot < 0; i++)
        if (!tr->busy[i])
            slot = i;
    if (slot < 0)
        return;                     /* all slots in flight: skip this one */
    tr->busy[slot] = true;
    q->trace = (uint16_t)(slot + 1);
    t = &tr->slots[slot];
    memset(t, 0, sizeof *t);
    t->id = tr->seen;
    t->kind = q->kind;
    t->region = q->region;
    t->start = sim->now;
    open_span(t, q->comp[0], 0, sim->now, -1);
}

void trace_enter(struct sim *sim, uint32_t r, int comp, sim_ns at)
{
    struct trace *t = of(sim, r);
    int d = sim->reqs[r].depth;

    if (t)
        open_span(t, comp, d, at, d > 0 ? t->open[d - 1] : -1);
}

void trace_handover(struct sim *sim, uint32_t r, int comp, sim_ns at)
{
    struct trace *t = of(sim, r);
    int d = sim->reqs[r].depth, from;

    if (!t)
        return;
    from = t->open[d];
    if (from >= 0)
        t->spans[from].leave = at;
    open_span(t, comp, d, at, from);
    /* The caller made one call, not two. */
    if (d > 0 && t->open[d - 1] >= 0 && t->spans[t->open[d - 1]].calls)
        t->spans[t->open[d - 1]].calls--;
}

void trace_serve(struct sim *sim, uint32_t r)
{
    struct trace *t = of(sim, r);
    int d = sim->reqs[r].depth;

    if (t && t->open[d] >= 0 && t->spans[t->open[d]].serve == 0)
        t->spans[t->open[d]].serve = sim->now;
}

void trace_leave(struct sim *sim, uint32_t r)
{
    struct trace *t = of(sim, r);
    int d = sim->reqs[r].depth;

    if (t && t->open[d] >= 0)
        t->spans[t->open[d]].leave = sim->now;
}

void trace_abandon(struct sim *sim, uint32_t r, sim_ns at)
{
    struct trace *t = of(sim, r);

    if (!t)
        return;
    for (int d = sim->reqs[r].depth + 1; d < MAX_CALL_DEPTH; d++) {
        if (t->open[d] >= 0 && t->spans[t->open[d]].leave == 0)
            t->spans[t->open[d]].leave = at;
        t->open[d] = -1;
    }
}

void trace_end(struct sim *sim, uint32_t r, sim_ns rtt)
{
    struct tracer *tr = sim->tracer;
    struct trace *t = of(sim, r);

    if (!t)
        return;
    t->end = sim->now;
    t->rtt = rtt;
    t->failed = (sim->reqs[r].flags & REQ_FAILED) != 0;
    tr->done[tr->head] = *t;
    tr->head = (tr->head + 1) % TRACE_KEEP;
    if (tr->ndone < TRACE_KEEP)
        tr->ndone++;
    tr->busy[sim->reqs[r].trace - 1] = false;
    sim->reqs[r].trace = 0;
}

/* --- Attribution ----------------------------------------------------------- */

/* Split one trace's time into parts: per component waiting and service
 * (the span's own time less its callees' and the hops to them), the
 * network (what is left) and the distance to the user's region. */
static void split(const struct trace *t, sim_ns hop, int ncomp,
                  double *wait, double *service, double *network,
                  double *distance)
{
    double total = (double)(t->end - t->start + t->rtt), parts = 0;

    for (int i = 0; i < t->nspans; i++) {
        const struct span *s = &t->spans[i];
        double dur = (double)(s->leave - s->arrive), inner = 0, w = 0;

        if (s->comp >= ncomp || s->leave < s->arrive)
            continue;
        for (int k = i + 1; k < t->nspans; k++) {
            const struct span *c = &t->spans[k];

            if (c->depth <= s->depth)
                break;
            if (c->depth == s->depth + 1)
                inner += (double)(c->leave - c->arrive);
        }
        if (s->serve > 0)
            w = (double)(s->serve - s->arrive);
        inner += (double)s->calls * (double)hop;
        wait[s->comp] += w;
        if (dur - w - inner > 0)
            service[s->comp] += dur - w - inner;
        parts += w + (dur - w - inner > 0 ? dur - w - inner : 0);
    }
    *distance += (double)t->rtt;
    *network += total - parts - (double)t->rtt > 0
                    ? total - parts - (double)t->rtt : 0;
}

static int by_total(const void *a, const void *b)
{
    const struct trace *x = *(const struct trace *const *)a;
    const struct trace *y = *(const struct trace *const *)b;
    sim_ns tx = x->end - x->start + x->rtt, ty = y->end - y->start + y->rtt;

    return (tx > ty) - (tx < ty);
}

/* Sum the parts of traces[from..n) into shares of their total. */
static void shares(const struct trace **traces, int from, int n, sim_ns hop,
                   int ncomp, struct share_parts *out, double *total_mean,
                   double *network, double *distance)
{
    double *wait = calloc((size_t)ncomp + 1, sizeof *wait);
    double *service = calloc((size_t)ncomp + 1, sizeof *service);
    double total = 0, net = 0, dist = 0;

    if (!wait || !service || n <= from) {
        free(wait);
        free(service);
        return;
    }
    for (int i = from; i < n; i++) {
        const struct trace *t = traces[i];

        total += (double)(t->end - t->start + t->rtt);
        split(t, hop, ncomp, wait, service, &net, &dist);
    }
    for (int c = 0; c < ncomp; c++) {
        out[c].wait = total > 0 ? wait[c] / total : 0;
        out[c].service = total > 0 ? service[c] / total : 0;
    }
    *total_mean = total / (n - from);
    *network = total > 0 ? net / total : 0;
    *distance = total > 0 ? dist / total : 0;
    free(wait);
    free(service);
}

int attribute(const struct sim *sim, int kind, struct attribution *out)
{
    const struct tracer *tr = sim->tracer;
    int ncomp = sim->sc->ncomponents, n = 0;
    const struct trace **picked;

    memset(out, 0, sizeof *out);
    out->mean = calloc((size_t)ncomp + 1, sizeof *out->mean);
    out->tail = calloc((size_t)ncomp + 1, sizeof *out->tail);
    picked = calloc(TRACE_KEEP, sizeof *picked);
    if (!out->mean || !out->tail || !picked) {
        free(picked);
        attribution_free(out);
        return -1;
    }
    for (int i = 0; tr && i < tr->ndone; i++) {
        const struct trace *t = &tr->done[i];

        if (!t->failed && (kind == REQ_KIND_COUNT || t->kind == kind))
            picked[n++] = t;
    }
    out->ntraces = n;
    if (n > 0) {
        /* The slowest 1% (at least one) stand for the tail. */
        int tail_from = n - (n / 100 > 0 ? n / 100 : 1);

        qsort(picked, (size_t)n, sizeof *picked, by_total);
        shares(picked, 0, n, sim->sc->hop, ncomp, out->mean, &out->mean_ns,
               &out->network_mean, &out->distance_mean);
        shares(picked, tail_from, n, sim->sc->hop, ncomp, out->tail,
               &out->tail_ns, &out->network_tail, &out->distance_tail);
    }
    free(picked);
    return 0;
}

void attribution_free(struct attribution *a)
{
    free(a->mean);
    free(a->tail);
    a->mean = a->tail = NULL;
}

struct part {
    double share;
    char text[NAME_BYTES + 32];
};

static int by_share(const void *a, const void *b)
{
    double x = ((const struct part *)a)->share;
    double y = ((const struct part *)b)->share;

    return (x < y) - (x > y);
}

void attribution_sentence(const struct scenario *sc,
                          const struct attribution *a, bool tail,
                          char *buf, size_t len)
{
    const struct share_parts *sp = tail ? a->tail : a->mean;
    int n = 0, cap = 2 * sc->ncomponents + 2;
    struct part *parts = calloc((size_t)cap, sizeof *parts);
    char when[16];
    size_t used;

    format_duration(when, sizeof when, tail ? a->tail_ns : a->mean_ns);
    used = (size_t)snprintf(buf, len, "%s %s:", tail ? "slowest 1%"
                            : "mean", when);
    if (!parts || a->ntraces == 0) {
        snprintf(buf + used, len - used, " no traces yet");
        free(parts);
        return;
    }
    for (int c = 0; c < sc->ncomponents; c++) {
        parts[n].share = sp[c].wait;
        snprintf(parts[n++].text, sizeof parts[0].text, "waiting at %s",
                 sc->components[c].name);
        parts[n].share = sp[c].service;
        snprintf(parts[n++].text, sizeof parts[0].text, "at %s",
                 sc->components[c].name);
    }
    parts[n].share = tail ? a->network_tail : a->network_mean;
    snprintf(parts[n++].text, sizeof parts[0].text, "network");
    parts[n].share = tail ? a->distance_tail : a->distance_mean;
    snprintf(parts[n++].text, sizeof parts[0].text, "distance to users");
    qsort(parts, (size_t)n, sizeof *parts, by_share);
    for (int i = 0, shown = 0; i < n && used < len; i++) {
        if (parts[i].share < 0.03 || shown == 5)
            break;
        used += (size_t)snprintf(buf + used, len - used, "%s %.0f%% %s",
                                 shown++ ? "," : "",
                                 parts[i].share * 100, parts[i].text);
    }
    free(parts);
}

/* --- Export ----------------------------------------------------------------- */

static void write_trace(FILE *out, const struct scenario *sc,
                        const struct trace *t)
{
    fprintf(out, "{\"trace_id\":\"%032llx\",\"kind\":\"%s\",\"failed\":%s,"
                 "\"start_ns\":%lld,\"end_ns\":%lld,\"rtt_ns\":%lld,"
                 "\"spans\":[", (unsigned long long)t->id,
            req_kind_name(t->kind), t->failed ? "true" : "false",
            (long long)t->start, (long long)t->end, (long long)t->rtt);
    for (int i = 0; i < t->nspans; i++) {
        const struct span *s = &t->spans[i];
        int parent = s->parent;

        fprintf(out, "%s{\"span_id\":\"%016llx\",", i ? "," : "",
                (unsigned long long)(t->id << 8 | (uint64_t)(i + 1)));
        if (parent >= 0)
            fprintf(out, "\"parent_id\":\"%016llx\",",
                    (unsigned long long)(t->id << 8 | (uint64_t)(parent + 1)));
        fputs("\"name\":", out);
        json_string(out, sc->components[s->comp].name);
        fprintf(out, ",\"start_ns\":%lld,\"service_start_ns\":%lld,"
                     "\"end_ns\":%lld}", (long long)s->arrive,
                (long long)(s->serve ? s->serve : s->arrive),
                (long long)s->leave);
    }
    fputs("]}", out);
}

int trace_copy(const struct sim *sim, struct trace **out)
{
    const struct tracer *tr = sim->tracer;
    int n = tr ? tr->ndone : 0;

    *out = NULL;
    if (n == 0)
        return 0;
    *out = malloc((size_t)n * sizeof **out);
    if (!*out)
        return -1;
    for (int i = 0; i < n; i++)
        (*out)[i] = tr->done[(tr->head - n + i + TRACE_KEEP) % TRACE_KEEP];
    return n;
}

int trace_write_json(FILE *out, const struct scenario *sc,
                     const struct trace *traces, int n)
{
    fputs("[", out);
    for (int i = 0; i < n; i++) {
        fputs(i ? ",\n" : "\n", out);
        write_trace(out, sc, &traces[i]);
    }
    fputs("\n]\n", out);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
