/* SPDX-License-Identifier: MIT */
/*
 * engine/page.c - creating, mapping and filling job pages.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "page.h"

/* page.h: what the child of a passing test writes is in the first page. */
_Static_assert(
	offsetof(struct pyn__page, failures) <= 4096,
	"the fields a passing test writes fit in the page's first 4 KiB");

int pyn__page_new(struct pyn__page **out, int *fd_out, struct pyn_error *err)
{
	struct pyn__page *page;
	int fd = memfd_create("pyntest-page", MFD_CLOEXEC);

	if (fd < 0)
		return pyn_error_set(err, PYN_ESYSTEM, NULL, 0, 0,
				     "cannot create the job page: %s",
				     strerror(errno));
	if (ftruncate(fd, sizeof(*page)) != 0) {
		close(fd);
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "cannot size the job page: %s",
				     strerror(errno));
	}
	page = pyn__page_map(fd);
	if (!page) {
		close(fd);
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "cannot map the job page: %s",
				     strerror(errno));
	}
	pyn__page_reset(page);
	*out = page;
	*fd_out = fd;
	return 0;
}

void pyn__page_reset(struct pyn__page *page)
{
	/*
	 * Everything up to the limiters' bytes (each active limiter's are
	 * written anew) and the task without its strings (only the used
	 * part is read): a few KiB, not the whole page.
	 */
	memset(page, 0, offsetof(struct pyn__page, limiters));
	memset(&page->task, 0, offsetof(struct pyn__page_task, strings));
	page->magic = PYN__PAGE_MAGIC;
	page->size = sizeof(*page);
	page->limiter_index = -1;
	page->task.used = 1; /* offset 0 means "not set" */
	page->task.strings[0] = '\0';
}

struct pyn__page *pyn__page_map(int fd)
{
	void *p = mmap(NULL, sizeof(struct pyn__page), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

void pyn__page_unmap(struct pyn__page *page)
{
	if (page)
		munmap(page, sizeof(*page));
}

static int put(struct pyn__page *page, const char *s, uint32_t *off)
{
	size_t n;

	*off = 0;
	if (!s)
		return 0;
	n = strlen(s) + 1;
	if (page->task.used + n > sizeof(page->task.strings))
		return -1;
	memcpy(page->task.strings + page->task.used, s, n);
	*off = page->task.used;
	page->task.used += (uint32_t)n;
	return 0;
}

/* `n` strings one after another; *first: the offset of the first. */
static int put_list(struct pyn__page *page, const char *const *list, size_t n,
		    uint32_t *count, uint32_t *first)
{
	uint32_t off;

	*count = 0;
	*first = 0;
	for (size_t i = 0; i < n; i++) {
		if (put(page, list[i] ? list[i] : "", &off))
			return -1;
		if (!i)
			*first = off;
	}
	*count = (uint32_t)n;
	return 0;
}

static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static size_t list_size(const char *const *list, size_t n)
{
	size_t size = 0;

	for (size_t i = 0; i < n; i++)
		size += str_size(list[i] ? list[i] : "");
	return size;
}

size_t pyn__page_task_size(const struct pyn_task *task)
{
	return 1 + str_size(task->name) + str_size(task->library) +
	       str_size(task->symbol) + str_size(task->setup) +
	       str_size(task->teardown) + str_size(task->cunit_info) +
	       str_size(task->cunit_suite) + str_size(task->cunit_test) +
	       str_size(task->cwd) + str_size(task->program) +
	       list_size(task->cunit_register, task->n_cunit_register) +
	       list_size(task->env, task->n_env) +
	       list_size(task->args, task->n_args);
}

int pyn__page_set_task(struct pyn__page *page, const struct pyn_task *task,
		       struct pyn_error *err)
{
	struct pyn__page_task *t = &page->task;
	int bad = 0;

	t->kind = task->kind;
	bad |= put(page, task->name, &t->name);
	bad |= put(page, task->library, &t->library);
	bad |= put(page, task->symbol, &t->symbol);
	bad |= put(page, task->setup, &t->setup);
	bad |= put(page, task->teardown, &t->teardown);
	bad |= put(page, task->cunit_info, &t->cunit_info);
	bad |= put(page, task->cunit_suite, &t->cunit_suite);
	bad |= put(page, task->cunit_test, &t->cunit_test);
	bad |= put(page, task->cwd, &t->cwd);
	bad |= put_list(page, task->cunit_register, task->n_cunit_register,
			&t->n_register, &t->reg);
	bad |= put_list(page, task->env, task->n_env, &t->n_env, &t->env);
	bad |= put(page, task->program, &t->program);
	bad |= put_list(page, task->args, task->n_args, &t->n_args, &t->args);
	if (bad)
		return pyn_error_set(
			err, PYN_EINVAL, NULL, 0, 0,
			"task '%s' is too large for the job page: its names, "
			"paths, arguments and environment take %zu bytes, "
			"%d at most",
			task->name ? task->name : "?",
			pyn__page_task_size(task), PYN__PAGE_STRINGS);
	return 0;
}
