/*
 * service.c - the one table of service kinds, so that a scenario names a
 * service and nothing else has to know which kinds exist.
 */
#include <string.h>

#include "service.h"

static const service_ops *const kinds[] = {&service_postgres};

const service_ops *service_find(const char *name)
{
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kinds[i]->name, name) == 0)
            return kinds[i];
    return NULL;
}
