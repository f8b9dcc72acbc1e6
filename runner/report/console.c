/* SPDX-License-Identifier: MIT */
/*
 * runner/report/console.c - what people see while and after tests run.
 *
 * On a terminal: one progress line (done/total, elapsed, counts so far,
 * running tests), redrawn in place and never wider than the terminal.
 * Elsewhere (CI, pipes): one plain line per finished test that did not
 * pass, never a carriage return, so logs stay readable.  Status words are
 * right-aligned in one column (nextest's layout); a retried test shows a
 * "TRY n" line per attempt and ends FLAKY n/m or with its last try.
 * After the run: each test that did not meet its expectation with its
 * message and the tail of its output (-q: one line each), the slowest
 * tests when some were slow (or --durations N asks), and last, alone on
 * its line, the one summary whose numbers add up to the tests run:
 * `N tests in T: N passed, N failed, N skipped[, N expected failures][,
 * N not run][; N flaky]`, the shape log scrapers look for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <base/outcome.h>
#include <base/signals.h>

#include "runner/report/report.h"

#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define MAGENTA "\033[35m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

#define TAIL_LINES 10
#define TAIL_COLUMNS 200 /* a longer line is cut, "..." */
#define SLOWEST 5 /* listed by default, of SLOW_S and more */
#define SLOW_S 1.0
#define WORD_WIDTH 11 /* "CPU-TIMEOUT", "INTERRUPTED" */

static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && v[0];
}

/*
 * --color wins; then NO_COLOR (no-color.org), then FORCE_COLOR and
 * CLICOLOR_FORCE, then a terminal that is not TERM=dumb.
 */
bool pyn__color_wanted(const char *when, int fd)
{
	const char *term = getenv("TERM");

	if (when && !strcmp(when, "always"))
		return true;
	if (when && !strcmp(when, "never"))
		return false;
	if (env_set("NO_COLOR"))
		return false;
	if (env_set("FORCE_COLOR") && strcmp(getenv("FORCE_COLOR"), "0"))
		return true;
	if (env_set("CLICOLOR_FORCE") && strcmp(getenv("CLICOLOR_FORCE"), "0"))
		return true;
	return isatty(fd) && !(term && !strcmp(term, "dumb"));
}

void pyn__console_init(struct pyn__console *c, FILE *out,
		       enum pyn__console_mode mode, int verbosity, bool color,
		       size_t total)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->mode = mode;
	c->verbosity = verbosity;
	c->color = color;
	c->total = total;
	c->durations = -1;
	c->start_s = pyn__now();
	c->word_width = WORD_WIDTH;
}

void pyn__console_tries(struct pyn__console *c, unsigned max_tries)
{
	int digits = 1;

	if (max_tries < 2)
		return;
	for (unsigned n = max_tries; n >= 10; n /= 10)
		digits++;
	/* "TRY " DIGITS " " WORD */
	c->word_width = WORD_WIDTH + 5 + digits;
}

void pyn__console_release(struct pyn__console *c)
{
	if (!c)
		return;
	free(c->running);
	c->running = NULL;
	c->n_running = c->cap_running = 0;
}

static const char *colour_of(enum pyn_outcome v, bool flaky)
{
	const struct pyn__outcome_info *info = pyn__outcome_info(v);

	if (flaky)
		return YELLOW;
	switch (info ? info->tone : PYN__TONE_BAD) {
	case PYN__TONE_GOOD:
		return GREEN;
	case PYN__TONE_NOTE:
		return YELLOW;
	case PYN__TONE_LIMIT:
		return MAGENTA;
	default:
		return RED;
	}
}

/* An expectation other than pass, met: the verdict is a pass, the run not. */
static bool expected_failure(const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);

	return a && a->verdict == PYN_OUTCOME_PASS &&
	       a->result.outcome != PYN_OUTCOME_PASS &&
	       a->result.outcome != PYN_OUTCOME_SKIPPED;
}

/* Met `expect: skipped`: shown and counted as skipped. */
static bool expected_skip(const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);

	return a && a->verdict == PYN_OUTCOME_PASS &&
	       a->result.outcome == PYN_OUTCOME_SKIPPED;
}

/* The word of one attempt: its verdict's, a signal's name for a crash. */
static const char *attempt_word(const struct pyn__attempt *a)
{
	const struct pyn__outcome_info *info = pyn__outcome_info(a->verdict);
	const char *sig;

	if (a->verdict == PYN_OUTCOME_ERROR && a->result.term_signal) {
		sig = pyn__signal_name(a->result.term_signal);
		if (sig)
			return sig;
	}
	return info ? info->word : "INTERRUPTED";
}

const char *pyn__console_status_word(const struct pyn__report_entry *e,
				     char *buf, size_t len)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	enum pyn_outcome v = pyn__entry_verdict(e);

	if (v == PYN_OUTCOME_PASS && pyn__entry_is_flaky(e))
		snprintf(buf, len, "FLAKY %zu/%u", e->n_attempts,
			 e->test->retries + 1);
	else if (expected_failure(e))
		snprintf(buf, len, "EXPECTED");
	else if (expected_skip(e))
		snprintf(buf, len, "SKIP");
	else if (v == PYN_OUTCOME_PASS && a && a->result.leftover_processes)
		snprintf(buf, len,
			 "LEAK"); /* nextest's word: it left processes */
	else if (a)
		snprintf(buf, len, "%s", attempt_word(a));
	else
		snprintf(buf, len, "%s", "INTERRUPTED");
	return buf;
}

/* The terminal's width: TIOCGWINSZ, else $COLUMNS, else 80. */
static unsigned term_width(FILE *out)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	long n;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	n = cols ? strtol(cols, NULL, 10) : 0;
	if (n >= 20 && n <= 10000)
		return (unsigned)n;
	return 80;
}

static void clear_line(struct pyn__console *c)
{
	if (c->mode == PYN__CONSOLE_TTY && c->line_drawn) {
		fputs("\r\033[K", c->out);
		c->line_drawn = false;
	}
}

void pyn__console_tick(struct pyn__console *c)
{
	char line[1024];
	unsigned width;
	int n;

	if (c->mode != PYN__CONSOLE_TTY || c->verbosity < 0)
		return;
	width = term_width(c->out);
	n = snprintf(line, sizeof(line), "[%zu/%zu %.1fs] %zu passed", c->done,
		     c->total, pyn__now() - c->start_s, c->n_passed);
	if (c->n_failed && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      ", %zu failed", c->n_failed);
	if (c->n_skipped && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      ", %zu skipped", c->n_skipped);
	for (size_t i = 0;
	     i < c->n_running && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%s",
			      i ? ", " : " | ", c->running[i]);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* Never wrap: a wrapped line cannot be redrawn with \r. */
	if ((unsigned)n > width - 1) {
		n = (int)width - 1;
		if (n > 3)
			memcpy(line + n - 3, "...", 3);
		line[n] = '\0';
	}
	fprintf(c->out, "\r\033[K%s", line);
	c->line_drawn = true;
	fflush(c->out);
}

void pyn__console_started(struct pyn__console *c, const char *id)
{
	if (c->n_running == c->cap_running) {
		size_t cap = c->cap_running ? 2 * c->cap_running : 16;
		const char **p = realloc(c->running, cap * sizeof(*p));

		if (!p)
			return; /* the progress line just lacks a name */
		c->running = p;
		c->cap_running = cap;
	}
	c->running[c->n_running++] = id;
	pyn__console_tick(c);
}

static void forget_running(struct pyn__console *c, const char *id)
{
	for (size_t i = 0; i < c->n_running; i++) {
		if (c->running[i] == id || !strcmp(c->running[i], id)) {
			memmove(&c->running[i], &c->running[i + 1],
				(c->n_running - i - 1) * sizeof(*c->running));
			c->n_running--;
			return;
		}
	}
}

/* One line of a message: everything up to the first newline. */
static void print_one_line(FILE *out, const char *s)
{
	for (; *s && *s != '\n'; s++)
		fputc((unsigned char)*s < 0x20 && *s != '\t' ? '?' : *s, out);
}

/* "WORD [ 0.012s] id: message", the word right-aligned in its column. */
static void word_line(struct pyn__console *c, const char *word,
		      const char *colour, const struct pyn__attempt *a,
		      const char *id, const char *note, const char *msg)
{
	if (c->color)
		fprintf(c->out, "%s%s%*s%s", BOLD, colour, c->word_width, word,
			RESET);
	else
		fprintf(c->out, "%*s", c->word_width, word);
	fprintf(c->out, " [%6.3fs] %s", a ? a->result.wall_time_s : 0.0, id);
	if (note)
		fputs(note, c->out);
	if (msg && msg[0]) {
		fputs(": ", c->out);
		print_one_line(c->out, msg);
	}
	fputc('\n', c->out);
}

static void status_line(struct pyn__console *c,
			const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	enum pyn_outcome v = pyn__entry_verdict(e);
	const char *msg = pyn__entry_message(e);
	char word[48], note[96];

	pyn__console_status_word(e, word, sizeof(word));
	note[0] = '\0';
	if (e->n_attempts > 1 && !pyn__entry_is_flaky(e)) {
		/* Every try failed: the last one, as nextest shows it. */
		a = &e->attempts[e->n_attempts - 1];
		snprintf(word, sizeof(word), "TRY %zu %s", e->n_attempts,
			 attempt_word(a));
		msg = a->message;
	}
	if (expected_failure(e) || expected_skip(e)) {
		snprintf(note, sizeof(note), ": %s, as expected",
			 pyn_outcome_name(a->result.outcome));
		msg = NULL;
	} else if (v == PYN_OUTCOME_PASS && a && a->result.leftover_processes) {
		snprintf(note, sizeof(note),
			 ": left %u process%s running (killed)",
			 a->result.leftover_processes,
			 a->result.leftover_processes == 1 ? "" : "es");
		msg = NULL;
	} else if (v == PYN_OUTCOME_PASS) {
		msg = NULL;
	}
	word_line(c, word, colour_of(v, pyn__entry_is_flaky(e)), a, e->test->id,
		  note[0] ? note : NULL, msg);
}

void pyn__console_retry(struct pyn__console *c,
			const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a;
	char word[48];

	if (c->verbosity < 0 || !e->n_attempts)
		return;
	a = &e->attempts[e->n_attempts - 1];
	snprintf(word, sizeof(word), "TRY %zu %s", e->n_attempts,
		 attempt_word(a));
	clear_line(c);
	word_line(c, word, colour_of(a->verdict, false), a, e->test->id, NULL,
		  a->message);
	if (c->mode == PYN__CONSOLE_TTY)
		pyn__console_tick(c);
	else
		fflush(c->out);
}

/* The summary's column an entry counts in (see pyn__console_summary). */
enum column { COL_PASSED, COL_FAILED, COL_SKIPPED, COL_EXPECTED, COL_NOT_RUN };

static enum column column_of(const struct pyn__report_entry *e)
{
	enum pyn_outcome v = pyn__entry_verdict(e);

	if (v == PYN_OUTCOME_NOT_RUN)
		return COL_NOT_RUN;
	if (v == PYN_OUTCOME_SKIPPED || expected_skip(e))
		return COL_SKIPPED;
	if (expected_failure(e))
		return COL_EXPECTED;
	if (pyn__outcome_is_failed(v))
		return COL_FAILED;
	return COL_PASSED;
}

void pyn__console_finished(struct pyn__console *c,
			   const struct pyn__report_entry *e)
{
	enum pyn_outcome v = pyn__entry_verdict(e);
	enum column col = column_of(e);
	bool show;

	c->done++;
	if (col == COL_FAILED)
		c->n_failed++;
	else if (col == COL_SKIPPED || col == COL_NOT_RUN)
		c->n_skipped++;
	else
		c->n_passed++;
	forget_running(c, e->test->id);
	if (c->verbosity < 0)
		return;
	show = c->verbosity > 0 || c->concise || v != PYN_OUTCOME_PASS ||
	       pyn__entry_is_flaky(e) ||
	       (e->n_attempts &&
		pyn__entry_primary(e)->result.leftover_processes);
	if (show) {
		clear_line(c);
		status_line(c, e);
	}
	if (c->mode == PYN__CONSOLE_TTY)
		pyn__console_tick(c);
	else
		fflush(c->out);
}

/* The last `lines` lines of `len` bytes, indented, control bytes shown as ?. */
static void tail(FILE *out, const char *label, const char *buf, size_t len,
		 unsigned lines)
{
	size_t start = len;
	unsigned seen = 0;

	if (!buf || !len)
		return;
	if (buf[len - 1] == '\n')
		start--;
	while (start > 0) {
		if (buf[start - 1] == '\n' && ++seen == lines)
			break;
		start--;
	}
	fprintf(out, "    %s%s:\n      ", label, start ? " (last lines)" : "");
	for (size_t i = start, col = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '\n') {
			if (i + 1 < len)
				fputs("\n      ", out);
			col = 0;
		} else if (col < TAIL_COLUMNS ||
			   (col == TAIL_COLUMNS && (ch & 0xC0) == 0x80)) {
			/* (the rest of a character begun within the cap) */
			fputc(ch < 0x20 && ch != '\t' ? '?' : ch, out);
			col += col < TAIL_COLUMNS && (ch & 0xC0) != 0x80;
		} else if (col++ == TAIL_COLUMNS) {
			fputs("...", out);
		}
	}
	fputc('\n', out);
}

static void details(struct pyn__console *c, const struct pyn__report *r)
{
	bool header = false;

	for (size_t i = 0; i < r->n_entries; i++) {
		const struct pyn__report_entry *e = &r->entries[i];
		const struct pyn__attempt *a = pyn__entry_primary(e);
		enum pyn_outcome v = pyn__entry_verdict(e);
		char word[32];

		if (!pyn__outcome_is_failed(v))
			continue;
		if (!header) {
			fputs("\nNot passed:\n", c->out);
			header = true;
		}
		pyn__console_status_word(e, word, sizeof(word));
		fprintf(c->out, "--- %s %s", word, e->test->id);
		if (pyn__entry_message(e)[0]) {
			fputs(": ", c->out);
			print_one_line(c->out, pyn__entry_message(e));
		}
		fputc('\n', c->out);
		if (!a)
			continue;
		if (a->result.outcome == PYN_OUTCOME_FAIL) {
			unsigned n = a->result.n_kept;

			for (unsigned k = 0; k < n; k++)
				fprintf(c->out, "    %s:%u: %s\n",
					a->result.failures[k].file,
					a->result.failures[k].line,
					a->result.failures[k].condition);
		}
		for (int k = 0; k < 2; k++) {
			struct pyn__text t;

			pyn__run_text(&a->result, k, &t);
			tail(c->out, k ? "stderr" : "stdout", t.buf, t.len,
			     TAIL_LINES);
			pyn__text_release(&t);
		}
	}
}

/* Slower first; ties keep plan order. */
static int by_time(const void *pa, const void *pb, void *user)
{
	const struct pyn__report *r = user;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	double ta = pyn__entry_primary(&r->entries[ia])->result.wall_time_s;
	double tb = pyn__entry_primary(&r->entries[ib])->result.wall_time_s;

	if (ta != tb)
		return ta < tb ? 1 : -1;
	return ia < ib ? -1 : ia > ib;
}

/*
 * The slowest tests, when it says something: by default the tests of
 * SLOW_S and more (at most SLOWEST); --durations N the N slowest (0: all),
 * as pytest's.
 */
static void slowest(struct pyn__console *c, const struct pyn__report *r)
{
	size_t *idx = malloc((r->n_entries + 1) * sizeof(*idx)), n = 0, show;

	if (!idx)
		return;
	for (size_t i = 0; i < r->n_entries; i++) {
		const struct pyn__attempt *a =
			pyn__entry_primary(&r->entries[i]);

		if (!a || a->verdict == PYN_OUTCOME_NOT_RUN)
			continue;
		if (c->durations < 0 && a->result.wall_time_s < SLOW_S)
			continue;
		idx[n++] = i;
	}
	qsort_r(idx, n, sizeof(*idx), by_time, (void *)r);
	show = n;
	if (c->durations < 0 && show > SLOWEST)
		show = SLOWEST;
	else if (c->durations > 0 && show > (size_t)c->durations)
		show = (size_t)c->durations;
	if (show) {
		if (c->durations < 0)
			fprintf(c->out, "\nSlowest (%.0f s and more):\n",
				SLOW_S);
		else
			fprintf(c->out, "\nSlowest %zu:\n", show);
	}
	for (size_t k = 0; k < show; k++)
		fprintf(c->out, "  %8.3fs  %s\n",
			pyn__entry_primary(&r->entries[idx[k]])
				->result.wall_time_s,
			r->entries[idx[k]].test->id);
	free(idx);
}

/* -q: one line for each test that did not meet its expectation. */
static void quiet_list(struct pyn__console *c, const struct pyn__report *r)
{
	for (size_t i = 0; i < r->n_entries; i++) {
		const struct pyn__report_entry *e = &r->entries[i];
		char word[48];

		if (!pyn__outcome_is_failed(pyn__entry_verdict(e)))
			continue;
		pyn__console_status_word(e, word, sizeof(word));
		fprintf(c->out, "%s %s", word, e->test->id);
		if (pyn__entry_message(e)[0]) {
			fputs(": ", c->out);
			print_one_line(c->out, pyn__entry_message(e));
		}
		fputc('\n', c->out);
	}
}

static void part(FILE *out, size_t n, const char *one, const char *many)
{
	if (n)
		fprintf(out, ", %zu %s", n, n == 1 ? one : many);
}

/*
 * One closing line whose numbers add up to the tests: each test counts
 * in one column.  "passed" met a pass expectation (a flaky test too);
 * "failed" did not meet its expectation; "skipped" skipped (also as
 * expected); "expected failures" met an expectation of failing
 * (`expect: fail`, a timeout, a signal); "not run" never started.  Flaky
 * tests are also among the passed, said after the semicolon.
 */
void pyn__console_summary(struct pyn__console *c, const struct pyn__report *r)
{
	size_t col[COL_NOT_RUN + 1] = { 0 }, flaky = 0;

	clear_line(c);
	for (size_t i = 0; i < r->n_entries; i++) {
		col[column_of(&r->entries[i])]++;
		flaky += pyn__entry_is_flaky(&r->entries[i]);
	}
	if (c->concise) {
		/* The lines above said it all: only the closing line. */
	} else if (c->verbosity >= 0) {
		details(c, r);
		slowest(c, r);
		fputc('\n', c->out);
	} else {
		quiet_list(c, r);
	}
	/* Last and alone on its line, uncoloured: log scrapers read it. */
	fprintf(c->out, "%zu %s in %.3fs: %zu passed, %zu failed, %zu skipped",
		r->n_entries, r->n_entries == 1 ? "test" : "tests",
		r->duration_s, col[COL_PASSED], col[COL_FAILED],
		col[COL_SKIPPED]);
	part(c->out, col[COL_EXPECTED], "expected failure",
	     "expected failures");
	part(c->out, col[COL_NOT_RUN], "not run", "not run");
	if (flaky)
		fprintf(c->out, "; %zu flaky", flaky);
	fputc('\n', c->out);
	fflush(c->out);
}
