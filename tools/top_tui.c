// SPDX-License-Identifier: GPL-2.0
/*
 * ipcscope top's live view: an ncurses table redrawn every interval, and
 * the keys of top(1): a letter sorts by its column, < and > move the sort
 * column, R reverses, i hides idle rows, space pauses, / (or f) filters by
 * command name, q quits.
 *
 * Built with -DIPCS_NO_CURSES (a static collector without static ncurses)
 * it is a stub that says the view is not there: batch mode still works.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "top.h"

#ifdef IPCS_NO_CURSES

int top_tui_check(struct ipcs_error *err)
{
	return ipcs_fail(err, IPCS_EXIT_FAIL,
			 "top: this collector is built without ncurses, so it has no terminal view; use batch mode (-b)");
}

int top_tui_open(struct top_tui **tui, struct ipcs_error *err)
{
	*tui = NULL;
	return top_tui_check(err);
}

void top_tui_close(struct top_tui *tui)
{
	(void)tui;
}

void top_tui_draw(struct top_tui *tui, struct top_frame *frame)
{
	(void)tui;
	(void)frame;
}

int top_tui_keys(struct top_tui *tui, bool *redraw)
{
	(void)tui;
	*redraw = false;
	return 1;
}

bool top_tui_paused(const struct top_tui *tui)
{
	(void)tui;
	return false;
}

void top_tui_settings(struct top_tui *tui, const struct top_opts *opts)
{
	(void)tui;
	(void)opts;
}

#else /* ncurses */

#include <curses.h>
#include <term.h>

/* The lines above the table: three of header, one of state, one blank. */
#define HEADER_LINES	5

struct top_tui {
	SCREEN *screen;
	enum top_sort sort;
	bool reverse;
	bool hide_idle;
	bool paused;
	unsigned int max_rows;		/* -r; 0: the screen's */
	char filter[16];		/* comm substring, "" for none */
	bool prompting;			/* typing a filter */
	char typed[16];
	struct top_frame *last;		/* what is on the screen */
};

int top_tui_check(struct ipcs_error *err)
{
	const char *term = getenv("TERM");
	int status = 0;

	if (!isatty(STDOUT_FILENO))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "top: stdout is not a terminal; use batch mode (-b)");
	if (setupterm(NULL, STDOUT_FILENO, &status) != OK)
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "top: cannot drive terminal '%s' (%s); use batch mode (-b)",
				 term ? term : "(TERM unset)",
				 status == 0 ? "no terminfo entry" :
				 "a hard-copy terminal");
	del_curterm(cur_term);
	return 0;
}

int top_tui_open(struct top_tui **tui, struct ipcs_error *err)
{
	struct top_tui *t;
	const char *term = getenv("TERM");

	*tui = NULL;
	if (!isatty(STDOUT_FILENO))
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "top: stdout is not a terminal; use batch mode (-b)");
	t = calloc(1, sizeof(*t));
	if (!t)
		return ipcs_fail(err, IPCS_EXIT_FAIL, "out of memory");
	/* newterm, not initscr: initscr exits the process on failure, with
	 * the probes still attached */
	t->screen = newterm(NULL, stdout, stdin);
	if (!t->screen) {
		free(t);
		return ipcs_fail(err, IPCS_EXIT_FAIL,
				 "top: cannot drive terminal '%s' (no terminfo entry?); use batch mode (-b)",
				 term ? term : "(TERM unset)");
	}
	cbreak();		/* keys at once; Ctrl-C stays a signal */
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	*tui = t;
	return 0;
}

void top_tui_close(struct top_tui *tui)
{
	if (!tui)
		return;
	endwin();
	delscreen(tui->screen);
	free(tui);
}

void top_tui_settings(struct top_tui *tui, const struct top_opts *opts)
{
	tui->sort = opts->sort;
	tui->reverse = opts->reverse;
	tui->hide_idle = opts->active_only;
	tui->max_rows = opts->max_rows;
}

bool top_tui_paused(const struct top_tui *tui)
{
	return tui->paused;
}

static bool shown(const struct top_tui *t, const struct top_row *r)
{
	return (!t->hide_idle || r->ops) && top_row_matches(r, t->filter);
}

static bool edge_shown(const struct top_tui *t, const struct top_edge *e)
{
	return (!t->hide_idle || e->ops) && top_edge_matches(e, t->filter);
}

/* Lines of the table's room the edges take (--peers): their titles and
 * rows, half the room at most when the rows want the rest. */
static int edge_room(const struct top_tui *t, const struct top_frame *f,
		     int room)
{
	int i, n = 0, want;

	if (!f->peers)
		return 0;
	for (i = 0; i < f->nedges; i++)
		n += edge_shown(t, &f->edges[i]);
	if (t->max_rows && n > (int)t->max_rows)
		n = t->max_rows;
	want = n + 2;			/* a blank line, the titles */
	if (want > room / 2)
		want = room / 2;
	return want < 3 && room >= 3 ? 3 : want;
}

/* The edge table from line @y, @room lines. */
static void draw_edges(struct top_tui *t, struct top_frame *f, int y,
		       int room)
{
	char line[512];
	int i, end = y + room;

	if (room < 3)
		return;
	top_sort_edges(f->edges, f->nedges, t->sort, t->reverse);
	top_format_edge_columns(line, sizeof(line));
	attron(A_REVERSE);
	mvaddnstr(y + 1, 0, line, COLS);
	for (i = strlen(line); i < COLS; i++)
		addch(' ');
	attroff(A_REVERSE);
	for (i = 0, y += 2; i < f->nedges && y < end; i++) {
		if (!edge_shown(t, &f->edges[i]))
			continue;
		top_format_edge(line, sizeof(line), &f->edges[i],
				f->interval_s);
		mvaddnstr(y++, 0, line, COLS);
	}
}

/* The state line: what the view does now, or the filter being typed. */
static void draw_state(struct top_tui *t)
{
	char line[256];

	move(3, 0);
	clrtoeol();
	if (t->prompting) {
		snprintf(line, sizeof(line),
			 "Filter by command name (Enter to apply, empty for all, Esc to cancel): %s",
			 t->typed);
		mvaddnstr(3, 0, line, COLS);
		return;
	}
	snprintf(line, sizeof(line),
		 "%s%s%s%s%s keys: o b t e p c T sort, < > column, R reverse, i idle, space pause, / filter, q quit",
		 t->paused ? "[PAUSED] " : "",
		 t->filter[0] ? "filter comm~" : "", t->filter,
		 t->filter[0] ? " " : "", t->hide_idle ? "idle hidden " : "");
	mvaddnstr(3, 0, line, COLS);
}

void top_tui_draw(struct top_tui *t, struct top_frame *frame)
{
	char head[3][256], line[512];
	int i, y, room, shown_n = 0, start, width, edges;

	if (frame)
		t->last = frame;
	frame = t->last;
	erase();
	if (!frame) {
		mvaddnstr(0, 0, "ipcscope top - reading the first interval ...",
			  COLS);
		draw_state(t);
		refresh();
		return;
	}
	top_sort_rows(frame->rows, frame->n, t->sort, t->reverse);
	room = LINES - HEADER_LINES;
	edges = edge_room(t, frame, room);
	room -= edges;
	if (t->max_rows && (int)t->max_rows < room)
		room = t->max_rows;
	for (i = 0; i < frame->n; i++)
		shown_n += shown(t, &frame->rows[i]);
	if (shown_n > room)
		shown_n = room > 0 ? room : 0;
	top_format_header(head, frame, shown_n, t->sort, t->reverse);
	for (i = 0; i < 3; i++)
		mvaddnstr(i, 0, head[i], COLS);
	draw_state(t);
	top_format_columns(line, sizeof(line));
	/* the titles in reverse video, the sort column's in bold too */
	attron(A_REVERSE);
	mvaddnstr(HEADER_LINES - 1, 0, line, COLS);
	for (i = strlen(line); i < COLS; i++)
		addch(' ');
	top_sort_column(t->sort, &start, &width);
	if (start < COLS)
		mvchgat(HEADER_LINES - 1, start, width, A_REVERSE | A_BOLD |
			A_UNDERLINE, 0, NULL);
	attroff(A_REVERSE);
	for (i = 0, y = HEADER_LINES; i < frame->n && y - HEADER_LINES < room;
	     i++) {
		if (!shown(t, &frame->rows[i]))
			continue;
		top_format_row(line, sizeof(line), &frame->rows[i],
			       frame->interval_s);
		mvaddnstr(y++, 0, line, COLS);
	}
	draw_edges(t, frame, y, edges);
	refresh();
}

/* A key while the filter is being typed. */
static void prompt_key(struct top_tui *t, int c)
{
	size_t len = strlen(t->typed);

	switch (c) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		memcpy(t->filter, t->typed, sizeof(t->filter));
		t->prompting = false;
		return;
	case 27:			/* Esc */
		t->prompting = false;
		return;
	case KEY_BACKSPACE:
	case 127:
	case '\b':
		if (len)
			t->typed[len - 1] = '\0';
		return;
	}
	if (c >= 0 && c < 256 && isprint(c) && len + 1 < sizeof(t->typed)) {
		t->typed[len] = c;
		t->typed[len + 1] = '\0';
	}
}

int top_tui_keys(struct top_tui *t, bool *redraw)
{
	int c;

	*redraw = false;
	while ((c = getch()) != ERR) {
		*redraw = true;
		if (t->prompting) {
			prompt_key(t, c);
			continue;
		}
		switch (c) {
		case 'q':
		case 'Q':
			return 1;
		case 'o':
			t->sort = TOP_SORT_OPS;
			break;
		case 'b':
			t->sort = TOP_SORT_BYTES;
			break;
		case 't':
			t->sort = TOP_SORT_BLOCKED;
			break;
		case 'e':
			t->sort = TOP_SORT_ERRORS;
			break;
		case 'p':
			t->sort = TOP_SORT_PID;
			break;
		case 'c':
			t->sort = TOP_SORT_COMM;
			break;
		case 'T':
			t->sort = TOP_SORT_TOTAL;
			break;
		case '<':
			if (t->sort > 0)
				t->sort--;
			break;
		case '>':
			if (t->sort < TOP_NSORTS - 1)
				t->sort++;
			break;
		case 'R':
			t->reverse = !t->reverse;
			break;
		case 'i':
			t->hide_idle = !t->hide_idle;
			break;
		case ' ':
			t->paused = !t->paused;
			break;
		case '/':
		case 'f':
			t->prompting = true;
			memcpy(t->typed, t->filter, sizeof(t->typed));
			break;
		case KEY_RESIZE:
		default:
			break;
		}
	}
	return 0;
}

#endif /* IPCS_NO_CURSES */
