/* SPDX-License-Identifier: MIT */
/*
 * pyntest/limiter.h - the limiter plug-in ABI.
 *
 * Every limit pyntest enforces (wall time, CPU time, memory, the process
 * tree, and whatever a plug-in adds) is a limiter: one
 * `static const struct pyn_limiter` returned by the module's entry point.
 * The built-in limiters use exactly this header and nothing else.
 *
 * Life of a limiter, for one test:
 *
 *   runner start   probe()      once: is it supported here, by which provider
 *   manifest load  validate()   once per option under `limiters: {NAME: {}}`
 *   parent         setup()      per test, before the child exists; writes the
 *                               bytes the child needs into `child_data`
 *   child          apply()      in the test's process, before the test runs;
 *                               async-signal-safe, reads only `child_data`
 *   parent         started()    the child's pid is known
 *   parent         kill()       end every process of the test (timeout,
 *                               interrupt, or cleanup after the test ended)
 *   parent         classify()   after the child was reaped: claim an outcome
 *                               or PYN_OUTCOME_UNDECIDED, add measurements
 *   parent         teardown()   free the state, always, even after a failed
 *                               setup (then state is NULL)
 *
 * The child may be forked from the runner, forked from a fork server, or a
 * freshly exec'd worker: apply() must not rely on anything but the bytes
 * setup() wrote into child_data (at most PYN_LIMITER_CHILD_DATA_MAX).
 *
 * ABI rules: fields are append-only.  The host reads a field only when
 * `struct_size` covers it (PYN_LIMITER_HAS) and treats a NULL hook as
 * "nothing to do".  A different `abi_version` is refused.  No memory crosses
 * the boundary: a limiter frees its own state; the host owns option strings
 * and message buffers.
 */
#ifndef PYNTEST_LIMITER_H
#define PYNTEST_LIMITER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>

#include <pyntest/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Changes only on a breaking change of the structs below. */
#define PYN_LIMITER_ABI_VERSION 1

/* Bytes setup() may hand to apply() in the child. */
#define PYN_LIMITER_CHILD_DATA_MAX 1024

/* Size of the message buffers the host passes to hooks. */
#define PYN_LIMITER_MESSAGE_MAX 512

/* True when a struct of size `size` has the field `field` of type T. */
#define PYN_LIMITER_HAS(ptr, field)                                            \
	((ptr)->struct_size >=                                                 \
	 offsetof(__typeof__(*(ptr)), field) + sizeof((ptr)->field))

/* What a limiter limits; a limiter may provide several. */
enum pyn_limiter_provides {
	PYN_PROVIDES_WALL_TIME = 1u << 0,
	PYN_PROVIDES_CPU_TIME = 1u << 1,
	PYN_PROVIDES_MEMORY = 1u << 2,
	PYN_PROVIDES_PROCESS_TREE = 1u << 3,
	PYN_PROVIDES_OTHER = 1u << 4,
};

/*
 * Added after 0.1.0: the fields of struct pyn_limiter_request a limiter
 * enforces (pyn_limiter.enforces).  Unlike `provides`, which describes a
 * limiter to people, these are a promise the host relies on.
 */
enum pyn_limiter_enforces {
	PYN_ENFORCES_WALL_TIME = 1u << 0, /* wall_time_s, through deadline_s */
	PYN_ENFORCES_CPU_TIME = 1u << 1, /* cpu_time_s */
	PYN_ENFORCES_MEMORY = 1u << 2, /* memory_bytes */
	PYN_ENFORCES_PROCESS_TREE = 1u << 3, /* terminate_child_processes */
};

/* Why the host killed a test (pyn_limiter_evidence.killed_by). */
enum pyn_kill_reason {
	PYN_KILL_NONE = 0, /* the test ended by itself */
	PYN_KILL_DEADLINE = 1, /* a limiter's deadline fired: see killer */
	PYN_KILL_INTERRUPT = 2, /* the run was interrupted */
};

/* Where the test's process was when it ended (written by the child). */
enum pyn_child_state {
	PYN_CHILD_NONE = 0, /* never reached the harness */
	PYN_CHILD_APPLYING = 1, /* inside a limiter's apply() */
	PYN_CHILD_LOADING = 2, /* loading the test library */
	PYN_CHILD_SETUP = 3, /* in the setup function */
	PYN_CHILD_RUNNING = 4, /* in the test function */
	PYN_CHILD_TEARDOWN = 5, /* in the teardown function */
	PYN_CHILD_RETURNED = 6, /* returned normally */
	PYN_CHILD_SKIPPED = 7, /* called pyn_skip() */
	PYN_CHILD_FAILED = 8, /* failed assertion or pyn_fail() */
	PYN_CHILD_SETUP_FAILED = 9, /* apply, load or setup failed */
};

/* Services the runner offers to limiters (versioned like the limiter). */
struct pyn_host {
	uint32_t abi_version; /* PYN_LIMITER_ABI_VERSION of the host */
	uint32_t struct_size; /* sizeof(struct pyn_host) of the host */
	const char *version; /* pyntest's version string */
	/* Print a diagnostic ("warning: max_procs: ...") on the runner's stderr. */
	void (*log)(const char *limiter, const char *message);
	/*
	 * A directory under which the limiter may create per-test cgroups, for
	 * `hierarchy` "unified" (cgroup v2) or a v1 controller name ("memory",
	 * "pids"); NULL when none is writable.  The string lives as long as
	 * the host.  Create names starting with `cgroup_prefix`, so that the
	 * runner can remove what a killed run left behind.  Call it again in
	 * setup() before creating a cgroup: the host removes run directories
	 * nothing was created in after probing and makes them again then.
	 */
	const char *(*cgroup_parent)(const char *hierarchy);
	const char *cgroup_prefix; /* "pyntest-<pid>-" */
	/*
	 * Added after 0.1.0 (check with PYN_LIMITER_HAS): in apply(), 1 when
	 * the host created the test's process directly in the cgroup v2
	 * directory `dir` (clone3 with CLONE_INTO_CGROUP), so it need not
	 * join it - and must not pay for moving itself.  The host does that
	 * for the directory named by the test's token under
	 * cgroup_parent("unified") when a limiter made it in setup() and the
	 * kernel allows it; else 0.  `dir` may also name that directory's
	 * "cgroup.procs" file.  Async-signal-safe.
	 */
	int (*placed_in)(const char *dir);
	/*
	 * Added after 0.1.0 (check with PYN_LIMITER_HAS; may be NULL): in
	 * kill(), 1 when the process `pid` (in process group `pgid`) is the
	 * engine's own: a test process it started or is starting (a fork
	 * server's test whose pid it has not been told yet), or a fork
	 * server - never another test's leftover; else 0.
	 */
	int (*engine_owns)(pid_t pid, pid_t pgid);
};

/* One option of a limiter, from the manifest, with its location. */
struct pyn_limiter_option {
	const char *key; /* "count" in `limiters: {max_files: {count: 16}}` */
	const char *value; /* the scalar as written: "16" */
	const char *file; /* manifest path, or NULL */
	unsigned line; /* 1-based, 0 when unknown */
	unsigned column; /* 1-based, 0 when unknown */
};

/* What one test asks for, handed to setup(). */
struct pyn_limiter_request {
	uint32_t struct_size; /* sizeof(struct pyn_limiter_request) */
	const char *test_id; /* "suite.test" */
	double wall_time_s; /* 0: no wall-time limit */
	double cpu_time_s; /* 0: no CPU-time limit */
	uint64_t memory_bytes; /* 0: no memory limit */
	int terminate_child_processes; /* 1: kill every descendant at the end */
	const struct pyn_limiter_option *options; /* this limiter's options */
	size_t n_options; /* 0 when the test names none */
	int configured; /* 1 when the test's `limiters:` names us */
	void *child_data; /* out: bytes for apply() in the child */
	size_t child_data_size; /* in: capacity; out: bytes used */
	double deadline_s; /* out: kill after this many seconds, 0: none */
	/*
	 * 1: the process is a fork server about to load a test library,
	 * not a test.  Apply only limits the host can undo after loading:
	 * soft rlimits (never lower a hard one), and the interval timers
	 * ITIMER_PROF / ITIMER_VIRTUAL (the host disarms both once the
	 * library is loaded, before the first test), but no POSIX timer.
	 * 0: a test.
	 */
	int loading;
	unsigned token; /* the same for every limiter of the test
				 * (cgroup2 limiters share a cgroup named by
				 * it); unique among the tests running in this
				 * process, and given again to a later test
				 * once this one ended and its processes were
				 * killed: a cgroup named by it may be left
				 * from an earlier test, empty, for reuse */
};

/* What the host saw of a test, handed to classify(). */
struct pyn_limiter_evidence {
	uint32_t struct_size; /* sizeof(struct pyn_limiter_evidence) */
	int wait_status; /* of the test's process, as from wait4 */
	const struct rusage *rusage; /* of the test's process */
	double wall_time_s; /* start of the child to its reaping */
	double cpu_time_s; /* user + system of the test's process */
	int killed_by; /* enum pyn_kill_reason */
	const char *killer; /* name of the limiter whose deadline fired */
	int child_state; /* enum pyn_child_state, last written */
	int alloc_failed; /* 1: an allocation returned NULL */
	uint64_t alloc_failed_size; /* its size, 0 when unknown */
	uint64_t vm_peak_bytes; /* reported by the child, 0: unknown */
	uint64_t vm_hwm_bytes; /* peak RSS reported by the child */
	uint64_t rss_at_start_bytes; /* RSS of the child before the test */
	int would_pass; /* 1: the test's own verdict is a pass */
};

/* What classify() says: an outcome claim, a message, measurements. */
struct pyn_limiter_verdict {
	uint32_t struct_size; /* sizeof(struct pyn_limiter_verdict) */
	int outcome; /* out: PYN_OUTCOME_* or PYN_OUTCOME_UNDECIDED */
	char message[PYN_LIMITER_MESSAGE_MAX]; /* out: "exceeded ... (...)" */
	double cpu_time_s; /* out: CPU of the whole tree, < 0: not measured */
	int64_t peak_memory_bytes; /* out: peak of the test, < 0: not measured */
	unsigned leftover_processes; /* out: processes killed after the test */
	/* Host callback: add the report property "pyntest.NAME" = value. */
	void (*add_property)(struct pyn_limiter_verdict *v, const char *name,
			     const char *value);
	void *host_data; /* the host's, for add_property */
};

/* A limiter.  Field order is fixed; new fields go at the end. */
struct pyn_limiter {
	uint32_t abi_version; /* PYN_LIMITER_ABI_VERSION at build time */
	uint32_t struct_size; /* sizeof(struct pyn_limiter) at build time */
	const char *name; /* unique; the key under `limiters:` */
	const char *version; /* the limiter's own version */
	const char *summary; /* one line for `pyntest --limiters` */
	unsigned provides; /* enum pyn_limiter_provides bits */
	const char *const *keys; /* NULL-terminated option keys it accepts */

	/*
	 * Once per process: is this limiter supported here?  `forced` names a
	 * provider the user insists on (NULL: choose the best).  Writes the
	 * chosen provider ("cgroup1") into `provider` and, when unsupported,
	 * the reason into `why`.  Returns 1 supported, 0 not.
	 */
	int (*probe)(const struct pyn_host *host, const char *forced,
		     char *provider, size_t provider_len, char *why,
		     size_t why_len);

	/*
	 * Check one option from the manifest.  Returns 0, or -1 with a
	 * message ("'count' must be a positive integer, not 'x'"); the host
	 * prefixes the option's FILE:LINE:COLUMN.
	 */
	int (*validate)(const struct pyn_limiter_option *option, char *msg,
			size_t msg_len);

	/*
	 * Parent, per test, before the child exists.  Returns 0 when active
	 * (and sets *state), 1 when this test needs nothing of it (no other
	 * hook is called then but teardown), or -1 with a message (the test
	 * becomes an error).
	 */
	int (*setup)(struct pyn_limiter_request *request, void **state,
		     char *msg, size_t msg_len);

	/*
	 * Child, after fork and before the test: async-signal-safe system
	 * calls only, no allocation, no stdio.  Returns 0, or -1 with a
	 * message: the test then becomes an error (SetupError).
	 */
	int (*apply)(const void *child_data, size_t size, char *msg,
		     size_t msg_len);

	/* Parent: the test's process now exists. */
	void (*started)(void *state, pid_t pid);

	/*
	 * Parent: end every process of the test now (SIGKILL), and return how
	 * many processes it killed that were still running.  Called on a
	 * deadline, on interrupt, and after the test's own process ended.
	 */
	unsigned (*kill)(void *state, pid_t pid);

	/* Parent, after the test's process was reaped.  Returns 0 or -1. */
	int (*classify)(void *state, const struct pyn_limiter_evidence *ev,
			struct pyn_limiter_verdict *verdict);

	/* Parent: free the state (NULL after a failed or inactive setup). */
	void (*teardown)(void *state);

	/*
	 * Added in 0.1.0 (the fields above are the minimum a host accepts):
	 * the NULL-terminated names of the providers probe() may choose
	 * ("cgroup2", "cgroup1", "rlimit"), best first; NULL when the limiter
	 * has none.  The host checks forced providers against it.
	 */
	const char *const *providers;

	/*
	 * Added in 0.1.0 (optional, NULL: kill at the deadline): parent, when
	 * the deadline this limiter asked for (request.deadline_s) came,
	 * `elapsed_s` after the test started.  Return 0 to have the host kill
	 * the test now (PYN_KILL_DEADLINE, this limiter the killer), or the
	 * seconds after which to ask again.  For limits that are not wall
	 * time, checked at a time they cannot have been reached before.
	 */
	double (*deadline)(void *state, double elapsed_s);

	/*
	 * Added after 0.1.0 (read with PYN_LIMITER_HAS; a limiter built
	 * before it enforces nothing): PYN_ENFORCES_* bits, the request
	 * fields whose limits this limiter enforces for every test that sets
	 * them while it is supported.  The host trusts it: it sets no wall
	 * deadline of its own while a limiter enforces PYN_ENFORCES_WALL_TIME,
	 * and calls a CPU or memory limit enforceable here only when a
	 * supported limiter enforces it.  The built-in limiters set one bit
	 * each; a limiter under another name may take one over.
	 */
	unsigned enforces;
};

/*
 * The entry point each module exports.  Returns the limiter, or NULL with
 * a message in `msg`.
 */
typedef const struct pyn_limiter *(*pyn_limiter_init_fn)(
	const struct pyn_host *host, char *msg, size_t msg_len);

/*
 * Define a module's entry point: `PYN_LIMITER_ENTRY(max_files) { ... }`.
 * It exports `max_files_LTX_pyn_limiter_init` (libltdl's prefix, so that
 * several limiters can live in one binary) and, unless
 * PYN_LIMITER_BUILTIN is defined, the plain `pyn_limiter_init` too.
 */
#ifdef PYN_LIMITER_BUILTIN
#define PYN_LIMITER_PLAIN_ENTRY_(name)
#else
#define PYN_LIMITER_PLAIN_ENTRY_(name)                                         \
	PYN_API const struct pyn_limiter *pyn_limiter_init(                    \
		const struct pyn_host *host, char *msg, size_t msg_len);       \
	PYN_API const struct pyn_limiter *pyn_limiter_init(                    \
		const struct pyn_host *host, char *msg, size_t msg_len)        \
	{                                                                      \
		return name##_pyn_entry_(host, msg, msg_len);                  \
	}
#endif
#define PYN_LIMITER_ENTRY(name)                                                \
	static const struct pyn_limiter *name##_pyn_entry_(                    \
		const struct pyn_host *host, char *msg, size_t msg_len);       \
	PYN_API const struct pyn_limiter *name##_LTX_pyn_limiter_init(         \
		const struct pyn_host *host, char *msg, size_t msg_len);       \
	PYN_API const struct pyn_limiter *name##_LTX_pyn_limiter_init(         \
		const struct pyn_host *host, char *msg, size_t msg_len)        \
	{                                                                      \
		return name##_pyn_entry_(host, msg, msg_len);                  \
	}                                                                      \
	PYN_LIMITER_PLAIN_ENTRY_(name)                                         \
	static const struct pyn_limiter *name##_pyn_entry_(                    \
		const struct pyn_host *host, char *msg, size_t msg_len)

#ifdef __cplusplus
}
#endif

/*
 * enum pyn_outcome (PYN_OUTCOME_*), what classify() claims, is the C
 * API's: <pyntest/pyntest.h> defines it.  Included last, so that either
 * header may come first: pyntest.h needs this header's types.
 */
#include <pyntest/pyntest.h>

#endif /* PYNTEST_LIMITER_H */
