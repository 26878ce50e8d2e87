/*
 * compare.c - two runs side by side, and the key-level changes between
 * their scenario snapshots.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "report.h"
#include "yaml_tree.h"

/* --- Matching steps ------------------------------------------------------ */

/* Ramps rise, so one pass over both lists pairs equal user counts. */
static void merge_steps(const struct ramp_result *a,
                        const struct ramp_result *b, struct run_compare *c)
{
    int i = 0, j = 0;

    while (i < a->nsteps || j < b->nsteps) {
        struct compare_step *cs = &c->steps[c->nsteps++];
        const struct step_result *sa = i < a->nsteps ? &a->steps[i] : NULL;
        const struct step_result *sb = j < b->nsteps ? &b->steps[j] : NULL;

        if (sa && sb && sa->users == sb->users) {
            *cs = (struct compare_step){sa->users, sa, sb};
            i++, j++;
        } else if (sa && (!sb || sa->users < sb->users)) {
            *cs = (struct compare_step){sa->users, sa, NULL};
            i++;
        } else {
            *cs = (struct compare_step){sb->users, NULL, sb};
            j++;
        }
    }
}

int run_compare(const struct store_run *a, const struct store_run *b,
                struct run_compare *out, char *err, size_t errlen)
{
    size_t most = (size_t)a->result.nsteps + (size_t)b->result.nsteps;

    memset(out, 0, sizeof *out);
    out->steps = malloc((most ? most : 1) * sizeof *out->steps);
    if (!out->steps) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    merge_steps(&a->result, &b->result, out);
    if (ydiff_compare(a->yaml, b->yaml, &out->changes, err, errlen) < 0) {
        run_compare_free(out);
        return -1;
    }
    return 0;
}

void run_compare_free(struct run_compare *c)
{
    free(c->steps);
    ydiff_free(&c->changes);
    memset(c, 0, sizeof *c);
}

/* --- Writing ------------------------------------------------------------- */

static void write_run_line(FILE *out, const char *tag,
                           const struct store_run *r)
{
    char name[NAME_BYTES + 8];

    ytree_quote(r->info.scenario, name, sizeof name);
    fprintf(out, "%s: run %" PRId64 ", saved %s UTC by archsim %s, "
                 "seed %" PRIu64 "\n   %s\n", tag, r->info.id,
            r->info.saved_at, r->info.version, r->info.seed, name);
}

static void write_change(FILE *out, const struct ydiff_entry *e)
{
    char path[160], before[96], after[96];

    ytree_quote(e->path, path, sizeof path);
    ytree_quote(e->before ? e->before : "(default)", before, sizeof before);
    ytree_quote(e->after ? e->after : "(default)", after, sizeof after);
    if (e->kind == YDIFF_ADDED && !e->after)
        fprintf(out, "  %s: added\n", path);
    else if (e->kind == YDIFF_REMOVED && !e->before)
        fprintf(out, "  %s: removed\n", path);
    else
        fprintf(out, "  %s: %s -> %s\n", path, before, after);
}

static void write_changes(FILE *out, const struct store_run *a,
                          const struct store_run *b,
                          const struct run_compare *c)
{
    bool seeds = a->info.seed != b->info.seed;

    if (c->changes.n == 0 && !seeds) {
        fputs("\nThe scenarios and seeds are the same.\n", out);
        return;
    }
    fputs("\nWhat changed from A to B:\n", out);
    for (size_t i = 0; i < c->changes.n; i++)
        write_change(out, &c->changes.items[i]);
    if (seeds)
        fprintf(out, "  seed of the run: %" PRIu64 " -> %" PRIu64 "\n",
                a->info.seed, b->info.seed);
}

/* "+23%": b against a, or "" when a is not positive. */
static void percent(char *buf, size_t len, double a, double b)
{
    if (a > 0)
        snprintf(buf, len, "%+.0f%%", (b - a) / a * 100);
    else
        snprintf(buf, len, "%s", a == b ? "0%" : "");
}

static void p99_cell(char *buf, size_t len, const struct step_result *st)
{
    if (!st)
        snprintf(buf, len, "-");
    else if (!st->p99_known)
        snprintf(buf, len, "?");
    else
        format_duration(buf, len, (double)st->p99);
}

static void write_row(FILE *out, const struct compare_step *cs)
{
    const struct step_result *a = cs->a, *b = cs->b;
    char users[16], pa[16], pb[16], pd[16] = "", ea[16] = "-",
         eb[16] = "-", ed[16] = "", ta[16] = "-", tb[16] = "-",
         td[16] = "";

    snprintf(users, sizeof users, "%.0f", cs->users);
    p99_cell(pa, sizeof pa, a);
    p99_cell(pb, sizeof pb, b);
    if (a)
        snprintf(ea, sizeof ea, "%.2f", a->error_frac * 100);
    if (b)
        snprintf(eb, sizeof eb, "%.2f", b->error_frac * 100);
    if (a)
        format_count(ta, sizeof ta, a->completed);
    if (b)
        format_count(tb, sizeof tb, b->completed);
    if (a && b && a->p99_known && b->p99_known)
        percent(pd, sizeof pd, (double)a->p99, (double)b->p99);
    if (a && b)
        snprintf(ed, sizeof ed, "%+.2f",
                 (b->error_frac - a->error_frac) * 100);
    if (a && b)
        percent(td, sizeof td, a->completed, b->completed);
    fprintf(out, "%7s  %7s %7s %6s  %6s %6s %7s  %7s %7s %6s\n", users, pa,
            pb, pd, ea, eb, ed, ta, tb, td);
}

static void write_table(FILE *out, const struct run_compare *c)
{
    fprintf(out, "\n%7s  %-22s  %-21s  %s\n", "", "p99", "errors %",
            "answered/s");
    fprintf(out, "%7s  %7s %7s %6s  %6s %6s %7s  %7s %7s %6s\n", "users",
            "A", "B", "diff", "A", "B", "diff", "A", "B", "diff");
    for (size_t i = 0; i < c->nsteps; i++)
        write_row(out, &c->steps[i]);
}

static void write_summary(FILE *out, const struct store_run *a,
                          const struct store_run *b)
{
    const struct ramp_result *ra = &a->result, *rb = &b->result;
    char ca[16], cb[16], pct[16], verdict[1024];

    format_count(ca, sizeof ca, ra->capacity);
    format_count(cb, sizeof cb, rb->capacity);
    percent(pct, sizeof pct, ra->capacity, rb->capacity);
    fprintf(out, "\ncapacity: %s -> %s users%s%s%s\n", ca, cb,
            *pct ? " (" : "", pct, *pct ? ")" : "");
    fprintf(out, "cost: $%.0f -> $%.0f per month (%s$%.0f)\n", ra->cost,
            rb->cost, rb->cost < ra->cost ? "-" : "+",
            fabs(rb->cost - ra->cost));
    fprintf(out, "objectives at the target: %s -> %s\n",
            ra->target_holds ? "hold" : "broken",
            rb->target_holds ? "hold" : "broken");
    report_verdict(verdict, sizeof verdict, &a->scenario, ra);
    fprintf(out, "A: %s\n", verdict);
    report_verdict(verdict, sizeof verdict, &b->scenario, rb);
    fprintf(out, "B: %s\n", verdict);
}

int run_compare_write(FILE *out, const struct store_run *a,
                      const struct store_run *b,
                      const struct run_compare *c)
{
    write_run_line(out, "A", a);
    write_run_line(out, "B", b);
    write_changes(out, a, b, c);
    write_table(out, c);
    write_summary(out, a, b);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
