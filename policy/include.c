/*
 * policy/include.c: `include PATH-OR-GLOB` at top level.
 *
 * The argument resolves against the directory of the file that names it.
 * A pattern with wildcards (* ? [) includes every match in byte order of
 * the names, and may match nothing (a directory that does not exist holds
 * nothing); a plain path must exist. A directory that exists but cannot be
 * read is an error: skipping it silently could skip deny rules. Each file is
 * read as if its text stood where the include is, at top level, with its
 * own positions in messages. Loops (a file that includes itself, directly
 * or through others) are errors that show the chain; so are includes nested
 * more than 16 deep (parser.c checks both).
 */
#include "policy/parse.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* glob(3) reports directory errors through a callback without context;
 * the loader runs on one thread at a time per call, so thread-local
 * storage is enough. */
static __thread int glob_errno;
static __thread char glob_errpath[PATH_MAX];

static int
glob_error(const char *path, int err)
{
	if (err == ENOENT || err == ENOTDIR)
		return 0; /* nothing there: no match */
	glob_errno = err;
	snprintf(glob_errpath, sizeof(glob_errpath), "%s", path);
	return 1;
}

int
rp_do_include(struct parser *p, const struct directive *d, const struct stmt *st)
{
	const struct rp_token *arg = &st->words[1];
	struct rp_srcpos pos = rp_at(p, arg);
	char *pattern, ex[80];
	glob_t g;
	int rc, ok = 1;

	(void)d;
	if (!rp_resolve_path(p, arg, &pattern))
		return 0;
	if (strpbrk(arg->text, "*?[") == NULL) {
		ok = rp_parse_file(p, pattern, &pos);
		free(pattern);
		return ok;
	}
	memset(&g, 0, sizeof(g));
	glob_errno = 0;
	rc = glob(pattern, GLOB_NOSORT, glob_error, &g);
	free(pattern);
	if (rc == GLOB_NOMATCH) {
		globfree(&g);
		return 1;
	}
	if (rc != 0) {
		globfree(&g);
		if (rc == GLOB_NOSPACE)
			return rp_out_of_memory(p, arg);
		return rp_perr(p, arg, "cannot list the files that '%s' matches: %s: %s",
		    rp_diag_excerpt(arg->text, ex, sizeof(ex)), glob_errpath,
		    strerror(glob_errno != 0 ? glob_errno : EIO));
	}
	qsort(g.gl_pathv, g.gl_pathc, sizeof(g.gl_pathv[0]), by_name);
	for (size_t i = 0; i < g.gl_pathc && ok; i++)
		ok = rp_parse_file(p, g.gl_pathv[i], &pos);
	globfree(&g);
	return ok;
}
