/* SPDX-License-Identifier: MIT */
/*
 * host/loader.c - open shared objects with libltdl.
 *
 * libltdl keeps global state and a global error string, so every call into
 * it is made under one mutex; lt_dlinit runs once per process.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ltdl.h>

#include "host/loader.h"

/* Set by the build (GNUInstallDirs); these defaults match it. */
#ifndef PYN_LIBDIR_RELDIR
#define PYN_LIBDIR_RELDIR "lib"
#endif
#ifndef PYN_MODULE_RELDIR
#define PYN_MODULE_RELDIR "lib/pyntest/limiters"
#endif

/*
 * The object's own dynamic symbol table and GNU hash table, read from its
 * link map once (pyn__module_function).
 */
struct elf_tables {
	int state; /* 0: not read yet, 1: read, -1: none to use */
	ElfW(Addr) base;
	const uint32_t *gnu_hash;
	const ElfW(Sym) * symtab;
	const char *strtab;
	const ElfW(Half) * versym;
};

struct pyn__module {
	lt_dlhandle handle;
	/*
	 * The same object through dlopen(RTLD_NOLOAD), for lookups: a test
	 * child resolves its functions, and lt_dlsym first tries the libtool
	 * name "LIB_LTX_sym", a failed lookup whose error message costs a
	 * malloc and a gettext.  NULL: only lt_dlsym.
	 */
	void *raw;
	struct elf_tables elf;
};

static pthread_once_t ltdl_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t ltdl_lock = PTHREAD_MUTEX_INITIALIZER;
static int ltdl_init_status;

static void ltdl_init(void)
{
	ltdl_init_status = lt_dlinit();
}

static const char *ltdl_reason(void)
{
	const char *e = lt_dlerror();

	return e ? e : "unknown error";
}

static int is_file(const char *path);

/*
 * Why `path` did not load.  libltdl, having tried every extension, says
 * "file not found" even when the file is there and only a library it
 * needs is missing; then the dynamic loader's own reason is the truth
 * ("libpyntest.so.0: cannot open shared object file: ...").  A failed
 * dlopen runs no constructor.  Called with ltdl_lock held.
 */
static const char *load_reason(const char *path)
{
	static __thread char why[512];
	const char *e = ltdl_reason();
	void *h;

	if (!is_file(path))
		return e;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h) {
		dlclose(h);
		return e;
	}
	snprintf(why, sizeof(why), "%s", dlerror());
	return why;
}

/* A dlopen handle of what libltdl loaded, without loading it again. */
static void *raw_handle(lt_dlhandle handle)
{
	const lt_dlinfo *info = lt_dlgetinfo(handle);

	if (!info || !info->filename)
		return NULL;
	return dlopen(info->filename, RTLD_LAZY | RTLD_GLOBAL | RTLD_NOLOAD);
}

int pyn__module_open_as(struct pyn__module **module, const char *path,
			const char *what, struct pyn_error *err)
{
	struct pyn__module *m;
	lt_dladvise advise;
	int ret = 0;

	*module = NULL;
	if (!what)
		what = "shared object";
	pthread_once(&ltdl_once, ltdl_init);
	if (ltdl_init_status != 0)
		return pyn_error_set(
			err, PYN_ELOAD, NULL, 0, 0,
			"cannot load %s '%s': libltdl failed to initialise",
			what, path);
	m = calloc(1, sizeof(*m));
	if (!m)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "cannot load %s '%s': out of memory", what,
				     path);

	pthread_mutex_lock(&ltdl_lock);
	if (lt_dladvise_init(&advise)) {
		ret = pyn_error_set(err, PYN_ELOAD, NULL, 0, 0,
				    "cannot load %s '%s': %s", what, path,
				    ltdl_reason());
		goto out_unlock;
	}
	/*
	 * Global visibility: a test library may rely on symbols of another
	 * one loaded before it, and sanitizer runtimes expect it.
	 */
	if (lt_dladvise_ext(&advise) || lt_dladvise_global(&advise)) {
		ret = pyn_error_set(err, PYN_ELOAD, NULL, 0, 0,
				    "cannot load %s '%s': %s", what, path,
				    ltdl_reason());
		goto out_advise;
	}
	m->handle = lt_dlopenadvise(path, advise);
	if (!m->handle)
		ret = pyn_error_set(err, PYN_ELOAD, NULL, 0, 0,
				    "cannot load %s '%s': %s", what, path,
				    load_reason(path));
	else
		m->raw = raw_handle(m->handle);
out_advise:
	lt_dladvise_destroy(&advise);
out_unlock:
	pthread_mutex_unlock(&ltdl_lock);
	if (ret) {
		free(m);
		return ret;
	}
	*module = m;
	return 0;
}

void pyn__module_bind_now(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	/*
	 * Only a name lt_dlopenext opens as it is: with another extension
	 * or none it may pick "x.la" first, another file.  A failed dlopen
	 * runs no constructor; the handle is kept for good (one reference).
	 */
	if (n < 4 || !strchr(path, '/') || strcmp(path + n - 3, ".so") != 0)
		return;
	pthread_mutex_lock(&ltdl_lock);
	if (!dlopen(path, RTLD_NOW | RTLD_GLOBAL))
		(void)dlerror();
	pthread_mutex_unlock(&ltdl_lock);
}

int pyn__module_open(struct pyn__module **module, const char *path,
		     struct pyn_error *err)
{
	return pyn__module_open_as(module, path, "test object", err);
}

void *pyn__module_symbol(struct pyn__module *module, const char *name)
{
	void *sym;

	if (!module || !name)
		return NULL;
	/*
	 * The plain name first: a "LIB_LTX_name" of the same library is
	 * libtool's convention for preloaded modules, which test objects
	 * are not; lt_dlsym still finds it when there is no plain one.
	 */
	if (module->raw) {
		sym = dlsym(module->raw, name);
		if (sym)
			return sym;
	}
	pthread_mutex_lock(&ltdl_lock);
	sym = lt_dlsym(module->handle, name);
	pthread_mutex_unlock(&ltdl_lock);
	return sym;
}

/*
 * A dynamic-section address: relocated by the dynamic linker where the
 * section is writable (most architectures), an offset where it is not.
 */
static const void *dyn_ptr(ElfW(Addr) base, ElfW(Addr) p)
{
	return (const void *)(p < base ? p + base : p);
}

static const struct elf_tables *elf_tables(struct pyn__module *m)
{
	struct elf_tables *t = &m->elf;
	struct link_map *lm = NULL;
	const ElfW(Dyn) * d;

	if (t->state)
		return t->state > 0 ? t : NULL;
	t->state = -1;
	if (!m->raw || dlinfo(m->raw, RTLD_DI_LINKMAP, &lm) != 0 || !lm ||
	    !lm->l_ld)
		return NULL;
	t->base = lm->l_addr;
	for (d = lm->l_ld; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_GNU_HASH)
			t->gnu_hash = dyn_ptr(t->base, d->d_un.d_ptr);
		else if (d->d_tag == DT_SYMTAB)
			t->symtab = dyn_ptr(t->base, d->d_un.d_ptr);
		else if (d->d_tag == DT_STRTAB)
			t->strtab = dyn_ptr(t->base, d->d_un.d_ptr);
		else if (d->d_tag == DT_VERSYM)
			t->versym = dyn_ptr(t->base, d->d_un.d_ptr);
	}
	if (!t->gnu_hash || !t->symtab || !t->strtab)
		return NULL;
	t->state = 1;
	return t;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

void *pyn__module_function(struct pyn__module *module, const char *name)
{
	const unsigned bits = sizeof(ElfW(Addr)) * 8;
	const struct elf_tables *t;
	const ElfW(Addr) * bloom;
	const uint32_t *ht, *buckets, *chain;
	const ElfW(Sym) * sym;
	uint32_t h, i, h2, nbuckets, symoffset, bloom_size, shift;
	ElfW(Addr) word;

	if (!module || !name || !(t = elf_tables(module)))
		return NULL;
	ht = t->gnu_hash;
	nbuckets = ht[0];
	symoffset = ht[1];
	bloom_size = ht[2];
	shift = ht[3];
	if (!nbuckets || !bloom_size)
		return NULL;
	bloom = (const ElfW(Addr) *)(const void *)(ht + 4);
	buckets = (const uint32_t *)(const void *)(bloom + bloom_size);
	chain = buckets + nbuckets;
	h = gnu_hash(name);
	word = bloom[(h / bits) % bloom_size];
	if (!((word >> (h % bits)) & (word >> ((h >> shift) % bits)) & 1))
		return NULL;
	i = buckets[h % nbuckets];
	if (i < symoffset)
		return NULL;
	for (;; i++) {
		h2 = chain[i - symoffset];
		sym = &t->symtab[i];
		/* An older version of the name (hidden): not dlsym's. */
		if ((h | 1) == (h2 | 1) &&
		    !(t->versym && (t->versym[i] & 0x8000)) &&
		    strcmp(name, t->strtab + sym->st_name) == 0) {
			/*
			 * Only what dlsym would answer with the same address:
			 * a defined function of this object's, global or
			 * weak.  Anything else (an IFUNC, data, an absolute
			 * address) is dlsym's to decide.
			 */
			if (sym->st_shndx == SHN_UNDEF ||
			    sym->st_shndx >= SHN_LORESERVE || !sym->st_value ||
			    ELF64_ST_TYPE(sym->st_info) != STT_FUNC ||
			    (ELF64_ST_BIND(sym->st_info) != STB_GLOBAL &&
			     ELF64_ST_BIND(sym->st_info) != STB_WEAK))
				return NULL;
			return (void *)(t->base + sym->st_value);
		}
		if (h2 & 1)
			return NULL;
	}
}

void pyn__module_close(struct pyn__module *module)
{
	if (!module)
		return;
	if (module->raw)
		dlclose(module->raw);
	pthread_mutex_lock(&ltdl_lock);
	lt_dlclose(module->handle);
	pthread_mutex_unlock(&ltdl_lock);
	free(module);
}

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Try `dir/path`, `dir/path.la`, `dir/path.so` (dir may be NULL). */
static int try_dir(const char *dir, const char *path, char *out, size_t out_len)
{
	static const char *const exts[] = { "", ".la", ".so" };
	char buf[PATH_MAX], real[PATH_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (dir && *dir)
			n = snprintf(buf, sizeof(buf), "%s/%s%s", dir, path,
				     exts[i]);
		else
			n = snprintf(buf, sizeof(buf), "%s%s", path, exts[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) || !is_file(buf))
			continue;
		/* realpath makes it absolute and gives one name per file. */
		if (!realpath(buf, real))
			continue;
		if (strlen(real) >= out_len)
			return PYN_ENOTFOUND;
		strcpy(out, real);
		return 0;
	}
	return PYN_ENOTFOUND;
}

int pyn__module_resolve(const char *path, const char *base_dir,
			const char *env_var, char *out, size_t out_len)
{
	const char *list, *p;
	char dir[PATH_MAX];

	if (!path || !*path || !out || out_len == 0)
		return PYN_ENOTFOUND;
	if (path[0] == '/')
		return try_dir(NULL, path, out, out_len);
	if (try_dir(base_dir, path, out, out_len) == 0)
		return 0;
	list = env_var ? getenv(env_var) : NULL;
	for (p = list; p && *p;) {
		const char *end = strchr(p, ':');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > 0 && len < sizeof(dir)) {
			memcpy(dir, p, len);
			dir[len] = '\0';
			if (try_dir(dir, path, out, out_len) == 0)
				return 0;
		}
		if (!end)
			break;
		p = end + 1;
	}
	return PYN_ENOTFOUND;
}

/*
 * The install prefix of `file` (libpyntest.so in PREFIX/PYN_LIBDIR_RELDIR,
 * or a program in PREFIX/bin): its folder without the libdir, or without
 * one level.  Writes it into `buf` (PATH_MAX); returns 0 or -1.
 */
static int prefix_of(const char *file, char *buf)
{
	static const char libdir[] = PYN_LIBDIR_RELDIR;
	size_t n, r = strlen(libdir);
	char *slash;

	if (!file || !realpath(file, buf))
		return -1;
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	n = strlen(buf);
	if (n > r && buf[n - r - 1] == '/' && !strcmp(buf + n - r, libdir)) {
		buf[n - r - 1] = '\0';
		return 0;
	}
	slash = strrchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

/*
 * PREFIX/reldir/name, when it exists (a folder when `name` is "", else an
 * executable file).  PREFIX is found from the file this code was loaded
 * from, then from the running program: so a moved install, or the build
 * tree (which has the install's layout), finds its parts unconfigured.
 */
int pyn__install_path(const char *reldir, const char *name, char *out,
		      size_t out_len)
{
	char prefix[PATH_MAX];
	Dl_info info;
	struct stat st;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 0 ? !dladdr((void *)pyn__install_path, &info) ||
					prefix_of(info.dli_fname, prefix) :
				prefix_of("/proc/self/exe", prefix))
			continue;
		if ((size_t)snprintf(out, out_len, "%s/%s%s%s", prefix, reldir,
				     *name ? "/" : "", name) >= out_len ||
		    stat(out, &st))
			continue;
		if (*name ? S_ISREG(st.st_mode) && access(out, X_OK) == 0 :
			    S_ISDIR(st.st_mode))
			return 0;
	}
	return PYN_ENOTFOUND;
}

int pyn__module_dir(char *out, size_t out_len)
{
	return pyn__install_path(PYN_MODULE_RELDIR, "", out, out_len);
}
