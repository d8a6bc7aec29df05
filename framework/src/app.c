/*
 * app.c - the application object: what an app is made of (routes, hooks,
 * error handlers, extensions, its ops table) and the functions that register
 * them. Registration happens before serving, from one thread; serving only
 * reads what is registered here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

tw_app *tw_app_new(const char *name)
{
    tw_app *app = calloc(1, sizeof(*app));
    if (app == NULL)
        return NULL;
    app->name = strdup(name != NULL ? name : "twice");
    if (app->name == NULL) {
        free(app);
        return NULL;
    }
    app->ops = *tw_default_ops();
    return app;
}

void tw_app_free(tw_app *app)
{
    if (app == NULL)
        return;
    /* Extensions go first, newest first: they may still look at what they registered. */
    for (size_t i = app->nextensions; i-- > 0;) {
        const tw_extension_entry *entry = &app->extensions[i];
        if (entry->ext->destroy != NULL)
            entry->ext->destroy(app, entry->state);
    }
    for (size_t i = 0; i < app->nroutes; i++)
        tw__route_free(&app->routes[i]);
    free(app->routes);
    free(app->before.items);
    free(app->after.items);
    free(app->teardown.items);
    free(app->errors.items);
    free(app->extensions);
    free(app->name);
    free(app);
}

const char *tw_app_name(const tw_app *app)
{
    return app->name;
}

const char *tw_app_errmsg(const tw_app *app)
{
    return app->errmsg;
}

int tw__app_fail(tw_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->errmsg, sizeof(app->errmsg), fmt, ap);
    va_end(ap);
    return TW_FAIL;
}

int tw_route(tw_app *app, const char *methods, const char *pattern, tw_handler_fn fn, void *data)
{
    if (fn == NULL)
        return tw__app_fail(app, "route \"%s\": handler is NULL", pattern ? pattern : "(null)");
    tw_route_entry route;
    char err[sizeof(app->errmsg)];
    if (tw__route_compile(&route, methods, pattern, err, sizeof(err)) != TW_OK)
        return tw__app_fail(app, "%s", err);
    for (size_t i = 0; i < app->nroutes; i++) {
        if (tw__route_conflicts(&app->routes[i], &route)) {
            tw__app_fail(app, "route %s %s duplicates %s, registered before it", methods, pattern,
                         app->routes[i].pattern);
            tw__route_free(&route);
            return TW_FAIL;
        }
    }
    if (tw__grow((void **)&app->routes, &app->routes_cap, app->nroutes, sizeof(route)) != TW_OK) {
        tw__route_free(&route);
        return tw__app_fail(app, "out of memory registering route %s", pattern);
    }
    route.fn = fn;
    route.data = data;
    app->routes[app->nroutes++] = route;
    app->errmsg[0] = '\0';
    return TW_OK;
}

static int add_hook(tw_app *app, tw_hook_list *list, tw_hook hook, const char *kind)
{
    if (hook.fn.handler == NULL)
        return tw__app_fail(app, "%s hook is NULL", kind);
    if (tw__grow((void **)&list->items, &list->cap, list->count, sizeof(hook)) != TW_OK)
        return tw__app_fail(app, "out of memory registering a %s hook", kind);
    list->items[list->count++] = hook;
    return TW_OK;
}

int tw_app_before_request(tw_app *app, tw_handler_fn fn, void *data)
{
    return add_hook(app, &app->before, (tw_hook){.fn.handler = fn, .data = data}, "before-request");
}

int tw_app_after_request(tw_app *app, tw_handler_fn fn, void *data)
{
    return add_hook(app, &app->after, (tw_hook){.fn.handler = fn, .data = data}, "after-request");
}

int tw_app_teardown_request(tw_app *app, tw_teardown_fn fn, void *data)
{
    return add_hook(app, &app->teardown, (tw_hook){.fn.teardown = fn, .data = data}, "teardown");
}

int tw_app_error_handler(tw_app *app, int status, tw_error_fn fn, void *data)
{
    if (status != TW_HANDLER_FAILED && (status < 400 || status > 599))
        return tw__app_fail(app,
                            "error handler for status %d: expected 400-599 or "
                            "TW_HANDLER_FAILED",
                            status);
    for (size_t i = 0; i < app->errors.count; i++) {
        if (app->errors.items[i].status == status)
            return tw__app_fail(app, "error handler for status %d: already registered", status);
    }
    return add_hook(app, &app->errors, (tw_hook){.fn.error = fn, .data = data, .status = status},
                    "error");
}

static const tw_extension_entry *find_extension(const tw_app *app, const char *name)
{
    for (size_t i = 0; i < app->nextensions; i++) {
        if (strcmp(app->extensions[i].ext->name, name) == 0)
            return &app->extensions[i];
    }
    return NULL;
}

int tw_app_register_extension(tw_app *app, const tw_extension *ext, void *state)
{
    if (ext == NULL || ext->name == NULL || ext->init == NULL)
        return tw__app_fail(app, "extension: a name and an init function are required");
    if (find_extension(app, ext->name) != NULL)
        return tw__app_fail(app, "extension \"%s\": already registered", ext->name);
    if (tw__grow((void **)&app->extensions, &app->extensions_cap, app->nextensions,
                 sizeof(*app->extensions)) != TW_OK)
        return tw__app_fail(app, "out of memory registering extension \"%s\"", ext->name);
    /* Recorded before init, so that init's hooks can already look their state up. */
    app->extensions[app->nextensions++] = (tw_extension_entry){.ext = ext, .state = state};
    app->errmsg[0] = '\0';
    if (ext->init(app, state) != TW_OK) {
        app->nextensions--;
        if (app->errmsg[0] == '\0')
            tw__app_fail(app, "extension \"%s\": init failed", ext->name);
        return TW_FAIL;
    }
    return TW_OK;
}

void *tw_app_extension(const tw_app *app, const char *name)
{
    const tw_extension_entry *entry = find_extension(app, name);
    return entry != NULL ? entry->state : NULL;
}
