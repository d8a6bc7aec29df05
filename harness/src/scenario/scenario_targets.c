/*
 * scenario_targets.c - see scenario_targets.h. Both forms end as the same
 * list of targets, so that nothing past the loader knows which one a file
 * used. A target's command folder is resolved against the scenario file's
 * own folder and must exist when the file is loaded: a scenario is copied
 * around with the servers it names, and a wrong folder found half-way
 * through a run would waste it.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json_type.h"
#include "message_text.h"
#include "scenario_strings.h"
#include "scenario_targets.h"

static const char *const model_names[] = {"process", "thread", "coroutine", NULL};
static const char *const checks[] = {"status", "plaintext", "json", "ctx", NULL};
static const char *const workload_keys[] = {"route", "check", "workers", "threads", NULL};
static const char *const old_target_keys[] = {"app",     "command", "route", "workers",
                                              "threads", "check",   NULL};
static const char *const target_keys[] = {"label",   "app",     "model", "workers", "threads",
                                          "db_pool", "command", "cwd",   NULL};

#define APP_NAME "twice-app"

/* The workload's members of obj (at path): route, check, and twice-app's defaults. */
static int parse_workload(scenario_loader *ld, json_t *obj, const char *path)
{
    scenario *sc = ld->sc;
    char child[64], why[512];
    int check;
    if (scenario_field_string(ld, obj, path, "route", 1, &sc->route) != 0 ||
        scenario_field_uint(ld, obj, path, "workers", 1, 1024, 1, &sc->workers) != 0 ||
        scenario_field_uint(ld, obj, path, "threads", 1, 4096, 8, &sc->threads) != 0 ||
        scenario_field_choice(ld, obj, path, "check", checks, SCENARIO_CHECK_STATUS, &check) != 0)
        return -1;
    sc->check = (scenario_check)check;
    json_schema_child(child, sizeof(child), path, "route");
    if (scenario_route_check(sc->route, why, sizeof(why)) != 0)
        return json_schema_fail(&ld->schema, child, 0, "\"%s\" %s", child, why);
    return 0;
}

/* The next target, labelled label, at where; NULL (with the message) when the list is full. */
static scenario_target *add_target(scenario_loader *ld, const char *where, const char *label)
{
    scenario *sc = ld->sc;
    if (sc->ntargets == SCENARIO_MAX_TARGETS) {
        json_schema_fail(&ld->schema, where, 0, "a scenario compares at most %d targets",
                         SCENARIO_MAX_TARGETS);
        return NULL;
    }
    scenario_target *t = &sc->targets[sc->ntargets++];
    t->where = strdup(where);
    t->label = label != NULL ? strdup(label) : NULL;
    return t;
}

/* "app" must name twice-app (path is where it is). */
static int check_app(scenario_loader *ld, const char *app, const char *path)
{
    char quoted[MESSAGE_QUOTE_SIZE];
    if (strcmp(app, APP_NAME) == 0)
        return 0;
    return json_schema_fail(&ld->schema, path, 0,
                            "\"%s\" must be \"" APP_NAME "\" (for any other server, use "
                            "\"command\"), got %s",
                            path, message_quote(quoted, sizeof(quoted), app));
}

/* The command of t, from the member at where: it must say where its port goes, and its
 * position is kept for the messages that come after the file is closed. */
static int take_command(scenario_loader *ld, scenario_target *t, char *command)
{
    char path[64];
    json_schema_child(path, sizeof(path), t->where, "command");
    t->kind = SCENARIO_TARGET_COMMAND;
    t->command = command;
    const json_position *at = json_positions_find(&ld->schema.positions, path);
    t->command_line = at != NULL ? at->line : 0;
    t->command_column = at != NULL ? at->column : 0;
    if (strstr(command, "{port}") == NULL)
        return json_schema_fail(&ld->schema, path, 0,
                                "\"%s\" must contain {port}, where each server's port goes", path);
    return 0;
}

/* The older form: "target" with "app" and a "models" list, or with a "command". */
static int parse_old_form(scenario_loader *ld, json_t *top, json_t *target)
{
    char *app = NULL, *command = NULL;
    if (scenario_field_keys(ld, target, old_target_keys, "target") != 0 ||
        parse_workload(ld, target, "target") != 0 ||
        scenario_field_string(ld, target, "target", "app", 0, &app) != 0 ||
        scenario_field_string(ld, target, "target", "command", 0, &command) != 0)
        goto fail;
    json_t *models = json_object_get(top, "models");
    if ((app == NULL) == (command == NULL)) {
        json_schema_fail(&ld->schema, "target", 0,
                         "\"target\" needs exactly one of \"app\" (\"" APP_NAME
                         "\") and \"command\"");
        goto fail;
    }
    if (command != NULL) {
        /* An external server has its own concurrency: there is nothing to choose. */
        if (models != NULL) {
            json_schema_fail(&ld->schema, "models", 1,
                             "\"models\" applies to " APP_NAME " only; an external command has "
                             "none");
            goto fail;
        }
        scenario_target *t = add_target(ld, "target", SCENARIO_COMMAND_LABEL);
        return take_command(ld, t, command);
    }
    int rc = check_app(ld, app, "target.app");
    free(app);
    if (rc != 0)
        return -1;
    if (models == NULL)
        return json_schema_fail(&ld->schema, "", 0, "\"models\" is required: a list of %s",
                                "process, thread, coroutine");
    if (!json_is_array(models) || json_array_size(models) == 0 || json_array_size(models) > 3)
        return json_schema_fail(&ld->schema, "models", 0,
                                "\"models\" must be a list of 1 to 3 of \"process\", \"thread\", "
                                "\"coroutine\"");
    for (size_t i = 0; i < json_array_size(models); i++) {
        json_t *m = json_array_get(models, i);
        char path[64], quoted[MESSAGE_QUOTE_SIZE];
        snprintf(path, sizeof(path), "models[%zu]", i);
        const char *model = NULL;
        for (const char *const *name = model_names; *name != NULL; name++) {
            if (json_is_string(m) && strcmp(json_string_value(m), *name) == 0)
                model = *name;
        }
        if (model == NULL)
            return json_schema_fail(&ld->schema, path, 0,
                                    "unknown model %s; the models are \"process\", \"thread\", "
                                    "\"coroutine\"",
                                    scenario_shown_value(quoted, sizeof(quoted), m));
        for (size_t j = 0; j < ld->sc->ntargets; j++) {
            if (ld->sc->targets[j].model == model)
                return json_schema_fail(&ld->schema, path, 0, "model \"%s\" is listed twice",
                                        model);
        }
        scenario_target *t = add_target(ld, "target", model);
        t->kind = SCENARIO_TARGET_APP;
        t->model = model;
        t->workers = ld->sc->workers;
        t->threads = ld->sc->threads;
    }
    return 0;
fail:
    free(app);
    free(command);
    return -1;
}

/* Each of keys (NULL-terminated) that obj holds is refused: it does not apply to a target
 * of this kind, for the reason given. */
static int refuse_keys(scenario_loader *ld, json_t *obj, const char *where, const char *const *keys,
                       const char *reason)
{
    for (const char *const *key = keys; *key != NULL; key++) {
        char child[64];
        json_schema_child(child, sizeof(child), where, *key);
        if (json_object_get(obj, *key) != NULL)
            return json_schema_fail(&ld->schema, child, 1, "\"%s\" %s", child, reason);
    }
    return 0;
}

/* The command's folder: relative to the scenario file's folder, and there. */
static int resolve_cwd(scenario_loader *ld, scenario_target *t)
{
    char child[64];
    json_schema_child(child, sizeof(child), t->where, "cwd");
    if (t->cwd[0] == '/') {
        t->cwd_path = strdup(t->cwd);
    } else {
        char *copy = strdup(ld->sc->path);
        if (copy == NULL || asprintf(&t->cwd_path, "%s/%s", dirname(copy), t->cwd) < 0)
            t->cwd_path = NULL;
        free(copy);
    }
    if (t->cwd_path == NULL)
        return json_schema_fail(&ld->schema, child, 0, "out of memory");
    struct stat st;
    char quoted[MESSAGE_QUOTE_SIZE];
    if (stat(t->cwd_path, &st) != 0 || !S_ISDIR(st.st_mode))
        return json_schema_fail(&ld->schema, child, 0,
                                "\"%s\" must be a folder (relative to the scenario file's), but "
                                "%s is none",
                                child, message_quote(quoted, sizeof(quoted), t->cwd_path));
    return 0;
}

/* One member of "targets", at where. */
static int parse_one_target(scenario_loader *ld, json_t *obj, const char *where)
{
    static const char *const app_only[] = {"model", "workers", "threads", "db_pool", NULL};
    static const char *const command_only[] = {"cwd", NULL};
    char why[512], child[64], *label = NULL, *app = NULL, *command = NULL;
    if (!json_is_object(obj))
        return json_schema_fail(&ld->schema, where, 0,
                                "\"%s\" must be an object such as {\"label\": \"thread\", \"app\": "
                                "\"" APP_NAME "\", \"model\": \"thread\"}, got %s",
                                where, json_type_name(obj));
    if (scenario_field_keys(ld, obj, target_keys, where) != 0 ||
        scenario_field_string(ld, obj, where, "label", 1, &label) != 0)
        goto fail;
    json_schema_child(child, sizeof(child), where, "label");
    if (scenario_name_check(label, why, sizeof(why)) != 0) {
        json_schema_fail(&ld->schema, child, 0, "\"%s\" %s", child, why);
        goto fail;
    }
    for (size_t i = 0; i < ld->sc->ntargets; i++) {
        if (strcmp(ld->sc->targets[i].label, label) == 0) {
            json_schema_fail(&ld->schema, child, 0, "\"%s\" \"%s\" is %s's label already", child,
                             label, ld->sc->targets[i].where);
            goto fail;
        }
    }
    if (scenario_field_string(ld, obj, where, "app", 0, &app) != 0 ||
        scenario_field_string(ld, obj, where, "command", 0, &command) != 0)
        goto fail;
    if ((app == NULL) == (command == NULL)) {
        json_schema_fail(&ld->schema, where, 0,
                         "\"%s\" needs exactly one of \"app\" (\"" APP_NAME "\") and \"command\"",
                         where);
        goto fail;
    }
    scenario_target *t = add_target(ld, where, label);
    free(label);
    label = NULL;
    if (t == NULL)
        goto fail;
    if (command != NULL) {
        /* The target owns the command from here, whatever follows. */
        if (take_command(ld, t, command) != 0 ||
            refuse_keys(ld, obj, where, app_only,
                        "applies to " APP_NAME " only: a command has its own concurrency, set "
                        "in the command") != 0 ||
            scenario_field_string(ld, obj, where, "cwd", 0, &t->cwd) != 0)
            return -1;
        return t->cwd != NULL ? resolve_cwd(ld, t) : 0;
    }
    json_schema_child(child, sizeof(child), where, "app");
    int model;
    int rc = check_app(ld, app, child);
    free(app);
    if (rc != 0 || refuse_keys(ld, obj, where, command_only, "applies to a command only") != 0 ||
        scenario_field_choice(ld, obj, where, "model", model_names, -1, &model) != 0 ||
        scenario_field_uint(ld, obj, where, "workers", 1, 1024, ld->sc->workers, &t->workers) !=
            0 ||
        scenario_field_uint(ld, obj, where, "threads", 1, 4096, ld->sc->threads, &t->threads) !=
            0 ||
        scenario_field_uint(ld, obj, where, "db_pool", 0, 4096, 0, &t->db_pool) != 0)
        return -1;
    t->kind = SCENARIO_TARGET_APP;
    if (model < 0)
        return json_schema_fail(&ld->schema, where, 0,
                                "\"%s.model\" is required with \"app\": one of \"process\", "
                                "\"thread\", \"coroutine\"",
                                where);
    t->model = model_names[model];
    return 0;
fail:
    free(label);
    free(app);
    free(command);
    return -1;
}

/* The newer form: "workload" and a "targets" list. */
static int parse_new_form(scenario_loader *ld, json_t *top, json_t *targets)
{
    json_t *workload;
    if (scenario_field_object(ld, top, "", "workload", 1, &workload) != 0 ||
        scenario_field_keys(ld, workload, workload_keys, "workload") != 0 ||
        parse_workload(ld, workload, "workload") != 0)
        return -1;
    if (!json_is_array(targets) || json_array_size(targets) == 0)
        return json_schema_fail(&ld->schema, "targets", 0,
                                "\"targets\" must be a non-empty list of the servers to compare, "
                                "got %s",
                                json_is_array(targets) ? "[]" : json_type_name(targets));
    for (size_t i = 0; i < json_array_size(targets); i++) {
        char where[32];
        snprintf(where, sizeof(where), "targets[%zu]", i);
        if (parse_one_target(ld, json_array_get(targets, i), where) != 0)
            return -1;
    }
    return 0;
}

int scenario_parse_targets(scenario_loader *ld, json_t *top)
{
    json_t *targets = json_object_get(top, "targets"), *target;
    if (targets == NULL && json_object_get(top, "workload") != NULL)
        return json_schema_fail(&ld->schema, "workload", 1,
                                "\"workload\" goes with a \"targets\" list, the servers to run it "
                                "against");
    if (targets == NULL) {
        if (scenario_field_object(ld, top, "", "target", 0, &target) != 0)
            return -1;
        if (target == NULL)
            return json_schema_fail(&ld->schema, "", 0,
                                    "\"targets\" is required: the servers to compare, each "
                                    "{\"label\", \"app\": \"" APP_NAME "\", \"model\"} or "
                                    "{\"label\", \"command\"}, with the route in \"workload\"");
        return parse_old_form(ld, top, target);
    }
    if (json_object_get(top, "models") != NULL)
        return json_schema_fail(&ld->schema, "models", 1,
                                "\"models\" and \"targets\" together: list twice-app's models in "
                                "\"targets\", as {\"label\": \"thread\", \"app\": \"" APP_NAME
                                "\", \"model\": \"thread\"}");
    if (json_object_get(top, "target") != NULL)
        return json_schema_fail(&ld->schema, "target", 1,
                                "\"target\" and \"targets\" together: with a \"targets\" list, "
                                "the route and check go in \"workload\"");
    return parse_new_form(ld, top, targets);
}

void scenario_target_free(scenario_target *t)
{
    free(t->label);
    free(t->where);
    free(t->command);
    free(t->cwd);
    free(t->cwd_path);
    memset(t, 0, sizeof(*t));
}
