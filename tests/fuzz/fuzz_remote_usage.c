/*
 * fuzz_remote_usage.c - what a remote host's sampler printed
 * (remote_usage.h), as the ssh deployer reads it: arbitrary bytes must be
 * accepted or refused with a message, never crash, and what is accepted must
 * be figures in range: finite non-negative seconds, counts no larger than the
 * lines that made them, a host cgroup that is a "1 /path" or "2 /path", and a
 * refusal that names its line.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "remote_usage.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_seconds(double s)
{
    check(isfinite(s) && s >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const pid_t groups[] = {4242, 5150, 1};
    struct server_sample samples[3];
    char err[256];
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (remote_usage_parse((const char *)data, size, groups, 3, samples, err, sizeof(err)) != 0) {
        check(strncmp(err, "line ", 5) == 0 || strncmp(err, "a sample of ", 12) == 0);
        return 0;
    }
    for (size_t i = 0; i < 3; i++) {
        const struct server_sample *s = &samples[i];
        check_seconds(s->usage.user_s);
        check_seconds(s->usage.system_s);
        check_seconds(s->sched.run_s);
        check_seconds(s->sched.wait_s);
        check(s->usage.processes <= lines && s->sched.threads <= lines);
        check(s->usage.processes > 0 || (s->usage.flags & PROC_USAGE_EMPTY));
        check(s->cgroup.version >= 0 && s->cgroup.version <= 2);
        check((s->cgroup.have & ~(unsigned)CGROUP_HAVE_ALL) == 0);
        check(s->cgroup.version != 0 || s->cgroup.have == 0);
        check(s->host_cgroup[0] == '\0' ||
              ((s->host_cgroup[0] == '1' || s->host_cgroup[0] == '2') && s->host_cgroup[1] == ' ' &&
               s->host_cgroup[2] == '/'));
    }
    return 0;
}
