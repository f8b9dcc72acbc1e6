/* SPDX-License-Identifier: MIT */
/*
 * engine/harness.c - the child side of a test, and <pyntest/test.h>.
 *
 * Everything up to the test function is async-signal-safe: the child may
 * have been forked from a multi-threaded caller.  Nothing is decided here:
 * the child only writes what happened into the page and exits.
 */
#include <dlfcn.h>
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <poll.h>
#include <linux/futex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include <host/loader.h>
#include <host/registry.h>
#include <pyntest/test.h>

#include "engine.h"
#include "harness.h"
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
static struct {
	volatile sig_atomic_t armed;
	sigjmp_buf jump;
} step_out __attribute__((section(".data")));

static char alt_stack[64 * 1024];

/* strlcpy without the libc dependency, for signal-safe paths. */
static void copy(char *dst, size_t len, const char *src)
{
	size_t i = 0;

	if (!len)
		return;
	for (; src && src[i] && i + 1 < len; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static void append(char *dst, size_t len, const char *src)
{
	size_t n = strlen(dst);

	if (n < len)
		copy(dst + n, len - n, src);
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
 * follows leaves it.  Its size is unknown (0).
 */
static void on_fatal(int sig)
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
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE,
				     SIGILL, SIGXCPU, SIGXFSZ, SIGSYS };

/* Is a limiter that limits memory active for this test? */
PYN__CHILD_TEXT static bool limits_memory(const struct pyn__page *page)
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

/* Default handlers and mask, then the recorder on the alternate stack. */
static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	stack_t ss;
	size_t i;
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

	ss.ss_sp = alt_stack;
	ss.ss_size = sizeof(alt_stack);
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaction(fatal_signals[i], &sa, NULL);
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
	 * The recorder is harmless in the server itself: with no page it
	 * only re-raises.  The server's own sends use MSG_NOSIGNAL, so it
	 * needs no SIGPIPE handler either.
	 */
	reset_signals();
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
	pyn__engine_forget_pid();
	/*
	 * Through pyn__sys(), not each call's libc wrapper: every wrapper is
	 * code the child faults in (64 KiB of it at a time) and its exit
	 * unmaps again, before a test that may call none of them.
	 */
	if (own_group)
		pyn__sys(SYS_setpgid, 0, 0);
	pyn__sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
#ifdef SYS_getppid
	if (parent > 0 && pyn__sys(SYS_getppid) != parent)
#else
	if (parent > 0 && getppid() != parent)
#endif
		_exit(PYN__EXIT_ORPHAN);

	if (preset.on && preset.devnull >= 0) {
		dup_to(preset.devnull, STDIN_FILENO);
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
	if (!preset.on)
		reset_signals();
	/*
	 * Forked from a server that measured it once, the RSS at start is
	 * known, unless a memory limit wants it to the page.
	 */
	if (preset.on && !limits_memory(page)) {
		page->rss_at_start_bytes = preset.rss;
		return;
	}
	pyn__read_status(NULL, NULL, &rss);
	page->rss_at_start_bytes = rss;
}

static __attribute__((noreturn)) void setup_failed(struct pyn__page *page,
						   const char *a,
						   const char *b,
						   const char *c,
						   const char *d)
{
	page->setup_message[0] = '\0';
	append(page->setup_message, sizeof(page->setup_message), a);
	append(page->setup_message, sizeof(page->setup_message), b);
	append(page->setup_message, sizeof(page->setup_message), c);
	append(page->setup_message, sizeof(page->setup_message), d);
	page->state = PYN_CHILD_SETUP_FAILED;
	_exit(PYN__EXIT_SETUP);
}

#ifdef __GLIBC__
/*
 * glibc's list of open streams (exported since 2.2.5, its type there a
 * FILE with a vtable after it); weak: where it is gone, fflush() it is.
 */
extern FILE *_IO_list_all __attribute__((weak));
#endif

/*
 * fflush(NULL) when a stream holds output: in most tests none does, and
 * the call is two 64 KiB runs of libc's code and a page of its data for a
 * test's process to fault in.  The same test as glibc's own flush of all
 * (narrow streams with bytes between write_base and write_ptr; any wide
 * one is flushed), read without its lock: the process is ending.
 */
PYN__CHILD_TEXT static void flush_streams(void)
{
#ifdef __GLIBC__
	const FILE *fp;
	int n = 0;

	if (&_IO_list_all) {
		for (fp = _IO_list_all; fp; fp = fp->_chain)
			if (++n > 1024 || fp->_mode > 0 ||
			    fp->_IO_write_ptr > fp->_IO_write_base)
				break;
		if (!fp)
			return;
	}
#endif
	fflush(NULL);
}

/*
 * _exit() as the system call: the wrapper is one more 64 KiB of libc for
 * a test's process to fault in on its way out.
 */
PYN__CHILD_TEXT static __attribute__((noreturn)) void child_exit(int code)
{
	pyn__sys(SYS_exit_group, code);
	_exit(code);
}

/*
 * CLOCK_MONOTONIC in ns, for the page (started_ns, ended_ns).  Before the
 * test (`before`): a system call, not the vDSO, whose code a test's
 * process would fault in for one read.  After it, the vDSO (its own
 * function, found by the fork server: preset_clock): the test may have
 * put itself under a seccomp filter that kills at any system call it did
 * not allow.
 */
PYN__CHILD_TEXT static uint64_t mono_ns(bool before)
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
		page->started_ns = mono_ns(true);
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
			setup_failed(page, "limiter #", "?",
				     " is not registered in this process", "");
		if (!slot->limiter->apply)
			continue;
		msg[0] = '\0';
		if (slot->limiter->apply(pl->data, pl->size, msg,
					 sizeof(msg)) != 0)
			setup_failed(page, "limiter '", slot->limiter->name,
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
		setup_failed(page, "no library to load", "", "", "");
	if (bind_now)
		pyn__module_bind_now(lib);
	if (pyn__module_open(&module, lib, &err) != 0)
		setup_failed(page, err.message[0] ? err.message : "cannot load '",
			     err.message[0] ? "" : lib,
			     err.message[0] ? "" : "'", "");
	return module;
}

PYN__CHILD_TEXT static int failed(const struct pyn__page *page)
{
	return page->n_failures || page->fail_called;
}

/* "setup 'su_assert' failed: 0 failed at su.c:6" into setup_message. */
static void setup_failure_message(struct pyn__page *page)
{
	const struct pyn_failure *f = &page->failures[0];
	char *m = page->setup_message;
	size_t len = sizeof(page->setup_message);

	if (page->n_failures)
		snprintf(m, len, "%s failed: %s failed at %s:%u",
			 page->setup_step, f->condition, f->file, f->line);
	else if (page->fail_message[0])
		snprintf(m, len, "%s failed: %s", page->setup_step,
			 page->fail_message);
	else
		snprintf(m, len, "%s failed with code %d", page->setup_step,
			 (int)page->fail_code);
}

/* One step (setup, test, teardown): returns 0, or -1 when it jumped out. */
PYN__CHILD_TEXT static int step(void (*fn)(void *), void *arg)
{
	if (sigsetjmp(step_out.jump, 0) == 0) {
		step_out.armed = 1;
		fn(arg);
		step_out.armed = 0;
		return 0;
	}
	step_out.armed = 0;
	return -1;
}

struct void_fn {
	void (*fn)(void);
};

PYN__CHILD_TEXT static void call_void(void *p)
{
	((struct void_fn *)p)->fn();
}

struct init_fn {
	int (*fn)(void);
	const char *what;
	const char *suite;
	int rc; /* what fn returned */
};

/* A suite's cleanup: its failure fails the test (CUnit counts it). */
static void call_init(void *p)
{
	struct init_fn *f = p;

	f->rc = f->fn();
	if (f->rc != 0)
		pyn_fail(1, "%s of CUnit suite '%s' failed (returned %d)",
			 f->what, f->suite, f->rc);
}

/* A suite's init: its failure means its tests never ran (SetupError). */
static void call_suite_init(void *p)
{
	struct init_fn *f = p;

	f->rc = f->fn();
}

/* `p` is the address of the ordinary function `name` itself. */
static int plain_function(void *p, const char *name)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	return dladdr1(p, &info, (void **)&sym, RTLD_DL_SYMENT) && sym &&
	       info.dli_sname && strcmp(info.dli_sname, name) == 0 &&
	       info.dli_saddr == p &&
	       ELF64_ST_TYPE(sym->st_info) == STT_FUNC;
}

void *pyn__child_presolve(struct pyn__module *module, const char *name)
{
	void *p;

	if (!name || !name[0])
		return NULL;
	/*
	 * The library's own function, from its symbol table: no dynamic
	 * linker's lock, a write of the server's that each clone would make
	 * it copy again.  Else dlsym's answer, unless not found (the child
	 * looks again and says so), or an IFUNC (or an alias): its resolver
	 * runs where it is looked up, and must see the suite's env: of the
	 * child.
	 */
	p = pyn__module_function(module, name);
	if (p)
		return p;
	p = pyn__module_symbol(module, name);
	return p && plain_function(p, name) ? p : NULL;
}

PYN__CHILD_TEXT static void *
need_symbol(struct pyn__page *page, struct pyn__module *module, uint32_t off)
{
	const char *name = pyn__page_str(page, off);
	void *p;

	if (!name || !name[0])
		return NULL;
	for (unsigned i = 0; i < page->presolved_n && i < PYN__PRESOLVED_MAX;
	     i++)
		if (page->presolved_off[i] == off)
			return page->presolved_p[i];
	p = pyn__module_symbol(module, name);
	if (!p)
		setup_failed(page, "symbol '", name, "' not found in '",
			     pyn__page_str(page, page->task.library));
	return p;
}

/* The parts of one CUnit test, wherever it was registered. */
struct cunit_pick {
	const char *suite;
	int (*init)(void);
	int (*clean)(void);
	void (*setup)(void);
	void (*teardown)(void);
	void (*test)(void);
};

/* Find a CUnit test in a CU_SuiteInfo[] array. */
static int pick_info(CU_SuiteInfo *s, const char *sn, const char *tn,
		     struct cunit_pick *pick)
{
	CU_TestInfo *t;

	for (; s && s->pName; s++) {
		if (!sn || strcmp(s->pName, sn) != 0)
			continue;
		for (t = s->pTests; t && t->pName; t++) {
			if (tn && strcmp(t->pName, tn) == 0) {
				pick->suite = s->pName;
				pick->init = s->pInitFunc;
				pick->clean = s->pCleanupFunc;
				pick->setup = s->pSetUpFunc;
				pick->teardown = s->pTearDownFunc;
				pick->test = t->pTestFunc;
				return 0;
			}
		}
	}
	return -1;
}

/* Find test `tn` of suite `sn` in a CUnit registry (may be NULL). */
static int pick_in_registry(CU_pTestRegistry reg, const char *sn,
			    const char *tn, struct cunit_pick *pick)
{
	CU_pSuite s;
	CU_pTest t;

	for (s = reg ? reg->pSuite : NULL; s; s = s->pNext) {
		if (!sn || !s->pName || strcmp(s->pName, sn) != 0)
			continue;
		for (t = s->pTest; t; t = t->pNext) {
			if (tn && t->pName && strcmp(t->pName, tn) == 0) {
				pick->suite = s->pName;
				pick->init = s->pInitializeFunc;
				pick->clean = s->pCleanupFunc;
				pick->setup = s->pSetUpFunc;
				pick->teardown = s->pTearDownFunc;
				pick->test = t->pTestFunc;
				return 0;
			}
		}
	}
	return -1;
}

/*
 * Find a CUnit test that registration functions add to CUnit's registry.
 * libcunit is the test library's (loaded with global symbols), never
 * pyntest's: its entry points are looked up, not linked.
 */
static int pick_registered(struct pyn__page *page, struct pyn__module *module,
			   const char *sn, const char *tn,
			   struct cunit_pick *pick)
{
	CU_ErrorCode (*init_registry)(void);
	CU_pTestRegistry (*get_registry)(void);
	CU_pTestRegistry (*new_registry)(void);
	CU_BOOL (*running)(void);
	CU_pTestRegistry (*set_registry)(CU_pTestRegistry);
	uint32_t i;
	void (*fn)(void);

	*(void **)&init_registry = dlsym(RTLD_DEFAULT, "CU_initialize_registry");
	*(void **)&get_registry = dlsym(RTLD_DEFAULT, "CU_get_registry");
	if (!init_registry || !get_registry)
		setup_failed(page, "cunit_register needs libcunit in '",
			     pyn__page_str(page, page->task.library), "'", "");
	*(void **)&new_registry = dlsym(RTLD_DEFAULT, "CU_create_new_registry");
	*(void **)&set_registry = dlsym(RTLD_DEFAULT, "CU_set_registry");
	*(void **)&running = dlsym(RTLD_DEFAULT, "CU_is_test_running");
	/* CUnit asserts (aborts) on registration during a run. */
	if (running && running())
		setup_failed(page, "cannot register CUnit tests in a child ",
			     "forked during a CUnit run; use spawn or ",
			     "forkserver isolation", "");
	/*
	 * Forked from a process whose CUnit registry is in use: register
	 * into a fresh one, leaving the caller's copy alone.
	 */
	if (get_registry() && new_registry && set_registry)
		set_registry(new_registry());
	if (!get_registry() && init_registry() != CUE_SUCCESS)
		setup_failed(page, "cannot initialize the CUnit registry", "",
			     "", "");
	for (i = 0; i < page->task.n_register; i++) {
		fn = (void (*)(void))need_symbol(page, module, page->task.reg[i]);
		if (fn)
			fn();
	}
	return pick_in_registry(get_registry(), sn, tn, pick);
}

/*
 * Find a test of a CUnit program (`program:`) in the registry its main()
 * built: this process is that program, the test a child of it.
 */
static int pick_live(struct pyn__page *page, const char *sn, const char *tn,
		     struct cunit_pick *pick)
{
	CU_pTestRegistry (*get_registry)(void);

	*(void **)&get_registry = dlsym(RTLD_DEFAULT, "CU_get_registry");
	if (!get_registry)
		setup_failed(page, "program '",
			     pyn__page_str(page, page->task.program),
			     "' does not use CUnit", "");
	return pick_in_registry(get_registry(), sn, tn, pick);
}

static void find_cunit(struct pyn__page *page, struct pyn__module *module,
		       struct cunit_pick *pick)
{
	const char *sn = pyn__page_str(page, page->task.cunit_suite);
	const char *tn = pyn__page_str(page, page->task.cunit_test);
	int rc = -1;

	if (page->task.program)
		rc = pick_live(page, sn, tn, pick);
	else if (page->task.cunit_info)
		rc = pick_info(need_symbol(page, module, page->task.cunit_info),
			       sn, tn, pick);
	else if (page->task.n_register)
		rc = pick_registered(page, module, sn, tn, pick);
	else
		setup_failed(page, "a CUnit task needs a CU_SuiteInfo symbol ",
			     "or registration functions", "", "");
	if (rc != 0)
		setup_failed(page, "CUnit test '", tn ? tn : "",
			     "' not found in suite ", sn ? sn : "");
}

PYN__CHILD_TEXT static void apply_env(struct pyn__page *page)
{
	const char *cwd = pyn__page_str(page, page->task.cwd);
	uint32_t i;
	char *eq, *kv;

	for (i = 0; i < page->task.n_env; i++) {
		kv = page->task.strings + page->task.env[i];
		eq = strchr(kv, '=');
		if (!eq)
			continue;
		*eq = '\0';
		setenv(kv, eq + 1, 1);
		*eq = '=';
	}
	if (cwd && cwd[0] && chdir(cwd) != 0)
		setup_failed(page, "cannot change directory to '", cwd, "': ",
			     strerror(errno));
}

PYN__CHILD_TEXT void pyn__child_run(struct pyn__page *page,
				    struct pyn__module *module,
				    void (*fn)(void *), void *arg)
{
	struct void_fn setup = { NULL }, teardown = { NULL }, test = { NULL };
	struct void_fn cu_setup = { NULL }, cu_teardown = { NULL };
	struct init_fn sinit = { NULL, "initialization", NULL, 0 };
	struct init_fn sclean = { NULL, "cleanup", NULL, 0 };
	char rc_text[16];
	struct cunit_pick pick;
	uint64_t hwm, peak;
	int ok = 1;

	/*
	 * A program's main() started in the suite's cwd and environment,
	 * and its tests start from the state main() left: never undo it.
	 */
	if (!page->task.program)
		apply_env(page);
	if (page->task.kind != PYN_TASK_FUNCTION) {
		setup.fn = (void (*)(void))need_symbol(page, module,
						       page->task.setup);
		teardown.fn = (void (*)(void))need_symbol(page, module,
							  page->task.teardown);
		if (page->task.kind == PYN_TASK_CUNIT) {
			find_cunit(page, module, &pick);
			sinit.fn = pick.init;
			sinit.suite = pick.suite;
			sclean.fn = pick.clean;
			sclean.suite = pick.suite;
			cu_setup.fn = pick.setup;
			cu_teardown.fn = pick.teardown;
			test.fn = pick.test;
		} else {
			test.fn = (void (*)(void))need_symbol(page, module,
							      page->task.symbol);
			if (!test.fn)
				setup_failed(page, "no test function given",
					     "", "", "");
		}
	}

	page->state = PYN_CHILD_SETUP;
	if (sinit.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "initialization of CUnit suite '%s'",
			 sinit.suite ? sinit.suite : "?");
		ok = step(call_suite_init, &sinit) == 0 && !page->fail_called;
		if (ok && sinit.rc != 0) {
			fflush(NULL);
			snprintf(rc_text, sizeof(rc_text), "%d", sinit.rc);
			setup_failed(page, "initialization of CUnit suite '",
				     sinit.suite ? sinit.suite : "?",
				     "' failed: its init function returned ",
				     rc_text);
		}
	}
	if (ok && cu_setup.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "setup of CUnit suite '%s'",
			 pick.suite ? pick.suite : "?");
		ok = step(call_void, &cu_setup) == 0 && !failed(page);
	}
	if (ok && setup.fn) {
		snprintf(page->setup_step, sizeof(page->setup_step),
			 "setup '%s'", pyn__page_str(page, page->task.setup));
		ok = step(call_void, &setup) == 0 && !failed(page);
	}
	/* A failed setup is an error of the setup, not a failed test. */
	if (!ok && failed(page))
		setup_failure_message(page);
	if (ok && !page->skipped) {
		page->state = PYN_CHILD_RUNNING;
		if (fn)
			step(fn, arg);
		else
			step(call_void, &test);
	}
	page->state = PYN_CHILD_TEARDOWN;
	if (teardown.fn)
		step(call_void, &teardown);
	if (cu_teardown.fn)
		step(call_void, &cu_teardown);
	if (sclean.fn)
		step(call_init, &sclean);

	flush_streams();
	/*
	 * The runner has the peak RSS from wait4 (ru_maxrss); VmPeak (the
	 * address space) matters only to a memory limit.
	 */
	if (limits_memory(page)) {
		pyn__read_status(&peak, &hwm, NULL);
		page->vm_peak_bytes = peak;
		page->vm_hwm_bytes = hwm;
	}
	page->ended_ns = mono_ns(false);
	if (page->setup_message[0]) {
		page->state = PYN_CHILD_SETUP_FAILED;
		child_exit(PYN__EXIT_SETUP);
	}
	if (page->skipped) {
		page->state = PYN_CHILD_SKIPPED;
		child_exit(0);
	}
	if (page->n_failures || page->fail_called) {
		page->state = PYN_CHILD_FAILED;
		child_exit(1);
	}
	page->state = PYN_CHILD_RETURNED;
	child_exit(0);
}
PYN__CHILD_TEXT int pyn__child_assert(int value, unsigned line,
				      const char *cond, const char *file,
				      const char *function, int fatal)
{
	struct pyn__page *page = pyn__page;
	struct pyn_failure *f;
	uint32_t n;

	if (!page || page->loading)
		return -1;
	if (value)
		return 0;
	n = page->n_failures;
	if (n < PYN_RESULT_FAILURES_MAX) {
		f = &page->failures[n];
		copy(f->file, sizeof(f->file), file ? file : "");
		f->line = line;
		copy(f->condition, sizeof(f->condition), cond ? cond : "");
		copy(f->function, sizeof(f->function), function ? function : "");
	}
	page->n_failures = n + 1;
	if (fatal && step_out.armed)
		siglongjmp(step_out.jump, 1);
	if (fatal) {
		fflush(NULL);
		page->state = PYN_CHILD_FAILED;
		_exit(1);
	}
	return 0;
}

/* ---- <pyntest/test.h> ------------------------------------------------ */

void pyn_skip(const char *reason)
{
	struct pyn__page *page = pyn__page;

	if (!page) {
		printf("skipped: %s\n", reason ? reason : "");
		fflush(stdout);
		exit(77);
	}
	copy(page->skip_reason, sizeof(page->skip_reason),
	     reason ? reason : "");
	page->skipped = 1;
	if (step_out.armed)
		siglongjmp(step_out.jump, 1);
	fflush(NULL);
	page->state = PYN_CHILD_SKIPPED;
	_exit(0);
}

void pyn_fail(int code, const char *fmt, ...)
{
	struct pyn__page *page = pyn__page;
	char msg[1024] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (!page) {
		fprintf(stderr, "failed (%d): %s\n", code, msg);
		exit(1);
	}
	copy(page->fail_message, sizeof(page->fail_message), msg);
	page->fail_code = code;
	page->fail_called = 1;
	if (step_out.armed)
		siglongjmp(step_out.jump, 1);
	fflush(NULL);
	page->state = PYN_CHILD_FAILED;
	_exit(1);
}

/* Size the result memfd and map it; NULL when size is 0 or it fails. */
static void *map_result(size_t size, int *rc)
{
	void *p;

	*rc = PYN_EINVAL;
	if (!pyn__page || pyn__result_fd < 0)
		return NULL;
	if (ftruncate(pyn__result_fd, (off_t)size) != 0) {
		*rc = PYN_ENOMEM;
		return NULL;
	}
	*rc = 0;
	pyn__page->return_size = size;
	pyn__page->returned = 1;
	if (!size)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, pyn__result_fd,
		 0);
	if (p == MAP_FAILED) {
		pyn__page->returned = 0;
		*rc = PYN_ENOMEM;
		return NULL;
	}
	return p;
}

int pyn_return(const void *data, size_t size)
{
	int rc;
	void *p = map_result(size, &rc);

	if (rc)
		return rc;
	if (p) {
		memcpy(p, data, size);
		munmap(p, size);
	}
	return 0;
}

void *pyn_return_buffer(size_t size)
{
	int rc;

	return map_result(size, &rc);
}

bool pyn_is_limited(void)
{
	return pyn__page != NULL;
}
