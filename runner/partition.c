/* SPDX-License-Identifier: MIT */
/*
 * runner/partition.c - a sharded run's shard from the CI system it runs
 * on, and the durations a split by time weighs tests with.
 *
 * Each CI system that fans a job out names the copy's index and the
 * number of copies in variables of its own; this file knows them, so a
 * user writes `pyntest suite.yaml` in the job and nothing else.  The
 * order below is the precedence (docs/sharding.md): the test protocols
 * first (Bazel and GoogleTest set theirs inside a CI job that may itself
 * be fanned out), then the CI systems.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli.h"
#include "runner/partition.h"
#include "runner/report/xml_read.h"

struct env_source {
	const char *system;
	const char *total; /* NULL: the total comes from --shard-total */
	const char *index;
	unsigned base; /* the first index: 0 or 1 */
	bool status_file; /* Bazel/GoogleTest: touch *_SHARD_STATUS_FILE */
};

static const struct env_source sources[] = {
	{ "Bazel", "TEST_TOTAL_SHARDS", "TEST_SHARD_INDEX", 0, true },
	{ "GoogleTest", "GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", 0, true },
	{ "GitLab", "CI_NODE_TOTAL", "CI_NODE_INDEX", 1, false },
	{ "CircleCI", "CIRCLE_NODE_TOTAL", "CIRCLE_NODE_INDEX", 0, false },
	{ "Buildkite", "BUILDKITE_PARALLEL_JOB_COUNT", "BUILDKITE_PARALLEL_JOB",
	  0, false },
	{ "Kubernetes", NULL, "JOB_COMPLETION_INDEX", 0, false },
};

static bool number(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out <= 1000000;
}

int pyn__partition_from_env(struct pyn__cli *cli, struct pyn_error *err)
{
	for (size_t k = 0; k < sizeof(sources) / sizeof(sources[0]); k++) {
		const struct env_source *s = &sources[k];
		const char *total = s->total ? getenv(s->total) : NULL;
		const char *index = getenv(s->index);
		unsigned long n, i;
		char total_text[32];

		if (s->total) {
			if (!total || !*total)
				continue;
			/* GitLab sets CI_NODE_TOTAL=1 on jobs not fanned out. */
			if (!strcmp(total, "1") && (!index || !*index))
				continue;
		} else {
			if (!index || !*index)
				continue;
			if (!cli->shard_total)
				continue; /* an Indexed Job need not shard tests */
			snprintf(total_text, sizeof(total_text), "%u",
				 cli->shard_total);
			total = total_text;
		}
		if (!number(total, &n) || n < 1 || !number(index, &i) ||
		    i < s->base || i - s->base >= n)
			return pyn__usage_error(
				err,
				"environment %s=%s and %s%s%s are not a shard of %s "
				"(%u <= index < %u + total)",
				s->index, index ? index : "(unset)",
				s->total ? s->total : "--shard-total ",
				s->total ? "=" : "", total, s->system, s->base,
				s->base);
		cli->shard_index = (unsigned)(i - s->base);
		cli->shard_count = (unsigned)n;
		cli->shard_from_env = s->status_file;
		snprintf(cli->shard_source, sizeof(cli->shard_source),
			 "%s: %s=%s, %s%s%s", s->system, s->index, index,
			 s->total ? s->total : "--shard-total ",
			 s->total ? "=" : "", total);
		return 0;
	}
	if (cli->shard_total)
		return pyn__usage_error(
			err,
			"option '--shard-total' needs JOB_COMPLETION_INDEX "
			"(a Kubernetes Indexed Job) in the environment");
	return 0;
}

/* ---- durations ------------------------------------------------------- */

/* Add (id, seconds) to d, growing it. */
static int add(struct pyn__durations *d, size_t *cap, char *id, double seconds)
{
	if (d->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;
		struct pyn__timing *p = realloc(d->t, ncap * sizeof(*p));

		if (!p)
			return PYN_ENOMEM;
		d->t = p;
		*cap = ncap;
	}
	d->t[d->n].id = id;
	d->t[d->n].seconds = seconds;
	d->n++;
	return 0;
}

/* Every <testcase> of the JUnit text [s, end). */
static int from_junit(struct pyn__durations *d, const char *s, const char *end)
{
	struct pyn__xml_tag t;
	size_t cap = 0;
	int rc;

	while ((rc = pyn__xml_next(&s, end, &t)) > 0) {
		char *cls = NULL, *name = NULL, *time = NULL, *id = NULL;
		double secs;
		char *e;

		if (t.closing || !pyn__xml_is(&t, "testcase"))
			continue;
		if (pyn__xml_attr(&t, "name", &name) &&
		    pyn__xml_attr(&t, "time", &time)) {
			pyn__xml_attr(&t, "classname", &cls);
			errno = 0;
			secs = strtod(time, &e);
			if (!errno && e != time && secs >= 0 &&
			    asprintf(&id, "%s%s%s", cls && *cls ? cls : "",
				     cls && *cls ? "." : "", name) >= 0 &&
			    add(d, &cap, id, secs)) {
				free(id);
				rc = PYN_ENOMEM;
			}
		}
		free(cls);
		free(name);
		free(time);
		if (rc == PYN_ENOMEM)
			return rc;
	}
	return rc < 0 ? PYN_EINVAL : 0;
}

int pyn__durations_load(struct pyn__durations *d, const char *path,
			struct pyn_error *err)
{
	const char *p;
	char *text;
	size_t w = 0, len = 0;

	memset(d, 0, sizeof(*d));
	text = pyn__xml_load(path, &len);
	if (!text)
		return pyn__usage_error(err,
					"cannot read durations from '%s': %s",
					path, strerror(errno));
	for (p = text; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
		;
	if (*p == '<') {
		int rc = from_junit(d, text, text + len);

		free(text);
		if (rc == PYN_ENOMEM)
			return pyn__usage_error(
				err, "out of memory reading '%s'", path);
		if (rc)
			return pyn__usage_error(
				err, "'%s' is not well-formed XML", path);
		snprintf(d->source, sizeof(d->source), "the JUnit report %s",
			 path);
		if (d->n)
			qsort(d->t, d->n, sizeof(*d->t), pyn__timing_by_id);
	} else {
		free(text);
		d->t = pyn__cache_read(path, &d->n);
		snprintf(d->source, sizeof(d->source), "the duration file %s",
			 path);
	}
	if (!d->n)
		return pyn__usage_error(
			err,
			"'%s' holds no test durations (a JUnit report, or "
			"pyntest's cache of \"SECONDS ID\" lines)",
			path);
	/* A test listed more than once (retries, merged reports): longest. */
	for (size_t i = 0; i < d->n; i++) {
		if (w && !strcmp(d->t[w - 1].id, d->t[i].id)) {
			if (d->t[i].seconds > d->t[w - 1].seconds)
				d->t[w - 1].seconds = d->t[i].seconds;
			free(d->t[i].id);
			continue;
		}
		d->t[w++] = d->t[i];
	}
	d->n = w;
	return 0;
}

double pyn__durations_get(void *user, const char *id)
{
	const struct pyn__durations *d = user;
	struct pyn__timing key = { .id = (char *)id }, *hit;

	if (!d || !d->n)
		return -1;
	hit = bsearch(&key, d->t, d->n, sizeof(*d->t), pyn__timing_by_id);
	return hit ? hit->seconds : -1;
}

void pyn__durations_release(struct pyn__durations *d)
{
	if (!d)
		return;
	pyn__timings_free(d->t, d->n);
	memset(d, 0, sizeof(*d));
}
