/* SPDX-License-Identifier: MIT */
/*
 * bench/soak/soak.c - the soak's test library: one function per outcome.
 * Built by bench/soak.sh with cc; no CUnit, nothing from pyntest.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void soak_pass(void);
void soak_fail(void);
void soak_crash(void);
void soak_sleep(void);
void soak_spin(void);
void soak_eat(void);
void soak_orphan(void);
void soak_print(void);

static void *volatile sink;

void soak_pass(void)
{
}

void soak_fail(void)
{
	exit(3);
}

void soak_crash(void)
{
	raise(SIGSEGV);
}

void soak_sleep(void)
{
	sleep(10);
}

void soak_spin(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
}

/* 1 MiB blocks, every page written, until the limit stops it. */
void soak_eat(void)
{
	for (int i = 0; i < 4096; i++) {
		volatile char *p = malloc(1 << 20);

		if (!p)
			abort();
		for (size_t k = 0; k < (1 << 20); k += 4096)
			p[k] = 1;
		sink = (void *)p;
	}
}

/* A child that leaves the session and would outlive the test. */
void soak_orphan(void)
{
	if (fork() == 0) {
		setsid();
		sleep(10);
		_exit(0);
	}
}

/* 256 KiB on stdout, cut at a 4 KiB output_limit. */
void soak_print(void)
{
	static char line[4096];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 64; i++)
		if (write(1, line, sizeof(line)) < 0)
			break;
}
