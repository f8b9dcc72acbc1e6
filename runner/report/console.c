/* SPDX-License-Identifier: MIT */
/*
 * runner/report/console.c - what people see while and after tests run.
 *
 * On a terminal: one progress line (done/total, running tests, elapsed),
 * redrawn in place.  Elsewhere (CI, pipes): one plain line per finished
 * test that did not pass, never a carriage return, so logs stay readable.
 * After the run: each non-pass with its message and the tail of its
 * output, the slowest tests, a breakdown, and last, alone on its line,
 * `N passed, N failed, N skipped`, the shape log scrapers look for.
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
#define SLOWEST 5

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
	c->start_s = pyn__now();
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

const char *pyn__console_status_word(const struct pyn__report_entry *e,
				     char *buf, size_t len)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	enum pyn_outcome v = pyn__entry_verdict(e);
	const struct pyn__outcome_info *info = pyn__outcome_info(v);
	const char *w = info ? info->word : "INTERRUPTED";
	const char *sig;

	if (v == PYN_OUTCOME_PASS && pyn__entry_is_flaky(e))
		w = "FLAKY";
	else if (v == PYN_OUTCOME_PASS && a && a->result.leftover_processes)
		w = "LEAK"; /* nextest's word: it left processes */
	if (v == PYN_OUTCOME_ERROR && a && a->result.term_signal) {
		sig = pyn__signal_name(a->result.term_signal);
		if (sig)
			w = sig;
	}
	snprintf(buf, len, "%s", w);
	return buf;
}

static unsigned term_width(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
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
	n = snprintf(line, sizeof(line), "[%zu/%zu %.1fs]", c->done, c->total,
		     pyn__now() - c->start_s);
	for (size_t i = 0;
	     i < c->n_running && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, "%s%s",
			      i ? ", " : " ", c->running[i]);
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

static void status_line(struct pyn__console *c,
			const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	enum pyn_outcome v = pyn__entry_verdict(e);
	const char *msg = pyn__entry_message(e);
	char word[32];

	pyn__console_status_word(e, word, sizeof(word));
	if (c->color)
		fprintf(c->out, "%s%s%-5s%s", BOLD,
			colour_of(v, pyn__entry_is_flaky(e)), word, RESET);
	else
		fprintf(c->out, "%-5s", word);
	fprintf(c->out, " [%6.3fs] %s", a ? a->result.wall_time_s : 0.0,
		e->test->id);
	if (pyn__entry_is_flaky(e))
		fprintf(c->out, " (passed on attempt %zu)", e->n_attempts);
	else if (v == PYN_OUTCOME_PASS && a && a->result.leftover_processes)
		fprintf(c->out, ": left %u process%s running (killed)",
			a->result.leftover_processes,
			a->result.leftover_processes == 1 ? "" : "es");
	else if (v != PYN_OUTCOME_PASS && msg && msg[0]) {
		fputs(": ", c->out);
		print_one_line(c->out, msg);
	}
	fputc('\n', c->out);
}

void pyn__console_finished(struct pyn__console *c,
			   const struct pyn__report_entry *e)
{
	enum pyn_outcome v = pyn__entry_verdict(e);
	bool show;

	c->done++;
	forget_running(c, e->test->id);
	if (c->verbosity < 0)
		return;
	show = c->verbosity > 0 || v != PYN_OUTCOME_PASS ||
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
	for (size_t i = start; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '\n') {
			if (i + 1 < len)
				fputs("\n      ", out);
		} else {
			fputc(ch < 0x20 && ch != '\t' ? '?' : ch, out);
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
		tail(c->out, "stdout", a->result.out, a->result.out_len,
		     TAIL_LINES);
		tail(c->out, "stderr", a->result.err, a->result.err_len,
		     TAIL_LINES);
	}
}

static void slowest(struct pyn__console *c, const struct pyn__report *r)
{
	size_t best[SLOWEST], n = 0;

	for (size_t i = 0; i < r->n_entries; i++) {
		const struct pyn__attempt *a =
			pyn__entry_primary(&r->entries[i]);
		size_t k;

		if (!a)
			continue;
		/* Insertion into a short sorted list; ties keep plan order. */
		for (k = n; k > 0; k--) {
			const struct pyn__attempt *b =
				pyn__entry_primary(&r->entries[best[k - 1]]);

			if (b->result.wall_time_s >= a->result.wall_time_s)
				break;
			if (k < SLOWEST)
				best[k] = best[k - 1];
		}
		if (k < SLOWEST) {
			best[k] = i;
			if (n < SLOWEST)
				n++;
		}
	}
	if (!n)
		return;
	fprintf(c->out, "\nSlowest %zu:\n", n);
	for (size_t k = 0; k < n; k++)
		fprintf(c->out, "  %8.3fs  %s\n",
			pyn__entry_primary(&r->entries[best[k]])
				->result.wall_time_s,
			r->entries[best[k]].test->id);
}

static void part(FILE *out, size_t n, const char *one, const char *many)
{
	if (n)
		fprintf(out, ", %zu %s", n, n == 1 ? one : many);
}

void pyn__console_summary(struct pyn__console *c, const struct pyn__report *r)
{
	struct pyn__counts k;

	clear_line(c);
	pyn__report_count(r, &k);
	if (c->verbosity >= 0) {
		details(c, r);
		slowest(c, r);
		fputc('\n', c->out);
	}
	fprintf(c->out, "%zu %s: %zu passed", k.total,
		k.total == 1 ? "test" : "tests", k.by[PYN_OUTCOME_PASS]);
	part(c->out, k.flaky, "flaky", "flaky");
	for (int o = PYN_OUTCOME_PASS + 1; o < PYN_OUTCOME_COUNT; o++) {
		const struct pyn__outcome_info *info =
			pyn__outcome_info((enum pyn_outcome)o);

		part(c->out, k.by[o], info->one, info->many);
	}
	fprintf(c->out, " in %.3fs\n", r->duration_s);
	/* Last and alone on its line, uncoloured: log scrapers read it. */
	fprintf(c->out, "%zu passed, %zu failed, %zu skipped",
		k.by[PYN_OUTCOME_PASS], pyn__counts_failed(&k),
		k.by[PYN_OUTCOME_SKIPPED]);
	if (k.by[PYN_OUTCOME_NOT_RUN])
		fprintf(c->out, ", %zu not run", k.by[PYN_OUTCOME_NOT_RUN]);
	fputc('\n', c->out);
	fflush(c->out);
}
