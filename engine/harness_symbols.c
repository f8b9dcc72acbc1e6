/* SPDX-License-Identifier: MIT */
/*
 * engine/harness_symbols.c - finding a test's functions: in the fork
 * server before the clone (pyn__child_presolve, so the child looks up
 * nothing), in the child by name when the server did not, and a CUnit
 * test in a CU_SuiteInfo array, in the registry its registration
 * functions fill, or in a CUnit program's own registry.
 *
 * May use: the host's loader (loader.h), harness.c (setup failure), the
 * page, libdl and CUnit's headers (libcunit is the test library's,
 * looked up, never linked).
 */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include <host/loader.h>

#include "harness.h"
#include "harness_int.h"

/* `p` is the address of the ordinary function `name` itself. */
static int plain_function(void *p, const char *name)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	return dladdr1(p, &info, (void **)&sym, RTLD_DL_SYMENT) && sym &&
	       info.dli_sname && strcmp(info.dli_sname, name) == 0 &&
	       info.dli_saddr == p && ELF64_ST_TYPE(sym->st_info) == STT_FUNC;
}

void *pyn__child_presolve(struct pyn__module *module, const char *name)
{
	void *p;

	if (!name || !name[0])
		return NULL;
	/*
	 * The library's own function, from its symbol table: no dynamic
	 * linker's lock, a write of the server's that each clone would make
	 * it copy again.  Else dlsym's answer, unless not found (the child
	 * looks again and says so), or an IFUNC (or an alias): its resolver
	 * runs where it is looked up, and must see the suite's env: of the
	 * child.
	 */
	p = pyn__module_function(module, name);
	if (p)
		return p;
	p = pyn__module_symbol(module, name);
	return p && plain_function(p, name) ? p : NULL;
}

PYN__CHILD_TEXT void *pyn__child_symbol(struct pyn__page *page,
					struct pyn__module *module,
					uint32_t off)
{
	const char *name = pyn__page_str(page, off);
	void *p;

	if (!name || !name[0])
		return NULL;
	for (unsigned i = 0; i < page->presolved_n && i < PYN__PRESOLVED_MAX;
	     i++)
		if (page->presolved_off[i] == off)
			return page->presolved_p[i];
	p = pyn__module_symbol(module, name);
	if (!p)
		pyn__child_setup_failed(
			page, "symbol '", name, "' not found in '",
			pyn__page_str(page, page->task.library));
	return p;
}

/* Find a CUnit test in a CU_SuiteInfo[] array. */
static int pick_info(CU_SuiteInfo *s, const char *sn, const char *tn,
		     struct pyn__cunit_pick *pick)
{
	CU_TestInfo *t;

	for (; s && s->pName; s++) {
		if (!sn || strcmp(s->pName, sn) != 0)
			continue;
		for (t = s->pTests; t && t->pName; t++) {
			if (tn && strcmp(t->pName, tn) == 0) {
				pick->suite = s->pName;
				pick->init = s->pInitFunc;
				pick->clean = s->pCleanupFunc;
				pick->setup = s->pSetUpFunc;
				pick->teardown = s->pTearDownFunc;
				pick->test = t->pTestFunc;
				return 0;
			}
		}
	}
	return -1;
}

/* Find test `tn` of suite `sn` in a CUnit registry (may be NULL). */
static int pick_in_registry(CU_pTestRegistry reg, const char *sn,
			    const char *tn, struct pyn__cunit_pick *pick)
{
	CU_pSuite s;
	CU_pTest t;

	for (s = reg ? reg->pSuite : NULL; s; s = s->pNext) {
		if (!sn || !s->pName || strcmp(s->pName, sn) != 0)
			continue;
		for (t = s->pTest; t; t = t->pNext) {
			if (tn && t->pName && strcmp(t->pName, tn) == 0) {
				pick->suite = s->pName;
				pick->init = s->pInitializeFunc;
				pick->clean = s->pCleanupFunc;
				pick->setup = s->pSetUpFunc;
				pick->teardown = s->pTearDownFunc;
				pick->test = t->pTestFunc;
				return 0;
			}
		}
	}
	return -1;
}

/*
 * Find a CUnit test that registration functions add to CUnit's registry.
 * libcunit is the test library's (loaded with global symbols), never
 * pyntest's: its entry points are looked up, not linked.
 */
static int pick_registered(struct pyn__page *page, struct pyn__module *module,
			   const char *sn, const char *tn,
			   struct pyn__cunit_pick *pick)
{
	CU_ErrorCode (*init_registry)(void);
	CU_pTestRegistry (*get_registry)(void);
	CU_pTestRegistry (*new_registry)(void);
	CU_BOOL (*running)(void);
	CU_pTestRegistry (*set_registry)(CU_pTestRegistry);
	uint32_t i, reg;
	void (*fn)(void);

	*(void **)&init_registry =
		dlsym(RTLD_DEFAULT, "CU_initialize_registry");
	*(void **)&get_registry = dlsym(RTLD_DEFAULT, "CU_get_registry");
	if (!init_registry || !get_registry)
		pyn__child_setup_failed(
			page, "cunit_register needs libcunit in '",
			pyn__page_str(page, page->task.library), "'", "");
	*(void **)&new_registry = dlsym(RTLD_DEFAULT, "CU_create_new_registry");
	*(void **)&set_registry = dlsym(RTLD_DEFAULT, "CU_set_registry");
	*(void **)&running = dlsym(RTLD_DEFAULT, "CU_is_test_running");
	/* CUnit asserts (aborts) on registration during a run. */
	if (running && running())
		pyn__child_setup_failed(
			page, "cannot register CUnit tests in a child ",
			"forked during a CUnit run; use spawn or ",
			"forkserver isolation", "");
	/*
	 * Forked from a process whose CUnit registry is in use: register
	 * into a fresh one, leaving the caller's copy alone.
	 */
	if (get_registry() && new_registry && set_registry)
		set_registry(new_registry());
	if (!get_registry() && init_registry() != CUE_SUCCESS)
		pyn__child_setup_failed(page,
					"cannot initialize the CUnit registry",
					"", "", "");
	reg = page->task.reg;
	for (i = 0; i < page->task.n_register; i++) {
		fn = (void (*)(void))pyn__child_symbol(page, module, reg);
		if (fn)
			fn();
		reg += (uint32_t)strlen(page->task.strings + reg) + 1;
	}
	return pick_in_registry(get_registry(), sn, tn, pick);
}

/*
 * Find a test of a CUnit program (`program:`) in the registry its main()
 * built: this process is that program, the test a child of it.
 */
static int pick_live(struct pyn__page *page, const char *sn, const char *tn,
		     struct pyn__cunit_pick *pick)
{
	CU_pTestRegistry (*get_registry)(void);

	*(void **)&get_registry = dlsym(RTLD_DEFAULT, "CU_get_registry");
	if (!get_registry)
		pyn__child_setup_failed(page, "program '",
					pyn__page_str(page, page->task.program),
					"' does not use CUnit", "");
	return pick_in_registry(get_registry(), sn, tn, pick);
}

int pyn__child_find_cunit_again(struct pyn__page *page,
				struct pyn__module *module, const char *tn,
				struct pyn__cunit_pick *pick)
{
	const char *sn = pyn__page_str(page, page->task.cunit_suite);
	CU_pTestRegistry (*get_registry)(void);

	if (page->task.cunit_info)
		return pick_info(
			pyn__child_symbol(page, module, page->task.cunit_info),
			sn, tn, pick);
	*(void **)&get_registry = dlsym(RTLD_DEFAULT, "CU_get_registry");
	return get_registry ? pick_in_registry(get_registry(), sn, tn, pick) :
			      -1;
}

/*
 * The page's test, or (a suite in one process: cunit_test is a list,
 * engine.h) the test named `first`.
 */
void pyn__child_find_cunit_named(struct pyn__page *page,
				 struct pyn__module *module, const char *tn,
				 struct pyn__cunit_pick *pick)
{
	const char *sn = pyn__page_str(page, page->task.cunit_suite);
	int rc = -1;

	if (page->task.program)
		rc = pick_live(page, sn, tn, pick);
	else if (page->task.cunit_info)
		rc = pick_info(
			pyn__child_symbol(page, module, page->task.cunit_info),
			sn, tn, pick);
	else if (page->task.n_register)
		rc = pick_registered(page, module, sn, tn, pick);
	else
		pyn__child_setup_failed(
			page, "a CUnit task needs a CU_SuiteInfo symbol ",
			"or registration functions", "", "");
	if (rc != 0)
		pyn__child_setup_failed(page, "CUnit test '", tn ? tn : "",
					"' not found in suite ", sn ? sn : "");
}

void pyn__child_find_cunit(struct pyn__page *page, struct pyn__module *module,
			   struct pyn__cunit_pick *pick)
{
	pyn__child_find_cunit_named(
		page, module, pyn__page_str(page, page->task.cunit_test), pick);
}
