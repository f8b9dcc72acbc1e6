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

int pyn__page_set_task(struct pyn__page *page, const struct pyn_task *task,
		       struct pyn_error *err)
{
	struct pyn__page_task *t = &page->task;
	size_t i;
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
	if (task->n_cunit_register > sizeof(t->reg) / sizeof(t->reg[0]) ||
	    task->n_env > PYN__PAGE_ENV_MAX)
		bad = 1;
	for (i = 0; !bad && i < task->n_cunit_register; i++)
		bad |= put(page, task->cunit_register[i], &t->reg[i]);
	t->n_register = (uint32_t)task->n_cunit_register;
	for (i = 0; !bad && i < task->n_env; i++)
		bad |= put(page, task->env[i], &t->env[i]);
	t->n_env = (uint32_t)task->n_env;
	bad |= put(page, task->program, &t->program);
	if (task->n_args > PYN__PAGE_ARGS_MAX)
		bad = 1;
	for (i = 0; !bad && i < task->n_args; i++)
		bad |= put(page, task->args[i], &t->args[i]);
	t->n_args = (uint32_t)task->n_args;
	if (bad)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "task '%s' is too large for the job page",
				     task->name ? task->name : "?");
	return 0;
}
