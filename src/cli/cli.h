/*
 * cli.h - the command line: options shared by the commands, and each
 * command's entry point. Exit codes: 0 ok, 1 failure, 2 usage, 3 the
 * database is newer than this binary.
 */
#ifndef GZ_CLI_H
#define GZ_CLI_H

#include <stdbool.h>

struct app;
struct store;
struct gz_err;

enum { EXIT_USAGE = 2, EXIT_SCHEMA = 3 };

struct cli_opts {
    const char *db;
    const char *bind;
    int port;
    int threads;
    const char *city;
    const char *timezone;
    const char *working_hours;
    const char *data;
    const char *format; /* import cases --format; report --format html|csv */
    const char *period; /* report */
    const char *level;
    const char *basis;
    const char *out;
    bool no_serve;
    bool sync_full;
    const char *from, *to; /* export: created in [from, to) */
    int argc; /* positional arguments after the command */
    char **argv;
    const char *web; /* serve/demo --web: the web console's folder */
};

/* Open the store named by opts, printing the error; NULL on failure (*code = exit code). */
struct store *cli_open_store(const struct cli_opts *o, int *code);
/* Serve the open store until SIGINT/SIGTERM. */
/* The pipeline's parts (calendar, places, rules, classifier, duplicates) from the store. */
int cli_app_open(struct store *s, struct app *app);
void cli_app_close(struct app *app);
int cli_serve_store(struct store *s, const struct cli_opts *o);

int cmd_init(const struct cli_opts *o);
int cmd_serve(const struct cli_opts *o);
int cmd_demo(const struct cli_opts *o);
int cmd_import(const struct cli_opts *o);
int cmd_verify(const struct cli_opts *o);
int cmd_sweep(const struct cli_opts *o);
int cmd_train(const struct cli_opts *o);
int cmd_config(const struct cli_opts *o);
int cmd_report(const struct cli_opts *o);
int cmd_export(const struct cli_opts *o);
/* import cases --format boston311 FILE: the recorded year through the pipeline */
int cli_import_cases(const struct cli_opts *o);

struct calendar;
/* The city's calendar from the store: its zone (becoming the process's), hours and overrides. */
struct calendar *cli_load_calendar(struct store *s);

/* The web console's folder (heap, absolute): --web, else web/ beside the binary (or two levels
   up, for build/san/gongzhi), else ./web; NULL (logged) when none holds an index.html. */
char *cli_web_root(const char *flag);

#endif
