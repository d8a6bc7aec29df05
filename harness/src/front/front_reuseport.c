/*
 * front_reuseport.c - the kernel as the front: every server binds the same
 * loopback port with SO_REUSEPORT, and the kernel hashes each new connection
 * to one of them. Nothing to start and nothing to count; local only, since
 * sharing a port needs the servers on one machine.
 */
#include "front.h"
#include "front_plain.h"

static int reuseport_start(front_run *fr, const front_spec *spec, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    front_plain_target(fr, &front_reuseport, spec->ports, 1);
    return 0;
}

const front front_reuseport = {
    "reuseport",     1, 0, 0, NULL, NULL, reuseport_start, front_plain_mark, front_plain_collect,
    front_plain_stop};
