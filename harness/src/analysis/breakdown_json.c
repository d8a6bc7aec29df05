/*
 * breakdown_json.c - see breakdown_json.h. The parts go out in their fixed
 * order, each with the sentence that names its figures; and a verdict that
 * blames the system for a loss the measures put elsewhere is corrected.
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

void breakdown_json_qualify(json_t *analysis, unsigned servers, const breakdown *b)
{
    if (b == NULL || !json_is_string(json_object_get(analysis, "limiting_factor")) ||
        b->parts[BREAKDOWN_SYSTEM] * 2 >= b->lost)
        return;
    json_t *note = json_sprintf(
        "%s; but at %u servers %.0f of the %.0f requests/s lost are not the system's: the "
        "largest part is %s (%s), so the fit's %s is not named",
        json_string_value(json_object_get(analysis, "verdict_note")), servers,
        b->lost - b->parts[BREAKDOWN_SYSTEM], b->lost, breakdown_part_name(b->largest),
        b->evidence[b->largest], json_string_value(json_object_get(analysis, "limiting_factor")));
    json_object_set_new(analysis, "verdict_note", note);
    json_object_set_new(analysis, "limiting_factor", json_null());
}
