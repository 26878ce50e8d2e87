/*
 * store.h - saved work: one SQLite database holding scenarios (their
 * normalised YAML, under a name) and runs (a snapshot of the scenario as
 * it ran, the seed, the program version and every step's end-to-end and
 * per-component figures). The command line (cmd_store.c) and the
 * terminal interface call it.
 *
 * What it guarantees:
 *   - A file is only written once it is known to be archsim's: its
 *     application_id is STORE_APP_ID, or it is empty. A text file,
 *     another program's database or a database of a newer schema is
 *     refused before SQLite writes anything to it.
 *   - PRAGMA user_version is the schema version. An older schema is
 *     migrated forward when the database is opened, in one transaction.
 *   - Every change is one transaction begun IMMEDIATE, so a second
 *     process waits for the write lock (STORE_BUSY_MS at most) instead
 *     of failing half way, and a process killed during a save leaves the
 *     state before the save.
 *   - Every statement is prepared with bound parameters; no name or text
 *     is ever pasted into SQL.
 *
 * Errors: actions return STORE_OK (0) or a negative enum store_status,
 * and leave a one-line message (no trailing newline, naming the file) in
 * store_errmsg(). The statuses from STORE_CANT_OPEN down mean the
 * database cannot be used at all; store_unusable() tells them apart.
 *
 * Memory: struct store is opaque; the caller owns it from store_open()
 * to store_close(). Everything a function hands back (lists, YAML, runs)
 * is owned by the caller and freed with the _free function named beside
 * it. Strings passed in are copied, never kept. One struct store belongs
 * to one thread; nothing here may be called from a signal handler.
 */
#ifndef ARCHSIM_STORE_H
#define ARCHSIM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ramp.h"
#include "scenario.h"

#define STORE_SCHEMA_VERSION 3
#define STORE_APP_ID 0x41726353     /* "ArcS", in the file's header */
#define STORE_BUSY_MS 10000         /* wait for another writer, at most */

enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND = -1,           /* no scenario or run by that key */
    STORE_EXISTS = -2,              /* a scenario of that name exists */
    STORE_BAD_NAME = -3,            /* empty, over 255 bytes, not UTF-8 */
    STORE_BAD_DATA = -4,            /* what was asked to save is invalid */
    STORE_NO_MEMORY = -5,
    /* The database cannot be used: */
    STORE_CANT_OPEN = -10,          /* no such directory, no permission */
    STORE_READ_ONLY = -11,
    STORE_FULL = -12,               /* disk full or size limit reached */
    STORE_LOCKED = -13,             /* another process held it too long */
    STORE_CORRUPT = -14,
    STORE_FOREIGN = -15,            /* not an archsim database */
    STORE_NEWER = -16,              /* written by a newer archsim */
    STORE_IO = -17,                 /* any other failure */
};

struct store;

/* --- Opening ------------------------------------------------------------ */

/*
 * Where the database is: opt if given (--db), else $ARCHSIM_DB if set and
 * not empty, else $XDG_DATA_HOME/archsim/archsim.db when XDG_DATA_HOME is
 * an absolute path, else ~/.local/share/archsim/archsim.db. *is_default
 * says whether one of the last two was chosen (whose directory
 * store_open may create). Returns 0, or -1 when the result does not fit
 * in len or there is no HOME to put it under.
 */
int store_path(const char *opt, char *buf, size_t len, bool *is_default);

enum store_open_flags {
    STORE_MKDIR = 1 << 0,           /* create missing parent directories */
};

/*
 * Open (creating if missing) the database at path, check that it is
 * archsim's, migrate it forward and put it in WAL mode. Returns STORE_OK
 * with *out set, or a status with *out NULL and a message in err (which
 * may be NULL). A refused file is left as it was.
 */
int store_open(struct store **out, const char *path, unsigned flags,
               char *err, size_t errlen);

/* Close st (NULL is allowed). */
void store_close(struct store *st);

/* The message of the last failure, or "". Borrowed: valid until the next
 * call on st. */
const char *store_errmsg(const struct store *st);

/* The path st was opened with. Borrowed, valid until store_close(). */
const char *store_filename(const struct store *st);

/* Whether status means the database cannot be used (as opposed to a
 * missing name or a bad argument). */
bool store_unusable(int status);

/* Whether the database could only be opened for reading (the file is
 * not writable): reads work, every save gives STORE_READ_ONLY. */
bool store_read_only(struct store *st);

/* How long to wait for another process's lock, in milliseconds; for
 * tests of a locked database. */
void store_set_busy_timeout(struct store *st, int ms);

/* The SQLite connection, borrowed. For tests that need a pragma of this
 * connection (max_page_count stands in for a full disk); never write
 * through it. */
struct sqlite3 *store_sqlite(struct store *st);

/*
 * Whether name may be stored: 1 to 255 bytes of UTF-8 without control
 * characters (the rule of names in scenario files). Returns NULL if so,
 * or a static phrase saying what is wrong ("is empty").
 */
const char *store_name_problem(const char *name);

/* --- Scenarios ---------------------------------------------------------- */

struct store_scenario_info {
    int64_t id;
    char name[NAME_BYTES];          /* UTF-8, exactly as saved */
    char saved_at[24];              /* UTC, "2025-01-31 23:59:59" */
};

struct store_scenario_list {
    size_t n;
    struct store_scenario_info *items;  /* owned; sorted by name */
};

/*
 * Save sc under name as its normalised YAML (scenario_export_string), so
 * that the stored text is what exporting the file gives. An existing
 * name is replaced only when replace is true, else STORE_EXISTS.
 * Returns STORE_OK or a status (STORE_BAD_NAME, STORE_NO_MEMORY, ...).
 */
int store_scenario_save(struct store *st, const char *name,
                        const struct scenario *sc, bool replace);

/* The stored YAML of name in *yaml (malloc'd, the caller frees). */
int store_scenario_yaml(struct store *st, const char *name, char **yaml);

/*
 * Load the scenario stored as name into *sc (initialised by the call;
 * scenario_free() it whatever the result). A stored text that no longer
 * loads gives STORE_CORRUPT with the loader's message.
 */
int store_scenario_load(struct store *st, const char *name,
                        struct scenario *sc);

int store_scenario_list(struct store *st, struct store_scenario_list *out);
void store_scenario_list_free(struct store_scenario_list *list);

/* Rename from to to: STORE_NOT_FOUND, STORE_EXISTS, STORE_BAD_NAME. */
int store_scenario_rename(struct store *st, const char *from,
                          const char *to);

/* Delete name (runs keep their own snapshots): STORE_NOT_FOUND. The
 * caller asks the user first. */
int store_scenario_delete(struct store *st, const char *name);

/* --- Runs --------------------------------------------------------------- */

struct store_run_info {
    int64_t id;                     /* 1, 2, ...; never reused */
    char saved_at[24];              /* UTC */
    char scenario[NAME_BYTES];      /* the scenario's own name */
    uint64_t seed;
    char version[32];               /* of the archsim that ran it */
    int nsteps;
    double capacity;                /* users */
    double cost;                    /* USD per month */
    bool target_holds;
};

struct store_run_list {
    size_t n;
    struct store_run_info *items;   /* owned; oldest first */
};

struct store_run {
    struct store_run_info info;
    char *yaml;                     /* the snapshot, owned */
    struct scenario scenario;       /* the snapshot loaded, owned */
    struct ramp_result result;      /* owned */
    bool detailed;                  /* false: saved by schema 1, which
                                     * kept no per-component figures, per
                                     * kind p99 or causes of errors */
};

/*
 * Save a finished ramp: sc as it ran (after any overrides), the seed
 * used, the program's version and res. *id (may be NULL) gets the run's
 * number. Returns STORE_OK, STORE_BAD_DATA when res does not match sc,
 * or a status of the database.
 */
int store_run_save(struct store *st, const struct scenario *sc,
                   uint64_t seed, const char *version,
                   const struct ramp_result *res, int64_t *id);

int store_run_list(struct store *st, struct store_run_list *out);
void store_run_list_free(struct store_run_list *list);

/* Read run id into *out (the caller frees it with store_run_free(),
 * whatever the result): STORE_NOT_FOUND, STORE_CORRUPT, ... */
int store_run_get(struct store *st, int64_t id, struct store_run *out);
void store_run_free(struct store_run *run);

/* --- Challenge attempts and hints (store_attempt.c) --------------------- */

struct store_attempt_info {
    int64_t id;                     /* 1, 2, ...; never reused */
    char saved_at[24];              /* UTC */
    char challenge[NAME_BYTES];     /* the challenge's name */
    int score;                      /* 0..100 */
    bool passed;
    double seconds;                 /* time taken */
    int hints;                      /* hints it paid for */
    double cost;                    /* USD per month */
    double capacity;                /* users */
    char version[32];               /* of the archsim that graded it */
};

struct store_attempt_list {
    size_t n;
    struct store_attempt_info *items;   /* owned; oldest first */
};

/*
 * Save an attempt at a challenge: a's figures (id and saved_at are
 * ignored) and the design as its normalised YAML. The hints taken for
 * the challenge since its last attempt become this attempt's. *id (may
 * be NULL) gets its number.
 */
int store_attempt_save(struct store *st, const struct store_attempt_info *a,
                       const struct scenario *design, int64_t *id);

/* The attempts at challenge (every challenge when NULL), oldest first. */
int store_attempt_list(struct store *st, const char *challenge,
                       struct store_attempt_list *out);
void store_attempt_list_free(struct store_attempt_list *list);

/* The best score at challenge: STORE_NOT_FOUND when never attempted. */
int store_attempt_best(struct store *st, const char *challenge, int *score);

/* The design of attempt id as YAML in *yaml (malloc'd, the caller
 * frees): STORE_NOT_FOUND, ... */
int store_attempt_yaml(struct store *st, int64_t id, char **yaml);

/* Record a hint taken at challenge; *pending (may be NULL) gets the hints
 * not yet claimed by an attempt, this one included. */
int store_hint_add(struct store *st, const char *challenge, int *pending);

/* The hints taken at challenge since its last attempt. */
int store_hints_pending(struct store *st, const char *challenge, int *n);

#endif
