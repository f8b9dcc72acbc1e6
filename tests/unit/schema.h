/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/schema.h - validating reports in unit tests.
 *
 * Every report is checked against the project's own schema of its
 * flavour (runner/report/schema/).  The independent third-party schema
 * (the Jenkins xUnit plugin's junit-10, in ../shared/junit/ beside the
 * clone as in CI, or in $PYN_SHARED_DIR/junit/) is a part of its own:
 * its test calls junit10_part(), which skips (77) where the schema is not,
 * and otherwise has every later check also require that a strict report
 * passes junit-10 and a default one fails it (it uses extensions).
 */
#ifndef PYN_TESTS_SCHEMA_H
#define PYN_TESTS_SCHEMA_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

#define PYN_DEFAULT_XSD PYN_SOURCE_DIR "/runner/report/schema/pyntest-junit.xsd"
#define PYN_STRICT_XSD                                                         \
	PYN_SOURCE_DIR "/runner/report/schema/pyntest-junit-strict.xsd"

/* Set by junit10_part(): check the third-party schema too. */
static char pyn_junit10_xsd[1024];

/* xmllint's status: 0 when `path` is well-formed and valid (xsd NULL: well-formed). */
static inline int xmllint(const char *xsd, const char *path)
{
	char cmd[2048];

	if (xsd)
		snprintf(cmd, sizeof(cmd),
			 "xmllint --noout --schema '%s' '%s' 2>/dev/null", xsd,
			 path);
	else
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' 2>/dev/null",
			 path);
	return system(cmd);
}

/* The third-party part: 1 with the junit-10 checks on, or 0 skipped. */
static inline int junit10_part(void)
{
	const char *shared = getenv("PYN_SHARED_DIR");

	snprintf(pyn_junit10_xsd, sizeof(pyn_junit10_xsd),
		 "%s/junit/junit-10-xunit-plugin.xsd",
		 shared && *shared ? shared : PYN_SOURCE_DIR "/../shared");
	if (access(pyn_junit10_xsd, R_OK) == 0)
		return 1;
	pyn_unit_skip("no %s (CI has ../shared beside the clone; "
		      "PYN_SHARED_DIR names another)",
		      pyn_junit10_xsd);
	pyn_junit10_xsd[0] = '\0';
	return 0;
}

/* 0 when a strict report passes the strict schemas checked. */
static inline int strict_invalid(const char *path)
{
	if (xmllint(PYN_STRICT_XSD, path))
		return 1;
	if (pyn_junit10_xsd[0] && xmllint(pyn_junit10_xsd, path))
		return 2;
	return 0;
}

/* 0 when a default report passes its schema (and junit-10 refuses it). */
static inline int default_invalid(const char *path)
{
	if (xmllint(PYN_DEFAULT_XSD, path))
		return 1;
	if (pyn_junit10_xsd[0] && !xmllint(pyn_junit10_xsd, path))
		return 2;
	return 0;
}

#endif /* PYN_TESTS_SCHEMA_H */
