/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/plan_test.h - what the test-plan-* programs share: a fresh
 * folder per test with files and the fixture object in it, manifests
 * parsed and planned, the plan's error, a planned test found by id.
 *
 * PYN_CONFIG_FIXTURE is the path of a small shared object built from
 * tests/suites/bad/fixture_lib.c; each test copies it into a fresh folder.
 */
#ifndef PYN_TESTS_PLAN_TEST_H
#define PYN_TESTS_PLAN_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf.h>

#include "config/elf.h"
#include "config/manifest.h"
#include "config/plan.h"
#include "config/util.h"
#include "unit.h"

static char dir[PATH_MAX];

static inline void write_file(const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static inline void copy_fixture(const char *name)
{
	char path[PATH_MAX + 64], buf[65536];
	int in = open(PYN_CONFIG_FIXTURE, O_RDONLY), out;
	ssize_t n;

	CU_ASSERT_FATAL(in >= 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CU_ASSERT_FATAL(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CU_ASSERT_FATAL(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
}

static inline void setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pyn-plan-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	unsetenv("PYNTEST_LIBRARY_PATH");
	unsetenv("PYNTEST_PLUGIN_PATH");
}

static inline void remove_dir(void)
{
	char cmd[PATH_MAX + 16];

	CU_ASSERT_FATAL(chdir("/") == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static inline struct pyn_manifest *manifest(const char *name, const char *yaml)
{
	char path[PATH_MAX + 64];
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };

	write_file(name, yaml, 0644);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (pyn_manifest_load(&m, path, &err))
		fprintf(stderr, "\n%s:%u:%u: %s\n", err.file, err.line,
			err.column, err.message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m;
}

/* Build from one manifest; returns the code, the message in `err`. */
static inline int build(struct pyn_plan *plan, const char *yaml,
			const struct pyn_plan_options *opt,
			struct pyn_error *err)
{
	struct pyn_manifest *m = manifest("m.yaml", yaml);
	int rc;

	memset(err, 0, sizeof(*err));
	rc = pyn_plan_build(plan, &m, 1, opt, err);
	pyn_manifest_free(m);
	return rc;
}

static inline void build_ok(struct pyn_plan *plan, const char *yaml,
			    const struct pyn_plan_options *opt)
{
	struct pyn_error err;
	int rc = build(plan, yaml, opt, &err);

	if (rc)
		fprintf(stderr, "\n%u:%u: %s\n", err.line, err.column,
			err.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* "LINE:COLUMN: MESSAGE" of a refused plan. */
static inline const char *build_error(const char *yaml,
				      const struct pyn_plan_options *opt)
{
	static char out[PYN_ERROR_MESSAGE_MAX + 32];
	struct pyn_plan plan;
	struct pyn_error err;
	int rc = build(&plan, yaml, opt, &err);

	CU_ASSERT(rc < 0);
	CU_ASSERT_EQUAL(plan.n_tests, 0);
	CU_ASSERT_PTR_NULL(plan.tests);
	if (rc == 0)
		pyn_plan_release(&plan);
	snprintf(out, sizeof(out), "%u:%u: %s", err.line, err.column,
		 err.message);
	return out;
}

#define EXPECT_PLAN_ERROR(yaml, opt, want)                                     \
	do {                                                                   \
		const char *got_ = build_error(yaml, opt);                     \
		if (strcmp(got_, want))                                        \
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", got_,    \
				want);                                         \
		CU_ASSERT_STRING_EQUAL(got_, want);                            \
	} while (0)

static inline const struct pyn_plan_test *find(const struct pyn_plan *plan,
					       const char *id)
{
	size_t i;

	for (i = 0; i < plan->n_tests; i++)
		if (strcmp(plan->tests[i].id, id) == 0)
			return &plan->tests[i];
	return NULL;
}

#endif /* PYN_TESTS_PLAN_TEST_H */
