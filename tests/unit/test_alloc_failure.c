/*
 * test_alloc_failure.c - the framework when memory runs out. This binary is
 * linked with the allocator wrapped (-Wl,--wrap, see tests/CMakeLists.txt):
 * every malloc, calloc, realloc, strdup and strndup that libtwice makes goes
 * through the wrappers below, which fail the Nth call once armed. A test
 * walks N up from 0 until the operation succeeds, so every allocation in it
 * fails once.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "twice.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static __thread long fail_at = -1; /* the allocation to fail, counted from arming; -1: none */
static __thread long seen;

static int injected_failure(void)
{
    return fail_at >= 0 && seen++ == fail_at;
}

void *__wrap_malloc(size_t size)
{
    return injected_failure() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return injected_failure() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return injected_failure() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return injected_failure() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return injected_failure() ? NULL : __real_strndup(s, n);
}

static void arm(long n)
{
    seen = 0;
    fail_at = n;
}

static void disarm(void)
{
    fail_at = -1;
}

static int handler(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    return tw_res_text(res, 200, "ok");
}

/* Every allocation of a route's compilation fails once in turn: each failure must say so,
 * never leave the message of an earlier error (or stack garbage) behind. */
Test(alloc_failure, a_route_that_cannot_be_compiled_says_it_ran_out_of_memory)
{
    static const char pattern[] = "/users/<int:id>/files/<path:rest>";
    tw_app *app = tw_app_new("alloc-failure");
    long failures = 0;
    for (long n = 0;; n++) {
        /* An error whose message a stale buffer would show again. */
        cr_assert_eq(tw_route(app, "GET", "no-slash", handler, NULL), TW_FAIL);
        arm(n);
        int rc = tw_route(app, "GET,POST", pattern, handler, NULL);
        disarm();
        if (rc == TW_OK)
            break;
        const char *err = tw_app_errmsg(app);
        cr_assert(strstr(err, "out of memory") != NULL && strstr(err, pattern) != NULL,
                  "allocation %ld failing: \"%s\"", n, err);
        failures++;
    }
    cr_assert_geq(failures, 6, "the pattern, two methods, segments and parameter names");
    tw_res *res = tw_app_dispatch(app, "POST", "/users/3/files/a/b", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200, "the route registered in the end works");
    tw_res_free(res);
    tw_app_free(app);
}
