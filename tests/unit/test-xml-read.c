/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-xml-read.c - pyn__xml_skip() of runner/report/xml_read.c,
 * which `pyntest merge` and the testcase reader both use to step over an
 * element: past its end tag, the end of its content, broken markup.
 */
#include <string.h>

#include "unit.h"

#include "runner/report/xml_read.h"

/* The first start tag of `xml`, *pos past it. */
static void first(const char *xml, const char **pos, struct pyn__xml_tag *t)
{
	*pos = xml;
	CU_ASSERT_EQUAL_FATAL(pyn__xml_next(pos, xml + strlen(xml), t), 1);
	CU_ASSERT_FATAL(!t->closing);
}

static void test_nested(void)
{
	static const char xml[] =
		"<a x=\"1\"><b><c/></b><!-- </a> --><![CDATA[</a>]]>"
		"text<d></d></a><next/>";
	const char *end = xml + strlen(xml), *pos, *inner = NULL;
	struct pyn__xml_tag t;

	first(xml, &pos, &t);
	CU_ASSERT_TRUE(pyn__xml_skip(&pos, end, &t, &inner));
	/* Past </a>, not the ones in the comment or the CDATA section. */
	CU_ASSERT_STRING_EQUAL(pos, "<next/>");
	CU_ASSERT_EQUAL(inner, strstr(xml, "</a><next/>"));
	/* The content is everything between the tags. */
	CU_ASSERT_EQUAL(inner - t.stop,
			(long)strlen("<b><c/></b><!-- </a> -->"
				     "<![CDATA[</a>]]>text<d></d>"));
	/* inner may be NULL. */
	first(xml, &pos, &t);
	CU_ASSERT_TRUE(pyn__xml_skip(&pos, end, &t, NULL));
	CU_ASSERT_STRING_EQUAL(pos, "<next/>");
}

static void test_empty(void)
{
	static const char empty[] = "<a/><b/>", open_close[] = "<a></a><b/>";
	const char *pos, *inner = NULL;
	struct pyn__xml_tag t;

	/* <a/>: nothing is read, and the content ends where it starts. */
	first(empty, &pos, &t);
	CU_ASSERT_TRUE(t.empty);
	CU_ASSERT_TRUE(pyn__xml_skip(&pos, empty + strlen(empty), &t, &inner));
	CU_ASSERT_STRING_EQUAL(pos, "<b/>");
	CU_ASSERT_EQUAL(inner, t.stop);
	/* <a></a>: an empty content, up to the '<' of </a>. */
	first(open_close, &pos, &t);
	CU_ASSERT_TRUE(pyn__xml_skip(&pos, open_close + strlen(open_close), &t,
				     &inner));
	CU_ASSERT_STRING_EQUAL(pos, "<b/>");
	CU_ASSERT_EQUAL(inner, t.stop);
	CU_ASSERT_EQUAL(*inner, '<');
}

static void test_broken(void)
{
	static const char *const cases[] = {
		"<a><b></b>", /* ends before </a> */
		"<a><b x=\"1></b></a>", /* an attribute never closed */
		"<a><!-- never closed </a>",
	};
	const char *pos;
	struct pyn__xml_tag t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		first(cases[i], &pos, &t);
		CU_ASSERT_FALSE(pyn__xml_skip(&pos, cases[i] + strlen(cases[i]),
					      &t, NULL));
	}
}

static CU_TestInfo tests[] = {
	{ "an element is skipped past its end tag", test_nested },
	{ "empty elements", test_empty },
	{ "broken or cut markup is refused", test_broken },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "xml-read", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
