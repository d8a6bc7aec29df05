/*
 * load_remote.c - the remote command around wrk and the CPU report it ends
 * with (load_remote.h). The wrapper is POSIX sh, like the supervisor it
 * runs; the easy things to get wrong:
 *   - "$@" is rebuilt in place (the `for word; shift; set --` idiom), the
 *     only array a POSIX shell has, to put the file's path where the
 *     script's word is;
 *   - the file is removed before anything is printed: when the connection
 *     dropped, printing kills the wrapper with SIGPIPE;
 *   - `times` is a builtin run in the wrapper itself: in a subshell (a
 *     command substitution) it would report a fresh process's zeros.
 * The report is read back strictly: anything but the format `times` prints
 * is no figure, and the caller says so rather than guess.
 */
#include <stdio.h>
#include <string.h>

#include "load_remote.h"
#include "supervisor.h"

static const char wrapper[] = "script=$1\n"
                              "shift\n"
                              "file=$(mktemp \"${TMPDIR:-/tmp}/twice-wrk-XXXXXX\") || exit 125\n"
                              "if ! printf '%s' \"$script\" >\"$file\"; then\n"
                              "    rm -f \"$file\"\n"
                              "    exit 125\n"
                              "fi\n"
                              "for word; do\n"
                              "    shift\n"
                              "    if [ \"$word\" = '" LOAD_REMOTE_SCRIPT_WORD "' ]; then\n"
                              "        set -- \"$@\" \"$file\"\n"
                              "    else\n"
                              "        set -- \"$@\" \"$word\"\n"
                              "    fi\n"
                              "done\n"
                              "\"$@\"\n"
                              "status=$?\n"
                              "rm -f \"$file\"\n"
                              "printf '%s\\n' '" LOAD_REMOTE_CPU_MARK "' >&2\n"
                              "times >&2\n"
                              "exit \"$status\"\n";

int load_remote_words(const load_command *cmd, const char *script, const char **words, size_t max,
                      char *quota, size_t quota_len)
{
    const char *command[LOAD_REMOTE_MAX_WORDS];
    size_t n = 0;
    command[n++] = "env";
    for (size_t i = 0; cmd->env[i] != NULL && n < LOAD_REMOTE_MAX_WORDS; i++)
        command[n++] = cmd->env[i];
    for (size_t i = 0; cmd->argv[i] != NULL && n < LOAD_REMOTE_MAX_WORDS; i++)
        command[n++] = i == cmd->script_word ? LOAD_REMOTE_SCRIPT_WORD : cmd->argv[i];
    if (n >= LOAD_REMOTE_MAX_WORDS || max < 5)
        return -1;
    command[n] = NULL;
    words[0] = "sh";
    words[1] = "-c";
    words[2] = wrapper;
    words[3] = "twice-wrk";
    words[4] = script;
    return supervisor_words(words + 5, max - 5, 0, quota, quota_len, command);
}

/* The last place mark starts in text, or NULL. */
static const char *last_mark(const char *text, size_t len, const char *mark)
{
    size_t m = strlen(mark);
    for (size_t at = len >= m ? len - m + 1 : 0; at-- > 0;) {
        if (memcmp(text + at, mark, m) == 0)
            return text + at;
    }
    return NULL;
}

/* Reads up to max digits at *p (one at least) into *value; 0, or -1. */
static int digits(const char **p, const char *end, int max, double *value, double *scale)
{
    int n = 0;
    *value = 0;
    *scale = 1;
    while (*p < end && **p >= '0' && **p <= '9' && n < max) {
        *value = *value * 10 + (**p - '0');
        *scale *= 10;
        ++*p;
        n++;
    }
    return n > 0 && !(*p < end && **p >= '0' && **p <= '9') ? 0 : -1;
}

/* One time of `times`: MINUTES "m" SECONDS ["." or "," FRACTION] "s" (seconds under 60). */
static int one_time(const char **p, const char *end, double *seconds)
{
    double minutes, whole, fraction = 0, scale;
    if (digits(p, end, 9, &minutes, &scale) != 0 || *p >= end || **p != 'm')
        return -1;
    ++*p;
    if (digits(p, end, 2, &whole, &scale) != 0 || whole >= 60 || *p >= end)
        return -1;
    if (**p == '.' || **p == ',') {
        ++*p;
        if (digits(p, end, 9, &fraction, &scale) != 0)
            return -1;
        fraction /= scale;
    }
    if (*p >= end || **p != 's')
        return -1;
    ++*p;
    *seconds = minutes * 60 + whole + fraction;
    return 0;
}

/* One line of `times`: two times (user, system) apart, then its newline (optional at the end
 * of text); their sum. */
static int one_line(const char **p, const char *end, double *sum)
{
    double user, system;
    if (one_time(p, end, &user) != 0 || *p >= end || (**p != ' ' && **p != '\t'))
        return -1;
    while (*p < end && (**p == ' ' || **p == '\t'))
        ++*p;
    if (one_time(p, end, &system) != 0)
        return -1;
    if (*p < end && *(*p)++ != '\n')
        return -1;
    *sum = user + system;
    return 0;
}

int load_remote_cpu(const char *text, size_t len, double *cpu_s, size_t *at, char *why,
                    size_t whylen)
{
    const char *mark = last_mark(text, len, LOAD_REMOTE_CPU_MARK "\n");
    if (mark == NULL) {
        snprintf(why, whylen, "the host's wrapper printed no \"%s\" line after wrk",
                 LOAD_REMOTE_CPU_MARK);
        return -1;
    }
    const char *p = mark + strlen(LOAD_REMOTE_CPU_MARK "\n"), *end = text + len;
    double shell, children;
    if (one_line(&p, end, &shell) != 0 || one_line(&p, end, &children) != 0 || p != end) {
        snprintf(why, whylen,
                 "the host's `times` after \"%s\" is not two lines of \"%%dm%%fs %%dm%%fs\"",
                 LOAD_REMOTE_CPU_MARK);
        return -1;
    }
    *cpu_s = children;
    *at = (size_t)(mark - text);
    return 0;
}
