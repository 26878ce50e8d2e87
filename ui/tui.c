/*
 * tui.c - starting and leaving the interface, and its loop: keys are read
 * between slices of simulation, the screen is redrawn several times a
 * second while a ramp runs, and the terminal is put back as it was on
 * quit, Ctrl-C, SIGTERM, SIGHUP and on a crash.
 */
#include <langinfo.h>
#include <ncurses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "screen.h"
#include "tui.h"

#define EXIT_NOTERM 69              /* EX_UNAVAILABLE */
#define EXIT_DATAERR 65
#define SLICE_MS 40.0               /* simulation between two key checks */
#define REDRAW_MS 150.0

static volatile sig_atomic_t stop_signal;
static struct termios saved_termios;
static bool termios_saved;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* On a crash: leave the alternate screen, show the cursor, put the
 * terminal's modes back, then die of the same signal. Only
 * async-signal-safe calls here. */
static void on_crash(int sig)
{
    static const char reset[] = "\033[?1003l\033[?1000l\033[?1049l\033[?25h"
                                "\033[0m\r\n";

    if (write(STDOUT_FILENO, reset, sizeof reset - 1) < 0) {
        /* nothing more can be done */
    }
    if (termios_saved)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
}

/* Why this terminal cannot run the interface, or NULL when it can. */
static const char *terminal_problem(void)
{
    const char *term = getenv("TERM");

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return "the interface needs a terminal";
    if (!term || !*term)
        return "TERM is not set";
    if (strcmp(term, "dumb") == 0)
        return "this terminal (TERM=dumb) cannot move the cursor";
    return NULL;
}

static void say_no_terminal(const char *why)
{
    fprintf(stderr, "archsim: %s; for figures without one, use "
                    "'archsim run FILE'\n", why);
}

static bool start_curses(struct app *app)
{
    const char *no_color = getenv("NO_COLOR");

    if (tcgetattr(STDIN_FILENO, &saved_termios) == 0)
        termios_saved = true;
    if (!newterm(NULL, stdout, stdin))
        return false;
    if (tigetstr("cup") == NULL || tigetstr("cup") == (char *)-1) {
        endwin();
        return false;
    }
    app->unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    app->color = !(no_color && *no_color);
    screen_init_glyphs(app->unicode);
    screen_init_colors(app->color);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mouseinterval(0);
    app->mouse = mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED |
                           REPORT_MOUSE_POSITION, NULL) != 0;
    return true;
}

/* Read every key waiting, waiting at most wait_ms for the first. */
static bool read_keys(struct app *app, int wait_ms)
{
    bool any = false;
    int key;

    timeout(wait_ms);
    while ((key = getch()) != ERR) {
        if (key == '\r')
            key = '\n';
        if (key != KEY_RESIZE)
            input_key(app, key);
        any = true;
        timeout(0);
        if (app->quit)
            break;
    }
    return any;
}

/* Ctrl-C with unsaved changes asks, as q does; a second Ctrl-C, or
 * SIGTERM and SIGHUP, end at once. Returns true to go on. */
static bool handle_signal(struct app *app, bool *asked)
{
    if (!stop_signal)
        return true;
    if (stop_signal == SIGINT && app->dirty && !*asked) {
        *asked = true;
        stop_signal = 0;
        input_ask_quit(app);
        app_message(app, false, "quit without exporting your changes? "
                    "(y/n; Ctrl-C again quits)");
        return true;
    }
    return false;
}

static void loop(struct app *app)
{
    double last_draw = 0;
    bool dirty = true, asked = false;

    while (!app->quit && handle_signal(app, &asked)) {
        bool busy = app->live.running || app->live.stepping;
        double now;

        if (dirty || (busy && app_now_ms() - last_draw >= REDRAW_MS)) {
            draw_screen(app);
            last_draw = app_now_ms();
            dirty = false;
        }
        dirty = read_keys(app, busy ? 5 : 100);
        if (busy && (app->live.running || app->live.one_step ||
                     !app->live.stepping))
            live_tick(app, SLICE_MS);
        now = app_now_ms();
        if (busy && now - last_draw >= REDRAW_MS)
            dirty = true;
        if (busy != (app->live.running || app->live.stepping))
            dirty = true;
    }
}

static void app_init(struct app *app)
{
    memset(app, 0, sizeof *app);
    scenario_init(&app->sc);
    app->sel = -1;
    app->drag_comp = -1;
    app->live.first_broken = -1;
}

static int run_interface(const char *path, bool tour);

int tui_main(const char *path)
{
    return run_interface(path, false);
}

int tui_tour(void)
{
    return run_interface(NULL, true);
}

static int run_interface(const char *path, bool tour)
{
    static struct app app;
    const char *why = terminal_problem();
    char err[2048];

    if (why) {
        say_no_terminal(why);
        return EXIT_NOTERM;
    }
    app_init(&app);
    if (tour && !tour_open(&app, 1)) {
        fprintf(stderr, "archsim: %s\n", app.message);
        app_free(&app);
        return EXIT_DATAERR;
    }
    if (!tour && app_load(&app, path, err, sizeof err) < 0) {
        fprintf(stderr, "archsim: %s\n", err);
        app_free(&app);
        return EXIT_DATAERR;
    }
    catch_signals();
    if (!start_curses(&app)) {
        say_no_terminal("this terminal cannot run the interface");
        app_free(&app);
        return EXIT_NOTERM;
    }
    if (!tour)
        app_message(&app, false, "space runs the ramp, ? lists the keys");
    loop(&app);
    endwin();
    app_free(&app);
    return stop_signal ? 128 + stop_signal : 0;
}
