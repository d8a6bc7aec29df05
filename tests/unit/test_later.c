/*
 * test_later.c - later-calls: work a request schedules to run after its
 * response, in that request's context.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "twice.h"

static tw_app *app;
static char trail[512];
static int responded;

static void note(const char *what)
{
    strncat(trail, what, sizeof(trail) - strlen(trail) - 1);
}

/* Records which request it runs in, and what g holds there. */
static void record_context(void *data)
{
    char line[128];
    json_t *mark = json_object_get(tw_g(), "mark");
    snprintf(line, sizeof(line), "[%s %s %s]", (const char *)data, tw_req_query(tw_request(), "id"),
             mark != NULL ? json_string_value(mark) : "-");
    cr_assert_eq(tw_current_app(), app);
    cr_assert(responded, "later-calls run after the response is built");
    note(line);
}

static void chain(void *data)
{
    (void)data;
    note("[chain]");
    tw_call_later(0, record_context, "chained");
}

static int schedule(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    responded = 0;
    json_object_set_new(tw_g(), "mark", json_string(tw_req_query(req, "id")));
    cr_assert_eq(tw_call_later(30, record_context, "slow"), TW_OK);
    cr_assert_eq(tw_call_later(10, record_context, "fast"), TW_OK);
    cr_assert_eq(tw_defer(chain, NULL), TW_OK);
    return tw_res_text(res, 200, "scheduled");
}

static int mark_responded(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)res;
    (void)data;
    responded = 1;
    return TW_OK;
}

static void setup(void)
{
    trail[0] = '\0';
    app = tw_app_new("later-test");
    tw_route(app, "GET", "/schedule", schedule, NULL);
    tw_app_after_request(app, mark_responded, NULL);
}

static void fini(void)
{
    tw_app_free(app);
}

TestSuite(later, .init = setup, .fini = fini);

Test(later, calls_run_in_their_requests_context_in_deadline_order)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/schedule?id=r1", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200);
    cr_assert_str_eq(trail, "[chain][chained r1 r1][fast r1 r1][slow r1 r1]");
    cr_assert_not(tw_has_request_context(), "the context is gone again afterwards");
    tw_res_free(res);
}

Test(later, each_request_keeps_its_own)
{
    tw_res_free(tw_app_dispatch(app, "GET", "/schedule?id=a", NULL, 0, NULL, 0));
    tw_res_free(tw_app_dispatch(app, "GET", "/schedule?id=b", NULL, 0, NULL, 0));
    cr_assert(strstr(trail, "[slow a a]") != NULL && strstr(trail, "[slow b b]") != NULL, "%s",
              trail);
    cr_assert(strstr(trail, "[slow a b]") == NULL && strstr(trail, "[slow b a]") == NULL);
}

static void never(void *data)
{
    (void)data;
    cr_assert_fail("a later-call scheduled outside a request must not run");
}

Test(later, outside_a_request_it_is_refused)
{
    errno = 0;
    cr_assert_eq(tw_call_later(0, never, NULL), TW_FAIL);
    cr_assert_eq(errno, EPERM);
    cr_assert_eq(tw_defer(never, NULL), TW_FAIL);
}

static void note_data(void *data)
{
    note(data);
}

/* A deferred call that schedules one due at once: it must wait for the calls scheduled before
 * it, which are due as soon as it is. */
static void defer_more(void *data)
{
    note(data);
    tw_defer(note_data, "[d]");
}

static int schedule_ties(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    tw_defer(note_data, "[a]");
    tw_defer(defer_more, "[b]");
    tw_defer(note_data, "[c]");
    tw_call_later(5, note_data, "[late]");
    return tw_res_text(res, 200, "scheduled");
}

Test(later, calls_due_together_run_in_the_order_they_were_scheduled)
{
    tw_route(app, "GET", "/ties", schedule_ties, NULL);
    tw_res_free(tw_app_dispatch(app, "GET", "/ties", NULL, 0, NULL, 0));
    cr_assert_str_eq(trail, "[a][b][c][d][late]");
}
