/*
 * cmd_practice.h - archsim practice: the challenges with the best score
 * of each, a challenge's brief, grading a design, hints, and the
 * attempts kept in the database.
 */
#ifndef ARCHSIM_CMD_PRACTICE_H
#define ARCHSIM_CMD_PRACTICE_H

/* Its usage, for --help. */
extern const char practice_usage[];

/* Run `archsim practice` with the arguments after it; returns the exit
 * status. */
int cmd_practice_main(int argc, char **argv);

#endif
