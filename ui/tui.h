/*
 * tui.h - the terminal interface: a live diagram of the design with
 * figures that move as the users ramp up.
 */
#ifndef ARCHSIM_TUI_H
#define ARCHSIM_TUI_H

/*
 * Open the interface on the scenario in path. Returns the process exit
 * status: 0 after a normal quit, 65 when path cannot be loaded, 69 when
 * there is no usable terminal (a message then says to use archsim run).
 */
int tui_main(const char *path);

/* archsim tour: the nine stages in order, in the interface. */
int tui_tour(void);

#endif
