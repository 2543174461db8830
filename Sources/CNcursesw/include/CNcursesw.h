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

#endif
