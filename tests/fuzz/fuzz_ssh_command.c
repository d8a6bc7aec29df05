/*
 * fuzz_ssh_command.c - what the ssh deployer hands to ssh: an inventory (the
 * input up to its first NUL byte) and the words of a remote command (the
 * rest, split at NUL bytes). For every ssh server host the inventory
 * accepts, the command line must end "-- USER@HOST LINE", and LINE, split
 * the way a POSIX shell splits single-quoted words, must give back exactly
 * the words: nothing in a word may turn into a second word, an expansion or
 * a command. Without a usable inventory the words are still quoted and
 * checked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "shell_quote.h"
#include "ssh_host.h"

#define MAX_WORDS 64

/* Splits line as sh splits words made only of single-quoted parts and spaces; the words into
 * out (malloc'd each), their count, or -1 when line holds anything else (which quoting must
 * never produce). */
static int split_quoted(const char *line, char **out, int max)
{
    int n = 0;
    const char *p = line;
    while (*p != '\0') {
        if (*p == ' ') {
            p++;
            continue;
        }
        if (n == max)
            return -1;
        size_t len = 0;
        char *word = malloc(strlen(p) + 1);
        /* A word: quoted parts and \' escapes, up to a space outside quotes. */
        while (*p != '\0' && *p != ' ') {
            if (*p == '\'') {
                const char *close = strchr(p + 1, '\'');
                if (close == NULL) {
                    free(word);
                    return -1;
                }
                memcpy(word + len, p + 1, (size_t)(close - p - 1));
                len += (size_t)(close - p - 1);
                p = close + 1;
            } else if (p[0] == '\\' && p[1] == '\'') {
                word[len++] = '\'';
                p += 2;
            } else {
                free(word);
                return -1;
            }
        }
        word[len] = '\0';
        out[n++] = word;
    }
    return n;
}

static void check_line(const char *line, const char *const *words, int nwords)
{
    char *back[MAX_WORDS];
    int n = split_quoted(line, back, MAX_WORDS);
    if (n != nwords)
        abort();
    for (int i = 0; i < n; i++) {
        if (strcmp(back[i], words[i]) != 0)
            abort();
        free(back[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    size_t inv_len = strlen(text);
    const char *words[MAX_WORDS + 1];
    int nwords = 0;
    for (size_t at = inv_len + 1; at <= size && nwords < MAX_WORDS; at += strlen(text + at) + 1)
        words[nwords++] = text + at;
    words[nwords] = NULL;

    char *line = shell_quote_words(words);
    if (line == NULL)
        abort();
    check_line(line, words, nwords);
    free(line);

    inventory inv;
    char err[512];
    if (inventory_parse(&inv, "fuzz.json", text, inv_len, err, sizeof(err)) == 0) {
        for (size_t i = 0; i < inv.nservers; i++) {
            if (inv.servers[i].local)
                continue;
            ssh_host h = {.inv = &inv, .host = &inv.servers[i], .master_err = -1};
            snprintf(h.control_dir, sizeof(h.control_dir), "/tmp/twice-ssh-1-fuzz00");
            char **argv = ssh_host_argv(&h, SSH_COMMAND, words);
            if (argv == NULL)
                abort();
            size_t n = 0;
            while (argv[n] != NULL)
                n++;
            char destination[600];
            snprintf(destination, sizeof(destination), "%s@%s", inv.servers[i].user,
                     inv.servers[i].host);
            if (n < 4 || strcmp(argv[0], "ssh") != 0 || strcmp(argv[n - 3], "--") != 0 ||
                strcmp(argv[n - 2], destination) != 0 || argv[n - 2][0] == '-')
                abort();
            check_line(argv[n - 1], words, nwords);
            ssh_argv_free(argv);
        }
    }
    inventory_free(&inv);
    free(text);
    return 0;
}
