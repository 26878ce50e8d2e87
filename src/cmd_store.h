/*
 * cmd_store.h - the commands over saved work, for main.c:
 *
 *   archsim save FILE [--name NAME] [--replace]
 *   archsim scenarios
 *   archsim scenario show NAME | rename OLD NEW | delete NAME --yes
 *   archsim runs
 *   archsim show RUN [--format table|csv|json]
 *   archsim compare RUN_A RUN_B
 *
 * each taking --db PATH; and the saving half of `archsim run --save`.
 * Results go to stdout, messages to stderr (one line each, prefixed
 * "archsim: "). Exit statuses: 0 done, 64 bad usage, 65 bad input (a
 * file that does not load, a name not found or taken), 70 out of memory,
 * 74 the database cannot be used.
 *
 * Nothing here keeps memory or a database open between calls.
 */
#ifndef ARCHSIM_CMD_STORE_H
#define ARCHSIM_CMD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "ramp.h"
#include "scenario.h"

/* Whether command (argv[1]) is one of those above. */
bool cmd_store_has(const char *command);

/* Run command with its arguments (those after it); returns the exit
 * status. */
int cmd_store_main(const char *command, int argc, char **argv);

/*
 * For `archsim run --save`, before the ramp: whether the database (db,
 * or the default when NULL) can be opened. When not, says why and that
 * the run goes on without saving, so the user learns it before a long
 * ramp rather than after.
 */
bool cmd_store_usable(const char *db);

/*
 * After the ramp: save sc (as it ran), seed, version and res as a run.
 * Says on stderr which run it became, or why it was not saved. Returns
 * 0, or -1 when not saved; the caller's exit status is its own either
 * way.
 */
int cmd_store_save_run(const char *db, const struct scenario *sc,
                       uint64_t seed, const struct ramp_result *res,
                       const char *version);

#endif
