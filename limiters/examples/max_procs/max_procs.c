/* SPDX-License-Identifier: MIT */
/*
 * max_procs - at most `count` processes in a test, itself included.
 *
 *   limiters: { max_procs: { count: 10 } }
 *
 * Providers, best first: a per-test cgroup with the pids controller (v2
 * "cgroup2", v1 "cgroup1": pids.max), else RLIMIT_NPROC ("rlimit"), which
 * counts every process of the user, not of the test, and which the kernel
 * ignores for root.  A fork over the limit fails with EAGAIN and the test
 * fails by itself, so no outcome is claimed; with a cgroup the report gets
 * the property pyntest.max_procs.hit (the pids.events "max" count).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../option.h"

enum { PROCS_NONE, PROCS_CGROUP2, PROCS_CGROUP1, PROCS_RLIMIT };

static const char *const providers[] = { "cgroup2", "cgroup1", "rlimit", NULL };
static const char *const keys[] = { "count", NULL };

static const struct pyn_host *procs_host;
static int chosen;

struct procs_child {
	int provider;
	int loading;
	uint64_t count;
	char procs[768];
};

struct procs_state {
	char dir[PATH_MAX];
};

/* open/write/close only: used in apply(). */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int probe_one(int p, char *why, size_t why_len)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	const char *base;

	if (p == PROCS_RLIMIT) {
		if (geteuid() == 0 && procs_host)
			procs_host->log(
				"max_procs",
				"RLIMIT_NPROC counts all processes of the user and root ignores it: 'count' is not enforced for root");
		return 1;
	}
	base = procs_host->cgroup_parent(p == PROCS_CGROUP2 ? "unified" :
							      "pids");
	if (!base) {
		snprintf(why, why_len, "no writable cgroup %s hierarchy",
			 p == PROCS_CGROUP2 ? "v2" : "v1 pids");
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/%sprobe-procs", base,
		 procs_host->cgroup_prefix);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(why, why_len, "cannot create a cgroup in '%s': %s",
			 base, strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/pids.max", dir);
	if (access(path, W_OK) < 0) {
		snprintf(why, why_len, "no pids controller in '%s'", base);
		rmdir(dir);
		return 0;
	}
	rmdir(dir);
	return 1;
}

static int procs_probe(const struct pyn_host *host, const char *forced,
		       char *provider, size_t provider_len, char *why,
		       size_t why_len)
{
	char reason[256];
	int i;

	procs_host = host;
	why[0] = '\0';
	for (i = 0; providers[i]; i++) {
		if (forced && strcmp(forced, providers[i]) != 0)
			continue;
		reason[0] = '\0';
		if (probe_one(i + 1, reason, sizeof(reason))) {
			chosen = i + 1;
			snprintf(provider, provider_len, "%s", providers[i]);
			return 1;
		}
		snprintf(why + strlen(why), why_len - strlen(why), "%s%s: %s",
			 why[0] ? "; " : "", providers[i], reason);
	}
	chosen = PROCS_NONE;
	return 0;
}

static int procs_validate(const struct pyn_limiter_option *o, char *msg,
			  size_t msg_len)
{
	uint64_t v;

	if (strcmp(o->key, "count") != 0)
		return ex_unknown_key(o, "count", msg, msg_len);
	return ex_parse_count(o, 0, 1u << 22, &v, msg, msg_len);
}

static int procs_setup(struct pyn_limiter_request *req, void **state, char *msg,
		       size_t msg_len)
{
	struct procs_child *c = req->child_data;
	struct procs_state *s;
	const char *base;
	char value[32];
	uint64_t count = 0;
	size_t i, cap = req->child_data_size;

	*state = NULL;
	req->child_data_size = 0;
	if (!req->configured)
		return 1;
	for (i = 0; i < req->n_options; i++) {
		if (procs_validate(&req->options[i], msg, msg_len))
			return -1;
		ex_parse_count(&req->options[i], 0, 1u << 22, &count, msg,
			       msg_len);
	}
	if (!count) {
		snprintf(msg, msg_len, "'count' is required");
		return -1;
	}
	if (cap < sizeof(*c) || chosen == PROCS_NONE) {
		snprintf(msg, msg_len, "max_procs is not usable here");
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->provider = chosen;
	c->loading = req->loading;
	c->count = count;
	req->child_data_size = sizeof(*c);
	if (chosen == PROCS_RLIMIT)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	*state = s;
	/*
	 * In the v2 hierarchy a process is in one cgroup only: share the
	 * per-test cgroup the built-in limiters name by the token.
	 */
	/* Asked again: the host re-creates an idle run directory. */
	base = procs_host->cgroup_parent(chosen == PROCS_CGROUP2 ? "unified" :
								   "pids");
	if (!base) {
		snprintf(msg, msg_len, "the cgroup run directory is gone");
		return -1;
	}
	snprintf(s->dir, sizeof(s->dir), "%s/%s%u%s", base,
		 procs_host->cgroup_prefix, req->token,
		 chosen == PROCS_CGROUP2 ? "" : "-procs");
	if (strlen(s->dir) + sizeof("/cgroup.procs") > sizeof(c->procs) ||
	    (mkdir(s->dir, 0755) < 0 && errno != EEXIST)) {
		snprintf(msg, msg_len, "cannot create cgroup '%s': %s", s->dir,
			 strerror(errno));
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(c->procs, sizeof(c->procs), "%s/cgroup.procs", s->dir);
	snprintf(value, sizeof(value), "%llu", (unsigned long long)count);
	snprintf(msg, msg_len, "%s/pids.max", s->dir);
	if (write_file(msg, value) < 0) {
		snprintf(msg, msg_len, "cannot write pids.max in '%s': %s",
			 s->dir, strerror(errno));
		return -1;
	}
	msg[0] = '\0';
	return 0;
}

static int procs_apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	const struct procs_child *c = data;
	struct rlimit rl;

	if (size != sizeof(*c))
		return -1;
	if (c->provider != PROCS_RLIMIT) {
		/* The fork server joins too: its children inherit. */
		if (write_file(c->procs, "0") < 0) {
			strncpy(msg, "cannot join the pids cgroup",
				msg_len - 1);
			msg[msg_len - 1] = '\0';
			return -1;
		}
		return 0;
	}
	if (getrlimit(RLIMIT_NPROC, &rl) < 0)
		return -1;
	rl.rlim_cur = c->count;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
		rl.rlim_cur = rl.rlim_max;
	if (!c->loading)
		rl.rlim_max = rl.rlim_cur;
	return setrlimit(RLIMIT_NPROC, &rl);
}

static int procs_classify(void *state, const struct pyn_limiter_evidence *ev,
			  struct pyn_limiter_verdict *v)
{
	struct procs_state *s = state;
	char path[PATH_MAX + 16], buf[256], num[32];
	const char *p;
	ssize_t n;
	int fd;

	(void)ev;
	v->outcome = PYN_OUTCOME_UNDECIDED;
	if (!s || !s->dir[0])
		return 0;
	snprintf(path, sizeof(path), "%s/pids.events", s->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strstr(buf, "max ");
	if (p && (p == buf || p[-1] == '\n') && atol(p + 4) > 0 &&
	    PYN_LIMITER_HAS(v, add_property) && v->add_property) {
		snprintf(num, sizeof(num), "%ld", atol(p + 4));
		v->add_property(v, "max_procs.hit", num);
	}
	return 0;
}

static void msleep(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void procs_teardown(void *state)
{
	struct procs_state *s = state;
	char path[PATH_MAX + 16], buf[4096];
	int round;

	if (!s)
		return;
	for (round = 0; s->dir[0] && round < 50; round++) {
		char *p, *end;
		int fd;
		ssize_t n;

		if (rmdir(s->dir) == 0 || errno == ENOENT)
			break;
		/* process_tree ended the test's processes; these escaped it. */
		snprintf(path, sizeof(path), "%s/cgroup.procs", s->dir);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		for (p = buf; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
		}
		msleep(5);
	}
	free(s);
}

static const struct pyn_limiter max_procs = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "max_procs",
	.version = "1.0",
	.summary = "at most `count` processes (pids controller, RLIMIT_NPROC)",
	.provides = PYN_PROVIDES_OTHER,
	.keys = keys,
	.probe = procs_probe,
	.validate = procs_validate,
	.setup = procs_setup,
	.apply = procs_apply,
	.classify = procs_classify,
	.teardown = procs_teardown,
	.providers = providers,
};

PYN_LIMITER_ENTRY(max_procs)
{
	(void)msg;
	(void)msg_len;
	procs_host = host;
	return &max_procs;
}
