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

static SCREEN *session = NULL;
// Without use_default_colors, -1 is not a valid colour: fall back to white on black.
static int default_colors = 0;

int cncurses_start(int want_color) {
    if (session != NULL) return has_colors() ? 1 : 0;
    session = newterm(NULL, stdout, stdin);
    if (session == NULL) return -1;
    set_term(session);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    if (want_color && has_colors() && start_color() == OK) {
        default_colors = use_default_colors() == OK;
        return 1;
    }
    return 0;
}

void cncurses_stop(void) {
    if (session == NULL) return;
    curs_set(1);
    endwin();
    delscreen(session);
    session = NULL;
}

int cncurses_is_active(void) { return session != NULL; }

void cncurses_size(int *rows, int *cols) {
    int y, x;
    getmaxyx(stdscr, y, x);
    *rows = y;
    *cols = x;
}

int cncurses_init_pair(int pair, int fg, int bg) {
    if (!default_colors) {
        if (fg < 0) fg = COLOR_WHITE;
        if (bg < 0) bg = COLOR_BLACK;
    }
    return init_pair((short)pair, (short)fg, (short)bg);
}

void cncurses_put(int y, int x, const char *utf8, int attribute_bits, int pair) {
    attr_t attrs = A_NORMAL;
    if (attribute_bits & 1) attrs |= A_BOLD;
    if (attribute_bits & 2) attrs |= A_DIM;
    if (attribute_bits & 4) attrs |= A_REVERSE;
    if (attribute_bits & 8) attrs |= A_UNDERLINE;
    attr_set(attrs, (short)pair, NULL);
    mvaddstr(y, x, utf8);
}

void cncurses_clear(void) { clear(); }

void cncurses_refresh(void) { refresh(); }

int cncurses_read(int timeout_ms, unsigned int *value) {
    wint_t ch = 0;
    timeout(timeout_ms);
    int result = get_wch(&ch);
    *value = (unsigned int)ch;
    if (result == KEY_CODE_YES) return 2;
    if (result == OK) return 1;
    return 0;
}

int cncurses_key_up(void) { return KEY_UP; }
int cncurses_key_down(void) { return KEY_DOWN; }
int cncurses_key_left(void) { return KEY_LEFT; }
int cncurses_key_right(void) { return KEY_RIGHT; }
int cncurses_key_ppage(void) { return KEY_PPAGE; }
int cncurses_key_npage(void) { return KEY_NPAGE; }
int cncurses_key_home(void) { return KEY_HOME; }
int cncurses_key_end(void) { return KEY_END; }
int cncurses_key_enter(void) { return KEY_ENTER; }
int cncurses_key_backspace(void) { return KEY_BACKSPACE; }
int cncurses_key_dc(void) { return KEY_DC; }
int cncurses_key_btab(void) { return KEY_BTAB; }
