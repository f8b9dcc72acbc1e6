/* SPDX-License-Identifier: MIT */
/*
 * runner/merge_read.c - `pyntest merge`: the shard reports read (suites,
 * testcases, shard comments) and checked (a test in two reports, a shard
 * given twice or missing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/merge_internal.h"
#include "runner/report/report.h"
#include "runner/report/xml_read.h"

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

static struct pyn__merge_suite *suite_of(struct pyn__merge *m, const char *name)
{
	struct pyn__merge_suite *p;

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
 * Past the end tag of testcase `t`, just read: fills what its direct
 * children say of it (failure, error, skipped).  False on broken markup.
 */
static bool read_case(const char **pos, const char *end,
		      const struct pyn__xml_tag *t, bool *failure, bool *error,
		      bool *skipped)
{
	struct pyn__xml_tag c;

	if (t->empty)
		return true;
	while (pyn__xml_next(pos, end, &c) > 0) {
		if (c.closing)
			return true;
		*failure |= pyn__xml_is(&c, "failure");
		*error |= pyn__xml_is(&c, "error");
		*skipped |= pyn__xml_is(&c, "skipped");
		if (!pyn__xml_skip(pos, end, &c, NULL))
			return false;
	}
	return false;
}
static bool add_id(struct pyn__merge *m, const struct pyn__xml_tag *t,
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
		struct pyn__merge_seen *p = realloc(m->ids, cap * sizeof(*p));

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
static int read_suite(struct pyn__merge *m, struct pyn__merge_report *in,
		      const char **pos, const struct pyn__xml_tag *t,
		      struct pyn__merge_suite *s)
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
			if (!read_case(pos, end, &c, &f, &e, &k))
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
				if (!pyn__xml_skip(pos, end, &p, NULL))
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
			const char *inner = c.stop, *close;

			if (!pyn__xml_skip(pos, end, &c, &close))
				return PYN_EINVAL;
			if (!c.empty) {
				if (!push_range(out ? &s->out : &s->err,
						out ? &s->n_out : &s->n_err,
						inner, close) ||
				    (out && !push_range(&in->outs, &in->n_outs,
							inner, close)))
					return PYN_ENOMEM;
			}
		} else if (!pyn__xml_skip(pos, end, &c, NULL)) {
			return PYN_EINVAL;
		}
	}
	s->time += timed ? time : case_time;
	return 0;
}

int pyn__merge_read_input(struct pyn__merge *m, struct pyn__merge_report *in)
{
	const char *pos, *end;
	struct pyn__xml_tag t;
	char shard[64];
	int rc;

	in->text = pyn__xml_load(in->path, &in->len);
	if (!in->text) {
		pyn__merge_say("cannot read '%s': %s", in->path,
			       strerror(errno));
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
		struct pyn__merge_suite *s;

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
		pyn__merge_say(
			"'%s' is not a well-formed JUnit report (near byte %zu)",
			in->path, (size_t)(pos - in->text));
		return PYN_EUSAGE;
	}
	return 0;
}

static int by_id(const void *pa, const void *pb)
{
	const struct pyn__merge_seen *a = pa, *b = pb;

	return strcmp(a->id, b->id);
}

/* A test in two reports; a shard given twice, missing, or of two sizes. */
void pyn__merge_check(struct pyn__merge *m)
{
	unsigned n = 0, dups = 0;
	const char **who;

	qsort(m->ids, m->n_ids, sizeof(*m->ids), by_id);
	for (size_t i = 1; i < m->n_ids; i++)
		if (!strcmp(m->ids[i - 1].id, m->ids[i].id) && ++dups <= 10) {
			pyn__merge_say("test '%s' is in two reports: %s and %s",
				       m->ids[i].id, m->ids[i - 1].path,
				       m->ids[i].path);
			m->problems++;
		}
	if (dups > 10) {
		pyn__merge_say("... and %u more tests in two reports",
			       dups - 10);
		m->problems++;
	}
	for (size_t i = 0; i < m->n_in; i++) {
		if (!m->in[i].shard_n)
			continue;
		if (n && m->in[i].shard_n != n) {
			pyn__merge_say(
				"'%s' is a shard of %u, others of %u: not one run",
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
			pyn__merge_say("shard %u/%u is given twice: %s and %s",
				       k, n, who[k], m->in[i].path);
			m->problems++;
		}
		who[k] = m->in[i].path;
	}
	for (unsigned k = 1; k <= n; k++)
		if (!who[k]) {
			pyn__merge_say(
				"shard %u/%u is missing: no report of it among "
				"the %zu given",
				k, n, m->n_in);
			m->problems++;
		}
	free(who);
}

void pyn__merge_release(struct pyn__merge *m)
{
	for (size_t i = 0; i < m->n_in; i++) {
		free(m->in[i].text);
		free(m->in[i].cases);
		free(m->in[i].outs);
	}
	free(m->in);
	for (size_t i = 0; i < m->n_suites; i++) {
		struct pyn__merge_suite *s = &m->suites[i];

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
