/*
 * version.h - the program's version, printed by --version and kept with
 * every stored run.
 */
#ifndef ARCHSIM_VERSION_H
#define ARCHSIM_VERSION_H

#define ARCHSIM_VERSION "0.1.0"

#endif
