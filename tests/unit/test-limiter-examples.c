/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-limiter-examples.c - each example plug-in, loaded
 * through the registry and driven through its hooks, bites: its fixture
 * runs into the limit in a forked child.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/registry.h"
#include "unit.h"

#define MODULE(name) PYN_MODULE_DIR "/" name ".so"

struct run {
	struct pyn_limiter_request req;
	struct pyn_limiter_option opt;
	char child_data[PYN_LIMITER_CHILD_DATA_MAX];
	void *state;
	int status;
	struct pyn_limiter_evidence ev;
	struct pyn_limiter_verdict v;
	char msg[PYN_LIMITER_MESSAGE_MAX];
	char prop[64], prop_value[64];
};

static int *shared;

static const struct pyn_limiter *load(const char *name, const char *path)
{
	const struct pyn__limiter_slot *s;
	struct pyn_error err;

	if (pyn__registry_add_plugin(path, &err) != 0) {
		printf("\n    %s", err.message);
		return NULL;
	}
	s = pyn__registry_find(name, NULL);
	if (!s)
		return NULL;
	printf("\n    %s: %s%s", name, s->supported ? s->provider : "", s->why);
	return s->supported ? s->limiter : NULL;
}

static void add_property(struct pyn_limiter_verdict *v, const char *name,
			 const char *value)
{
	struct run *r = v->host_data;

	snprintf(r->prop, sizeof(r->prop), "%s", name);
	snprintf(r->prop_value, sizeof(r->prop_value), "%s", value);
}

static int drive(const struct pyn_limiter *l, struct run *r, const char *key,
		 const char *value, void (*body)(void))
{
	static unsigned token = 5000;
	pid_t pid;
	int rc;

	memset(r, 0, sizeof(*r));
	r->opt.key = key;
	r->opt.value = value;
	r->req.struct_size = sizeof(r->req);
	r->req.test_id = "unit.example";
	r->req.options = &r->opt;
	r->req.n_options = 1;
	r->req.configured = 1;
	r->req.child_data = r->child_data;
	r->req.child_data_size = sizeof(r->child_data);
	r->req.token = token++;
	rc = l->setup(&r->req, &r->state, r->msg, sizeof(r->msg));
	if (rc != 0)
		return rc;
	pid = fork();
	if (pid == 0) {
		char m[PYN_LIMITER_MESSAGE_MAX];

		if (l->apply && l->apply(r->child_data, r->req.child_data_size,
					 m, sizeof(m)) != 0) {
			fprintf(stderr, "apply: %s\n", m);
			_exit(99);
		}
		body();
		_exit(0);
	}
	waitpid(pid, &r->status, 0);
	r->ev.struct_size = sizeof(r->ev);
	r->ev.wait_status = r->status;
	r->v.struct_size = sizeof(r->v);
	r->v.add_property = add_property;
	r->v.host_data = r;
	if (l->classify)
		l->classify(r->state, &r->ev, &r->v);
	return 0;
}

static void check_invalid(const struct pyn_limiter *l, const char *key,
			  const char *value, const char *want)
{
	struct pyn_limiter_option o = { key, value, NULL, 0, 0 };
	char msg[256] = "";

	CU_ASSERT_EQUAL(l->validate(&o, msg, sizeof(msg)), -1);
	CU_ASSERT_STRING_EQUAL(msg, want);
	if (strcmp(msg, want))
		printf("\n    got: %s", msg);
}

/* ---- max_files ------------------------------------------------------- */

static void open_many(void)
{
	int i, fd, highest = -1;

	for (i = 0; i < 64; i++) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			shared[1] = errno;
			break;
		}
		highest = fd;
	}
	shared[0] = highest;
}

static void test_max_files(void)
{
	const struct pyn_limiter *l = load("max_files", MODULE("max_files"));
	struct pyn_limiter_option ok = { "count", "16", NULL, 0, 0 };
	char msg[256];
	struct run r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->validate(&ok, msg, sizeof(msg)), 0);
	check_invalid(l, "count", "x",
		      "'count' must be a positive integer, not 'x'");
	check_invalid(l, "count", "0",
		      "'count' must be a positive integer, not '0'");
	check_invalid(l, "count", "-3",
		      "'count' must be a positive integer, not '-3'");
	check_invalid(l, "cuont", "3", "unknown option 'cuont' (known: count)");
	shared[0] = shared[1] = 0;
	CU_ASSERT_EQUAL_FATAL(drive(l, &r, "count", "16", open_many), 0);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CU_ASSERT(shared[0] < 16 && shared[0] >= 3);
	CU_ASSERT_EQUAL(shared[1], EMFILE);
	/* Not configured: inactive. */
	r.req.configured = 0;
	r.req.child_data_size = sizeof(r.child_data);
	CU_ASSERT_EQUAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)), 1);
}

/* ---- max_file_size --------------------------------------------------- */

static void write_big(void)
{
	char path[] = "/tmp/pyn-fsize-XXXXXX", buf[65536];
	int fd = mkstemp(path), i;

	unlink(path);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 32; i++) /* 2 MiB */
		if (write(fd, buf, sizeof(buf)) < 0)
			_exit(3);
}

static void write_small(void)
{
	char path[] = "/tmp/pyn-fsize-XXXXXX", buf[65536];
	int fd = mkstemp(path);

	unlink(path);
	memset(buf, 'x', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		_exit(3);
}

static void test_max_file_size(void)
{
	const struct pyn_limiter *l =
		load("max_file_size", MODULE("max_file_size"));
	struct run r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_invalid(
		l, "bytes", "1XB",
		"'bytes' must be a positive number of bytes (units B KB MB GB), not '1XB'");
	CU_ASSERT_EQUAL_FATAL(drive(l, &r, "bytes", "1MB", write_big), 0);
	CU_ASSERT(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGXFSZ);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_ERROR);
	CU_ASSERT_STRING_EQUAL(r.v.message, "exceeded file size limit 1.0 MiB");
	l->teardown(r.state);
	CU_ASSERT_EQUAL_FATAL(drive(l, &r, "bytes", "1MB", write_small), 0);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_UNDECIDED);
	l->teardown(r.state);
}

/* ---- max_procs ------------------------------------------------------- */

static void fork_many(void)
{
	pid_t kids[32];
	int n = 0, i;

	for (i = 0; i < 32; i++) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			break;
		kids[n++] = p;
	}
	shared[0] = n;
	for (i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

static void test_max_procs(void)
{
	const struct pyn_limiter *l = load("max_procs", MODULE("max_procs"));
	const struct pyn__limiter_slot *s;
	struct run r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_invalid(l, "count", "many",
		      "'count' must be a positive integer, not 'many'");
	s = pyn__registry_find("max_procs", NULL);
	if (strcmp(s->provider, "rlimit") == 0) {
		pyn_unit_skip("max_procs has only RLIMIT_NPROC here: per "
			      "user, and ignored for root");
		return;
	}
	shared[0] = -1;
	CU_ASSERT_EQUAL_FATAL(drive(l, &r, "count", "5", fork_many), 0);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	/* The test itself counts: 4 children. */
	CU_ASSERT_EQUAL(shared[0], 4);
	CU_ASSERT_STRING_EQUAL(r.prop, "max_procs.hit");
	CU_ASSERT(atoi(r.prop_value) >= 1);
	l->teardown(r.state);
}

/* ---- no_network ------------------------------------------------------ */

static void record_netns(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/net", link, sizeof(link) - 1);

	link[n > 0 ? n : 0] = '\0';
	/* net:[4026531840] */
	shared[0] = (int)(strtoull(link + 5, NULL, 10) & 0x7fffffff);
}

static void test_no_network(void)
{
	const struct pyn_limiter *l;
	const struct pyn__limiter_slot *s;
	struct run r;
	int mine;

	l = load("no_network", MODULE("no_network"));
	s = pyn__registry_find("no_network", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	if (!l) {
		CU_ASSERT(strlen(s->why) > 0);
		pyn_unit_skip("no_network: %s", s->why);
		return;
	}
	check_invalid(l, "enabled", "maybe",
		      "'enabled' must be true or false, not 'maybe'");
	record_netns();
	mine = shared[0];
	CU_ASSERT_EQUAL_FATAL(drive(l, &r, "enabled", "true", record_netns), 0);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CU_ASSERT_NOT_EQUAL(shared[0], mine);
	/* enabled: false turns it off for this test. */
	CU_ASSERT_EQUAL(drive(l, &r, "enabled", "false", record_netns), 1);
}

static int suite_init(void)
{
	struct pyn_error err;

	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return shared == MAP_FAILED || pyn__registry_init(&err) != 0;
}

static CU_TestInfo tests[] = {
	{ "max_files bites", test_max_files },
	{ "max_file_size bites", test_max_file_size },
	/* Parts (tests/limiters.cmake): each may skip here. */
	{ "max_procs", test_max_procs },
	{ "no_network", test_no_network },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "examples", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
