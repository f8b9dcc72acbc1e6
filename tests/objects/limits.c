/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/limits.c - fixture tests that run into a limit: wall time,
 * CPU time and memory (three ways to die of a memory limit, and one that
 * stays under it).
 *
 * The memory tests allocate 128 MiB under a 64 MiB limit.  Under RLIMIT_AS
 * the allocation fails; under a memory cgroup it succeeds and touching the
 * pages brings the OOM killer.  Either way the outcome must be memory_limit.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void fx_sleep_forever(void);
void fx_sleep_300ms(void);
void fx_spin(void);
void fx_mem_null_deref(void);
void fx_mem_checked_abort(void);
void fx_mem_calloc(void);
void fx_mem_32mb(void);

#define BIG ((size_t)128 << 20)
#define PAGE 4096

void fx_sleep_forever(void)
{
	for (;;)
		pause();
}

/* Sleeps 300 ms, then creates the file $PYN_FX_DONE names, if set. */
void fx_sleep_300ms(void)
{
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	const char *done = getenv("PYN_FX_DONE");

	while (nanosleep(&ts, &ts) != 0)
		;
	if (done)
		close(open(done, O_WRONLY | O_CREAT, 0644));
}

void fx_spin(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
}

/* Touch every page so that a cgroup limit sees the memory as used. */
static void touch(volatile char *p, size_t size)
{
	for (size_t i = 0; i < size; i += PAGE)
		p[i] = 1;
}

/* The careless way: no check, so a failed malloc becomes a SIGSEGV. */
void fx_mem_null_deref(void)
{
	char *p = malloc(BIG);

	touch(p, BIG);
	free(p);
}

/* The careful way: check, and abort like xmalloc() does. */
void fx_mem_checked_abort(void)
{
	char *p = malloc(BIG);

	if (!p)
		abort();
	touch(p, BIG);
	free(p);
}

/* One huge calloc, then used (calloc memory is untouched until used). */
void fx_mem_calloc(void)
{
	char *p = calloc(BIG / 16, 16);

	touch(p, BIG);
	free(p);
}

void fx_mem_32mb(void)
{
	size_t size = (size_t)32 << 20;
	char *p = malloc(size);

	if (!p)
		abort();
	touch(p, size);
	free(p);
}
