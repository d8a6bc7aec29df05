/*
 * remote_usage.c - the sampling script a host runs and the strict reader of
 * what it prints (remote_usage.h). The script reads only /proc and the
 * cgroup file system, with shell builtins in its loops (a host's /proc is
 * walked once per sample, so a fork per process would cost more than the
 * figures), and leaves the numbers as the kernel wrote them: the reader here
 * parses them with the same code as this machine's (proc_group.h,
 * schedstat.h, cgroup_usage.h), in the host's clock ticks. The host's
 * uptime is read as the walk begins: the figures' time on the host's clock.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_group.h"
#include "procfs.h"
#include "remote_usage.h"

/* Its arguments: GROUP CGROUP pairs, "-" for no cgroup. The stat line's third field after the
 * command name (which may hold ") " itself, hence the longest match) is the process group. */
static const char script[] =
    "ticks=$(getconf CLK_TCK)\n"
    "groups=' '\n"
    "i=1\n"
    "while [ $i -lt $# ]; do\n"
    "    eval \"groups=\\\"\\$groups\\${$i} \\\"\"\n"
    "    i=$((i + 2))\n"
    "done\n"
    "read -r up _ </proc/uptime\n"
    "printf 'twice-usage 2\\nticks %s\\nuptime %s\\n' \"$ticks\" \"$up\"\n"
    "for d in /proc/[0-9]*; do\n"
    "    { read -r line <\"$d/stat\"; } 2>/dev/null || continue\n"
    "    rest=${line##*) }\n"
    "    rest=${rest#* }\n"
    "    rest=${rest#* }\n"
    "    case $groups in *\" ${rest%% *} \"*) ;; *) continue ;; esac\n"
    "    printf 'proc %s\\n' \"$line\"\n"
    "    { while read -r key value _; do\n"
    "        [ \"$key\" = VmHWM: ] && printf 'hwm %s\\n' \"$value\"\n"
    "    done <\"$d/status\"; } 2>/dev/null\n"
    "    for t in \"$d\"/task/*; do\n"
    "        { read -r s <\"$t/schedstat\"; } 2>/dev/null && printf 'sched %s\\n' \"$s\"\n"
    "    done\n"
    "done\n"
    "while [ $# -ge 2 ]; do\n"
    "    group=$1 cg=$2\n"
    "    shift 2\n"
    "    if [ \"$cg\" = - ]; then\n"
    "        { while read -r l; do printf 'incgroup %s %s\\n' \"$group\" \"$l\"; done "
    "<\"/proc/$group/cgroup\"; } 2>/dev/null\n"
    "        continue\n"
    "    fi\n"
    "    if [ -f \"$cg/cgroup.controllers\" ]; then\n"
    "        printf 'cgroup %s 2\\n' \"$group\"\n"
    "        files='cpu.stat memory.peak'\n"
    "    elif [ -f \"$cg/cgroup.procs\" ]; then\n"
    "        printf 'cgroup %s 1\\n' \"$group\"\n"
    "        files='cpu.stat cpuacct.usage cpuacct.stat memory.max_usage_in_bytes'\n"
    "    else\n"
    "        printf 'cgroup %s 0\\n' \"$group\"\n"
    "        continue\n"
    "    fi\n"
    "    for f in $files; do\n"
    "        { while read -r l; do printf 'file %s %s\\n' \"$f\" \"$l\"; done <\"$cg/$f\"; } "
    "2>/dev/null\n"
    "    done\n"
    "done\n"
    "echo end\n";

void remote_usage_words(const char **words, const pid_t *groups, const char *const *cgroups,
                        size_t n, char group_text[][24])
{
    size_t w = 0;
    words[w++] = "sh";
    words[w++] = "-c";
    words[w++] = script;
    words[w++] = "twice-usage";
    for (size_t i = 0; i < n; i++) {
        snprintf(group_text[i], 24, "%d", (int)groups[i]);
        words[w++] = group_text[i];
        words[w++] = cgroups != NULL && cgroups[i] != NULL ? cgroups[i] : "-";
    }
    words[w] = NULL;
}

/* The longest line read: a stat line is a few hundred bytes. */
#define LINE_MAX_BYTES 4096
#define MAX_TICKS_PER_S 1000000

/* One cgroup section's file texts, as the lines arrive. */
struct section {
    long server; /* -1: none open */
    int version;
    char texts[4][CGROUP_TEXT_MAX];
    size_t used[4];
};

/* The cgroup files a version's section may hold, in struct section's order. */
static const char *const v2_files[] = {"cpu.stat", "memory.peak", NULL, NULL};
static const char *const v1_files[] = {"cpu.stat", "cpuacct.usage", "cpuacct.stat",
                                       "memory.max_usage_in_bytes"};

/* What the reader knows as it goes. */
struct reader {
    const pid_t *groups;
    size_t n;
    struct server_sample *samples;
    unsigned line_no;
    double tick_s; /* 0 until the ticks line */
    double uptime_s; /* the host's, as its figures were read */
    uint64_t *user_ticks, *system_ticks;
    long member;       /* the server of the last proc line, -1: none (or a section began) */
    char state;        /* its state */
    int hwm, threads;  /* whether its hwm came, how many of its threads */
    int *cgroup_seen;  /* per server */
    int cgroups_begun; /* the cgroup lines have begun: no process may follow */
    struct section section;
    char *err;
    size_t errlen;
};

static int fail(struct reader *r, const char *format, ...)
{
    char what[200];
    va_list args;
    va_start(args, format);
    vsnprintf(what, sizeof(what), format, args);
    va_end(args);
    snprintf(r->err, r->errlen, "line %u: %s", r->line_no, what);
    return -1;
}

/* text, digits alone, as a number in *value: 0, or -1 when it is anything else or overflows. */
static int whole_number(const char *text, uint64_t *value)
{
    size_t digits = strspn(text, "0123456789");
    return digits > 0 && text[digits] == '\0' ? procfs_u64(text, value) : -1;
}

/* The server whose group the decimal text names, or -1. */
static long server_of(const struct reader *r, const char *text)
{
    uint64_t value;
    if (whole_number(text, &value) != 0)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        if ((uint64_t)r->groups[i] == value)
            return (long)i;
    }
    return -1;
}

/* Closes the last member: what it lacked goes into its server's flags. */
static void end_member(struct reader *r)
{
    if (r->member < 0)
        return;
    struct server_sample *s = &r->samples[r->member];
    if (!r->hwm)
        s->usage.flags |= PROC_USAGE_NO_HWM;
    /* A zombie has no thread left to read, as on this machine (schedstat.c). */
    if (r->threads == 0 && r->state != 'Z')
        s->sched.flags |= SCHEDSTAT_UNAVAILABLE;
    r->member = -1;
}

/* Closes the open cgroup section into its server's sample. */
static void end_section(struct reader *r)
{
    struct section *c = &r->section;
    if (c->server < 0)
        return;
    const char *t[4];
    for (size_t k = 0; k < 4; k++)
        t[k] = c->used[k] > 0 ? c->texts[k] : NULL;
    struct cgroup_files files = c->version == 2
                                    ? (struct cgroup_files){.cpu_stat = t[0], .memory_peak = t[1]}
                                    : (struct cgroup_files){.cpu_stat = t[0],
                                                            .cpuacct_usage = t[1],
                                                            .cpuacct_stat = t[2],
                                                            .memory_max_usage = t[3]};
    struct server_sample *s = &r->samples[c->server];
    if (c->version == 0)
        snprintf(s->note, sizeof(s->note), "its cgroup was not found on its host");
    else
        cgroup_usage_parse(c->version, &files, r->tick_s, &s->cgroup);
    c->server = -1;
}

static int read_proc(struct reader *r, char *rest)
{
    struct proc_stat stat;
    if (r->cgroups_begun)
        return fail(r, "a process after the cgroups");
    if (proc_stat_parse(rest, &stat) != 0)
        return fail(r, "not a /proc/PID/stat line");
    end_member(r);
    long server = -1;
    for (size_t i = 0; i < r->n && server < 0; i++)
        server = r->groups[i] == stat.pgrp ? (long)i : -1;
    if (server < 0)
        return fail(r, "a process of group %d, which was not asked for", (int)stat.pgrp);
    /* Each of the four is below 2^63 (proc_stat_parse), so each pair's sum fits. */
    uint64_t user = stat.utime + stat.cutime, system = stat.stime + stat.cstime;
    if (r->user_ticks[server] > UINT64_MAX - user || r->system_ticks[server] > UINT64_MAX - system)
        return fail(r, "CPU time out of range");
    r->user_ticks[server] += user;
    r->system_ticks[server] += system;
    r->samples[server].usage.processes++;
    r->member = server;
    r->state = stat.state;
    r->hwm = r->threads = 0;
    return 0;
}

static int read_hwm(struct reader *r, char *rest)
{
    uint64_t kib;
    if (r->member < 0)
        return fail(r, "a peak RSS with no process before it");
    if (r->hwm)
        return fail(r, "a second peak RSS for one process");
    struct proc_usage *u = &r->samples[r->member].usage;
    if (whole_number(rest, &kib) != 0 || kib > UINT64_MAX / 1024 ||
        u->peak_rss_bytes > UINT64_MAX - kib * 1024)
        return fail(r, "peak RSS \"%.40s\" is not a number of kB in range", rest);
    u->peak_rss_bytes += kib * 1024;
    r->hwm = 1;
    return 0;
}

static int read_sched(struct reader *r, char *rest)
{
    double run_s, wait_s;
    if (r->member < 0)
        return fail(r, "a schedstat with no process before it");
    if (schedstat_parse(rest, &run_s, &wait_s) != 0)
        return fail(r, "\"%.60s\" is not a schedstat line", rest);
    struct schedstat *s = &r->samples[r->member].sched;
    s->run_s += run_s;
    s->wait_s += wait_s;
    s->threads++;
    r->threads++;
    return 0;
}

static int read_cgroup(struct reader *r, char *rest)
{
    char *space = strchr(rest, ' ');
    if (space == NULL)
        return fail(r, "a cgroup line without its version");
    *space = '\0';
    long server = server_of(r, rest);
    const char *version = space + 1;
    if (server < 0)
        return fail(r, "a cgroup for group \"%.24s\", which was not asked for", rest);
    if (strcmp(version, "0") != 0 && strcmp(version, "1") != 0 && strcmp(version, "2") != 0)
        return fail(r, "cgroup version \"%.24s\" is not 0, 1 or 2", version);
    if (r->cgroup_seen[server])
        return fail(r, "a second cgroup for group %.24s", rest);
    end_member(r);
    end_section(r);
    r->cgroups_begun = 1;
    r->cgroup_seen[server] = 1;
    r->section = (struct section){.server = server, .version = version[0] - '0'};
    return 0;
}

/* 1 when the comma-separated list names controller. */
static int names_controller(const char *list, size_t len, const char *controller)
{
    size_t want = strlen(controller);
    for (size_t at = 0; at <= len;) {
        size_t item = strcspn(list + at, ",");
        if (item > len - at)
            item = len - at;
        if (item == want && strncmp(list + at, controller, want) == 0)
            return 1;
        at += item + 1;
    }
    return 0;
}

/* "incgroup GROUP ID:CONTROLLERS:PATH", a line of /proc/GROUP/cgroup of a server without a
 * cgroup of its own: the cpu controller's (v1) or the unified one (v2) is where it runs. */
static int read_incgroup(struct reader *r, char *rest)
{
    char *space = strchr(rest, ' ');
    if (space == NULL)
        return fail(r, "an incgroup line without its cgroup");
    *space = '\0';
    long server = server_of(r, rest);
    if (server < 0)
        return fail(r, "an incgroup for group \"%.24s\", which was not asked for", rest);
    const char *line = space + 1, *first = strchr(line, ':');
    const char *second = first != NULL ? strchr(first + 1, ':') : NULL;
    if (first == NULL || second == NULL || second[1] != '/' || strlen(second + 1) >= 200)
        return fail(r, "\"%.60s\" is not a line of /proc/PID/cgroup", line);
    for (const char *c = line; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return fail(r, "a control character in a cgroup path");
    }
    end_member(r);
    end_section(r);
    r->cgroups_begun = 1;
    struct server_sample *s = &r->samples[server];
    size_t list_len = (size_t)(second - first - 1);
    int v1_cpu = names_controller(first + 1, list_len, "cpu");
    int v2 = list_len == 0 && strncmp(line, "0:", 2) == 0;
    /* The cpu controller's v1 hierarchy wins over the unified one (a hybrid host). */
    if (v1_cpu || (v2 && strncmp(s->host_cgroup, "1 ", 2) != 0))
        snprintf(s->host_cgroup, sizeof(s->host_cgroup), "%d %s", v1_cpu ? 1 : 2, second + 1);
    return 0;
}

static int read_file_line(struct reader *r, char *rest)
{
    struct section *c = &r->section;
    if (c->server < 0 || c->version == 0)
        return fail(r, "a cgroup file line outside a cgroup");
    size_t name_len = strcspn(rest, " ");
    const char *const *names = c->version == 2 ? v2_files : v1_files;
    size_t k = 0;
    while (k < 4 && !(names[k] != NULL && strlen(names[k]) == name_len &&
                      strncmp(names[k], rest, name_len) == 0))
        k++;
    if (k == 4 || rest[name_len] != ' ')
        return fail(r, "\"%.*s\" is not a cgroup v%d file read here", (int)(name_len % 64), rest,
                    c->version);
    const char *line = rest + name_len + 1;
    size_t len = strlen(line);
    if (c->used[k] + len + 2 > CGROUP_TEXT_MAX)
        return fail(r, "cgroup file %s longer than %d bytes", names[k], CGROUP_TEXT_MAX);
    memcpy(c->texts[k] + c->used[k], line, len);
    c->used[k] += len;
    c->texts[k][c->used[k]++] = '\n';
    c->texts[k][c->used[k]] = '\0';
    return 0;
}

static int read_ticks(struct reader *r, char *rest)
{
    uint64_t hz;
    if (whole_number(rest, &hz) != 0 || hz == 0 || hz > MAX_TICKS_PER_S)
        return fail(r, "clock ticks \"%.24s\" not a number from 1 to %d", rest, MAX_TICKS_PER_S);
    r->tick_s = 1.0 / (double)hz;
    return 0;
}

/* "SECONDS.FRACTION" as /proc/uptime has it. */
static int read_uptime(struct reader *r, char *rest)
{
    if (procfs_seconds(rest, strlen(rest), &r->uptime_s) != 0)
        return fail(r, "uptime not seconds with a fraction, as /proc/uptime has them");
    return 0;
}

/* One line (NUL-terminated, without its newline), after the three header lines. */
static int read_line(struct reader *r, char *line)
{
    static const struct {
        const char *word;
        int (*read)(struct reader *r, char *rest);
    } kinds[] = {{"proc", read_proc},     {"hwm", read_hwm},           {"sched", read_sched},
                 {"cgroup", read_cgroup}, {"incgroup", read_incgroup}, {"file", read_file_line}};
    size_t word_len = strcspn(line, " ");
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        if (strlen(kinds[k].word) == word_len && strncmp(line, kinds[k].word, word_len) == 0 &&
            line[word_len] == ' ')
            return kinds[k].read(r, line + word_len + 1);
    }
    return fail(r, "\"%.40s\" is not a line of the sample", line);
}

/* The totals into the samples, once every line was read. */
static void finish(struct reader *r)
{
    end_member(r);
    end_section(r);
    for (size_t i = 0; i < r->n; i++) {
        struct server_sample *s = &r->samples[i];
        s->host_time_s = r->uptime_s;
        s->usage.user_s = (double)r->user_ticks[i] * r->tick_s;
        s->usage.system_s = (double)r->system_ticks[i] * r->tick_s;
        if (s->usage.processes == 0) {
            s->usage.flags |= PROC_USAGE_EMPTY;
            s->sched.flags |= SCHEDSTAT_EMPTY;
        }
    }
}

/* Every line of text, in r. */
static int read_lines(struct reader *r, const char *text, size_t len)
{
    char line[LINE_MAX_BYTES];
    int ended = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t line_len = nl != NULL ? (size_t)(nl - (text + at)) : len - at;
        r->line_no++;
        if (ended)
            return fail(r, "text after \"end\"");
        if (line_len >= sizeof(line))
            return fail(r, "longer than %d bytes", LINE_MAX_BYTES - 1);
        memcpy(line, text + at, line_len);
        line[line_len] = '\0';
        at += line_len + 1;
        if (strlen(line) != line_len)
            return fail(r, "a NUL byte");
        int rc;
        if (r->line_no == 1)
            rc = strcmp(line, "twice-usage 2") == 0
                     ? 0
                     : fail(r, "not \"twice-usage 2\": not the sampler's output");
        else if (r->line_no == 2)
            rc = strncmp(line, "ticks ", 6) == 0 ? read_ticks(r, line + 6)
                                                 : fail(r, "no clock ticks line");
        else if (r->line_no == 3)
            rc = strncmp(line, "uptime ", 7) == 0 ? read_uptime(r, line + 7)
                                                  : fail(r, "no uptime line");
        else if (strcmp(line, "end") == 0)
            rc = 0, ended = 1;
        else
            rc = read_line(r, line);
        if (rc != 0)
            return -1;
    }
    if (!ended) {
        r->line_no++;
        return fail(r, "the output stops before \"end\"");
    }
    return 0;
}

int remote_usage_parse(const char *text, size_t len, const pid_t *groups, size_t n,
                       struct server_sample *samples, char *err, size_t errlen)
{
    struct reader *r = calloc(1, sizeof(*r));
    uint64_t *ticks = calloc(2 * n + 1, sizeof(*ticks));
    int *seen = calloc(n + 1, sizeof(*seen));
    int rc = -1;
    if (r == NULL || ticks == NULL || seen == NULL) {
        snprintf(err, errlen, "out of memory reading a sample");
    } else if (len > REMOTE_USAGE_MAX_BYTES) {
        snprintf(err, errlen, "a sample of %zu bytes, more than %u", len, REMOTE_USAGE_MAX_BYTES);
    } else {
        for (size_t i = 0; i < n; i++)
            samples[i] = (struct server_sample){0};
        *r = (struct reader){.groups = groups,
                             .n = n,
                             .samples = samples,
                             .user_ticks = ticks,
                             .system_ticks = ticks + n,
                             .member = -1,
                             .cgroup_seen = seen,
                             .err = err,
                             .errlen = errlen};
        r->section.server = -1;
        rc = read_lines(r, text, len);
        if (rc == 0)
            finish(r);
    }
    free(r);
    free(ticks);
    free(seen);
    return rc;
}
