/* SPDX-License-Identifier: MIT */
/*
 * engine/instrument.c - a test built with a sanitizer: its runtime found
 * in the ELF file (DT_NEEDED, a runtime linked into a program, or a clang
 * library's undefined __asan_* references), the environment that loads
 * that runtime first in the test's process, and the report it leaves on
 * the test's stderr (docs/instruments.md).
 */
#include <elf.h>
#include <fcntl.h>
#include <glob.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "instrument.h"

extern char **environ;

#if defined(__x86_64__)
#define PYN__ARCH "x86_64"
#define PYN__MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define PYN__ARCH "aarch64"
#define PYN__MULTIARCH "aarch64-linux-gnu"
#elif defined(__i386__)
#define PYN__ARCH "i386"
#define PYN__MULTIARCH "i386-linux-gnu"
#else
#define PYN__ARCH "unknown"
#define PYN__MULTIARCH "unknown"
#endif

/* The runtimes a test may need, by the start of their file name. */
struct runtime {
	const char *prefix;
	unsigned bits;
	bool first; /* must come first in the process (else: any order) */
};

static const struct runtime runtimes[] = {
	{ "libasan.so", PYN__SAN_ASAN, true },
	{ "libtsan.so", PYN__SAN_TSAN, true },
	{ "liblsan.so", PYN__SAN_LSAN, true },
	{ "libubsan.so", PYN__SAN_UBSAN, false },
	{ "libclang_rt.asan", PYN__SAN_ASAN | PYN__SAN_UBSAN, true },
	{ "libclang_rt.tsan", PYN__SAN_TSAN, true },
	{ "libclang_rt.ubsan", PYN__SAN_UBSAN, false },
};

static const struct runtime *runtime_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++)
		if (strncmp(name, runtimes[i].prefix,
			    strlen(runtimes[i].prefix)) == 0)
			return &runtimes[i];
	return NULL;
}

/* Is `dir`/`name` a file?  Then write it to `out`. */
static bool found_in(const char *dir, size_t dir_len, const char *name,
		     char *out, size_t len)
{
	char path[PATH_MAX];

	if (!dir_len)
		return false;
	snprintf(path, sizeof(path), "%.*s/%s", (int)dir_len, dir, name);
	if (access(path, R_OK) != 0)
		return false;
	snprintf(out, len, "%s", path);
	return true;
}

/* Search a colon-separated list, `$ORIGIN` being `origin`. */
static bool found_in_list(const char *list, const char *origin,
			  const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];
	const char *p = list, *end;
	size_t n;

	while (p && *p) {
		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= 7 && strncmp(p, "$ORIGIN", 7) == 0) {
			snprintf(dir, sizeof(dir), "%s%.*s", origin,
				 (int)(n - 7), p + 7);
			if (found_in(dir, strlen(dir), name, out, len))
				return true;
		} else if (found_in(p, n, name, out, len)) {
			return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * clang's shared runtimes (libclang_rt.asan-x86_64.so) live in its
 * resource directory, where no loader looks: $PYNTEST_SANITIZER_RUNTIME,
 * else the newest clang's.
 */
static void clang_runtime(const char *name, char *out, size_t len)
{
	static const char *const roots[] = { "/usr/lib/llvm-*/lib/clang/*",
					     "/usr/lib/clang/*" };
	const char *env = getenv("PYNTEST_SANITIZER_RUNTIME");
	char pattern[PATH_MAX];
	glob_t g;
	size_t r;

	if (env && env[0]) {
		snprintf(out, len, "%s", env);
		return;
	}
	for (r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
		snprintf(pattern, sizeof(pattern), "%s/lib/linux/%s", roots[r],
			 name);
		if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc) {
			/* The newest clang: the last in glob's order. */
			snprintf(out, len, "%s", g.gl_pathv[g.gl_pathc - 1]);
			globfree(&g);
			return;
		}
		globfree(&g);
	}
	snprintf(out, len, "%s", name);
}

/*
 * The full path of the runtime `name` as the test's loader would find
 * it: the file's RUNPATH (or RPATH), LD_LIBRARY_PATH, the usual library
 * directories; else `name` itself, which ld.so looks up in its cache.
 */
static void resolve(const char *name, const char *runpath, const char *file,
		    char *out, size_t len)
{
	static const char *const dirs =
		"/lib/" PYN__MULTIARCH ":/usr/lib/" PYN__MULTIARCH
		":/lib64:/usr/lib64:/lib:/usr/lib";
	char origin[PATH_MAX];
	const char *slash = strrchr(file, '/');

	snprintf(origin, sizeof(origin), "%.*s",
		 slash ? (int)(slash - file) : 1, slash ? file : ".");
	if (found_in_list(runpath, origin, name, out, len) ||
	    found_in_list(getenv("LD_LIBRARY_PATH"), origin, name, out, len) ||
	    found_in_list(dirs, origin, name, out, len))
		return;
	if (strncmp(name, "libclang_rt.", 12) == 0)
		clang_runtime(name, out, len);
	else
		snprintf(out, len, "%s", name);
}

struct image {
	const unsigned char *data;
	size_t size;
};

static const void *at(const struct image *im, uint64_t off, uint64_t n)
{
	if (off > im->size || n > im->size - off)
		return NULL;
	return im->data + off;
}

static const char *str(const struct image *im, const ElfW(Shdr) * strtab,
		       uint64_t off)
{
	const char *s;

	if (!strtab || off >= strtab->sh_size)
		return NULL;
	s = at(im, strtab->sh_offset + off, 1);
	if (!s || !memchr(s, '\0', strtab->sh_size - off))
		return NULL;
	return s;
}

/* The symbols that show a sanitizer in the dynamic symbol table. */
static void symbols(const struct image *im, const ElfW(Shdr) * dynsym,
		    const ElfW(Shdr) * strtab, unsigned *defined,
		    unsigned *undefined)
{
	const ElfW(Sym) * syms;
	size_t i, n;
	const char *name;
	unsigned bit;

	if (!dynsym || dynsym->sh_entsize != sizeof(ElfW(Sym)))
		return;
	n = dynsym->sh_size / sizeof(ElfW(Sym));
	syms = at(im, dynsym->sh_offset, n * sizeof(ElfW(Sym)));
	for (i = 0; syms && i < n; i++) {
		name = str(im, strtab, syms[i].st_name);
		if (!name || strncmp(name, "__", 2) != 0)
			continue;
		if (strncmp(name, "__asan_", 7) == 0)
			bit = PYN__SAN_ASAN;
		else if (strncmp(name, "__tsan_", 7) == 0)
			bit = PYN__SAN_TSAN;
		else if (strncmp(name, "__ubsan_handle_", 15) == 0)
			bit = PYN__SAN_UBSAN;
		else if (strcmp(name, "__lsan_do_leak_check") == 0)
			bit = PYN__SAN_LSAN;
		else
			continue;
		if (syms[i].st_shndx == SHN_UNDEF)
			*undefined |= bit;
		else
			*defined |= bit;
	}
}

static void read_image(const struct image *im, const char *path,
		       struct pyn__instrument *out)
{
	const ElfW(Ehdr) *eh = at(im, 0, sizeof(ElfW(Ehdr)));
	const ElfW(Shdr) * sh, *dynamic = NULL, *dynsym = NULL, *dynstr = NULL;
	const ElfW(Dyn) * dyn;
	const struct runtime *rt, *first = NULL, *any = NULL;
	const char *name, *first_name = NULL, *any_name = NULL;
	const char *runpath = NULL;
	unsigned defined = 0, undefined = 0, needed = 0;
	char name_buf[64];
	size_t i, n;

	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] !=
		    (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh->e_shentsize != sizeof(ElfW(Shdr)))
		return;
	sh = at(im, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh));
	for (i = 0; sh && i < eh->e_shnum; i++) {
		if (sh[i].sh_type == SHT_DYNAMIC)
			dynamic = &sh[i];
		else if (sh[i].sh_type == SHT_DYNSYM)
			dynsym = &sh[i];
	}
	if (!sh || !dynamic || dynamic->sh_link >= eh->e_shnum)
		return;
	dynstr = &sh[dynamic->sh_link];
	n = dynamic->sh_size / sizeof(ElfW(Dyn));
	dyn = at(im, dynamic->sh_offset, n * sizeof(ElfW(Dyn)));
	for (i = 0; dyn && i < n && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag == DT_RUNPATH ||
		    (dyn[i].d_tag == DT_RPATH && !runpath)) {
			runpath = str(im, dynstr, dyn[i].d_un.d_val);
			continue;
		}
		if (dyn[i].d_tag != DT_NEEDED)
			continue;
		name = str(im, dynstr, dyn[i].d_un.d_val);
		rt = name ? runtime_of(name) : NULL;
		if (!rt)
			continue;
		needed |= rt->bits;
		if (rt->first && !first) {
			first = rt;
			first_name = name;
		} else if (!any) {
			any = rt;
			any_name = name;
		}
	}
	if (dynsym && dynsym->sh_link < eh->e_shnum)
		symbols(im, dynsym, &sh[dynsym->sh_link], &defined, &undefined);
	/* ASan brings LeakSanitizer on Linux. */
	out->sanitizers = needed | defined | undefined;
	if (out->sanitizers & PYN__SAN_ASAN)
		out->sanitizers |= PYN__SAN_LSAN;
	if (first || any) {
		resolve(first ? first_name : any_name, runpath, path,
			out->runtime, sizeof(out->runtime));
	} else if (undefined & ~defined & (PYN__SAN_ASAN | PYN__SAN_TSAN)) {
		/*
		 * A clang library without -shared-libsan names no runtime:
		 * clang links it into programs only.
		 */
		snprintf(name_buf, sizeof(name_buf), "libclang_rt.%s-%s.so",
			 undefined & PYN__SAN_ASAN ? "asan" : "tsan",
			 PYN__ARCH);
		clang_runtime(name_buf, out->runtime, sizeof(out->runtime));
	}
}

void pyn__instrument_read(const char *path, struct pyn__instrument *out)
{
	struct image im = { NULL, 0 };
	struct stat st;
	void *p;
	int fd;

	out->sanitizers = 0;
	out->runtime[0] = '\0';
	fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (p != MAP_FAILED) {
			im.data = p;
			im.size = (size_t)st.st_size;
			read_image(&im, path, out);
			munmap(p, im.size);
		}
	}
	close(fd);
}

const struct pyn__instrument *pyn__instrument_of(struct pyn__instrument **cache,
						 const char *path)
{
	struct pyn__instrument *in;

	if (!path)
		return NULL;
	for (in = *cache; in; in = in->next)
		if (strcmp(in->path, path) == 0)
			return in;
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	in->path = strdup(path);
	if (!in->path) {
		free(in);
		return NULL;
	}
	pyn__instrument_read(path, in);
	in->next = *cache;
	*cache = in;
	return in;
}

void pyn__instrument_free(struct pyn__instrument *cache)
{
	struct pyn__instrument *next;

	for (; cache; cache = next) {
		next = cache->next;
		free(cache->path);
		free(cache);
	}
}

/* Is this entry of LD_PRELOAD a sanitizer runtime? */
static bool preload_is_runtime(const char *p, size_t n)
{
	const char *base = p, *q;
	char name[256];

	for (q = p; q < p + n; q++)
		if (*q == '/')
			base = q + 1;
	snprintf(name, sizeof(name), "%.*s", (int)(p + n - base), base);
	return runtime_of(name) != NULL;
}

size_t pyn__preload_without_runtimes(const char *preload, char *out, size_t len)
{
	const char *p, *end;
	size_t n = 0, m;

	if (len)
		out[0] = '\0';
	for (p = preload; p && *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ": ");
		m = (size_t)(end - p);
		if (!m || preload_is_runtime(p, m))
			continue;
		if (n + m + 2 > len)
			break;
		if (n)
			out[n++] = ':';
		memcpy(out + n, p, m);
		n += m;
		out[n] = '\0';
	}
	return n;
}

char **pyn__instrument_env(const struct pyn__instrument *in, char **base)
{
	const char *user = NULL;
	size_t n = 0, i, k = 0, len;
	char **envp, *line, rest[4096];

	if (!base)
		base = environ;
	for (i = 0; base && base[i]; i++) {
		n++;
		if (strncmp(base[i], "LD_PRELOAD=", 11) == 0)
			user = base[i] + 11;
	}
	/* The runtime first, then the user's preloads, no other runtime. */
	pyn__preload_without_runtimes(user, rest, sizeof(rest));
	len = 12 + strlen(in->runtime) + 1 + strlen(rest) + 1;
	envp = calloc(1, (n + 2) * sizeof(*envp) + len);
	if (!envp)
		return NULL;
	line = (char *)(envp + n + 2);
	for (i = 0; i < n; i++)
		if (strncmp(base[i], "LD_PRELOAD=", 11) != 0)
			envp[k++] = base[i];
	snprintf(line, len, "LD_PRELOAD=%s%s%s", in->runtime,
		 in->runtime[0] && rest[0] ? ":" : "", rest);
	envp[k++] = line;
	envp[k] = NULL;
	return envp;
}

static const char *const tools[] = {
	"AddressSanitizer", "UndefinedBehaviorSanitizer",
	"LeakSanitizer",    "ThreadSanitizer",
	"MemorySanitizer",
};

/* The tool named at `s` ("AddressSanitizer: ..."), or NULL. */
static const char *tool_at(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		k = strlen(tools[i]);
		if (n > k && strncmp(s, tools[i], k) == 0 && s[k] == ':')
			return tools[i];
	}
	return NULL;
}

/* The line of `buf` that `p` is in: its start and length. */
static size_t line_at(const char *buf, const char *end, const char *p,
		      const char **start)
{
	const char *s = p, *e;

	while (s > buf && s[-1] != '\n')
		s--;
	e = memchr(p, '\n', (size_t)(end - p));
	*start = s;
	return (size_t)((e ? e : end) - s);
}

static const char *find(const char *buf, const char *end, const char *what)
{
	size_t n = strlen(what);
	const char *p = buf;

	while (p && (size_t)(end - p) >= n) {
		p = memchr(p, what[0], (size_t)(end - p) - n + 1);
		if (!p)
			return NULL;
		if (memcmp(p, what, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

int pyn__sanitizer_report(const char *buf, size_t len,
			  struct pyn__san_report *r)
{
	const char *end = buf + len, *p, *s, *tool = NULL;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (!buf || !len)
		return 0;
	/* The first report's SUMMARY: line names the tool and the place. */
	for (p = buf; (p = find(p, end, "SUMMARY: ")); p += 9) {
		tool = tool_at(p + 9, (size_t)(end - p - 9));
		if (tool)
			break;
	}
	if (tool) {
		/* ASan's leak check speaks as LeakSanitizer first. */
		s = find(buf, p, "ERROR: LeakSanitizer:");
		if (s)
			tool = "LeakSanitizer";
		n = line_at(buf, end, p, &s);
		n -= (size_t)(p - s);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
			n--;
		snprintf(r->summary, sizeof(r->summary), "%.*s", (int)n, p);
	} else if ((p = find(buf, end, ": runtime error: "))) {
		/* UBSan without a summary (gcc's, with ASan). */
		tool = "UndefinedBehaviorSanitizer";
		n = line_at(buf, end, p, &s);
		snprintf(r->summary, sizeof(r->summary), "%s: %.*s", tool,
			 (int)n, s);
	} else if ((p = find(buf, end, "==ERROR: "))) {
		/* Cut short before its summary (output_limit). */
		tool = tool_at(p + 9, (size_t)(end - p - 9));
		if (!tool)
			return 0;
		n = line_at(buf, end, p, &s);
		snprintf(r->summary, sizeof(r->summary), "%.*s",
			 (int)(n - (size_t)(p + 9 - s)), p + 9);
	} else {
		return 0;
	}
	r->tool = tool;
	r->allocation_refused = strstr(r->summary, "allocation-size-too-big") ||
				strstr(r->summary, "out-of-memory") ||
				strstr(r->summary, "out of memory") ||
				strstr(r->summary, "rss-limit-exceeded") ||
				strstr(r->summary, "malloc-limit-exceeded");
	return 1;
}
