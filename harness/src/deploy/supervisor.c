/*
 * supervisor.c - the supervisor script and the command line around it. The
 * script is POSIX sh (dash and bash both run it) and uses only what every
 * Linux host has: setsid, sed, awk, sleep, and the cgroup file system when
 * a cap is asked for. Its design is in supervisor.h; the details that are
 * easy to get wrong:
 *   - an asynchronous list's stdin is /dev/null in a shell without job
 *     control, so the script keeps its stdin as descriptor 3 for the watcher
 *     and closes it everywhere else (the server must not hold the pipe);
 *   - the server is not a process group leader when setsid runs, so setsid
 *     does not fork and $! is the server, whose session and group number are
 *     then its pid;
 *   - stdin may close before the server has made its group (setsid has yet
 *     to run): the server is then signalled alone;
 *   - dash's kill wants `kill -s SIG -- -PGID` for a group;
 *   - stderr is the ssh channel, gone at once when twice is killed: a note
 *     written then raises SIGPIPE, so each note is written by a subshell,
 *     which dies of it in the supervisor's place; and after the last note
 *     the shell's stderr is /dev/null, since dash and bash report a server
 *     killed by a signal there ("Terminated", "Killed"), which would kill
 *     the supervisor before it removes the server's cgroup.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpucap.h"
#include "supervisor.h"

#define NOTE_APPLIED SUPERVISOR_MARK "CPU cap applied: "
#define NOTE_NOT_APPLIED SUPERVISOR_MARK "CPU cap not applied: "
#define NOTE_SERVER SUPERVISOR_MARK "server "

static const char script[] =
    "cap=$1\n"
    "shift\n"
    "note() { (printf '" SUPERVISOR_MARK "%s\\n' \"$*\" >&2); }\n"
    "cg=\n"
    "capped=\n"
    "if [ \"$cap\" != 0 ]; then\n"
    "    why=\n"
    "    if [ -f /sys/fs/cgroup/cgroup.controllers ]; then\n"
    "        own=$(sed -n 's/^0:://p' /proc/self/cgroup)\n"
    "        parent=/sys/fs/cgroup${own%/}\n"
    "        cg=$parent/twice-server-$$\n"
    "        if ! mkdir \"$cg\" 2>/dev/null; then\n"
    "            why=\"cannot create a cgroup under $parent\"\n"
    "            cg=\n"
    "        elif [ ! -f \"$cg/cpu.max\" ] &&\n"
    "            ! echo +cpu >\"$parent/cgroup.subtree_control\" 2>/dev/null; then\n"
    "            why=\"cgroup v2 does not hand the cpu controller down from $parent\"\n"
    "            why=\"$why (a group that holds processes cannot)\"\n"
    "        elif echo \"$cap\" >\"$cg/cpu.max\" 2>/dev/null; then\n"
    "            capped=1\n"
    "        else\n"
    "            why=\"cannot write $cg/cpu.max\"\n"
    "        fi\n"
    "    elif [ -f /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then\n"
    "        own=$(awk -F: '$2 ~ /^cpu(,cpuacct)?$/ { print $3 }' /proc/self/cgroup)\n"
    "        parent=/sys/fs/cgroup/cpu${own%/}\n"
    "        cg=$parent/twice-server-$$\n"
    "        if ! mkdir \"$cg\" 2>/dev/null; then\n"
    "            why=\"cannot create a cgroup under $parent\"\n"
    "            cg=\n"
    "        elif echo \"${cap#* }\" >\"$cg/cpu.cfs_period_us\" 2>/dev/null &&\n"
    "            echo \"${cap% *}\" >\"$cg/cpu.cfs_quota_us\" 2>/dev/null; then\n"
    "            capped=1\n"
    "        else\n"
    "            why=\"cannot write the quota of $cg\"\n"
    "        fi\n"
    "    else\n"
    "        why=\"no cgroup file system with the cpu controller at /sys/fs/cgroup\"\n"
    "    fi\n"
    "    if [ -n \"$capped\" ]; then\n"
    "        note \"CPU cap applied: $cg\"\n"
    "    else\n"
    "        note \"CPU cap not applied: $why\"\n"
    "    fi\n"
    "fi\n"
    "remove_cgroup() {\n"
    "    [ -n \"$cg\" ] || return 0\n"
    "    tries=0\n"
    "    while [ -d \"$cg\" ] && ! rmdir \"$cg\" 2>/dev/null && [ $tries -lt 50 ]; do\n"
    "        for p in $(cat \"$cg/cgroup.procs\" 2>/dev/null); do\n"
    "            kill -s KILL \"$p\" 2>/dev/null\n"
    "        done\n"
    "        sleep 0.1\n"
    "        tries=$((tries + 1))\n"
    "    done\n"
    "}\n"
    "signal_server() {\n"
    "    kill -s \"$1\" -- -\"$pid\" 2>/dev/null || kill -s \"$1\" \"$pid\" 2>/dev/null\n"
    "}\n"
    "stop_server() {\n"
    "    signal_server TERM || return 0\n"
    "    tries=0\n"
    "    while signal_server 0 && [ $tries -lt 20 ]; do\n"
    "        sleep 0.1\n"
    "        tries=$((tries + 1))\n"
    "    done\n"
    "    signal_server KILL\n"
    "}\n"
    "exec 3<&0\n"
    "if [ -n \"$capped\" ]; then\n"
    "    join='echo $$ >\"$1\" && shift && exec setsid \"$@\"'\n"
    "    sh -c \"$join\" sh \"$cg/cgroup.procs\" \"$@\" </dev/null 3<&- &\n"
    "else\n"
    "    setsid \"$@\" </dev/null 3<&- &\n"
    "fi\n"
    "pid=$!\n"
    "note \"server $pid\"\n"
    "exec 2>/dev/null\n"
    "{\n"
    "    while read -r _ <&3; do :; done\n"
    "    stop_server\n"
    "} &\n"
    "watcher=$!\n"
    "exec 3<&-\n"
    "trap 'stop_server' HUP INT TERM\n"
    "wait \"$pid\"\n"
    "status=$?\n"
    "kill -s KILL -- -\"$pid\" 2>/dev/null\n"
    "kill \"$watcher\" 2>/dev/null\n"
    "remove_cgroup\n"
    "exit \"$status\"\n";

int supervisor_words(const char **words, size_t max, double cores, char *quota, size_t quota_len,
                     const char *const command[])
{
    size_t n = 0;
    while (command[n] != NULL)
        n++;
    if (n + SUPERVISOR_WORDS + 1 > max)
        return -1;
    /* The cap as cpu.max has it, "QUOTA PERIOD", as local caps get it (cpucap.h). */
    long quota_us, period_us;
    if (cores > 0) {
        cpucap_quota(cores, &quota_us, &period_us);
        snprintf(quota, quota_len, "%ld %ld", quota_us, period_us);
    } else {
        snprintf(quota, quota_len, "0");
    }
    words[0] = "sh";
    words[1] = "-c";
    words[2] = script;
    words[3] = "twice-supervisor";
    words[4] = quota;
    for (size_t i = 0; i <= n; i++)
        words[SUPERVISOR_WORDS + i] = command[i];
    return 0;
}

int supervisor_cap_note(const char *stderr_text, char *why, size_t whylen)
{
    const char *not_applied = strstr(stderr_text, NOTE_NOT_APPLIED);
    if (not_applied != NULL) {
        const char *text = not_applied + strlen(NOTE_NOT_APPLIED);
        snprintf(why, whylen, "%.*s", (int)strcspn(text, "\n"), text);
        return 0;
    }
    return strstr(stderr_text, NOTE_APPLIED) != NULL ? 1 : -1;
}

pid_t supervisor_server_pid(const char *stderr_text)
{
    const char *said = strstr(stderr_text, NOTE_SERVER);
    if (said == NULL)
        return 0;
    const char *digits = said + strlen(NOTE_SERVER);
    size_t n = strspn(digits, "0123456789");
    /* A whole line of digits only: one still being written, or anything else, is not a pid. */
    if (n == 0 || n > 9 || digits[n] != '\n')
        return 0;
    return (pid_t)strtol(digits, NULL, 10);
}

size_t supervisor_notes_length(const char *stderr_text)
{
    size_t at = 0;
    while (strncmp(stderr_text + at, SUPERVISOR_MARK, strlen(SUPERVISOR_MARK)) == 0) {
        const char *end = strchr(stderr_text + at, '\n');
        if (end == NULL)
            break;
        at = (size_t)(end - stderr_text) + 1;
    }
    return at;
}

int supervisor_cap_group(const char *stderr_text, char *dir, size_t len)
{
    const char *said = strstr(stderr_text, NOTE_APPLIED);
    if (said == NULL)
        return 0;
    const char *path = said + strlen(NOTE_APPLIED);
    size_t n = strcspn(path, "\n");
    if (path[n] != '\n' || path[0] != '/' || n >= len)
        return 0;
    snprintf(dir, len, "%.*s", (int)n, path);
    return 1;
}
