/*
 * breakdown_json.c - see breakdown_json.h. The parts go out in their fixed
 * order, each with the sentence that names its figures.
 */
#include "breakdown_json.h"

json_t *breakdown_json(const breakdown *b)
{
    if (b == NULL)
        return json_null();
    json_t *parts = json_array();
    for (int p = 0; p < BREAKDOWN_PARTS; p++)
        json_array_append_new(parts, json_pack("{s:s, s:f, s:s}", "part",
                                               breakdown_part_name((enum breakdown_part)p), "lost",
                                               b->parts[p], "evidence", b->evidence[p]));
    return json_pack("{s:f, s:f, s:f, s:o, s:s}", "ideal", b->ideal, "measured", b->measured,
                     "lost", b->lost, "parts", parts, "largest", breakdown_part_name(b->largest));
}
