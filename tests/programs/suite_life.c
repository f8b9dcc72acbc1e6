/* SPDX-License-Identifier: MIT */
/*
 * tests/programs/suite_life.c - a CUnit suite whose tests build on one
 * another, as a connection's tests do (open, use, check), with a second
 * test that may end its process: argv[1] says how ("crash", "hang",
 * "memory", "spin"; anything else: it passes).  Each test prints what
 * it sees: the suite's inits so far in this process, the value the
 * first test left, and the process's pid, so a report shows which
 * tests shared a process and what state they found.
 *
 * "sleepy" and "busy" make every test take 0.3 s of wall or CPU time:
 * more than a limit of 0.5 s together, less each.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

static const char *mode = "";
static int inits;
static int value;

static int suite_init(void)
{
	inits++;
	return 0;
}

static void spend(void)
{
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	clock_t start = clock();

	if (strcmp(mode, "sleepy") == 0)
		nanosleep(&ts, NULL);
	if (strcmp(mode, "busy") == 0)
		while (clock() - start < CLOCKS_PER_SEC * 3 / 10)
			;
}

static void say(const char *test)
{
	printf("%s: inits=%d value=%d pid=%d\n", test, inits, value,
	       (int)getpid());
	fflush(stdout);
	spend();
}

static void test_open(void)
{
	say("open");
	value = 1;
}

static void test_risky(void)
{
	char *p;
	size_t size = (size_t)512 << 20;

	say("risky");
	if (strcmp(mode, "crash") == 0)
		raise(SIGSEGV);
	if (strcmp(mode, "hang") == 0)
		for (;;)
			pause();
	if (strcmp(mode, "spin") == 0)
		for (;;)
			;
	if (strcmp(mode, "memory") == 0) {
		p = malloc(size);
		memset(p, 1, size);
		free(p);
	}
	value++;
}

static void test_use(void)
{
	say("use");
	CU_ASSERT_EQUAL(inits, 1);
}

static void test_more(void)
{
	say("more");
}

static void test_close(void)
{
	say("close");
	value = 0;
}

int main(int argc, char **argv)
{
	CU_pSuite s;

	if (argc > 1)
		mode = argv[1];
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("conn", suite_init, NULL);
	CU_add_test(s, "open", test_open);
	CU_add_test(s, "risky", test_risky);
	CU_add_test(s, "use", test_use);
	CU_add_test(s, "more", test_more);
	CU_add_test(s, "close", test_close);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
