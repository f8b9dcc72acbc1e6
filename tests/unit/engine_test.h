/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/engine_test.h - what the test-engine-* programs share: the
 * result and error of the last call, running a function or a fixture
 * library's symbol into them, and a few test functions.
 */
#ifndef PYN_TESTS_ENGINE_TEST_H
#define PYN_TESTS_ENGINE_TEST_H

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "../objects/no_pidfd.h"

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

static struct pyn_result res = PYN_RESULT_INIT;
static struct pyn_error err;

static inline int call(void (*fn)(void *), void *arg,
		       const struct pyn_limits *lim)
{
	int rc;

	pyn_result_release(&res);
	rc = pyn_call(fn, arg, lim, &res, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  pyn_call: %s\n", err.message);
	return rc;
}

/* SYM of LIB with SETUP and TEARDOWN (may be NULL) into res. */
static inline int run_steps(const char *lib, const char *sym, const char *setup,
			    const char *teardown, enum pyn_isolation iso,
			    struct pyn_limits *lim)
{
	struct pyn_limits none = PYN_LIMITS_INIT;
	struct pyn_task task;
	int rc;

	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_SYMBOL;
	task.name = sym;
	task.library = lib;
	task.symbol = sym;
	task.setup = setup;
	task.teardown = teardown;
	if (!lim)
		lim = &none;
	lim->isolation = iso;
	pyn_result_release(&res);
	rc = pyn_run(&task, lim, &res, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  pyn_run: %s\n", err.message);
	return rc;
}

static inline int run_sym(const char *lib, const char *sym,
			  enum pyn_isolation iso, struct pyn_limits *lim)
{
	return run_steps(lib, sym, NULL, NULL, iso, lim);
}

static inline int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static inline void show(void)
{
	fprintf(stderr, "\n  outcome %s, type '%s', message '%s'\n",
		pyn_outcome_name(res.outcome), res.error_type, res.message);
}

static inline int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static inline int suite_clean(void)
{
	pyn_result_release(&res);
	return 0;
}

/* Test functions more than one program runs. */

static inline void fn_pass(void *arg)
{
	(void)arg;
	CU_ASSERT_EQUAL(2, 2);
}

static inline void fn_exit3(void *arg)
{
	(void)arg;
	exit(3);
}

static inline void fn_abort(void *arg)
{
	(void)arg;
	abort();
}

static inline void fn_sleep(void *arg)
{
	(void)arg;
	sleep(30);
}

/* The isolation modes a fixture library runs in. */
static const enum pyn_isolation modes[]
	__attribute__((unused)) = { PYN_ISOLATION_FORK, PYN_ISOLATION_SPAWN,
				    PYN_ISOLATION_FORKSERVER };

#endif
