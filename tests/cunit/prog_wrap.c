/* SPDX-License-Identifier: MIT */
/*
 * Fault injection with `ld --wrap=malloc` (link with -Wl,--wrap=malloc):
 * every malloc of this program goes through __wrap_malloc, which fails
 * the Nth allocation when a test asks it to.  The code under test must
 * handle the NULL; one test forgets and crashes.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);

static int fail_after = -1; /* allocations to let through, -1: all */

void *__wrap_malloc(size_t size)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return __real_malloc(size);
}

/* The code under test: a duplicate that reports failure. */
static char *dup_pair(const char *a, const char *b, char **second)
{
	char *x = malloc(strlen(a) + 1), *y;

	if (!x)
		return NULL;
	strcpy(x, a);
	y = malloc(strlen(b) + 1);
	if (!y) {
		free(x);
		return NULL;
	}
	strcpy(y, b);
	*second = y;
	return x;
}

static void test_ok(void)
{
	char *b = NULL, *a = dup_pair("x", "y", &b);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_STRING_EQUAL(b, "y");
	free(a);
	free(b);
}

static void test_first_fails(void)
{
	char *b = NULL;

	fail_after = 0;
	CU_ASSERT_PTR_NULL(dup_pair("x", "y", &b));
	fail_after = -1;
}

static void test_second_fails(void)
{
	char *b = NULL;

	fail_after = 1;
	CU_ASSERT_PTR_NULL(dup_pair("x", "y", &b));
	fail_after = -1;
}

/* Depends on fail_after being reset: each test starts from main()'s state. */
static void test_state_reset(void)
{
	CU_ASSERT_EQUAL(fail_after, -1);
}

static void test_unchecked(void)
{
	char *volatile p;

	fail_after = 0;
	p = malloc(16);
	p[0] = 'x'; /* the bug the injection finds: SIGSEGV */
	CU_ASSERT_EQUAL(p[0], 'x');
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("wrap", NULL, NULL);
	if (!s || !CU_add_test(s, "ok", test_ok) ||
	    !CU_add_test(s, "first fails", test_first_fails) ||
	    !CU_add_test(s, "second fails", test_second_fails) ||
	    !CU_add_test(s, "unchecked", test_unchecked) ||
	    !CU_add_test(s, "state reset", test_state_reset))
		return 1;
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
