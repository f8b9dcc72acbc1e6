/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/defects.c - tests for the engine defects the acceptance
 * test found (tests/e2e/defects_engine.py): a child process that spins,
 * setup steps that fail, exit or crash, and output on both streams.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

void fx_child_spins(void);
void fx_ok(void);
void fx_su_assert(void);
void fx_su_exit(void);
void fx_su_crash(void);
void fx_out_both(void);

/* The test waits for a child that spins: its CPU is the test's. */
void fx_child_spins(void)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		volatile unsigned long i = 0;

		for (;;)
			i++;
	}
	waitpid(p, &st, 0);
}

void fx_ok(void)
{
}

void fx_su_assert(void)
{
	CU_ASSERT_FATAL(0);
}

void fx_su_exit(void)
{
	exit(2);
}

void fx_su_crash(void)
{
	raise(SIGSEGV);
}

static void write_n(int fd, int c, size_t n)
{
	char buf[1000];
	size_t k;

	memset(buf, c, sizeof(buf));
	while (n > 0) {
		k = n < sizeof(buf) ? n : sizeof(buf);
		if (write(fd, buf, k) != (ssize_t)k)
			return;
		n -= k;
	}
}

/* 3000 bytes on stdout, then 3000 on stderr (output_limit 4000 in the suite). */
void fx_out_both(void)
{
	write_n(1, 'o', 3000);
	write_n(2, 'e', 3000);
}
