/*
 * fuzz_served_count.c - a server's stdout as the harness reads it for
 * twice-app's answers ("twice-app: served N requests at T"). A server may print
 * anything: the answers found may never exceed the whole lines, a count
 * taken must fit the long long the report stores it in, and a time taken
 * must be a finite number of seconds from 0 to 2^32.
 */
#include <stdint.h>
#include <stdlib.h>

#include "served_count.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    served_reading newest = {-1, -1};
    unsigned answers = served_count_lines((const char *)data, size, &newest);
    if (answers > lines || (answers == 0 && newest.count != -1) ||
        (answers > 0 && (newest.count < 0 || !(newest.at_s >= 0 && newest.at_s <= 4294967296.0))))
        abort();
    return 0;
}
