/*
 * report_reader.c - see report_reader.h: the primitives every part of the
 * report reader walks the JSON with (report_read.c for the schema's core,
 * report_read_resources.c for the measured resources and the loss
 * breakdown), so that every refusal reads alike and names its JSON path.
 */
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_type.h"
#include "report_reader.h"

int reader_fail(reader *r, const char *fmt, ...)
{
    int used = snprintf(r->err, r->errlen, "%s: %s: ", r->name, r->path);
    if (used >= 0 && (size_t)used < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + used, r->errlen - (size_t)used, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Appends a step to the path (left as it was when it does not fit); returns where to come back
 * to with reader_leave(). */
static size_t __attribute__((format(printf, 2, 3))) enter(reader *r, const char *fmt, ...)
{
    size_t back = r->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->path + r->len, sizeof(r->path) - r->len, fmt, ap);
    va_end(ap);
    r->len = n > 0 && (size_t)n < sizeof(r->path) - r->len ? r->len + (size_t)n : back;
    r->path[r->len] = '\0';
    return back;
}

/* Steps into a key or an index; returns where to come back to with reader_leave(). */
size_t reader_enter_key(reader *r, const char *key)
{
    return enter(r, ".%s", key);
}

static size_t enter_index(reader *r, size_t i)
{
    return enter(r, "[%zu]", i);
}

void reader_leave(reader *r, size_t back)
{
    r->len = back;
    r->path[back] = '\0';
}

/* What reader_field's and reader_each's types read as in a message. */
static const char *type_expected(int type)
{
    static const char *const expected[] = {
        [JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
        [JSON_INTEGER] = "an integer", [JSON_TRUE] = "a boolean", [JSON_NULL] = "null"};
    return type == ANY_NUMBER ? "a number" : expected[type];
}

/* Fails unless v is of type (JSON_TRUE standing for either boolean, ANY_NUMBER for an integer
 * or a real), the path where it stands. */
static int check_type(reader *r, json_t *v, int type)
{
    int ok = type == ANY_NUMBER  ? json_is_number(v)
             : type == JSON_TRUE ? json_is_boolean(v)
                                 : (int)json_typeof(v) == type;
    return ok ? 0 : reader_fail(r, "expected %s, got %s", type_expected(type), json_type_name(v));
}

/*
 * The value at key of obj in *out, checked against type (one of jansson's, JSON_TRUE
 * standing for either boolean, or ANY_NUMBER for an integer or a real). Absent: an error when
 * required, else *out is NULL. Failing leaves the path at the key; succeeding leaves it where it
 * was.
 */
int reader_field(reader *r, json_t *obj, const char *key, int type, int required, json_t **out)
{
    size_t back = reader_enter_key(r, key);
    json_t *v = json_object_get(obj, key);
    *out = v;
    if (v == NULL) {
        if (required)
            return reader_fail(r, "missing: expected %s", type_expected(type));
        reader_leave(r, back);
        return 0;
    }
    if (check_type(r, v, type) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

int reader_each(reader *r, json_t *array, const char *key, int type, reader_item read_item,
                void *ctx)
{
    json_t *item;
    size_t i, back = reader_enter_key(r, key);
    /* The array's shape first, then what its items hold: an item of the wrong type is named
     * even after an earlier item that would fail on its own fields. */
    for (int reading = 0; reading <= 1; reading++) {
        json_array_foreach(array, i, item)
        {
            size_t at = enter_index(r, i);
            if (reading ? read_item(r, item, i, ctx) != 0 : check_type(r, item, type) != 0)
                return -1;
            reader_leave(r, at);
        }
    }
    reader_leave(r, back);
    return 0;
}

static int read_string_item(reader *r, json_t *item, size_t i, void *ctx)
{
    (void)r;
    ((const char **)ctx)[i] = json_string_value(item);
    return 0;
}

int reader_strings(reader *r, json_t *obj, const char *key, int required, const char ***out,
                   size_t *n)
{
    json_t *list;
    if (reader_field(r, obj, key, JSON_ARRAY, required, &list) != 0)
        return -1;
    *n = json_array_size(list);
    if ((*out = reader_array_of(r, *n, sizeof(**out))) == NULL)
        return -1;
    return reader_each(r, list, key, JSON_STRING, read_string_item, *out);
}

int reader_string(reader *r, json_t *obj, const char *key, int required, const char *dflt,
                  const char **out)
{
    json_t *v;
    if (reader_field(r, obj, key, JSON_STRING, required, &v) != 0)
        return -1;
    *out = v != NULL ? json_string_value(v) : dflt;
    return 0;
}

/* A string, or null or absent (both NULL). */
int reader_nullable_string(reader *r, json_t *obj, const char *key, const char **out)
{
    *out = NULL;
    return json_is_null(json_object_get(obj, key)) ? 0 : reader_string(r, obj, key, 0, NULL, out);
}

/* A number in [min, max] (above min when min_exclusive). */
int reader_number(reader *r, json_t *obj, const char *key, int required, double min,
                  int min_exclusive, double max, double *out, int *present)
{
    json_t *v;
    if (reader_field(r, obj, key, ANY_NUMBER, required, &v) != 0)
        return -1;
    if (present != NULL)
        *present = v != NULL;
    *out = 0;
    if (v == NULL)
        return 0;
    double x = json_number_value(v);
    if ((min_exclusive ? x <= min : x < min) || x > max) {
        reader_enter_key(r, key);
        return reader_fail(r, "expected a number %s %.10g and at most %.10g, got %.17g",
                           min_exclusive ? ">" : ">=", min, max, x);
    }
    *out = x;
    return 0;
}

int reader_nonnegative(reader *r, json_t *obj, const char *key, double *out)
{
    return reader_number(r, obj, key, 1, 0, 0, DBL_MAX, out, NULL);
}

int reader_nullable_nonnegative(reader *r, json_t *obj, const char *key, double *out, int *present)
{
    *out = 0;
    *present = 0;
    if (json_is_null(json_object_get(obj, key)))
        return 0;
    return reader_number(r, obj, key, 0, 0, 0, DBL_MAX, out, present);
}

int reader_bool(reader *r, json_t *obj, const char *key, int required, int *out)
{
    json_t *v;
    if (reader_field(r, obj, key, JSON_TRUE, required, &v) != 0)
        return -1;
    *out = json_is_true(v);
    return 0;
}

int reader_integer(reader *r, json_t *obj, const char *key, int required, long long min,
                   long long *out)
{
    json_t *v;
    if (reader_field(r, obj, key, JSON_INTEGER, required, &v) != 0)
        return -1;
    *out = v != NULL ? (long long)json_integer_value(v) : 0;
    if (v != NULL && *out < min) {
        reader_enter_key(r, key);
        return reader_fail(r, "expected an integer >= %lld, got %lld", min, *out);
    }
    return 0;
}

/* calloc for n items that is not NULL for n == 0 in error checks. */
void *reader_array_of(reader *r, size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size);
    if (p == NULL)
        reader_fail(r, "out of memory for %zu items", n);
    return p;
}
