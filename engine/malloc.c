/* SPDX-License-Identifier: MIT */
/*
 * engine/malloc.c - the allocation-failure flag (pyntest_alloc_hook).
 *
 * Under an RLIMIT_AS memory limit, a test that dies of its limit usually
 * dies of something else first: NULL dereferenced, abort() in a checked
 * allocator, std::bad_alloc.  These definitions interpose on glibc's
 * allocator and, when an allocation fails inside a limited child, record
 * it and its size in the job page, so classify() can say memory_limit
 * (limiting.md §4c).
 *
 * Only pyntest's own processes carry them: the pyntest program (its
 * fork-mode children), pyntest-worker (spawn and fork-server children)
 * and the CUnit shim, each exporting them ahead of libc.  Never
 * libpyntest: a program that links the C API keeps its own allocator,
 * and its children's failed allocations are seen through errno at the
 * crash instead (harness.c, on_fatal).
 *
 * Under a sanitizer its runtime owns the heap: this file then defines
 * nothing, and only errno tells.  A sanitizer's runtime preloaded into
 * a process of ours (LD_PRELOAD=libasan.so in the user's environment)
 * owns it too: these definitions come first all the same, so each
 * hands the call to the runtime's own (__interceptor_malloc, ...,
 * bound at load time through weak references; NULL without a runtime),
 * whose free() would otherwise be given glibc's memory and abort.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "page.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||     \
	__has_feature(thread_sanitizer)
#define PYN_NO_MALLOC_HOOK 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PYN_NO_MALLOC_HOOK 1
#endif
#if !defined(__GLIBC__)
#define PYN_NO_MALLOC_HOOK 1
#endif

#ifndef PYN_NO_MALLOC_HOOK

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

#define HOOK_API __attribute__((visibility("default")))

/* A preloaded sanitizer's allocator, or NULL. */
extern void *__interceptor_malloc(size_t size) __attribute__((weak));
extern void *__interceptor_calloc(size_t n, size_t size) __attribute__((weak));
extern void *__interceptor_realloc(void *p, size_t size) __attribute__((weak));
extern void *__interceptor_memalign(size_t align, size_t size)
	__attribute__((weak));
extern void *__interceptor_valloc(size_t size) __attribute__((weak));
extern void *__interceptor_pvalloc(size_t size) __attribute__((weak));

#define OWNER(fn, ...)                                                         \
	(__interceptor_##fn ? __interceptor_##fn(__VA_ARGS__) :                \
			      __libc_##fn(__VA_ARGS__))

/* This process records failed allocations itself (page.h). */
__attribute__((constructor)) static void hooked(void)
{
	pyn__alloc_hooked = 1;
}

static void failed(size_t size)
{
	struct pyn__page *page = pyn__page;

	if (!page || !page->limited || !size)
		return;
	/*
	 * The smallest that failed: the parent judges whether the limit
	 * refused it (an allocation no machine gives fails anyway).
	 */
	if (!page->alloc_failed || size < page->alloc_failed_size) {
		page->alloc_failed_size = size;
		page->alloc_failed = 1;
	}
}

HOOK_API void *malloc(size_t size)
{
	void *p = OWNER(malloc, size);

	if (!p)
		failed(size);
	return p;
}

HOOK_API void *calloc(size_t n, size_t size)
{
	void *p = OWNER(calloc, n, size);

	if (!p)
		failed(n && size > SIZE_MAX / n ? SIZE_MAX : n * size);
	return p;
}

HOOK_API void *realloc(void *old, size_t size)
{
	void *p = OWNER(realloc, old, size);

	if (!p)
		failed(size);
	return p;
}

HOOK_API void *memalign(size_t align, size_t size)
{
	void *p = OWNER(memalign, align, size);

	if (!p)
		failed(size);
	return p;
}

HOOK_API void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

HOOK_API int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	p = OWNER(memalign, align, size);
	if (!p && size) {
		failed(size);
		return ENOMEM;
	}
	*out = p;
	return 0;
}

HOOK_API void *valloc(size_t size)
{
	void *p = OWNER(valloc, size);

	if (!p)
		failed(size);
	return p;
}

HOOK_API void *pvalloc(size_t size)
{
	void *p = OWNER(pvalloc, size);

	if (!p)
		failed(size);
	return p;
}

/*
 * mmap(2) of anonymous memory is an allocation too: under RLIMIT_AS it
 * fails with ENOMEM where a cgroup limit lets it map and kills the
 * test when it touches the pages.  The system call itself (what glibc's
 * wrapper makes on these 64-bit targets), its failure recorded.
 */
#if defined(__x86_64__) || defined(__aarch64__)
HOOK_API void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off)
{
	long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	if (r == -1 && errno == ENOMEM && (flags & MAP_ANONYMOUS))
		failed(len);
	return (void *)r;
}

HOOK_API void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}
#endif

#endif /* PYN_NO_MALLOC_HOOK */
