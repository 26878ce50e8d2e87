/*
 * fuzz.h - what the fuzz targets check, as plain functions, so that the
 * same code runs under libFuzzer (make fuzz) and, for every input kept in
 * tests/fuzz/regress/ and the seed corpora, in the ordinary test suite
 * (tests/test_fuzz_regress.c).
 *
 * Each function takes one input of any bytes and returns 0; when the
 * program breaks a promise it prints what and calls abort().
 */
#ifndef ARCHSIM_FUZZ_H
#define ARCHSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * The scenario loader: any bytes load or fail with a message naming the
 * file; a scenario that loads exports to YAML that loads again and
 * exports to the same bytes.
 */
int fuzz_scenario_input(const uint8_t *data, size_t size);

/*
 * The ':' command line of the interface, without a terminal. Each line
 * of the input is one command, run on a small design: typed as is and
 * run with Enter, or, where it holds tabs, typed in pieces with Tab
 * (completion) between them, then run. A line "\001K" presses key K
 * when a question (y/n) is open. After each line the design must still
 * be valid; at the end it must export to a file that loads.
 *
 * Files are read and written only in a private temporary directory, the
 * database is a file there, and commands naming a path with '/' are not
 * run. fuzz_command_cleanup() removes the directory.
 */
int fuzz_command_input(const uint8_t *data, size_t size);
void fuzz_command_cleanup(void);

#endif
