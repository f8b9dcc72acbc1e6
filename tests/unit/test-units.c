/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-units.c - time and memory values (config/units.c).
 */
#include <string.h>

#include "config/units.h"
#include "unit.h"

static double secs(const char *text)
{
	struct pyn_error err = { 0 };
	double v = -1;

	CU_ASSERT_EQUAL(pyn_time_parse(text, &v, &err), 0);
	return v;
}

static uint64_t bytes(const char *text)
{
	struct pyn_error err = { 0 };
	uint64_t v = 0;

	CU_ASSERT_EQUAL(pyn_memory_parse(text, &v, &err), 0);
	return v;
}

/* The message of a rejected value, for exact comparison. */
static const char *time_error(const char *text)
{
	static struct pyn_error err;
	double v = 123;

	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL(pyn_time_parse(text, &v, &err), PYN_EMANIFEST);
	CU_ASSERT_EQUAL(err.code, PYN_EMANIFEST);
	CU_ASSERT_EQUAL(v, 123);
	return err.message;
}

static const char *memory_error(const char *text)
{
	static struct pyn_error err;
	uint64_t v = 123;

	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL(pyn_memory_parse(text, &v, &err), PYN_EMANIFEST);
	CU_ASSERT_EQUAL(v, 123);
	return err.message;
}

static void test_time_forms(void)
{
	CU_ASSERT_DOUBLE_EQUAL(secs("2"), 2.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("2.5"), 2.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs(".5"), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("500ms"), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("30s"), 30.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("2m"), 120.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("1.5h"), 5400.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(secs(" 10 ms "), 0.01, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("1e1s"), 10.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("1"), 1.0, 1e-12);
}

static void test_time_pairs(void)
{
	struct pyn_error err = { 0 };
	double v = 0;

	CU_ASSERT_EQUAL(pyn_time_parse_pair("500", "ms", &v, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 0.5, 1e-12);
	CU_ASSERT_EQUAL(pyn_time_parse_pair("3", "m", &v, &err), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 180.0, 1e-12);
	CU_ASSERT_EQUAL(pyn_time_parse_pair("3", "sec", &v, &err),
			PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad time unit 'sec' in '[3, sec]'; use ms, s, m or h");
	CU_ASSERT_EQUAL(pyn_time_parse_pair("x", "s", &v, &err), PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad time value [x, s]: the first item must be a number");
	CU_ASSERT_EQUAL(pyn_time_parse_pair("5s", "s", &v, &err),
			PYN_EMANIFEST);
	CU_ASSERT_EQUAL(pyn_time_parse_pair("5", "", &v, &err), PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad time value [5, ]: missing unit; use ms, s, m or h");
	CU_ASSERT_EQUAL(pyn_time_parse_pair("0", "ms", &v, &err),
			PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"time limit '[0, ms]' must be positive (use null for no limit)");
}

static void test_time_errors(void)
{
	struct pyn_error err;
	uint64_t b = 7;
	double v;

	/* 1 ms is the resolution of every report; less reads as 0.000. */
	CU_ASSERT_DOUBLE_EQUAL(secs("1ms"), 0.001, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(secs("0.001"), 0.001, 1e-12);
	CU_ASSERT_STRING_EQUAL(time_error("0.4ms"),
			       "time limit '0.4ms' is below the 1 ms resolution");
	CU_ASSERT_STRING_EQUAL(time_error("0.0001"),
			       "time limit '0.0001' is below the 1 ms resolution");
	CU_ASSERT_EQUAL(pyn__limit_parse("output limit", true, "0", NULL, NULL,
					 &b, &err),
			PYN_EMANIFEST);
	CU_ASSERT_EQUAL(b, 7);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"output limit '0' must be positive (use null for no limit)");
	CU_ASSERT_EQUAL(pyn__limit_parse("CPU time limit", false, "0.5", "ms",
					 &v, NULL, &err),
			PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"CPU time limit '[0.5, ms]' is below the 1 ms resolution");
	CU_ASSERT_STRING_EQUAL(
		time_error("5sec"),
		"bad time unit 'sec' in '5sec'; use ms, s, m or h");
	CU_ASSERT_STRING_EQUAL(time_error("5 S"),
			       "bad time unit 'S' in '5 S'; use ms, s, m or h");
	CU_ASSERT_STRING_EQUAL(
		time_error("0"),
		"time limit '0' must be positive (use null for no limit)");
	CU_ASSERT_STRING_EQUAL(
		time_error("-1s"),
		"time limit '-1s' must be positive (use null for no limit)");
	CU_ASSERT_STRING_EQUAL(
		time_error("0ms"),
		"time limit '0ms' must be positive (use null for no limit)");
	CU_ASSERT_STRING_EQUAL(
		time_error("abc"),
		"bad time value 'abc': use seconds or a number with a unit (500ms, 30s, 2m, 1.5h)");
	CU_ASSERT_STRING_EQUAL(
		time_error(""),
		"bad time value '': use seconds or a number with a unit (500ms, 30s, 2m, 1.5h)");
	CU_ASSERT_STRING_EQUAL(
		time_error("inf"),
		"bad time value 'inf': use seconds or a number with a unit (500ms, 30s, 2m, 1.5h)");
	CU_ASSERT_STRING_EQUAL(
		time_error("nan"),
		"bad time value 'nan': use seconds or a number with a unit (500ms, 30s, 2m, 1.5h)");
	CU_ASSERT_STRING_EQUAL(
		time_error("1e999"),
		"bad time value '1e999': use seconds or a number with a unit (500ms, 30s, 2m, 1.5h)");
	CU_ASSERT_STRING_EQUAL(time_error("1e300h"),
			       "time limit '1e300h' is too large");
	CU_ASSERT_STRING_EQUAL(
		time_error("0x10"),
		"bad time unit 'x10' in '0x10'; use ms, s, m or h");
}

static void test_memory_forms(void)
{
	CU_ASSERT_EQUAL(bytes("1048576"), 1048576u);
	CU_ASSERT_EQUAL(bytes("500B"), 500u);
	CU_ASSERT_EQUAL(bytes("1KB"), 1024u);
	CU_ASSERT_EQUAL(bytes("1kB"), 1024u);
	CU_ASSERT_EQUAL(bytes("1KiB"), 1024u);
	CU_ASSERT_EQUAL(bytes("500MB"), 500ull << 20);
	CU_ASSERT_EQUAL(bytes("500 MiB"), 500ull << 20);
	CU_ASSERT_EQUAL(bytes("2GB"), 2ull << 30);
	CU_ASSERT_EQUAL(bytes("2GiB"), 2ull << 30);
	CU_ASSERT_EQUAL(bytes("1.5GB"), 3ull << 29);
	CU_ASSERT_EQUAL(bytes("0.5KB"), 512u);
}

static void test_memory_pairs(void)
{
	struct pyn_error err = { 0 };
	uint64_t v = 0;

	CU_ASSERT_EQUAL(pyn_memory_parse_pair("64", "MB", &v, &err), 0);
	CU_ASSERT_EQUAL(v, 64ull << 20);
	CU_ASSERT_EQUAL(pyn_memory_parse_pair("1", "GiB", &v, &err), 0);
	CU_ASSERT_EQUAL(v, 1ull << 30);
	CU_ASSERT_EQUAL(pyn_memory_parse_pair("64", "MBs", &v, &err),
			PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad memory unit 'MBs' in '[64, MBs]'; use B, KB, MB or GB");
}

static void test_memory_errors(void)
{
	CU_ASSERT_STRING_EQUAL(
		memory_error("5MBs"),
		"bad memory unit 'MBs' in '5MBs'; use B, KB, MB or GB");
	CU_ASSERT_STRING_EQUAL(
		memory_error("5TB"),
		"bad memory unit 'TB' in '5TB'; use B, KB, MB or GB");
	CU_ASSERT_STRING_EQUAL(
		memory_error("0"),
		"memory limit '0' must be positive (use null for no limit)");
	CU_ASSERT_STRING_EQUAL(
		memory_error("-5MB"),
		"memory limit '-5MB' must be positive (use null for no limit)");
	CU_ASSERT_STRING_EQUAL(
		memory_error("1.5"),
		"memory limit '1.5' is not a whole number of bytes");
	CU_ASSERT_STRING_EQUAL(
		memory_error("0.1B"),
		"memory limit '0.1B' is not a whole number of bytes");
	CU_ASSERT_STRING_EQUAL(memory_error("99999999999GB"),
			       "memory limit '99999999999GB' is too large");
	CU_ASSERT_STRING_EQUAL(
		memory_error("lots"),
		"bad memory value 'lots': use bytes or a number with a unit (500MB, 2GB)");
}

static void test_none(void)
{
	CU_ASSERT_TRUE(pyn_units_is_none("null"));
	CU_ASSERT_TRUE(pyn_units_is_none("none"));
	CU_ASSERT_TRUE(pyn_units_is_none("None"));
	CU_ASSERT_TRUE(pyn_units_is_none("~"));
	CU_ASSERT_FALSE(pyn_units_is_none("0"));
	CU_ASSERT_FALSE(pyn_units_is_none("nothing"));
}

static void test_error_without_err(void)
{
	double v;
	uint64_t b;

	/* A NULL error pointer is allowed: only the code comes back. */
	CU_ASSERT_EQUAL(pyn_time_parse("x", &v, NULL), PYN_EMANIFEST);
	CU_ASSERT_EQUAL(pyn_memory_parse("x", &b, NULL), PYN_EMANIFEST);
}

static CU_TestInfo tests[] = {
	{ "time: every form", test_time_forms },
	{ "time: [value, unit] pairs", test_time_pairs },
	{ "time: every error", test_time_errors },
	{ "memory: every form", test_memory_forms },
	{ "memory: [value, unit] pairs", test_memory_pairs },
	{ "memory: every error", test_memory_errors },
	{ "null and none remove a limit", test_none },
	{ "a NULL error pointer is allowed", test_error_without_err },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "units", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
