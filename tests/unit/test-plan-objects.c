/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-plan-objects.c - manifests -> plan (config/plan*.c):
 * library and plug-in paths, libtool archives, symbols from the ELF
 * table, corrupt objects, discovery, imported CUnit suites and programs.
 */
#include "plan_test.h"

static void test_library_paths(void)
{
	struct pyn_plan plan;
	char sub[PATH_MAX + 8], want[PATH_MAX + 128];

	snprintf(sub, sizeof(sub), "%s/lib", dir);
	CU_ASSERT_FATAL(mkdir(sub, 0755) == 0);
	copy_fixture("lib/libelsewhere.so");

	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libelsewhere, tests: [test_alpha] }]\n",
		NULL,
		"1:30: cannot find test library 'libelsewhere': tried libelsewhere{,.so,.la} in the manifest's folder");
	/* A folder is no library, and "cannot find" would mislead. */
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: lib, tests: [test_alpha] }]\n",
		NULL, "1:30: test library 'lib' is a directory");
	EXPECT_PLAN_ERROR("plugins: [lib]\nsuites: []\n", NULL,
			  "1:11: plug-in 'lib' is a directory");

	/* Searched after the manifest's folder. */
	setenv("PYNTEST_LIBRARY_PATH", "/nonexistent:lib", 1);
	CU_ASSERT_FATAL(chdir(dir) == 0);
	build_ok(
		&plan,
		"suites: [{ name: s, library: libelsewhere, tests: [test_alpha] }]\n",
		NULL);
	snprintf(want, sizeof(want), "%s/lib/libelsewhere.so", dir);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(plan.tests[0].code->library, "/lib/libelsewhere.so"));
	CU_ASSERT_EQUAL(plan.tests[0].code->library[0], '/');
	pyn_plan_release(&plan);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libnope, tests: [test_alpha] }]\n",
		NULL,
		"1:30: cannot find test library 'libnope': tried libnope{,.so,.la} in the manifest's folder and in PYNTEST_LIBRARY_PATH");
	unsetenv("PYNTEST_LIBRARY_PATH");

	/* Relative to the manifest's folder, whatever the working directory. */
	CU_ASSERT_FATAL(chdir("/") == 0);
	build_ok(
		&plan,
		"suites: [{ name: s, library: lib/libelsewhere, tests: [test_alpha] }]\n",
		NULL);
	pyn_plan_release(&plan);

	/* Absolute paths, with the extension. */
	snprintf(
		want, sizeof(want),
		"suites: [{ name: s, library: '%s/lib/libelsewhere.so', tests: [test_alpha] }]\n",
		dir);
	build_ok(&plan, want, NULL);
	pyn_plan_release(&plan);
}

static void test_libtool_archive(void)
{
	struct pyn_plan plan;
	char sub[PATH_MAX + 8];

	snprintf(sub, sizeof(sub), "%s/.libs", dir);
	CU_ASSERT_FATAL(mkdir(sub, 0755) == 0);
	copy_fixture(".libs/libla.so.0");
	write_file("libla.la",
		   "# libla.la - a libtool library file\ndlname='libla.so.0'\n",
		   0644);
	build_ok(&plan,
		 "suites: [{ name: s, library: libla, tests: [test_alpha] }]\n",
		 NULL);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(plan.tests[0].code->library, "/libla.la"));
	pyn_plan_release(&plan);
	write_file("libbad.la", "dlname=''\n", 0644);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libbad.la, tests: [test_alpha] }]\n",
		NULL,
		"1:30: cannot use test library 'libbad.la': libtool archive names no shared object (dlname)");
}

static void test_symbols(void)
{
	copy_fixture("libfix.so");
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    tests: [test_alpha, test_nope]\n",
		NULL,
		"4:25: test function 'test_nope' not found in test library 'libfix'");
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    tests:\n      - { name: x, function: test_data_symbol }\n",
		NULL,
		"5:30: test function 'test_data_symbol' in test library 'libfix' is data, not a function");
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    tests: [test_hidden]\n",
		NULL,
		"4:13: test function 'test_hidden' not found in test library 'libfix'");
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    setup: set_up\n    tests: [test_alpha]\n",
		NULL,
		"4:12: setup function 'set_up' not found in test library 'libfix'");
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    teardown: test_data_symbol\n    tests: [test_alpha]\n",
		NULL,
		"4:15: teardown function 'test_data_symbol' in test library 'libfix' is data, not a function");
}

static void test_bad_objects(void)
{
	char path[PATH_MAX + 16];
	unsigned char hdr[64];
	int fd;

	write_file("libtext.so", "this is not a shared object\n", 0644);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libtext, tests: [t] }]\n", NULL,
		"1:30: cannot use test library 'libtext': not an ELF file");
	write_file("libempty.so", "", 0644);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libempty, tests: [t] }]\n", NULL,
		"1:30: cannot use test library 'libempty': empty file, not an ELF file");

	/* The fixture with its machine patched to AArch64 (183). */
	copy_fixture("libarm.so");
	snprintf(path, sizeof(path), "%s/libarm.so", dir);
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pread(fd, hdr, sizeof(hdr), 0) == sizeof(hdr));
	hdr[18] = 183;
	hdr[19] = 0;
	CU_ASSERT_FATAL(pwrite(fd, hdr, sizeof(hdr), 0) == sizeof(hdr));
	close(fd);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libarm, tests: [t] }]\n", NULL,
		"1:30: cannot use test library 'libarm': built for AArch64, not x86-64");

	/* A 32-bit class byte. */
	copy_fixture("lib32.so");
	snprintf(path, sizeof(path), "%s/lib32.so", dir);
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	hdr[0] = 1;
	CU_ASSERT_FATAL(pwrite(fd, hdr, 1, 4) == 1);
	close(fd);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: lib32, tests: [t] }]\n", NULL,
		"1:30: cannot use test library 'lib32': a 32-bit ELF file; this pyntest is 64-bit");

	/* Regression (fuzz_elf): misaligned section headers were read. */
	copy_fixture("libodd.so");
	snprintf(path, sizeof(path), "%s/libodd.so", dir);
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pread(fd, hdr, sizeof(hdr), 0) == sizeof(hdr));
	hdr[0x28] += 4; /* e_shoff */
	hdr[0x3c] = 0; /* e_shnum: 0, so the count is in section 0 */
	hdr[0x3d] = 0;
	CU_ASSERT_FATAL(pwrite(fd, hdr, sizeof(hdr), 0) == sizeof(hdr));
	close(fd);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libodd, tests: [t] }]\n", NULL,
		"1:30: cannot use test library 'libodd': misaligned ELF section headers");

	/* Section headers pointing past the end of the file. */
	copy_fixture("libcut.so");
	snprintf(path, sizeof(path), "%s/libcut.so", dir);
	CU_ASSERT_FATAL(truncate(path, 4096) == 0);
	EXPECT_PLAN_ERROR(
		"suites: [{ name: s, library: libcut, tests: [t] }]\n", NULL,
		"1:30: cannot use test library 'libcut': truncated ELF file (section headers)");
}

/*
 * Regression (found by review before the fuzzer could): every exported
 * symbol naming the same bytes of .dynstr, as suffix merging does, once
 * overflowed the copy of the names.
 */
static void test_elf_shared_names(void)
{
	struct pyn_elf_symbols syms;
	struct pyn_error err;
	unsigned char *img;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh, *dynsym = NULL;
	const char *strtab;
	Elf64_Sym *sym;
	uint32_t longest = 0;
	size_t len = 0, i, n, got;
	FILE *f = fopen(PYN_CONFIG_FIXTURE, "rb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	img = aligned_alloc(16, 1 << 22);
	CU_ASSERT_PTR_NOT_NULL_FATAL(img);
	while ((got = fread(img + len, 1, (1 << 22) - len, f)) > 0)
		len += got;
	fclose(f);
	CU_ASSERT_FATAL(len > sizeof(*eh) && len < (1 << 22));
	eh = (const Elf64_Ehdr *)img;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_DYNSYM)
			dynsym = &sh[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(dynsym);
	strtab = (const char *)img + sh[dynsym->sh_link].sh_offset;
	sym = (Elf64_Sym *)(img + dynsym->sh_offset);
	n = dynsym->sh_size / sizeof(*sym);
	for (i = 1; i < n; i++)
		if (sym[i].st_shndx != SHN_UNDEF &&
		    strlen(strtab + sym[i].st_name) > strlen(strtab + longest))
			longest = sym[i].st_name;
	/* A string table holding just that name, which every symbol uses. */
	for (i = 1; i < n; i++)
		sym[i].st_name = 0;
	((Elf64_Shdr *)sh)[dynsym->sh_link].sh_offset += longest;
	((Elf64_Shdr *)sh)[dynsym->sh_link].sh_size =
		strlen(strtab + longest) + 1;
	CU_ASSERT_EQUAL_FATAL(pyn__elf_read_buffer(&syms, img, len, &err), 0);
	CU_ASSERT(syms.n_symbols >= 9);
	for (i = 0; i < syms.n_symbols; i++)
		CU_ASSERT_STRING_EQUAL(syms.symbols[i].name, strtab + longest);
	pyn__elf_release(&syms);
	free(img);
}

static void test_discover(void)
{
	struct pyn_plan plan;
	const struct pyn_plan_test *t;

	copy_fixture("libfix.so");
	build_ok(&plan,
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix\n"
		 "    setup: fixture_setup\n"
		 "    discover: \"test_*\"\n"
		 "    tests:\n"
		 "      - name: test_beta\n"
		 "        expect: fail\n",
		 NULL);
	/* Explicit first (and winning), then discovered by name; data and
	 * hidden symbols are never discovered. */
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 3);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "s.test_beta");
	CU_ASSERT_EQUAL(plan.tests[0].expect.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_STRING_EQUAL(plan.tests[1].id, "s.test_alpha");
	CU_ASSERT_STRING_EQUAL(plan.tests[2].id, "s.test_gamma");
	t = &plan.tests[1];
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_STRING_EQUAL(t->code->setup, "fixture_setup");
	CU_ASSERT_EQUAL(t->line, 5);
	CU_ASSERT_EQUAL(t->order, 1);
	pyn_plan_release(&plan);

	/* Setup and teardown are not tests even when they match. */
	build_ok(&plan,
		 "suites: [{ name: s, library: libfix, discover: 'fixture_*',\n"
		 "           setup: fixture_setup }]\n",
		 NULL);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 1);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "s.fixture_teardown");
	pyn_plan_release(&plan);
}

/* What the last enumerate call was given (the source dies with the call). */
static struct {
	char suite[64];
	char cunit_info[64];
	size_t n_cunit_register;
	double wall_time_s;
	char program[PATH_MAX];
} last_source;

static int enumerate(void *user, const struct pyn_plan_source *src,
		     struct pyn_plan_case **cases, size_t *n_cases,
		     struct pyn_error *err)
{
	int mode = *(int *)user;

	snprintf(last_source.suite, sizeof(last_source.suite), "%s",
		 src->suite);
	snprintf(last_source.cunit_info, sizeof(last_source.cunit_info), "%s",
		 src->cunit_info ? src->cunit_info : "");
	last_source.n_cunit_register = src->n_cunit_register;
	last_source.wall_time_s = src->limits->wall_time_s;
	snprintf(last_source.program, sizeof(last_source.program), "%s",
		 src->program ? src->program : "");
	if (mode == 1) {
		snprintf(err->message, sizeof(err->message),
			 "the program crashed (SIGSEGV)");
		return -1;
	}
	*n_cases = mode == 2 ? 3 : 2;
	*cases = calloc(*n_cases, sizeof(**cases));
	(*cases)[0].suite = strdup("Suite One");
	(*cases)[0].test = strdup("adds");
	(*cases)[1].suite = strdup("Suite One");
	(*cases)[1].test = strdup("subtracts");
	if (mode == 2) {
		(*cases)[2].suite = strdup("Suite One");
		(*cases)[2].test = strdup("adds");
	}
	return 0;
}

static void test_imported(void)
{
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;
	const struct pyn_plan_test *t;
	int mode = 0;

	copy_fixture("libfix.so");
	write_file("prog", "#!/bin/sh\nexit 0\n", 0755);
	write_file("noexec", "#!/bin/sh\nexit 0\n", 0644);

	EXPECT_PLAN_ERROR(
		"suites:\n  - name: legacy\n    library: libfix\n    cunit: fixture_suites\n",
		NULL,
		"4:12: cannot list the tests of suite 'legacy': importing CUnit tests needs the runner");
	opt.enumerate = enumerate;
	opt.user = &mode;
	build_ok(&plan,
		 "suites:\n"
		 "  - name: legacy\n"
		 "    library: libfix\n"
		 "    cunit: fixture_suites\n"
		 "    cunit_register: [fixture_setup]\n"
		 "    wall_time: 2s\n"
		 "    overrides:\n"
		 "      - { match: 'Suite One.sub*', expect: fail }\n",
		 &opt);
	CU_ASSERT_STRING_EQUAL(last_source.suite, "legacy");
	CU_ASSERT_STRING_EQUAL(last_source.cunit_info, "fixture_suites");
	CU_ASSERT_EQUAL(last_source.n_cunit_register, 1);
	CU_ASSERT_DOUBLE_EQUAL(last_source.wall_time_s, 2, 1e-12);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	t = &plan.tests[0];
	/* Named by the manifest suite: SUITE.CUNIT_SUITE.TEST. */
	CU_ASSERT_STRING_EQUAL(t->id, "legacy.Suite One.adds");
	CU_ASSERT_STRING_EQUAL(t->suite, "legacy");
	CU_ASSERT_STRING_EQUAL(t->classname, "legacy.Suite One");
	CU_ASSERT_STRING_EQUAL(t->name, "adds");
	CU_ASSERT_EQUAL(t->kind, PYN_TASK_CUNIT);
	CU_ASSERT_STRING_EQUAL(t->code->cunit_info, "fixture_suites");
	CU_ASSERT_EQUAL_FATAL(t->code->n_cunit_register, 1);
	CU_ASSERT_STRING_EQUAL(t->code->cunit_register[0], "fixture_setup");
	CU_ASSERT_STRING_EQUAL(t->cunit_suite, "Suite One");
	CU_ASSERT_STRING_EQUAL(t->name, "adds");
	CU_ASSERT_PTR_NOT_NULL(t->code->library);
	{
		struct pyn_task task;

		pyn_plan_task(t, &task);
		CU_ASSERT_EQUAL(task.kind, PYN_TASK_CUNIT);
		CU_ASSERT_STRING_EQUAL(task.name, "legacy.Suite One.adds");
		CU_ASSERT_STRING_EQUAL(task.cunit_info, "fixture_suites");
		CU_ASSERT_EQUAL(task.n_cunit_register, 1);
		CU_ASSERT_STRING_EQUAL(task.cunit_suite, "Suite One");
		CU_ASSERT_STRING_EQUAL(task.cunit_test, "adds");
		CU_ASSERT_PTR_NULL(task.symbol);
	}
	CU_ASSERT_DOUBLE_EQUAL(t->limits->wall_time_s, 2, 1e-12);
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(plan.tests[1].expect.outcome, PYN_OUTCOME_FAIL);
	pyn_plan_release(&plan);

	/* setup/teardown go around imported tests (no bogus "out of memory"). */
	build_ok(&plan,
		 "suites:\n"
		 "  - name: reg\n"
		 "    library: libfix\n"
		 "    cunit_register: [fixture_setup]\n"
		 "    setup: test_alpha\n"
		 "    teardown: fixture_teardown\n",
		 &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].code->setup, "test_alpha");
	CU_ASSERT_STRING_EQUAL(plan.tests[0].code->teardown,
			       "fixture_teardown");
	pyn_plan_release(&plan);

	build_ok(&plan,
		 "suites:\n"
		 "  - name: kastore\n"
		 "    program: prog\n"
		 "    args: [-v]\n"
		 "    cwd: .\n",
		 &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	t = &plan.tests[1];
	CU_ASSERT_STRING_EQUAL(t->id, "kastore.Suite One.subtracts");
	CU_ASSERT_PTR_NULL(t->code->library);
	CU_ASSERT_PTR_NOT_NULL(strstr(t->code->program, "/prog"));
	CU_ASSERT_EQUAL_FATAL(t->code->n_args, 1);
	CU_ASSERT_STRING_EQUAL(t->code->args[0], "-v");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->code->cwd);
	CU_ASSERT_EQUAL(t->code->cwd[0], '/');
	CU_ASSERT_PTR_NOT_NULL(strstr(last_source.program, "/prog"));
	pyn_plan_release(&plan);

	EXPECT_PLAN_ERROR(
		"suites: [{ name: k, program: nope }]\n", &opt,
		"1:30: cannot find test program 'nope': tried nope in the manifest's folder");
	EXPECT_PLAN_ERROR(
		"suites: [{ name: k, program: noexec }]\n", &opt,
		"1:30: cannot use test program 'noexec': not executable");
	EXPECT_PLAN_ERROR("suites: [{ name: k, program: . }]\n", &opt,
			  "1:30: test program '.' is a directory");
	EXPECT_PLAN_ERROR("suites: [{ name: k, program: prog, cwd: nodir }]\n",
			  &opt,
			  "1:41: cannot use cwd 'nodir': no such directory");
	EXPECT_PLAN_ERROR(
		"suites: [{ name: k, library: libfix, cunit: test_alpha }]\n",
		&opt,
		"1:45: 'test_alpha' in test library 'libfix' is a function, not a CU_SuiteInfo[] array");
	EXPECT_PLAN_ERROR(
		"suites: [{ name: k, library: libfix, cunit: nope }]\n", &opt,
		"1:45: CUnit suite array 'nope' not found in test library 'libfix'");
	EXPECT_PLAN_ERROR(
		"suites: [{ name: k, library: libfix, cunit_register: [test_data_symbol] }]\n",
		&opt,
		"1:55: registration function 'test_data_symbol' in test library 'libfix' is data, not a function");
	mode = 1;
	EXPECT_PLAN_ERROR(
		"suites: [{ name: k, program: prog }]\n", &opt,
		"1:30: cannot list the tests of suite 'k': the program crashed (SIGSEGV)");
	mode = 2;
	EXPECT_PLAN_ERROR(
		"suites: [{ name: k, program: prog }]\n", &opt,
		"1:30: duplicate test id 'k.Suite One.adds': the CUnit tests of suite 'k' have it twice");
	/* A CUnit suite named as the manifest suite: the ids collapse. */
	mode = 0;
	build_ok(&plan, "suites: [{ name: Suite One, program: prog }]\n", &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "Suite One.adds");
	CU_ASSERT_STRING_EQUAL(plan.tests[0].classname, "Suite One");
	pyn_plan_release(&plan);
	/* One program twice, other args: ids apart by the suite names. */
	build_ok(&plan,
		 "suites:\n"
		 "  - { name: fast, program: prog, args: [--fast] }\n"
		 "  - { name: slow, program: prog, args: [--slow] }\n",
		 &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 4);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "fast.Suite One.adds");
	CU_ASSERT_STRING_EQUAL(plan.tests[2].id, "slow.Suite One.adds");
	CU_ASSERT_STRING_EQUAL(plan.tests[2].code->args[0], "--slow");
	pyn_plan_release(&plan);
	/* Overrides match the full id and the CUnit name SUITE.TEST. */
	build_ok(&plan,
		 "suites:\n"
		 "  - name: k\n"
		 "    program: prog\n"
		 "    overrides:\n"
		 "      - { match: 'Suite One.adds', expect: fail }\n"
		 "      - { match: 'k.Suite One.sub*', expect: error }\n",
		 &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_EQUAL(plan.tests[0].expect.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(plan.tests[1].expect.outcome, PYN_OUTCOME_ERROR);
	pyn_plan_release(&plan);
}

static void test_plugins(void)
{
	struct pyn_plan plan;
	char sub[PATH_MAX + 8];

	copy_fixture("libfix.so");
	snprintf(sub, sizeof(sub), "%s/plugins", dir);
	CU_ASSERT_FATAL(mkdir(sub, 0755) == 0);
	copy_fixture("plugins/libpyn_maxfiles.so");
	write_file("plugins/libnoentry.so", "", 0644);
	build_ok(&plan,
		 "plugins: [plugins/libpyn_maxfiles, libfix, libfix.so]\n"
		 "suites: []\n",
		 NULL);
	CU_ASSERT_EQUAL_FATAL(plan.n_plugins, 2);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(plan.plugins[0], "/plugins/libpyn_maxfiles.so"));
	CU_ASSERT_PTR_NOT_NULL(strstr(plan.plugins[1], "/libfix.so"));
	CU_ASSERT_EQUAL(plan.n_tests, 0);
	pyn_plan_release(&plan);

	setenv("PYNTEST_PLUGIN_PATH", sub, 1);
	build_ok(&plan, "plugins: [libpyn_maxfiles]\nsuites: []\n", NULL);
	CU_ASSERT_EQUAL(plan.n_plugins, 1);
	pyn_plan_release(&plan);
	unsetenv("PYNTEST_PLUGIN_PATH");

	EXPECT_PLAN_ERROR(
		"plugins:\n  - libpyn_maxfiles\nsuites: []\n", NULL,
		"2:5: cannot find plug-in 'libpyn_maxfiles': tried libpyn_maxfiles{,.so,.la} in the manifest's folder");
	EXPECT_PLAN_ERROR(
		"plugins: [plugins/libnoentry]\nsuites: []\n", NULL,
		"1:11: cannot use plug-in 'plugins/libnoentry': empty file, not an ELF file");
}

static CU_TestInfo tests[] = {
	{ "library paths and PYNTEST_LIBRARY_PATH", test_library_paths },
	{ "libtool archives", test_libtool_archive },
	{ "functions are checked in the ELF table", test_symbols },
	{ "corrupt and foreign objects", test_bad_objects },
	{ "ELF: symbols sharing names", test_elf_shared_names },
	{ "discover adds exported functions", test_discover },
	{ "CUnit imports and programs", test_imported },
	{ "plug-in paths", test_plugins },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "plan.objects", NULL, NULL, setup_dir, remove_dir, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
