/*
 * store_run.c - runs: a finished ramp saved with its scenario snapshot,
 * seed and version, read back figure for figure, and listed.
 *
 * The figures of a step and of a component are described once, by the
 * column tables below (SQL name, C type, offset in the struct), which
 * both build the statements and move the values, so a figure cannot be
 * written under one column and read from another. Only these constant
 * names go into SQL text; every value is bound.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_yaml.h"
#include "store_int.h"

/* Ramps are at most 100 steps a decade over 8 decades. */
#define MAX_STEPS 1000

/* --- Column tables ------------------------------------------------------- */

enum col_type { COL_REAL, COL_I64, COL_U64, COL_INT, COL_BOOL };

struct column {
    const char *name;
    enum col_type type;
    size_t offset;
};

#define RES(n, t, f)  {n, t, offsetof(struct ramp_result, f)}
#define STEP(n, t, f) {n, t, offsetof(struct step_result, f)}
#define COMP(n, t, f) {n, t, offsetof(struct comp_result, f)}

static const struct column run_cols[] = {
    RES("nsteps", COL_INT, nsteps),
    RES("ncomponents", COL_INT, ncomponents),
    RES("capacity", COL_REAL, capacity),
    RES("first_broken", COL_INT, first_broken),
    RES("cost", COL_REAL, cost),
    RES("budget_ok", COL_BOOL, budget_ok),
    RES("target_holds", COL_BOOL, target_holds),
    RES("simulated_ns", COL_I64, simulated),
    RES("events", COL_U64, events),
};

static const struct column step_cols[] = {
    STEP("users", COL_REAL, users),
    STEP("offered", COL_REAL, offered),
    STEP("completed", COL_REAL, completed),
    STEP("error_frac", COL_REAL, error_frac),
    STEP("samples", COL_U64, samples),
    STEP("p50_ns", COL_I64, p50),
    STEP("p95_ns", COL_I64, p95),
    STEP("p99_ns", COL_I64, p99),
    STEP("p99_lo_ns", COL_I64, p99_lo),
    STEP("p99_hi_ns", COL_I64, p99_hi),
    STEP("p99_known", COL_BOOL, p99_known),
    STEP("window_ns", COL_I64, window),
    STEP("bottleneck", COL_INT, bottleneck),
    STEP("bottleneck_util", COL_REAL, bottleneck_util),
    STEP("holds", COL_BOOL, holds),
};

static const struct column comp_cols[] = {
    COMP("util", COL_REAL, util),
    COMP("cpu", COL_REAL, cpu),
    COMP("pool", COL_REAL, pool),
    COMP("lock", COL_REAL, lock),
    COMP("waiting", COL_REAL, waiting),
    COMP("arrivals", COL_REAL, arrivals),
    COMP("throughput", COL_REAL, throughput),
    COMP("errors", COL_REAL, errors),
    COMP("mean_ns", COL_REAL, mean),
    COMP("p50_ns", COL_I64, p50),
    COMP("p95_ns", COL_I64, p95),
    COMP("p99_ns", COL_I64, p99),
    COMP("hit_ratio", COL_REAL, hit_ratio),
    COMP("lag_mean_ns", COL_REAL, lag_mean),
    COMP("lag_max_ns", COL_REAL, lag_max),
    COMP("depth", COL_REAL, depth),
    COMP("oldest_ns", COL_REAL, oldest),
    /* An INTEGER column: SQLite keeps an autoscaled mean as REAL. */
    COMP("instances", COL_REAL, instances),
};

#define NCOLS(t) (sizeof (t) / sizeof (t)[0])

struct table {
    const char *name;
    const char *keys;               /* leading columns, set by hand */
    int nkeys;
    const struct column *cols;
    size_t ncols;
};

static const struct table run_table = {
    "runs", "saved_at, scenario, yaml, seed, version, detailed", 6,
    run_cols, NCOLS(run_cols),
};
static const struct table step_table = {
    "steps", "run_id, step, broken", 3, step_cols, NCOLS(step_cols),
};
static const struct table comp_table = {
    "step_components", "run_id, step, component, name", 4,
    comp_cols, NCOLS(comp_cols),
};

/* Append text to buf; false when it does not fit. */
static bool append(char *buf, size_t len, size_t *used, const char *text)
{
    int n = snprintf(buf + *used, len - *used, "%s", text);

    if (n < 0 || (size_t)n >= len - *used)
        return false;
    *used += (size_t)n;
    return true;
}

/* "INSERT INTO t (keys, c1, ...) VALUES (?, ?, ...)". */
static bool build_insert(char *buf, size_t len, const struct table *t)
{
    size_t used = 0;
    bool ok = append(buf, len, &used, "INSERT INTO ") &&
              append(buf, len, &used, t->name) &&
              append(buf, len, &used, " (") &&
              append(buf, len, &used, t->keys);

    for (size_t i = 0; ok && i < t->ncols; i++)
        ok = append(buf, len, &used, ", ") &&
             append(buf, len, &used, t->cols[i].name);
    ok = ok && append(buf, len, &used, ") VALUES (?");
    for (size_t i = 1; ok && i < (size_t)t->nkeys + t->ncols; i++)
        ok = append(buf, len, &used, ", ?");
    return ok && append(buf, len, &used, ")");
}

/* "SELECT keys, c1, ... FROM t WHERE <where>". */
static bool build_select(char *buf, size_t len, const struct table *t,
                         const char *where)
{
    size_t used = 0;
    bool ok = append(buf, len, &used, "SELECT ") &&
              append(buf, len, &used, t->keys);

    for (size_t i = 0; ok && i < t->ncols; i++)
        ok = append(buf, len, &used, ", ") &&
             append(buf, len, &used, t->cols[i].name);
    return ok && append(buf, len, &used, " FROM ") &&
           append(buf, len, &used, t->name) &&
           append(buf, len, &used, " WHERE ") &&
           append(buf, len, &used, where);
}

/* Bind the columns of t from base, after the keys. */
static int bind_cols(sqlite3_stmt *stmt, const struct table *t,
                     const void *base)
{
    int rc = SQLITE_OK;

    for (size_t i = 0; rc == SQLITE_OK && i < t->ncols; i++) {
        const char *p = (const char *)base + t->cols[i].offset;
        int at = t->nkeys + (int)i + 1;

        switch (t->cols[i].type) {
        case COL_REAL:
            rc = sqlite3_bind_double(stmt, at, *(const double *)p);
            break;
        case COL_I64:
            rc = sqlite3_bind_int64(stmt, at, *(const int64_t *)p);
            break;
        case COL_U64:
            rc = sqlite3_bind_int64(stmt, at,
                                    (sqlite3_int64)*(const uint64_t *)p);
            break;
        case COL_INT:
            rc = sqlite3_bind_int(stmt, at, *(const int *)p);
            break;
        case COL_BOOL:
            rc = sqlite3_bind_int(stmt, at, *(const bool *)p);
            break;
        }
    }
    return rc;
}

/* Read the columns of t into base from a row selected by build_select. */
static void read_cols(sqlite3_stmt *stmt, const struct table *t, void *base)
{
    for (size_t i = 0; i < t->ncols; i++) {
        char *p = (char *)base + t->cols[i].offset;
        int at = t->nkeys + (int)i;

        switch (t->cols[i].type) {
        case COL_REAL:
            *(double *)p = sqlite3_column_double(stmt, at);
            break;
        case COL_I64:
            *(int64_t *)p = sqlite3_column_int64(stmt, at);
            break;
        case COL_U64:
            *(uint64_t *)p = (uint64_t)sqlite3_column_int64(stmt, at);
            break;
        case COL_INT:
            *(int *)p = sqlite3_column_int(stmt, at);
            break;
        case COL_BOOL:
            *(bool *)p = sqlite3_column_int(stmt, at) != 0;
            break;
        }
    }
}

/* Step a bound insert and reset it for the next row. */
static int insert_row(sqlite3_stmt *stmt, int rc)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* --- Saving -------------------------------------------------------------- */

struct writer {
    struct store *st;
    sqlite3_stmt *run, *step, *kind, *comp, *error;
    int64_t id;
};

static const char *const save_doing = "cannot save the run in";

static int prepare_table(struct writer *w, sqlite3_stmt **stmt,
                         const struct table *t)
{
    char sql[2048];

    if (!build_insert(sql, sizeof sql, t))
        return store_failf(w->st, STORE_IO, "internal error: the "
                           "statement for %s is too long", t->name);
    return store_prepare(w->st, stmt, sql, save_doing);
}

static int writer_prepare(struct writer *w)
{
    int status = prepare_table(w, &w->run, &run_table);

    if (status == STORE_OK)
        status = prepare_table(w, &w->step, &step_table);
    if (status == STORE_OK)
        status = prepare_table(w, &w->comp, &comp_table);
    if (status == STORE_OK)
        status = store_prepare(w->st, &w->kind, "INSERT INTO step_kinds "
                               "(run_id, step, kind, p99_ns) VALUES "
                               "(?, ?, ?, ?)", save_doing);
    if (status == STORE_OK)
        status = store_prepare(w->st, &w->error, "INSERT INTO step_errors "
                               "(run_id, step, component, cause, count) "
                               "VALUES (?, ?, ?, ?, ?)", save_doing);
    return status;
}

static void writer_finalize(struct writer *w)
{
    sqlite3_finalize(w->run);
    sqlite3_finalize(w->step);
    sqlite3_finalize(w->kind);
    sqlite3_finalize(w->comp);
    sqlite3_finalize(w->error);
}


/* What one save writes. */
struct run_input {
    const struct scenario *sc;
    const char *yaml;               /* sc exported */
    uint64_t seed;
    const char *version;
    const struct ramp_result *res;
    char saved_at[24];
};

static int write_run(struct writer *w, const struct run_input *in)
{
    sqlite3_stmt *s = w->run;
    int rc = sqlite3_bind_text(s, 1, in->saved_at, -1, SQLITE_STATIC);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 2, in->sc->name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 3, in->yaml, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 4, (sqlite3_int64)in->seed);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 5, in->version, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 6, 1);     /* detailed */
    if (rc == SQLITE_OK)
        rc = bind_cols(s, &run_table, in->res);
    rc = insert_row(s, rc);
    w->id = sqlite3_last_insert_rowid(w->st->db);
    return rc;
}

static int write_kinds(struct writer *w, int step,
                       const struct step_result *st)
{
    int rc = SQLITE_OK;

    for (int k = 0; rc == SQLITE_OK && k < REQ_KIND_COUNT; k++) {
        rc = sqlite3_bind_int64(w->kind, 1, w->id);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int(w->kind, 2, step);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(w->kind, 3, req_kind_name(k), -1,
                                   SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(w->kind, 4, st->kind_p99[k]);
        rc = insert_row(w->kind, rc);
    }
    return rc;
}

/* The causes seen (only those) at a component, or end to end (-1). */
static int write_errors(struct writer *w, int step, int comp,
                        const uint64_t *by_cause)
{
    int rc = SQLITE_OK;

    for (int k = 0; rc == SQLITE_OK && k < ERR_CAUSE_COUNT; k++) {
        if (by_cause[k] == 0)
            continue;
        rc = sqlite3_bind_int64(w->error, 1, w->id);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int(w->error, 2, step);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int(w->error, 3, comp);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(w->error, 4, err_cause_name(k), -1,
                                   SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(w->error, 5, (sqlite3_int64)by_cause[k]);
        rc = insert_row(w->error, rc);
    }
    return rc;
}

static int write_comp(struct writer *w, int step, int c,
                      const struct component *comp,
                      const struct comp_result *cr)
{
    int rc = sqlite3_bind_int64(w->comp, 1, w->id);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(w->comp, 2, step);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(w->comp, 3, c);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(w->comp, 4, comp->name, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = bind_cols(w->comp, &comp_table, cr);
    rc = insert_row(w->comp, rc);
    if (rc == SQLITE_OK)
        rc = write_errors(w, step, c, cr->by_cause);
    return rc;
}

/* A step's row, then what hangs from it. */
static int write_step(struct writer *w, const struct scenario *sc, int i,
                      const struct step_result *st)
{
    int rc = sqlite3_bind_int64(w->step, 1, w->id);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(w->step, 2, i);
    if (rc == SQLITE_OK && st->broken)
        rc = sqlite3_bind_text(w->step, 3, st->broken, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = bind_cols(w->step, &step_table, st);
    rc = insert_row(w->step, rc);
    if (rc == SQLITE_OK)
        rc = write_kinds(w, i, st);
    if (rc == SQLITE_OK)
        rc = write_errors(w, i, -1, st->by_cause);
    for (int c = 0; rc == SQLITE_OK && c < sc->ncomponents; c++)
        rc = write_comp(w, i, c, &sc->components[c], &st->comps[c]);
    return rc;
}

/* Everything inside the transaction; an SQLite result code. */
static int write_all(struct writer *w, const struct run_input *in)
{
    int rc = write_run(w, in);

    for (int i = 0; rc == SQLITE_OK && i < in->res->nsteps; i++)
        rc = write_step(w, in->sc, i, &in->res->steps[i]);
    return rc;
}

/* Refuse what cannot be read back as it was given. */
static int check_input(struct store *st, const struct scenario *sc,
                       const char *version, const struct ramp_result *res)
{
    const char *why = NULL;

    if (res->ncomponents != sc->ncomponents)
        why = "its figures are for another number of components";
    else if (res->nsteps < 0 || res->nsteps > MAX_STEPS ||
             (res->nsteps > 0 && !res->steps))
        why = "it has no steps or too many";
    else if (!version ||
             strlen(version) >= sizeof ((struct store_run_info *)0)->version)
        why = "the program version is missing or too long";
    else if (store_name_problem(sc->name))
        why = "the scenario's name cannot be stored";
    for (int i = 0; !why && i < res->nsteps; i++)
        if (sc->ncomponents > 0 && !res->steps[i].comps)
            why = "a step lacks its component figures";
    if (why)
        return store_failf(st, STORE_BAD_DATA, "cannot save the run: %s",
                           why);
    return STORE_OK;
}

int store_run_save(struct store *st, const struct scenario *sc,
                   uint64_t seed, const char *version,
                   const struct ramp_result *res, int64_t *id)
{
    struct writer w = {.st = st};
    struct run_input in = {sc, NULL, seed, version, res, ""};
    int status = check_input(st, sc, version, res);
    int rc;

    if (status != STORE_OK)
        return status;
    in.yaml = scenario_export_string(sc);
    if (!in.yaml)
        return store_failf(st, STORE_NO_MEMORY, "out of memory");
    store_now(in.saved_at, sizeof in.saved_at);
    status = writer_prepare(&w);
    if (status == STORE_OK)
        status = store_begin(st, true, save_doing);
    if (status == STORE_OK && (rc = write_all(&w, &in)) != SQLITE_OK)
        status = store_fail(st, rc, save_doing);
    writer_finalize(&w);
    if (status == STORE_OK)
        status = store_commit(st, save_doing);
    if (status != STORE_OK)
        store_rollback(st);
    else if (id)
        *id = w.id;
    free((char *)in.yaml);
    return status;
}

/* --- Reading ------------------------------------------------------------- */

struct reader {
    struct store *st;
    int64_t id;
    struct store_run *out;
    int nseen;                      /* steps read */
};

static const char *const read_doing = "cannot read the run from";

static int damaged(struct reader *r, const char *what)
{
    return store_failf(r->st, STORE_CORRUPT, "run %lld in '%s' is "
                       "damaged: %s", (long long)r->id, r->st->path, what);
}

typedef int (*row_fn)(struct reader *r, sqlite3_stmt *row);

/* Call fn on each row of sql, whose one parameter is the run's id. */
static int each_row(struct reader *r, const char *sql, row_fn fn)
{
    sqlite3_stmt *stmt;
    int status = store_prepare(r->st, &stmt, sql, read_doing);
    int rc;

    if (status != STORE_OK)
        return status;
    rc = sqlite3_bind_int64(stmt, 1, r->id);
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW && (status = fn(r, stmt)) != STORE_OK)
            break;
    }
    if (status == STORE_OK && rc != SQLITE_DONE)
        status = store_fail(r->st, rc, read_doing);
    sqlite3_finalize(stmt);
    return status;
}

static int each_table_row(struct reader *r, const struct table *t,
                          const char *where, row_fn fn)
{
    char sql[2048];

    if (!build_select(sql, sizeof sql, t, where))
        return store_failf(r->st, STORE_IO, "internal error: the "
                           "statement for %s is too long", t->name);
    return each_row(r, sql, fn);
}

static void copy_text(sqlite3_stmt *row, int col, char **out)
{
    const char *text = (const char *)sqlite3_column_text(row, col);

    *out = strdup(text ? text : "");
}

static int run_row(struct reader *r, sqlite3_stmt *row)
{
    struct store_run *out = r->out;
    struct store_run_info *info = &out->info;
    struct ramp_result *res = &out->result;

    info->id = r->id;
    store_column_text(row, 0, info->saved_at, sizeof info->saved_at);
    store_column_text(row, 1, info->scenario, sizeof info->scenario);
    copy_text(row, 2, &out->yaml);
    info->seed = (uint64_t)sqlite3_column_int64(row, 3);
    store_column_text(row, 4, info->version, sizeof info->version);
    out->detailed = sqlite3_column_int(row, 5) != 0;
    read_cols(row, &run_table, res);
    info->nsteps = res->nsteps;
    info->capacity = res->capacity;
    info->cost = res->cost;
    info->target_holds = res->target_holds;
    if (!out->yaml)
        return store_failf(r->st, STORE_NO_MEMORY, "out of memory");
    if (res->nsteps < 0 || res->nsteps > MAX_STEPS ||
        res->ncomponents < 0 || res->ncomponents > MAX_COMPONENTS ||
        res->first_broken < -1 || res->first_broken >= res->nsteps)
        return damaged(r, "its sizes are out of range");
    return STORE_OK;
}

/* Room for every step and component, zeroed: an older schema's run has
 * no per-component rows. */
static int alloc_steps(struct reader *r)
{
    struct ramp_result *res = &r->out->result;
    size_t ncomp = res->ncomponents > 0 ? (size_t)res->ncomponents : 1;
    int n = res->nsteps;

    res->nsteps = 0;
    res->steps = calloc(n > 0 ? (size_t)n : 1, sizeof *res->steps);
    if (!res->steps)
        return store_failf(r->st, STORE_NO_MEMORY, "out of memory");
    res->nsteps = n;
    for (int i = 0; i < n; i++) {
        res->steps[i].comps = calloc(ncomp, sizeof *res->steps[i].comps);
        if (!res->steps[i].comps)
            return store_failf(r->st, STORE_NO_MEMORY, "out of memory");
        for (size_t c = 0; c < ncomp; c++)
            res->steps[i].comps[c].hit_ratio = -1;  /* "not a cache" */
    }
    return STORE_OK;
}

/* The step a row belongs to, or NULL when out of range. */
static struct step_result *row_step(struct reader *r, sqlite3_stmt *row,
                                    int col)
{
    sqlite3_int64 i = sqlite3_column_int64(row, col);

    if (i < 0 || i >= r->out->result.nsteps)
        return NULL;
    return &r->out->result.steps[i];
}

/* Objectives are named by static strings, as step_judge sets them. */
static const char *objective_name(const char *text)
{
    static const char *const names[] = {"p99", "errors"};

    for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i]) == 0)
            return names[i];
    return NULL;
}

static int step_row(struct reader *r, sqlite3_stmt *row)
{
    struct step_result *st = row_step(r, row, 1);

    if (!st)
        return damaged(r, "a step is out of range");
    read_cols(row, &step_table, st);
    st->broken = objective_name((const char *)sqlite3_column_text(row, 2));
    if (!st->holds && !st->broken)
        return damaged(r, "a broken step names no objective");
    if (st->bottleneck < -1 || st->bottleneck >= r->out->result.ncomponents)
        return damaged(r, "a bottleneck is out of range");
    r->nseen++;
    return STORE_OK;
}

static int kind_row(struct reader *r, sqlite3_stmt *row)
{
    struct step_result *st = row_step(r, row, 0);
    const char *kind = (const char *)sqlite3_column_text(row, 1);

    if (!st)
        return damaged(r, "a step is out of range");
    for (int k = 0; kind && k < REQ_KIND_COUNT; k++)
        if (strcmp(kind, req_kind_name(k)) == 0)
            st->kind_p99[k] = sqlite3_column_int64(row, 2);
    return STORE_OK;
}

/* The component a row belongs to, or NULL when out of range. */
static struct comp_result *row_comp(struct reader *r, struct step_result *st,
                                    sqlite3_stmt *row, int col)
{
    sqlite3_int64 c = sqlite3_column_int64(row, col);

    if (!st || c < 0 || c >= r->out->result.ncomponents)
        return NULL;
    return &st->comps[c];
}

static int comp_row(struct reader *r, sqlite3_stmt *row)
{
    struct comp_result *cr = row_comp(r, row_step(r, row, 1), row, 2);

    if (!cr)
        return damaged(r, "a component is out of range");
    read_cols(row, &comp_table, cr);
    return STORE_OK;
}

/* Causes this version does not know (from a later one) are skipped. */
static int error_row(struct reader *r, sqlite3_stmt *row)
{
    struct step_result *st = row_step(r, row, 0);
    const char *cause = (const char *)sqlite3_column_text(row, 2);
    uint64_t *by_cause = NULL;

    if (st && sqlite3_column_int64(row, 1) == -1) {
        by_cause = st->by_cause;            /* end to end */
    } else {
        struct comp_result *cr = row_comp(r, st, row, 1);

        if (cr)
            by_cause = cr->by_cause;
    }

    if (!by_cause)
        return damaged(r, "a count of errors is out of range");
    for (int k = 0; cause && k < ERR_CAUSE_COUNT; k++)
        if (strcmp(cause, err_cause_name(k)) == 0)
            by_cause[k] = (uint64_t)sqlite3_column_int64(row, 3);
    return STORE_OK;
}

static int read_figures(struct reader *r)
{
    int status = each_table_row(r, &step_table, "run_id = ?", step_row);

    if (status == STORE_OK && r->nseen != r->out->result.nsteps)
        status = damaged(r, "steps are missing");
    if (status != STORE_OK || !r->out->detailed)
        return status;
    status = each_row(r, "SELECT step, kind, p99_ns FROM step_kinds "
                      "WHERE run_id = ?", kind_row);
    if (status == STORE_OK)
        status = each_table_row(r, &comp_table, "run_id = ?", comp_row);
    if (status == STORE_OK)
        status = each_row(r, "SELECT step, component, cause, count FROM "
                          "step_errors WHERE run_id = ?", error_row);
    return status;
}

static int read_all(struct reader *r)
{
    int status = each_table_row(r, &run_table, "id = ?", run_row);

    if (status == STORE_OK && !r->out->yaml)
        return store_failf(r->st, STORE_NOT_FOUND, "no run number %lld "
                           "is saved", (long long)r->id);
    if (status == STORE_OK)
        status = alloc_steps(r);
    if (status == STORE_OK)
        status = read_figures(r);
    return status;
}

/* The snapshot becomes a scenario again; its components must be those
 * the figures were measured on. */
static int load_snapshot(struct reader *r)
{
    struct store_run *out = r->out;
    char label[64], err[2048];

    snprintf(label, sizeof label, "run %lld", (long long)r->id);
    scenario_free(&out->scenario);
    if (scenario_load_buffer(&out->scenario, label, out->yaml,
                             strlen(out->yaml), err, sizeof err) < 0)
        return store_failf(r->st, STORE_CORRUPT, "the scenario of run %lld "
                           "in '%s' no longer loads: %s", (long long)r->id,
                           r->st->path, err);
    if (out->scenario.ncomponents != out->result.ncomponents)
        return damaged(r, "its figures do not match its scenario");
    return STORE_OK;
}

int store_run_get(struct store *st, int64_t id, struct store_run *out)
{
    struct reader r = {st, id, out, 0};
    int status;

    memset(out, 0, sizeof *out);
    scenario_init(&out->scenario);
    status = store_begin(st, false, read_doing);
    if (status != STORE_OK)
        return status;
    status = read_all(&r);
    if (status == STORE_OK)
        status = store_commit(st, read_doing);
    else
        store_rollback(st);
    if (status == STORE_OK)
        status = load_snapshot(&r);
    return status;
}

void store_run_free(struct store_run *run)
{
    free(run->yaml);
    scenario_free(&run->scenario);
    ramp_result_free(&run->result);
    memset(run, 0, sizeof *run);
}

/* --- Listing ------------------------------------------------------------- */

static void list_row(sqlite3_stmt *row, struct store_run_info *it)
{
    it->id = sqlite3_column_int64(row, 0);
    store_column_text(row, 1, it->saved_at, sizeof it->saved_at);
    store_column_text(row, 2, it->scenario, sizeof it->scenario);
    it->seed = (uint64_t)sqlite3_column_int64(row, 3);
    store_column_text(row, 4, it->version, sizeof it->version);
    it->nsteps = sqlite3_column_int(row, 5);
    it->capacity = sqlite3_column_double(row, 6);
    it->cost = sqlite3_column_double(row, 7);
    it->target_holds = sqlite3_column_int(row, 8) != 0;
}

int store_run_list(struct store *st, struct store_run_list *out)
{
    sqlite3_stmt *stmt;
    size_t cap = 0;
    int rc;
    int status = store_prepare(st, &stmt, "SELECT id, saved_at, scenario, "
                               "seed, version, nsteps, capacity, cost, "
                               "target_holds FROM runs ORDER BY id",
                               "cannot read the runs from");

    memset(out, 0, sizeof *out);
    if (status != STORE_OK)
        return status;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (store_grow((void **)&out->items, &cap, out->n,
                       sizeof *out->items) < 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        list_row(stmt, &out->items[out->n++]);
    }
    if (rc != SQLITE_DONE)
        status = rc == SQLITE_NOMEM
                 ? store_failf(st, STORE_NO_MEMORY, "out of memory")
                 : store_fail(st, rc, "cannot read the runs from");
    sqlite3_finalize(stmt);
    if (status != STORE_OK)
        store_run_list_free(out);
    return status;
}

void store_run_list_free(struct store_run_list *list)
{
    free(list->items);
    list->items = NULL;
    list->n = 0;
}
