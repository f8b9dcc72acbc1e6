/* SPDX-License-Identifier: MIT */
/*
 * engine/fault.c - the child's record of where a fatal signal hit: the
 * faulting PC from the signal's context, and the file mapped there with
 * the PC's offset in it (from /proc/self/maps), into the page, for the
 * runner to name the function and file:line once the process is gone
 * (where.c).
 *
 * Called from the fatal-signal recorder (harness.c): async-signal-safe,
 * system calls only (open, read, close), no allocation, no lock, no
 * dynamic-linker call (dladdr takes the loader's lock, which the crash
 * may have held).  Whatever it cannot read it leaves empty.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "harness_int.h"
#include "sys.h"

/* The PC of the interrupted code, 0 where this architecture is unknown. */
static uint64_t context_pc(const void *context)
{
	const ucontext_t *uc = context;

	if (!uc)
		return 0;
#if defined(__x86_64__)
	return (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
	return (uint64_t)uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
	return (uint64_t)uc->uc_mcontext.pc;
#else
	return 0;
#endif
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A hex number at *s, up to the first non-digit; *s moves past it. */
static uint64_t parse_hex(const char **s, const char *end)
{
	uint64_t v = 0;
	int d;

	while (*s < end && (d = hex_digit(**s)) >= 0) {
		v = v << 4 | (uint64_t)d;
		(*s)++;
	}
	return v;
}

static const char *skip_field(const char *s, const char *end)
{
	while (s < end && *s != ' ')
		s++;
	while (s < end && *s == ' ')
		s++;
	return s;
}

/*
 * One line of /proc/self/maps, "start-end perms offset dev inode path":
 * when it holds `pc`, record the path and the offset; returns 1 then.
 */
static int match_line(struct pyn__page *page, uint64_t pc, const char *s,
		      const char *end)
{
	uint64_t start, stop, offset;
	size_t n;

	start = parse_hex(&s, end);
	if (s >= end || *s != '-')
		return 0;
	s++;
	stop = parse_hex(&s, end);
	if (pc < start || pc >= stop)
		return 0;
	s = skip_field(s, end); /* to perms */
	s = skip_field(s, end); /* to offset */
	offset = parse_hex(&s, end);
	s = skip_field(s, end); /* to dev */
	s = skip_field(s, end); /* to inode */
	s = skip_field(s, end); /* to path */
	n = (size_t)(end - s);
	/* Anonymous memory, [heap], [stack], [vdso]: no file to look in. */
	if (!n || *s != '/' || n >= sizeof(page->fault_file))
		return 1;
	memcpy(page->fault_file, s, n);
	page->fault_file[n] = '\0';
	page->fault_offset = pc - start + offset;
	return 1;
}

void pyn__child_fault_record(struct pyn__page *page, int sig,
			     const void *context)
{
	char buf[4096];
	size_t have = 0;
	long got;
	int fd, done = 0;
	uint64_t pc;

	if (!page ||
	    (sig != SIGSEGV && sig != SIGBUS && sig != SIGFPE && sig != SIGILL))
		return;
	pc = context_pc(context);
	if (!pc)
		return;
	page->fault_pc = pc;
	fd = (int)pyn__sys(SYS_openat, AT_FDCWD, "/proc/self/maps",
			   O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (!done) {
		char *nl, *line = buf;

		got = pyn__sys(SYS_read, fd, buf + have, sizeof(buf) - have);
		if (got <= 0)
			break;
		have += (size_t)got;
		while (!done &&
		       (nl = memchr(line, '\n', (size_t)(buf + have - line)))) {
			done = match_line(page, pc, line, nl);
			line = nl + 1;
		}
		/* Keep the unfinished line; a line longer than buf is lost. */
		have = (size_t)(buf + have - line);
		if (have == sizeof(buf))
			have = 0;
		memmove(buf, line, have);
	}
	pyn__sys(SYS_close, fd);
}
