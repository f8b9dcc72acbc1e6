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
 *	struct pyn_result res = PYN_RESULT_INIT;
 *	lim.wall_time_s = 2;
 *	lim.memory_bytes = PYN_MiB(64);
 *	if (pyn_call(parse, &input, &lim, &res, NULL) == 0) {
 *		printf("%s: %s\n", pyn_outcome_name(res.outcome), res.message);
 *		pyn_result_release(&res);
 *	}
 *
 * The runner itself uses the asynchronous form (struct pyn_engine).
 *
 * A public ABI that can grow: struct pyn_limits, struct pyn_result and
 * struct pyn_engine_options start with `struct_size`, which their
 * PYN_*_INIT macros set to the size the caller was built with.  The
 * library reads and writes only what that size covers: a program built
 * against an older header (a smaller struct) keeps working, its missing
 * fields taking their defaults; one built against a newer header works
 * with an older library as long as it leaves the fields this library does
 * not know at zero (else PYN_EUNSUPPORTED).  New fields are only ever
 * appended.  A struct_size of 0 (a struct not started from its INIT
 * macro) is refused with PYN_EINVAL.  PYN_HAS(ptr, field) says whether a
 * struct's size covers a field.
 */
#ifndef PYNTEST_PYNTEST_H
#define PYNTEST_PYNTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pyntest/error.h>
#include <pyntest/version.h>

/*
 * The outcomes of SPEC §3: name, number, the name in reports (the JUnit
 * property pyntest.outcome, `expect:` in a manifest).  Numbers are never
 * reused; new outcomes are added at the end.  A limiter's classify()
 * claims one of them, or PYN_OUTCOME_UNDECIDED to leave the verdict to
 * others.
 */
#define PYN_OUTCOME_MAP(X)                                                     \
	X(PASS, 0, "pass")                                                     \
	X(FAIL, 1, "fail")                                                     \
	X(ERROR, 2, "error")                                                   \
	X(WALL_TIMEOUT, 3, "wall_timeout")                                     \
	X(CPU_TIMEOUT, 4, "cpu_timeout")                                       \
	X(MEMORY_LIMIT, 5, "memory_limit")                                     \
	X(SKIPPED, 6, "skipped")                                               \
	X(INTERRUPTED, 7, "interrupted")                                       \
	X(NOT_RUN, 8, "not_run") /* never started: the run stopped first */

enum pyn_outcome {
	PYN_OUTCOME_UNDECIDED = -1,
#define PYN_OUTCOME_ENUM_(name, num, text) PYN_OUTCOME_##name = (num),
	PYN_OUTCOME_MAP(PYN_OUTCOME_ENUM_)
#undef PYN_OUTCOME_ENUM_
};
/* How many outcomes PYN_OUTCOME_MAP has (numbers 0 to COUNT - 1). */
#define PYN_OUTCOME_COUNT 9

/* Limiter types (struct pyn_limiter_option); it includes this header. */
#include <pyntest/limiter.h>

#ifdef __cplusplus
extern "C" {
#endif

/* True when the struct at `ptr` (with `struct_size` first) has `field`. */
#define PYN_HAS(ptr, field) PYN_LIMITER_HAS(ptr, field)

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
	uint32_t struct_size; /* sizeof(struct pyn_limits): PYN_LIMITS_INIT */
	double wall_time_s; /* <= 0: no wall-time limit */
	double cpu_time_s; /* <= 0: no CPU-time limit */
	uint64_t memory_bytes; /* 0: no memory limit */
	bool terminate_child_processes; /* kill descendants at the end */
	bool capture_output; /* capture stdout/stderr into the result */
	size_t output_limit; /* bytes kept of stdout and stderr together */
	enum pyn_isolation isolation;
	const struct pyn_option *options; /* plug-in limiter options */
	size_t n_options;
	/*
	 * Debugging and tools (docs/instruments.md, "Debugging").  `wrapper`:
	 * a command line ("valgrind -q --error-exitcode=99"; split at blanks,
	 * '...' and "..." quote, nothing expanded) that a library test's
	 * process is exec'd under (spawn isolation, forced), or NULL.
	 * `foreground`: the test keeps the caller's process group and stdin
	 * (no new group, nothing redirected but what capture_output asks).
	 * `core_dumps`: leave RLIMIT_CORE as the caller has it (else 0) and
	 * name the core file a crash left in the result.
	 */
	const char *wrapper;
	bool foreground;
	bool core_dumps;
	/*
	 * A CUnit program's start-up (PYN_TASK_CUNIT with `program`): its
	 * main() up to its first CUnit run call, when its fork server
	 * starts, runs under these instead of the limits above (each <= 0
	 * or 0: none).  All three unset: the limits above, as before.
	 */
	double startup_wall_time_s;
	double startup_cpu_time_s;
	uint64_t startup_memory_bytes;
};

/*
 * The defaults, the manifest's too (SPEC §1): no time or memory limit,
 * descendants killed, output captured and cut at 1 MiB, the default
 * isolation.  One place: PYN_LIMITS_INIT, PYN_RESTRICTED and the runner's
 * plan all start from these designated initialisers.
 */
#define PYN_OUTPUT_LIMIT_DEFAULT ((size_t)1 << 20)
#define PYN_LIMITS_INIT_FIELDS                                                 \
	.struct_size = sizeof(struct pyn_limits),                              \
	.terminate_child_processes = true, .capture_output = true,             \
	.output_limit = PYN_OUTPUT_LIMIT_DEFAULT,                              \
	.isolation = PYN_ISOLATION_DEFAULT
#define PYN_LIMITS_INIT                                                        \
	{                                                                      \
		PYN_LIMITS_INIT_FIELDS                                         \
	}

/* One failed assertion, as reported by CUnit's CU_ASSERT* in the child. */
struct pyn_failure {
	char file[256];
	unsigned line;
	char condition[512];
	char function[128];
};
#define PYN_RESULT_FAILURES_MAX 16

/*
 * Everything known about one finished call.  Start from PYN_RESULT_INIT;
 * the library fills what struct_size covers and sets struct_size to what
 * it filled.  Release with pyn_result_release (the result may be reused).
 */
struct pyn_result {
	uint32_t struct_size; /* sizeof(struct pyn_result): PYN_RESULT_INIT */
	enum pyn_outcome outcome;
	char message[1024]; /* "exceeded wall time limit 0.500 s (...)" */
	char error_type[32]; /* JUnit type: "Signal", "WallTimeout", ... */
	double wall_time_s; /* fork to reap */
	double cpu_time_s; /* the test's CPU (the tree's where measured) */
	int64_t peak_memory_bytes; /* peak of the test itself, -1: unknown */
	double start_s; /* start, seconds since the engine was made */
	unsigned slot; /* which of the -j lanes ran it, from 0 */
	int exit_code; /* exit status, -1 when killed by a signal */
	int term_signal; /* the signal that ended it, 0 when it exited */
	int fail_code; /* code given to pyn_fail(), 0 otherwise */
	unsigned leftover_processes; /* descendants killed after it ended */
	unsigned n_failures; /* failed assertions (may exceed the array) */
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
	/* pyn_return() or pyn_return_buffer() was called (size may be 0). */
	bool returned;
};
#define PYN_RESULT_INIT                                                        \
	{                                                                      \
		.struct_size = sizeof(struct pyn_result)                       \
	}

/* Free what a result owns and zero it, but its struct_size; accepts NULL. */
PYN_API void pyn_result_release(struct pyn_result *res);

/* What to run. */
enum pyn_task_kind {
	PYN_TASK_FUNCTION = 0, /* fn(arg) in a child forked from this process */
	PYN_TASK_SYMBOL = 1, /* `symbol` of shared object `library` */
	PYN_TASK_CUNIT = 2, /* a CUnit test, by suite and test name */
};

struct pyn_task {
	enum pyn_task_kind kind;
	const char *name; /* for messages: "suite.test" */
	/* PYN_TASK_FUNCTION */
	void (*fn)(void *arg);
	void *arg;
	/* PYN_TASK_SYMBOL and PYN_TASK_CUNIT */
	const char *library; /* path of the shared object (lt_dlopenext) */
	const char *symbol; /* void (*)(void) */
	const char *setup; /* optional void (*)(void), before the test */
	const char *teardown; /* optional void (*)(void), after the test */
	/* PYN_TASK_CUNIT: where the registry comes from, and which test. */
	const char *cunit_info; /* a CU_SuiteInfo[] symbol, or NULL */
	const char *const *cunit_register; /* registration functions */
	size_t n_cunit_register;
	const char *cunit_suite; /* registered suite name */
	const char *cunit_test; /* registered test name */
	/* Environment of the child. */
	const char *cwd; /* NULL: inherited */
	const char *const *env; /* "NAME=VALUE" to add, or NULL */
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
PYN_API int pyn_supports(const char *limit, char *provider, size_t provider_len,
			 char *why, size_t why_len);

/* Load a plug-in limiter module for every later call; see limiter.h. */
PYN_API int pyn_plugin_load(const char *path, struct pyn_error *err);

/* ---- pynisher's API: units, checks, limited functions ----------------- */

/*
 * Thread safety and re-entrancy of pyn_call(), pyn_run() and the
 * pyn_limited_* functions (each tested in tests/unit/test-api-*.c):
 *  - Several threads may call them at once, each with its own result and
 *    pyn_limited object (a pyn_limited object may be shared: calls on it
 *    only read it).  Each call has its own engine; nothing is global but
 *    the limiter registry, which is locked.  The child of a call forked
 *    from a multi-threaded caller holds only the calling thread: fn must
 *    not need a lock another thread held (use PYN_ISOLATION_SPAWN with a
 *    symbol when in doubt; pynisher's README gives the same advice).
 *  - Not from a signal handler: they allocate, fork and wait.  Use
 *    pyn_engine_interrupt() there, which is async-signal-safe.
 *  - From inside a limited function: yes, nested limits work; the inner
 *    call's outcome is reported to the limited function, which may pass
 *    it on with pyn_return() or pyn_fail().  An inner memory limit lives
 *    in its own cgroup: inner limits should be tighter than outer ones.
 *  - The caller's SIGCHLD must not be SIG_IGN (the kernel would reap the
 *    child and lose its status); a warning says so.
 */

/* Durations in seconds for struct pyn_limits: PYN_MS(500) is 0.5. */
#define PYN_MS(n) ((double)(n) / 1000.0)
#define PYN_SECONDS(n) ((double)(n))
#define PYN_MINUTES(n) ((double)(n)*60.0)
#define PYN_HOURS(n) ((double)(n)*3600.0)

/*
 * "500ms", "2", "30 s", "1.5m", "1h" -> seconds; units ms s m h, no unit
 * means seconds.  Returns 0 or PYN_EINVAL (zero, negative, unknown unit)
 * with a message naming the text.  The manifest's grammar (SPEC §1).
 */
PYN_API int pyn_seconds(const char *text, double *seconds,
			struct pyn_error *err);
/*
 * "64MB", "1.5 GiB", "4096" -> bytes; units B, K/KB/KiB, M/MB/MiB,
 * G/GB/GiB, T/TB/TiB, all powers of 1024 (as pynisher).  Returns 0 or
 * PYN_EINVAL.
 */
PYN_API int pyn_bytes(const char *text, uint64_t *bytes, struct pyn_error *err);

/*
 * Plug-in limiter options in a designated initialiser (C only; the array
 * lives as long as the enclosing block):
 *	struct pyn_limits lim = { PYN_LIMITS_INIT_FIELDS, .wall_time_s = 1,
 *		PYN_WITH_OPTIONS(PYN_OPTION("max_files", "count", "16"),
 *				 PYN_OPTION("no_network", NULL, NULL)) };
 * or, simpler, pyn_limited_option().  A NULL key configures the limiter
 * with no option (`limiters: {no_network: {}}`).
 */
#define PYN_OPTION(limiter, key, value)                                        \
	{                                                                      \
		(limiter),                                                     \
		{                                                              \
			(key), (value), NULL, 0, 0                             \
		}                                                              \
	}
#define PYN_WITH_OPTIONS(...)                                                  \
	.options = (const struct pyn_option[]){ __VA_ARGS__ },                 \
	.n_options = sizeof((const struct pyn_option[]){ __VA_ARGS__ }) /      \
		     sizeof(struct pyn_option)

/*
 * Check limits before any call, as pynisher checks its arguments: a
 * negative or NaN time, an unknown limiter, an option the limiter does
 * not know or refuses (its own validate()), and a limit that nothing
 * here can enforce (PYN_EUNSUPPORTED, with the limiter's reason).
 * Returns 0 or a negative PYN_E* with the message in `err`.
 */
PYN_API int pyn_limits_check(const struct pyn_limits *limits,
			     struct pyn_error *err);

/*
 * A reusable limited function, pynisher's `limit(func, ...)`: made once,
 * called many times, each call in a new child.  The limits are checked
 * (pyn_limits_check()) and copied, options and all.
 */
struct pyn_limited;

PYN_API struct pyn_limited *pyn_limited_new(void (*fn)(void *arg),
					    const struct pyn_limits *limits,
					    struct pyn_error *err);
/*
 * The same for `symbol` (void (*)(void)) of shared object `library`, so
 * it can run in a fresh process: pynisher's context="spawn" or
 * "forkserver" (limits->isolation; DEFAULT means forkserver).  The
 * argument of pyn_limited_call() must be NULL then.
 */
PYN_API struct pyn_limited *
pyn_limited_new_symbol(const char *library, const char *symbol,
		       const struct pyn_limits *limits, struct pyn_error *err);

/* Add an option of a plug-in limiter; key NULL: configured, no option. */
PYN_API int pyn_limited_option(struct pyn_limited *lf, const char *limiter,
			       const char *key, const char *value,
			       struct pyn_error *err);

/*
 * pynisher's `warnings`: where diagnostics go - a memory limit below what
 * the caller already uses (a forked child shares it and pays for every
 * page it writes), SIGCHLD ignored, fork from a multi-threaded caller, a
 * limit that cannot be enforced.  Default: stderr, "pyntest: warning:".
 * `warn` NULL: silent.
 */
PYN_API void pyn_limited_on_warning(struct pyn_limited *lf,
				    void (*warn)(void *user,
						 const char *message),
				    void *user);

/*
 * Run it once.  Like pyn_call(): 0 with `res` filled whatever the outcome
 * (pynisher's raises=False: the outcome is a value, nothing is raised and
 * nothing aborts), a negative PYN_E* only when no call could be made.
 */
PYN_API int pyn_limited_call(struct pyn_limited *lf, void *arg,
			     struct pyn_result *res, struct pyn_error *err);

/* The limits it was made with (options included). */
PYN_API const struct pyn_limits *
pyn_limited_limits(const struct pyn_limited *lf);

/* Free it; accepts NULL. */
PYN_API void pyn_limited_free(struct pyn_limited *lf);

/*
 * pynisher's @restricted: define `int NAME(void *arg, struct pyn_result
 * *res)` that always runs FN(arg) under the given limits, written as
 * designated initialisers over PYN_LIMITS_INIT's defaults (C only):
 *	PYN_RESTRICTED(parse_limited, parse, .wall_time_s = PYN_MS(500),
 *		       .memory_bytes = PYN_MiB(64))
 * `res` starts from PYN_RESULT_INIT, as for pyn_call().  Returns what
 * pyn_call() returns; release `res` after.
 */
#if defined(__GNUC__)
#define PYN_OVERRIDE_INIT_BEGIN_                                               \
	_Pragma("GCC diagnostic push")                                         \
		_Pragma("GCC diagnostic ignored \"-Woverride-init\"")
#define PYN_OVERRIDE_INIT_END_ _Pragma("GCC diagnostic pop")
#else
#define PYN_OVERRIDE_INIT_BEGIN_
#define PYN_OVERRIDE_INIT_END_
#endif
#define PYN_RESTRICTED(name, fn, ...)                                          \
	int name(void *arg, struct pyn_result *res)                            \
	{                                                                      \
		PYN_OVERRIDE_INIT_BEGIN_                                       \
		const struct pyn_limits name##_limits_ = {                     \
			PYN_LIMITS_INIT_FIELDS, __VA_ARGS__                    \
		};                                                             \
		PYN_OVERRIDE_INIT_END_                                         \
		return pyn_call(fn, arg, &name##_limits_, res, NULL);          \
	}

/* ---- The asynchronous engine (what the runner uses) ------------------ */

struct pyn_engine;

/* Start from PYN_ENGINE_OPTIONS_INIT; NULL options are the defaults. */
struct pyn_engine_options {
	uint32_t struct_size; /* sizeof(struct pyn_engine_options) */
	/* pyntest-worker executable for spawn/forkserver; NULL: find it. */
	const char *worker_path;
	/* Diagnostics pynisher would print as warnings, or NULL for stderr. */
	void (*warn)(void *user, const char *message);
	void *warn_user;
};
#define PYN_ENGINE_OPTIONS_INIT                                                \
	{                                                                      \
		.struct_size = sizeof(struct pyn_engine_options)               \
	}

PYN_API struct pyn_engine *
pyn_engine_new(const struct pyn_engine_options *options, struct pyn_error *err);

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
