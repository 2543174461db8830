#ifndef CNCURSESW_H
#define CNCURSESW_H

// Wide-character ncurses must be requested before the header is read; SwiftPM drops
// pkg-config's -D flags, so the shim defines them itself.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <ncursesw/curses.h>

// Swift 6 rejects ncurses' globals as shared mutable state and cannot import its macros,
// so each is wrapped in a prefixed function.
WINDOW *cncurses_stdscr(void);
int cncurses_lines(void);
int cncurses_cols(void);
int cncurses_color_pairs(void);
int cncurses_colors(void);
attr_t cncurses_a_bold(void);
attr_t cncurses_a_reverse(void);
attr_t cncurses_a_underline(void);
attr_t cncurses_a_dim(void);
attr_t cncurses_a_normal(void);
int cncurses_key_resize(void);
int cncurses_key_f(int n);
int cncurses_getmaxy(void);
int cncurses_getmaxx(void);
/// Sets the locale from the environment; returns 1 when the codeset is UTF-8.
int cncurses_setlocale_utf8(void);

// The terminal session. All of these must be called from one thread.

/// Starts ncurses on the controlling terminal (stdin/stdout) without exiting the process on failure, as
/// initscr would: cbreak, noecho, nonl, keypad, no cursor, a short Esc delay. Colours are started when
/// want_color is non-zero and the terminal has them. Returns -1 on failure, 1 with colours, 0 without.
int cncurses_start(int want_color);
/// endwin; safe to call when not started or already stopped.
void cncurses_stop(void);
/// Whether cncurses_start succeeded and cncurses_stop has not run since.
int cncurses_is_active(void);
/// The window's current size.
void cncurses_size(int *rows, int *cols);
/// Defines colour pair `pair` (fg/bg are COLOR_* values or -1 for the default). Returns ERR or OK.
int cncurses_init_pair(int pair, int fg, int bg);
/// Writes a UTF-8 string at (y, x) with attribute bits (1 bold, 2 dim, 4 reverse, 8 underline) and a
/// colour pair.
void cncurses_put(int y, int x, const char *utf8, int attribute_bits, int pair);
/// Erases the screen and makes the next refresh repaint all of it.
void cncurses_clear(void);
/// Sends pending output to the terminal.
void cncurses_refresh(void);
/// Waits up to timeout_ms (negative: forever) for input. Returns 0 for none, 1 for a character (its
/// code point in *value), 2 for a function key (its KEY_* code in *value).
int cncurses_read(int timeout_ms, unsigned int *value);

// Key codes, wrapped so Swift does not depend on how the octal macros import.
int cncurses_key_up(void);
int cncurses_key_down(void);
int cncurses_key_left(void);
int cncurses_key_right(void);
int cncurses_key_ppage(void);
int cncurses_key_npage(void);
int cncurses_key_home(void);
int cncurses_key_end(void);
int cncurses_key_enter(void);
int cncurses_key_backspace(void);
int cncurses_key_dc(void);
int cncurses_key_btab(void);

#endif
