/*
 * screen.c - glyphs, tones and cell-width text for the interface.
 */
#include <ncurses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "screen.h"

struct glyphs G;
static bool utf8;
static bool have_color;

static const struct glyphs unicode_glyphs = {
    "─", "│", "┌", "┐", "└", "┘",
    {" ", "│", "│", "│", "─", "┘", "┐", "┤",
     "─", "└", "┌", "├", "─", "┴", "┬", "┼"},
    "▶", "█", "░",
    {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"},
    "…",
};

static const struct glyphs ascii_glyphs = {
    "-", "|", "+", "+", "+", "+",
    {" ", "|", "|", "|", "-", "+", "+", "+",
     "-", "+", "+", "+", "-", "+", "+", "+"},
    ">", "#", ".",
    {"_", ".", ":", "-", "=", "+", "*", "#"},
    "~",
};

void screen_init_glyphs(bool unicode)
{
    utf8 = unicode;
    G = unicode ? unicode_glyphs : ascii_glyphs;
}

void screen_init_colors(bool color)
{
    have_color = color && has_colors();
    if (!have_color)
        return;
    start_color();
    use_default_colors();
    init_pair(TONE_CALM, COLOR_GREEN, -1);
    init_pair(TONE_BUSY, COLOR_YELLOW, -1);
    init_pair(TONE_HOT, COLOR_RED, -1);
    init_pair(TONE_SELECT, COLOR_CYAN, -1);
    init_pair(TONE_BAR, COLOR_BLACK, COLOR_CYAN);
    init_pair(TONE_DIM, COLOR_BLUE, -1);
}

int screen_attr(enum tone tone)
{
    if (!have_color) {
        switch (tone) {
        case TONE_HOT:
        case TONE_SELECT:
            return A_BOLD;
        case TONE_BAR:
            return A_REVERSE;
        case TONE_DIM:
            return A_DIM;
        default:
            return A_NORMAL;
        }
    }
    if (tone == TONE_PLAIN)
        return A_NORMAL;
    if (tone == TONE_HOT || tone == TONE_SELECT)
        return COLOR_PAIR(tone) | A_BOLD;
    return COLOR_PAIR(tone);
}

enum tone tone_of_util(double util)
{
    if (util >= 0.85)
        return TONE_HOT;
    if (util >= 0.6)
        return TONE_BUSY;
    return TONE_CALM;
}

/* The next character of s: its byte length and cell width. Bytes that
 * are not valid UTF-8 (or any non-ASCII byte outside a UTF-8 locale)
 * count as one cell each and are shown as '?'. */
static size_t next_char(const char *s, int *width, bool *shown)
{
    mbstate_t st;
    wchar_t wc;
    size_t len;

    *shown = true;
    if ((unsigned char)*s < 0x80) {
        *width = (unsigned char)*s < 0x20 ? 1 : 1;
        *shown = (unsigned char)*s >= 0x20;
        return 1;
    }
    if (!utf8) {
        *width = 1;
        *shown = false;
        return 1;
    }
    memset(&st, 0, sizeof st);
    len = mbrtowc(&wc, s, MB_CUR_MAX, &st);
    if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
        *width = 1;
        *shown = false;
        return 1;
    }
    *width = wcwidth(wc);
    if (*width < 0) {
        *width = 1;
        *shown = false;
    }
    return len;
}

int text_width(const char *s)
{
    int total = 0;

    while (*s) {
        int w;
        bool shown;

        s += next_char(s, &w, &shown);
        total += w;
    }
    return total;
}

size_t byte_offset(const char *s, int cols)
{
    const char *p = s;
    int used = 0;

    while (*p) {
        int w;
        bool shown;
        size_t len = next_char(p, &w, &shown);

        if (used + w > cols)
            break;
        used += w;
        p += len;
    }
    return (size_t)(p - s);
}

int put_text(int y, int x, const char *s, int cols)
{
    int used = 0;

    move(y, x);
    while (*s && used < cols) {
        int w;
        bool shown;
        size_t len = next_char(s, &w, &shown);

        if (used + w > cols)
            break;                  /* a wide character that does not fit */
        if (shown)
            addnstr(s, (int)len);
        else
            addch('?');
        used += w;
        s += len;
    }
    return used;
}

int put_name(int y, int x, const char *s, int cols)
{
    int room = cols - 1, used;      /* a cell for the ellipsis */

    if (cols <= 0)
        return 0;
    if (text_width(s) <= cols)
        return put_text(y, x, s, cols);
    /* A wide character that does not fit before the ellipsis is left
     * out whole: the ellipsis then follows a shorter name. */
    used = put_text(y, x, s, room);
    addstr(G.ellipsis);
    return used + 1;
}

int put_fmt(int y, int x, int cols, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return put_text(y, x, buf, cols);
}

void put_blank(int y, int x, int cols)
{
    move(y, x);
    for (int i = 0; i < cols; i++)
        addch(' ');
}
