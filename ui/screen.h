/*
 * screen.h - drawing helpers over ncurses: glyphs that fall back to
 * ASCII when the locale is not UTF-8, colours that fall back to
 * attributes, and text measured in terminal cells rather than bytes.
 */
#ifndef ARCHSIM_SCREEN_H
#define ARCHSIM_SCREEN_H

#include <stdbool.h>

#define MIN_COLS 60
#define MIN_ROWS 18

enum tone { TONE_PLAIN, TONE_CALM, TONE_BUSY, TONE_HOT, TONE_SELECT,
            TONE_BAR, TONE_DIM };

struct glyphs {
    const char *h, *v, *tl, *tr, *bl, *br;
    const char *lines[16];          /* by mask: up 1, down 2, left 4,
                                     * right 8 */
    const char *arrow;
    const char *full, *empty;
    const char *spark[8];
    const char *ellipsis;
};

extern struct glyphs G;

void screen_init_glyphs(bool unicode);
void screen_init_colors(bool color);

/* Attributes for a tone (colour when there is colour, else bold/dim). */
int screen_attr(enum tone tone);
enum tone tone_of_util(double util);

/* Display width of UTF-8 text, in terminal cells. */
int text_width(const char *s);

/* Write s at (y, x) in at most cols cells, never splitting a character;
 * returns the cells written. */
int put_text(int y, int x, const char *s, int cols);

/* Like put_text, but a name too wide for cols ends with an ellipsis
 * ("~" without UTF-8), so two names cut alike never look the same. */
int put_name(int y, int x, const char *s, int cols);

/* printf into at most cols cells at (y, x). */
int put_fmt(int y, int x, int cols, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The byte offset in s after its first cols cells. */
size_t byte_offset(const char *s, int cols);

/* Fill cols cells at (y, x) with spaces. */
void put_blank(int y, int x, int cols);

#endif
