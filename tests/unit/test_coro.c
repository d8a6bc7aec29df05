/*
 * test_coro.c - the coroutine core: resume and yield, the context locals
 * that follow each coroutine across switches, registers that survive a
 * switch, pooled stacks, and a stack overflow that says so. Built twice:
 * against the hand-written switch and against the ucontext fallback.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coro.h"
#include "coro_switch.h"
#include "internal.h"

static tw_coro_pool pool;
static char trail[256];

static void note(const char *what)
{
    strncat(trail, what, sizeof(trail) - strlen(trail) - 1);
}

static void setup(void)
{
    trail[0] = '\0';
    tw__coro_pool_init(&pool, 64 * 1024);
}

static void teardown(void)
{
    tw__coro_pool_dispose(&pool);
}

TestSuite(coro, .init = setup, .fini = teardown);

Test(coro, builds_the_expected_switch)
{
    cr_assert_str_eq(tw__coro_switch_kind(), EXPECTED_SWITCH);
}

static void three_steps(void *arg)
{
    (void)arg;
    note("a");
    tw__coro_yield();
    note("b");
    tw__coro_yield();
    note("c");
}

Test(coro, resume_and_yield_take_turns)
{
    tw_coro *co = tw__coro_new(&pool, three_steps, NULL, NULL);
    cr_assert_not_null(co);
    cr_assert_null(tw__coro_current());
    for (int i = 0; i < 3; i++) {
        cr_assert_not(tw__coro_finished(co));
        tw__coro_resume(co);
        note("|");
    }
    cr_assert(tw__coro_finished(co));
    cr_assert_str_eq(trail, "a|b|c|");
    tw__coro_free(co);
    cr_assert_eq(pool.live, 0);
}

/* Many values live across each yield: the compiler keeps them in callee-saved registers,
 * which the switch must hand back intact. The same steps run with and without yields. */
#define SEVEN_VALUES(seed)                                                                         \
    unsigned long a = (seed), b = a * 3, c = b ^ 0x5555, d = c + a, e = d * 7, f = e - b, g = f | 1
#define ADVANCE()                                                                                  \
    do {                                                                                           \
        a += g;                                                                                    \
        b ^= a;                                                                                    \
        c += b;                                                                                    \
        d -= c;                                                                                    \
        e ^= d;                                                                                    \
        f += e;                                                                                    \
        g = g * 3 + f;                                                                             \
    } while (0)

static void keeps_registers(void *arg)
{
    unsigned long *result = arg;
    SEVEN_VALUES(result[0]);
    for (int i = 0; i < 50; i++) {
        tw__coro_yield();
        ADVANCE();
    }
    result[1] = a + b + c + d + e + f + g;
}

static unsigned long expected_registers(unsigned long seed)
{
    SEVEN_VALUES(seed);
    for (int i = 0; i < 50; i++)
        ADVANCE();
    return a + b + c + d + e + f + g;
}

Test(coro, values_survive_switches_in_both_directions)
{
    unsigned long x[2] = {12345, 0}, y[2] = {777777, 0};
    tw_coro *cx = tw__coro_new(&pool, keeps_registers, x, NULL);
    tw_coro *cy = tw__coro_new(&pool, keeps_registers, y, NULL);
    unsigned long mine = 42, other = 4242; /* the resumer's own, across the same switches */
    while (!tw__coro_finished(cx) || !tw__coro_finished(cy)) {
        if (!tw__coro_finished(cx))
            tw__coro_resume(cx);
        mine = mine * 5 + 1;
        if (!tw__coro_finished(cy))
            tw__coro_resume(cy);
        other ^= mine;
    }
    cr_assert_eq(x[1], expected_registers(12345));
    cr_assert_eq(y[1], expected_registers(777777));
    cr_assert_neq(mine + other, 0);
    tw__coro_free(cx);
    tw__coro_free(cy);
}

/* Two coroutines, each in the context of its own request, interleaved: each must always
 * see its own request through tw_request(), and the caller none. */
static void reads_id_twice(void *arg)
{
    const char **seen = arg;
    seen[0] = tw_req_query(tw_request(), "id");
    tw__coro_yield();
    seen[1] = tw_req_query(tw_request(), "id");
}

Test(coro, context_locals_follow_each_coroutine)
{
    tw_app *app = tw_app_new("coro-test");
    tw_exchange *one = tw__exchange_new(app), *two = tw__exchange_new(app);
    tw__req_set_target(one, "GET", 3, "/?id=one", 8);
    tw__req_set_target(two, "GET", 3, "/?id=two", 8);
    const char *seen_one[2] = {0}, *seen_two[2] = {0};
    tw_coro *a = tw__coro_new(&pool, reads_id_twice, seen_one, one);
    tw_coro *b = tw__coro_new(&pool, reads_id_twice, seen_two, two);
    tw__coro_resume(a);
    cr_assert_not(tw_has_request_context(), "the scheduler has no request");
    tw__coro_resume(b);
    tw__coro_resume(a);
    tw__coro_resume(b);
    cr_assert_str_eq(seen_one[0], "one");
    cr_assert_str_eq(seen_one[1], "one");
    cr_assert_str_eq(seen_two[0], "two");
    cr_assert_str_eq(seen_two[1], "two");
    cr_assert_not(tw_has_request_context());
    tw__coro_free(a);
    tw__coro_free(b);
    tw__exchange_release(one);
    tw__exchange_release(two);
    tw_app_free(app);
}

static void yield_once(void *arg)
{
    (void)arg;
    tw__coro_yield();
}

Test(coro, stacks_are_pooled)
{
    enum { N = 1000 };
    static tw_coro *cos[N];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < N; i++) {
            cos[i] = tw__coro_new(&pool, yield_once, NULL, NULL);
            cr_assert_not_null(cos[i]);
            tw__coro_resume(cos[i]);
        }
        cr_assert_eq(pool.live, N);
        for (int i = 0; i < N; i++) {
            tw__coro_resume(cos[i]);
            cr_assert(tw__coro_finished(cos[i]));
            tw__coro_free(cos[i]);
        }
        cr_assert_eq(pool.live, 0);
        cr_assert_eq(pool.nfree, N, "every stack waits in the pool for reuse");
    }
}

Test(coro, stack_size_is_rounded_to_pages_with_a_floor)
{
    tw_coro_pool small;
    tw__coro_pool_init(&small, 100);
    cr_assert_eq(small.stack_size, 16 * 1024);
    tw__coro_pool_dispose(&small);
    tw_coro_pool odd;
    tw__coro_pool_init(&odd, 20 * 1024 + 1);
    cr_assert_eq(odd.stack_size % (size_t)sysconf(_SC_PAGESIZE), 0);
    cr_assert_geq(odd.stack_size, 20 * 1024 + 1);
    tw__coro_pool_dispose(&odd);
}

static volatile int depth_sink;

static int recurse(int n)
{
    volatile char frame[256];
    frame[0] = (char)n;
    depth_sink = frame[0];
    return n == 0 ? 0 : recurse(n - 1) + frame[0];
}

static void overflow(void *arg)
{
    (void)arg;
    depth_sink = recurse(1 << 20);
}

Test(coro, stack_overflow_dies_saying_so)
{
    int pipefd[2];
    cr_assert_eq(pipe(pipefd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        tw_coro_pool tiny;
        tw__coro_pool_init(&tiny, 16 * 1024);
        tw__coro_resume(tw__coro_new(&tiny, overflow, NULL, NULL));
        _exit(0);
    }
    close(pipefd[1]);
    char err[512] = "";
    size_t len = 0;
    ssize_t n;
    while (len + 1 < sizeof(err) && (n = read(pipefd[0], err + len, sizeof(err) - len - 1)) > 0)
        len += (size_t)n;
    err[len] = '\0';
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "dies of SIGSEGV, status %d",
              status);
    cr_assert(strstr(err, "coroutine stack overflow") != NULL, "%s", err);
    cr_assert(strstr(err, "16 KiB") != NULL, "%s", err);
}
