/*
 * test_app_words.c - the twice-app line every deployer starts (app_words.c):
 * the target's model and numbers, where it listens, --db-pool only when the
 * target sets one, --db only with a database.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "app_words.h"

static void expect_words(const char *const *words, const char *const *expected)
{
    size_t i = 0;
    for (; expected[i] != NULL; i++) {
        cr_assert_not_null(words[i], "word %zu missing, expected %s", i, expected[i]);
        cr_assert_str_eq(words[i], expected[i], "word %zu", i);
    }
    cr_assert_null(words[i], "word %zu: %s, expected the end", i, words[i]);
    cr_assert_lt(i, APP_WORDS);
}

Test(app_words, the_pool_and_the_database_only_when_given)
{
    scenario_target t = {.model = "coroutine", .workers = 2, .threads = 8};
    app_word_bufs bufs;
    const char *words[APP_WORDS];
    app_words(&t, "/bin/twice-app", "127.0.0.1:0", NULL, &bufs, words);
    expect_words(words, (const char *const[]){"/bin/twice-app", "--model", "coroutine", "--workers",
                                              "2", "--threads", "8", "--listen", "127.0.0.1:0",
                                              "--max-coroutines", "100000", NULL});
    t.db_pool = 4096;
    t.workers = 1024;
    t.threads = 4096;
    app_words(&t, "twice-app", "198.18.0.2:0", "hostaddr=198.18.0.9 port=5432", &bufs, words);
    expect_words(words, (const char *const[]){
                            "twice-app", "--model", "coroutine", "--workers", "1024", "--threads",
                            "4096", "--listen", "198.18.0.2:0", "--max-coroutines", "100000",
                            "--db-pool", "4096", "--db", "hostaddr=198.18.0.9 port=5432", NULL});
}
