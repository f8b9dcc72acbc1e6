/* SPDX-License-Identifier: MIT */
/*
 * limiters/memory - limit the memory of a test.
 *
 * Providers, best first, chosen once by probe():
 *   cgroup2  a per-test v2 cgroup: memory.max, memory.swap.max = 0,
 *            memory.oom.group = 1; evidence memory.events oom_kill; peak
 *            memory.peak.  Counts RSS + page cache of the whole tree.
 *   cgroup1  a per-test v1 memory cgroup: memory.limit_in_bytes (and
 *            memory.memsw.limit_in_bytes when present); evidence the
 *            oom_kill line of memory.oom_control; peak
 *            memory.max_usage_in_bytes.
 *   rlimit   RLIMIT_AS = the address space in use at apply + the limit.
 *            Counts address space, per process.  Refused under sanitizers,
 *            whose shadow memory cannot live under RLIMIT_AS.
 * Under every provider an allocation that failed (the engine's malloc
 * interposer sets alloc_failed) in a test that did not pass is a memory
 * limit too: with rlimit it is the only evidence.
 */
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <pyntest/limiter.h>

#include "limiters/util.h"

enum mem_provider { MEM_NONE = 0, MEM_CGROUP2, MEM_CGROUP1, MEM_RLIMIT };

static const char *const mem_providers[] = { "cgroup2", "cgroup1", "rlimit",
					     NULL };

/* Chosen by probe(), in the process that runs setup(). */
static enum mem_provider chosen;
static const struct pyn_host *mem_host;

struct mem_child {
	int provider;
	int loading;
	uint64_t limit;
	char procs[768]; /* cgroup.procs of the test's cgroup */
};

struct mem_state {
	int provider;
	uint64_t limit;
	int terminate; /* terminate_child_processes */
	char dir[PATH_MAX]; /* the test's cgroup, "" for rlimit */
};

static const char *sanitizer_loaded(void)
{
	static const char *const syms[] = { "__asan_init", "__tsan_init",
					    "__msan_init", "__hwasan_init" };
	size_t i;

	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (dlsym(RTLD_DEFAULT, syms[i]))
			return syms[i];
	return NULL;
}

/* Remove a cgroup, killing what is left in it first. */
static void cgroup_remove(const char *dir)
{
	/* With what the test left below it: a child cgroup keeps it busy. */
	if (lim_cgroup_remove_tree(dir, 0) != 0 && mem_host)
		mem_host->log("memory", "cannot remove a per-test cgroup");
}

/* mkdir a probe cgroup under `parent` and check that `file` appears. */
static int probe_cgroup(const char *parent, const char *hier, const char *file,
			char *why, size_t why_len)
{
	char dir[PATH_MAX], path[PATH_MAX], buf[512];
	int ok = 0;

	snprintf(dir, sizeof(dir), "%s/%sprobe-memory", parent,
		 mem_host->cgroup_prefix);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(why, why_len, "cannot create a cgroup in '%s': %s",
			 parent, strerror(errno));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (access(path, W_OK) < 0) {
		snprintf(buf, sizeof(buf), "%s/cgroup.controllers", parent);
		if (strcmp(hier, "unified") == 0 &&
		    lim_read_file(buf, buf, sizeof(buf)) >= 0) {
			char *nl = strchr(buf, '\n');

			if (nl)
				*nl = '\0';
			snprintf(
				why, why_len,
				"the cgroup v2 hierarchy at '%s' has no memory controller (controllers: %s)",
				parent, buf[0] ? buf : "none");
		} else {
			snprintf(why, why_len, "'%s' is missing", path);
		}
		goto out;
	}
	if (strcmp(hier, "memory") == 0) {
		snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
		if (lim_read_file(path, buf, sizeof(buf)) < 0 ||
		    lim_key_value(buf, "oom_kill") < 0) {
			snprintf(why, why_len,
				 "'%s' has no oom_kill counter (kernel < 4.13)",
				 path);
			goto out;
		}
	} else {
		snprintf(path, sizeof(path), "%s/memory.events", dir);
		if (lim_read_file(path, buf, sizeof(buf)) < 0 ||
		    lim_key_value(buf, "oom_kill") < 0) {
			snprintf(why, why_len, "'%s' has no oom_kill counter",
				 path);
			goto out;
		}
	}
	ok = 1;
out:
	rmdir(dir);
	return ok;
}

static int try_provider(enum mem_provider p, char *why, size_t why_len)
{
	const char *hier = p == MEM_CGROUP2 ? "unified" : "memory";
	const char *parent, *san;

	if (p == MEM_RLIMIT) {
		san = sanitizer_loaded();
		if (san) {
			snprintf(
				why, why_len,
				"a sanitizer runtime is loaded (%s), and it cannot run under RLIMIT_AS",
				san);
			return 0;
		}
		return 1;
	}
	parent = mem_host->cgroup_parent(hier);
	if (!parent) {
		snprintf(why, why_len, "no writable cgroup %s hierarchy",
			 p == MEM_CGROUP2 ? "v2" : "v1 memory");
		return 0;
	}
	if (!probe_cgroup(parent, hier,
			  p == MEM_CGROUP2 ? "memory.max" :
					     "memory.limit_in_bytes",
			  why, why_len))
		return 0;
	return 1;
}

static int mem_probe(const struct pyn_host *host, const char *forced,
		     char *provider, size_t provider_len, char *why,
		     size_t why_len)
{
	char reason[256];
	size_t i;

	mem_host = host;
	chosen = MEM_NONE;
	why[0] = '\0';
	for (i = 0; mem_providers[i]; i++) {
		if (forced && strcmp(forced, mem_providers[i]) != 0)
			continue;
		reason[0] = '\0';
		if (try_provider((enum mem_provider)(i + 1), reason,
				 sizeof(reason))) {
			chosen = (enum mem_provider)(i + 1);
			snprintf(provider, provider_len, "%s",
				 mem_providers[i]);
			/* Why not better, and what that costs (--limiters). */
			if (chosen == MEM_RLIMIT && why[0])
				lim_cat(why, why_len,
					"; so rlimit: each process's address "
					"space is limited (mappings count, "
					"touched or not), not the memory of "
					"the test's processes together");
			return 1;
		}
		if (forced) {
			snprintf(why, why_len, "%s: %s", mem_providers[i],
				 reason);
		} else {
			if (why[0])
				lim_cat(why, why_len, "; ");
			lim_cat(why, why_len, mem_providers[i]);
			lim_cat(why, why_len, ": ");
			lim_cat(why, why_len, reason);
		}
	}
	return 0;
}

static int write_knob(const char *dir, const char *file, const char *value,
		      char *msg, size_t msg_len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (lim_write_file(path, value) == 0)
		return 0;
	snprintf(msg, msg_len, "cannot write '%s' to '%s': %s", value, path,
		 strerror(errno));
	return -1;
}

static int mem_setup(struct pyn_limiter_request *req, void **state, char *msg,
		     size_t msg_len)
{
	struct mem_child *child = req->child_data;
	struct mem_state *s;
	char value[32];
	size_t cap = req->child_data_size;
	int created;

	req->child_data_size = 0;
	if (req->memory_bytes == 0)
		return 1;
	if (cap < sizeof(*child)) {
		snprintf(msg, msg_len, "child data needs %zu bytes, not %zu",
			 sizeof(*child), cap);
		return -1;
	}
	if (chosen == MEM_NONE) {
		snprintf(msg, msg_len, "no memory limiter provider here");
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	*state = s;
	s->provider = chosen;
	s->limit = req->memory_bytes;
	s->terminate = req->terminate_child_processes;
	memset(child, 0, sizeof(*child));
	child->provider = chosen;
	child->loading = req->loading;
	child->limit = req->memory_bytes;
	req->child_data_size = sizeof(*child);
	if (chosen == MEM_RLIMIT)
		return 0;

	/*
	 * The per-test v2 cgroup is named by the request's token alone, so
	 * process_tree (same hierarchy, same token) shares it: a process can
	 * be in only one cgroup per hierarchy.
	 */
	if (lim_cgroup_make(mem_host,
			    chosen == MEM_CGROUP2 ? "unified" : "memory",
			    req->token, s->dir, sizeof(s->dir),
			    sizeof(child->procs), &created, msg, msg_len))
		return -1;
	/*
	 * Left from an earlier test of the same token (process_tree keeps
	 * its cgroup for the next test): the peak and the event counters
	 * must start at zero, so make it anew.  It is empty: the earlier
	 * test's processes were killed and waited for.
	 */
	/*
	 * Never used with an earlier test's counters: one that cannot be
	 * removed (what a test left in it survived) is an error.
	 */
	if (!created && (lim_cgroup_remove_tree(s->dir, 0) != 0 ||
			 mkdir(s->dir, 0755) < 0)) {
		snprintf(msg, msg_len,
			 "cannot make cgroup '%s' anew (an earlier test's): %s",
			 s->dir, strerror(errno));
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(child->procs, sizeof(child->procs), "%s/cgroup.procs", s->dir);
	snprintf(value, sizeof(value), "%llu",
		 (unsigned long long)req->memory_bytes);
	if (chosen == MEM_CGROUP2) {
		if (write_knob(s->dir, "memory.max", value, msg, msg_len))
			return -1;
		/* No swap: a test over its limit must be killed, not swapped. */
		write_knob(s->dir, "memory.swap.max", "0", msg, msg_len);
		/* The whole test dies at once, not only its largest process. */
		write_knob(s->dir, "memory.oom.group", "1", msg, msg_len);
		msg[0] = '\0';
		return 0;
	}
	if (write_knob(s->dir, "memory.limit_in_bytes", value, msg, msg_len))
		return -1;
	{
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/memory.memsw.limit_in_bytes",
			 s->dir);
		if (access(path, F_OK) == 0 &&
		    write_knob(s->dir, "memory.memsw.limit_in_bytes", value,
			       msg, msg_len))
			return -1;
	}
	msg[0] = '\0';
	return 0;
}

/* The VmSize of this process in bytes, read with open/read only. */
static uint64_t own_vm_size(void)
{
	char buf[4096];
	int64_t kb;

	if (lim_read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return 0;
	kb = lim_key_value(buf, "VmSize");
	return kb > 0 ? (uint64_t)kb * 1024 : 0;
}

LIM_CHILD_TEXT static int mem_apply(const void *data, size_t size, char *msg,
				    size_t msg_len)
{
	const struct mem_child *child = data;
	struct rlimit rl;
	uint64_t limit;

	if (size != sizeof(*child)) {
		lim_errmsg(msg, msg_len, "bad child data size", NULL,
			   (int)size);
		return -1;
	}
	if (child->provider == MEM_CGROUP1 || child->provider == MEM_CGROUP2) {
		/* A v1 cgroup is never the one the host created it in. */
		if (child->provider == MEM_CGROUP2 &&
		    lim_placed(mem_host, child->procs))
			return 0;
		if (lim_write_file(child->procs, "0") < 0) {
			lim_errmsg(msg, msg_len, "cannot join cgroup",
				   child->procs, errno);
			return -1;
		}
		return 0;
	}
	/*
	 * What is mapped already (the runner's or server's libraries and
	 * heap) must not eat into the test's budget.
	 */
	limit = own_vm_size();
	if (limit == 0) {
		lim_errmsg(msg, msg_len, "cannot read VmSize from",
			   "/proc/self/status", errno);
		return -1;
	}
	limit += child->limit;
	if (getrlimit(RLIMIT_AS, &rl) < 0) {
		lim_errmsg(msg, msg_len, "cannot read RLIMIT_AS", NULL, errno);
		return -1;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < limit)
		limit = rl.rlim_max;
	rl.rlim_cur = limit;
	if (!child->loading)
		rl.rlim_max = limit;
	if (setrlimit(RLIMIT_AS, &rl) < 0) {
		lim_errmsg(msg, msg_len, "cannot set RLIMIT_AS", NULL, errno);
		return -1;
	}
	return 0;
}

static int64_t read_value(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX], buf[2048];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (lim_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	if (!key)
		return buf[0] >= '0' && buf[0] <= '9' ?
			       (int64_t)lim_parse_u64(buf, NULL) :
			       -1;
	return lim_key_value(buf, key);
}

static int mem_classify(void *state, const struct pyn_limiter_evidence *ev,
			struct pyn_limiter_verdict *v)
{
	struct mem_state *s = state;
	int64_t oom = -1, peak = -1;
	char lim[32], num[32];

	v->outcome = PYN_OUTCOME_UNDECIDED;
	if (!s)
		return 0;
	if (s->provider == MEM_CGROUP2 && s->dir[0]) {
		oom = read_value(s->dir, "memory.events", "oom_kill");
		peak = read_value(s->dir, "memory.peak", NULL);
	} else if (s->provider == MEM_CGROUP1 && s->dir[0]) {
		oom = read_value(s->dir, "memory.oom_control", "oom_kill");
		peak = read_value(s->dir, "memory.max_usage_in_bytes", NULL);
	} else if (PYN_LIMITER_HAS(ev, vm_hwm_bytes) && ev->vm_hwm_bytes) {
		/* What the test touched itself, like a fresh cgroup counts. */
		peak = ev->vm_hwm_bytes > ev->rss_at_start_bytes ?
			       (int64_t)(ev->vm_hwm_bytes -
					 ev->rss_at_start_bytes) :
			       0;
	}
	if (peak >= 0)
		v->peak_memory_bytes = peak;
	lim_fmt_bytes(s->limit, lim, sizeof(lim));
	if (oom > 0) {
		v->outcome = PYN_OUTCOME_MEMORY_LIMIT;
		if (peak >= 0)
			snprintf(v->message, sizeof(v->message),
				 "exceeded memory limit %s (peak %s)", lim,
				 lim_fmt_bytes((uint64_t)peak, num,
					       sizeof(num)));
		else
			snprintf(
				v->message, sizeof(v->message),
				"exceeded memory limit %s (killed by the OOM killer)",
				lim);
		return 0;
	}
	if (ev->alloc_failed && !ev->would_pass) {
		v->outcome = PYN_OUTCOME_MEMORY_LIMIT;
		/* A size of 0: the failure was seen, its size was not. */
		if (ev->alloc_failed_size)
			snprintf(v->message, sizeof(v->message),
				 "exceeded memory limit %s (allocation of %s "
				 "failed)",
				 lim,
				 lim_fmt_bytes(ev->alloc_failed_size, num,
					       sizeof(num)));
		else
			snprintf(v->message, sizeof(v->message),
				 "exceeded memory limit %s (an allocation "
				 "failed)",
				 lim);
	}
	return 0;
}

static void mem_teardown(void *state)
{
	struct mem_state *s = state;

	if (!s)
		return;
	if (s->dir[0] && !s->terminate)
		lim_release_procs(mem_host, "memory", s->dir);
	if (s->dir[0])
		cgroup_remove(s->dir);
	free(s);
}

static const struct pyn_limiter memory_limiter = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "memory",
	.version = "1.0",
	.summary = "memory limit: cgroup v2, cgroup v1 or RLIMIT_AS",
	.provides = PYN_PROVIDES_MEMORY,
	.probe = mem_probe,
	.setup = mem_setup,
	.apply = mem_apply,
	.classify = mem_classify,
	.teardown = mem_teardown,
	.providers = mem_providers,
	.enforces = PYN_ENFORCES_MEMORY,
};

PYN_LIMITER_ENTRY(memory)
{
	(void)msg;
	(void)msg_len;
	mem_host = host;
	return &memory_limiter;
}
