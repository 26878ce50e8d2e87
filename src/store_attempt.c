/*
 * store_attempt.c - challenge attempts (score, verdict, time, hints,
 * cost, capacity and the design as YAML) and the hints taken before
 * them. A hint is a row of its own until the next attempt at the same
 * challenge claims it, so that a hint asked for from the command line
 * costs points at whichever attempt comes next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_yaml.h"
#include "store_int.h"

static const char insert_sql[] =
    "INSERT INTO attempts (saved_at, challenge, score, passed, seconds,"
    " hints, cost, capacity, version, yaml)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char claim_sql[] =
    "UPDATE hints SET attempt_id = ?1"
    " WHERE challenge = ?2 AND attempt_id IS NULL";

/* Bind the attempt's figures; the texts are kept by the caller. */
static int bind_attempt(sqlite3_stmt *s, const struct store_attempt_info *a,
                        const char *now, const char *yaml)
{
    int rc = sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);

    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 2, a->challenge, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 3, a->score);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 4, a->passed);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_double(s, 5, a->seconds);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(s, 6, a->hints);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_double(s, 7, a->cost);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_double(s, 8, a->capacity);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 9, a->version, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 10, yaml, -1, SQLITE_STATIC);
    return rc;
}

/* Run one prepared statement to its end; finalizes it. */
static int finish(struct store *st, sqlite3_stmt *stmt, const char *doing)
{
    int rc = sqlite3_step(stmt);
    int status = rc == SQLITE_DONE ? STORE_OK : store_fail(st, rc, doing);

    sqlite3_finalize(stmt);
    return status;
}

static int insert_attempt(struct store *st, const struct store_attempt_info *a,
                          const char *now, const char *yaml, int64_t *id)
{
    const char *doing = "cannot save the attempt in";
    sqlite3_stmt *stmt = NULL;
    int status = store_prepare(st, &stmt, insert_sql, doing);
    int rc;

    if (status != STORE_OK)
        return status;
    rc = bind_attempt(stmt, a, now, yaml);
    if (rc != SQLITE_OK) {
        status = store_fail(st, rc, doing);
        sqlite3_finalize(stmt);
        return status;
    }
    status = finish(st, stmt, doing);
    if (status == STORE_OK)
        *id = sqlite3_last_insert_rowid(st->db);
    return status;
}

static int claim_hints(struct store *st, const char *challenge, int64_t id)
{
    const char *doing = "cannot save the attempt in";
    sqlite3_stmt *stmt = NULL;
    int status = store_prepare(st, &stmt, claim_sql, doing);
    int rc;

    if (status != STORE_OK)
        return status;
    rc = sqlite3_bind_int64(stmt, 1, id);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 2, challenge, -1, SQLITE_STATIC);
    if (rc != SQLITE_OK) {
        status = store_fail(st, rc, doing);
        sqlite3_finalize(stmt);
        return status;
    }
    return finish(st, stmt, doing);
}

int store_attempt_save(struct store *st, const struct store_attempt_info *a,
                       const struct scenario *design, int64_t *id)
{
    const char *doing = "cannot save the attempt in";
    const char *why = store_name_problem(a->challenge);
    char now[24];
    char *yaml;
    int64_t got = 0;
    int status;

    if (why)
        return store_failf(st, STORE_BAD_NAME, "the challenge's name %s",
                           why);
    if (a->score < 0 || a->score > 100 || a->hints < 0)
        return store_failf(st, STORE_BAD_DATA, "an attempt's score is 0 to "
                           "100 and its hints are not negative");
    yaml = scenario_export_string(design);
    if (!yaml)
        return store_failf(st, STORE_NO_MEMORY, "out of memory");
    store_now(now, sizeof now);
    status = store_begin(st, true, doing);
    if (status == STORE_OK)
        status = insert_attempt(st, a, now, yaml, &got);
    if (status == STORE_OK)
        status = claim_hints(st, a->challenge, got);
    if (status == STORE_OK)
        status = store_commit(st, doing);
    if (status != STORE_OK)
        store_rollback(st);
    else if (id)
        *id = got;
    free(yaml);
    return status;
}

static void read_info(sqlite3_stmt *stmt, struct store_attempt_info *it)
{
    memset(it, 0, sizeof *it);
    it->id = sqlite3_column_int64(stmt, 0);
    store_column_text(stmt, 1, it->saved_at, sizeof it->saved_at);
    store_column_text(stmt, 2, it->challenge, sizeof it->challenge);
    it->score = sqlite3_column_int(stmt, 3);
    it->passed = sqlite3_column_int(stmt, 4) != 0;
    it->seconds = sqlite3_column_double(stmt, 5);
    it->hints = sqlite3_column_int(stmt, 6);
    it->cost = sqlite3_column_double(stmt, 7);
    it->capacity = sqlite3_column_double(stmt, 8);
    store_column_text(stmt, 9, it->version, sizeof it->version);
}

int store_attempt_list(struct store *st, const char *challenge,
                       struct store_attempt_list *out)
{
    const char *doing = "cannot read the attempts from";
    sqlite3_stmt *stmt = NULL;
    size_t cap = 0;
    int rc = SQLITE_OK;
    int status = store_prepare(st, &stmt, "SELECT id, saved_at, challenge,"
                               " score, passed, seconds, hints, cost,"
                               " capacity, version FROM attempts"
                               " WHERE ?1 IS NULL OR challenge = ?1"
                               " ORDER BY id", doing);

    memset(out, 0, sizeof *out);
    if (status != STORE_OK)
        return status;
    if (challenge)
        rc = sqlite3_bind_text(stmt, 1, challenge, -1, SQLITE_STATIC);
    if (rc != SQLITE_OK) {
        status = store_fail(st, rc, doing);
        sqlite3_finalize(stmt);
        return status;
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (store_grow((void **)&out->items, &cap, out->n,
                       sizeof *out->items) < 0) {
            rc = SQLITE_NOMEM;
            break;
        }
        read_info(stmt, &out->items[out->n++]);
    }
    if (rc != SQLITE_DONE)
        status = rc == SQLITE_NOMEM
                 ? store_failf(st, STORE_NO_MEMORY, "out of memory")
                 : store_fail(st, rc, doing);
    sqlite3_finalize(stmt);
    if (status != STORE_OK)
        store_attempt_list_free(out);
    return status;
}

void store_attempt_list_free(struct store_attempt_list *list)
{
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

/* One integer from a query with one text parameter; *found says whether
 * a row (with a non-NULL value) came back. */
static int query_one(struct store *st, const char *sql, const char *text,
                     const char *doing, int *value, bool *found)
{
    sqlite3_stmt *stmt = NULL;
    int status = store_prepare(st, &stmt, sql, doing);
    int rc;

    *found = false;
    if (status != STORE_OK)
        return status;
    status = store_bind_texts(st, stmt, doing, 1, text);
    if (status != STORE_OK) {
        sqlite3_finalize(stmt);
        return status;
    }
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
        *value = sqlite3_column_int(stmt, 0);
        *found = true;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        status = store_fail(st, rc, doing);
    }
    sqlite3_finalize(stmt);
    return status;
}

int store_attempt_best(struct store *st, const char *challenge, int *score)
{
    bool found;
    int status = query_one(st, "SELECT max(score) FROM attempts WHERE "
                           "challenge = ?1", challenge,
                           "cannot read the attempts from", score, &found);

    if (status == STORE_OK && !found)
        return store_failf(st, STORE_NOT_FOUND, "no attempt at '%s' is "
                           "saved", challenge);
    return status;
}

int store_attempt_yaml(struct store *st, int64_t id, char **yaml)
{
    const char *doing = "cannot read the attempt from";
    sqlite3_stmt *stmt = NULL;
    int status = store_prepare(st, &stmt, "SELECT yaml FROM attempts "
                               "WHERE id = ?1", doing);
    int rc;

    *yaml = NULL;
    if (status != STORE_OK)
        return status;
    rc = sqlite3_bind_int64(stmt, 1, id);
    if (rc != SQLITE_OK) {
        status = store_fail(st, rc, doing);
        sqlite3_finalize(stmt);
        return status;
    }
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);

        *yaml = strdup(text ? text : "");
        if (!*yaml)
            status = store_failf(st, STORE_NO_MEMORY, "out of memory");
    } else if (rc == SQLITE_DONE) {
        status = store_failf(st, STORE_NOT_FOUND, "no attempt %lld is "
                             "saved", (long long)id);
    } else {
        status = store_fail(st, rc, doing);
    }
    sqlite3_finalize(stmt);
    return status;
}

int store_hints_pending(struct store *st, const char *challenge, int *n)
{
    bool found;
    int status = query_one(st, "SELECT count(*) FROM hints WHERE "
                           "challenge = ?1 AND attempt_id IS NULL",
                           challenge, "cannot read the hints from", n,
                           &found);

    if (status == STORE_OK && !found)
        *n = 0;
    return status;
}

int store_hint_add(struct store *st, const char *challenge, int *pending)
{
    const char *doing = "cannot record the hint in";
    const char *why = store_name_problem(challenge);
    sqlite3_stmt *stmt = NULL;
    char now[24];
    int status;

    if (why)
        return store_failf(st, STORE_BAD_NAME, "the challenge's name %s",
                           why);
    store_now(now, sizeof now);
    status = store_begin(st, true, doing);
    if (status == STORE_OK)
        status = store_prepare(st, &stmt, "INSERT INTO hints (challenge, "
                               "taken_at) VALUES (?1, ?2)", doing);
    if (status == STORE_OK) {
        status = store_bind_texts(st, stmt, doing, 2, challenge, now);
        if (status == STORE_OK)
            status = finish(st, stmt, doing);
        else
            sqlite3_finalize(stmt);
    }
    if (status == STORE_OK && pending)
        status = store_hints_pending(st, challenge, pending);
    if (status == STORE_OK)
        status = store_commit(st, doing);
    if (status != STORE_OK)
        store_rollback(st);
    return status;
}
