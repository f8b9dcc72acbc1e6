/* SPDX-License-Identifier: MIT */
/*
 * tests/programs/shared_suite.c - one of three test programs of a
 * key-value store that all call their CUnit suite "store", as projects
 * with a program per component do.  KV_VARIANT (1, 2 or 3) tells them
 * apart: test_variant fails in variant 3 only, so a report shows which
 * program a result came from.
 *
 * A copy of the program whose file name has a dot in it ("kv.store")
 * registers its suite under that name: two programs whose ids collide
 * on purpose, for the duplicate-id messages.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#ifndef KV_VARIANT
#define KV_VARIANT 1
#endif

struct kv {
	char key[32];
	char value[32];
};

static struct kv table[4];

static void test_write(void)
{
	strcpy(table[0].key, "k");
	strcpy(table[0].value, "v");
	CU_ASSERT_STRING_EQUAL(table[0].value, "v");
}

static void test_read(void)
{
	/* Each test starts from what main() left: an empty table. */
	CU_ASSERT_STRING_EQUAL(table[0].key, "");
}

static void test_variant(void)
{
	CU_ASSERT(KV_VARIANT != 3);
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const char *name = "store";
	CU_pSuite s;

	(void)argc;
	base = base ? base + 1 : argv[0];
	if (strchr(base, '.'))
		name = base;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite(name, NULL, NULL);
	CU_add_test(s, "test_write", test_write);
	CU_add_test(s, "test_read", test_read);
	CU_add_test(s, "test_variant", test_variant);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
