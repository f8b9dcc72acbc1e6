/* SPDX-License-Identifier: MIT */
/*
 * tests/html/test-html.c - the HTML writer from hand-built plan tests and
 * results: the JSON string escaping byte by byte, a whole page whose test
 * output tries to close the data element (read back with python's json),
 * output cutting, and the atomic write.
 *
 * PYN_HTML_KEEP=DIR keeps the page written from the hand-built run (every
 * outcome, two lanes) as DIR/sample.html, for a look in a browser.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "runner/report/html.h"

static char dir[256];

static int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pyn-test-html-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int suite_clean(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* pyn__html_json_text of `n` bytes, as a NUL-terminated string. */
static char *json_text(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	pyn__html_json_text(f, s, n);
	fclose(f);
	return buf;
}

#define CHECK_JSON(in, want)                                                   \
	do {                                                                   \
		char *got_ = json_text(in, sizeof(in) - 1);                    \
		CU_ASSERT_PTR_NOT_NULL_FATAL(got_);                            \
		CU_ASSERT_STRING_EQUAL(got_, want);                            \
		if (strcmp(got_, want))                                        \
			fprintf(stderr, "\n  got  %s\n  want %s\n", got_,      \
				want);                                         \
		free(got_);                                                    \
	} while (0)

static void test_markup_is_escaped(void)
{
	CHECK_JSON("</script><script>alert(1)</script>",
		   "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"
		   "\\u003c/script\\u003e");
	CHECK_JSON("<!-- a & b -->", "\\u003c!-- a \\u0026 b --\\u003e");
	CHECK_JSON("say \"hi\" it's \\ here", "say \\\"hi\\\" it's \\\\ here");
	CHECK_JSON("tab\tlf\ncr\r", "tab\\tlf\\ncr\\r");
}

static void test_bytes_are_replaced(void)
{
	/* NUL, ESC, BEL and DEL-free C0 controls become U+FFFD. */
	CHECK_JSON("a\0b\x1b[31m\x07", "a\\ufffdb\\ufffd[31m\\ufffd");
	/* Invalid UTF-8: stray bytes, a cut sequence, overlong, surrogate. */
	CHECK_JSON("\xff\xfe", "\\ufffd\\ufffd");
	CHECK_JSON("\xc3\x28", "\\ufffd(");
	CHECK_JSON("\xc0\xaf", "\\ufffd\\ufffd");
	CHECK_JSON("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd");
	CHECK_JSON("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd");
	CHECK_JSON("end\xe2\x82", "end\\ufffd\\ufffd");
	/* Valid UTF-8 is kept as it is... */
	CHECK_JSON("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* ...but for the two line ends JavaScript did not allow in strings. */
	CHECK_JSON("a\xe2\x80\xa8z\xe2\x80\xa9", "a\\u2028z\\u2029");
}

/* A small world: plan tests and entries, built by hand. */
#define N_MAX 16
static struct pyn_plan_test tests[N_MAX];
static struct pyn_limits limits[N_MAX]; /* tests[i].limits */
static struct pyn__report_entry entries[N_MAX];
static struct pyn__attempt attempts[N_MAX][2];
static struct pyn__report report;
static struct pyn_failure fails[2];
static const char *manifests[] = { "suite.yaml" };

static const char hostile[] =
	"</script><script>document.title='pwned'</script>"
	"<img src=x onerror=alert(1)> nul:\0 ff:\xff ls:\xe2\x80\xa8 \"q\"\n";

static struct pyn__attempt *add(const char *suite, const char *name,
				enum pyn_outcome outcome, const char *msg,
				unsigned slot, double start, double wall)
{
	size_t i = report.n_entries++;
	struct pyn_plan_test *t = &tests[i];
	struct pyn__attempt *a = &attempts[i][0];
	char id[128];

	memset(t, 0, sizeof(*t));
	snprintf(id, sizeof(id), "%s.%s", suite, name);
	t->id = strdup(id);
	t->suite = (char *)suite;
	t->name = strdup(name);
	limits[i] = (struct pyn_limits)PYN_LIMITS_INIT;
	limits[i].wall_time_s = 2;
	limits[i].cpu_time_s = 1;
	limits[i].memory_bytes = PYN_MiB(64);
	t->limits = &limits[i];
	t->file = "suite.yaml";
	t->line = (unsigned)(10 + i);
	memset(&entries[i], 0, sizeof(entries[i]));
	entries[i].test = t;
	entries[i].expected = "pass";
	memset(a, 0, sizeof(*a) * 2);
	a->result.outcome = outcome;
	a->result.wall_time_s = wall;
	a->result.cpu_time_s = wall * 0.8;
	a->result.peak_memory_bytes = PYN_MiB(3) + (int64_t)i * PYN_MiB(5);
	a->result.start_s = start;
	a->result.slot = slot;
	a->result.message = (char *)msg; /* borrowed: never released */
	a->verdict = outcome;
	a->message = (char *)msg;
	entries[i].attempts = a;
	entries[i].n_attempts = 1;
	return a;
}

static void reset(void)
{
	for (size_t i = 0; i < report.n_entries; i++) {
		free(tests[i].id);
		free(tests[i].name);
	}
	memset(&report, 0, sizeof(report));
	report.entries = entries;
	report.start_epoch_s = 1767225600; /* 2026-01-01T00:00:00 */
	report.duration_s = 2.1;
	report.manifests = manifests;
	report.n_manifests = 1;
	report.jobs = 2;
}

/* Every outcome on two lanes, a flaky test, and hostile output. */
static void build(void)
{
	struct pyn__attempt *a;

	reset();
	add("arith", "passes", PYN_OUTCOME_PASS, "", 0, 0.01, 0.2);
	a = add("arith", "fails", PYN_OUTCOME_FAIL, "2 assertions failed", 1,
		0.01, 0.15);
	a->result.n_failures = 3;
	a->result.n_kept = 2;
	a->result.failures = fails;
	snprintf(fails[0].file, 256, "t.c");
	fails[0].line = 12;
	snprintf(fails[0].condition, 512, "strcmp(s, \"</script>\") == 0");
	snprintf(fails[1].file, 256, "t.c");
	fails[1].line = 13;
	snprintf(fails[1].condition, 512, "x < y && y > z");
	a->result.out = (char *)hostile;
	a->result.out_len = sizeof(hostile) - 1;
	a->result.out_total = a->result.out_len;
	a->result.err = (char *)hostile;
	a->result.err_len = sizeof(hostile) - 1;
	a->result.err_total = 5000000; /* the engine kept only the start */
	a = add("arith", "crashes", PYN_OUTCOME_ERROR,
		"killed by signal SIGSEGV", 1, 0.17, 0.05);
	a->result.term_signal = 11;
	a->result.exit_code = -1;
	add("arith", "hangs", PYN_OUTCOME_WALL_TIMEOUT,
	    "exceeded wall time limit 0.500 s", 1, 0.23, 0.5);
	add("arith", "spins", PYN_OUTCOME_CPU_TIMEOUT,
	    "exceeded cpu time limit 1.000 s", 0, 0.22, 1.02);
	add("io", "eats", PYN_OUTCOME_MEMORY_LIMIT,
	    "exceeded memory limit 64.0 MiB (peak 63.9 MiB)", 1, 0.74, 0.3);
	a = add("io", "skips", PYN_OUTCOME_SKIPPED, "no network here", 1, 1.05,
		0.01);
	a = add("io", "never_run", PYN_OUTCOME_SKIPPED, "skipped in manifest",
		0, 0, 0);
	tests[report.n_entries - 1].skip = true;
	add("io", "stopped", PYN_OUTCOME_INTERRUPTED, "interrupted", 0, 1.25,
	    0.6);
	add("io", "never_started", PYN_OUTCOME_PASS, "", 0, 0, 0);
	entries[report.n_entries - 1].n_attempts = 0;
	a = add("io", "flaky", PYN_OUTCOME_FAIL, "first try failed", 1, 1.07,
		0.2);
	a[1] = a[0];
	a[1].result.outcome = PYN_OUTCOME_PASS;
	a[1].verdict = PYN_OUTCOME_PASS;
	a[1].result.start_s = 1.3;
	a[1].result.message = a[1].message = (char *)"";
	entries[report.n_entries - 1].n_attempts = 2;
	add("io", hostile, PYN_OUTCOME_PASS, "", 1, 1.5, 0.4);
}

static char *write_page(const char *name, char *path, size_t path_len,
			size_t *len)
{
	struct pyn_error err;
	FILE *f;
	char *buf = NULL;
	long n;

	snprintf(path, path_len, "%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(pyn__html_write(&report, path, &err), 0);
	f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_page_is_inert_and_offline(void)
{
	char path[512], cmd[2400];
	char *page;
	size_t len = 0;
	const char *keep = getenv("PYN_HTML_KEEP");

	build();
	page = write_page("run.html", path, sizeof(path), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(page);
	/* The page's own two scripts, and nothing the tests wrote. */
	CU_ASSERT_EQUAL(count(page, "<script"), 2);
	CU_ASSERT_EQUAL(count(page, "</script"), 2);
	CU_ASSERT_EQUAL(count(page, "<img"), 0);
	CU_ASSERT_PTR_NULL(strstr(page, "pwned'</"));
	CU_ASSERT_PTR_NULL(strstr(page, "http://"));
	CU_ASSERT_PTR_NULL(strstr(page, "https://"));
	CU_ASSERT_PTR_NULL(strstr(page, "//cdn"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "default-src 'none'"));
	/* No raw NUL, no invalid UTF-8, no raw U+2028 in the file. */
	CU_ASSERT_EQUAL(strlen(page), len);
	CU_ASSERT_PTR_NULL(strstr(page, "\xe2\x80\xa8"));
	CU_ASSERT_PTR_NULL(strstr(page, "\xff"));
	free(page);

	/*
	 * The data is JSON that decodes back to what the tests wrote (less
	 * the bytes that were replaced), and the numbers are where the
	 * timeline needs them.
	 */
	snprintf(
		cmd, sizeof(cmd),
		"'%s' - '%s' <<'EOF'\n"
		"import json, sys\n"
		"page = open(sys.argv[1], encoding='utf-8').read()\n"
		"start = page.index('id=\"pyntest-data\">') + 18\n"
		"d = json.loads(page[start:page.index('</script>', start)])\n"
		"t = {x['id']: x for x in d['tests']}\n"
		"assert len(d['tests']) == 12, len(d['tests'])\n"
		"kinds = [x['kind'] for x in d['tests']]\n"
		"assert kinds == ['pass', 'fail', 'error', 'wall_timeout',\n"
		"  'cpu_timeout', 'memory_limit', 'skipped', 'skipped',\n"
		"  'interrupted', 'interrupted', 'flaky', 'pass'], kinds\n"
		"f = t['arith.fails']['attempts'][0]\n"
		"want = (\"</script><script>document.title='pwned'</script>\"\n"
		"  \"<img src=x onerror=alert(1)> nul:\\ufffd ff:\\ufffd \"\n"
		"  \"ls:\\u2028 \\\"q\\\"\\n\")\n"
		"assert f['out'] == want, repr(f['out'])\n"
		"assert f['err'].startswith(want), repr(f['err'])\n"
		"import re\n"
		"assert re.search(r'\\n\\[pyntest: output cut at \\d+ B of 4.8 MiB\\]$',\n"
		"  f['err']), repr(f['err'])\n"
		"assert f['asserts'][0] == {'file': 't.c', 'line': 12,\n"
		"  'cond': 'strcmp(s, \"</script>\") == 0'}, f['asserts']\n"
		"assert f['more'] == 1 and f['slot'] == 1 and f['ran']\n"
		"assert abs(f['start'] - 0.01) < 1e-9 and f['wall'] == 0.15\n"
		"assert t['arith.crashes']['attempts'][0]['signal'] == 'SIGSEGV'\n"
		"assert not t['io.never_run']['attempts'][0]['ran']\n"
		"assert t['io.never_started']['attempts'] == []\n"
		"assert t['io.never_started']['primary'] is None\n"
		"fl = t['io.flaky']\n"
		"assert fl['primary'] == 1 and len(fl['attempts']) == 2\n"
		"assert [a['v'] for a in fl['attempts']] == ['fail', 'pass']\n"
		"assert t['arith.passes']['lim'] == {'wall': 2, 'cpu': 1,\n"
		"  'mem': 64 << 20}\n"
		"assert d['manifests'] == ['suite.yaml'] and d['jobs'] == 2\n"
		"assert d['started'] == '2026-01-01 00:00:00 UTC'\n"
		"assert any(i.startswith('io.</script>') for i in t), list(t)\n"
		"print('json ok')\n"
		"EOF",
		PYN_SYSTEM_PYTHON, path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	if (keep && *keep) {
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s/sample.html'", path,
			 keep);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
}

/* Writes the first half of a page, then fails like a full disk. */
static int half_then_enospc(FILE *f, void *user)
{
	(void)user;
	fputs("<!DOCTYPE html><p>half", f);
	return ENOSPC;
}

static int write_new(FILE *f, void *user)
{
	fputs((const char *)user, f);
	return 0;
}

static size_t entries_in(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_atomic_write(void)
{
	char sub[300], path[400], buf[64] = "";
	struct pyn_error err;
	struct stat st;
	FILE *f;
	mode_t old;

	snprintf(sub, sizeof(sub), "%s/atomic", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(sub, 0755), 0);
	snprintf(path, sizeof(path), "%s/r.html", sub);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("old report", f);
	fclose(f);

	/* A failed write leaves the old file and no temporary file. */
	CU_ASSERT_EQUAL(pyn__report_write_atomic(path, "HTML report",
						 half_then_enospc, NULL, &err),
			PYN_EIO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "cannot write HTML report"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "No space left on device"));
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(buf, sizeof(buf), f));
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "old report");
	CU_ASSERT_EQUAL(entries_in(sub), 1);

	/* A good write replaces it, with the umask's mode, not 0600. */
	old = umask(022);
	CU_ASSERT_EQUAL(pyn__report_write_atomic(path, "HTML report", write_new,
						 "new report", &err),
			0);
	umask(old);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(buf, sizeof(buf), f));
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "new report");
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0644);
	CU_ASSERT_EQUAL(entries_in(sub), 1);

	/* No such folder: the message names the report and the reason. */
	build();
	snprintf(path, sizeof(path), "%s/no/such/dir/r.html", dir);
	CU_ASSERT_EQUAL(pyn__html_write(&report, path, &err), PYN_EIO);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err.message, "cannot write HTML report '"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err.message, "No such file or directory"));
}

static CU_TestInfo html_tests[] = {
	{ "markup in test text is escaped", test_markup_is_escaped },
	{ "NUL, controls and invalid UTF-8 are replaced",
	  test_bytes_are_replaced },
	{ "a whole page is inert, offline and decodes back",
	  test_page_is_inert_and_offline },
	{ "the report is written atomically", test_atomic_write },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "html", suite_init, suite_clean, NULL, NULL, html_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
