/*
 * tour.c - archsim tour: the nine stages of the journey in order. Each
 * stage opens its scenario, says why it exists, ramps until the knee and
 * stops there; A adds what the advisor proposes (or the user adds it by
 * hand), r ramps again to show the gain, n goes on to the next stage.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "datadir.h"

struct stage {
    const char *file;
    const char *title;
    const char *lines[4];
};

static const struct stage stages[] = {
    {"stage-1-single-server", "1. One server, one database",
     {"The simplest design that works, and the cheapest.",
      "Watch the server's two cores fill up: somewhere in the low",
      "thousands of users requests start to queue, then to be refused.",
      "Next: a bigger machine. Press A when the ramp stops."}},
    {"stage-2-bigger-machine", "2. A bigger machine",
     {"Vertical scaling: more cores push the knee out, at a price.",
      "There is always a largest size, and one machine is one failure",
      "away from nothing.",
      "Next: several servers behind a load balancer."}},
    {"stage-3-load-balancer", "3. Servers behind a load balancer",
     {"Horizontal scaling: add servers as the users grow. The balancing",
      "policy matters when servers differ (try :set lb.policy random).",
      "Now the single database is what breaks.",
      "Next: replicas for reads, a bigger pool, indexed queries."}},
    {"stage-4-database", "4. The database: replicas, pool, indexes",
     {"Reads spread over replicas; writes still go to the primary.",
      "Replicas lag behind it, and a few writes fight over hot rows.",
      "Try :set db.indexed false to see a table scan.",
      "Next: a cache, so most reads never reach the database."}},
    {"stage-5-cache", "5. A cache in front of the database",
     {"Popular keys are answered from memory; the hit ratio follows from",
      "the cache's capacity and how skewed the keys are. Misses fall",
      "through and fill it. The servers carry slow tasks inline.",
      "Next: a queue, so slow work leaves the request path."}},
    {"stage-6-queue", "6. A queue with workers",
     {"Tasks are published and answered at once; workers do the slow",
      "part. Watch the queue's depth and how long tasks wait.",
      "",
      "Next: users far away, and files a CDN can serve near them."}},
    {"stage-7-cdn-regions", "7. A CDN and users in three regions",
     {"Distance costs latency: India is a 185 ms round trip away. The",
      "CDN's edges answer most static requests near the users and take",
      "that load off the servers.",
      "Next: separate services that scale on their own."}},
    {"stage-8-services", "8. Separate services",
     {"A thin web tier sends reads to a catalog service and writes and",
      "tasks to an orders service. Each hop adds latency; each service",
      "scales, and fails, on its own.",
      "Next: the whole design at a million users, broken on purpose."}},
    {"stage-9-observability", "9. A million users, and failures",
     {"This design holds its objectives at a million users. Now break",
      "it: :fail api, :fail db, :fail cache, and read in the log what",
      "failed, when, and when it recovered.",
      "That is the end of the journey."}},
};

#define NSTAGES ((int)(sizeof stages / sizeof stages[0]))

const char *tour_title(int stage)
{
    return stage >= 1 && stage <= NSTAGES ? stages[stage - 1].title : "";
}

const char *tour_line(int stage, int i)
{
    if (stage < 1 || stage > NSTAGES || i < 0 || i >= 4)
        return NULL;
    return stages[stage - 1].lines[i];
}

bool tour_open(struct app *app, int stage)
{
    char path[1024], err[2048];

    if (stage < 1 || stage > NSTAGES) {
        app_message(app, false, stage > NSTAGES ? "that was the last stage"
                    : "that was the first stage");
        return false;
    }
    if (app_load(app, datadir_scenario(stages[stage - 1].file, path,
                                       sizeof path), err, sizeof err) < 0) {
        app_message(app, true, "%s", err);
        return false;
    }
    app->tour = stage;
    app->stop_at_knee = true;
    app->mode = MODE_TOUR;
    return true;
}

/* The stage's text is read: ramp until the knee. */
void tour_begin_ramp(struct app *app)
{
    app->mode = MODE_NORMAL;
    app->live.running = true;
    app_message(app, false, "ramping until the knee; A adds the advice, "
                "n next stage, p previous");
}
