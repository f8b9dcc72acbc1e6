/* SPDX-License-Identifier: MIT */
/*
 * engine/harness.c - the child side of a test, up to the test: making the
 * process a test child (output, signals, the fatal-signal recorder, the
 * RSS at start), what a fork server does once for all its children, each
 * limiter's apply(), the gate, and loading the test's library.
 *
 * Async-signal-safe throughout: the child may have been forked from a
 * multi-threaded caller.  Nothing is decided here: the child only writes
 * what happened into the page and exits.  What runs after the gate is
 * kept small and in one run of code (engine/README.md, "What the child
 * does after the gate").
 *
 * May use: the page (page.h), the host (limiters by index, the loader,
 * the host table's placed_in), placed.c, inline system calls (sys.h) and
 * libc; never the engine's loop or jobs.  Its siblings: harness_run.c
 * (setup, test, teardown, the end), harness_symbols.c (finding the
 * test's functions), harness_api.c (<pyntest/test.h>).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <host/loader.h>
#include <host/registry.h>

#include "harness.h"
#include "harness_int.h"
#include "sys.h"

/*
 * What a test's process writes of its own data, all in .data, side by
 * side: each page of it written is one more copy-on-write fault
 * (pyn__page and the step would be in .bss, a page of their own).  The
 * step's jump out (pyn_fail, a fatal assertion, pyn_skip) is the
 * process's own, not in the shared job page: a process the test forks
 * jumps in its own copy and leaves the test's alone.
 */
struct pyn__page *pyn__page __attribute__((section(".data")));
int pyn__result_fd = -1;
int pyn__alloc_hooked;
struct pyn__child_step pyn__child_step __attribute__((section(".data")));

static char alt_stack[64 * 1024];

static void append(char *dst, size_t len, const char *src)
{
	size_t n = strlen(dst);

	if (n < len)
		pyn__child_copy(dst + n, len - n, src);
}

static uint64_t status_field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);
	uint64_t v = 0;

	if (!p)
		return 0;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v * 1024; /* /proc reports kB */
}

void pyn__read_status(uint64_t *vm_peak, uint64_t *vm_hwm, uint64_t *vm_rss)
{
	char buf[4096];
	ssize_t n, got = 0;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (vm_peak)
		*vm_peak = 0;
	if (vm_hwm)
		*vm_hwm = 0;
	if (vm_rss)
		*vm_rss = 0;
	if (fd < 0)
		return;
	while (got < (ssize_t)sizeof(buf) - 1) {
		size_t want = sizeof(buf) - 1 - (size_t)got;

		n = read(fd, buf + got, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
		/* Short: the end (a /proc file fills what it has). */
		if ((size_t)n < want)
			break;
	}
	close(fd);
	buf[got] = '\0';
	if (vm_peak)
		*vm_peak = status_field(buf, "VmPeak:");
	if (vm_hwm)
		*vm_hwm = status_field(buf, "VmHWM:");
	if (vm_rss)
		*vm_rss = status_field(buf, "VmRSS:");
}

/*
 * The fatal-signal recorder: under RLIMIT_AS the peak is gone once the
 * process is a zombie, so write it now, then die of the same signal.
 * Where no allocator hook records failed allocations (a program that
 * links the C API: malloc.c), errno ENOMEM at the crash is that record:
 * a failed malloc sets it, and the NULL dereference or abort() that
 * follows leaves it.  Its size is unknown (0).  Where the signal hit,
 * for the runner's message, goes to the page too (fault.c).
 */
static void on_fatal(int sig, siginfo_t *info, void *context)
{
	int error = errno;
	uint64_t peak, hwm;
	struct pyn__page *page = pyn__page;

	if (page && page->limited && !pyn__alloc_hooked && error == ENOMEM &&
	    !page->alloc_failed) {
		page->alloc_failed_size = 0;
		page->alloc_failed = 1;
	}
	if (page) {
		pyn__read_status(&peak, &hwm, NULL);
		page->vm_peak_bytes = peak;
		page->vm_hwm_bytes = hwm;
		page->fatal_signal = sig;
		/* A fault the CPU raised, not a kill() or raise(). */
		if (info && info->si_code > 0)
			pyn__child_fault_record(page, sig, context);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int fatal_signals[] = { SIGSEGV, SIGBUS,  SIGABRT, SIGFPE,
				     SIGILL,  SIGXCPU, SIGXFSZ, SIGSYS };

/* Is a limiter that limits memory active for this test? */
PYN__CHILD_TEXT bool pyn__child_limits_memory(const struct pyn__page *page)
{
	const struct pyn__limiter_slot *slot;
	uint32_t i;

	for (i = 0; i < page->n_limiters; i++) {
		slot = pyn__registry_get((size_t)page->limiters[i].index);
		if (slot && slot->limiter &&
		    (slot->limiter->provides & PYN_PROVIDES_MEMORY))
			return true;
	}
	return false;
}

/*
 * What a fork server did once for all its children (pyn__child_preset):
 * signals, /dev/null, its RSS.  A child forked from it skips those steps.
 */
static struct {
	int on;
	int devnull;
	uint64_t rss;
	/* The vDSO's clock_gettime itself (mono_ns), NULL: libc's. */
	int (*clock)(clockid_t, struct timespec *);
} preset = { 0, -1, 0, NULL };

/*
 * Default handlers and an empty mask: what a program's main() starts
 * with.  sigaction() of the two signals glibc keeps for itself (32, 33)
 * fails with EINVAL: errno is the test's own again before it runs
 * (harness_run.c, step()).
 */
static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		sigaction(sig, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * The signals of a fault the CPU raises: the recorder catches these in
 * every test, to say where a crash happened (fault.c); one shot
 * (SA_RESETHAND), it dies of the same signal, so a crash ends as it
 * would without it, and a handler the test sets replaces it.
 */
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };

/*
 * The recorder, on its alternate stack: for the fault signals always,
 * for all the fatal ones under a memory limit, whose evidence (the peak,
 * a failed allocation) it keeps.  Every other signal stays at its default
 * (docs/guarantees.md, "What a test sees").
 */
PYN__CHILD_TEXT static void arm_recorder(bool all)
{
	const int *sigs = all ? fatal_signals : fault_signals;
	size_t n = all ? sizeof(fatal_signals) / sizeof(fatal_signals[0]) :
			 sizeof(fault_signals) / sizeof(fault_signals[0]);
	struct sigaction sa;
	stack_t ss;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	ss.ss_sp = alt_stack;
	ss.ss_size = sizeof(alt_stack);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < n; i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * The RSS a child of this process starts with: less than ours, since fork
 * copies no page table entries of read-only file mappings.  Asked of a
 * child; ours when that fails.
 */
static uint64_t child_rss(void)
{
	uint64_t rss = 0;
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		goto own;
	pid = fork();
	if (pid == 0) {
		pyn__read_status(NULL, NULL, &rss);
		_exit(write(fds[1], &rss, sizeof(rss)) == sizeof(rss) ? 0 : 1);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], &rss, sizeof(rss)) != sizeof(rss))
		rss = 0;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (rss)
		return rss;
own:
	pyn__read_status(NULL, NULL, &rss);
	return rss;
}

/*
 * The clock a child reads after its test (mono_ns): the vDSO's function
 * itself, not libc's wrapper around it (one code page less for each
 * child to fault in), read once here: the kernel's clock pages the vDSO
 * reads are then mapped in the server (they are PFN mappings, which fork
 * copies), and no child faults them in again.
 */
static void preset_clock(void)
{
	struct timespec ts;
	void *vdso;

	vdso = dlopen("linux-vdso.so.1", RTLD_NOW | RTLD_NOLOAD);
	if (vdso) {
		/* Its name on x86 and most others; on AArch64. */
		*(void **)&preset.clock = dlsym(vdso, "__vdso_clock_gettime");
		if (!preset.clock)
			*(void **)&preset.clock =
				dlsym(vdso, "__kernel_clock_gettime");
		dlclose(vdso);
	}
	if (!preset.clock || preset.clock(CLOCK_MONOTONIC, &ts) != 0) {
		preset.clock = NULL;
		clock_gettime(CLOCK_MONOTONIC, &ts);
	}
}

void pyn__child_preset(void)
{
	/*
	 * The server's own sends use MSG_NOSIGNAL: it needs no SIGPIPE
	 * handler.
	 */
	reset_signals();
	/*
	 * The recorder for the fault signals, armed here once: a clone
	 * inherits the handlers and the alternate stack, and arming them in
	 * each child costs six calls and the libc pages they fault in.  In
	 * the server no page is set: a fault there dies as it would.
	 */
	arm_recorder(false);
	pyn__child_preset_errno();
	if (preset.devnull < 0)
		preset.devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	preset.rss = child_rss();
	preset_clock();
	preset.on = 1;
	/*
	 * The fork server creates its children in their cgroups (clone3
	 * with CLONE_INTO_CGROUP): it tells the host how a limiter's
	 * apply() learns so, before the first clone.
	 */
	pyn__registry_set_placed_in(pyn__child_placed_in);
}

/* dup2() as a raw call: dup3 is on every architecture, dup2 is not. */
PYN__CHILD_TEXT static void dup_to(int fd, int to)
{
	if (fd != to)
		pyn__sys(SYS_dup3, fd, to, 0);
}

PYN__CHILD_TEXT void pyn__child_prepare(struct pyn__page *page, int result_fd,
					int out_fd, int err_fd, pid_t parent,
					bool own_group)
{
	int fd;
	uint64_t rss;

	pyn__page = page;
	pyn__result_fd = result_fd;
	/*
	 * Through pyn__sys(), not each call's libc wrapper: every wrapper is
	 * code the child faults in (64 KiB of it at a time) and its exit
	 * unmaps again, before a test that may call none of them.
	 */
	if (own_group && !page->foreground)
		pyn__sys(SYS_setpgid, 0, 0);
	pyn__sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
#ifdef SYS_getppid
	if (parent > 0 && pyn__sys(SYS_getppid) != parent)
#else
	if (parent > 0 && getppid() != parent)
#endif
		_exit(PYN__EXIT_ORPHAN);

	if (page->foreground) {
		/* A debugger's terminal: stdin stays the runner's. */
	} else if (preset.on && preset.devnull >= 0) {
		dup_to(preset.devnull, STDIN_FILENO);
		/* The server's; the test's stdin is its copy. */
		pyn__sys(SYS_close, preset.devnull);
	} else {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && fd != STDIN_FILENO) {
			dup_to(fd, STDIN_FILENO);
			pyn__sys(SYS_close, fd);
		}
	}
	if (out_fd >= 0 && out_fd != STDOUT_FILENO) {
		dup_to(out_fd, STDOUT_FILENO);
		pyn__sys(SYS_close, out_fd);
	}
	if (err_fd >= 0 && err_fd != STDERR_FILENO) {
		dup_to(err_fd, STDERR_FILENO);
		if (err_fd != out_fd)
			pyn__sys(SYS_close, err_fd);
	}
	if (!preset.on) {
		reset_signals();
		arm_recorder(pyn__child_limits_memory(page));
	} else if (pyn__child_limits_memory(page)) {
		/* All the fatal signals, for a memory limit's evidence. */
		arm_recorder(true);
	}
	/*
	 * --core-dumps: the soft limit up to the hard one (a limiter may
	 * lower it again: cpu_time's SIGXCPU must dump no core).
	 */
	if (page->core_dumps) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_CORE, &rl) == 0 &&
		    rl.rlim_cur != rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_CORE, &rl);
		}
	}
	/*
	 * Forked from a server that measured it once, the RSS at start is
	 * known, unless a memory limit wants it to the page.
	 */
	if (preset.on && !pyn__child_limits_memory(page)) {
		page->rss_at_start_bytes = preset.rss;
		return;
	}
	pyn__read_status(NULL, NULL, &rss);
	page->rss_at_start_bytes = rss;
}

void pyn__child_setup_failed(struct pyn__page *page, const char *a,
			     const char *b, const char *c, const char *d)
{
	page->setup_message[0] = '\0';
	append(page->setup_message, sizeof(page->setup_message), a);
	append(page->setup_message, sizeof(page->setup_message), b);
	append(page->setup_message, sizeof(page->setup_message), c);
	append(page->setup_message, sizeof(page->setup_message), d);
	page->state = PYN_CHILD_SETUP_FAILED;
	/* A setup that failed ended by itself: its counters count. */
	pyn__child_coverage_flush();
	_exit(PYN__EXIT_SETUP);
}

/*
 * CLOCK_MONOTONIC in ns, for the page (started_ns, ended_ns).  Before the
 * test (`before`): a system call, not the vDSO, whose code a test's
 * process would fault in for one read.  After it, the vDSO (its own
 * function, found by the fork server: preset_clock): the test may have
 * put itself under a seccomp filter that kills at any system call it did
 * not allow.
 */
PYN__CHILD_TEXT uint64_t pyn__child_mono_ns(bool before)
{
	struct timespec ts;
	long rc = -1;

	if (before)
		rc = pyn__sys(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	else if (preset.clock)
		rc = preset.clock(CLOCK_MONOTONIC, &ts);
	if (rc != 0)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The test before this one ended (its pidfd is readable) and left no
 * process in its cgroup: then start without the parent, else wait for it.
 */
PYN__CHILD_TEXT static void gate_watch(struct pyn__page *page, int pidfd,
				       int events)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	char buf[16];
	uint32_t want = 2;
	long n;

	while (__atomic_load_n(&page->gate, __ATOMIC_ACQUIRE) == 2) {
		n = pyn__sys(SYS_ppoll, &pfd, 1, NULL, NULL, 0);
		if (n == -EINTR)
			continue;
		if (n != 1 || !(pfd.revents & POLLIN))
			return;
		/* "populated 0": nothing of that test is left anywhere. */
		n = pyn__sys(SYS_pread64, events, buf, sizeof(buf), 0);
		if (n < 11 || memcmp(buf, "populated 0", 11) != 0)
			return;
		page->started_ns = pyn__child_mono_ns(true);
		__atomic_compare_exchange_n(&page->gate, &want, 0, 0,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		return;
	}
}

PYN__CHILD_TEXT void pyn__child_gate(struct pyn__page *page, int watch_pidfd,
				     int watch_events)
{
	uint32_t g;

	if (watch_pidfd >= 0 && watch_events >= 0)
		gate_watch(page, watch_pidfd, watch_events);
	if (watch_pidfd >= 0)
		pyn__sys(SYS_close, watch_pidfd);
	if (watch_events >= 0)
		pyn__sys(SYS_close, watch_events);
	/* Shared, not private: the word is in the parent's memfd too. */
	while ((g = __atomic_load_n(&page->gate, __ATOMIC_ACQUIRE)) != 0)
		pyn__sys(SYS_futex, &page->gate, FUTEX_WAIT, g, NULL, NULL, 0);
}

PYN__CHILD_TEXT void pyn__child_apply(struct pyn__page *page)
{
	char msg[PYN_LIMITER_MESSAGE_MAX];
	const struct pyn__limiter_slot *slot;
	const struct pyn__page_limiter *pl;
	uint32_t i;

	for (i = 0; i < page->n_limiters; i++) {
		pl = &page->limiters[i];
		page->limiter_index = pl->index;
		page->state = PYN_CHILD_APPLYING;
		slot = pyn__registry_get((size_t)pl->index);
		if (!slot || !slot->limiter)
			pyn__child_setup_failed(
				page, "limiter #", "?",
				" is not registered in this process", "");
		if (!slot->limiter->apply)
			continue;
		msg[0] = '\0';
		if (slot->limiter->apply(pl->data, pl->size, msg,
					 sizeof(msg)) != 0)
			pyn__child_setup_failed(
				page, "limiter '", slot->limiter->name,
				"' failed in apply: ",
				msg[0] ? msg : "unknown reason");
	}
	page->limiter_index = -1;
}

struct pyn__module *pyn__child_load(struct pyn__page *page, bool bind_now)
{
	struct pyn__module *module = NULL;
	struct pyn_error err;
	const char *lib = pyn__page_str(page, page->task.library);

	page->state = PYN_CHILD_LOADING;
	/*
	 * Loaded here: a fork server's lookups on this page (one that was
	 * killed after them, the test then spawned) are of another process.
	 */
	page->presolved_n = 0;
	memset(&err, 0, sizeof(err));
	if (!lib)
		pyn__child_setup_failed(page, "no library to load", "", "", "");
	if (bind_now)
		pyn__module_bind_now(lib);
	if (pyn__module_open(&module, lib, &err) != 0)
		pyn__child_setup_failed(
			page, err.message[0] ? err.message : "cannot load '",
			err.message[0] ? "" : lib, err.message[0] ? "" : "'",
			"");
	return module;
}
