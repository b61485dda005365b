/*
 * main.c - gongzhi's command line: parse the command and its flags, then
 * hand over to the command. Unknown commands and flags name themselves and
 * exit 2.
 */
#include "gz.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/auth.h"
#include "util/log.h"
#include "util/text.h"

struct command {
    const char *name;
    int (*run)(const struct cli_opts *o);
    const char *flags; /* the flags it takes, space separated */
    const char *help;
};

static int cmd_help(const struct cli_opts *o);
static int cmd_version(const struct cli_opts *o);

static const struct command commands[] = {
    {"init", cmd_init, "--db --city --timezone --working-hours --data",
     "create or upgrade a database and its first admin account"},
    {"serve", cmd_serve, "--db --bind --port --threads --sync-full --web",
     "serve the API, the web console (/) and the public portal (/public/) over HTTP"},
    {"demo", cmd_demo, "--db --bind --port --threads --data --no-serve --web",
     "build the demo city (Boston + a Chinese sample) and serve it"},
    {"import", cmd_import, "--db --format",
     "import units FILE.geojson | categories FILE.csv|FILE.json | calendar FILE.csv | routes "
     "FILE.csv | kb FILE.json|FILE.csv | cases --format boston311 FILE.csv.gz (replay a "
     "recorded year)"},
    {"verify", cmd_verify, "--db", "walk the audit chain; print ok N events or the first bad one"},
    {"sweep", cmd_sweep, "--db", "give the reminders and supervision due now (GONGZHI_NOW)"},
    {"train", cmd_train, "--db",
     "learn the category classifier from closed cases, or from a CSV (text,category)"},
    {"config", cmd_config, "--db",
     "show or change a setting (auto_dispatch_threshold); serve reads them at start"},
    {"report", cmd_report, "--db --period --level --basis --format --out",
     "a period's performance report: rankings, trends, effectiveness, hotspots (html or csv)"},
    {"export", cmd_export, "--db --format --from --to --out",
     "cases (csv or json, created in [--from, --to)) without any personal data"},
    {"version", cmd_version, "", "print the version"},
    {"help", cmd_help, "", "this help"},
};

static int cmd_help(const struct cli_opts *o)
{
    (void)o;
    printf("gongzhi %s - urban social governance platform\n\n"
           "usage: gongzhi COMMAND [FLAGS] [ARGS]\n\ncommands:\n",
           GZ_VERSION);
    for (size_t i = 0; i < GZ_ARRAY_LEN(commands); i++)
        printf("  %-8s %s\n", commands[i].name, commands[i].help);
    printf("\nflags:\n"
           "  --db FILE      database file (default gongzhi.db; demo: demo.db)\n"
           "  --bind ADDR    address to listen on (default 127.0.0.1)\n"
           "  --port N       port (default 8080; 0 picks a free one)\n"
           "  --threads N    HTTP worker threads (default: 4 per core)\n"
           "  --city NAME    name of the root unit that init creates (default City)\n"
           "  --timezone TZ  init: the city's IANA time zone (default Asia/Shanghai)\n"
           "  --working-hours H  init: e.g. 08:30-12:00,13:30-17:30 (the default)\n"
           "  --data DIR     shipped data folder (default data): demo city, PRC calendars\n"
           "  --no-serve     demo: build the database and exit\n"
           "  --sync-full    fsync every commit (survives power loss, slower)\n"
           "  --period P     report: 2026-11, 2026-W47, 2026-11-05 or 2026\n"
           "  --level KIND   report: the units ranked (street, community, department, ...)\n"
           "  --basis B      report: lead (cases they lead) or area (cases in a territory)\n"
           "  --out FILE     report: where to write (default: standard output)\n"
           "  --web DIR      serve/demo: the console's files (default web/ beside the binary)\n"
           "  --from D --to D  export: cases created in [D, D) (YYYY-MM-DD or RFC 3339)\n"
           "\nenvironment: GONGZHI_ADMIN_PASSWORD (init), GONGZHI_LOG=debug|info|warn|error,\n"
           "  GONGZHI_NOW=epoch seconds (a fixed clock, for tests and replays)\n"
           "exit codes: 0 ok, 1 failure, 2 usage, 3 database newer than this binary\n");
    return 0;
}

static int cmd_version(const struct cli_opts *o)
{
    (void)o;
    printf("gongzhi %s\n", GZ_VERSION);
    return 0;
}

static bool takes(const struct command *c, const char *flag)
{
    size_t n = strlen(flag);
    const char *p = c->flags;

    while ((p = strstr(p, flag)) != NULL) {
        if (p[n] == ' ' || p[n] == '\0')
            return true;
        p += n;
    }
    return false;
}

static int flag_value(int argc, char **argv, int *i, const char **out)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "gongzhi: %s needs a value\n", argv[*i]);
        return -1;
    }
    *out = argv[++*i];
    return 0;
}

static int set_int(const char *flag, const char *v, int min, int max, int *out)
{
    long long n;

    if (!text_parse_i64(v, min, max, &n)) {
        fprintf(stderr, "gongzhi: %s must be a number from %d to %d\n", flag, min, max);
        return -1;
    }
    *out = (int)n;
    return 0;
}

static int parse_flag(const struct command *c, int argc, char **argv, int *i, struct cli_opts *o)
{
    const char *a = argv[*i], *v = NULL;

    if (!takes(c, a)) {
        fprintf(stderr, "gongzhi: unknown flag %s for %s (see gongzhi help)\n", a, c->name);
        return -1;
    }
    if (strcmp(a, "--no-serve") == 0)
        return o->no_serve = true, 0;
    if (strcmp(a, "--sync-full") == 0)
        return o->sync_full = true, 0;
    if (flag_value(argc, argv, i, &v))
        return -1;
    if (strcmp(a, "--db") == 0)
        o->db = v;
    else if (strcmp(a, "--bind") == 0)
        o->bind = v;
    else if (strcmp(a, "--city") == 0)
        o->city = v;
    else if (strcmp(a, "--timezone") == 0)
        o->timezone = v;
    else if (strcmp(a, "--working-hours") == 0)
        o->working_hours = v;
    else if (strcmp(a, "--data") == 0)
        o->data = v;
    else if (strcmp(a, "--format") == 0)
        o->format = v;
    else if (strcmp(a, "--period") == 0)
        o->period = v;
    else if (strcmp(a, "--level") == 0)
        o->level = v;
    else if (strcmp(a, "--basis") == 0)
        o->basis = v;
    else if (strcmp(a, "--out") == 0)
        o->out = v;
    else if (strcmp(a, "--from") == 0)
        o->from = v;
    else if (strcmp(a, "--to") == 0)
        o->to = v;
    else if (strcmp(a, "--port") == 0)
        return set_int(a, v, 0, 65535, &o->port);
    else if (strcmp(a, "--threads") == 0)
        return set_int(a, v, 1, 256, &o->threads);
    else if (strcmp(a, "--web") == 0)
        o->web = v;
    return 0;
}

static int parse_args(const struct command *c, int argc, char **argv, struct cli_opts *o)
{
    static char *positional[16];

    o->argv = positional;
    for (int i = 2; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            if (parse_flag(c, argc, argv, &i, o))
                return -1;
        } else if (o->argc < (int)GZ_ARRAY_LEN(positional)) {
            positional[o->argc++] = argv[i];
        } else {
            fprintf(stderr, "gongzhi: too many arguments\n");
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cli_opts o = {.db = NULL, .bind = "127.0.0.1", .port = 8080, .data = "data"};
    const char *name = argc > 1 ? argv[1] : "help";
    const char *lvl = getenv("GONGZHI_LOG");
    int level = lvl ? log_level_parse(lvl) : LOG_INFO;

    log_set_level(level < 0 ? LOG_INFO : (enum log_level)level);
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    if (strcmp(name, "--version") == 0)
        name = "version";
    if (auth_global_init()) {
        fprintf(stderr, "gongzhi: libsodium failed to initialise\n");
        return 1;
    }
    for (size_t i = 0; i < GZ_ARRAY_LEN(commands); i++) {
        if (strcmp(name, commands[i].name) != 0)
            continue;
        if (parse_args(&commands[i], argc, argv, &o))
            return EXIT_USAGE;
        if (!o.db)
            o.db = strcmp(name, "demo") == 0 ? "demo.db" : "gongzhi.db";
        return commands[i].run(&o);
    }
    fprintf(stderr, "gongzhi: unknown command %s (see gongzhi help)\n", name);
    return EXIT_USAGE;
}
