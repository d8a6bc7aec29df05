/*
 * test_context.c - the context locals: tw_request(), tw_g() and
 * tw_current_app() inside a request, their lifetime, and the loud failure
 * outside one.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "twice.h"

static tw_app *app;
static int teardown_saw_g;

static int reads_context(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    cr_assert(tw_has_request_context());
    cr_assert_eq(tw_request(), req, "tw_request() is the handler's request");
    cr_assert_eq(tw_current_app(), app);
    json_t *user = json_object_get(tw_g(), "user");
    return tw_res_text(res, 200, user != NULL ? json_string_value(user) : "anonymous");
}

static int load_user(tw_req *req, tw_res *res, void *data)
{
    (void)res;
    (void)data;
    const char *user = tw_req_header(req, "X-User");
    cr_assert_eq(json_object_size(tw_g()), 0, "g starts empty for every request");
    if (user != NULL)
        json_object_set_new(tw_g(), "user", json_string(user));
    return TW_OK;
}

static void check_g(tw_req *req, const tw_error *error, void *data)
{
    (void)req;
    (void)error;
    (void)data;
    teardown_saw_g = json_object_get(tw_g(), "user") != NULL;
}

/* Dispatches a second request from inside the first: the first's context must come back. */
static int nested(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    tw_res *inner = tw_app_dispatch(app, "GET", "/", NULL, 0, NULL, 0);
    tw_res_free(inner);
    cr_assert_eq(tw_request(), req, "the outer request is current again");
    return tw_res_text(res, 200, "nested");
}

static void setup(void)
{
    app = tw_app_new("context-test");
    tw_route(app, "GET", "/", reads_context, NULL);
    tw_route(app, "GET", "/nested", nested, NULL);
    tw_app_before_request(app, load_user, NULL);
    tw_app_teardown_request(app, check_g, NULL);
}

static void fini(void)
{
    tw_app_free(app);
}

TestSuite(context, .init = setup, .fini = fini);

Test(context, locals_name_the_current_request)
{
    tw_header alice[] = {{"X-User", "alice"}};
    tw_res *res = tw_app_dispatch(app, "GET", "/", alice, 1, NULL, 0);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "alice");
    cr_assert(teardown_saw_g, "g is still there for teardown hooks");
    tw_res_free(res);

    /* The next request sees none of the last one's g. */
    res = tw_app_dispatch(app, "GET", "/", NULL, 0, NULL, 0);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "anonymous");
    tw_res_free(res);
    cr_assert_not(tw_has_request_context(), "no context once the request is over");
}

Test(context, nested_dispatch_restores_the_outer_context)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/nested", NULL, 0, NULL, 0);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "nested");
    tw_res_free(res);
}

/* Runs fn in a child with stderr captured; returns the child's wait status and its stderr. */
static int run_outside(void (*fn)(void), char *err, size_t errlen)
{
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        fn();
        _exit(0);
    }
    close(pipefd[1]);
    size_t len = 0;
    ssize_t n;
    while (len + 1 < errlen && (n = read(pipefd[0], err + len, errlen - len - 1)) > 0)
        len += (size_t)n;
    err[len] = '\0';
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return status;
}

static void call_request(void)
{
    (void)tw_request();
}

static void call_g(void)
{
    (void)tw_g();
}

static void call_app(void)
{
    (void)tw_current_app();
}

Test(context, outside_a_request_they_fail_loudly)
{
    cr_assert_not(tw_has_request_context());
    struct {
        void (*fn)(void);
        const char *name;
    } calls[] = {
        {call_request, "tw_request()"}, {call_g, "tw_g()"}, {call_app, "tw_current_app()"}};
    for (size_t i = 0; i < 3; i++) {
        char err[1024];
        int status = run_outside(calls[i].fn, err, sizeof(err));
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "%s must abort",
                  calls[i].name);
        cr_assert(strstr(err, calls[i].name) != NULL, "names the function: %s", err);
        cr_assert(strstr(err, "working outside of request context") != NULL, "%s", err);
    }
}
