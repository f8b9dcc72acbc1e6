/* SPDX-License-Identifier: MIT */
/*
 * runner/paths.c - report paths checked before anything runs (issue 20
 * items 4 and 11): `-o suite.yaml suite.yaml` must not replace the
 * manifest, `-o libx.so` the test library, `-o r.xml --html r.xml` one
 * report with the other, and `-o newreport.xml/` must not run every test
 * to fail at the end.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/paths.h"

/*
 * access() says yes to root everywhere, and some folders (/proc, /sys)
 * take no new file whatever their modes: make one, as the report's
 * writer will, and remove it.
 */
static int probe(const char *what, const char *dir, struct pyn_error *err)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/.pyntest-probe-%ld.XXXXXX", dir,
		     (long)getpid()) >= (int)sizeof(path))
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s: path too long", what);
	fd = mkstemp(path);
	if (fd < 0)
		return pyn_error_set(
			err, PYN_EUSAGE, NULL, 0, 0,
			"%s: cannot create a file in folder '%s': %s", what,
			dir,
			errno == ENOENT ? "it takes no new files" :
					  strerror(errno));
	close(fd);
	unlink(path);
	return 0;
}

int pyn__report_path_check(const char *what, const char *path,
			   struct pyn_error *err)
{
	char copy[PATH_MAX];
	const char *dir;
	struct stat st;
	size_t len = strlen(path);

	if (!len)
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s needs a file name", what);
	if (len >= sizeof(copy))
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s: path too long", what);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s: '%s' is a directory", what, path);
	/* "report.xml/" names a folder: a file cannot be renamed there. */
	if (path[len - 1] == '/')
		return pyn_error_set(
			err, PYN_EUSAGE, NULL, 0, 0,
			"%s: '%s' ends with '/': a report is a file", what,
			path);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s: '%s' is not a regular file", what,
				     path);
	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy);
	if (stat(dir, &st) < 0)
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s: folder '%s' does not exist", what,
				     dir);
	if (!S_ISDIR(st.st_mode))
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s: '%s' is not a folder", what, dir);
	if (access(dir, W_OK | X_OK) < 0)
		return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
				     "%s: cannot write in folder '%s': %s",
				     what, dir, strerror(errno));
	return probe(what, dir, err);
}

/* Who a file is: device and inode when it exists, else where it would be. */
struct file_id {
	bool exists;
	dev_t dev;
	ino_t ino;
	char canon[PATH_MAX];
};

static void identify(const char *path, struct file_id *id)
{
	char dcopy[PATH_MAX], bcopy[PATH_MAX], dir[PATH_MAX];
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) == 0) {
		id->exists = true;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
		return;
	}
	snprintf(dcopy, sizeof(dcopy), "%s", path);
	snprintf(bcopy, sizeof(bcopy), "%s", path);
	if (!realpath(dirname(dcopy), dir) ||
	    snprintf(id->canon, sizeof(id->canon), "%s/%s",
		     strcmp(dir, "/") ? dir : "",
		     basename(bcopy)) >= (int)sizeof(id->canon))
		snprintf(id->canon, sizeof(id->canon), "%.*s",
			 (int)sizeof(id->canon) - 1, path);
}

static bool same(const struct file_id *a, const struct file_id *b)
{
	if (a->exists != b->exists)
		return false;
	if (a->exists)
		return a->dev == b->dev && a->ino == b->ino;
	return !strcmp(a->canon, b->canon);
}

static int refuse(struct pyn_error *err, const struct pyn__report_path *r,
		  const char *kind, const char *other)
{
	return pyn_error_set(
		err, PYN_EUSAGE, NULL, 0, 0,
		"%s: '%s' is %s '%s': pyntest will not write a report over it",
		r->what, r->path, kind, other);
}

/* A library as the plan names it, maybe without its extension. */
static bool same_library(const struct file_id *report, const char *lib)
{
	static const char *const exts[] = { "", ".so", ".la" };
	char path[PATH_MAX];
	struct file_id id;

	for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
		if (snprintf(path, sizeof(path), "%s%s", lib, exts[i]) >=
		    (int)sizeof(path))
			continue;
		identify(path, &id);
		if (id.exists && same(report, &id))
			return true;
	}
	return false;
}

static int clash_plan(const struct pyn__report_path *r,
		      const struct file_id *id, const struct pyn_plan *plan,
		      struct pyn_error *err)
{
	const char *last = NULL;

	for (size_t i = 0; i < plan->n_tests; i++) {
		const struct pyn_plan_test *t = &plan->tests[i];
		const char *lib = pyn_plan_test_code(t);

		/* Tests of one suite share it: look once. */
		if (!lib || (last && !strcmp(lib, last)))
			continue;
		last = lib;
		if (same_library(id, lib))
			return refuse(err, r,
				      t->code->program ? "the test program" :
							 "the test library",
				      lib);
	}
	for (size_t i = 0; i < plan->n_plugins; i++)
		if (same_library(id, plan->plugins[i]))
			return refuse(err, r, "the plug-in", plan->plugins[i]);
	return 0;
}

int pyn__report_paths_clash(const struct pyn__report_path *reports, size_t n,
			    const char *const *manifests, size_t n_manifests,
			    const struct pyn_plan *plan, struct pyn_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct pyn__report_path *r = &reports[i];
		struct file_id id, other;

		identify(r->path, &id);
		for (size_t k = 0; k < i; k++) {
			identify(reports[k].path, &other);
			if (same(&id, &other))
				return pyn_error_set(
					err, PYN_EUSAGE, NULL, 0, 0,
					"%s: '%s' is the same file as %s '%s': each report needs its own",
					r->what, r->path, reports[k].what,
					reports[k].path);
		}
		for (size_t k = 0; k < n_manifests; k++) {
			identify(manifests[k], &other);
			if (same(&id, &other))
				return refuse(err, r, "the manifest",
					      manifests[k]);
		}
		if (id.exists && plan && clash_plan(r, &id, plan, err))
			return PYN_EUSAGE;
	}
	return 0;
}
