/* SPDX-License-Identifier: MIT */
/*
 * runner/report/report.c - helpers every reporter shares: verdicts,
 * counts, outcome words, UTF-8 checks, atomic writes.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <base/outcome.h>

#include "runner/report/report.h"

enum pyn_outcome pyn__entry_verdict(const struct pyn__report_entry *e)
{
	if (!e->n_attempts)
		return PYN_OUTCOME_INTERRUPTED;
	return e->attempts[e->n_attempts - 1].verdict;
}

bool pyn__entry_is_flaky(const struct pyn__report_entry *e)
{
	return e->n_attempts > 1 && pyn__entry_verdict(e) == PYN_OUTCOME_PASS;
}

/*
 * Surefire's convention: a flaky test shows its passing (last) run, with
 * the failed ones as flaky elements; a test that never passed shows its
 * first run, with the later ones as rerun elements.
 */
const struct pyn__attempt *pyn__entry_primary(const struct pyn__report_entry *e)
{
	if (!e->n_attempts)
		return NULL;
	if (pyn__entry_is_flaky(e))
		return &e->attempts[e->n_attempts - 1];
	return &e->attempts[0];
}

const char *pyn__entry_message(const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);

	if (!a)
		return "interrupted before it started";
	return a->message ? a->message : "";
}

const char *pyn__attempt_error_type(const struct pyn__attempt *a)
{
	if (a->verdict == PYN_OUTCOME_ERROR) {
		if (pyn__given(a->result.error_type))
			return a->result.error_type;
		return a->result.term_signal ? PYN__TYPE_SIGNAL :
					       PYN__TYPE_SETUP_ERROR;
	}
	/* A verdict with no type of its own is an unmet expectation. */
	if (!pyn__outcome_type(a->verdict)[0])
		return pyn__outcome_type(PYN_OUTCOME_FAIL);
	return pyn__outcome_type(a->verdict);
}

void pyn__report_count(const struct pyn__report *r, struct pyn__counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n_entries; i++) {
		enum pyn_outcome v = pyn__entry_verdict(&r->entries[i]);

		if (v >= 0 && v < PYN_OUTCOME_COUNT)
			c->by[v]++;
		if (pyn__entry_is_flaky(&r->entries[i]))
			c->flaky++;
		c->total++;
	}
}

size_t pyn__counts_failed(const struct pyn__counts *c)
{
	size_t n = c->total;
	int o;

	/* Everything but what neither failed nor errored. */
	for (o = 0; o < PYN_OUTCOME_COUNT; o++)
		if (!pyn__outcome_is_failed((enum pyn_outcome)o))
			n -= c->by[o];
	return n;
}

const char *pyn__format_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return buf;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

const char *pyn__report_intern(struct pyn__report *r, const char *s)
{
	char **grown, *copy;

	if (!s)
		s = "";
	/* Few distinct strings, and runs of the same one: newest first. */
	for (size_t i = r->n_strings; i-- > 0;)
		if (!strcmp(r->strings[i], s))
			return r->strings[i];
	grown = realloc(r->strings, (r->n_strings + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	r->strings = grown;
	copy = strdup(s);
	if (!copy)
		return NULL;
	r->strings[r->n_strings++] = copy;
	return copy;
}

void pyn__run_release(struct pyn__run *run)
{
	if (!run)
		return;
	free(run->message);
	free(run->failures);
	free(run->out);
	free(run->err);
	for (size_t i = 0; i < run->n_properties; i++)
		free(run->properties[i]);
	free(run->properties);
	memset(run, 0, sizeof(*run));
}

void pyn__attempt_release(struct pyn__attempt *a)
{
	if (!a)
		return;
	pyn__run_release(&a->result);
	free(a->message);
	a->message = NULL;
}

double pyn__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Fill `err` without libpyntest, so the reporters build and are tested on
 * their own.
 */
int pyn__report_error(struct pyn_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

/*
 * Length of the valid UTF-8 sequence XML and JSON allow at s[0..n), or 0 when the
 * bytes there are not one (then one byte is replaced).  Follows RFC 3629
 * table 3: no overlongs, no surrogates, nothing above U+10FFFF.
 */
size_t pyn__utf8_len(const unsigned char *s, size_t n)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xBF;
	size_t len;
	unsigned cp;

	if (b >= 0xC2 && b <= 0xDF) {
		len = 2;
		cp = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		len = 3;
		cp = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0;
		if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		len = 4;
		cp = b & 0x07;
		if (b == 0xF0)
			lo = 0x90;
		if (b == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return len;
}
