/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/schema.h - validating reports in unit tests.
 *
 * Every report is checked against the project's own schema of its
 * flavour (runner/report/schema/).  When the independent third-party
 * schemas sit beside the clone (../shared/junit/, as in CI), a strict
 * report must also pass the Jenkins xUnit plugin's junit-10 schema and a
 * default one must fail it (it uses extensions); a user's clone has no
 * ../shared and these extra checks are left out, saying so once.
 */
#ifndef PYN_TESTS_SCHEMA_H
#define PYN_TESTS_SCHEMA_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PYN_DEFAULT_XSD PYN_SOURCE_DIR "/runner/report/schema/pyntest-junit.xsd"
#define PYN_STRICT_XSD \
	PYN_SOURCE_DIR "/runner/report/schema/pyntest-junit-strict.xsd"
#define PYN_JUNIT10_XSD \
	PYN_SOURCE_DIR "/../shared/junit/junit-10-xunit-plugin.xsd"

/* xmllint's status: 0 when `path` is well-formed and valid (xsd NULL: well-formed). */
static inline int xmllint(const char *xsd, const char *path)
{
	char cmd[1024];

	if (xsd)
		snprintf(cmd, sizeof(cmd),
			 "xmllint --noout --schema '%s' '%s' 2>/dev/null", xsd,
			 path);
	else
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' 2>/dev/null",
			 path);
	return system(cmd);
}

/* Are the third-party schemas beside the clone? Says once when not. */
static inline bool has_junit10(void)
{
	static int told;
	bool here = access(PYN_JUNIT10_XSD, R_OK) == 0;

	if (!here && !told++)
		fprintf(stderr, "\n  note: no %s: strict reports are checked "
				"against the project's schema only\n",
			PYN_JUNIT10_XSD);
	return here;
}

/* 0 when a strict report passes every strict schema present. */
static inline int strict_invalid(const char *path)
{
	if (xmllint(PYN_STRICT_XSD, path))
		return 1;
	if (has_junit10() && xmllint(PYN_JUNIT10_XSD, path))
		return 2;
	return 0;
}

/* 0 when a default report passes its schema (and junit-10 refuses it). */
static inline int default_invalid(const char *path)
{
	if (xmllint(PYN_DEFAULT_XSD, path))
		return 1;
	if (has_junit10() && !xmllint(PYN_JUNIT10_XSD, path))
		return 2;
	return 0;
}

#endif /* PYN_TESTS_SCHEMA_H */
