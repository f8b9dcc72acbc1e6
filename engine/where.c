/* SPDX-License-Identifier: MIT */
/*
 * engine/where.c - where a test crashed, after the fact: the file and
 * offset its recorder wrote (fault.c) to an ELF address, then
 * `addr2line` (binutils, found in PATH) to the function and file:line
 * where debug info exists.  Best effort and bounded: no addr2line, no
 * debug info or a slow one only makes the message shorter; the outcome
 * never changes.
 *
 * May call: libc only; result.c calls it.
 */
#include <elf.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* addr2line's whole answer must come within this (milliseconds). */
#define WHERE_PATIENCE_MS 3000

extern char **environ;

/* The ELF virtual address of file offset `off` in `path`: 0 when none. */
static uint64_t offset_to_vaddr(const char *path, uint64_t off)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t va = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph))
		goto out;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph),
			  (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph))
			break;
		if (ph.p_type == PT_LOAD && off >= ph.p_offset &&
		    off < ph.p_offset + ph.p_filesz) {
			va = off - ph.p_offset + ph.p_vaddr;
			break;
		}
	}
out:
	close(fd);
	return va;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * `addr2line -f -C -e path 0xVA`: its two lines into buf.  Returns the
 * bytes read, 0 on any failure (killed when it takes too long).
 */
static size_t run_addr2line(const char *path, uint64_t va, char *buf,
			    size_t len)
{
	posix_spawn_file_actions_t fa;
	char addr[32], *argv[] = { "addr2line",	 "-f", "-C", "-e",
				   (char *)path, addr, NULL };
	struct timespec t0;
	struct pollfd pfd;
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int fds[2], st, rc;
	long left;

	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)va);
	if (pipe2(fds, O_CLOEXEC) != 0)
		return 0;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
					 O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	rc = posix_spawnp(&pid, "addr2line", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	while (got + 1 < len) {
		left = WHERE_PATIENCE_MS - ms_since(&t0);
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			got = 0;
			break;
		}
		n = read(fds[0], buf + got, len - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	buf[got] = '\0';
	return got;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

void pyn__fault_where(const struct pyn__page *page, char *msg, size_t len)
{
	char out[2048], *func, *file, *nl, *disc;
	const char *lib = page->fault_file;
	size_t have = strlen(msg);
	uint64_t va;

	if (!page->fault_pc || have + 1 >= len)
		return;
	if (!lib[0]) {
		snprintf(msg + have, len - have, " at 0x%llx",
			 (unsigned long long)page->fault_pc);
		return;
	}
	va = offset_to_vaddr(lib, page->fault_offset);
	if (!va || !run_addr2line(lib, va, out, sizeof(out))) {
		snprintf(msg + have, len - have, " in %s+0x%llx",
			 base_name(lib),
			 (unsigned long long)page->fault_offset);
		return;
	}
	func = out;
	nl = strchr(func, '\n');
	if (!nl)
		return;
	*nl = '\0';
	file = nl + 1;
	nl = strchr(file, '\n');
	if (nl)
		*nl = '\0';
	disc = strstr(file, " (discriminator");
	if (disc)
		*disc = '\0';
	if (!strcmp(func, "??"))
		func = NULL;
	if (!strncmp(file, "??", 2) || strstr(file, ":?") ||
	    !strcmp(file + (strlen(file) > 2 ? strlen(file) - 2 : 0), ":0"))
		file = NULL;
	if (func && file)
		snprintf(msg + have, len - have, " in %s (%s)", func,
			 base_name(file));
	else if (func)
		snprintf(msg + have, len - have, " in %s (%s+0x%llx)", func,
			 base_name(lib), (unsigned long long)va);
	else
		snprintf(msg + have, len - have, " in %s+0x%llx",
			 base_name(lib), (unsigned long long)va);
}
