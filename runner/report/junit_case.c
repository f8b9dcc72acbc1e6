/* SPDX-License-Identifier: MIT */
/*
 * runner/report/junit_case.c - one test's <testcase>: its outcome
 * element, retries (flaky/rerun), properties, captured output; and the
 * strict flavour's measurement line.
 */
#include <stdio.h>
#include <string.h>

#include "runner/report/junit_internal.h"

/*
 * Captured output, cut at the test's output_limit (the engine cuts too;
 * this keeps the promise even for a result built elsewhere) with a marker
 * that says how much there was.
 */
static void output(struct pyn__junit_out *o, const char *tag,
		   const char *indent, const char *buf, size_t len,
		   uint64_t total, size_t limit, const char *note)
{
	size_t keep = len;
	char a[32], b[32];

	if (total < len)
		total = len;
	if (!total && !note)
		return;
	if (limit && keep > limit)
		keep = limit;
	pyn__junit_printf(o, "%s<%s>", indent, tag);
	pyn__junit_esc(o, buf ? buf : "", buf ? keep : 0, false);
	if (total > keep) {
		if (keep && buf[keep - 1] != '\n')
			pyn__junit_puts(o, "\n");
		pyn__junit_printf(o, "[pyntest: output cut at %s of %s]",
				  pyn__format_bytes(keep, a, sizeof(a)),
				  pyn__format_bytes(total, b, sizeof(b)));
	}
	if (note) {
		if (total > keep || (keep && buf[keep - 1] != '\n'))
			pyn__junit_puts(o, "\n");
		pyn__junit_esc_str(o, note, false);
	}
	pyn__junit_printf(o, "</%s>\n", tag);
}

/* A run's stdout (`err` false) or stderr, read back from the spool. */
static void output_run(struct pyn__junit_out *o, const char *tag,
		       const char *indent, const struct pyn__run *r, bool err,
		       size_t limit, const char *note)
{
	struct pyn__text t;

	pyn__run_text(r, err, &t);
	output(o, tag, indent, t.buf, t.len, err ? r->err_total : r->out_total,
	       limit, note);
	pyn__text_release(&t);
}

/* Every failed assertion, one a line, or the message when there are none. */
static void assertions(struct pyn__junit_out *o, const struct pyn__attempt *a)
{
	const struct pyn__run *r = &a->result;
	unsigned shown = r->n_kept;
	char buf[1200];

	if (!shown || a->verdict != PYN_OUTCOME_FAIL ||
	    r->outcome != PYN_OUTCOME_FAIL) {
		pyn__junit_esc_str(o, a->message, false);
		return;
	}
	for (unsigned i = 0; i < shown; i++) {
		const struct pyn_failure *f = &r->failures[i];

		snprintf(buf, sizeof(buf), "%s:%u: %s\n", f->file, f->line,
			 f->condition);
		pyn__junit_esc_str(o, buf, false);
	}
	if (r->n_failures > shown)
		pyn__junit_printf(o,
				  "(%u more failed assertions not recorded)\n",
				  r->n_failures - shown);
}

/* The <testcase> child of a verdict (an unknown one: an error). */
enum pyn__junit_element pyn__junit_element(enum pyn_outcome v)
{
	const struct pyn__outcome_info *info = pyn__outcome_info(v);

	return info ? info->element : PYN__JUNIT_ERROR;
}

static bool is_failure(enum pyn_outcome v)
{
	return pyn__junit_element(v) == PYN__JUNIT_FAILURE;
}

static void outcome_element(struct pyn__junit_out *o,
			    const struct pyn__attempt *a)
{
	char msg[1100];
	const char *m;

	if (!a) {
		pyn__junit_puts(
			o,
			"      <error type=\"Interrupted\" message=\"interrupted "
			"before it started\">interrupted before it started"
			"</error>\n");
		return;
	}
	if (pyn__junit_element(a->verdict) == PYN__JUNIT_NONE)
		return;
	/* <skipped message="not run: why"> (SPEC §3). */
	m = a->message ? a->message : "";
	if (a->verdict == PYN_OUTCOME_NOT_RUN &&
	    strncmp(m, PYN__NOT_RUN_PREFIX, strlen(PYN__NOT_RUN_PREFIX)) != 0) {
		snprintf(msg, sizeof(msg), "%s%s", PYN__NOT_RUN_PREFIX, m);
		m = msg;
	}
	if (pyn__junit_element(a->verdict) == PYN__JUNIT_SKIPPED) {
		pyn__junit_puts(o, "      <skipped");
		pyn__junit_attr(o, "message", m);
		pyn__junit_puts(o, ">");
		pyn__junit_esc_str(o, m, false);
		pyn__junit_puts(o, "</skipped>\n");
		return;
	}
	pyn__junit_printf(o, "      <%s",
			  is_failure(a->verdict) ? "failure" : "error");
	pyn__junit_attr(o, "type", pyn__attempt_error_type(a));
	pyn__junit_attr(o, "message", a->message);
	pyn__junit_puts(o, ">");
	assertions(o, a);
	pyn__junit_printf(o, "</%s>\n",
			  is_failure(a->verdict) ? "failure" : "error");
}

/* flakyFailure/flakyError or rerunFailure/rerunError for one attempt. */
static void retry_element(struct pyn__junit_out *o, const char *kind,
			  const struct pyn__attempt *a, size_t output_limit)
{
	const struct pyn__run *r = &a->result;
	char tag[32];

	snprintf(tag, sizeof(tag), "%s%s", kind,
		 is_failure(a->verdict) ? "Failure" : "Error");
	pyn__junit_printf(o, "      <%s", tag);
	pyn__junit_attr(o, "type", pyn__attempt_error_type(a));
	pyn__junit_attr(o, "message", a->message);
	pyn__junit_puts(o, ">\n        <stackTrace>");
	assertions(o, a);
	pyn__junit_puts(o, "</stackTrace>\n");
	output_run(o, "system-out", "        ", r, false, output_limit, NULL);
	output_run(o, "system-err", "        ", r, true, output_limit, NULL);
	pyn__junit_printf(o, "      </%s>\n", tag);
}

/* The test's sanitizers and the factors its limits grew by. */
static void sanitizer_properties(struct pyn__junit_out *o, const char *in,
				 const struct pyn__report_entry *e)
{
	char v[64];

	if (!pyn__given(e->sanitizers))
		return;
	pyn__junit_property(o, in, "pyntest.sanitizers", e->sanitizers);
	snprintf(v, sizeof(v), "%g", e->time_scale);
	pyn__junit_property(o, in, "pyntest.limit_scale.time", v);
	snprintf(v, sizeof(v), "%g", e->memory_scale);
	pyn__junit_property(o, in, "pyntest.limit_scale.memory", v);
}

/* Did the attempt start a process (a start offset for merge's timeline)? */
static bool started(const struct pyn__report_entry *e,
		    const struct pyn__attempt *a)
{
	return a && !e->test->skip &&
	       (a->result.wall_time_s > 0 || a->result.start_s > 0);
}

static void testcase_properties(struct pyn__junit_out *o,
				const struct pyn__report_entry *e,
				const struct pyn__attempt *a)
{
	const struct pyn_limits *lim = e->test->limits;
	const char *in = "        ";
	char v[64], name[256];

	pyn__junit_puts(o, "      <properties>\n");
	pyn__junit_property(o, in, "pyntest.outcome",
			    a ? pyn_outcome_name(a->result.outcome) :
				"interrupted");
	pyn__junit_property(o, in, "pyntest.expected",
			    pyn__given(e->expected) ? e->expected : "pass");
	snprintf(v, sizeof(v), "%.3f", a ? a->result.wall_time_s : 0.0);
	pyn__junit_property(o, in, "pyntest.wall_time_s", v);
	snprintf(v, sizeof(v), "%.3f", a ? a->result.cpu_time_s : 0.0);
	pyn__junit_property(o, in, "pyntest.cpu_time_s", v);
	if (started(e, a)) {
		snprintf(v, sizeof(v), "%.3f", a->result.start_s);
		pyn__junit_property(o, in, "pyntest.start_s", v);
	}
	if (a && a->result.peak_memory_bytes >= 0)
		snprintf(v, sizeof(v), "%lld",
			 (long long)a->result.peak_memory_bytes);
	else
		snprintf(v, sizeof(v), "unknown");
	pyn__junit_property(o, in, "pyntest.peak_memory_bytes", v);
	if (lim->wall_time_s > 0) {
		snprintf(v, sizeof(v), "%.3f", lim->wall_time_s);
		pyn__junit_property(o, in, "pyntest.limit.wall_time_s", v);
	}
	if (lim->cpu_time_s > 0) {
		snprintf(v, sizeof(v), "%.3f", lim->cpu_time_s);
		pyn__junit_property(o, in, "pyntest.limit.cpu_time_s", v);
	}
	if (lim->memory_bytes > 0) {
		snprintf(v, sizeof(v), "%llu",
			 (unsigned long long)lim->memory_bytes);
		pyn__junit_property(o, in, "pyntest.limit.memory_bytes", v);
	}
	sanitizer_properties(o, in, e);
	if (!a)
		goto out;
	if (pyn__given(a->result.memory_provider))
		pyn__junit_property(o, in, "pyntest.memory_provider",
				    a->result.memory_provider);
	if (pyn__given(a->result.tree_provider))
		pyn__junit_property(o, in, "pyntest.tree_provider",
				    a->result.tree_provider);
	if (a->result.term_signal) {
		const char *sig = sigabbrev_np(a->result.term_signal);

		snprintf(v, sizeof(v), "SIG%s", sig ? sig : "?");
		pyn__junit_property(o, in, "pyntest.signal", v);
	}
	if (a->result.outcome == PYN_OUTCOME_FAIL && a->result.exit_code > 0) {
		snprintf(v, sizeof(v), "%d", a->result.exit_code);
		pyn__junit_property(o, in, "pyntest.exit_code", v);
	}
	if (a->result.leftover_processes) {
		snprintf(v, sizeof(v), "%u", a->result.leftover_processes);
		pyn__junit_property(o, in, "pyntest.leftover_processes", v);
	}
	if (e->n_attempts > 1) {
		snprintf(v, sizeof(v), "%zu", e->n_attempts);
		pyn__junit_property(o, in, "pyntest.attempts", v);
	}
	for (size_t i = 0; i < a->result.n_properties; i++) {
		const char *p = a->result.properties[i];
		const char *eq = p ? strchr(p, '=') : NULL;

		if (!eq)
			continue;
		snprintf(name, sizeof(name), "%s%.*s",
			 strncmp(p, "pyntest.", 8) ? "pyntest." : "",
			 (int)(eq - p), p);
		pyn__junit_property(o, in, name, eq + 1);
	}
out:
	pyn__junit_puts(o, "      </properties>\n");
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

void pyn__junit_testcase(struct pyn__junit_out *o,
			 const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	size_t limit = e->test->limits->capture_output ?
			       e->test->limits->output_limit :
			       0;
	const char *file;
	unsigned line;
	char v[32];

	pyn__junit_puts(o, "    <testcase");
	pyn__junit_name_attr(o, "classname",
			     e->test->classname ? e->test->classname :
						  e->test->suite);
	pyn__junit_name_attr(o, "name", e->test->name);
	snprintf(v, sizeof(v), "%.3f", a ? a->result.wall_time_s : 0.0);
	pyn__junit_attr(o, "time", v);
	if (o->flavor == PYN__JUNIT_DEFAULT && location(e, a, &file, &line)) {
		pyn__junit_attr(o, "file", file);
		if (line) {
			snprintf(v, sizeof(v), "%u", line);
			pyn__junit_attr(o, "line", v);
		}
	}
	pyn__junit_puts(o, ">\n");
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
	pyn__junit_puts(o, "    </testcase>\n");
}

/* Strict flavour: the testcase properties as one line per test. */
void pyn__junit_measurement_line(struct pyn__junit_out *o,
				 const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	const struct pyn_limits *lim = e->test->limits;
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "%s: outcome=%s expected=%s wall_time_s=%.3f "
		     "cpu_time_s=%.3f peak_memory_bytes=%lld",
		     e->test->id,
		     a ? pyn_outcome_name(a->result.outcome) : "interrupted",
		     pyn__given(e->expected) ? e->expected : "pass",
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
	if (a && pyn__given(a->result.memory_provider) && n > 0 &&
	    (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, " memory_provider=%s",
			      a->result.memory_provider);
	if (started(e, a) && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, " start_s=%.3f",
			      a->result.start_s);
	if (e->n_attempts > 1 && n > 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " attempts=%zu",
			 e->n_attempts);
	pyn__junit_esc_str(o, buf, false);
	pyn__junit_puts(o, "\n");
}
