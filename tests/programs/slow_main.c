/* SPDX-License-Identifier: MIT */
/*
 * tests/programs/slow_main.c - a test program whose main() does real
 * work before it registers anything, chosen by its one argument:
 *
 *   sleep:MS   waits MS milliseconds (a slow global set-up)
 *   hog:MB     allocates and touches MB MiB, and keeps them
 *   exit       exits with status 1
 *   crash      dereferences NULL
 *   (none)     registers at once
 *
 * With SLOW_MAIN_LOG set it appends a line to that file each time main()
 * starts, so a test can count how often it ran.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

static void test_quick(void)
{
	CU_ASSERT(1);
}

static void test_small(void)
{
	char buf[64];

	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_EQUAL(buf[63], 'x');
}

static void note_start(void)
{
	const char *path = getenv("SLOW_MAIN_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (f) {
		fputs("main\n", f);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	CU_pSuite s;

	note_start();
	if (!strncmp(how, "sleep:", 6)) {
		long ms = atol(how + 6);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	} else if (!strncmp(how, "hog:", 4)) {
		size_t n = (size_t)atol(how + 4) << 20;
		char *p = malloc(n);

		if (!p)
			return 3;
		memset(p, 1, n);
		if (p[n - 1] != 1)
			return 4;
	} else if (!strcmp(how, "exit")) {
		exit(1);
	} else if (!strcmp(how, "crash")) {
		volatile int *nowhere = NULL;

		return *nowhere;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("slow", NULL, NULL);
	CU_add_test(s, "quick", test_quick);
	CU_add_test(s, "small", test_small);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
