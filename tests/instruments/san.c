/* SPDX-License-Identifier: MIT */
/*
 * tests/instruments/san.c - fixture tests for sanitizers: each does one
 * thing a sanitizer reports (or nothing, for the pass), built with
 * -fsanitize=... by tests/instruments.cmake, as a library and, with
 * san_main.c, as an unchanged CUnit program.
 *
 * The e2e script finds the line of each report by its "FX-LINE:" marker.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

void san_pass(void);
void san_heap_overflow(void);
void san_use_after_free(void);
void san_leak(void);
void san_after_leak(void);
void san_signed_overflow(void);
void san_race(void);
void san_big_alloc(void);
void san_grow(void);

/* Out of the compiler's sight: it may not fold what the tests do. */
volatile int san_index = 16;
volatile int san_big = INT_MAX;
void *volatile san_keep;

void san_pass(void)
{
	char *p = malloc(16);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 'x', 16);
	CU_ASSERT_EQUAL(p[15], 'x');
	free(p);
}

void san_heap_overflow(void)
{
	char *p = malloc(16);

	p[san_index] = 'x'; /* FX-LINE: heap_overflow */
	free(p);
}

void san_use_after_free(void)
{
	char *p = malloc(16);

	free(p);
	p[1] = 'x'; /* FX-LINE: use_after_free */
}

void san_leak(void)
{
	san_keep = malloc(40); /* FX-LINE: leak */
	san_keep = NULL;
}

/* Runs after san_leak in the same program: the leak is not its. */
void san_after_leak(void)
{
	CU_ASSERT_EQUAL(1 + 1, 2);
}

void san_signed_overflow(void)
{
	int x = san_big;

	x = x + san_index; /* FX-LINE: signed_overflow */
	CU_ASSERT(x != 0);
}

static int shared;

static void *bump(void *arg)
{
	(void)arg;
	shared++; /* FX-LINE: race */
	return NULL;
}

void san_race(void)
{
	pthread_t t;

	pthread_create(&t, NULL, bump, NULL);
	shared++;
	pthread_join(t, NULL);
}

/* One allocation far beyond the memory limit. */
void san_big_alloc(void)
{
	size_t n = (size_t)1 << 40;
	char *p = malloc(n);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[0] = 1;
	free(p);
}

/* Touches up to 512 MiB, one MiB at a time: a memory limit stops it. */
void san_grow(void)
{
	size_t i;

	for (i = 0; i < 512; i++) {
		char *p = malloc(1 << 20);

		if (!p)
			abort();
		memset(p, 1, 1 << 20);
		san_keep = p;
	}
}
