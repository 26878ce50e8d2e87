/*
 * app.h - the state the interface's parts share: the design being
 * edited, its undo history, the live simulation and its results, the
 * screen's modes. Only ui/ includes this. struct app owns everything it
 * points to; app_free() releases it.
 */
#ifndef ARCHSIM_APP_H
#define ARCHSIM_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "ramp.h"
#include "scenario.h"
#include "sim.h"
#include "store.h"
#include "timeline.h"

#define MAX_HISTORY   1000          /* measured steps kept for the charts */
#define MAX_HOLD      600           /* held intervals kept for the charts */
#define MAX_LOG       200           /* event log lines kept */
#define LOG_BYTES     160
#define BOX_W         17            /* a component's box on the canvas */
#define BOX_H         4
#define GRID_X        19            /* layer spacing: three layers fit 80 columns */
#define GRID_Y        5

enum mode {
    MODE_NORMAL,
    MODE_HELP,
    MODE_MENU,                      /* choose a kind to add */
    MODE_CONNECT,                   /* choose the target of a call */
    MODE_CONFIRM,                   /* y or n */
    MODE_COMMAND,                   /* the ':' line */
    MODE_FORM,                      /* edit the selected component */
    MODE_TOUR,                      /* a stage of the tour introduced */
    MODE_TRACE,                     /* the slowest traced request */
    MODE_REPORT,                    /* a challenge's grade, scrolled */
    MODE_CHALLENGES,                /* choose a challenge */
    MODE_FAIL,                      /* choose a failure to strike now */
    MODE_PEER,                      /* choose the other side of a
                                     * partition */
    MODE_LOG,                       /* the whole event log, scrolled */
};

enum confirm_action { CONFIRM_DELETE, CONFIRM_QUIT, CONFIRM_OPEN };

/* Whether the objectives held at the last measured step. */
enum verdict { VERDICT_NONE, VERDICT_HOLDS, VERDICT_BROKEN };

/* What the event log told during a held interval, for its mark on the
 * time axis: something went wrong, something came back, or both. */
enum { MARK_WRONG = 1, MARK_BACK = 2 };

/* One interval measured while holding the users. */
struct hold_point {
    struct timeline_row row;        /* holds: as the status line judged */
    int64_t p95;                    /* ns, of the requests answered */
    unsigned marks;                 /* MARK_* of the events logged in it */
    sim_ns marked_at;               /* when the first of them happened */
};

/* The live simulation of the current design. */
struct live {
    struct sim *sim;                /* NULL until the first step */
    struct scenario design;         /* the engine's own copy: edits to
                                     * app->sc never change it under it */
    struct step_run run;
    bool stepping;                  /* a step is being measured */
    bool running;                   /* go on to the next step when done */
    bool one_step;                  /* stop after the current step */
    double users;                   /* the step being measured, or last */
    int nhist;
    struct step_result hist[MAX_HISTORY];   /* comps owned per entry */
    int ncomps_hist;                /* components when hist was taken */
    int first_broken;               /* index in hist, or -1 */
    enum verdict verdict;           /* the event log tells its changes */
    struct trace *traces;           /* the last step's traced requests */
    int ntraces;
    double capacity;
    double step_started_ms;         /* wall clock, for pacing; in hold,
                                     * when the interval began */
    /* Hold: the users stay, intervals of simulated time are measured one
     * after another; running says whether it goes on or is paused. */
    bool holding;
    bool hold_wait;                 /* an interval was measured: the next
                                     * waits for its turn (pacing) */
    sim_ns hold_end;                /* simulated end of the interval */
    unsigned hold_marks;            /* MARK_* logged in it so far */
    sim_ns hold_marked_at;          /* when the first of them happened */
    int nhold;
    struct hold_point hold[MAX_HOLD];   /* oldest first */
    struct step_result hold_step;   /* the last interval as a step, for the
                                     * boxes, panel and status; comps and
                                     * attr owned */
    bool hold_measured;             /* hold_step holds an interval */
};

/* A running ramp takes at least this long per step, so that a person
 * can watch the figures move; measuring itself is usually faster. */
#define MIN_STEP_MS 350.0

/* Holding measures intervals of HOLD_INTERVAL of simulated time, each
 * shown for at least MIN_HOLD_MS: four simulated seconds go by in one of
 * wall time when the engine keeps up. */
#define HOLD_INTERVAL   NS_PER_S
#define MIN_HOLD_MS     250.0

struct challenge;

struct undo_stack {
    struct scenario *items;
    int n, cap;
};

struct form {
    int comp;
    int row, top;                   /* selected row, first row shown */
    int nrows;
    int fields[64];                 /* indexes into scenario_fields */
    bool editing;
    char buf[256];
    char error[512];
};

struct app {
    struct scenario sc;
    char path[1024];                /* file it came from or goes to */
    bool dirty;                     /* changes not exported */
    struct undo_stack undo, redo;
    struct live live;

    int sel;                        /* selected component, -1 if none */
    int connect_from;               /* the caller, or the box a partition
                                     * cuts off */
    enum mode mode;
    enum confirm_action confirm;
    char confirm_text[NAME_BYTES + 128];
    char pending_path[1024];
    int menu_row;
    struct form form;
    char cmd[1280];
    size_t cmd_len;
    char message[512];              /* one line under the diagram */
    bool message_is_error;

    char log[MAX_LOG][LOG_BYTES];
    int nlog;

    struct store_run baseline;      /* a stored run drawn beside */
    bool has_baseline;

    int view_x, view_y;             /* canvas scroll */
    bool quit;
    bool unicode;
    bool color;
    bool mouse;
    int moving;                     /* box of the last move, or -1 */
    int tour;                       /* stage of the tour, 0 if none */
    struct challenge *challenge;    /* being practised, or NULL; owned */
    double practice_began;          /* wall clock, seconds */
    int hints;
    char *report;                   /* the last grade as text; owned */
    char **choices;                 /* the challenge menu's lines; owned */
    int nchoices;
    bool stop_at_knee;              /* pause at the first broken step */
    int help_top;                   /* first help line shown */
    int log_back;                   /* log overlay: lines scrolled back
                                     * from the newest */
    int drag_comp;                  /* box being dragged, or -1 */
    int drag_dx, drag_dy;
};

/* --- app.c --------------------------------------------------------------- */

/* Whether path is one of the scenarios archsim ships. */
bool app_is_shipped(const char *path);

/* A monotonic clock in milliseconds, for pacing and timers. */
double app_now_ms(void);

int app_load(struct app *app, const char *path, char *err, size_t errlen);

/* Make sc (which the app now owns) the design, from path (NULL: none):
 * laid out, with no history, undo or results. */
void app_adopt(struct app *app, struct scenario *sc, const char *path);
void app_free(struct app *app);
void app_log(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void app_message(struct app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* --- edit.c: every change goes through here, for undo. ------------------ */

/* Save the design before a change; then change app->sc and call
 * edit_commit(), which validates and rebuilds the simulation, or
 * edit_cancel() to go back. */
void edit_begin(struct app *app);
bool edit_commit(struct app *app, const char *what);
void edit_cancel(struct app *app);
bool edit_undo(struct app *app);
bool edit_redo(struct app *app);
void edit_clear_history(struct app *app);

int edit_add(struct app *app, enum comp_kind kind, const char *name);
bool edit_connect(struct app *app, int from, int to);
bool edit_disconnect(struct app *app, int from, int to);
bool edit_delete(struct app *app, int comp);
bool edit_set(struct app *app, int comp, const char *key, const char *value);
/* Move a box to (x, y) unless another is there; false if not moved. */
bool edit_move(struct app *app, int comp, int x, int y);

/* Move a box one step, hopping over any box in the way. */
void edit_step_move(struct app *app, int comp, int dx, int dy);

/* Apply the advisor's first remedy for the last measured step. */
bool edit_apply_advice(struct app *app);

/* Set a scenario-wide setting ("objectives.budget", "entry", ...). */
bool edit_set_top(struct app *app, const char *key, const char *value);

/* --- live.c -------------------------------------------------------------- */

void live_reset(struct app *app);           /* design changed: new engine */
void live_clear(struct app *app);           /* forget results, users = 1 */
void live_set_users(struct app *app, double users);
void live_step_up(struct app *app, int steps);
/* Hold users (0: the current count, or the ramp's target before any
 * step) and measure second by second; a running hold goes on until a
 * step is asked for. False, with the reason on the message line, when
 * nothing can run. */
bool live_hold(struct app *app, double users);
/* Run for at most budget_ms of wall time; returns true if anything ran. */
bool live_tick(struct app *app, double budget_ms);
/* The last figures measured: the last held interval while holding,
 * else the last step; NULL before any. */
const struct step_result *live_last(const struct app *app);

/* How long a failure chosen in the failure menu lasts. */
#define MENU_FAIL_DURATION (30 * NS_PER_S)

/* The longest failure ':fail' accepts: what a scenario file's failure
 * may last (its "for"). */
#define FAIL_MAX_DURATION (30 * 86400 * NS_PER_S)

/* Whether a failure can strike now: false, saying why, before the
 * first step. */
bool live_can_fail(struct app *app);

/* A failure to strike now, as ':fail' or the failure menu asks for it. */
struct fail_request {
    const char *target;             /* component, or region; NULL for a
                                     * spike, which strikes the users */
    const char *peer;               /* partition: the other side */
    int kind;                       /* enum failure_kind; -1: the usual
                                     * one for the target's kind */
    double factor;                  /* slow, region-latency, spike; 0: the
                                     * default, 3 (2 for a spike) */
    sim_ns duration;
};

/* Strike the running simulation now with rq; false (with the reason on
 * the message line) when rq names no such thing or nothing runs yet. */
bool live_fail(struct app *app, const struct fail_request *rq);

/* What a failure in force in the live simulation does to st (which may
 * be NULL), as a line for the advisor, e.g. "web: instance failure in
 * force since t=213s; the errors are its effect, no remedy proposed";
 * also when st's errors are mostly "no backend" or "unreachable". False,
 * with buf untouched, when nothing is failing. */
bool live_failing(const struct app *app, const struct step_result *st,
                  char *buf, size_t len);

/* The failures that strike a component of kind, its usual one first;
 * returns how many were put in out (FAIL_KIND_COUNT at most). */
int live_fail_choices(enum comp_kind kind, enum failure_kind *out);

/* A few words on what failure kind does, for the failure menu. */
const char *live_fail_help(enum failure_kind kind);

/* --- store_ui.c: saved work ------------------------------------------- */

/* The user's database (ARCHSIM_DB, XDG_DATA_HOME or ~/.local/share),
 * opened; NULL with the reason on the message line. Close it after use. */
struct store *store_ui_db(struct app *app);

/* Save the design in the user's database as name (or its own name);
 * replace says whether one of that name may be overwritten. */
void store_ui_save(struct app *app, const char *name, bool replace);

/* Draw stored run id (text) beside the live curves; "off" clears it. */
void store_ui_baseline(struct app *app, const char *id);
void store_ui_free(struct app *app);

/* Open the saved scenario called name; false (with a message) if none. */
bool store_ui_open(struct app *app, const char *name);

/* Keep a ramp run from its first step to its last as a stored run. */
void store_ui_save_ramp(struct app *app);

/* --- tour.c ------------------------------------------------------------- */

bool tour_open(struct app *app, int stage);
void tour_begin_ramp(struct app *app);
const char *tour_title(int stage);
const char *tour_line(int stage, int i);

/* --- practice_ui.c ------------------------------------------------------ */

bool practice_start(struct app *app, const char *name);
void practice_hint(struct app *app);
void practice_submit(struct app *app);
double practice_elapsed(const struct app *app);
void practice_free(struct app *app);
void practice_menu(struct app *app);
void practice_choose(struct app *app);
void practice_menu_free(struct app *app);

/* --- layout.c ------------------------------------------------------------ */

void layout_auto(struct scenario *sc);      /* place every unplaced box */
void layout_free_spot(const struct scenario *sc, int near, int *x, int *y);
int layout_hit(const struct scenario *sc, int x, int y);
int layout_neighbour(const struct scenario *sc, int from, int dx, int dy);

/* --- command.c ----------------------------------------------------------- */

void command_run(struct app *app, const char *line);
void command_complete(struct app *app);

/* --- input.c ------------------------------------------------------------- */

void input_key(struct app *app, int key);
void input_show_log(struct app *app);
void input_ask_delete(struct app *app, int comp);
void input_ask_quit(struct app *app);

/* --- draw.c -------------------------------------------------------------- */

void draw_screen(struct app *app);

/* The help overlay's lines: every key and ':' command (also read by the
 * test that checks archsim(1) documents them all). */
extern const char *const help_lines[];
extern const int help_nlines;

#endif
