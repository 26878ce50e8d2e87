/*
 * cmd_timeline.h - `archsim timeline`: a scenario at a fixed user count,
 * interval by interval, with its failures and what they set off.
 */
#ifndef ARCHSIM_CMD_TIMELINE_H
#define ARCHSIM_CMD_TIMELINE_H

/* Run the command on its arguments (after "timeline"); an exit status. */
int cmd_timeline_main(int argc, char **argv);

#endif
