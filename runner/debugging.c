/* SPDX-License-Identifier: MIT */
/*
 * runner/debugging.c - the debugging options on the plan (docs/
 * instruments.md, "Debugging"): --debug ID runs that one test in the
 * foreground (no limits, no timers, no kills, the terminal attached),
 * --wrapper runs each test's process under a tool, --core-dumps keeps
 * the core a crash leaves and names it.
 */
#include <stdio.h>
#include <string.h>

#include "runner/cli.h"

static int nomem(struct pyn_error *err)
{
	memset(err, 0, sizeof(*err));
	err->code = PYN_ENOMEM;
	snprintf(err->message, sizeof(err->message), "out of memory");
	return PYN_ENOMEM;
}

int pyn__debug_plan(struct pyn_plan *plan, const struct pyn__cli *cli,
		    struct pyn_error *err)
{
	struct pyn_limits l;

	for (size_t i = 0;
	     (cli->wrapper || cli->core_dumps) && i < plan->n_tests; i++) {
		l = *plan->tests[i].limits;
		/* "" turns the manifest's wrapper off. */
		if (cli->wrapper)
			l.wrapper = cli->wrapper[0] ? cli->wrapper : NULL;
		if (cli->core_dumps)
			l.core_dumps = true;
		if (pyn_plan_set_limits(plan, &plan->tests[i], &l))
			return nomem(err);
	}
	if (!cli->debug_id)
		return 0;
	if (plan->n_tests != 1) {
		memset(err, 0, sizeof(*err));
		err->code = PYN_EUSAGE;
		snprintf(err->message, sizeof(err->message),
			 "option '--debug' runs exactly one test, and '%s' "
			 "selects %zu (pyntest --list shows the ids)",
			 cli->debug_id, plan->n_tests);
		return PYN_EUSAGE;
	}
	l = *plan->tests[0].limits;
	/* No deadline, no limit to enforce, nothing killed afterwards. */
	l.wall_time_s = 0;
	l.cpu_time_s = 0;
	l.memory_bytes = 0;
	l.terminate_child_processes = false;
	/* The terminal's: output not captured, stdin not /dev/null. */
	l.capture_output = false;
	l.foreground = true;
	/*
	 * fork: the test is this process's child, with the library loaded
	 * in it (a debugger follows the fork); a wrapper execs the worker.
	 */
	l.isolation = PYN_ISOLATION_FORK;
	if (pyn_plan_set_limits(plan, &plan->tests[0], &l))
		return nomem(err);
	plan->tests[0].retries = 0;
	plan->tests[0].skip = false;
	return 0;
}
