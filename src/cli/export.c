/*
 * export.c - `gongzhi export cases --format csv|json [--from D] [--to D]
 * [--out FILE]`: every case created in [from, to), oldest first, written a
 * page at a time, without personal data (api/case_export.h).
 */
#include "gz.h"

#include "api/api_util.h"
#include "api/case_export.h"
#include "cli/cli.h"
#include "core/calendar.h"

static int usage(void)
{
    fprintf(stderr, "usage: gongzhi export cases [--format csv|json] [--from DATE] [--to DATE] "
                    "[--out FILE] [--db FILE]\n");
    return EXIT_USAGE;
}

/* Write what the page added and empty the buffer. */
static int flush_file(void *ctx, struct buf *b)
{
    FILE *f = ctx;

    if (b->len && fwrite(buf_str(b), 1, b->len, f) != b->len)
        return GZ_EIO;
    buf_release(b);
    return 0;
}

static int parse_range(const struct cli_opts *o, struct case_filter *f)
{
    if ((o->from && !api_parse_time(o->from, &f->created_from)) ||
        (o->to && !api_parse_time(o->to, &f->created_to))) {
        fprintf(stderr, "gongzhi: export: --from and --to take YYYY-MM-DD or an RFC 3339 time\n");
        return -1;
    }
    if (f->created_from && f->created_to && f->created_from >= f->created_to) {
        fprintf(stderr, "gongzhi: export: --to must be after --from\n");
        return -1;
    }
    return 0;
}

static int run(struct store *s, const struct cli_opts *o, enum export_format fmt,
               struct case_filter *f)
{
    FILE *out = o->out ? fopen(o->out, "w") : stdout;
    struct export_out x = {flush_file, NULL, out, NULL};
    struct gz_err err = {0};
    struct buf b;
    int rc;

    if (!out) {
        fprintf(stderr, "gongzhi: export: cannot write %s\n", o->out);
        return 1;
    }
    buf_init(&b, 64u << 20);
    rc = case_export(s, f, fmt, &x, &b, &err);
    buf_release(&b);
    if (o->out && fclose(out) != 0 && !rc)
        rc = gz_fail(&err, GZ_EIO, "out", "writing failed");
    if (rc)
        fprintf(stderr, "gongzhi: export: %s\n", err.msg);
    return rc ? 1 : 0;
}

int cmd_export(const struct cli_opts *o)
{
    struct case_filter f = {0};
    struct calendar *cal;
    struct store *s;
    int fmt = export_format_parse(o->format ? o->format : "csv"), code = 0;

    if (o->argc != 1 || strcmp(o->argv[0], "cases") != 0 || fmt < 0)
        return usage();
    if (!(s = cli_open_store(o, &code)))
        return code;
    /* dates are the city's: its zone becomes the process's */
    cal = cli_load_calendar(s);
    if (!cal)
        code = 1;
    else if (parse_range(o, &f))
        code = EXIT_USAGE;
    else
        code = run(s, o, (enum export_format)fmt, &f);
    cal_free(cal);
    store_close(s);
    return code;
}
