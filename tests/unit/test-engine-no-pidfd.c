/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-engine-no-pidfd.c - the engine end to end, without the
 * runner: the engine without pidfd_open (old kernels, Valgrind):
 * children watched through SIGCHLD.
 */
#include "engine_test.h"

/* ---- without pidfd_open ---------------------------------------------- */

/*
 * Valgrind 3.19 answers pidfd_open with ENOSYS, and so do old kernels:
 * the engine must then watch its children through SIGCHLD.  A seccomp
 * filter makes pidfd_open fail that way in a child, which runs tests of
 * every kind and mode there and exits with the number of wrong results.
 */

static int expect(enum pyn_outcome want, const char *what)
{
	if (res.outcome == want)
		return 0;
	fprintf(stderr, "\n  without pidfd_open, %s: want %s, got %s (%s)\n",
		what, pyn_outcome_name(want), pyn_outcome_name(res.outcome),
		res.message);
	return 1;
}

static void test_without_pidfd(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT, nap = PYN_LIMITS_INIT;
	int st, bad = 0, fds;
	size_t m, i;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (pyn_test_no_pidfd_open() != 0)
			_exit(100);
		if (syscall(SYS_pidfd_open, getpid(), 0) >= 0 ||
		    errno != ENOSYS)
			_exit(101);
		fds = count_fds();
		/*
		 * A net for tests that end by themselves: an exit() under
		 * LeakSanitizer, which checks the whole inherited heap, takes
		 * seconds on a loaded machine.  A lost SIGCHLD would still
		 * show: every such test would end at the net, a wall timeout.
		 */
		lim.wall_time_s = PYN_T(10);
		nap.wall_time_s = PYN_T(0.3);
		for (i = 0; i < 20; i++) {
			bad += pyn_call(fn_pass, NULL, &lim, &res, &err) != 0 ||
			       expect(PYN_OUTCOME_PASS, "pass");
			bad += pyn_call(fn_exit3, NULL, &lim, &res, &err) !=
				       0 ||
			       expect(PYN_OUTCOME_FAIL, "exit 3");
			bad += pyn_call(fn_abort, NULL, &lim, &res, &err) !=
				       0 ||
			       expect(PYN_OUTCOME_ERROR, "abort");
		}
		bad += pyn_call(fn_sleep, NULL, &nap, &res, &err) != 0 ||
		       expect(PYN_OUTCOME_WALL_TIMEOUT, "sleep");
		for (m = 0; m < 3; m++) {
			bad += run_sym(FIXTURE_LIB, "fx_pass", modes[m],
				       NULL) ||
			       expect(PYN_OUTCOME_PASS, "library fx_pass");
		}
		pyn_result_release(&res);
		if (count_fds() != fds) {
			fprintf(stderr,
				"\n  without pidfd_open: %d fds, then %d\n",
				fds, count_fds());
			bad++;
		}
		fflush(NULL);
		_exit(bad > 99 ? 99 : bad);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st));
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 100)
		pyn_unit_skip("cannot make pidfd_open fail here (seccomp: %s)",
			      WEXITSTATUS(st) == 100 ?
				      "refused" :
				      "pidfd_open still works");
	else
		CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
}

static CU_TestInfo tests[] = {
	{ "without_pidfd", test_without_pidfd },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "engine", NULL, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
