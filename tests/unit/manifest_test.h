/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/manifest_test.h - what the test-manifest-* programs share:
 * a manifest loaded from text, and the "LINE:COLUMN: error: MESSAGE" of
 * the first mistake in one.
 */
#ifndef PYN_TESTS_MANIFEST_TEST_H
#define PYN_TESTS_MANIFEST_TEST_H

#include <stdio.h>
#include <string.h>

#include "config/manifest.h"
#include "unit.h"

static inline struct pyn_manifest *load(const char *yaml)
{
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };
	int rc = pyn_manifest_load_buffer(&m, yaml, strlen(yaml), "m.yaml",
					  NULL, &err);

	if (rc)
		fprintf(stderr, "\nunexpected error: %d:%d: %s\n", err.line,
			err.column, err.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m;
}

/* "LINE:COLUMN: error: MESSAGE" of the first mistake in `yaml`. */
static inline const char *load_error(const char *yaml, int *code)
{
	static char out[PYN_ERROR_MESSAGE_MAX + 64];
	struct pyn_manifest *m = (struct pyn_manifest *)1;
	struct pyn_error err = { 0 };
	int rc;

	rc = pyn_manifest_load_buffer(&m, yaml, strlen(yaml), "m.yaml", NULL,
				      &err);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT(rc < 0);
	CU_ASSERT_EQUAL(rc, err.code);
	CU_ASSERT_STRING_EQUAL(err.file, "m.yaml");
	if (code)
		*code = rc;
	snprintf(out, sizeof(out), "%u:%u: error: %s", err.line, err.column,
		 err.message);
	return out;
}

#define EXPECT_ERROR(yaml, want)                                               \
	do {                                                                   \
		const char *got_ = load_error(yaml, NULL);                     \
		if (strcmp(got_, want))                                        \
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", got_,    \
				want);                                         \
		CU_ASSERT_STRING_EQUAL(got_, want);                            \
	} while (0)

#endif /* PYN_TESTS_MANIFEST_TEST_H */
