/*
 * o311_format.c - GeoReport answers as JSON or XML from one jansson tree.
 *
 * XML is written with libxml2's xmlTextWriter, which escapes markup
 * characters; what it cannot help with are the characters XML 1.0 forbids
 * even escaped (C0 controls other than tab, newline and return; U+FFFE,
 * U+FFFF), which a report's text may hold: they are dropped from the XML
 * (the JSON keeps them, escaped). A list's items are named after the list
 * (services/service, attributes/attribute, ...), as in the spec's examples.
 */
#include "gz.h"

#include <libxml/xmlwriter.h>
#include <stdarg.h>

#include "api/o311.h"
#include "util/log.h"

/* The element of each item of a list, by the list's name. */
static const char *item_name(const char *list)
{
    static const char *const names[][2] = {
        {"services", "service"},       {"service_requests", "request"},
        {"errors", "error"},           {"attributes", "attribute"},
        {"values", "value"},           {"endpoints", "endpoint"},
        {"formats", "format"},         {"notes", "note"},
        {"category_path", "category"},
    };

    for (size_t i = 0; i < GZ_ARRAY_LEN(names); i++)
        if (strcmp(names[i][0], list) == 0)
            return names[i][1];
    return "item";
}

/* Bytes of the character at s that XML may not carry, 0 when it may. */
static size_t xml_forbidden(const unsigned char *s)
{
    if (s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r')
        return 1;
    if (s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
        return 3;
    return 0;
}

/* s without the characters XML forbids: s itself when it has none, else *copy (freed after). */
static const char *xml_clean(const char *s, char **copy)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    char *out;

    *copy = NULL;
    while (*p && !xml_forbidden(p))
        p++;
    if (!*p)
        return s;
    out = malloc(strlen(s) + 1);
    if (!out)
        return "";
    for (p = (const unsigned char *)s; *p;) {
        size_t bad = xml_forbidden(p);
        if (bad) {
            p += bad;
            continue;
        }
        out[k++] = (char)*p++;
    }
    out[k] = '\0';
    *copy = out;
    return out;
}

static int write_value(xmlTextWriterPtr w, const char *name, const json_t *v);

static int write_text(xmlTextWriterPtr w, const char *text)
{
    char *copy;
    const char *clean = xml_clean(text, &copy);
    int rc = xmlTextWriterWriteString(w, BAD_CAST clean);

    free(copy);
    return rc < 0 ? -1 : 0;
}

static int write_scalar(xmlTextWriterPtr w, const json_t *v)
{
    char num[64];

    switch (json_typeof(v)) {
    case JSON_STRING: return write_text(w, json_string_value(v));
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return write_text(w, num);
    case JSON_REAL:
        snprintf(num, sizeof(num), "%.15g", json_real_value(v));
        return write_text(w, num);
    case JSON_TRUE: return write_text(w, "true");
    case JSON_FALSE: return write_text(w, "false");
    default: return 0; /* null: an empty element */
    }
}

static int write_children(xmlTextWriterPtr w, const char *name, const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, item) {
            if (write_value(w, key, item))
                return -1;
        }
        return 0;
    }
    json_array_foreach(v, i, item) {
        if (write_value(w, item_name(name), item))
            return -1;
    }
    return 0;
}

static int write_value(xmlTextWriterPtr w, const char *name, const json_t *v)
{
    int rc;

    if (xmlTextWriterStartElement(w, BAD_CAST name) < 0)
        return -1;
    if (json_is_object(v) || json_is_array(v))
        rc = write_children(w, name, v);
    else
        rc = write_scalar(w, v);
    if (rc || xmlTextWriterEndElement(w) < 0)
        return -1;
    return 0;
}

char *o311_xml(const json_t *doc, const char *root, size_t *len)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    char *out = NULL;
    int rc;

    if (!w) {
        xmlBufferFree(buf);
        return NULL;
    }
    rc = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 || write_value(w, root, doc) ||
         xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w); /* flushes into buf */
    if (!rc) {
        *len = (size_t)xmlBufferLength(buf);
        out = malloc(*len + 1);
        if (out) {
            memcpy(out, xmlBufferContent(buf), *len);
            out[*len] = '\0';
        }
    }
    xmlBufferFree(buf);
    return out;
}

void o311_reply(struct http_req *r, enum o311_fmt fmt, int status, const char *root, json_t *doc)
{
    size_t len = 0;
    char *xml;

    if (fmt == O311_JSON) {
        http_reply_json(r, status, doc);
        return;
    }
    xml = doc ? o311_xml(doc, root, &len) : NULL;
    json_decref(doc);
    if (!xml) {
        log_error("open311: could not write the XML answer");
        xml = strdup("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errors><error><code>500</code>"
                     "<description>internal error</description></error></errors>\n");
        status = 500;
        len = xml ? strlen(xml) : 0;
    }
    http_reply(r, status, "text/xml; charset=utf-8", xml, len);
}

void o311_fail(struct http_req *r, enum o311_fmt fmt, int status, const char *msg, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, msg);
    vsnprintf(text, sizeof(text), msg, ap);
    va_end(ap);
    o311_reply(r, fmt, status, "errors",
               json_pack("[{s:i, s:s}]", "code", status, "description", text));
}

void o311_fail_err(struct http_req *r, enum o311_fmt fmt, const struct gz_err *err)
{
    int status = err->code == GZ_ENOTFOUND                             ? 404
                 : err->code == GZ_EFORBIDDEN || err->code == GZ_EAUTH ? 403
                 : err->code == GZ_ELIMIT                              ? 429
                 : api_status(err->code) >= 500                        ? 500
                                                                       : 400;

    if (status == 500)
        o311_fail(r, fmt, status, "internal error");
    else if (err->field[0] && strncmp(err->msg, err->field, strlen(err->field)) != 0)
        o311_fail(r, fmt, status, "%s: %s", err->field, err->msg);
    else
        o311_fail(r, fmt, status, "%s", err->msg);
}
