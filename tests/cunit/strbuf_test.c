/* SPDX-License-Identifier: MIT */
/*
 * The CUnit tests of strbuf.c, written as a project would: a fixture
 * buffer made by per-test setup and freed by teardown, suite init and
 * cleanup, and the suites exported as one CU_SuiteInfo array for the
 * project's own test main (strbuf_main.c).  pyntest imports the same
 * array with `cunit: strbuf_suites`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "strbuf.h"

static struct strbuf sb;
static char *scratch_path;

static void sb_setup(void)
{
	struct strbuf fresh = STRBUF_INIT;

	sb = fresh;
}

static void sb_teardown(void)
{
	strbuf_release(&sb);
}

/* ---- basic ---- */

static void test_init_empty(void)
{
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_STRING_EQUAL(strbuf_cstr(&sb), "");
}

static void test_adds(void)
{
	CU_ASSERT_EQUAL_FATAL(strbuf_adds(&sb, "hello"), 0);
	CU_ASSERT_EQUAL(sb.len, 5);
	CU_ASSERT_STRING_EQUAL(sb.buf, "hello");
}

static void test_addc(void)
{
	strbuf_addc(&sb, 'a');
	strbuf_addc(&sb, 'b');
	CU_ASSERT_STRING_EQUAL(strbuf_cstr(&sb), "ab");
}

static void test_add_binary(void)
{
	CU_ASSERT_EQUAL(strbuf_add(&sb, "a\0b", 3), 0);
	CU_ASSERT_EQUAL(sb.len, 3);
	CU_ASSERT_EQUAL(sb.buf[1], '\0');
	CU_ASSERT_EQUAL(sb.buf[3], '\0');
}

static void test_addf(void)
{
	strbuf_addf(&sb, "%d-%s", 42, "x");
	CU_ASSERT_STRING_EQUAL(sb.buf, "42-x");
	strbuf_addf(&sb, "%c", '!');
	CU_ASSERT_STRING_EQUAL(sb.buf, "42-x!");
}

static void test_grow_doubles(void)
{
	CU_ASSERT_EQUAL(strbuf_grow(&sb, 20), 0);
	CU_ASSERT_TRUE(sb.cap >= 21);
	CU_ASSERT_EQUAL(sb.cap & (sb.cap - 1), 0);
}

static void test_many_appends(void)
{
	int i;

	for (i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL_FATAL(strbuf_addc(&sb, 'x'), 0);
	CU_ASSERT_EQUAL(sb.len, 1000);
	CU_ASSERT_EQUAL(strlen(sb.buf), 1000);
}

static void test_reset_keeps_memory(void)
{
	size_t cap;

	strbuf_adds(&sb, "something");
	cap = sb.cap;
	strbuf_reset(&sb);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_EQUAL(sb.cap, cap);
	CU_ASSERT_STRING_EQUAL(sb.buf, "");
}

static void test_detach(void)
{
	size_t len = 0;
	char *p;

	strbuf_adds(&sb, "mine");
	p = strbuf_detach(&sb, &len);
	CU_ASSERT_STRING_EQUAL(p, "mine");
	CU_ASSERT_EQUAL(len, 4);
	CU_ASSERT_PTR_NULL(sb.buf);
	free(p);
}

static void test_detach_empty(void)
{
	char *p = strbuf_detach(&sb, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p, "");
	free(p);
}

/* ---- edit ---- */

static void test_trim(void)
{
	strbuf_adds(&sb, "  \tword \n");
	strbuf_trim(&sb);
	CU_ASSERT_STRING_EQUAL(sb.buf, "word");
	CU_ASSERT_EQUAL(sb.len, 4);
}

static void test_trim_all_space(void)
{
	strbuf_adds(&sb, " \t ");
	strbuf_trim(&sb);
	CU_ASSERT_EQUAL(sb.len, 0);
	CU_ASSERT_STRING_EQUAL(sb.buf, "");
}

static void test_insert_middle(void)
{
	strbuf_adds(&sb, "held");
	CU_ASSERT_EQUAL(strbuf_insert(&sb, 2, "LLO WOR"), 0);
	CU_ASSERT_STRING_EQUAL(sb.buf, "heLLO WORld");
}

static void test_insert_out_of_range(void)
{
	strbuf_adds(&sb, "ab");
	CU_ASSERT_EQUAL(strbuf_insert(&sb, 3, "x"), -1);
	CU_ASSERT_STRING_EQUAL(sb.buf, "ab");
}

static void test_remove(void)
{
	strbuf_adds(&sb, "abcdef");
	strbuf_remove(&sb, 1, 2);
	CU_ASSERT_STRING_EQUAL(sb.buf, "adef");
	strbuf_remove(&sb, 2, 100);
	CU_ASSERT_STRING_EQUAL(sb.buf, "ad");
}

static void test_replace(void)
{
	strbuf_adds(&sb, "a-b-c");
	CU_ASSERT_EQUAL(strbuf_replace(&sb, "-", "::"), 2);
	CU_ASSERT_STRING_EQUAL(sb.buf, "a::b::c");
}

static void test_replace_growing_pattern(void)
{
	strbuf_adds(&sb, "aaa");
	CU_ASSERT_EQUAL(strbuf_replace(&sb, "a", "aa"), 3);
	CU_ASSERT_STRING_EQUAL(sb.buf, "aaaaaa");
}

static void test_replace_empty_pattern(void)
{
	strbuf_adds(&sb, "x");
	CU_ASSERT_EQUAL(strbuf_replace(&sb, "", "y"), -1);
}

/* ---- split ---- */

static void free_parts(char **parts)
{
	size_t i;

	for (i = 0; parts && parts[i]; i++)
		free(parts[i]);
	free(parts);
}

static void test_split(void)
{
	char **parts = NULL;

	strbuf_adds(&sb, "a,b,,c");
	CU_ASSERT_EQUAL_FATAL(strbuf_split(&sb, ',', &parts), 4);
	CU_ASSERT_STRING_EQUAL(parts[0], "a");
	CU_ASSERT_STRING_EQUAL(parts[2], "");
	CU_ASSERT_STRING_EQUAL(parts[3], "c");
	CU_ASSERT_PTR_NULL(parts[4]);
	free_parts(parts);
}

static void test_split_empty(void)
{
	char **parts = NULL;

	CU_ASSERT_EQUAL_FATAL(strbuf_split(&sb, ',', &parts), 1);
	CU_ASSERT_STRING_EQUAL(parts[0], "");
	free_parts(parts);
}

static void test_split_no_sep(void)
{
	char **parts = NULL;

	strbuf_adds(&sb, "whole");
	CU_ASSERT_EQUAL_FATAL(strbuf_split(&sb, ';', &parts), 1);
	CU_ASSERT_STRING_EQUAL(parts[0], "whole");
	free_parts(parts);
}

/* ---- io: the suite shares one scratch file made by its init ---- */

static int io_init(void)
{
	const char *dir = getenv("TMPDIR");
	size_t n = strlen(dir ? dir : "/tmp") + 32;

	scratch_path = malloc(n);
	if (!scratch_path)
		return 1;
	snprintf(scratch_path, n, "%s/strbuf-io-XXXXXX", dir ? dir : "/tmp");
	n = (size_t)mkstemp(scratch_path);
	if ((int)n < 0)
		return 1;
	close((int)n);
	return 0;
}

static int io_cleanup(void)
{
	int rc = unlink(scratch_path);

	free(scratch_path);
	return rc;
}

static void test_write_read_file(void)
{
	char line[64] = "";
	FILE *f;

	strbuf_addf(&sb, "%s=%d\n", "answer", 42);
	f = fopen(scratch_path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(strbuf_cstr(&sb), f);
	fclose(f);
	f = fopen(scratch_path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	fclose(f);
	CU_ASSERT_STRING_EQUAL(line, "answer=42\n");
}

static void test_scratch_starts_empty(void)
{
	FILE *f = fopen(scratch_path, "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fgetc(f), EOF);
	fclose(f);
}

static CU_TestInfo basic_tests[] = {
	{ "init is empty", test_init_empty },
	{ "adds", test_adds },
	{ "addc", test_addc },
	{ "add binary", test_add_binary },
	{ "addf", test_addf },
	{ "grow doubles", test_grow_doubles },
	{ "many appends", test_many_appends },
	{ "reset keeps memory", test_reset_keeps_memory },
	{ "detach", test_detach },
	{ "detach empty", test_detach_empty },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo edit_tests[] = {
	{ "trim", test_trim },
	{ "trim all space", test_trim_all_space },
	{ "insert middle", test_insert_middle },
	{ "insert out of range", test_insert_out_of_range },
	{ "remove", test_remove },
	{ "replace", test_replace },
	{ "replace growing pattern", test_replace_growing_pattern },
	{ "replace empty pattern", test_replace_empty_pattern },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo split_tests[] = {
	{ "split", test_split },
	{ "split empty", test_split_empty },
	{ "split no separator", test_split_no_sep },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo io_tests[] = {
	{ "scratch starts empty", test_scratch_starts_empty },
	{ "write and read a file", test_write_read_file },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo strbuf_suites[] = {
	{ "strbuf basic", NULL, NULL, sb_setup, sb_teardown, basic_tests },
	{ "strbuf edit", NULL, NULL, sb_setup, sb_teardown, edit_tests },
	{ "strbuf split", NULL, NULL, sb_setup, sb_teardown, split_tests },
	{ "strbuf io", io_init, io_cleanup, sb_setup, sb_teardown, io_tests },
	CU_SUITE_INFO_NULL,
};
