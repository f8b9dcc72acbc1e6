/* SPDX-License-Identifier: MIT */
/*
 * tests/suites/bad/fixture_lib.c - a shared object whose exported symbols
 * the config tests read: functions (tests, setup, teardown, a plug-in
 * entry point) and data.  Nothing here is ever run by those tests.
 */
#define EXPORT __attribute__((visibility("default")))

EXPORT void test_gamma(void);
EXPORT void test_alpha(void);
EXPORT void test_beta(void);
EXPORT void helper(void);
EXPORT void fixture_setup(void);
EXPORT void fixture_teardown(void);
EXPORT void *pyn_limiter_init(void);

void test_gamma(void)
{
}

void test_alpha(void)
{
}

void test_beta(void)
{
}

void helper(void)
{
}

void fixture_setup(void)
{
}

void fixture_teardown(void)
{
}

void *pyn_limiter_init(void)
{
	return 0;
}

/* Data, not code: naming it as a test must be refused. */
EXPORT int test_data_symbol = 42;
EXPORT const char *fixture_suites[2] = { "a", "b" };

/* Not exported: never found, never discovered. */
void test_hidden(void);
void test_hidden(void)
{
}
