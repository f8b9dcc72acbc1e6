/* SPDX-License-Identifier: MIT */
/*
 * pyntest/pyntest.h - limit any function call, like pynisher's limit().
 *
 * The engine under the pyntest runner: run a function (in this process's
 * image, or named by shared object and symbol) in a child process under
 * wall-time, CPU-time, memory and plug-in limits, and get back the exact
 * outcome, the measurements, a failure message, captured output and the
 * bytes the function handed back (pyn_return() in <pyntest/test.h>).
 *
 *	struct pyn_limits lim = PYN_LIMITS_INIT;
 *	struct pyn_result res;
 *	lim.wall_time_s = 2;
 *	lim.memory_bytes = PYN_MiB(64);
 *	if (pyn_call(parse, &input, &lim, &res, NULL) == 0) {
 *		printf("%s: %s\n", pyn_outcome_name(res.outcome), res.message);
 *		pyn_result_release(&res);
 *	}
 *
 * The runner itself uses the asynchronous form (struct pyn_engine).
 */
#ifndef PYNTEST_PYNTEST_H
#define PYNTEST_PYNTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pyntest/error.h>
#include <pyntest/limiter.h>
#include <pyntest/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PYN_KiB(n) ((uint64_t)(n) << 10)
#define PYN_MiB(n) ((uint64_t)(n) << 20)
#define PYN_GiB(n) ((uint64_t)(n) << 30)

/* "pass", "fail", "error", "wall_timeout", ... (SPEC §3); never NULL. */
PYN_API const char *pyn_outcome_name(enum pyn_outcome outcome);
/* Parse an outcome name; returns 0 or PYN_EINVAL. */
PYN_API int pyn_outcome_parse(const char *name, enum pyn_outcome *outcome);

/* How the child is made (SPEC §7). */
enum pyn_isolation {
	PYN_ISOLATION_DEFAULT = 0, /* forkserver for libraries, fork for fns */
	PYN_ISOLATION_FORK = 1,
	PYN_ISOLATION_SPAWN = 2,
	PYN_ISOLATION_FORKSERVER = 3,
};
PYN_API const char *pyn_isolation_name(enum pyn_isolation isolation);

/*
 * An option for a plug-in limiter: `limiters: {LIMITER: {KEY: VALUE}}`.
 * An entry whose option.key is NULL configures LIMITER with no option
 * (`limiters: {LIMITER: {}}`): its setup() sees `configured` = 1.
 */
struct pyn_option {
	const char *limiter;
	struct pyn_limiter_option option;
};

/* The limits of one call.  Start from PYN_LIMITS_INIT. */
struct pyn_limits {
	double wall_time_s;     /* <= 0: no wall-time limit */
	double cpu_time_s;      /* <= 0: no CPU-time limit */
	uint64_t memory_bytes;  /* 0: no memory limit */
	bool terminate_child_processes; /* kill descendants at the end */
	bool capture_output;    /* capture stdout/stderr into the result */
	size_t output_limit;    /* bytes kept per stream when capturing */
	enum pyn_isolation isolation;
	const struct pyn_option *options; /* plug-in limiter options */
	size_t n_options;
};
#define PYN_LIMITS_INIT                                                       \
	{ 0, 0, 0, true, true, (size_t)1 << 20, PYN_ISOLATION_DEFAULT, NULL, 0 }

/* One failed assertion, as reported by CUnit's CU_ASSERT* in the child. */
struct pyn_failure {
	char file[256];
	unsigned line;
	char condition[512];
	char function[128];
};
#define PYN_RESULT_FAILURES_MAX 16

/* Everything known about one finished call.  Release with pyn_result_release. */
struct pyn_result {
	enum pyn_outcome outcome;
	char message[1024];   /* "exceeded wall time limit 0.500 s (...)" */
	char error_type[32];  /* JUnit type: "Signal", "WallTimeout", ... */
	double wall_time_s;   /* fork to reap */
	double cpu_time_s;    /* the test's CPU (the tree's where measured) */
	int64_t peak_memory_bytes; /* peak of the test itself, -1: unknown */
	double start_s;       /* start, seconds since the engine was made */
	unsigned slot;        /* which of the -j lanes ran it, from 0 */
	int exit_code;        /* exit status, -1 when killed by a signal */
	int term_signal;      /* the signal that ended it, 0 when it exited */
	int fail_code;        /* code given to pyn_fail(), 0 otherwise */
	unsigned leftover_processes; /* descendants killed after it ended */
	unsigned n_failures;  /* failed assertions (may exceed the array) */
	struct pyn_failure failures[PYN_RESULT_FAILURES_MAX];
	char skip_reason[256];
	/* Bytes handed back by pyn_return(): owned by the result. */
	void *data;
	size_t size;
	/* Captured output (NUL-terminated, owned by the result). */
	char *out;
	size_t out_len;
	uint64_t out_total; /* bytes written in all; > out_len when cut */
	char *err;
	size_t err_len;
	uint64_t err_total;
	/* Extra "pyntest.*" properties from limiters, name=value, owned. */
	char **properties;
	size_t n_properties;
	/* Which provider enforced each built-in limit ("cgroup1", "rlimit"). */
	char memory_provider[32];
	char tree_provider[32];
};

/* Free what a result owns and zero it; accepts NULL. */
PYN_API void pyn_result_release(struct pyn_result *res);

/* What to run. */
enum pyn_task_kind {
	PYN_TASK_FUNCTION = 0, /* fn(arg) in a child forked from this process */
	PYN_TASK_SYMBOL = 1,   /* `symbol` of shared object `library` */
	PYN_TASK_CUNIT = 2,    /* a CUnit test, by suite and test name */
};

struct pyn_task {
	enum pyn_task_kind kind;
	const char *name;     /* for messages: "suite.test" */
	/* PYN_TASK_FUNCTION */
	void (*fn)(void *arg);
	void *arg;
	/* PYN_TASK_SYMBOL and PYN_TASK_CUNIT */
	const char *library;  /* path of the shared object (lt_dlopenext) */
	const char *symbol;   /* void (*)(void) */
	const char *setup;    /* optional void (*)(void), before the test */
	const char *teardown; /* optional void (*)(void), after the test */
	/* PYN_TASK_CUNIT: where the registry comes from, and which test. */
	const char *cunit_info;      /* a CU_SuiteInfo[] symbol, or NULL */
	const char *const *cunit_register; /* registration functions */
	size_t n_cunit_register;
	const char *cunit_suite;     /* registered suite name */
	const char *cunit_test;      /* registered test name */
	/* Environment of the child. */
	const char *cwd;             /* NULL: inherited */
	const char *const *env;      /* "NAME=VALUE" to add, or NULL */
	size_t n_env;
	/*
	 * PYN_TASK_CUNIT of a CUnit test program (`program:`, SPEC §2):
	 * its path (library is NULL then) and arguments.  Its main() runs
	 * with env and cwd; the test runs in a child of that process.
	 */
	const char *program;
	const char *const *args;
	size_t n_args;
};

/*
 * Run fn(arg) in a child forked from this process, under `limits` (NULL:
 * none), and wait for it.  Returns 0 with `res` filled, whatever the
 * outcome; a negative PYN_E* only when the call could not be made at all.
 * Never aborts the caller.
 */
PYN_API int pyn_call(void (*fn)(void *arg), void *arg,
		     const struct pyn_limits *limits, struct pyn_result *res,
		     struct pyn_error *err);

/* Like pyn_call() for any task (a symbol of a shared object, ...). */
PYN_API int pyn_run(const struct pyn_task *task,
		    const struct pyn_limits *limits, struct pyn_result *res,
		    struct pyn_error *err);

/*
 * Is `limit` ("wall_time", "cpu_time", "memory", "process_tree", or a
 * plug-in limiter's name) enforceable here?  Returns 1, or 0 with the
 * reason in `why`; `provider` (may be NULL) gets the provider's name.
 */
PYN_API int pyn_supports(const char *limit, char *provider,
			 size_t provider_len, char *why, size_t why_len);

/* Load a plug-in limiter module for every later call; see limiter.h. */
PYN_API int pyn_plugin_load(const char *path, struct pyn_error *err);

/* ---- The asynchronous engine (what the runner uses) ------------------ */

struct pyn_engine;

struct pyn_engine_options {
	/* pyntest-worker executable for spawn/forkserver; NULL: find it. */
	const char *worker_path;
	/* Diagnostics pynisher would print as warnings, or NULL for stderr. */
	void (*warn)(void *user, const char *message);
	void *warn_user;
};

PYN_API struct pyn_engine *
pyn_engine_new(const struct pyn_engine_options *options,
	       struct pyn_error *err);

/*
 * Start a task now.  `user` comes back with its result.  The task's
 * strings are copied; `limits` too.
 */
PYN_API int pyn_engine_submit(struct pyn_engine *engine,
			      const struct pyn_task *task,
			      const struct pyn_limits *limits, void *user,
			      struct pyn_error *err);

/* How many submitted tasks have not been returned by pyn_engine_next. */
PYN_API unsigned pyn_engine_pending(const struct pyn_engine *engine);

/*
 * Wait for the next finished task.  Returns 1 with `res` and `*user` set,
 * 0 when `watch_fd` (>= 0) became readable first, or a negative PYN_E*.
 */
PYN_API int pyn_engine_next(struct pyn_engine *engine, int watch_fd,
			    struct pyn_result *res, void **user,
			    struct pyn_error *err);

/*
 * Kill every running task's whole process tree now.  Each then finishes
 * (through pyn_engine_next) as PYN_OUTCOME_INTERRUPTED.
 * Async-signal-safe.
 */
PYN_API void pyn_engine_interrupt(struct pyn_engine *engine);

/* Kill what still runs, reap it, free everything; accepts NULL. */
PYN_API void pyn_engine_free(struct pyn_engine *engine);

#ifdef __cplusplus
}
#endif

#endif /* PYNTEST_PYNTEST_H */
