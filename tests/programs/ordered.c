/* SPDX-License-Identifier: MIT */
/*
 * tests/programs/ordered.c - an order-dependent suite: a send queue that
 * each test fills or drains further from where the one before left it,
 * as some protocol libraries' tests do.  In CUnit's own run every test
 * passes; under per-test isolation each starts from main()'s empty
 * queue, so only the first one does.
 */
#include <CUnit/Basic.h>

static int queue[8];
static int queued;

static void test_push_first(void)
{
	CU_ASSERT_EQUAL(queued, 0);
	queue[queued++] = 1;
}

static void test_push_second(void)
{
	CU_ASSERT_EQUAL_FATAL(queued, 1);
	queue[queued++] = 2;
}

static void test_drain(void)
{
	CU_ASSERT_EQUAL_FATAL(queued, 2);
	CU_ASSERT_EQUAL(queue[0] + queue[1], 3);
	queued = 0;
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("queue", NULL, NULL);
	CU_add_test(s, "push first", test_push_first);
	CU_add_test(s, "push second", test_push_second);
	CU_add_test(s, "drain", test_drain);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return CU_get_number_of_failures() ? 1 : 0;
}
