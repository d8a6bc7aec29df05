/*
 * cgroups_possible.c - see cgroups_possible.h.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroups_possible.h"

int cgroups_possible(void)
{
    char controllers[256] = "";
    FILE *f = fopen("/sys/fs/cgroup/cgroup.controllers", "r");
    if (f != NULL) {
        if (fgets(controllers, sizeof(controllers), f) == NULL)
            controllers[0] = '\0';
        fclose(f);
    }
    return getuid() == 0 &&
           (strstr(controllers, "cpu") != NULL || access("/sys/fs/cgroup/cpu", W_OK) == 0 ||
            access("/sys/fs/cgroup/cpu,cpuacct", W_OK) == 0);
}
