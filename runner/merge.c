/* SPDX-License-Identifier: MIT */
/*
 * runner/merge.c - `pyntest merge`: the JUnit reports of a sharded run's
 * machines -> one JUnit report.
 *
 *   pyntest merge [-o OUT.xml] [--html OUT.html] REPORT.xml...
 *
 * Each <testcase> is copied byte for byte, so both flavours (and other
 * tools' JUnit) merge as written; <testsuite>s of one name become one,
 * their counts taken again from the testcases (tests, failures, errors,
 * skipped) and their times added.  pyntest's shard reports say which
 * shard they are (a `pyntest.shard=I/N` comment, written even when a
 * shard selected no test): a shard given twice or missing, or a test in
 * two reports, is named and nothing is written (exit 1).  Unreadable or
 * broken input is a usage error (exit 4).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli.h"
#include "runner/merge.h"
#include "runner/report/html_merge.h"
#include "runner/report/report.h"
#include "runner/report/xml_read.h"

struct input {
	const char *path;
	char *text;
	size_t len;
	unsigned shard_i, shard_n; /* 0/0: not a shard report */
	bool root_skipped; /* its <testsuites> has skipped= */
	struct pyn__range *cases, *outs; /* for --html */
	size_t n_cases, n_outs;
};

struct suite {
	char *name;
	char *timestamp, *hostname; /* the first report's */
	size_t tests, failures, errors, skipped;
	double time;
	struct pyn__range *cases, *props, *out, *err;
	size_t n_cases, n_props, n_out, n_err;
};

struct seen {
	char *id;
	const char *path;
};

struct merge {
	struct input *in;
	size_t n_in;
	struct suite *suites;
	size_t n_suites;
	struct seen *ids;
	size_t n_ids, cap_ids;
	bool root_skipped;
	int problems; /* duplicates and missing shards named */
};

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("pyntest merge: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool push_range(struct pyn__range **a, size_t *n, const char *start,
		       const char *stop)
{
	struct pyn__range *p = realloc(*a, (*n + 1) * sizeof(*p));

	if (!p)
		return false;
	*a = p;
	p[*n].start = start;
	p[(*n)++].stop = stop;
	return true;
}

static struct suite *suite_of(struct merge *m, const char *name)
{
	struct suite *p;

	for (size_t i = 0; i < m->n_suites; i++)
		if (!strcmp(m->suites[i].name, name))
			return &m->suites[i];
	p = realloc(m->suites, (m->n_suites + 1) * sizeof(*p));
	if (!p)
		return NULL;
	m->suites = p;
	p = &m->suites[m->n_suites];
	memset(p, 0, sizeof(*p));
	p->name = strdup(name);
	if (!p->name)
		return NULL;
	m->n_suites++;
	return p;
}

static double attr_double(const struct pyn__xml_tag *t, const char *name)
{
	char *v;
	double d = 0;

	if (pyn__xml_attr(t, name, &v)) {
		d = strtod(v, NULL);
		free(v);
	}
	return d > 0 ? d : 0;
}

/*
 * Skip to the end of the element whose start tag `t` was just read:
 * *pos past its end tag.  Fills what its direct children say of a
 * testcase (failure, error, skipped).  Returns false on broken markup.
 */
static bool skip_element(const char **pos, const char *end,
			 const struct pyn__xml_tag *t, bool *failure,
			 bool *error, bool *skipped)
{
	struct pyn__xml_tag c;
	int depth = 1;

	if (t->empty)
		return true;
	while (depth > 0) {
		if (pyn__xml_next(pos, end, &c) <= 0)
			return false;
		if (c.closing) {
			depth--;
			continue;
		}
		if (depth == 1 && failure) {
			*failure |= pyn__xml_is(&c, "failure");
			*error |= pyn__xml_is(&c, "error");
			*skipped |= pyn__xml_is(&c, "skipped");
		}
		if (!c.empty)
			depth++;
	}
	return true;
}

static bool add_id(struct merge *m, const struct pyn__xml_tag *t,
		   const char *path)
{
	char *cls = NULL, *name = NULL, *id = NULL;
	bool ok;

	pyn__xml_attr(t, "classname", &cls);
	pyn__xml_attr(t, "name", &name);
	ok = asprintf(&id, "%s.%s", cls ? cls : "", name ? name : "") >= 0;
	free(cls);
	free(name);
	if (!ok)
		return false;
	if (m->n_ids == m->cap_ids) {
		size_t cap = m->cap_ids ? 2 * m->cap_ids : 256;
		struct seen *p = realloc(m->ids, cap * sizeof(*p));

		if (!p) {
			free(id);
			return false;
		}
		m->ids = p;
		m->cap_ids = cap;
	}
	m->ids[m->n_ids].id = id;
	m->ids[m->n_ids++].path = path;
	return true;
}

/* The children of a <testsuite> (start tag `t`) into suite `s`. */
static int read_suite(struct merge *m, struct input *in, const char **pos,
		      const struct pyn__xml_tag *t, struct suite *s)
{
	const char *end = in->text + in->len;
	struct pyn__xml_tag c;
	double time = attr_double(t, "time"), case_time = 0;
	bool timed = false;

	if (!s->timestamp)
		pyn__xml_attr(t, "timestamp", &s->timestamp);
	if (!s->hostname)
		pyn__xml_attr(t, "hostname", &s->hostname);
	timed = time > 0;
	if (t->empty)
		return 0;
	for (;;) {
		const char *from;
		bool f = false, e = false, k = false;

		if (pyn__xml_next(pos, end, &c) <= 0)
			return PYN_EINVAL;
		if (c.closing)
			break; /* </testsuite> */
		from = c.start;
		if (pyn__xml_is(&c, "testcase")) {
			if (!add_id(m, &c, in->path))
				return PYN_ENOMEM;
			case_time += attr_double(&c, "time");
			if (!skip_element(pos, end, &c, &f, &e, &k))
				return PYN_EINVAL;
			s->tests++;
			s->failures += f;
			s->errors += e && !f;
			s->skipped += k && !f && !e;
			if (!push_range(&s->cases, &s->n_cases, from, *pos) ||
			    !push_range(&in->cases, &in->n_cases, from, *pos))
				return PYN_ENOMEM;
		} else if (pyn__xml_is(&c, "properties")) {
			struct pyn__xml_tag p;

			while (!c.empty) {
				char *name = NULL;

				if (pyn__xml_next(pos, end, &p) <= 0)
					return PYN_EINVAL;
				if (p.closing)
					break;
				from = p.start;
				if (!skip_element(pos, end, &p, NULL, NULL,
						  NULL))
					return PYN_EINVAL;
				pyn__xml_attr(&p, "name", &name);
				if (!name || strcmp(name, "pyntest.shard"))
					if (!push_range(&s->props, &s->n_props,
							from, *pos)) {
						free(name);
						return PYN_ENOMEM;
					}
				free(name);
			}
		} else if (pyn__xml_is(&c, "system-out") ||
			   pyn__xml_is(&c, "system-err")) {
			bool out = pyn__xml_is(&c, "system-out");
			const char *inner = c.stop;

			if (!skip_element(pos, end, &c, NULL, NULL, NULL))
				return PYN_EINVAL;
			if (!c.empty) {
				/* Up to the '<' of the end tag. */
				const char *close = *pos - 1;

				while (close > inner && *close != '<')
					close--;
				if (!push_range(out ? &s->out : &s->err,
						out ? &s->n_out : &s->n_err,
						inner, close) ||
				    (out && !push_range(&in->outs, &in->n_outs,
							inner, close)))
					return PYN_ENOMEM;
			}
		} else if (!skip_element(pos, end, &c, NULL, NULL, NULL)) {
			return PYN_EINVAL;
		}
	}
	s->time += timed ? time : case_time;
	return 0;
}

static int read_input(struct merge *m, struct input *in)
{
	const char *pos, *end;
	struct pyn__xml_tag t;
	char shard[64];
	int rc;

	in->text = pyn__xml_load(in->path, &in->len);
	if (!in->text) {
		say("cannot read '%s': %s", in->path, strerror(errno));
		return PYN_EUSAGE;
	}
	end = in->text + in->len;
	if (pyn__xml_comment(in->text, end, "pyntest.shard=", shard,
			     sizeof(shard)) &&
	    (sscanf(shard, "%u/%u", &in->shard_i, &in->shard_n) != 2 ||
	     !in->shard_i || in->shard_i > in->shard_n))
		in->shard_i = in->shard_n = 0;
	pos = in->text;
	while ((rc = pyn__xml_next(&pos, end, &t)) > 0) {
		char *name = NULL;
		struct suite *s;

		if (t.closing)
			continue;
		if (pyn__xml_is(&t, "testsuites")) {
			char *v = NULL;

			if (pyn__xml_attr(&t, "skipped", &v))
				in->root_skipped = m->root_skipped = true;
			free(v);
			continue;
		}
		if (!pyn__xml_is(&t, "testsuite"))
			continue;
		pyn__xml_attr(&t, "name", &name);
		s = suite_of(m, name ? name : "");
		free(name);
		if (!s)
			return PYN_ENOMEM;
		rc = read_suite(m, in, &pos, &t, s);
		if (rc == PYN_ENOMEM)
			return rc;
		if (rc) {
			rc = -1;
			break;
		}
	}
	if (rc < 0) {
		say("'%s' is not a well-formed JUnit report (near byte %zu)",
		    in->path, (size_t)(pos - in->text));
		return PYN_EUSAGE;
	}
	return 0;
}

static int by_id(const void *pa, const void *pb)
{
	const struct seen *a = pa, *b = pb;

	return strcmp(a->id, b->id);
}

/* A test in two reports; a shard given twice, missing, or of two sizes. */
static void check(struct merge *m)
{
	unsigned n = 0, dups = 0;
	const char **who;

	qsort(m->ids, m->n_ids, sizeof(*m->ids), by_id);
	for (size_t i = 1; i < m->n_ids; i++)
		if (!strcmp(m->ids[i - 1].id, m->ids[i].id) && ++dups <= 10) {
			say("test '%s' is in two reports: %s and %s",
			    m->ids[i].id, m->ids[i - 1].path, m->ids[i].path);
			m->problems++;
		}
	if (dups > 10) {
		say("... and %u more tests in two reports", dups - 10);
		m->problems++;
	}
	for (size_t i = 0; i < m->n_in; i++) {
		if (!m->in[i].shard_n)
			continue;
		if (n && m->in[i].shard_n != n) {
			say("'%s' is a shard of %u, others of %u: not one run",
			    m->in[i].path, m->in[i].shard_n, n);
			m->problems++;
			return;
		}
		n = m->in[i].shard_n;
	}
	if (!n)
		return;
	who = calloc(n + 1, sizeof(*who));
	if (!who)
		return;
	for (size_t i = 0; i < m->n_in; i++) {
		unsigned k = m->in[i].shard_i;

		if (!m->in[i].shard_n)
			continue;
		if (who[k]) {
			say("shard %u/%u is given twice: %s and %s", k, n,
			    who[k], m->in[i].path);
			m->problems++;
		}
		who[k] = m->in[i].path;
	}
	for (unsigned k = 1; k <= n; k++)
		if (!who[k]) {
			say("shard %u/%u is missing: no report of it among "
			    "the %zu given",
			    k, n, m->n_in);
			m->problems++;
		}
	free(who);
}

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\t':
		case '\n':
		case '\r':
			fprintf(f, "&#%d;", *s);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void ranges(FILE *f, const char *indent, const struct pyn__range *r,
		   size_t n, bool lines)
{
	for (size_t i = 0; i < n; i++) {
		fputs(indent, f);
		fwrite(r[i].start, 1, (size_t)(r[i].stop - r[i].start), f);
		if (lines)
			fputc('\n', f);
	}
}

static int write_merged(FILE *f, void *user)
{
	const struct merge *m = user;
	size_t t = 0, fl = 0, e = 0, k = 0;
	double time = 0;

	for (size_t i = 0; i < m->n_suites; i++) {
		t += m->suites[i].tests;
		fl += m->suites[i].failures;
		e += m->suites[i].errors;
		k += m->suites[i].skipped;
		time += m->suites[i].time;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
		"<testsuites name=\"pyntest\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\"",
		t, fl, e);
	if (m->root_skipped)
		fprintf(f, " skipped=\"%zu\"", k);
	fprintf(f, " time=\"%.3f\">\n", time);
	fprintf(f, "  <!-- pyntest.merged=%zu reports -->\n", m->n_in);
	for (size_t i = 0; i < m->n_suites; i++) {
		const struct suite *s = &m->suites[i];

		fputs("  <testsuite name=\"", f);
		esc(f, s->name);
		fprintf(f,
			"\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
			"skipped=\"%zu\" time=\"%.3f\"",
			s->tests, s->failures, s->errors, s->skipped, s->time);
		if (s->timestamp) {
			fputs(" timestamp=\"", f);
			esc(f, s->timestamp);
			fputc('"', f);
		}
		if (s->hostname) {
			fputs(" hostname=\"", f);
			esc(f, s->hostname);
			fputc('"', f);
		}
		fputs(">\n", f);
		if (s->n_props) {
			/* Each report's properties once (they repeat). */
			fputs("    <properties>\n", f);
			for (size_t p = 0; p < s->n_props; p++) {
				size_t len = (size_t)(s->props[p].stop -
						      s->props[p].start);
				bool dup = false;

				for (size_t q = 0; q < p && !dup; q++)
					dup = (size_t)(s->props[q].stop -
						       s->props[q].start) ==
						      len &&
					      !memcmp(s->props[q].start,
						      s->props[p].start, len);
				if (!dup)
					ranges(f, "      ", &s->props[p], 1,
					       true);
			}
			fputs("    </properties>\n", f);
		}
		ranges(f, "    ", s->cases, s->n_cases, true);
		if (s->n_out) {
			fputs("    <system-out>", f);
			ranges(f, "", s->out, s->n_out, false);
			fputs("</system-out>\n", f);
		}
		if (s->n_err) {
			fputs("    <system-err>", f);
			ranges(f, "", s->err, s->n_err, false);
			fputs("</system-err>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? EIO : 0;
}

static void release(struct merge *m)
{
	for (size_t i = 0; i < m->n_in; i++) {
		free(m->in[i].text);
		free(m->in[i].cases);
		free(m->in[i].outs);
	}
	free(m->in);
	for (size_t i = 0; i < m->n_suites; i++) {
		struct suite *s = &m->suites[i];

		free(s->name);
		free(s->timestamp);
		free(s->hostname);
		free(s->cases);
		free(s->props);
		free(s->out);
		free(s->err);
	}
	free(m->suites);
	for (size_t i = 0; i < m->n_ids; i++)
		free(m->ids[i].id);
	free(m->ids);
}

/* --html: the reports on the HTML report's page (html_merge.c). */
static int write_html(const struct merge *m, const char *path,
		      struct pyn_error *err)
{
	struct pyn__merge_input *in = calloc(m->n_in + 1, sizeof(*in));
	int rc;

	if (!in)
		return pyn__report_error(err, PYN_ENOMEM, "out of memory");
	for (size_t i = 0; i < m->n_in; i++) {
		const struct input *x = &m->in[i];

		in[i] = (struct pyn__merge_input){
			.path = x->path,
			.text = x->text,
			.len = x->len,
			.shard_i = x->shard_i,
			.shard_n = x->shard_n,
			.cases = x->cases,
			.n_cases = x->n_cases,
			.outs = x->outs,
			.n_outs = x->n_outs,
		};
	}
	rc = pyn__html_merge_write(path, in, m->n_in, err);
	free(in);
	return rc;
}

static void usage(FILE *f)
{
	fputs("Usage: pyntest merge [-o OUT.xml] [--html OUT.html] REPORT.xml...\n"
	      "Merge the JUnit reports of a sharded run into one (stdout\n"
	      "without -o or --html), and with --html into one HTML report with\n"
	      "a timeline lane per shard.  A test in two reports, or a shard\n"
	      "given twice or missing, is named and nothing is written (exit 1).\n",
	      f);
}

int pyn__merge_main(int argc, char **argv)
{
	struct merge m = { 0 };
	const char *out = NULL, *html = NULL;
	struct pyn_error err;
	int status = PYN__EXIT_USAGE;

	m.in = calloc((size_t)argc + 1, sizeof(*m.in));
	if (!m.in)
		return PYN__EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			status = PYN__EXIT_OK;
			goto out;
		}
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--junit-xml")) {
			if (++i == argc) {
				say("option '%s' needs a path", argv[i - 1]);
				goto out;
			}
			out = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--html")) {
			if (++i == argc) {
				say("option '%s' needs a path", argv[i - 1]);
				goto out;
			}
			html = argv[i];
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			say("unknown option '%s'", argv[i]);
			usage(stderr);
			goto out;
		}
		m.in[m.n_in++].path = argv[i];
	}
	if (!m.n_in) {
		say("no report to merge");
		usage(stderr);
		goto out;
	}
	for (size_t i = 0; i < m.n_in; i++) {
		const char *o = out && !strcmp(out, m.in[i].path)   ? out :
				html && !strcmp(html, m.in[i].path) ? html :
								      NULL;

		if (o) {
			say("'%s' is both a report to merge and the output", o);
			goto out;
		}
	}
	for (size_t i = 0; i < m.n_in; i++) {
		int rc = read_input(&m, &m.in[i]);

		if (rc) {
			if (rc == PYN_ENOMEM)
				say("out of memory");
			status = rc == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
						    PYN__EXIT_USAGE;
			goto out;
		}
	}
	check(&m);
	if (m.problems) {
		fprintf(stderr,
			"pyntest merge: nothing written: %d problem%s above\n",
			m.problems, m.problems == 1 ? "" : "s");
		status = PYN__EXIT_TESTS_FAILED;
		goto out;
	}
	if (html && write_html(&m, html, &err)) {
		say("%s", err.message);
		status = PYN__EXIT_INTERNAL;
		goto out;
	}
	if (!out && !html) {
		status = write_merged(stdout, &m) || fflush(stdout) ?
				 PYN__EXIT_INTERNAL :
				 PYN__EXIT_OK;
		goto out;
	}
	if (out && pyn__report_write_atomic(out, "merged JUnit report",
					    write_merged, &m, &err)) {
		say("%s", err.message);
		status = PYN__EXIT_INTERNAL;
		goto out;
	}
	status = PYN__EXIT_OK;
out:
	release(&m);
	return status;
}
