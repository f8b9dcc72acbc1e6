/* SPDX-License-Identifier: MIT */
/*
 * tests/html/inject.c - fixture tests for the HTML report: output,
 * assertions and messages that try to become markup, a test that fails
 * once and then passes (flaky with --retries 1), and a passing test that
 * leaves a process behind (LEAK).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <pyntest/test.h>

void html_inject(void);
void html_inject_msg(void);
void html_flaky(void);
void html_leak(void);

/* Were any of this read as markup, the page would say "pwned". */
#define PWN                                                                    \
	"</script><script>document.title='pwned';</script>"                    \
	"<img src=x onerror=\"document.title='pwned'\"><!--"

void html_inject(void)
{
	static const char bytes[] = "nul:\0 ff:\xff c3-28:\xc3\x28 esc:\x1b[31m"
				    " ls:\xe2\x80\xa8 ps:\xe2\x80\xa9 end\n";

	printf("%s\n", PWN);
	fflush(stdout);
	fwrite(bytes, 1, sizeof(bytes) - 1, stderr);
	fputs(PWN "\n", stderr);
	CU_ASSERT(strcmp("</script><b>bold</b>", "&amp;\"'") == 0);
}

void html_inject_msg(void)
{
	pyn_fail(1, "%s \xff\xfe", PWN);
}

/*
 * The runner is the parent of every test process, so a file named by the
 * parent's pid marks "the first attempt of this run already failed".
 */
void html_flaky(void)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/pyn-html-flaky-%d", (int)getppid());
	f = fopen(path, "r");
	if (f) {
		fclose(f);
		unlink(path);
		return;
	}
	f = fopen(path, "w");
	if (f)
		fclose(f);
	CU_FAIL("first attempt fails");
}

/* Passes, but leaves a child sleeping: pyntest kills it and warns. */
void html_leak(void)
{
	if (fork() == 0) {
		sleep(60);
		_exit(0);
	}
	printf("started a child and returned\n");
}
