// ncursesw for Swift: the wide-character API switched on, and the macros and
// globals Swift cannot see (or, in Swift 6, may not touch) wrapped as functions.
#ifndef PALAVER_CNCURSESW_SHIM_H
#define PALAVER_CNCURSESW_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <ncursesw/curses.h>

// Swift's Glibc module hides wcwidth.
int wcwidth(wchar_t c);

static inline int palaver_lines(void) { return LINES; }
static inline int palaver_cols(void) { return COLS; }
static inline int palaver_colors(void) { return COLORS; }
static inline int palaver_color_pairs(void) { return COLOR_PAIRS; }
static inline void palaver_set_escdelay(int ms) { set_escdelay(ms); }

static inline attr_t palaver_a_bold(void) { return A_BOLD; }
static inline attr_t palaver_a_dim(void) { return A_DIM; }
static inline attr_t palaver_a_italic(void) { return A_ITALIC; }
static inline attr_t palaver_a_underline(void) { return A_UNDERLINE; }
static inline attr_t palaver_a_reverse(void) { return A_REVERSE; }
static inline attr_t palaver_a_normal(void) { return A_NORMAL; }

static inline int palaver_key_code_yes(void) { return KEY_CODE_YES; }
static inline int palaver_key_resize(void) { return KEY_RESIZE; }
static inline int palaver_key_mouse(void) { return KEY_MOUSE; }

static inline mmask_t palaver_mouse_mask_wanted(void) {
    return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
static inline mmask_t palaver_button1(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_RELEASED; }
static inline mmask_t palaver_button4(void) { return BUTTON4_PRESSED; }
static inline mmask_t palaver_button5(void) { return BUTTON5_PRESSED; }

// Writes n wide characters at (y, x) with attributes and an extended colour pair.
static inline int palaver_put(WINDOW *win, int y, int x, const wchar_t *text, int n, attr_t attrs, int pair) {
    wattr_set(win, attrs, (short)(pair < 32767 ? pair : 0), &pair);
    return mvwaddnwstr(win, y, x, text, n);
}

#endif
