/*
 * fuzz_haproxy_stat.c - arbitrary bytes as HAProxy's `show stat` answer, read
 * for 1 to 4 servers (the first byte says how many). The reader must accept
 * or refuse with a message, never crash or read past the text, and what it
 * accepts must hold: counts within 2^53, status and check printable and
 * NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "haproxy_stat.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_text(const char *s, size_t size)
{
    size_t len = strnlen(s, size);
    check(len < size);
    for (size_t i = 0; i < len; i++)
        check((unsigned char)s[i] >= ' ' && s[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned n = 1 + data[0] % 4;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    haproxy_server_stat stats[4];
    char err[512];
    err[0] = '\0';
    if (haproxy_stat_parse(text, "servers", n, stats, err, sizeof(err)) == 0) {
        for (unsigned i = 0; i < n; i++) {
            check(stats[i].sessions <= (1ull << 53) && stats[i].requests <= (1ull << 53));
            check(stats[i].has_requests || stats[i].requests == 0);
            check_text(stats[i].status, sizeof(stats[i].status));
            check_text(stats[i].check, sizeof(stats[i].check));
            (void)haproxy_stat_up(&stats[i]);
        }
    } else {
        check(err[0] != '\0');
    }
    free(text);
    return 0;
}
