/*
 * report_read_resources.c - the part of the report reader for what a run
 * measured beside throughput: each window's resources (runs[].resources),
 * each step's (summary.resources), where a step's lost throughput went
 * (summary.breakdown) or a super-linear step's gain came from
 * (summary.gain), and whether other work disturbed it (summary.disturbed).
 * All of it is optional, since older reports lack it,
 * but what is there is checked like the rest: one entry per server, figures
 * that cannot be negative are not, and the loss's parts are the known ones
 * and add up to the loss. A writer can then print a share of the loss
 * without asking whether the parts make sense.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_read.h"
#include "report_reader.h"

static const char *const loss_part_names[REPORT_LOSS_PARTS] = {
    [REPORT_LOSS_FRONT_IMBALANCE] = "front_imbalance",
    [REPORT_LOSS_THROTTLING] = "throttling",
    [REPORT_LOSS_CPU_STARVATION] = "cpu_starvation",
    [REPORT_LOSS_LOAD_GENERATOR] = "load_generator",
    [REPORT_LOSS_SHARED_SERVICE] = "shared_service",
    [REPORT_LOSS_SYSTEM] = "system",
};

const char *report_loss_part_name(report_loss_part part)
{
    return part < REPORT_LOSS_PARTS ? loss_part_names[part] : "unknown";
}

/*
 * How far apart two sums of rounded figures may be and still agree: a request per second, or
 * a millionth of the figures' size when they are large.
 */
static double rounding(double size)
{
    return fmax(1.0, 1e-6 * fabs(size));
}

/* An object at key, or none (*out NULL) when it is null or absent. */
static int optional_object(reader *r, json_t *obj, const char *key, json_t **out)
{
    *out = NULL;
    if (json_is_null(json_object_get(obj, key)))
        return 0;
    return reader_field(r, obj, key, JSON_OBJECT, 0, out);
}

/* Reads one server's entry into an item of the array read_servers fills. */
typedef int (*server_item_reader)(reader *r, json_t *s, void *item);

/* The array read_servers fills, and how. */
typedef struct server_items {
    server_item_reader read_one;
    char *items;
    size_t size;
} server_items;

static int read_server(reader *r, json_t *s, size_t i, void *ctx)
{
    server_items *to = ctx;
    return to->read_one(r, s, to->items + i * to->size);
}

/* The "servers" array of obj, one entry per server of the step, each an object read by read_one
 * into an array of *n items of size bytes (calloc'd, the caller's), or NULL after reader_fail. */
static void *read_servers(reader *r, json_t *obj, long long servers, size_t size,
                          server_item_reader read_one, size_t *n)
{
    json_t *list;
    if (reader_field(r, obj, "servers", JSON_ARRAY, 1, &list) != 0)
        return NULL;
    *n = json_array_size(list);
    if ((long long)*n != servers) {
        reader_enter_key(r, "servers");
        reader_fail(r, "expected one entry per server (%lld), got %zu", servers, *n);
        *n = 0;
        return NULL;
    }
    server_items to = {read_one, reader_array_of(r, *n, size), size};
    if (to.items == NULL || reader_each(r, list, "servers", JSON_OBJECT, read_server, &to) != 0) {
        free(to.items);
        *n = 0;
        return NULL;
    }
    return to.items;
}

static int read_server_window(reader *r, json_t *s, void *item)
{
    report_server_window *out = item;
    int throttled, nr_throttled, nr_periods;
    if (reader_nonnegative(r, s, "cpu_user_s", &out->cpu_user_s) != 0 ||
        reader_nonnegative(r, s, "cpu_system_s", &out->cpu_system_s) != 0 ||
        reader_nonnegative(r, s, "cpu_s", &out->cpu_s) != 0 ||
        reader_nonnegative(r, s, "peak_rss_bytes", &out->peak_rss_bytes) != 0 ||
        reader_nonnegative(r, s, "runqueue_wait_s", &out->runqueue_wait_s) != 0 ||
        reader_nullable_nonnegative(r, s, "throttled_s", &out->throttled_s, &throttled) != 0 ||
        reader_nullable_nonnegative(r, s, "nr_throttled", &out->nr_throttled, &nr_throttled) != 0 ||
        reader_nullable_nonnegative(r, s, "nr_periods", &out->nr_periods, &nr_periods) != 0 ||
        reader_nullable_nonnegative(r, s, "connections", &out->connections,
                                    &out->has_connections) != 0 ||
        reader_nullable_nonnegative(r, s, "requests", &out->requests, &out->has_requests) != 0)
        return -1;
    out->has_throttling = throttled || nr_throttled || nr_periods;
    return 0;
}

static int read_wrk(reader *r, json_t *resources, report_window_resources *out)
{
    json_t *wrk;
    if (optional_object(r, resources, "wrk", &wrk) != 0)
        return -1;
    out->has_wrk = wrk != NULL;
    if (wrk == NULL)
        return 0;
    size_t back = reader_enter_key(r, "wrk");
    if (reader_nonnegative(r, wrk, "cpu_s", &out->wrk_cpu_s) != 0 ||
        reader_nonnegative(r, wrk, "runqueue_wait_s", &out->wrk_runqueue_wait_s) != 0 ||
        reader_nullable_nonnegative(r, wrk, "connections_open", &out->wrk_connections_open,
                                    &out->has_wrk_connections_open) != 0 ||
        reader_nonnegative(r, wrk, "connections_asked", &out->wrk_connections_asked) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

static int read_machine(reader *r, json_t *resources, report_window_resources *out)
{
    json_t *machine;
    if (optional_object(r, resources, "machine", &machine) != 0)
        return -1;
    out->has_machine = machine != NULL;
    if (machine == NULL)
        return 0;
    size_t back = reader_enter_key(r, "machine");
    if (reader_number(r, machine, "cores", 1, 0, 1, DBL_MAX, &out->machine_cores, NULL) != 0 ||
        reader_nonnegative(r, machine, "busy_s", &out->machine_busy_s) != 0 ||
        reader_nonnegative(r, machine, "foreign_cpu_s", &out->machine_foreign_cpu_s) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

int reader_window_resources(reader *r, json_t *run, long long servers, report_window_resources *out)
{
    json_t *resources;
    memset(out, 0, sizeof(*out));
    out->notes = "";
    if (optional_object(r, run, "resources", &resources) != 0)
        return -1;
    if (resources == NULL)
        return 0;
    size_t back = reader_enter_key(r, "resources");
    if (reader_nonnegative(r, resources, "window_s", &out->window_s) != 0 ||
        (out->servers = read_servers(r, resources, servers, sizeof(*out->servers),
                                     read_server_window, &out->nservers)) == NULL)
        return -1;
    out->present = 1;
    if (read_wrk(r, resources, out) != 0 || read_machine(r, resources, out) != 0 ||
        reader_string(r, resources, "notes", 0, "", &out->notes) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

static int read_server_resources(reader *r, json_t *s, void *item)
{
    report_server_resources *out = item;
    return reader_nonnegative(r, s, "cpu_user_s", &out->cpu_user_s) != 0 ||
                   reader_nonnegative(r, s, "cpu_system_s", &out->cpu_system_s) != 0 ||
                   reader_nonnegative(r, s, "peak_rss_bytes", &out->peak_rss_bytes) != 0 ||
                   reader_nullable_nonnegative(r, s, "requests_per_cpu_s", &out->requests_per_cpu_s,
                                               &out->has_requests_per_cpu_s) != 0
               ? -1
               : 0;
}

int reader_step_resources(reader *r, json_t *summary, long long servers, report_step_resources *out)
{
    json_t *resources;
    memset(out, 0, sizeof(*out));
    if (optional_object(r, summary, "resources", &resources) != 0)
        return -1;
    if (resources == NULL)
        return 0;
    size_t back = reader_enter_key(r, "resources");
    if ((out->servers = read_servers(r, resources, servers, sizeof(*out->servers),
                                     read_server_resources, &out->nservers)) == NULL)
        return -1;
    out->present = 1;
    if (reader_nonnegative(r, resources, "cpu_s", &out->cpu_s) != 0 ||
        reader_nullable_nonnegative(r, resources, "requests_per_cpu_s", &out->requests_per_cpu_s,
                                    &out->has_requests_per_cpu_s) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

/* One of breakdown.parts[]: a known part, listed once. */
static int read_part(reader *r, json_t *item, size_t i, void *ctx)
{
    report_breakdown *out = ctx;
    const char *name;
    (void)i;
    if (reader_string(r, item, "part", 1, NULL, &name) != 0)
        return -1;
    report_loss_part part = 0;
    while (part < REPORT_LOSS_PARTS && strcmp(loss_part_names[part], name) != 0)
        part++;
    if (part == REPORT_LOSS_PARTS) {
        reader_enter_key(r, "part");
        return reader_fail(r, "unknown part (expected \"front_imbalance\", \"throttling\", "
                              "\"cpu_starvation\", \"load_generator\", \"shared_service\" or "
                              "\"system\")");
    }
    report_loss *loss = &out->parts[part];
    if (loss->present) {
        reader_enter_key(r, "part");
        return reader_fail(r, "\"%s\" is listed twice", name);
    }
    loss->present = 1;
    return reader_nonnegative(r, item, "lost", &loss->lost) != 0 ||
                   reader_string(r, item, "evidence", 0, "", &loss->evidence) != 0
               ? -1
               : 0;
}

/* The parts, each known and listed once, adding up to the loss. */
static int read_parts(reader *r, json_t *breakdown, report_breakdown *out)
{
    json_t *parts;
    if (reader_field(r, breakdown, "parts", JSON_ARRAY, 1, &parts) != 0 ||
        reader_each(r, parts, "parts", JSON_OBJECT, read_part, out) != 0)
        return -1;
    double sum = 0;
    for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++)
        sum += out->parts[p].lost;
    if (fabs(sum - out->lost) > rounding(out->ideal)) {
        reader_enter_key(r, "parts");
        return reader_fail(r, "the parts sum to %.17g, not to \"lost\" %.17g (beyond rounding)",
                           sum, out->lost);
    }
    return 0;
}

/* "largest": a part listed, with no other part larger (beyond rounding). */
static int read_largest(reader *r, json_t *breakdown, report_breakdown *out)
{
    const char *name;
    if (reader_string(r, breakdown, "largest", 1, NULL, &name) != 0)
        return -1;
    size_t back = reader_enter_key(r, "largest");
    report_loss_part largest = 0;
    while (largest < REPORT_LOSS_PARTS && strcmp(loss_part_names[largest], name) != 0)
        largest++;
    if (largest == REPORT_LOSS_PARTS || !out->parts[largest].present)
        return reader_fail(r, "expected the name of a part listed in \"parts\"");
    for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++) {
        if (out->parts[p].lost > out->parts[largest].lost + rounding(out->ideal))
            return reader_fail(r, "\"%s\" lost %.17g, more than \"%s\" (%.17g)", loss_part_names[p],
                               out->parts[p].lost, name, out->parts[largest].lost);
    }
    out->largest = largest;
    reader_leave(r, back);
    return 0;
}

int reader_breakdown(reader *r, json_t *summary, report_breakdown *out)
{
    json_t *breakdown;
    memset(out, 0, sizeof(*out));
    if (optional_object(r, summary, "breakdown", &breakdown) != 0)
        return -1;
    if (breakdown == NULL)
        return 0;
    size_t back = reader_enter_key(r, "breakdown");
    if (reader_nonnegative(r, breakdown, "ideal", &out->ideal) != 0 ||
        reader_nonnegative(r, breakdown, "measured", &out->measured) != 0 ||
        reader_nonnegative(r, breakdown, "lost", &out->lost) != 0)
        return -1;
    if (fabs(out->ideal - out->measured - out->lost) > rounding(out->ideal)) {
        reader_enter_key(r, "lost");
        return reader_fail(r, "expected \"ideal\" - \"measured\" (%.17g), got %.17g",
                           out->ideal - out->measured, out->lost);
    }
    if (read_parts(r, breakdown, out) != 0 || read_largest(r, breakdown, out) != 0)
        return -1;
    reader_leave(r, back);
    out->present = 1;
    return 0;
}

int reader_gain(reader *r, json_t *summary, report_gain *out)
{
    json_t *gain;
    memset(out, 0, sizeof(*out));
    if (optional_object(r, summary, "gain", &gain) != 0)
        return -1;
    if (gain == NULL)
        return 0;
    size_t back = reader_enter_key(r, "gain");
    if (reader_nonnegative(r, gain, "ideal", &out->ideal) != 0 ||
        reader_nonnegative(r, gain, "measured", &out->measured) != 0 ||
        reader_nonnegative(r, gain, "gained", &out->gained) != 0 ||
        reader_string(r, gain, "evidence", 1, NULL, &out->evidence) != 0)
        return -1;
    if (fabs(out->measured - out->ideal - out->gained) > rounding(out->measured)) {
        reader_enter_key(r, "gained");
        return reader_fail(r, "expected \"measured\" - \"ideal\" (%.17g), got %.17g",
                           out->measured - out->ideal, out->gained);
    }
    reader_leave(r, back);
    out->present = 1;
    return 0;
}

int reader_disturbed(reader *r, json_t *summary, report_summary *s)
{
    s->disturbed_flag = NULL;
    if (reader_bool(r, summary, "disturbed", 0, &s->disturbed) != 0)
        return -1;
    if (!s->disturbed)
        return 0;
    for (size_t i = 0; i < s->nflags && s->disturbed_flag == NULL; i++) {
        if (strncmp(s->flags[i], "disturbed:", 10) == 0)
            s->disturbed_flag = s->flags[i];
    }
    size_t back = reader_enter_key(r, "disturbed");
    if (s->valid)
        return reader_fail(r, "true, but the step is valid: a disturbed step is not");
    if (s->disturbed_flag == NULL)
        return reader_fail(r, "true, but no flag says \"disturbed: ...\" with the figure that "
                              "tripped it");
    reader_leave(r, back);
    return 0;
}
