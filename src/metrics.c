/*
 * metrics.c - OpenMetrics text: each metric family is written whole
 * (its TYPE, UNIT and HELP, then one sample per step and component), as
 * the format requires families not to be interleaved.
 */
#include <math.h>
#include <string.h>

#include "metrics.h"

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            fprintf(out, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
}

static void family(FILE *out, const char *name, const char *unit,
                   const char *help)
{
    fprintf(out, "# TYPE %s gauge\n", name);
    if (unit)
        fprintf(out, "# UNIT %s %s\n", name, unit);
    fprintf(out, "# HELP %s %s\n", name, help);
}

static void number(FILE *out, double v)
{
    if (isnan(v))
        fputs("NaN", out);
    else if (isinf(v))
        fputs(v > 0 ? "+Inf" : "-Inf", out);
    else
        fprintf(out, "%.9g", v);
}

/* --- The whole design, per step ------------------------------------------ */

struct end_metric {
    const char *name, *unit, *help;
    double (*get)(const struct step_result *st);
};

static double offered(const struct step_result *st) { return st->offered; }
static double completed(const struct step_result *st)
{
    return st->completed;
}
static double error_ratio(const struct step_result *st)
{
    return st->error_frac;
}
static double p50(const struct step_result *st) { return st->p50 / 1e9; }
static double p95(const struct step_result *st) { return st->p95 / 1e9; }
static double p99(const struct step_result *st)
{
    return st->p99_known ? st->p99 / 1e9 : NAN;
}

static const struct end_metric end_metrics[] = {
    {"archsim_offered_requests_per_second", NULL,
     "Requests the users sent per second.", offered},
    {"archsim_completed_requests_per_second", NULL,
     "Requests answered without error per second.", completed},
    {"archsim_error_ratio", "ratio", "Share of answers that were errors.",
     error_ratio},
    {"archsim_latency_p50_seconds", "seconds",
     "Median end-to-end latency.", p50},
    {"archsim_latency_p95_seconds", "seconds",
     "95th percentile of end-to-end latency.", p95},
    {"archsim_latency_p99_seconds", "seconds",
     "99th percentile of end-to-end latency (NaN: too few answers).", p99},
};

static void write_end(FILE *out, const struct scenario *sc,
                      const struct ramp_result *res)
{
    for (size_t m = 0; m < sizeof end_metrics / sizeof end_metrics[0]; m++) {
        const struct end_metric *em = &end_metrics[m];

        family(out, em->name, em->unit, em->help);
        for (int i = 0; i < res->nsteps; i++) {
            fprintf(out, "%s{scenario=\"", em->name);
            label_value(out, sc->name);
            fprintf(out, "\",users=\"%.0f\"} ", res->steps[i].users);
            number(out, em->get(&res->steps[i]));
            fputc('\n', out);
        }
    }
}

/* --- Each component, per step ---------------------------------------------- */

struct comp_metric {
    const char *name, *unit, *help;
    double (*get)(const struct comp_result *cr);
};

static double util(const struct comp_result *cr) { return cr->util; }
static double cpu(const struct comp_result *cr) { return cr->cpu; }
static double pool(const struct comp_result *cr) { return cr->pool; }
static double waiting(const struct comp_result *cr) { return cr->waiting; }
static double throughput(const struct comp_result *cr)
{
    return cr->throughput;
}
static double errors(const struct comp_result *cr) { return cr->errors; }
static double mean(const struct comp_result *cr) { return cr->mean / 1e9; }
static double cp99(const struct comp_result *cr) { return cr->p99 / 1e9; }
static double hits(const struct comp_result *cr)
{
    return cr->hit_ratio >= 0 ? cr->hit_ratio : NAN;
}
static double lag(const struct comp_result *cr) { return cr->lag_mean / 1e9; }
static double instances(const struct comp_result *cr)
{
    return cr->instances;
}

static const struct comp_metric comp_metrics[] = {
    {"archsim_component_utilisation_ratio", "ratio",
     "Busiest resource of the component, busy time over capacity.", util},
    {"archsim_component_cpu_utilisation_ratio", "ratio",
     "Core time busy over core time.", cpu},
    {"archsim_component_pool_utilisation_ratio", "ratio",
     "Threads, connections or workers held over those there are.", pool},
    {"archsim_component_waiting", NULL,
     "Mean number of requests waiting at the component.", waiting},
    {"archsim_component_answered_per_second", NULL,
     "Requests the component answered per second.", throughput},
    {"archsim_component_errors_per_second", NULL,
     "Requests the component turned away or timed out per second.", errors},
    {"archsim_component_latency_mean_seconds", "seconds",
     "Mean time a request spent at the component.", mean},
    {"archsim_component_latency_p99_seconds", "seconds",
     "99th percentile of time at the component.", cp99},
    {"archsim_component_hit_ratio", "ratio",
     "Cache or CDN hits over lookups (NaN where it does not apply).", hits},
    {"archsim_component_lag_seconds", "seconds",
     "Replica lag of a database, or how long tasks waited in a queue.", lag},
    {"archsim_component_instances", NULL,
     "Instances in service (a database's nodes, a queue's workers, a "
     "CDN's edges), averaged over the step's window; it moves when they "
     "autoscale.",
     instances},
};

static void write_components(FILE *out, const struct scenario *sc,
                             const struct ramp_result *res)
{
    for (size_t m = 0; m < sizeof comp_metrics / sizeof comp_metrics[0];
         m++) {
        const struct comp_metric *cm = &comp_metrics[m];

        family(out, cm->name, cm->unit, cm->help);
        for (int i = 0; i < res->nsteps; i++) {
            for (int c = 0; c < sc->ncomponents; c++) {
                fprintf(out, "%s{component=\"", cm->name);
                label_value(out, sc->components[c].name);
                fprintf(out, "\",kind=\"%s\",users=\"%.0f\"} ",
                        kind_name(sc->components[c].kind),
                        res->steps[i].users);
                number(out, cm->get(&res->steps[i].comps[c]));
                fputc('\n', out);
            }
        }
    }
}

int metrics_write(FILE *out, const struct scenario *sc,
                  const struct ramp_result *res)
{
    write_end(out, sc, res);
    write_components(out, sc, res);
    fputs("# EOF\n", out);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
