/*
 * report.c - the run's table, CSV and JSON.
 */
#include <math.h>
#include <string.h>

#include "advisor.h"
#include "report.h"

int report_format_from_name(const char *name)
{
    if (strcmp(name, "table") == 0)
        return FORMAT_TABLE;
    if (strcmp(name, "csv") == 0)
        return FORMAT_CSV;
    if (strcmp(name, "json") == 0)
        return FORMAT_JSON;
    return -1;
}

void format_duration(char *buf, size_t len, double ns)
{
    if (ns < 1e3)
        snprintf(buf, len, "%.0fns", ns);
    else if (ns < 1e6)
        snprintf(buf, len, "%.3gus", ns / 1e3);
    else if (ns < 1e9)
        snprintf(buf, len, "%.3gms", ns / 1e6);
    else
        snprintf(buf, len, "%.3gs", ns / 1e9);
}

void format_count(char *buf, size_t len, double value)
{
    if (value < 1000)
        snprintf(buf, len, "%.3g", value);
    else if (value < 1e6)
        snprintf(buf, len, "%.3gk", value / 1e3);
    else
        snprintf(buf, len, "%.3gM", value / 1e6);
}

/* Error causes as JSON keys. */
static const char *const cause_keys[] = {
    "backlog_full", "no_connection", "queue_full", "broker_limit",
    "timeout", "overload", "no_backend", "shed", "rate_limited",
    "circuit_open", "unreachable",
};
_Static_assert(sizeof cause_keys / sizeof cause_keys[0] == ERR_CAUSE_COUNT,
               "a JSON key for every error cause");

static const char *comp_name(const struct scenario *sc, int c)
{
    return c >= 0 ? sc->components[c].name : "-";
}

void report_verdict(char *buf, size_t len, const struct scenario *sc,
                    const struct ramp_result *res)
{
    char cap[32], users[32], have[32], want[32];
    const struct step_result *st;

    format_count(cap, sizeof cap, res->capacity);
    if (res->first_broken < 0) {
        snprintf(buf, len, "objectives hold up to %s users", cap);
    } else {
        st = &res->steps[res->first_broken];
        format_count(users, sizeof users, st->users);
        if (strcmp(st->broken, "answers") == 0) {
            snprintf(buf, len, "capacity %s users; first broken: most "
                     "requests went unanswered at %s users (bottleneck %s, "
                     "%.0f%% busy)",
                     cap, users, comp_name(sc, st->bottleneck),
                     st->bottleneck_util * 100);
            goto budget;
        }
        if (strcmp(st->broken, "p99") == 0) {
            format_duration(have, sizeof have, (double)st->p99);
            format_duration(want, sizeof want, (double)sc->objectives.p99);
        } else {
            snprintf(have, sizeof have, "%.2f%%", st->error_frac * 100);
            snprintf(want, sizeof want, "%.2f%%",
                     sc->objectives.errors * 100);
        }
        snprintf(buf, len,
                 "capacity %s users; first broken: %s %s > %s at %s users "
                 "(bottleneck %s, %.0f%% busy)",
                 cap, st->broken, have, want, users,
                 comp_name(sc, st->bottleneck), st->bottleneck_util * 100);
    }
budget:
    if (!res->budget_ok) {
        size_t used = strlen(buf);

        snprintf(buf + used, len - used,
                 "; over budget: $%.0f/month > $%.0f/month", res->cost,
                 sc->objectives.budget);
    }
}

/* Whether any component of sc autoscales (its counts are then shown). */
static bool autoscaled(const struct scenario *sc)
{
    for (int c = 0; c < sc->ncomponents; c++)
        if (component_autoscales(&sc->components[c]))
            return true;
    return false;
}

/* --- Table --------------------------------------------------------------- */

/* The mean counts in service of the autoscaled components, in file
 * order: "4.2/12". */
static void scaled_cell(char *buf, size_t len, const struct scenario *sc,
                        const struct step_result *st)
{
    size_t used = 0;

    buf[0] = '\0';
    for (int c = 0; c < sc->ncomponents && used < len; c++)
        if (component_autoscales(&sc->components[c]))
            used += (size_t)snprintf(buf + used, len - used, "%s%.3g",
                                     used ? "/" : "",
                                     st->comps[c].instances);
}

/* The p99 with the half-width of its 95% interval, or why it is not
 * known. */
static void p99_cell(char *buf, size_t len, const struct step_result *st)
{
    char p99[16], half[16];

    if (!st->p99_known) {
        snprintf(buf, len, "? (%llu answers)",
                 (unsigned long long)st->samples);
        return;
    }
    format_duration(p99, sizeof p99, (double)st->p99);
    format_duration(half, sizeof half, (double)(st->p99_hi - st->p99));
    snprintf(buf, len, "%s ±%s", p99, half);
}

/* The bottleneck, when anything is busy enough to be one. */
static void bottleneck_cell(char *buf, size_t len, const struct scenario *sc,
                            const struct step_result *st)
{
    if (st->bottleneck < 0 || st->bottleneck_util < 0.05)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%s %.0f%%", comp_name(sc, st->bottleneck),
                 st->bottleneck_util * 100);
}

static void write_table_row(FILE *out, const struct scenario *sc,
                            const struct step_result *st)
{
    char users[16], offered[16], done[16], p50[16], p95[16], p99[64];
    char neck[NAME_BYTES + 16], scaled[64];

    format_count(users, sizeof users, st->users);
    format_count(offered, sizeof offered, st->offered);
    format_count(done, sizeof done, st->completed);
    format_duration(p50, sizeof p50, (double)st->p50);
    format_duration(p95, sizeof p95, (double)st->p95);
    p99_cell(p99, sizeof p99, st);
    bottleneck_cell(neck, sizeof neck, sc, st);
    if (st->samples == 0) {
        snprintf(p50, sizeof p50, "-");
        snprintf(p95, sizeof p95, "-");
    }
    fprintf(out, "%6s %7s %7s %7s %7s  %-17s %6.2f%%  ",
            users, offered, done, p50, p95, p99, st->error_frac * 100);
    if (autoscaled(sc)) {
        scaled_cell(scaled, sizeof scaled, sc, st);
        if (st->unsettled)
            strncat(scaled, "~", sizeof scaled - strlen(scaled) - 1);
        fprintf(out, "%-9s ", scaled);
    }
    fprintf(out, "%s%s\n", neck, st->holds ? "" : "  <- broken");
}

/* "autoscaled: api (instances), jobs (workers)", naming the columns of
 * the scaled cell. */
static void write_scaled_names(FILE *out, const struct scenario *sc)
{
    const char *sep = "autoscaled, mean in service:";

    for (int c = 0; c < sc->ncomponents; c++) {
        const struct component *comp = &sc->components[c];

        if (!component_autoscales(comp))
            continue;
        fprintf(out, "%s %s (%s)", sep, comp->name,
                comp->kind == KIND_QUEUE ? "workers" : "instances");
        sep = ",";
    }
    fputc('\n', out);
}

static void write_table_head(FILE *out, const struct scenario *sc,
                             uint64_t seed)
{
    char think[16];

    format_duration(think, sizeof think, (double)sc->think);
    fprintf(out, "%s: %d components, seed %llu, %s users",
            sc->name, sc->ncomponents, (unsigned long long)seed,
            sc->user_model == USERS_CLOSED ? "closed" : "open");
    if (sc->user_model == USERS_CLOSED)
        fprintf(out, ", think %s", think);
    fprintf(out, ", $%.0f/month%s\n", scenario_monthly_cost(sc),
            autoscaled(sc) ? " at the starting counts" : "");
    if (autoscaled(sc))
        write_scaled_names(out, sc);
    fputc('\n', out);
    fprintf(out, "%6s %7s %7s %7s %7s  %-17s %7s  ", "users", "sent/s",
            "done/s", "p50", "p95", "p99 ±95% CI", "errors");
    if (autoscaled(sc))
        fprintf(out, "%-9s ", "scaled");
    fputs("bottleneck\n", out);
}

/* Where the time went at the knee (the first broken step, else the
 * last), from the traced requests: for all of them, then by kind. */
static void write_time_split(FILE *out, const struct scenario *sc,
                             const struct ramp_result *res)
{
    int k = res->first_broken >= 0 ? res->first_broken : res->nsteps - 1;
    const struct step_result *st;
    char users[16], line[1024];

    if (k < 0)
        return;
    st = &res->steps[k];
    if (st->attr[REQ_KIND_COUNT].ntraces == 0)
        return;
    format_count(users, sizeof users, st->users);
    fprintf(out, "\nwhere the time goes at %s users (%d traced requests):\n",
            users, st->attr[REQ_KIND_COUNT].ntraces);
    for (int kind = REQ_KIND_COUNT; kind >= 0; kind--) {
        const struct attribution *a = &st->attr[kind];

        if (a->ntraces == 0 || (kind < REQ_KIND_COUNT && sc->mix[kind] == 1))
            continue;
        attribution_sentence(sc, a, true, line, sizeof line);
        fprintf(out, "  %-7s %s\n", kind == REQ_KIND_COUNT ? "all"
                : req_kind_name((enum req_kind)kind), line);
        attribution_sentence(sc, a, false, line, sizeof line);
        fprintf(out, "  %-7s %s\n", "", line);
    }
}

static int unsettled_steps(const struct ramp_result *res)
{
    int n = 0;

    for (int i = 0; i < res->nsteps; i++)
        n += res->steps[i].unsettled;
    return n;
}

static void write_table_end(FILE *out, const struct scenario *sc,
                            const struct ramp_result *res)
{
    char verdict[1024], target[16];

    report_verdict(verdict, sizeof verdict, sc, res);
    format_count(target, sizeof target, sc->ramp.target);
    fprintf(out, "\n%s\n", verdict);
    if (unsettled_steps(res) > 0)
        fprintf(out, "~ %d step%s measured before the autoscalers "
                "settled: a warm-up stops at %.0f simulated minutes or "
                "%.0fM requests\n", unsettled_steps(res),
                unsettled_steps(res) == 1 ? " was" : "s were",
                RAMP_SETTLE_MAX_S / 60, RAMP_SETTLE_MAX_REQUESTS / 1e6);
    if (autoscaled(sc))
        fprintf(out, "cost at %s users, autoscaled as measured: "
                "$%.0f/month\n", target, res->cost);
    fprintf(out, "objectives at %s users: %s\n", target,
            res->target_holds ? "hold" : "broken");
    write_time_split(out, sc, res);
}

/* --- CSV ----------------------------------------------------------------- */

/* A CSV field: quoted, with quotes doubled, when it needs to be. */
static void csv_string(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* One more column per autoscaled component: "instances_api". */
static void write_csv_head(FILE *out, const struct scenario *sc)
{
    char name[NAME_BYTES + 16];

    fprintf(out, "users,offered_rps,completed_rps,p50_ms,p95_ms,p99_ms,"
                 "p99_lo_ms,p99_hi_ms,p99_known,errors_pct,bottleneck,"
                 "bottleneck_util_pct,holds");
    for (int c = 0; c < sc->ncomponents; c++) {
        if (!component_autoscales(&sc->components[c]))
            continue;
        snprintf(name, sizeof name, "instances_%s", sc->components[c].name);
        fputc(',', out);
        csv_string(out, name);
    }
    fputc('\n', out);
}

/* An unknown p99 is an empty field, never a precise-looking figure. */
static void write_csv_row(FILE *out, const struct scenario *sc,
                          const struct step_result *st)
{
    fprintf(out, "%.0f,%.3f,%.3f,%.3f,%.3f,", st->users, st->offered,
            st->completed, st->p50 / 1e6, st->p95 / 1e6);
    if (st->p99_known)
        fprintf(out, "%.3f,%.3f,%.3f,true,", st->p99 / 1e6,
                st->p99_lo / 1e6, st->p99_hi / 1e6);
    else
        fputs(",,,false,", out);
    fprintf(out, "%.4f,", st->error_frac * 100);
    csv_string(out, comp_name(sc, st->bottleneck));
    fprintf(out, ",%.1f,%s", st->bottleneck_util * 100,
            st->holds ? "true" : "false");
    for (int c = 0; c < sc->ncomponents; c++)
        if (component_autoscales(&sc->components[c]))
            fprintf(out, ",%.3f", st->comps[c].instances);
    fputc('\n', out);
}

/* --- JSON ---------------------------------------------------------------- */

void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* JSON has no NaN or infinity: write null for them. */
void json_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.6g", v);
    else
        fputs("null", out);
}

static void write_json_comp(FILE *out, const struct scenario *sc, int c,
                            const struct comp_result *cr)
{
    fputs("{\"name\":", out);
    json_string(out, sc->components[c].name);
    fprintf(out, ",\"kind\":\"%s\",\"util\":", kind_name(sc->components[c].kind));
    json_number(out, cr->util);
    fputs(",\"cpu\":", out);
    json_number(out, cr->cpu);
    fputs(",\"pool\":", out);
    json_number(out, cr->pool);
    fputs(",\"instances\":", out);
    json_number(out, cr->instances);
    fputs(",\"waiting\":", out);
    json_number(out, cr->waiting);
    fputs(",\"throughput\":", out);
    json_number(out, cr->throughput);
    fputs(",\"errors_per_s\":", out);
    json_number(out, cr->errors);
    fputs(",\"errors_by_cause\":{", out);
    for (int k = 0, n = 0; k < ERR_CAUSE_COUNT; k++)
        if (cr->by_cause[k])
            fprintf(out, "%s\"%s\":%llu", n++ ? "," : "",
                    cause_keys[k], (unsigned long long)cr->by_cause[k]);
    fputc('}', out);
    fprintf(out, ",\"mean_ms\":%.4f,\"p99_ms\":%.4f", cr->mean / 1e6,
            cr->p99 / 1e6);
    if (cr->hit_ratio >= 0)
        fprintf(out, ",\"hit_ratio\":%.4f", cr->hit_ratio);
    if (sc->components[c].kind == KIND_DATABASE)
        fprintf(out, ",\"replica_lag_ms\":%.4f,\"replica_lag_max_ms\":%.4f",
                cr->lag_mean / 1e6, cr->lag_max / 1e6);
    if (sc->components[c].kind == KIND_QUEUE)
        fprintf(out, ",\"depth\":%.2f,\"consumer_lag_ms\":%.4f",
                cr->depth, cr->lag_mean / 1e6);
    fputc('}', out);
}

static void write_json_step(FILE *out, const struct scenario *sc,
                            const struct step_result *st)
{
    fprintf(out, "{\"users\":%.0f,\"offered_rps\":%.4f,"
                 "\"completed_rps\":%.4f,\"p50_ms\":%.4f,\"p95_ms\":%.4f,",
            st->users, st->offered, st->completed, st->p50 / 1e6,
            st->p95 / 1e6);
    if (st->p99_known)
        fprintf(out, "\"p99_ms\":%.4f,\"p99_ci_ms\":[%.4f,%.4f],",
                st->p99 / 1e6, st->p99_lo / 1e6, st->p99_hi / 1e6);
    else
        fputs("\"p99_ms\":null,\"p99_ci_ms\":null,", out);
    fputs("\"p99_by_kind_ms\":{", out);
    for (int k = 0; k < REQ_KIND_COUNT; k++)
        fprintf(out, "%s\"%s\":%.4f", k ? "," : "", req_kind_name(k),
                st->kind_p99[k] / 1e6);
    fputs("},", out);
    fprintf(out, "\"samples\":%llu,\"errors_pct\":%.4f,\"errors_by_cause\":{",
            (unsigned long long)st->samples, st->error_frac * 100);
    for (int k = 0; k < ERR_CAUSE_COUNT; k++)
        fprintf(out, "%s\"%s\":%llu", k ? "," : "", cause_keys[k],
                (unsigned long long)st->by_cause[k]);
    fputs("},\"bottleneck\":", out);
    json_string(out, comp_name(sc, st->bottleneck));
    fprintf(out, ",\"bottleneck_util\":%.4f,\"holds\":%s,",
            st->bottleneck_util, st->holds ? "true" : "false");
    if (autoscaled(sc))
        fprintf(out, "\"autoscalers_settled\":%s,",
                st->unsettled ? "false" : "true");
    fputs("\"components\":[", out);
    for (int c = 0; c < sc->ncomponents; c++) {
        if (c)
            fputc(',', out);
        write_json_comp(out, sc, c, &st->comps[c]);
    }
    fputs("]}", out);
}

static void write_json_head(FILE *out, const struct scenario *sc,
                            uint64_t seed)
{
    fputs("{\"scenario\":", out);
    json_string(out, sc->name);
    fprintf(out, ",\"seed\":%llu,\"steps\":[", (unsigned long long)seed);
}

/* Where the time went at the knee, by kind, as shares of the mean and
 * of the slowest 1% of the traced requests. */
static void write_json_split(FILE *out, const struct scenario *sc,
                             const struct attribution *a)
{
    fprintf(out, "{\"traces\":%d,\"mean_ms\":%.4f,\"slowest_1pct_ms\":%.4f,"
                 "\"network\":[%.4f,%.4f],\"distance\":[%.4f,%.4f],"
                 "\"components\":[", a->ntraces, a->mean_ns / 1e6,
            a->tail_ns / 1e6, a->network_mean, a->network_tail,
            a->distance_mean, a->distance_tail);
    for (int c = 0; c < sc->ncomponents; c++) {
        fputs(c ? ",{\"name\":" : "{\"name\":", out);
        json_string(out, sc->components[c].name);
        fprintf(out, ",\"waiting\":[%.4f,%.4f],\"service\":[%.4f,%.4f]}",
                a->mean[c].wait, a->tail[c].wait, a->mean[c].service,
                a->tail[c].service);
    }
    fputs("]}", out);
}

static void write_json_time_split(FILE *out, const struct scenario *sc,
                                  const struct ramp_result *res)
{
    int k = res->first_broken >= 0 ? res->first_broken : res->nsteps - 1;
    const struct step_result *st = k >= 0 ? &res->steps[k] : NULL;

    if (!st || st->attr[REQ_KIND_COUNT].ntraces == 0)
        return;
    fprintf(out, ",\n\"time_split\":{\"users\":%.0f,\"shares_are\":"
                 "\"[of the mean, of the slowest 1%%]\",\"all\":",
            st->users);
    write_json_split(out, sc, &st->attr[REQ_KIND_COUNT]);
    for (int kind = 0; kind < REQ_KIND_COUNT; kind++) {
        if (st->attr[kind].ntraces == 0)
            continue;
        fprintf(out, ",\"%s\":", req_kind_name((enum req_kind)kind));
        write_json_split(out, sc, &st->attr[kind]);
    }
    fputc('}', out);
}

static void write_json_end(FILE *out, const struct scenario *sc,
                           const struct ramp_result *res,
                           const struct advice *adv)
{
    char verdict[1024];

    fprintf(out, "],\n\"capacity\":%.0f,\"cost_per_month\":%.2f,",
            res->capacity, res->cost);
    if (res->first_broken >= 0) {
        const struct step_result *st = &res->steps[res->first_broken];

        fprintf(out, "\"first_broken\":{\"objective\":\"%s\",\"users\":%.0f,"
                     "\"bottleneck\":", st->broken, st->users);
        json_string(out, comp_name(sc, st->bottleneck));
        fputs("},", out);
    } else {
        fputs("\"first_broken\":null,", out);
    }
    report_verdict(verdict, sizeof verdict, sc, res);
    fprintf(out, "\"budget_ok\":%s,\"objectives_hold\":%s,\"verdict\":",
            res->budget_ok ? "true" : "false",
            res->target_holds ? "true" : "false");
    json_string(out, verdict);
    write_json_time_split(out, sc, res);
    if (adv) {
        fputs(",\n", out);
        advice_write_json(out, sc, res, adv);
    }
    fputs("}\n", out);
}

/* --- Streaming ------------------------------------------------------------- */

int report_begin(FILE *out, enum report_format format,
                 const struct scenario *sc, uint64_t seed)
{
    if (format == FORMAT_CSV)
        write_csv_head(out, sc);
    else if (format == FORMAT_JSON)
        write_json_head(out, sc, seed);
    else
        write_table_head(out, sc, seed);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int report_step(FILE *out, enum report_format format,
                const struct scenario *sc, const struct step_result *st,
                int index)
{
    if (format == FORMAT_CSV) {
        write_csv_row(out, sc, st);
    } else if (format == FORMAT_JSON) {
        fputs(index ? ",\n" : "\n", out);
        write_json_step(out, sc, st);
    } else {
        write_table_row(out, sc, st);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int report_end(FILE *out, enum report_format format,
               const struct scenario *sc, const struct ramp_result *res)
{
    return report_end_advised(out, format, sc, res, NULL);
}

int report_end_advised(FILE *out, enum report_format format,
                       const struct scenario *sc,
                       const struct ramp_result *res,
                       const struct advice *adv)
{
    if (format == FORMAT_JSON) {
        write_json_end(out, sc, res, adv);
    } else if (format == FORMAT_TABLE) {
        write_table_end(out, sc, res);
        if (adv)
            advice_write_text(out, sc, res, adv);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

int report_write(FILE *out, enum report_format format,
                 const struct scenario *sc, uint64_t seed,
                 const struct ramp_result *res)
{
    return report_write_advised(out, format, sc, seed, res, NULL);
}

int report_write_advised(FILE *out, enum report_format format,
                         const struct scenario *sc, uint64_t seed,
                         const struct ramp_result *res,
                         const struct advice *adv)
{
    int rc = report_begin(out, format, sc, seed);

    for (int i = 0; i < res->nsteps && rc == 0; i++)
        rc = report_step(out, format, sc, &res->steps[i], i);
    if (rc == 0)
        rc = report_end_advised(out, format, sc, res, adv);
    return rc;
}
