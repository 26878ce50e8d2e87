/*
 * support.h - helpers shared by the tests: closed forms of queueing
 * theory, and scenarios built in code.
 */
#ifndef ARCHSIM_TEST_SUPPORT_H
#define ARCHSIM_TEST_SUPPORT_H

#include "scenario.h"
#include "sim.h"

/* Erlang C: probability that an arrival waits at an M/M/c station with
 * offered load a = lambda * S (in servers), a < c. */
double erlang_c(int c, double a);

/* Mean response time (wait + service) of M/M/c: lambda per s, S in s. */
double mmc_response(int c, double lambda, double service);

/* A scenario of open users at rate total requests per second, reads
 * only, no regions, hop 0: the caller adds components. */
void open_scenario(struct scenario *s, double rate);

/* A bare server for queueing tests: one instance, cores cores,
 * exponential CPU time cpu_ns for every kind, threads and backlog
 * unbounded, no task work. */
struct component *add_station(struct scenario *s, const char *name,
                              int cores, sim_ns cpu_ns);

/* Add a call from component a to component b (by name). */
void add_call(struct scenario *s, const char *from, const char *to);

/* Validate or fail the test. */
void must_validate(struct scenario *s);

/* Run a fresh engine at the scenario's users for warm then measure
 * seconds of simulated time; the caller reads and destroys it. */
struct sim *run_for(const struct scenario *s, uint64_t seed, double users,
                    double warm_s, double measure_s);

#endif
