/* SPDX-License-Identifier: MIT */
/*
 * runner/check_load.c - `--check`: load each test library once, in a
 * limited child, so that what every test of it would fail on (a library
 * it needs that the dynamic loader cannot find, an undefined symbol, a
 * constructor that crashes) is said before anything runs.
 *
 * The runner never loads test code itself (SPEC §7): the child is made by
 * the engine, as a test's is, under a wall-time limit.
 */
#include <stdio.h>
#include <string.h>

#include <pyntest/test.h>

#include "base/error_list.h"
#include "host/loader.h"
#include "runner/cli.h"

/* Time a library gets to load, constructors included. */
#define LOAD_WALL_TIME_S 10.0

/* In the child: load the library; a failure is pyn_fail() with why. */
static void load_child(void *arg)
{
	const char *library = arg;
	struct pyn__module *module;
	struct pyn_error e;

	if (pyn__module_open(&module, library, &e))
		pyn_fail(1, "%s", e.message);
	pyn__module_close(module);
}

static const char *hint(const char *message)
{
	if (strstr(message, "cannot open shared object") ||
	    strstr(message, "No such file"))
		return "; a library it needs is searched on its RUNPATH "
		       "(link it with -Wl,-rpath,DIR) and LD_LIBRARY_PATH; "
		       "PYNTEST_LIBRARY_PATH only finds test libraries "
		       "themselves";
	if (strstr(message, "undefined symbol"))
		return "; link the library with every library it uses";
	return "";
}

int pyn__check_load(const struct pyn_plan *plan, struct pyn__error_list *errors,
		    struct pyn_error *err)
{
	struct pyn_error e;
	int first = 0;

	/* Every library on its own: one that does not load hides no other. */
	for (size_t i = 0; i < plan->n_tests; i++) {
		const struct pyn_plan_test *t = &plan->tests[i];
		struct pyn_limits limits = PYN_LIMITS_INIT;
		struct pyn_result res = PYN_RESULT_INIT;
		bool seen = false;
		int ret;

		if (!t->code->library)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = plan->tests[k].code->library &&
			       !strcmp(plan->tests[k].code->library,
				       t->code->library);
		if (seen)
			continue;
		limits.wall_time_s = LOAD_WALL_TIME_S;
		limits.isolation = PYN_ISOLATION_FORK;
		ret = pyn_call(load_child, (void *)t->code->library, &limits,
			       &res, err);
		if (ret)
			return ret;
		if (res.outcome != PYN_OUTCOME_PASS) {
			const char *why =
				res.message[0] ? res.message : "no message";

			bool failed = res.outcome == PYN_OUTCOME_FAIL;

			ret = pyn_error_set(
				&e, PYN_EMANIFEST, t->file, t->line, t->column,
				"test library of test '%s' does not load: %s%s%s%s",
				t->id,
				failed ? "" : pyn_outcome_name(res.outcome),
				failed ? "" : " while loading it: ", why,
				hint(why));
		}
		pyn_result_release(&res);
		if (ret) {
			pyn__error_list_add(errors, &e);
			if (!first && err)
				*err = e;
			first = first ? first : ret;
		}
	}
	return first;
}
