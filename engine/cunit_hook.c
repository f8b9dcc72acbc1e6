/* SPDX-License-Identifier: MIT */
/*
 * engine/cunit_hook.c - CUnit's assertion entry, for executables.
 *
 * Linked into pyntest and pyntest-worker (built with ENABLE_EXPORTS), so
 * a dlopened test library's CU_ASSERT* binds to this definition rather
 * than libcunit's: inside a test child each failure is recorded in the
 * job page, and a fatal one jumps out of the test so teardown still runs.
 * Outside a test child it forwards to the real CUnit, so a CUnit program
 * that links it keeps its own assertions working.
 */
#include <dlfcn.h>
#include <stddef.h>

#include <CUnit/CUnit.h>

#include "harness.h"

/*
 * Found with dlsym() by the engine: a process without it cannot run
 * library tests in fork mode (libcunit's own CU_assertImplementation
 * aborts outside a CUnit run), so the engine spawns them instead.
 */
__attribute__((visibility("default"))) const int pyn__cunit_hook_present = 1;

typedef CU_BOOL (*assert_fn)(CU_BOOL, unsigned int, const char *, const char *,
			     const char *, CU_BOOL);

__attribute__((visibility("default"))) CU_BOOL
CU_assertImplementation(CU_BOOL bValue, unsigned int uiLine,
			const char *strCondition, const char *strFile,
			const char *strFunction, CU_BOOL bFatal)
{
	static assert_fn next;

	if (pyn__child_assert(bValue, uiLine, strCondition, strFile,
			      strFunction, bFatal) == 0)
		return bValue;
	if (!next)
		next = (assert_fn)dlsym(RTLD_NEXT, "CU_assertImplementation");
	if (next)
		return next(bValue, uiLine, strCondition, strFile, strFunction,
			    bFatal);
	return bValue;
}
