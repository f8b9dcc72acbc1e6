/* SPDX-License-Identifier: MIT */
/*
 * runner/report/junit.c - the JUnit XML report (SPEC §3).
 *
 * Two flavours: the default one adds testcase file/line and <properties>
 * (read by GitLab, GitHub reporters and the Jenkins JUnit plugin; the
 * project's runner/report/pyntest-junit.xsd describes it), and `strict`,
 * which validates against junit-10-xunit-plugin.xsd and moves the
 * measurements into the suite's <system-out>.
 *
 * Whatever a test printed, the report parses: every byte XML 1.0 forbids
 * (NUL, C0 controls but tab/LF/CR, invalid UTF-8, U+FFFE/U+FFFF) becomes
 * U+FFFD.  The file is written beside its final name and renamed over it,
 * so a reader never sees half a report.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <base/outcome.h>

#include "runner/report/report.h"

size_t pyn__junit_fail_after;

struct out {
	FILE *f;
	size_t written;
	size_t fail_after; /* 0: never fail on purpose */
	int error; /* errno of the first failure, 0: none */
	enum pyn__junit_flavor flavor;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->error || !n)
		return;
	if (o->fail_after && o->written + n > o->fail_after) {
		/* Write what fits, then fail like a full disk would. */
		size_t room = o->fail_after - o->written;

		if (room)
			fwrite(s, 1, room, o->f);
		o->written += room;
		o->error = ENOSPC;
		return;
	}
	if (fwrite(s, 1, n, o->f) != n) {
		o->error = errno ? errno : EIO;
		return;
	}
	o->written += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void printf_(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void printf_(struct out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/*
 * Escape `n` bytes.  In attributes, tab/LF/CR become character references
 * so attribute normalisation keeps them; CR is a reference in text too,
 * since parsers turn a raw CR into LF.
 */
static void esc(struct out *o, const char *text, size_t n, bool attr)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char b = s[i];
		const char *rep = NULL;
		size_t len = 1;

		if (b >= 0x80) {
			len = pyn__utf8_len(s + i, n - i);
			if (!len) {
				rep = REPLACEMENT;
				len = 1;
			}
		} else if (b == '&') {
			rep = "&amp;";
		} else if (b == '<') {
			rep = "&lt;";
		} else if (b == '>') {
			rep = "&gt;";
		} else if (b == '"' && attr) {
			rep = "&quot;";
		} else if (b == '\r') {
			rep = "&#13;";
		} else if (b == '\n' && attr) {
			rep = "&#10;";
		} else if (b == '\t' && attr) {
			rep = "&#9;";
		} else if (b < 0x20 && b != '\n' && b != '\t') {
			rep = REPLACEMENT;
		}
		if (rep) {
			put(o, text + i - run, run);
			run = 0;
			puts_(o, rep);
		} else {
			run += len;
		}
		i += len;
	}
	put(o, text + n - run, run);
}

static void esc_str(struct out *o, const char *s, bool attr)
{
	esc(o, s ? s : "", s ? strlen(s) : 0, attr);
}

static void attr(struct out *o, const char *name, const char *value)
{
	printf_(o, " %s=\"", name);
	esc_str(o, value, true);
	puts_(o, "\"");
}

/*
 * A test's name as a JUnit name: readers key results on classname+name
 * (SPEC §3: unique), so a name imported from CUnit that holds bytes XML
 * cannot carry (controls, DEL, invalid UTF-8) gets them as visible \xHH
 * instead of U+FFFD, which would make "x\1y" and "x\2y" one test.  A
 * backslash is doubled only where it would otherwise read as the start of
 * such an escape (before 'x', '\\' or an escaped byte): plain names keep
 * their backslashes, and different names stay different.
 */
static bool name_escaped(const unsigned char *s, size_t n, size_t *len)
{
	*len = 1;
	if (*s < 0x20 || *s == 0x7f)
		return true;
	if (*s < 0x80)
		return false;
	*len = pyn__utf8_len(s, n);
	if (*len)
		return false;
	*len = 1;
	return true;
}

static void name_attr(struct out *o, const char *key, const char *value)
{
	const unsigned char *s = (const unsigned char *)(value ? value : "");
	size_t n = strlen((const char *)s), i = 0, len;

	printf_(o, " %s=\"", key);
	while (i < n) {
		if (name_escaped(s + i, n - i, &len)) {
			printf_(o, "\\x%02x", s[i]);
		} else if (s[i] == '\\') {
			size_t next;
			bool dbl = i + 1 < n &&
				   (s[i + 1] == 'x' || s[i + 1] == '\\' ||
				    name_escaped(s + i + 1, n - i - 1, &next));

			puts_(o, dbl ? "\\\\" : "\\");
		} else {
			esc(o, (const char *)s + i, len, true);
		}
		i += len;
	}
	puts_(o, "\"");
}

static void property(struct out *o, const char *indent, const char *name,
		     const char *value)
{
	printf_(o, "%s<property", indent);
	attr(o, "name", name);
	attr(o, "value", value);
	puts_(o, "/>\n");
}

/*
 * Captured output, cut at the test's output_limit (the engine cuts too;
 * this keeps the promise even for a result built elsewhere) with a marker
 * that says how much there was.
 */
static void output(struct out *o, const char *tag, const char *indent,
		   const char *buf, size_t len, uint64_t total, size_t limit,
		   const char *note)
{
	size_t keep = len;
	char a[32], b[32];

	if (total < len)
		total = len;
	if (!total && !note)
		return;
	if (limit && keep > limit)
		keep = limit;
	printf_(o, "%s<%s>", indent, tag);
	esc(o, buf ? buf : "", buf ? keep : 0, false);
	if (total > keep) {
		if (keep && buf[keep - 1] != '\n')
			puts_(o, "\n");
		printf_(o, "[pyntest: output cut at %s of %s]",
			pyn__format_bytes(keep, a, sizeof(a)),
			pyn__format_bytes(total, b, sizeof(b)));
	}
	if (note) {
		if (total > keep || (keep && buf[keep - 1] != '\n'))
			puts_(o, "\n");
		esc_str(o, note, false);
	}
	printf_(o, "</%s>\n", tag);
}

/* A run's stdout (`err` false) or stderr, read back from the spool. */
static void output_run(struct out *o, const char *tag, const char *indent,
		       const struct pyn__run *r, bool err, size_t limit,
		       const char *note)
{
	struct pyn__text t;

	pyn__run_text(r, err, &t);
	output(o, tag, indent, t.buf, t.len, err ? r->err_total : r->out_total,
	       limit, note);
	pyn__text_release(&t);
}

/* Every failed assertion, one a line, or the message when there are none. */
static void assertions(struct out *o, const struct pyn__attempt *a)
{
	const struct pyn__run *r = &a->result;
	unsigned shown = r->n_kept;
	char buf[1200];

	if (!shown || a->verdict != PYN_OUTCOME_FAIL ||
	    r->outcome != PYN_OUTCOME_FAIL) {
		esc_str(o, a->message, false);
		return;
	}
	for (unsigned i = 0; i < shown; i++) {
		const struct pyn_failure *f = &r->failures[i];

		snprintf(buf, sizeof(buf), "%s:%u: %s\n", f->file, f->line,
			 f->condition);
		esc_str(o, buf, false);
	}
	if (r->n_failures > shown)
		printf_(o, "(%u more failed assertions not recorded)\n",
			r->n_failures - shown);
}

/* The <testcase> child of a verdict (an unknown one: an error). */
static enum pyn__junit_element element_of(enum pyn_outcome v)
{
	const struct pyn__outcome_info *info = pyn__outcome_info(v);

	return info ? info->element : PYN__JUNIT_ERROR;
}

static bool is_failure(enum pyn_outcome v)
{
	return element_of(v) == PYN__JUNIT_FAILURE;
}

static bool is_error(enum pyn_outcome v)
{
	return element_of(v) == PYN__JUNIT_ERROR;
}

static void outcome_element(struct out *o, const struct pyn__attempt *a)
{
	char msg[1100];
	const char *m;

	if (!a) {
		puts_(o,
		      "      <error type=\"Interrupted\" message=\"interrupted "
		      "before it started\">interrupted before it started"
		      "</error>\n");
		return;
	}
	if (element_of(a->verdict) == PYN__JUNIT_NONE)
		return;
	/* <skipped message="not run: why"> (SPEC §3). */
	m = a->message ? a->message : "";
	if (a->verdict == PYN_OUTCOME_NOT_RUN &&
	    strncmp(m, PYN__NOT_RUN_PREFIX, strlen(PYN__NOT_RUN_PREFIX)) != 0) {
		snprintf(msg, sizeof(msg), "%s%s", PYN__NOT_RUN_PREFIX, m);
		m = msg;
	}
	if (element_of(a->verdict) == PYN__JUNIT_SKIPPED) {
		puts_(o, "      <skipped");
		attr(o, "message", m);
		puts_(o, ">");
		esc_str(o, m, false);
		puts_(o, "</skipped>\n");
		return;
	}
	printf_(o, "      <%s", is_failure(a->verdict) ? "failure" : "error");
	attr(o, "type", pyn__attempt_error_type(a));
	attr(o, "message", a->message);
	puts_(o, ">");
	assertions(o, a);
	printf_(o, "</%s>\n", is_failure(a->verdict) ? "failure" : "error");
}

/* flakyFailure/flakyError or rerunFailure/rerunError for one attempt. */
static void retry_element(struct out *o, const char *kind,
			  const struct pyn__attempt *a, size_t output_limit)
{
	const struct pyn__run *r = &a->result;
	char tag[32];

	snprintf(tag, sizeof(tag), "%s%s", kind,
		 is_failure(a->verdict) ? "Failure" : "Error");
	printf_(o, "      <%s", tag);
	attr(o, "type", pyn__attempt_error_type(a));
	attr(o, "message", a->message);
	puts_(o, ">\n        <stackTrace>");
	assertions(o, a);
	puts_(o, "</stackTrace>\n");
	output_run(o, "system-out", "        ", r, false, output_limit, NULL);
	output_run(o, "system-err", "        ", r, true, output_limit, NULL);
	printf_(o, "      </%s>\n", tag);
}

/* The test's sanitizers and the factors its limits grew by. */
static void sanitizer_properties(struct out *o, const char *in,
				 const struct pyn__report_entry *e)
{
	char v[64];

	if (!e->sanitizers[0])
		return;
	property(o, in, "pyntest.sanitizers", e->sanitizers);
	snprintf(v, sizeof(v), "%g", e->time_scale);
	property(o, in, "pyntest.limit_scale.time", v);
	snprintf(v, sizeof(v), "%g", e->memory_scale);
	property(o, in, "pyntest.limit_scale.memory", v);
}

/* Did the attempt start a process (a start offset for merge's timeline)? */
static bool started(const struct pyn__report_entry *e,
		    const struct pyn__attempt *a)
{
	return a && !e->test->skip &&
	       (a->result.wall_time_s > 0 || a->result.start_s > 0);
}

static void testcase_properties(struct out *o,
				const struct pyn__report_entry *e,
				const struct pyn__attempt *a)
{
	const struct pyn_limits *lim = &e->test->limits;
	const char *in = "        ";
	char v[64], name[256];

	puts_(o, "      <properties>\n");
	property(o, in, "pyntest.outcome",
		 a ? pyn_outcome_name(a->result.outcome) : "interrupted");
	property(o, in, "pyntest.expected",
		 e->expected[0] ? e->expected : "pass");
	snprintf(v, sizeof(v), "%.3f", a ? a->result.wall_time_s : 0.0);
	property(o, in, "pyntest.wall_time_s", v);
	snprintf(v, sizeof(v), "%.3f", a ? a->result.cpu_time_s : 0.0);
	property(o, in, "pyntest.cpu_time_s", v);
	if (started(e, a)) {
		snprintf(v, sizeof(v), "%.3f", a->result.start_s);
		property(o, in, "pyntest.start_s", v);
	}
	if (a && a->result.peak_memory_bytes >= 0)
		snprintf(v, sizeof(v), "%lld",
			 (long long)a->result.peak_memory_bytes);
	else
		snprintf(v, sizeof(v), "unknown");
	property(o, in, "pyntest.peak_memory_bytes", v);
	if (lim->wall_time_s > 0) {
		snprintf(v, sizeof(v), "%.3f", lim->wall_time_s);
		property(o, in, "pyntest.limit.wall_time_s", v);
	}
	if (lim->cpu_time_s > 0) {
		snprintf(v, sizeof(v), "%.3f", lim->cpu_time_s);
		property(o, in, "pyntest.limit.cpu_time_s", v);
	}
	if (lim->memory_bytes > 0) {
		snprintf(v, sizeof(v), "%llu",
			 (unsigned long long)lim->memory_bytes);
		property(o, in, "pyntest.limit.memory_bytes", v);
	}
	sanitizer_properties(o, in, e);
	if (!a)
		goto out;
	if (a->result.memory_provider[0])
		property(o, in, "pyntest.memory_provider",
			 a->result.memory_provider);
	if (a->result.tree_provider[0])
		property(o, in, "pyntest.tree_provider",
			 a->result.tree_provider);
	if (a->result.term_signal) {
		const char *sig = sigabbrev_np(a->result.term_signal);

		snprintf(v, sizeof(v), "SIG%s", sig ? sig : "?");
		property(o, in, "pyntest.signal", v);
	}
	if (a->result.outcome == PYN_OUTCOME_FAIL && a->result.exit_code > 0) {
		snprintf(v, sizeof(v), "%d", a->result.exit_code);
		property(o, in, "pyntest.exit_code", v);
	}
	if (a->result.leftover_processes) {
		snprintf(v, sizeof(v), "%u", a->result.leftover_processes);
		property(o, in, "pyntest.leftover_processes", v);
	}
	if (e->n_attempts > 1) {
		snprintf(v, sizeof(v), "%zu", e->n_attempts);
		property(o, in, "pyntest.attempts", v);
	}
	for (size_t i = 0; i < a->result.n_properties; i++) {
		const char *p = a->result.properties[i];
		const char *eq = p ? strchr(p, '=') : NULL;

		if (!eq)
			continue;
		snprintf(name, sizeof(name), "%s%.*s",
			 strncmp(p, "pyntest.", 8) ? "pyntest." : "",
			 (int)(eq - p), p);
		property(o, in, name, eq + 1);
	}
out:
	puts_(o, "      </properties>\n");
}

/* The test's source location: the manifest entry, else the assertion. */
static bool location(const struct pyn__report_entry *e,
		     const struct pyn__attempt *a, const char **file,
		     unsigned *line)
{
	if (e->test->file && e->test->file[0]) {
		*file = e->test->file;
		*line = e->test->line;
		return true;
	}
	if (a && a->result.n_kept && a->result.failures[0].file[0]) {
		*file = a->result.failures[0].file;
		*line = a->result.failures[0].line;
		return true;
	}
	return false;
}

static void testcase(struct out *o, const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	size_t limit = e->test->limits.capture_output ?
			       e->test->limits.output_limit :
			       0;
	const char *file;
	unsigned line;
	char v[32];

	puts_(o, "    <testcase");
	name_attr(o, "classname",
		  e->test->classname ? e->test->classname : e->test->suite);
	name_attr(o, "name", e->test->name);
	snprintf(v, sizeof(v), "%.3f", a ? a->result.wall_time_s : 0.0);
	attr(o, "time", v);
	if (o->flavor == PYN__JUNIT_DEFAULT && location(e, a, &file, &line)) {
		attr(o, "file", file);
		if (line) {
			snprintf(v, sizeof(v), "%u", line);
			attr(o, "line", v);
		}
	}
	puts_(o, ">\n");
	if (o->flavor == PYN__JUNIT_DEFAULT)
		testcase_properties(o, e, a);
	outcome_element(o, a);
	if (pyn__entry_is_flaky(e)) {
		for (size_t i = 0; i + 1 < e->n_attempts; i++)
			retry_element(o, "flaky", &e->attempts[i], limit);
	} else {
		for (size_t i = 1; i < e->n_attempts; i++)
			retry_element(o, "rerun", &e->attempts[i], limit);
	}
	if (a) {
		char note[128];
		unsigned left = a->result.leftover_processes;

		/* A visible warning, for readers that ignore properties. */
		snprintf(note, sizeof(note),
			 "[pyntest: warning: the test left %u process%s "
			 "running; pyntest killed %s]",
			 left, left == 1 ? "" : "es",
			 left == 1 ? "it" : "them");
		output_run(o, "system-out", "      ", &a->result, false, limit,
			   NULL);
		output_run(o, "system-err", "      ", &a->result, true, limit,
			   left ? note : NULL);
	}
	puts_(o, "    </testcase>\n");
}

/* Strict flavour: the testcase properties as one line per test. */
static void measurement_line(struct out *o, const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	const struct pyn_limits *lim = &e->test->limits;
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "%s: outcome=%s expected=%s wall_time_s=%.3f "
		     "cpu_time_s=%.3f peak_memory_bytes=%lld",
		     e->test->id,
		     a ? pyn_outcome_name(a->result.outcome) : "interrupted",
		     e->expected[0] ? e->expected : "pass",
		     a ? a->result.wall_time_s : 0.0,
		     a ? a->result.cpu_time_s : 0.0,
		     a ? (long long)a->result.peak_memory_bytes : -1LL);
	if (n > 0 && (size_t)n < sizeof(buf) && lim->wall_time_s > 0)
		n += snprintf(buf + n, sizeof(buf) - n,
			      " limit.wall_time_s=%.3f", lim->wall_time_s);
	if (n > 0 && (size_t)n < sizeof(buf) && lim->cpu_time_s > 0)
		n += snprintf(buf + n, sizeof(buf) - n,
			      " limit.cpu_time_s=%.3f", lim->cpu_time_s);
	if (n > 0 && (size_t)n < sizeof(buf) && lim->memory_bytes > 0)
		n += snprintf(buf + n, sizeof(buf) - n,
			      " limit.memory_bytes=%llu",
			      (unsigned long long)lim->memory_bytes);
	if (a && a->result.memory_provider[0] && n > 0 &&
	    (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, " memory_provider=%s",
			      a->result.memory_provider);
	if (started(e, a) && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, " start_s=%.3f",
			      a->result.start_s);
	if (e->n_attempts > 1 && n > 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " attempts=%zu",
			 e->n_attempts);
	esc_str(o, buf, false);
	puts_(o, "\n");
}

struct tally {
	size_t tests, failures, errors, skipped;
	double time;
};

static void tally_add(struct tally *t, const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	enum pyn_outcome v = pyn__entry_verdict(e);

	t->tests++;
	if (is_failure(v))
		t->failures++;
	else if (element_of(v) == PYN__JUNIT_SKIPPED)
		t->skipped++;
	else if (is_error(v))
		t->errors++;
	if (a)
		t->time += a->result.wall_time_s;
}

static void testsuite(struct out *o, const struct pyn__report *r,
		      const char *suite, const char *stamp, const char *host)
{
	struct tally t = { 0 };

	for (size_t i = 0; i < r->n_entries; i++)
		if (!strcmp(r->entries[i].test->suite, suite))
			tally_add(&t, &r->entries[i]);
	if (!t.tests)
		return;
	puts_(o, "  <testsuite");
	name_attr(o, "name", suite);
	printf_(o,
		" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"%zu\" time=\"%.3f\"",
		t.tests, t.failures, t.errors, t.skipped, t.time);
	attr(o, "timestamp", stamp);
	attr(o, "hostname", host);
	puts_(o, ">\n    <properties>\n");
	property(o, "      ", "pyntest.version", PYN_VERSION_STRING);
	if (r->shard)
		property(o, "      ", "pyntest.shard", r->shard);
	puts_(o, "    </properties>\n");
	for (size_t i = 0; i < r->n_entries; i++)
		if (!strcmp(r->entries[i].test->suite, suite))
			testcase(o, &r->entries[i]);
	if (o->flavor == PYN__JUNIT_STRICT) {
		puts_(o, "    <system-out>");
		for (size_t i = 0; i < r->n_entries; i++)
			if (!strcmp(r->entries[i].test->suite, suite))
				measurement_line(o, &r->entries[i]);
		puts_(o, "</system-out>\n");
	}
	puts_(o, "  </testsuite>\n");
}

static int write_all(const struct pyn__report *r, struct out *o)
{
	struct tally all = { 0 };
	const char **names;
	size_t n_names = 0;
	char stamp[32], host[256];
	time_t when = (time_t)r->start_epoch_s;
	struct tm tm;

	if (!gmtime_r(&when, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "1970-01-01T00:00:00");
	if (gethostname(host, sizeof(host)) || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';

	for (size_t i = 0; i < r->n_entries; i++)
		tally_add(&all, &r->entries[i]);
	puts_(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	printf_(o,
		"<testsuites name=\"pyntest\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\"",
		all.tests, all.failures, all.errors);
	if (o->flavor == PYN__JUNIT_DEFAULT)
		printf_(o, " skipped=\"%zu\"", all.skipped);
	printf_(o, " time=\"%.3f\">\n",
		r->duration_s > 0 ? r->duration_s : 0.0);
	/* Read by `pyntest merge`, even when this shard ran no test. */
	if (r->shard)
		printf_(o, "  <!-- pyntest.shard=%s -->\n", r->shard);
	/*
	 * Suites in order of their first test, from the entries themselves:
	 * a test is never left out because its suite (say, an imported CUnit
	 * suite's own name) is missing from the plan's list.
	 */
	names = calloc(r->n_entries ? r->n_entries : 1, sizeof(*names));
	if (!names)
		return ENOMEM;
	for (size_t i = 0; i < r->n_entries; i++) {
		const char *suite = r->entries[i].test->suite;
		size_t k = n_names;

		if (n_names && !strcmp(names[n_names - 1], suite))
			continue;
		for (k = 0; k < n_names; k++)
			if (!strcmp(names[k], suite))
				break;
		if (k == n_names)
			names[n_names++] = suite;
	}
	for (size_t k = 0; k < n_names; k++)
		testsuite(o, r, names[k], stamp, host);
	free(names);
	puts_(o, "</testsuites>\n");
	return o->error;
}

int pyn__junit_write_stream(const struct pyn__report *r, FILE *f,
			    enum pyn__junit_flavor flavor,
			    struct pyn_error *err)
{
	struct out o = { .f = f, .flavor = flavor };

	if (write_all(r, &o) || fflush(f))
		return pyn__report_error(err, PYN_EIO,
					 "cannot write JUnit report: %s",
					 strerror(o.error ? o.error : errno));
	return 0;
}

struct junit_job {
	const struct pyn__report *r;
	enum pyn__junit_flavor flavor;
	size_t fail_after;
};

static int write_junit(FILE *f, void *user)
{
	const struct junit_job *j = user;
	struct out o = { .f = f,
			 .flavor = j->flavor,
			 .fail_after = j->fail_after };

	return write_all(j->r, &o);
}

int pyn__junit_write(const struct pyn__report *r, const char *path,
		     enum pyn__junit_flavor flavor, struct pyn_error *err)
{
	struct junit_job j = { .r = r,
			       .flavor = flavor,
			       .fail_after = pyn__junit_fail_after };

	pyn__junit_fail_after = 0;
	return pyn__report_write_atomic(path, "JUnit report", write_junit, &j,
					err);
}
