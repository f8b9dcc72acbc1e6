/* SPDX-License-Identifier: MIT */
/*
 * runner/cache.c - how long each test took last time, so the scheduler
 * can start the longest first, and which tests failed last time, for
 * --last-failed and --failed-first.
 *
 * One small text file per set of manifests, "SECONDS ID" a line, and
 * "failed ID" for each test whose last run did not meet its expectation
 * (a line older readers skip, as it is no number), under
 * $PYNTEST_CACHE_DIR, else $XDG_CACHE_HOME/pyntest, else ~/.cache/pyntest,
 * named by a hash of the manifests' absolute paths (not beside the report:
 * Bazel and CI keep report directories for reports).  Entries of tests
 * this run did not touch (filtered out, other shards, not run) are kept.
 * Every failure to read or write it is ignored: it only orders and picks
 * work.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outcome.h"
#include "runner/cli.h"

int pyn__timing_by_id(const void *pa, const void *pb)
{
	return strcmp(((const struct pyn__timing *)pa)->id,
		      ((const struct pyn__timing *)pb)->id);
}

char *pyn__cache_path(const char *const *manifests, size_t n)
{
	const char *dir = getenv("PYNTEST_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	char *base = NULL, *path = NULL;

	for (size_t i = 0; i < n; i++) {
		char abs[PATH_MAX];
		const char *p =
			realpath(manifests[i], abs) ? abs : manifests[i];

		for (; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		h = (h ^ '\n') * 1099511628211ull;
	}
	if (dir && *dir)
		base = strdup(dir);
	else if (xdg && *xdg) {
		if (asprintf(&base, "%s/pyntest", xdg) < 0)
			base = NULL;
	} else if (home && *home) {
		char *cache;

		if (asprintf(&cache, "%s/.cache", home) >= 0) {
			mkdir(cache, 0777);
			free(cache);
		}
		if (asprintf(&base, "%s/.cache/pyntest", home) < 0)
			base = NULL;
	}
	if (!base)
		return NULL;
	mkdir(base, 0777);
	if (asprintf(&path, "%s/%016llx.durations", base,
		     (unsigned long long)h) < 0)
		path = NULL;
	free(base);
	return path;
}

/*
 * Lines of "SECONDS ID" and "failed ID"; sorted by id, one item an id.
 * *n gets the count.  Only a regular file is read: a FIFO in its place
 * would block pyntest before it ran anything, a device would never end.
 * Opened without blocking, checked, then read; anything else is ignored,
 * with a warning when `warn`.
 */
static struct pyn__timing *cache_read(const char *path, size_t *n, bool warn)
{
	struct pyn__timing *c = NULL;
	size_t cap = 0, w = 0;
	char *line = NULL;
	size_t len = 0;
	struct stat st;
	FILE *f;
	int fd;

	*n = 0;
	if (!path)
		return NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (warn)
			fprintf(stderr,
				"pyntest: warning: duration cache '%s' is not a regular file; ignored\n",
				path);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return NULL;
	}
	while (getline(&line, &len, f) > 0) {
		char *end, *id;
		double secs = strtod(line, &end);
		bool failed = false;

		if (!strncmp(line, "failed ", 7)) {
			failed = true;
			secs = -1;
			end = line + 6;
		} else if (end == line || *end != ' ' || secs < 0) {
			continue;
		}
		id = end + 1;
		id[strcspn(id, "\n")] = '\0';
		if (!*id)
			continue;
		if (*n == cap) {
			struct pyn__timing *p;

			cap = cap ? 2 * cap : 64;
			p = realloc(c, cap * sizeof(*p));
			if (!p)
				break;
			c = p;
		}
		c[*n].id = strdup(id);
		c[*n].seconds = secs;
		c[*n].failed = failed;
		c[*n].done = false;
		if (c[*n].id)
			(*n)++;
	}
	free(line);
	fclose(f);
	if (!*n)
		return c;
	qsort(c, *n, sizeof(*c), pyn__timing_by_id);
	/* One item an id: its duration and whether it failed. */
	for (size_t i = 1; i < *n; i++) {
		if (!strcmp(c[i].id, c[w].id)) {
			if (c[i].seconds >= 0)
				c[w].seconds = c[i].seconds;
			c[w].failed |= c[i].failed;
			free(c[i].id);
		} else {
			c[++w] = c[i];
		}
	}
	*n = w + 1;
	return c;
}

struct pyn__timing *pyn__cache_read(const char *path, size_t *n)
{
	return cache_read(path, n, true);
}

void pyn__timings_free(struct pyn__timing *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i].id);
	free(c);
}

double *pyn__cache_load(const char *path, const struct pyn_plan *plan)
{
	struct pyn__timing *c;
	double *d;
	size_t n;

	if (!path)
		return NULL;
	c = cache_read(path, &n, true);
	if (!c)
		return NULL;
	d = malloc((plan->n_tests ? plan->n_tests : 1) * sizeof(*d));
	for (size_t i = 0; d && i < plan->n_tests; i++) {
		struct pyn__timing key = { .id = plan->tests[i].id };
		struct pyn__timing *hit =
			bsearch(&key, c, n, sizeof(*c), pyn__timing_by_id);

		d[i] = hit ? hit->seconds : -1;
	}
	pyn__timings_free(c, n);
	return d;
}

char **pyn__cache_failed(const char *path, size_t *n)
{
	size_t n_all;
	struct pyn__timing *c = pyn__cache_read(path, &n_all);
	char **ids = NULL;

	*n = 0;
	if (c)
		ids = calloc(n_all + 1, sizeof(*ids));
	for (size_t i = 0; ids && i < n_all; i++) {
		if (c[i].failed) {
			ids[(*n)++] = c[i].id; /* sorted, as c is */
			c[i].id = NULL;
		}
	}
	pyn__timings_free(c, n_all);
	if (ids && !*n) {
		free(ids);
		ids = NULL;
	}
	return ids;
}

static int by_string(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

bool pyn__cache_has(char *const *ids, size_t n, const char *id)
{
	return ids && bsearch(&id, ids, n, sizeof(*ids), by_string);
}

void pyn__cache_free_ids(char **ids, size_t n)
{
	for (size_t i = 0; ids && i < n; i++)
		free(ids[i]);
	free(ids);
}

static void write_item(FILE *f, const char *id, double seconds, bool failed)
{
	if (seconds >= 0)
		fprintf(f, "%.6f %s\n", seconds, id);
	if (failed)
		fprintf(f, "failed %s\n", id);
}

void pyn__cache_save(const char *path, const struct pyn__report *report)
{
	struct pyn__timing *old;
	char *tmp = NULL;
	size_t n_old;
	FILE *f;
	int fd;

	if (!path)
		return;
	old = cache_read(path, &n_old, false);
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out_free;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		goto out_free;
	}
	for (size_t i = 0; i < report->n_entries; i++) {
		const struct pyn__report_entry *e = &report->entries[i];
		const struct pyn__attempt *a = pyn__entry_primary(e);
		enum pyn_outcome v = pyn__entry_verdict(e);
		struct pyn__timing key = { .id = e->test->id }, *hit;
		double seconds;
		bool failed, ran;

		hit = old ? bsearch(&key, old, n_old, sizeof(*old),
				    pyn__timing_by_id) :
			    NULL;
		if (hit && hit->done)
			continue; /* the same id twice: the first counts */
		/* Not run or interrupted: what was known stays. */
		ran = a && v != PYN_OUTCOME_NOT_RUN &&
		      a->result.outcome != PYN_OUTCOME_INTERRUPTED &&
		      a->result.outcome != PYN_OUTCOME_NOT_RUN;
		seconds = hit ? hit->seconds : -1;
		failed = hit && hit->failed;
		if (ran && a->result.wall_time_s > 0)
			seconds = a->result.wall_time_s;
		if (ran)
			failed = pyn__outcome_is_failed(v);
		write_item(f, e->test->id, seconds, failed);
		if (hit)
			hit->done = true;
	}
	/* Keep what this run did not touch (filtered out, other shards). */
	for (size_t i = 0; i < n_old; i++)
		if (!old[i].done)
			write_item(f, old[i].id, old[i].seconds, old[i].failed);
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
out_free:
	free(tmp);
out:
	pyn__timings_free(old, n_old);
}
