#include "CNcursesw.h"
#include <langinfo.h>
#include <string.h>

WINDOW *cncurses_stdscr(void) { return stdscr; }
int cncurses_lines(void) { return LINES; }
int cncurses_cols(void) { return COLS; }
int cncurses_color_pairs(void) { return COLOR_PAIRS; }
int cncurses_colors(void) { return COLORS; }
attr_t cncurses_a_bold(void) { return A_BOLD; }
attr_t cncurses_a_reverse(void) { return A_REVERSE; }
attr_t cncurses_a_underline(void) { return A_UNDERLINE; }
attr_t cncurses_a_dim(void) { return A_DIM; }
attr_t cncurses_a_normal(void) { return A_NORMAL; }
int cncurses_key_resize(void) { return KEY_RESIZE; }
int cncurses_key_f(int n) { return KEY_F(n); }
int cncurses_getmaxy(void) { int y, x; getmaxyx(stdscr, y, x); (void)x; return y; }
int cncurses_getmaxx(void) { int y, x; getmaxyx(stdscr, y, x); (void)y; return x; }
int cncurses_setlocale_utf8(void) {
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}
