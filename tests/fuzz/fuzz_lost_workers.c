/*
 * fuzz_lost_workers.c - a server's stderr as the local deployer reads it for
 * the lines in which twice-app's master says it replaced a worker that died.
 * A server may print anything, so the input is anything, delivered in two
 * pieces (its first byte says where the cut falls), so that lines split
 * between two looks are read too. The count may never exceed the lines, and
 * what the report keeps of the last one must be printable ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "deploy.h"

static deployment d; /* large: static rather than on the stack */

static void append(int fd, const uint8_t *data, size_t size)
{
    if (size != 0 && write(fd, data, size) != (ssize_t)size)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t cut = data[0] % size, lines = 0;
    data++, size--;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    memset(&d, 0, sizeof(d));
    d.n = 1;
    d.stderr_fds[0] = memfd_create("fuzz-stderr", MFD_CLOEXEC);
    if (d.stderr_fds[0] < 0)
        abort();
    char err[256];
    append(d.stderr_fds[0], data, cut);
    if (deployer_local.check(&d, err, sizeof(err)) != 0)
        abort();
    append(d.stderr_fds[0], data + cut, size - cut);
    if (deployer_local.check(&d, err, sizeof(err)) != 0)
        abort();
    close(d.stderr_fds[0]);
    if (d.lost_workers[0] > lines || d.stderr_read[0] > size)
        abort();
    for (const char *c = d.last_loss[0]; *c != '\0'; c++) {
        if (*c < ' ' || *c > '~')
            abort();
    }
    return 0;
}
