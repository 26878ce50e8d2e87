/*
 * timeline.c - a fixed user count followed through time (timeline.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ramp.h"
#include "sim.h"
#include "timeline.h"

/* The engine's notes (failures, recoveries, breakers) as they happen. */
static void keep_note(void *arg, sim_ns when, const char *text)
{
    struct timeline *t = arg;
    struct timeline_note *grown;

    if (t->nnotes == t->capnotes) {
        int cap = t->capnotes ? t->capnotes * 2 : 16;

        grown = realloc(t->notes, (size_t)cap * sizeof *grown);
        if (!grown)
            return;                 /* the note is lost, not the run */
        t->notes = grown;
        t->capnotes = cap;
    }
    t->notes[t->nnotes].at = when;
    snprintf(t->notes[t->nnotes].text, sizeof t->notes[0].text, "%s", text);
    t->nnotes++;
}

/* As a ramp step is judged: a p99 only when enough answers tell it,
 * else the median; an interval where nothing was sent breaks nothing,
 * one where requests were sent and none came back does. */
static bool row_holds(const struct scenario *sc,
                      const struct timeline_row *row, uint64_t sent,
                      uint64_t done)
{
    sim_ns p99 = sc->objectives.p99;

    if (done == 0)
        return sent == 0;
    if (row->ok > 0 && p99 > 0 &&
        (row->p99_known ? row->p99 > p99 : row->p50 > p99))
        return false;
    return row->error_frac <= sc->objectives.errors;
}

/* The busiest component of the interval just measured. */
static void find_busiest(const struct sim *sim, double seconds,
                         struct timeline_row *row)
{
    struct comp_result cr;

    row->busiest = -1;
    row->busiest_util = 0;
    for (int c = 0; c < sim->sc->ncomponents; c++) {
        ramp_comp_figures(sim, c, seconds, &cr);
        if (row->busiest < 0 || cr.util > row->busiest_util) {
            row->busiest = c;
            row->busiest_util = cr.util;
        }
    }
}

void timeline_measure(struct sim *sim, double seconds,
                      struct timeline_row *row)
{
    const struct hist *all = sim_latency_all(sim);
    uint64_t timeouts = 0, done = sim->end.ok + sim->end.errors;

    for (int c = 0; c < sim->sc->ncomponents; c++)
        timeouts += sim->cs[c].st.call_timeouts;
    row->end = sim->now;
    row->sent = (double)sim->end.arrivals / seconds;
    row->ok = (double)sim->end.ok / seconds;
    row->error_frac = done ? (double)sim->end.errors / (double)done : 0;
    row->p50 = hist_quantile(all, 0.50);
    row->p99 = hist_quantile(all, 0.99);
    row->p99_known = sim->end.ok >= RAMP_MIN_P99_SAMPLES;
    row->retries = (double)sim->retries / seconds;
    row->timeouts = (double)timeouts / seconds;
    sim_flush_areas(sim);
    find_busiest(sim, seconds, row);
    row->holds = row_holds(sim->sc, row, sim->end.arrivals, done);
}

int timeline_run(const struct scenario *sc, uint64_t seed, double users,
                 sim_ns duration, sim_ns every, struct timeline *t)
{
    int n = (int)((duration + every - 1) / every);
    struct sim *sim;

    memset(t, 0, sizeof *t);
    t->users = users;
    t->every = every;
    t->rows = calloc((size_t)n, sizeof *t->rows);
    if (!t->rows || !(sim = sim_create(sc, seed))) {
        timeline_free(t);
        return -1;
    }
    sim->note = keep_note;
    sim->note_arg = t;
    sim_set_users(sim, users);
    for (int i = 0; i < n; i++) {
        sim_run_until(sim, (sim_ns)(i + 1) * every);
        timeline_measure(sim, (double)every / NS_PER_S, &t->rows[i]);
        sim_reset_window(sim);
        t->nrows++;
    }
    sim_destroy(sim);
    return 0;
}

void timeline_free(struct timeline *t)
{
    free(t->rows);
    free(t->notes);
    memset(t, 0, sizeof *t);
}

/* --- Output -------------------------------------------------------------- */

static const char *name_of(const struct scenario *sc, int c)
{
    return c >= 0 ? sc->components[c].name : "-";
}

static void write_table_row(FILE *out, const struct scenario *sc,
                            const struct timeline_row *r)
{
    char p50[16], p99[16], sent[16], ok[16];

    if (r->ok > 0) {
        format_duration(p50, sizeof p50, (double)r->p50);
        format_duration(p99, sizeof p99, (double)r->p99);
        if (!r->p99_known)
            snprintf(p99, sizeof p99, "?");  /* too few answers */
    } else {
        snprintf(p50, sizeof p50, "-");     /* nothing was answered */
        snprintf(p99, sizeof p99, "-");
    }
    format_count(sent, sizeof sent, r->sent);
    format_count(ok, sizeof ok, r->ok);
    fprintf(out, "%8.1fs %8s %8s %6.2f%% %8s %8s %8.0f %8.0f  %s %.0f%%%s\n",
            (double)r->end / NS_PER_S, sent, ok, 100 * r->error_frac, p50,
            p99, r->retries, r->timeouts, name_of(sc, r->busiest),
            100 * r->busiest_util, r->holds ? "" : "  BROKEN");
}

static void write_csv_row(FILE *out, const struct scenario *sc,
                          const struct timeline_row *r)
{
    /* An unknown p99 is an empty field. */
    fprintf(out, "%.3f,%.3f,%.3f,%.6f,%.3f,", (double)r->end / NS_PER_S,
            r->sent, r->ok, r->error_frac, (double)r->p50 / NS_PER_MS);
    if (r->p99_known)
        fprintf(out, "%.3f", (double)r->p99 / NS_PER_MS);
    fprintf(out, ",%.3f,%.3f,", r->retries, r->timeouts);
    fprintf(out, "\"%s\",%.4f,%s\n", name_of(sc, r->busiest),
            r->busiest_util, r->holds ? "true" : "false");
}

static void write_json_row(FILE *out, const struct scenario *sc,
                           const struct timeline_row *r, bool first)
{
    fprintf(out, "%s\n    {\"t_s\": ", first ? "" : ",");
    json_number(out, (double)r->end / NS_PER_S);
    fputs(", \"sent_per_s\": ", out);
    json_number(out, r->sent);
    fputs(", \"ok_per_s\": ", out);
    json_number(out, r->ok);
    fputs(", \"error_frac\": ", out);
    json_number(out, r->error_frac);
    fputs(", \"p50_ms\": ", out);
    json_number(out, (double)r->p50 / NS_PER_MS);
    fputs(", \"p99_ms\": ", out);
    if (r->p99_known)
        json_number(out, (double)r->p99 / NS_PER_MS);
    else
        fputs("null", out);             /* too few answers to tell */
    fputs(", \"retries_per_s\": ", out);
    json_number(out, r->retries);
    fputs(", \"timeouts_per_s\": ", out);
    json_number(out, r->timeouts);
    fputs(", \"busiest\": ", out);
    json_string(out, name_of(sc, r->busiest));
    fputs(", \"busiest_util\": ", out);
    json_number(out, r->busiest_util);
    fprintf(out, ", \"holds\": %s}", r->holds ? "true" : "false");
}

static void write_notes_json(FILE *out, const struct timeline *t)
{
    fputs("\n  ],\n  \"events\": [", out);
    for (int i = 0; i < t->nnotes; i++) {
        fprintf(out, "%s\n    {\"t_s\": ", i ? "," : "");
        json_number(out, (double)t->notes[i].at / NS_PER_S);
        fputs(", \"text\": ", out);
        json_string(out, t->notes[i].text);
        putc('}', out);
    }
    fputs(t->nnotes ? "\n  ]\n}\n" : "]\n}\n", out);
}

static void write_head(FILE *out, enum report_format format,
                       const struct scenario *sc, const struct timeline *t)
{
    char users[16];

    format_count(users, sizeof users, t->users);
    if (format == FORMAT_CSV) {
        fputs("t_s,sent_per_s,ok_per_s,error_frac,p50_ms,p99_ms,"
              "retries_per_s,timeouts_per_s,busiest,busiest_util,holds\n",
              out);
    } else if (format == FORMAT_JSON) {
        fputs("{\n  \"scenario\": ", out);
        json_string(out, sc->name);
        fputs(",\n  \"users\": ", out);
        json_number(out, t->users);
        fputs(",\n  \"rows\": [", out);
    } else {
        fprintf(out, "%s at %s users, every %gs\n", sc->name, users,
                (double)t->every / NS_PER_S);
        fprintf(out, "%9s %8s %8s %7s %8s %8s %8s %8s  %s\n", "time",
                "sent/s", "ok/s", "errors", "p50", "p99", "retry/s",
                "tmout/s", "busiest");
    }
}

int timeline_write(FILE *out, enum report_format format,
                   const struct scenario *sc, const struct timeline *t)
{
    int note = 0;

    write_head(out, format, sc, t);
    for (int i = 0; i < t->nrows; i++) {
        const struct timeline_row *r = &t->rows[i];

        /* Events of the interval come before its row in the table. */
        for (; format == FORMAT_TABLE && note < t->nnotes &&
               t->notes[note].at <= r->end; note++)
            fprintf(out, "%8.1fs  -- %s\n",
                    (double)t->notes[note].at / NS_PER_S,
                    t->notes[note].text);
        if (format == FORMAT_CSV)
            write_csv_row(out, sc, r);
        else if (format == FORMAT_JSON)
            write_json_row(out, sc, r, i == 0);
        else
            write_table_row(out, sc, r);
    }
    if (format == FORMAT_JSON)
        write_notes_json(out, t);
    return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
