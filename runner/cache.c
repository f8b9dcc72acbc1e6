/* SPDX-License-Identifier: MIT */
/*
 * runner/cache.c - how long each test took last time, so the scheduler
 * can start the longest first.
 *
 * One small text file per set of manifests, "SECONDS ID" a line, under
 * $PYNTEST_CACHE_DIR, else $XDG_CACHE_HOME/pyntest, else ~/.cache/pyntest,
 * named by a hash of the manifests' absolute paths (not beside the report:
 * Bazel and CI keep report directories for reports).  Entries of tests
 * this run did not touch (filtered out, other shards) are kept.  Every
 * failure to read or write it is ignored: it only orders work.
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
 * Only a regular file is read: a FIFO in its place would block pyntest
 * before it ran anything, a device would never end.  Opened without
 * blocking, checked, then read; anything else is ignored, with a warning
 * when `warn`.
 */
static struct pyn__timing *cache_read(const char *path, size_t *n, bool warn)
{
	struct pyn__timing *c = NULL;
	size_t cap = 0;
	char *line = NULL;
	size_t len = 0;
	struct stat st;
	FILE *f;
	int fd;

	*n = 0;
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

		if (end == line || *end != ' ' || secs < 0)
			continue;
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
		if (c[*n].id)
			(*n)++;
	}
	free(line);
	fclose(f);
	if (*n)
		qsort(c, *n, sizeof(*c), pyn__timing_by_id);
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
		struct pyn__timing key = { .id = e->test->id }, *hit;

		hit = old ? bsearch(&key, old, n_old, sizeof(*old),
				    pyn__timing_by_id) :
			    NULL;
		if (a && a->result.outcome != PYN_OUTCOME_INTERRUPTED &&
		    a->result.wall_time_s > 0) {
			fprintf(f, "%.6f %s\n", a->result.wall_time_s,
				e->test->id);
			if (hit)
				hit->seconds = -1; /* replaced */
		} else if (hit) {
			fprintf(f, "%.6f %s\n", hit->seconds, hit->id);
			hit->seconds = -1;
		}
	}
	/* Keep what this run did not touch (filtered out, other shards). */
	for (size_t i = 0; i < n_old; i++)
		if (old[i].seconds >= 0)
			fprintf(f, "%.6f %s\n", old[i].seconds, old[i].id);
	if (fclose(f) || rename(tmp, path))
		unlink(tmp);
out_free:
	free(tmp);
out:
	pyn__timings_free(old, n_old);
}
