#ifndef PHASE_GOLEM_CNCURSES_SHIM_H
#define PHASE_GOLEM_CNCURSES_SHIM_H

/* The wide-character API (cchar_t, setcchar, wget_wch) is only declared when
   NCURSES_WIDECHAR is set; SwiftPM drops pkg-config's -D_XOPEN_SOURCE flags. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Globals and function-like macros Swift 6 cannot import or rejects as
   shared mutable state: expose them through functions. */
static inline WINDOW *pg_stdscr(void) { return stdscr; }
static inline FILE *pg_stdin(void) { return stdin; }
static inline FILE *pg_stdout(void) { return stdout; }
static inline int pg_lines(void) { return LINES; }
static inline int pg_cols(void) { return COLS; }
static inline int pg_colors(void) { return COLORS; }
static inline int pg_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t pg_a_normal(void) { return A_NORMAL; }
static inline attr_t pg_a_bold(void) { return A_BOLD; }
static inline attr_t pg_a_dim(void) { return A_DIM; }
static inline attr_t pg_a_reverse(void) { return A_REVERSE; }
static inline attr_t pg_a_underline(void) { return A_UNDERLINE; }
static inline attr_t pg_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline const char *pg_codeset(void) { return nl_langinfo(CODESET); }

#endif
