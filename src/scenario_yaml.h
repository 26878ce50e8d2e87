/*
 * scenario_yaml.h - scenario files: load from YAML, export to YAML.
 *
 * The loader reads libyaml events (never a document tree), with a cap on
 * nesting depth, on alias expansion and on file size, and types every
 * scalar itself: YAML 1.1 booleans and octal-looking numbers are not
 * applied to names, units are required where a quantity has one, and
 * each problem is reported as "file:line:column: what was expected".
 */
#ifndef ARCHSIM_SCENARIO_YAML_H
#define ARCHSIM_SCENARIO_YAML_H

#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

#define SCENARIO_MAX_BYTES  (4 << 20)   /* larger files are refused */

/*
 * Load path into *s (which the call initialises; free it with
 * scenario_free() whatever the result). Returns 0, or -1 with a message
 * in err: "path:line:column: message". The result is validated.
 */
int scenario_load_file(struct scenario *s, const char *path,
                       char *err, size_t errlen);

/* The same from a buffer; name is used in messages as the file name. */
int scenario_load_buffer(struct scenario *s, const char *name,
                         const char *data, size_t len,
                         char *err, size_t errlen);

/*
 * The same from a node of a tree already read (yaml_tree.h), such as a
 * scenario written inside a challenge file: messages give name with the
 * node's own lines and columns.
 */
struct ynode;
int scenario_load_node(struct scenario *s, const char *name,
                       const struct ynode *root, char *err, size_t errlen);

/*
 * Write s as YAML. Every setting that differs from its kind's default is
 * written; names are quoted whenever a plain scalar would not read back
 * as the same string. Returns 0, or -1 on a write error (errno set).
 */
int scenario_export(const struct scenario *s, FILE *out);

/* Export to a malloc'd NUL-terminated string (caller frees); NULL if OOM. */
char *scenario_export_string(const struct scenario *s);

/*
 * Parsers for quantities with units, shared with the TUI's forms and the
 * command line. Each returns 0, or -1 with a message naming the value and
 * what was expected in err.
 */
int parse_duration(const char *text, sim_ns *out, char *err, size_t errlen);
int parse_count(const char *text, double *out, char *err, size_t errlen);
int parse_fraction(const char *text, double *out, char *err, size_t errlen);

/*
 * Set one setting of c (key as in a file, "cpu.read" for a dotted one)
 * from text, with the loader's rules and messages (without a position).
 * On an error c is unchanged and err says what was expected.
 */
int scenario_set_field(struct component *c, const char *key,
                       const char *value, char *err, size_t errlen);

/*
 * What is wrong with name as the name of a scenario, component or region
 * ("is empty", "is not valid UTF-8", ...), or NULL if nothing: a name is
 * 1 to 255 bytes of UTF-8 without control characters. The TUI checks
 * names it is given with this, so that what it exports loads again.
 */
const char *scenario_name_problem(const char *name);

/*
 * Set one scenario-wide setting by its dotted path as in a file
 * ("users.think", "users.ramp.to", "objectives.budget", "network.hop",
 * "entry", "mix" with a whole mapping), with the loader's rules. On an
 * error s is unchanged. The caller validates the whole afterwards.
 */
int scenario_set_top(struct scenario *s, const char *key, const char *value,
                     char *err, size_t errlen);

/* The current value of field f of c as a file would write it. */
int scenario_format_field(const struct component *c, const struct field *f,
                          char *buf, size_t len);

#endif
