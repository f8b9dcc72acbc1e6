/* SPDX-License-Identifier: MIT */
/*
 * tests/debug/debug_fx.c - the fixture of the debugging tests: a test a
 * debugger stops in, a crash in a named function, a test that keeps its
 * own SIGSEGV handler, an invalid read that does not crash plain (for
 * valgrind), a test that reads the terminal's stdin.  Built with -g -O0:
 * the crash's file:line must be found.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pyntest/test.h>

struct header {
	int length;
};

/* Not static: a debugger's breakpoint and the crash message name it. */
int dbg_parse_header(const struct header *h);
int dbg_parse_header(const struct header *h)
{
	return h->length; /* FX-LINE:crash */
}

void dbg_pass(void);
void dbg_pass(void)
{
	struct header h = { 7 };

	printf("dbg_pass says hello\n");
	if (dbg_parse_header(&h) != 7)
		pyn_fail(1, "parse_header gave a wrong length");
}

void dbg_crash(void);
void dbg_crash(void)
{
	/* volatile: the compiler must not see the NULL and trap on its own. */
	const struct header *volatile h = NULL;

	printf("length %d\n", dbg_parse_header(h));
}

static sigjmp_buf back;

static void own_handler(int sig)
{
	(void)sig;
	siglongjmp(back, 1);
}

/* Its own SIGSEGV handler is the one that runs: it passes. */
void dbg_own_handler(void);
void dbg_own_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = own_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(back, 1) == 0)
		dbg_crash();
	signal(SIGSEGV, SIG_DFL);
}

/* Reads one int past a 16-byte block: inside malloc's chunk, no crash. */
void dbg_invalid_read(void);
void dbg_invalid_read(void)
{
	int *volatile p = malloc(4 * sizeof(int));
	volatile int x;

	if (!p)
		return;
	memset(p, 0, 4 * sizeof(int));
	x = p[4]; /* FX-LINE:invalid_read */
	(void)x;
	free(p);
}

/* Passes when its stdin says "hello": a terminal's, not /dev/null. */
void dbg_stdin(void);
void dbg_stdin(void)
{
	char line[64] = "";

	if (!fgets(line, sizeof(line), stdin) || strncmp(line, "hello", 5))
		pyn_fail(1, "stdin gave '%s', not hello", line);
}

/* In the runner's process group (the terminal's): --debug. */
void dbg_same_group(void);
void dbg_same_group(void)
{
	if (getpgrp() != getpgid(getppid()))
		pyn_fail(1, "process group %ld, the runner's is %ld",
			 (long)getpgrp(), (long)getpgid(getppid()));
}

/* Longer than its manifest's wall_time: passes only with no timer. */
void dbg_sleep(void);
void dbg_sleep(void)
{
	usleep(1500 * 1000);
}
