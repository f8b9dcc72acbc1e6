/* SPDX-License-Identifier: MIT */
/*
 * runner/report/stream.c - the listener chain the scheduler calls, and the
 * text helpers TAP and the JSON events share.
 */
#include <string.h>

#include "runner/report/stream.h"
#include "runner/report/stream_text.h"

void pyn__listeners_started(const struct pyn__listener *l,
			    const struct pyn__report_entry *e)
{
	for (; l; l = l->next)
		if (l->started)
			l->started(l->user, e);
}

void pyn__listeners_finished(const struct pyn__listener *l,
			     const struct pyn__report_entry *e)
{
	for (; l; l = l->next)
		if (l->finished)
			l->finished(l->user, e);
}

const char *pyn__limit_hit(enum pyn_outcome outcome)
{
	switch (outcome) {
	case PYN_OUTCOME_WALL_TIMEOUT:
		return "wall_time";
	case PYN_OUTCOME_CPU_TIMEOUT:
		return "cpu_time";
	case PYN_OUTCOME_MEMORY_LIMIT:
		return "memory";
	default:
		return NULL;
	}
}

bool pyn__entry_is_not_run(const struct pyn__report_entry *e)
{
	return !e->n_attempts || pyn__entry_verdict(e) == PYN_OUTCOME_NOT_RUN;
}

bool pyn__entry_is_xfail(const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	const struct pyn_expect *x = &e->test->expect;

	if (!a || pyn__entry_verdict(e) != PYN_OUTCOME_PASS)
		return false;
	if (x->kind == PYN_EXPECT_OUTCOME && x->outcome == PYN_OUTCOME_PASS)
		return false;
	return a->result.outcome != PYN_OUTCOME_PASS &&
	       a->result.outcome != PYN_OUTCOME_SKIPPED;
}

void pyn__quoted(FILE *f, const char *text, size_t n, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	/* Keep the end of long text: a failure's last lines matter most. */
	if (max && n > max) {
		i = n - max;
		while (i < n && (s[i] & 0xC0) == 0x80)
			i++;
		fputs("\"[...] ", f);
	} else {
		fputc('"', f);
	}
	while (i < n) {
		unsigned char b = s[i];
		size_t len = 1;

		if (b >= 0x80) {
			len = pyn__utf8_len(s + i, n - i);
			if (!len) {
				fputs("\\ufffd", f);
				i++;
				continue;
			}
			fwrite(s + i, 1, len, f);
		} else if (b == '"' || b == '\\') {
			fputc('\\', f);
			fputc(b, f);
		} else if (b == '\n') {
			fputs("\\n", f);
		} else if (b == '\r') {
			fputs("\\r", f);
		} else if (b == '\t') {
			fputs("\\t", f);
		} else if (b < 0x20 || b == 0x7f) {
			fprintf(f, "\\u%04x", b);
		} else {
			fputc(b, f);
		}
		i += len;
	}
	fputc('"', f);
}

static void chain(struct pyn__live *s, struct pyn__listener *l)
{
	l->next = s->head;
	s->head = l;
}

int pyn__live_begin(struct pyn__live *s, FILE *out, enum pyn__format format,
		    const char *events_path, const struct pyn_plan *plan,
		    unsigned jobs, const char *const *manifests,
		    size_t n_manifests, struct pyn_error *err)
{
	int ret;

	memset(s, 0, sizeof(*s));
	if (events_path) {
		ret = pyn__events_begin(&s->file, NULL, events_path, plan, jobs,
					manifests, n_manifests, err);
		if (ret)
			return ret;
		chain(s, &s->file.listener);
	}
	if (format == PYN__FORMAT_JSON) {
		ret = pyn__events_begin(&s->json, out, NULL, plan, jobs,
					manifests, n_manifests, err);
		if (ret)
			return ret;
		chain(s, &s->json.listener);
	}
	if (format == PYN__FORMAT_TAP || format == PYN__FORMAT_TAP13) {
		if (pyn__tap_begin(&s->tap, out, plan,
				   format == PYN__FORMAT_TAP ? 14 : 13))
			return pyn__report_error(err, PYN_ENOMEM,
						 "out of memory");
		chain(s, &s->tap.listener);
	}
	return 0;
}

void pyn__live_end(struct pyn__live *s, const struct pyn__report *r,
		   bool interrupted, int exit_status)
{
	pyn__tap_end(&s->tap, r, interrupted);
	pyn__events_end(&s->json, r, interrupted, exit_status);
	pyn__events_end(&s->file, r, interrupted, exit_status);
}

void pyn__live_release(struct pyn__live *s)
{
	pyn__tap_release(&s->tap);
	pyn__events_release(&s->json);
	pyn__events_release(&s->file);
	s->head = NULL;
}
