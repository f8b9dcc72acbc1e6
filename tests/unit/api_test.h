/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/api_test.h - what the test-api-* programs share: functions
 * that sleep or do nothing, the warnings a limited function gives, and
 * a limited function made with them collected.
 */
#ifndef PYN_TESTS_API_TEST_H
#define PYN_TESTS_API_TEST_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

#include "unit.h"

static inline void fn_sleep(void *arg)
{
	(void)arg;
	for (;;)
		pause();
}

static inline void fn_nothing(void *arg)
{
	(void)arg;
}

/* ---- warnings --------------------------------------------------------- */

struct warnings {
	unsigned n;
	char last[1024];
	char all[4096];
};

static inline void collect(void *user, const char *message)
{
	struct warnings *w = user;
	size_t len = strlen(w->all);

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", message);
	snprintf(w->all + len, sizeof(w->all) - len, "%s\n", message);
}

static inline struct pyn_limited *
make(void (*fn)(void *), const struct pyn_limits *lim, struct warnings *w)
{
	struct pyn_error err = { 0 };
	struct pyn_limited *lf = pyn_limited_new(fn, lim, &err);

	if (!lf)
		fprintf(stderr, "\npyn_limited_new: %s\n", err.message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	pyn_limited_on_warning(lf, collect, w);
	return lf;
}

#endif /* PYN_TESTS_API_TEST_H */
