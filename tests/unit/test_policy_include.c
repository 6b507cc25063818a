/*
 * tests/unit/test_policy_include.c: `include` (policy/include.c): globs in
 * name order, patterns that match nothing, missing files, loops, the depth
 * limit, errors inside included files, and relative paths and "at most
 * once" settings across files. Each test writes its files under a fresh
 * temporary directory.
 */
#include "tests/unit/unit.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/policy.h"

#define BASE "listen 127.0.0.1:0\nhost-key /k\n"
#define MAX_FILES 32

struct tree {
	char dir[PATH_MAX];
	char paths[MAX_FILES][PATH_MAX];
	size_t n;
	char dirs[8][PATH_MAX];
	size_t ndirs;
};

static void
tree_init(struct tree *t)
{
	char tmpl[] = "/tmp/rampart-include-test-XXXXXX";

	memset(t, 0, sizeof(*t));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	/* The loader reports real paths; /tmp may be a link. */
	ck_assert_ptr_nonnull(realpath(tmpl, t->dir));
}

/* out = dir/name (memcpy: out and dir live in the same struct). */
static void
join(char *out, const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);

	ck_assert(a + b + 2 <= PATH_MAX);
	memcpy(out, dir, a);
	out[a] = '/';
	memcpy(out + a + 1, name, b + 1);
}

static void
tree_mkdir(struct tree *t, const char *name)
{
	join(t->dirs[t->ndirs], t->dir, name);
	ck_assert_int_eq(mkdir(t->dirs[t->ndirs], 0755), 0);
	t->ndirs++;
}

/* Write name (relative to the tree) and return its full path. */
static const char *
tree_file(struct tree *t, const char *name, const char *content)
{
	char *path = t->paths[t->n++];
	FILE *f;

	ck_assert(t->n <= MAX_FILES);
	join(path, t->dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static void
tree_remove(struct tree *t)
{
	for (size_t i = t->n; i > 0; i--)
		unlink(t->paths[i - 1]);
	for (size_t i = t->ndirs; i > 0; i--)
		rmdir(t->dirs[i - 1]);
	rmdir(t->dir);
}

static struct rp_policy *
load_file_ok(const char *path, int line)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;

	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(rp_policy_load(path, &policy, &diag), "line %d: %s", line, diag.error);
	return policy;
}

/* The load fails with exactly want, where "@" stands for the tree's
 * directory. */
static void
expect_file_error(const struct tree *t, const char *path, const char *want, int line)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;
	char expanded[4 * PATH_MAX];
	size_t off = 0;

	for (const char *s = want; *s != '\0' && off + PATH_MAX < sizeof(expanded); s++) {
		if (*s == '@')
			off += (size_t)snprintf(expanded + off, sizeof(expanded) - off, "%s", t->dir);
		else
			expanded[off++] = *s;
	}
	expanded[off] = '\0';
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(!rp_policy_load(path, &policy, &diag), "line %d: loaded", line);
	ck_assert_ptr_null(policy);
	ck_assert_msg(strcmp(diag.error, expanded) == 0, "line %d: error\n  '%s'\nexpected\n  '%s'",
	    line, diag.error, expanded);
}

#define LOAD_FILE_OK(path) load_file_ok((path), __LINE__)
#define EXPECT_FILE_ERROR(t, path, want) expect_file_error((t), (path), (want), __LINE__)

START_TEST(test_glob_includes_in_name_order)
{
	struct tree t;
	struct rp_policy *policy;
	const char *main_file;
	char want[PATH_MAX + 64];

	tree_init(&t);
	tree_mkdir(&t, "conf.d");
	tree_file(&t, "conf.d/b.conf", "group b {\n}\n");
	tree_file(&t, "conf.d/a.conf", "group a {\n}\nhost-key keys/a\n");
	tree_file(&t, "conf.d/10-first.conf", "group ten {\n}\n");
	tree_file(&t, "conf.d/B.conf", "group upper_b {\n}\n");
	tree_file(&t, "conf.d/notes.txt", "this is not a policy\n");
	main_file = tree_file(&t, "main.conf", "listen 127.0.0.1:0\nhost-key /k\n"
	    "group before {\n}\n"
	    "include conf.d/*.conf\n"
	    "include nothing.d/*.conf\n"
	    "include conf.d/*.none\n"
	    "group after {\n}\n");
	policy = LOAD_FILE_OK(main_file);
	/* Byte order: digits, then capitals, then small letters. */
	ck_assert_uint_eq(policy->ngroups, 6);
	ck_assert_str_eq(policy->groups[0].name, "before");
	ck_assert_str_eq(policy->groups[1].name, "ten");
	ck_assert_str_eq(policy->groups[2].name, "upper_b");
	ck_assert_str_eq(policy->groups[3].name, "a");
	ck_assert_str_eq(policy->groups[4].name, "b");
	ck_assert_str_eq(policy->groups[5].name, "after");
	/* Positions name the included file; its relative paths resolve
	 * against its own directory. */
	snprintf(want, sizeof(want), "%s/conf.d/a.conf", t.dir);
	ck_assert_str_eq(policy->groups[3].pos.file, want);
	ck_assert_uint_eq(policy->groups[3].pos.line, 1);
	snprintf(want, sizeof(want), "%s/conf.d/keys/a", t.dir);
	ck_assert_str_eq(policy->host_keys[1].path, want);
	ck_assert_str_eq(policy->groups[0].pos.file, main_file);
	rp_policy_free(policy);
	tree_remove(&t);
}
END_TEST

START_TEST(test_plain_include_must_exist)
{
	struct tree t;
	struct rp_policy *policy;
	const char *main_file;

	tree_init(&t);
	tree_file(&t, "users.conf", "user alice {\n}\n");
	main_file = tree_file(&t, "main.conf", BASE "include users.conf\n");
	policy = LOAD_FILE_OK(main_file);
	ck_assert_uint_eq(policy->nusers, 1);
	rp_policy_free(policy);

	main_file = tree_file(&t, "missing.conf", BASE "\ninclude   nope.conf\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/missing.conf:4:11: cannot read included file "
	    "'@/nope.conf': No such file or directory");
	main_file = tree_file(&t, "abs.conf", BASE "include /nonexistent/rampart.d/x.conf\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/abs.conf:3:9: cannot read included file "
	    "'/nonexistent/rampart.d/x.conf': No such file or directory");
	main_file = tree_file(&t, "dir.conf", BASE "include .\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/dir.conf:3:9: cannot read included file '@/.': not "
	    "a regular file");
	/* A glob that matches a directory. */
	tree_mkdir(&t, "sub.conf");
	main_file = tree_file(&t, "globdir.conf", BASE "include sub*\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/globdir.conf:3:9: cannot read included file "
	    "'@/sub.conf': not a regular file");
	tree_remove(&t);
}
END_TEST

START_TEST(test_include_loops_name_the_chain)
{
	struct tree t;
	const char *main_file;

	tree_init(&t);
	main_file = tree_file(&t, "self.conf", BASE "include self.conf\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/self.conf:3:9: include loop: @/self.conf includes "
	    "@/self.conf; expected each file to be included at most once on the way down");
	tree_file(&t, "a.conf", "# a\ninclude b.conf\n");
	tree_file(&t, "b.conf", "include [a].conf\n");
	main_file = tree_file(&t, "main.conf", BASE "include a.conf\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/b.conf:1:9: include loop: @/main.conf includes "
	    "@/a.conf includes @/b.conf includes @/a.conf; expected each file to be included at "
	    "most once on the way down");
	tree_remove(&t);
}
END_TEST

/* Skipping an unreadable directory silently could skip deny rules. Root
 * reads everything, so this runs only as another user. */
START_TEST(test_unreadable_directory_is_an_error)
{
	struct tree t;
	const char *main_file;

	if (geteuid() == 0)
		return;
	tree_init(&t);
	tree_mkdir(&t, "locked");
	tree_file(&t, "locked/x.conf", "admit from any\n");
	main_file = tree_file(&t, "main.conf", BASE "include locked/*.conf\n");
	ck_assert_int_eq(chmod(t.dirs[0], 0), 0);
	EXPECT_FILE_ERROR(&t, main_file, "@/main.conf:3:9: cannot list the files that "
	    "'locked/*.conf' matches: @/locked: Permission denied");
	ck_assert_int_eq(chmod(t.dirs[0], 0755), 0);
	tree_remove(&t);
}
END_TEST

START_TEST(test_same_file_twice_is_not_a_loop)
{
	struct tree t;
	struct rp_policy *policy;
	const char *main_file;

	tree_init(&t);
	tree_file(&t, "admit.conf", "admit from 10.0.0.0/8\n");
	main_file = tree_file(&t, "main.conf", BASE "include admit.conf\ninclude admit.conf\n");
	policy = LOAD_FILE_OK(main_file);
	ck_assert_uint_eq(policy->nadmission, 2);
	ck_assert_uint_eq(policy->admission[1].number, 2);
	rp_policy_free(policy);
	tree_remove(&t);
}
END_TEST

START_TEST(test_include_depth_limit)
{
	struct tree t;
	struct rp_policy *policy;
	char name[32], text[64];
	const char *main_file;

	tree_init(&t);
	/* main -> 1 -> ... -> 16 is 16 levels of include: fine. */
	for (int i = 1; i <= 16; i++) {
		snprintf(name, sizeof(name), "%d.conf", i);
		if (i < 16)
			snprintf(text, sizeof(text), "include %d.conf\n", i + 1);
		else
			snprintf(text, sizeof(text), "max-auth-tries 5\n");
		tree_file(&t, name, text);
	}
	main_file = tree_file(&t, "main.conf", BASE "include 1.conf\n");
	policy = LOAD_FILE_OK(main_file);
	ck_assert_uint_eq(policy->max_auth_tries, 5);
	rp_policy_free(policy);
	/* One more is too deep. */
	tree_file(&t, "16.conf", "include 17.conf\n");
	tree_file(&t, "17.conf", "max-auth-tries 5\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/16.conf:1:9: includes nested more than 16 deep; "
	    "expected at most 16 levels");
	tree_remove(&t);
}
END_TEST

START_TEST(test_errors_inside_included_files)
{
	struct tree t;
	const char *main_file;

	tree_init(&t);
	tree_mkdir(&t, "d");
	tree_file(&t, "d/1.conf", "admit from any\n");
	tree_file(&t, "d/2.conf", "# two\n\nuser alice {\n\tallow teleport\n}\n");
	main_file = tree_file(&t, "main.conf", BASE "include d/*.conf\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/d/2.conf:4:8: unknown action 'teleport' (expected "
	    "one of: login, shell, exec, subsystem, pty, env, forward, remote-forward, x11, "
	    "agent)");
	/* A block may not run past the end of its file, nor close one it
	 * did not open. */
	tree_file(&t, "d/2.conf", "user alice {\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/d/2.conf:2:1: end of file inside the 'user alice' "
	    "block opened at @/d/2.conf:1:1; expected '}'");
	tree_file(&t, "d/2.conf", "}\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/d/2.conf:1:1: '}' without a matching '{'");
	/* "At most once" counts across files, and names the first. */
	tree_file(&t, "d/2.conf", "\nlogin-grace-time 10s\n");
	main_file = tree_file(&t, "main2.conf", BASE "login-grace-time 20s\ninclude d/*.conf\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/d/2.conf:2:1: 'login-grace-time' is already set at "
	    "@/main2.conf:3:1; expected it at most once");
	/* Lexer errors too. */
	tree_file(&t, "d/2.conf", "max-auth-tries \"3\n");
	EXPECT_FILE_ERROR(&t, main_file, "@/d/2.conf:1:16: quoted string not closed; expected a "
	    "closing '\"' on the same line");
	tree_remove(&t);
}
END_TEST

START_TEST(test_include_from_text_resolves_against_cwd)
{
	struct rp_policy *policy = NULL;
	struct rp_policy_diag diag;
	static const char text[] = BASE "include tests/policy/keys/*.none\n";

	/* The unit tests run from the source tree. */
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(chdir(rp_test_path(".")) == 0, "chdir");
	ck_assert_msg(rp_policy_load_text("t.conf", text, strlen(text), &policy, &diag), "%s",
	    diag.error);
	rp_policy_free(policy);
	policy = NULL;
	ck_assert(!rp_policy_load_text("t.conf", BASE "include tests/policy/none.conf\n",
	    strlen(BASE "include tests/policy/none.conf\n"), &policy, &diag));
	ck_assert_str_eq(diag.error, "t.conf:3:9: cannot read included file "
	    "'tests/policy/none.conf': No such file or directory");
}
END_TEST

RP_TEST_SUITE(policy_include)
{
	Suite *s = suite_create("policy_include");
	TCase *tc = tcase_create("include");

	tcase_add_test(tc, test_glob_includes_in_name_order);
	tcase_add_test(tc, test_plain_include_must_exist);
	tcase_add_test(tc, test_include_loops_name_the_chain);
	tcase_add_test(tc, test_unreadable_directory_is_an_error);
	tcase_add_test(tc, test_same_file_twice_is_not_a_loop);
	tcase_add_test(tc, test_include_depth_limit);
	tcase_add_test(tc, test_errors_inside_included_files);
	tcase_add_test(tc, test_include_from_text_resolves_against_cwd);
	suite_add_tcase(s, tc);
	return s;
}
