/*
 * store_int.h - what store.c (opening, schema, scenarios) and store_run.c
 * (runs) share; not for other modules, which use store.h.
 *
 * Every helper that fails writes st->err and returns a negative enum
 * store_status, so a caller can return its result unchanged. Statements
 * belong to the function that prepared them, which finalizes them.
 */
#ifndef ARCHSIM_STORE_INT_H
#define ARCHSIM_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct store {
    sqlite3 *db;
    char *path;                     /* owned copy, for messages */
    int busy_ms;
    char err[1024];
};

/*
 * Record why SQLite said rc while doing something ("cannot save the run
 * in"), as "<doing> '<path>': <reason>", and return the status rc maps
 * to. Call it straight after the failing call, before any other call on
 * the connection replaces SQLite's message and errno.
 */
int store_fail(struct store *st, int rc, const char *doing);

/* Record a message of our own; returns status. */
int store_failf(struct store *st, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int store_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql,
                  const char *doing);

/* Run one statement without parameters or rows (BEGIN, a pragma). */
int store_exec(struct store *st, const char *sql, const char *doing);

/* Bind n texts (const char *, kept by the caller until the statement is
 * finalized) to parameters 1..n. */
int store_bind_texts(struct store *st, sqlite3_stmt *stmt,
                     const char *doing, int n, ...);

/* Begin a transaction: IMMEDIATE (the write lock at once, waiting for
 * it) when write, else a deferred one for a consistent read. */
int store_begin(struct store *st, bool write, const char *doing);
int store_commit(struct store *st, const char *doing);

/* Roll back if a transaction is open; for failure paths, so its own
 * errors are ignored and st->err keeps the first cause. */
void store_rollback(struct store *st);

/* Copy a text column into buf (cut to fit, at most len - 1 bytes). */
void store_column_text(sqlite3_stmt *stmt, int col, char *buf, size_t len);

/* The time now in UTC, "2025-01-31 23:59:59", for saved_at columns. */
void store_now(char *buf, size_t len);

/* Make room for item n of an array of *cap items of size bytes, doubling
 * it as needed; returns 0, or -1 when out of memory (*items unchanged). */
int store_grow(void **items, size_t *cap, size_t n, size_t size);

#endif
