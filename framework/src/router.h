/*
 * router.h - finding the route for a request (router.c).
 */
#ifndef TWICE_ROUTER_H
#define TWICE_ROUTER_H

#include "internal.h"

/**
 * The route that answers ex's request, with its parameters filled in, or
 * NULL. When the path exists only under other methods, *allow is set to
 * their list for a 405 (arena memory); otherwise it is NULL.
 */
const tw_route_entry *tw__route_find(const tw_app *app, tw_exchange *ex, const char **allow);

#endif
