/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-plan.c - manifests -> plan (config/plan*.c): library and
 * plug-in paths, symbols from the ELF table, discovery, inheritance,
 * duplicates, filters, shards, imported suites (expectations are judged
 * in runner/verdict.c: test-verdict.c).
 *
 * PYN_CONFIG_FIXTURE is the path of a small shared object built from
 * tests/suites/bad/fixture_lib.c; each test copies it into a fresh folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf.h>

#include "config/elf.h"
#include "config/manifest.h"
#include "config/plan.h"
#include "config/util.h"
#include "unit.h"

static char dir[PATH_MAX];

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void copy_fixture(const char *name)
{
	char path[PATH_MAX + 64], buf[65536];
	int in = open(PYN_CONFIG_FIXTURE, O_RDONLY), out;
	ssize_t n;

	CU_ASSERT_FATAL(in >= 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CU_ASSERT_FATAL(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CU_ASSERT_FATAL(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
}

static void setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pyn-plan-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	unsetenv("PYNTEST_LIBRARY_PATH");
	unsetenv("PYNTEST_PLUGIN_PATH");
}

static void remove_dir(void)
{
	char cmd[PATH_MAX + 16];

	CU_ASSERT_FATAL(chdir("/") == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static struct pyn_manifest *manifest(const char *name, const char *yaml)
{
	char path[PATH_MAX + 64];
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };

	write_file(name, yaml, 0644);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (pyn_manifest_load(&m, path, &err))
		fprintf(stderr, "\n%s:%u:%u: %s\n", err.file, err.line,
			err.column, err.message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m;
}

/* Build from one manifest; returns the code, the message in `err`. */
static int build(struct pyn_plan *plan, const char *yaml,
		 const struct pyn_plan_options *opt, struct pyn_error *err)
{
	struct pyn_manifest *m = manifest("m.yaml", yaml);
	int rc;

	memset(err, 0, sizeof(*err));
	rc = pyn_plan_build(plan, &m, 1, opt, err);
	pyn_manifest_free(m);
	return rc;
}

static void build_ok(struct pyn_plan *plan, const char *yaml,
		     const struct pyn_plan_options *opt)
{
	struct pyn_error err;
	int rc = build(plan, yaml, opt, &err);

	if (rc)
		fprintf(stderr, "\n%u:%u: %s\n", err.line, err.column,
			err.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
}

/* "LINE:COLUMN: MESSAGE" of a refused plan. */
static const char *build_error(const char *yaml,
			       const struct pyn_plan_options *opt)
{
	static char out[PYN_ERROR_MESSAGE_MAX + 32];
	struct pyn_plan plan;
	struct pyn_error err;
	int rc = build(&plan, yaml, opt, &err);

	CU_ASSERT(rc < 0);
	CU_ASSERT_EQUAL(plan.n_tests, 0);
	CU_ASSERT_PTR_NULL(plan.tests);
	if (rc == 0)
		pyn_plan_release(&plan);
	snprintf(out, sizeof(out), "%u:%u: %s", err.line, err.column,
		 err.message);
	return out;
}

#define EXPECT_PLAN_ERROR(yaml, opt, want)                                     \
	do {                                                                   \
		const char *got_ = build_error(yaml, opt);                     \
		if (strcmp(got_, want))                                        \
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", got_,    \
				want);                                         \
		CU_ASSERT_STRING_EQUAL(got_, want);                            \
	} while (0)

static const struct pyn_plan_test *find(const struct pyn_plan *plan,
					const char *id)
{
	size_t i;

	for (i = 0; i < plan->n_tests; i++)
		if (strcmp(plan->tests[i].id, id) == 0)
			return &plan->tests[i];
	return NULL;
}

static void test_basic(void)
{
	struct pyn_plan plan;
	const struct pyn_plan_test *t;
	char lib[PATH_MAX + 64], real[PATH_MAX];

	copy_fixture("libfix.so");
	build_ok(&plan,
		 "defaults: { wall_time: 10s, memory: 64MB }\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix\n"
		 "    setup: fixture_setup\n"
		 "    teardown: fixture_teardown\n"
		 "    cpu_time: 2s\n"
		 "    env: { A: b }\n"
		 "    tests:\n"
		 "      - test_alpha\n"
		 "      - name: beta\n"
		 "        function: test_beta\n"
		 "        wall_time: 1s\n"
		 "        memory: null\n"
		 "        retries: 3\n"
		 "        expect: { signal: SIGABRT }\n",
		 NULL);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_EQUAL(plan.n_suites, 1);
	CU_ASSERT_STRING_EQUAL(plan.suites[0], "s");
	snprintf(lib, sizeof(lib), "%s/libfix.so", dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(lib, real));

	t = &plan.tests[0];
	CU_ASSERT_STRING_EQUAL(t->id, "s.test_alpha");
	CU_ASSERT_STRING_EQUAL(t->suite, "s");
	CU_ASSERT_STRING_EQUAL(t->name, "test_alpha");
	CU_ASSERT_EQUAL(t->order, 0);
	CU_ASSERT_EQUAL(t->line, 10);
	CU_ASSERT_EQUAL(t->column, 9);
	CU_ASSERT_EQUAL(t->task.kind, PYN_TASK_SYMBOL);
	CU_ASSERT_STRING_EQUAL(t->task.name, "s.test_alpha");
	CU_ASSERT_STRING_EQUAL(t->task.library, real);
	CU_ASSERT_STRING_EQUAL(t->task.symbol, "test_alpha");
	CU_ASSERT_STRING_EQUAL(t->task.setup, "fixture_setup");
	CU_ASSERT_STRING_EQUAL(t->task.teardown, "fixture_teardown");
	CU_ASSERT_EQUAL_FATAL(t->task.n_env, 1);
	CU_ASSERT_STRING_EQUAL(t->task.env[0], "A=b");
	CU_ASSERT_PTR_NULL(t->task.cwd);
	CU_ASSERT_DOUBLE_EQUAL(t->limits.wall_time_s, 10, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(t->limits.cpu_time_s, 2, 1e-12);
	CU_ASSERT_EQUAL(t->limits.memory_bytes, 64ull << 20);
	CU_ASSERT_TRUE(t->limits.terminate_child_processes);
	CU_ASSERT_TRUE(t->limits.capture_output);
	CU_ASSERT_EQUAL(t->limits.output_limit, 1u << 20);
	CU_ASSERT_EQUAL(t->limits.isolation, PYN_ISOLATION_FORKSERVER);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_OUTCOME);
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(t->retries, 0);
	CU_ASSERT_FALSE(t->skip);
	CU_ASSERT_STRING_EQUAL(t->manifest + strlen(t->manifest) - 6, "m.yaml");

	t = &plan.tests[1];
	CU_ASSERT_STRING_EQUAL(t->id, "s.beta");
	CU_ASSERT_STRING_EQUAL(t->task.symbol, "test_beta");
	CU_ASSERT_DOUBLE_EQUAL(t->limits.wall_time_s, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(t->limits.cpu_time_s, 2, 1e-12);
	CU_ASSERT_EQUAL(t->limits.memory_bytes, 0);
	CU_ASSERT_EQUAL(t->retries, 3);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_SIGNAL);
	CU_ASSERT_EQUAL(t->expect.value, 6);
	pyn_plan_release(&plan);
	pyn_plan_release(&plan); /* twice: it was zeroed */
}

static void test_command_line_defaults(void)
{
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;
	const struct pyn_plan_test *t;

	copy_fixture("libfix.so");
	opt.wall_time_s = 7;
	opt.cpu_time_s = 3;
	opt.memory_bytes = 1000;
	opt.retries = 2;
	build_ok(&plan,
		 "defaults: { wall_time: 1s, isolation: spawn }\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix.so\n"
		 "    tests:\n"
		 "      - test_alpha\n"
		 "      - { name: test_beta, cpu_time: null, retries: 0 }\n",
		 &opt);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* The manifest wins where it says something... */
	CU_ASSERT_DOUBLE_EQUAL(t->limits.wall_time_s, 1, 1e-12);
	CU_ASSERT_EQUAL(t->limits.isolation, PYN_ISOLATION_SPAWN);
	/* ...the command line fills the rest. */
	CU_ASSERT_DOUBLE_EQUAL(t->limits.cpu_time_s, 3, 1e-12);
	CU_ASSERT_EQUAL(t->limits.memory_bytes, 1000);
	CU_ASSERT_EQUAL(t->retries, 2);
	/* null and 0 are things the manifest says. */
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_DOUBLE_EQUAL(t->limits.cpu_time_s, 0, 1e-12);
	CU_ASSERT_EQUAL(t->retries, 0);
	pyn_plan_release(&plan);

	/* --isolation overrides the manifest (SPEC §4). */
	opt.isolation = PYN_ISOLATION_FORK;
	build_ok(
		&plan,
		"defaults: { isolation: spawn }\n"
		"suites: [{ name: s, library: libfix, tests: [test_alpha] }]\n",
		&opt);
	CU_ASSERT_EQUAL(plan.tests[0].limits.isolation, PYN_ISOLATION_FORK);
	pyn_plan_release(&plan);
}

static void test_other_settings(void)
{
	struct pyn_plan plan;
	const struct pyn_plan_test *t;

	copy_fixture("libfix.so");
	build_ok(&plan,
		 "defaults:\n"
		 "  terminate_child_processes: false\n"
		 "  output_limit: 2MB\n"
		 "  isolation: fork\n"
		 "  expect: fail\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix\n"
		 "    tests:\n"
		 "      - test_alpha\n"
		 "      - name: test_beta\n"
		 "        output_limit: null\n"
		 "        isolation: null\n"
		 "        expect: null\n"
		 "        terminate_child_processes: yes\n",
		 NULL);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_FALSE(t->limits.terminate_child_processes);
	CU_ASSERT_EQUAL(t->limits.output_limit, 2u << 20);
	CU_ASSERT_EQUAL(t->limits.isolation, PYN_ISOLATION_FORK);
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_FAIL);
	/* null goes back to the built-in default. */
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(t->limits.terminate_child_processes);
	CU_ASSERT_EQUAL(t->limits.output_limit, 1u << 20);
	CU_ASSERT_EQUAL(t->limits.isolation, PYN_ISOLATION_FORKSERVER);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_OUTCOME);
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_PASS);
	pyn_plan_release(&plan);
}

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
		strstr(plan.tests[0].task.library, "/lib/libelsewhere.so"));
	CU_ASSERT_EQUAL(plan.tests[0].task.library[0], '/');
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
	CU_ASSERT_PTR_NOT_NULL(strstr(plan.tests[0].task.library, "/libla.la"));
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
	CU_ASSERT_STRING_EQUAL(t->task.setup, "fixture_setup");
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

static void test_duplicates(void)
{
	struct pyn_manifest *m[2];
	struct pyn_plan plan;
	struct pyn_error err;

	copy_fixture("libfix.so");
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    tests: [test_alpha]\n"
		"  - name: s.test\n    library: libfix\n    tests: [alpha]\n",
		NULL,
		"7:13: test function 'alpha' not found in test library 'libfix'");
	/* "s" + "x.y" and "s.x" + "y" make the same id. */
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n"
		"    tests: [{ name: x.y, function: test_alpha }]\n"
		"  - name: s.x\n    library: libfix\n"
		"    tests: [{ name: y, function: test_beta }]\n",
		NULL,
		"7:21: duplicate test id 's.x.y' (first at line 4, column 21)");

	m[0] = manifest(
		"a.yaml",
		"suites: [{ name: s, library: libfix, tests: [test_alpha] }]\n");
	m[1] = manifest(
		"b.yaml",
		"suites: [{ name: s, library: libfix, tests: [test_beta] }]\n");
	CU_ASSERT_EQUAL(pyn_plan_build(&plan, m, 2, NULL, &err), PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"duplicate suite name 's' (also in an earlier manifest)");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "b.yaml"));
	pyn_manifest_free(m[1]);
	m[1] = manifest(
		"b.yaml",
		"suites: [{ name: t, library: libfix, tests: [test_beta] }]\n");
	CU_ASSERT_EQUAL(pyn_plan_build(&plan, m, 2, NULL, &err), 0);
	CU_ASSERT_EQUAL(plan.n_tests, 2);
	CU_ASSERT_EQUAL(plan.n_suites, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(plan.tests[1].manifest, "b.yaml"));
	pyn_plan_release(&plan);
	pyn_manifest_free(m[0]);
	pyn_manifest_free(m[1]);
}

static const char many[] = "suites:\n"
			   "  - name: s\n"
			   "    library: libfix\n"
			   "    discover: 'test_*'\n"
			   "  - name: t\n"
			   "    library: libfix\n"
			   "    discover: '*'\n";

static void test_filters(void)
{
	const char *f1[] = { "s.*" };
	const char *f2[] = { "s.*", "!*alpha" };
	const char *f3[] = { "t.helper", "s.test_gamma" };
	const char *f4[] = { "!t.*" };
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;

	copy_fixture("libfix.so");
	build_ok(&plan, many, NULL);
	CU_ASSERT_EQUAL(plan.n_tests, 3 + 7);
	pyn_plan_release(&plan);

	opt.filters = f1;
	opt.n_filters = 1;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL(plan.n_tests, 3);
	CU_ASSERT_EQUAL(plan.n_suites, 1);
	pyn_plan_release(&plan);

	opt.filters = f2;
	opt.n_filters = 2;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "s.test_beta");
	CU_ASSERT_STRING_EQUAL(plan.tests[1].id, "s.test_gamma");
	CU_ASSERT_EQUAL(plan.tests[1].order, 1);
	pyn_plan_release(&plan);

	/* Several positive filters: any of them; order stays manifest order. */
	opt.filters = f3;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "s.test_gamma");
	CU_ASSERT_STRING_EQUAL(plan.tests[1].id, "t.helper");
	CU_ASSERT_EQUAL(plan.n_suites, 2);
	pyn_plan_release(&plan);

	/* Only exclusions: everything else. */
	opt.filters = f4;
	opt.n_filters = 1;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL(plan.n_tests, 3);
	pyn_plan_release(&plan);
}

static void test_shards(void)
{
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan full, part, bigger;
	struct pyn_error err;
	unsigned seen[16] = { 0 };
	size_t i, j, total = 0;
	const char *bigger_yaml =
		"suites:\n"
		"  - name: s\n    library: libfix\n    discover: 'test_*'\n"
		"  - name: u\n    library: libfix\n    discover: '*'\n"
		"  - name: t\n    library: libfix\n    discover: '*'\n";

	copy_fixture("libfix.so");
	build_ok(&full, many, NULL);
	CU_ASSERT_FATAL(full.n_tests <= 16);
	build_ok(&bigger, bigger_yaml, NULL);
	opt.shard_count = 3;
	for (opt.shard_index = 0; opt.shard_index < 3; opt.shard_index++) {
		build_ok(&part, many, &opt);
		total += part.n_tests;
		for (i = 0; i < part.n_tests; i++) {
			for (j = 0; j < full.n_tests; j++)
				if (!strcmp(full.tests[j].id, part.tests[i].id))
					seen[j]++;
			/* FNV-1a of the id, so the same in every run. */
			CU_ASSERT_EQUAL(pyn__fnv1a64(part.tests[i].id) % 3,
					opt.shard_index);
		}
		pyn_plan_release(&part);
		/* Stable: tests added elsewhere move nobody else. */
		build_ok(&part, bigger_yaml, &opt);
		for (j = 0; j < full.n_tests; j++) {
			bool in_shard = pyn__fnv1a64(full.tests[j].id) % 3 ==
					opt.shard_index;

			for (i = 0; i < part.n_tests; i++)
				if (!strcmp(full.tests[j].id, part.tests[i].id))
					break;
			CU_ASSERT_EQUAL(i < part.n_tests, in_shard);
		}
		pyn_plan_release(&part);
	}
	/* A partition: every test in exactly one shard. */
	CU_ASSERT_EQUAL(total, full.n_tests);
	for (j = 0; j < full.n_tests; j++)
		CU_ASSERT_EQUAL(seen[j], 1);
	pyn_plan_release(&full);
	pyn_plan_release(&bigger);
	CU_ASSERT_EQUAL(pyn__fnv1a64(""), 0xcbf29ce484222325ull);
	CU_ASSERT_EQUAL(pyn__fnv1a64("a"), 0xaf63dc4c8601ec8cull);

	opt.shard_index = 3;
	CU_ASSERT_EQUAL(build(&part, many, &opt, &err), PYN_EUSAGE);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad shard 3/3: the index must be below the count");
}

static void test_overrides(void)
{
	struct pyn_plan plan;
	const struct pyn_plan_test *t;

	copy_fixture("libfix.so");
	build_ok(&plan,
		 "defaults: { memory: 10MB }\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix\n"
		 "    discover: 'test_*'\n"
		 "    overrides:\n"
		 "      - match: 's.test_[ab]*'\n"
		 "        expect: timeout\n"
		 "        wall_time: 3s\n"
		 "      - match: '*beta'\n"
		 "        skip: flaky\n"
		 "        memory: null\n",
		 NULL);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_TIMEOUT);
	CU_ASSERT_DOUBLE_EQUAL(t->limits.wall_time_s, 3, 1e-12);
	CU_ASSERT_EQUAL(t->limits.memory_bytes, 10u << 20);
	CU_ASSERT_FALSE(t->skip);
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_TIMEOUT);
	CU_ASSERT_TRUE(t->skip);
	CU_ASSERT_STRING_EQUAL(t->skip_reason, "flaky");
	CU_ASSERT_EQUAL(t->limits.memory_bytes, 0);
	t = find(&plan, "s.test_gamma");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_OUTCOME);
	CU_ASSERT_DOUBLE_EQUAL(t->limits.wall_time_s, 0, 1e-12);
	pyn_plan_release(&plan);
}

/* The runner's check: knows max_files {count} and max_procs {n}. */
static int validate(void *user, const char *limiter,
		    const struct pyn_limiter_option *opt, struct pyn_error *err)
{
	(*(int *)user)++;
	if (strcmp(limiter, "max_files") && strcmp(limiter, "max_procs")) {
		snprintf(err->message, sizeof(err->message),
			 "unknown limiter '%s'", limiter);
		err->code = PYN_EMANIFEST;
		return -1;
	}
	/* A bad value is placed at the value, as the runner does... */
	if (opt && strcmp(opt->value, "bad") == 0) {
		snprintf(err->message, sizeof(err->message),
			 "'%s' must be a positive integer, not 'bad'",
			 opt->key);
		snprintf(err->file, sizeof(err->file), "%s",
			 opt->file ? opt->file : "");
		err->line = opt->line;
		err->column = opt->column;
		err->code = PYN_EMANIFEST;
		return -1;
	}
	/* ...an unknown key is not placed: the plan puts it at the key. */
	if (opt && strcmp(opt->key, "count") && strcmp(opt->key, "mode") &&
	    strcmp(opt->key, "n")) {
		snprintf(err->message, sizeof(err->message),
			 "limiter '%s' has no option '%s'", limiter, opt->key);
		err->code = PYN_EMANIFEST;
		return -1;
	}
	return 0;
}

static void test_limiters(void)
{
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;
	const struct pyn_plan_test *t;
	int calls = 0;

	copy_fixture("libfix.so");
	opt.validate_option = validate;
	opt.user = &calls;
	build_ok(
		&plan,
		"defaults:\n"
		"  limiters: { max_files: { count: 16, mode: soft }, max_procs: { n: 4 } }\n"
		"suites:\n"
		"  - name: s\n"
		"    library: libfix\n"
		"    limiters: { max_files: { count: 8 } }\n"
		"    tests:\n"
		"      - test_alpha\n"
		"      - name: test_beta\n"
		"        limiters: { max_procs: null }\n",
		&opt);
	/* 2 names + 3 options, 1 + 1, 1. */
	CU_ASSERT_EQUAL(calls, 8);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(t->limits.n_options, 3);
	CU_ASSERT_STRING_EQUAL(t->limits.options[0].limiter, "max_files");
	CU_ASSERT_STRING_EQUAL(t->limits.options[0].option.key, "count");
	CU_ASSERT_STRING_EQUAL(t->limits.options[0].option.value, "8");
	CU_ASSERT_EQUAL(t->limits.options[0].option.line, 6);
	CU_ASSERT_EQUAL(t->limits.options[0].option.column, 37);
	CU_ASSERT_STRING_EQUAL(t->limits.options[1].option.key, "mode");
	CU_ASSERT_STRING_EQUAL(t->limits.options[2].limiter, "max_procs");
	CU_ASSERT_STRING_EQUAL(t->limits.options[2].option.value, "4");
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->limits.n_options, 2);
	pyn_plan_release(&plan);

	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    tests: [test_alpha]\n"
		"    limiters:\n      max_file: { count: 1 }\n",
		&opt, "6:7: unknown limiter 'max_file'");
	EXPECT_PLAN_ERROR(
		"defaults:\n  limiters:\n    max_files: { count: bad }\nsuites: []\n",
		&opt, "3:25: 'count' must be a positive integer, not 'bad'");
	EXPECT_PLAN_ERROR(
		"defaults:\n  limiters:\n    max_files: {cnt: 16}\nsuites: []\n",
		&opt, "3:17: limiter 'max_files' has no option 'cnt'");
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
	CU_ASSERT_EQUAL(t->task.kind, PYN_TASK_CUNIT);
	CU_ASSERT_STRING_EQUAL(t->task.cunit_info, "fixture_suites");
	CU_ASSERT_EQUAL_FATAL(t->task.n_cunit_register, 1);
	CU_ASSERT_STRING_EQUAL(t->task.cunit_register[0], "fixture_setup");
	CU_ASSERT_STRING_EQUAL(t->task.cunit_suite, "Suite One");
	CU_ASSERT_STRING_EQUAL(t->task.cunit_test, "adds");
	CU_ASSERT_PTR_NOT_NULL(t->task.library);
	CU_ASSERT_DOUBLE_EQUAL(t->limits.wall_time_s, 2, 1e-12);
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
	CU_ASSERT_STRING_EQUAL(plan.tests[0].task.setup, "test_alpha");
	CU_ASSERT_STRING_EQUAL(plan.tests[0].task.teardown, "fixture_teardown");
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
	CU_ASSERT_PTR_NULL(t->task.library);
	CU_ASSERT_PTR_NOT_NULL(strstr(t->program, "/prog"));
	CU_ASSERT_EQUAL_FATAL(t->n_args, 1);
	CU_ASSERT_STRING_EQUAL(t->args[0], "-v");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->task.cwd);
	CU_ASSERT_EQUAL(t->task.cwd[0], '/');
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
	CU_ASSERT_STRING_EQUAL(plan.tests[2].args[0], "--slow");
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
	{ "limits inherit defaults -> suite -> test", test_basic },
	{ "command-line defaults fill only gaps", test_command_line_defaults },
	{ "other settings, null back to built-ins", test_other_settings },
	{ "library paths and PYNTEST_LIBRARY_PATH", test_library_paths },
	{ "libtool archives", test_libtool_archive },
	{ "functions are checked in the ELF table", test_symbols },
	{ "corrupt and foreign objects", test_bad_objects },
	{ "ELF: symbols sharing names", test_elf_shared_names },
	{ "discover adds exported functions", test_discover },
	{ "duplicate ids and suites", test_duplicates },
	{ "filters", test_filters },
	{ "shards: stable, a partition", test_shards },
	{ "overrides by id glob", test_overrides },
	{ "limiter options: validated, merged", test_limiters },
	{ "CUnit imports and programs", test_imported },
	{ "plug-in paths", test_plugins },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "plan", NULL, NULL, setup_dir, remove_dir, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
