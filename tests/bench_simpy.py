#!/usr/bin/python3
"""bench_simpy.py - the engine benchmark's M/M/4 station in SimPy.

The same model as `bench_engine mm4` (utilisation 0.9, exponential
service of 10 ms, 10^6 customers), written the usual SimPy way: a source
process, one process per customer, a Resource of capacity 4. Events are
counted as in the C benchmark, an arrival and a departure per customer,
so that the two rates compare like with like (SimPy's own event queue
sees several more per customer).

Run it with Debian's /usr/bin/python3 and python3-simpy3:
    /usr/bin/python3 tests/bench_simpy.py [CUSTOMERS]
"""
import random
import sys
import time

import simpy

SERVERS = 4
RHO = 0.9
SERVICE = 0.010                         # seconds
SEED = 42


def mmc_mean(c, lam, service):
    """Mean response time of M/M/c by Erlang C (seconds)."""
    a = lam * service
    term, total = 1.0, 0.0
    for k in range(c):
        total += term
        term *= a / (k + 1)
    tail = term * c / (c - a)           # a^c / c! * c / (c - a)
    wait = tail / (total + tail)
    return service + wait * service / (c - a)


class Tally:
    """What the run counts: customers in and out, time in the system."""

    def __init__(self):
        self.arrivals = 0
        self.departures = 0
        self.response = 0.0


def customer(env, station, rng, tally):
    start = env.now
    with station.request() as turn:
        yield turn
        yield env.timeout(rng.expovariate(1.0 / SERVICE))
    tally.departures += 1
    tally.response += env.now - start


def source(env, station, rng, tally, lam, customers):
    for _ in range(customers):
        yield env.timeout(rng.expovariate(lam))
        tally.arrivals += 1
        env.process(customer(env, station, rng, tally))


def main():
    customers = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**6
    lam = RHO * SERVERS / SERVICE
    rng = random.Random(SEED)
    env = simpy.Environment()
    station = simpy.Resource(env, capacity=SERVERS)
    tally = Tally()

    env.process(source(env, station, rng, tally, lam, customers))
    start = time.monotonic()
    env.run()                           # until the last customer leaves
    wall = time.monotonic() - start

    events = tally.arrivals + tally.departures
    print("SimPy %s, M/M/%d at rho %.1f, service %.0f ms, %d customers:"
          % (simpy.__version__, SERVERS, RHO, SERVICE * 1e3, customers))
    print("  arrivals %d, departures %d"
          % (tally.arrivals, tally.departures))
    print("  mean response %.3f ms (Erlang C %.3f ms)"
          % (tally.response / tally.departures * 1e3,
             mmc_mean(SERVERS, lam, SERVICE) * 1e3))
    print("  wall %.3f s" % wall)
    print("events/s (2 per customer): %.0f" % (events / wall))


if __name__ == "__main__":
    main()
