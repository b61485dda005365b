/*
 * load.c - a small closed-loop HTTP/1.1 load generator for the case API.
 *
 *   load --port P --clients N --seconds S --mode intake|loop|boston --token-file F
 *        [--dispatch-unit CODE] [--seed-file NUMBERS]
 *
 * N client threads each keep one keep-alive connection to 127.0.0.1:P
 * (reconnecting when it closes), send a request, read the whole response
 * (status line, headers, Content-Length bytes of body), record its latency
 * and send the next one, until S seconds have passed. A request is
 * acknowledged only on the expected status: 201 for an intake, 200 for an
 * action. Latency percentiles are over acknowledged requests.
 *
 *   intake  POST /api/v1/cases as the account of token-file line 1; with
 *           --dispatch-unit, each acknowledged case is then dispatched to
 *           that unit (category 0101) with the same token, so that account
 *           must be both operator and dispatcher, or give the dispatcher as
 *           line 2 of the token file (it is used when present).
 *   loop    token file lines: dispatcher, handler (of the dispatch unit),
 *           grid worker or supervisor, operator (intake and revisit),
 *           operator (close). Each client runs intake, dispatch, accept,
 *           reply, verify, revisit, close; a failed step abandons the case
 *           and starts a new one. Reports the 6 transitions after intake
 *           and full loops per second. --dispatch-unit is required.
 *
 *   --seed-file NUMBERS  write the numbers of the cases acknowledged at
 *           intake to NUMBERS, one a line (to seed read benchmarks).
 *
 * Output: one line per figure, e.g.
 *   intake: 12345.6 cases/s acknowledged, 0 errors, p50 1.23 ms, p99 4.56 ms (64 clients, 10.0 s)
 * followed by the errors by status ("io" = connection failed or closed
 * before a full response). Exit status 0 when the run took place (whatever
 * the error count), 1 on a usage or setup error, 2 when nothing at all was
 * acknowledged.
 *
 * Build: gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -pthread
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_TOKENS 5
#define TOKEN_MAX 512
#define NUMBER_MAX 64
#define NSTATUS 600 /* index 0: io error */
#define IO_TIMEOUT_S 30
#define RESP_MAX (16u << 20)

/* ---- latency histogram: log-linear, microseconds, 1/32 relative precision ---- */

#define SUB_BITS 5
#define SUB (1u << SUB_BITS)
#define MAX_EXP 40
#define NBUCKETS ((MAX_EXP - SUB_BITS + 2) * SUB)

static unsigned bucket_of(uint64_t us)
{
    unsigned e;

    if (us < SUB)
        return (unsigned)us;
    if (us >= (1ull << MAX_EXP))
        us = (1ull << MAX_EXP) - 1;
    e = 63u - (unsigned)__builtin_clzll(us);
    return (e - SUB_BITS + 1) * SUB + (unsigned)((us >> (e - SUB_BITS)) & (SUB - 1));
}

/* the middle of bucket i, in microseconds */
static double bucket_mid(unsigned i)
{
    unsigned e, sub;

    if (i < SUB)
        return i + 0.5;
    e = i / SUB + SUB_BITS - 1;
    sub = i % SUB;
    return (double)((uint64_t)(SUB + sub) << (e - SUB_BITS)) +
           (double)(1ull << (e - SUB_BITS)) / 2.0;
}

/* ---- what is measured ---- */

enum kind { K_INTAKE, K_DISPATCH, K_ACCEPT, K_REPLY, K_VERIFY, K_REVISIT, K_CLOSE, K_N };

static const char *const kind_name[K_N] = {"intake", "dispatch", "accept", "reply",
                                           "verify", "revisit",  "close"};

/* the body of each action of the loop (dispatch is built with the unit) */
static const char *const action_body[K_N] = {
    [K_ACCEPT] = "{\"action\":\"accept\"}",
    [K_REPLY] = "{\"action\":\"reply\",\"text\":\"已处理\"}",
    [K_VERIFY] = "{\"action\":\"verify\",\"pass\":true}",
    [K_REVISIT] = "{\"action\":\"revisit\",\"contacted\":true,\"solved\":true,"
                  "\"satisfaction\":\"satisfied\"}",
    [K_CLOSE] = "{\"action\":\"close\"}",
};

struct stats {
    uint64_t ok[K_N];
    uint64_t sent[K_N];
    uint64_t loops;
    uint64_t hist[K_N][NBUCKETS];
    uint64_t err[K_N][NSTATUS];
};

/* ---- options and shared state ---- */

static struct {
    int port;
    int clients;
    double seconds;
    bool loop;
    bool boston; /* --mode boston: Boston reports through the whole pipeline */
    const char *token_file;
    const char *dispatch_unit;
    const char *seed_file;
    char tokens[MAX_TOKENS][TOKEN_MAX];
    int n_tokens;
    char dispatch_body[256];
    struct sockaddr_in addr;
    double start, deadline;
    pthread_barrier_t ready;
} g;

struct client {
    pthread_t thread;
    int id;
    int fd;
    uint64_t rng;
    char *buf; /* response bytes */
    size_t cap, len;
    char *req; /* request bytes */
    size_t req_cap;
    struct stats *st;
    char **numbers; /* acknowledged case numbers, for --seed-file */
    size_t n_numbers, cap_numbers;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "load: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = calloc(1, n);

    if (!p)
        die("out of memory", NULL);
    return p;
}

static uint64_t rnd(struct client *c)
{
    /* xorshift64* */
    c->rng ^= c->rng >> 12;
    c->rng ^= c->rng << 25;
    c->rng ^= c->rng >> 27;
    return c->rng * 2685821657736338717ull;
}

/* ---- the intake body: varied Chinese text of about 100 characters ---- */

static const char *const places[] = {
    "幸福路与和平街交叉口东南角", "阳光小区3号楼北侧",       "人民公园南门外人行道上",
    "东湖街道菜市场后门",         "滨江大道地铁站2号出口旁", "实验小学校门对面",
    "老城区新华巷18号附近",       "科技园区B座停车场入口",   "长江路公交站台后面",
    "绿地花园西门绿化带",
};
static const char *const problems[] = {
    "有大量生活垃圾堆放无人清理", "路灯连续多天不亮",     "下水道井盖破损缺失",
    "有商户占道经营摆摊",         "积水严重行人无法通过", "共享单车乱停乱放堵塞通道",
    "夜间施工噪音扰民",           "树木倒伏压住了人行道", "墙面出现大面积违规小广告",
    "餐馆油烟直排影响周边居民",
};
static const char *const details[] = {
    "已经持续一个多星期了，气味很大，周边居民意见很大",
    "晚上老人小孩经过时非常危险，前几天已经有人摔倒",
    "多次向物业反映都没有得到解决，希望有关部门尽快处理",
    "早晚高峰时段尤其严重，影响交通和市容市貌",
    "附近居民都很关心这个问题，请相关单位尽快派人查看",
    "天气转热以后蚊蝇滋生，担心影响大家的身体健康",
};
static const char *const asks[] = {
    "请尽快安排人员到现场处理，并回复处理结果。",
    "希望能够彻底解决，不要反复出现，谢谢。",
    "麻烦处理完后电话告知，谢谢政府的关心。",
    "请相关部门加强日常巡查和管理。",
};

#define PICK(c, a) ((a)[rnd(c) % (sizeof(a) / sizeof((a)[0]))])

static int intake_body(struct client *c, char *out, size_t size)
{
    double lat = 31.10 + (double)(rnd(c) % 300000) / 1e6;
    double lon = 121.30 + (double)(rnd(c) % 400000) / 1e6;

    return snprintf(
        out, size,
        "{\"channel\":\"hotline\",\"text\":\"市民来电反映：%s%s，%s。%s来电编号%06u。\","
        "\"phone\":\"13812345678\",\"lat\":%.6f,\"lon\":%.6f}",
        PICK(c, places), PICK(c, problems), PICK(c, details), PICK(c, asks),
        (unsigned)(rnd(c) % 1000000), lat, lon);
}

/* --mode boston: Boston's own kinds of report, at points across the city, no category */
static const char *const boston_titles[] = {
    "Street Light Outages",
    "Request for Pothole Repair",
    "Sidewalk Repair (Make Safe)",
    "Graffiti Removal",
    "Tree Maintenance Requests",
    "Abandoned Vehicles",
    "Improper Storage of Trash (Barrels)",
    "Missed Trash/Recycling/Yard Waste/Bulk Item",
    "Unsatisfactory Living Conditions",
    "Rodent Activity",
    "Park Maintenance Request",
    "Traffic Signal Repair",
    "Illegal Dumping",
    "Needle Pickup",
    "Parking on Sidewalk",
};
static const char *const boston_streets[] = {
    "Washington St",    "Blue Hill Ave",     "Dorchester Ave", "Centre St",     "Tremont St",
    "Commonwealth Ave", "Massachusetts Ave", "Columbia Rd",    "Hyde Park Ave", "Boylston St",
};

static int boston_body(struct client *c, char *out, size_t size)
{
    double lat = 42.24 + (double)(rnd(c) % 130000) / 1e6;
    double lon = -71.16 + (double)(rnd(c) % 130000) / 1e6;

    return snprintf(out, size,
                    "{\"channel\":\"app\",\"text\":\"%s\",\"address\":\"%u %s  Boston  MA\","
                    "\"lat\":%.6f,\"lon\":%.6f}",
                    PICK(c, boston_titles), (unsigned)(rnd(c) % 900 + 1), PICK(c, boston_streets),
                    lat, lon);
}

/* ---- one HTTP exchange ---- */

static void conn_close(struct client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->len = 0;
}

static int conn_open(struct client *c)
{
    int one = 1;
    struct timeval tv = {IO_TIMEOUT_S, 0};

    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0)
        return -1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(c->fd, (const struct sockaddr *)&g.addr, sizeof(g.addr)) != 0) {
        conn_close(c);
        return -1;
    }
    c->len = 0;
    return 0;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int fill(struct client *c)
{
    ssize_t k;

    if (c->len == c->cap) {
        if (c->cap >= RESP_MAX)
            return -1;
        c->cap *= 2;
        c->buf = realloc(c->buf, c->cap + 1);
        if (!c->buf)
            die("out of memory", NULL);
    }
    do
        k = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    while (k < 0 && errno == EINTR);
    if (k <= 0)
        return -1;
    c->len += (size_t)k;
    return 0;
}

/* The value of header `name` in the header block [h, end), or NULL. */
static const char *header(const char *h, const char *end, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);

    while (h < end) {
        const char *eol = memchr(h, '\n', (size_t)(end - h));
        if (!eol)
            eol = end;
        if ((size_t)(eol - h) > nl && strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
            const char *v = h + nl + 1, *ve = eol;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
        h = eol + 1;
    }
    return NULL;
}

/*
 * Send one request and read its response. Returns the status (100-599),
 * or 0 when the connection failed; *body / *blen point into c->buf.
 */
static int exchange(struct client *c, const char *method, const char *path, const char *token,
                    const char *body, const char **rbody, size_t *rblen)
{
    size_t blen = body ? strlen(body) : 0, need = blen + strlen(path) + strlen(token) + 256;
    char *hend, *cl, *status_end;
    size_t hlen, vlen, total;
    const char *v;
    long status;
    unsigned long long clen;
    bool close_after = false;
    int n;

    if (need > c->req_cap) {
        free(c->req);
        c->req_cap = need * 2;
        c->req = xmalloc(c->req_cap);
    }
    n = snprintf(c->req, c->req_cap,
                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                 method, path, g.port, token, blen);
    if (n < 0 || (size_t)n + blen >= c->req_cap)
        return 0;
    memcpy(c->req + n, body ? body : "", blen);
    if (c->fd < 0 && conn_open(c) != 0)
        return 0;
    if (send_all(c->fd, c->req, (size_t)n + blen) != 0)
        goto io;
    /* headers */
    for (;;) {
        c->buf[c->len] = '\0';
        hend = strstr(c->buf, "\r\n\r\n");
        if (hend)
            break;
        if (fill(c) != 0)
            goto io;
    }
    hlen = (size_t)(hend - c->buf) + 4;
    if (c->len < 12 || strncmp(c->buf, "HTTP/1.", 7) != 0)
        goto io;
    status = strtol(c->buf + 9, &status_end, 10);
    if (status < 100 || status >= NSTATUS)
        goto io;
    cl = strstr(c->buf, "\r\n");
    v = header(cl + 2, hend + 2, "Content-Length", &vlen);
    if (!v)
        goto io; /* the server always sends one */
    clen = strtoull(v, NULL, 10);
    if (clen > RESP_MAX)
        goto io;
    v = header(cl + 2, hend + 2, "Connection", &vlen);
    close_after = v && vlen == 5 && strncasecmp(v, "close", 5) == 0;
    total = hlen + (size_t)clen;
    while (c->len < total)
        if (fill(c) != 0)
            goto io;
    /* a closed loop never gets bytes beyond the response: treat them as a broken stream */
    if (total < c->len)
        goto io;
    /* the body stays readable until the next exchange */
    c->buf[total] = '\0';
    *rbody = c->buf + hlen;
    *rblen = (size_t)clen;
    c->len = 0;
    if (close_after)
        conn_close(c);
    return (int)status;
io:
    conn_close(c);
    return 0;
}

/* The "number" of a case in a JSON body, copied to out; -1 when missing. */
static int case_number(const char *body, char *out, size_t size)
{
    const char *p = strstr(body, "\"number\"");
    size_t n = 0;

    if (!p)
        return -1;
    p += 8;
    while (*p == ' ' || *p == ':')
        p++;
    if (*p++ != '"')
        return -1;
    while (p[n] && p[n] != '"' && n + 1 < size)
        n++;
    if (p[n] != '"' || !n)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

/* One timed request; returns true when acknowledged with `expect`. */
static bool timed(struct client *c, enum kind k, const char *path, const char *token,
                  const char *body, int expect, const char **rbody, size_t *rblen)
{
    double t0 = now_s(), t1;
    const char *b = "";
    size_t bl = 0;
    int status;

    c->st->sent[k]++;
    status = exchange(c, "POST", path, token, body, &b, &bl);
    t1 = now_s();
    if (rbody) {
        *rbody = b;
        *rblen = bl;
    }
    if (status == expect) {
        c->st->ok[k]++;
        c->st->hist[k][bucket_of((uint64_t)((t1 - t0) * 1e6))]++;
        return true;
    }
    c->st->err[k][status]++;
    if (status == 0) {
        /* the server may be gone; do not spin */
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

static void keep_number(struct client *c, const char *number)
{
    if (!g.seed_file)
        return;
    if (c->n_numbers == c->cap_numbers) {
        c->cap_numbers = c->cap_numbers ? 2 * c->cap_numbers : 1024;
        c->numbers = realloc(c->numbers, c->cap_numbers * sizeof(*c->numbers));
        if (!c->numbers)
            die("out of memory", NULL);
    }
    c->numbers[c->n_numbers] = strdup(number);
    if (!c->numbers[c->n_numbers])
        die("out of memory", NULL);
    c->n_numbers++;
}

/* Intake; on 201 fills number and returns true. */
static bool do_intake(struct client *c, const char *token, char *number)
{
    char body[2048];
    const char *rb;
    size_t rl;

    if (g.boston)
        boston_body(c, body, sizeof(body));
    else
        intake_body(c, body, sizeof(body));
    if (!timed(c, K_INTAKE, "/api/v1/cases", token, body, 201, &rb, &rl))
        return false;
    if (case_number(rb, number, NUMBER_MAX) != 0) {
        /* acknowledged, but no number to act on: count it as a bad answer */
        c->st->ok[K_INTAKE]--;
        c->st->err[K_INTAKE][201]++;
        return false;
    }
    keep_number(c, number);
    return true;
}

static bool do_action(struct client *c, enum kind k, const char *number, const char *token)
{
    char path[128];

    snprintf(path, sizeof(path), "/api/v1/cases/%s/actions", number);
    return timed(c, k, path, token, k == K_DISPATCH ? g.dispatch_body : action_body[k], 200, NULL,
                 NULL);
}

static void *client_main(void *arg)
{
    struct client *c = arg;
    char number[NUMBER_MAX];

    pthread_barrier_wait(&g.ready);
    if (!g.loop) {
        const char *op = g.tokens[0], *disp = g.n_tokens > 1 ? g.tokens[1] : g.tokens[0];
        while (now_s() < g.deadline)
            if (do_intake(c, op, number) && g.dispatch_unit)
                do_action(c, K_DISPATCH, number, disp);
    } else {
        /* dispatcher, handler, grid/supervisor, operator, operator (close) */
        static const int who[K_N] = {
            [K_INTAKE] = 3, [K_DISPATCH] = 0, [K_ACCEPT] = 1, [K_REPLY] = 1,
            [K_VERIFY] = 2, [K_REVISIT] = 3,  [K_CLOSE] = 4};
        while (now_s() < g.deadline) {
            int k;
            if (!do_intake(c, g.tokens[who[K_INTAKE]], number))
                continue;
            for (k = K_DISPATCH; k < K_N; k++)
                if (now_s() >= g.deadline || !do_action(c, (enum kind)k, number, g.tokens[who[k]]))
                    break;
            if (k == K_N)
                c->st->loops++;
        }
    }
    conn_close(c);
    return NULL;
}

/* ---- setup and report ---- */

static void usage(void)
{
    fprintf(stderr, "usage: load --port P --clients N --seconds S --mode intake|loop|boston "
                    "--token-file F [--dispatch-unit CODE] [--seed-file NUMBERS]\n");
    exit(1);
}

static void read_tokens(void)
{
    FILE *f = fopen(g.token_file, "r");
    char line[TOKEN_MAX];

    if (!f)
        die("cannot open the token file", g.token_file);
    while (g.n_tokens < MAX_TOKENS && fgets(line, sizeof(line), f)) {
        size_t n = strcspn(line, " \t\r\n");
        line[n] = '\0';
        if (!n)
            continue;
        snprintf(g.tokens[g.n_tokens++], TOKEN_MAX, "%s", line);
    }
    fclose(f);
    if (g.n_tokens < (g.loop ? 5 : 1))
        die("not enough tokens (loop needs 5 lines, intake 1) in", g.token_file);
}

static double percentile_ms(const uint64_t *h, uint64_t total, double p)
{
    uint64_t want = (uint64_t)(p * (double)total + 0.999999), seen = 0;

    if (!total)
        return 0.0;
    if (want < 1)
        want = 1;
    for (unsigned i = 0; i < NBUCKETS; i++) {
        seen += h[i];
        if (seen >= want)
            return bucket_mid(i) / 1000.0;
    }
    return bucket_mid(NBUCKETS - 1) / 1000.0;
}

static uint64_t errors_of(const struct stats *s, enum kind k)
{
    uint64_t n = 0;

    for (int i = 0; i < NSTATUS; i++)
        n += s->err[k][i];
    return n;
}

/* "409 x3, io x2" or "none" */
static void error_list(const uint64_t *err, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (int i = 0; i < NSTATUS && used < size; i++) {
        char name[16];
        if (!err[i])
            continue;
        if (i)
            snprintf(name, sizeof(name), "%d", i);
        else
            snprintf(name, sizeof(name), "io");
        used += (size_t)snprintf(out + used, size - used, "%s%s x%llu", used ? ", " : "", name,
                                 (unsigned long long)err[i]);
    }
    if (!used)
        snprintf(out, size, "none");
}

/* The load's own CPU, so the server's share of the 2 cores can be told apart. */
static void print_cpu(uint64_t acked)
{
    struct rusage ru;
    double cpu;

    if (getrusage(RUSAGE_SELF, &ru) != 0 || !acked)
        return;
    cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("load cpu: %.2f s, %.1f us a request\n", cpu, cpu * 1e6 / (double)acked);
}

static void figure(const struct stats *s, enum kind k, const char *unit, double secs)
{
    char errs[512];

    error_list(s->err[k], errs, sizeof(errs));
    printf("%s: %.1f %s acknowledged, %llu errors, p50 %.2f ms, p99 %.2f ms (%d clients, %.1f s)\n",
           kind_name[k], (double)s->ok[k] / secs, unit, (unsigned long long)errors_of(s, k),
           percentile_ms(s->hist[k], s->ok[k], 0.50), percentile_ms(s->hist[k], s->ok[k], 0.99),
           g.clients, secs);
    if (errors_of(s, k))
        printf("  %s errors by status: %s\n", kind_name[k], errs);
}

static void write_seed(struct client *cl)
{
    FILE *f = fopen(g.seed_file, "w");
    size_t n = 0;

    if (!f) {
        fprintf(stderr, "load: cannot write %s\n", g.seed_file);
        return;
    }
    for (int i = 0; i < g.clients; i++)
        for (size_t j = 0; j < cl[i].n_numbers; j++, n++)
            fprintf(f, "%s\n", cl[i].numbers[j]);
    if (fclose(f) != 0)
        fprintf(stderr, "load: error writing %s\n", g.seed_file);
    else
        printf("seed: %zu case numbers written to %s\n", n, g.seed_file);
}

int main(int argc, char **argv)
{
    const char *mode = NULL;
    struct client *cl;
    struct stats *tot;
    double end, secs;
    uint64_t acked = 0, sent = 0, ok_actions = 0;

    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (strcmp(a, "--port") == 0)
            g.port = atoi(v);
        else if (strcmp(a, "--clients") == 0)
            g.clients = atoi(v);
        else if (strcmp(a, "--seconds") == 0)
            g.seconds = atof(v);
        else if (strcmp(a, "--mode") == 0)
            mode = v;
        else if (strcmp(a, "--token-file") == 0)
            g.token_file = v;
        else if (strcmp(a, "--dispatch-unit") == 0)
            g.dispatch_unit = v;
        else if (strcmp(a, "--seed-file") == 0)
            g.seed_file = v;
        else
            usage();
    }
    if (g.port <= 0 || g.port > 65535 || g.clients <= 0 || g.clients > 4096 || !(g.seconds > 0) ||
        !mode || !g.token_file)
        usage();
    if (strcmp(mode, "loop") == 0)
        g.loop = true;
    else if (strcmp(mode, "boston") == 0)
        g.boston = true;
    else if (strcmp(mode, "intake") != 0)
        usage();
    if (g.loop && !g.dispatch_unit)
        die("--mode loop needs --dispatch-unit", NULL);
    if (g.dispatch_unit) {
        if (strlen(g.dispatch_unit) > 64 || strpbrk(g.dispatch_unit, "\"\\"))
            die("bad --dispatch-unit", g.dispatch_unit);
        snprintf(g.dispatch_body, sizeof(g.dispatch_body),
                 "{\"action\":\"dispatch\",\"unit\":\"%s\",\"category\":\"0101\"}",
                 g.dispatch_unit);
    }
    read_tokens();
    signal(SIGPIPE, SIG_IGN);
    g.addr.sin_family = AF_INET;
    g.addr.sin_port = htons((uint16_t)g.port);
    g.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    cl = xmalloc(sizeof(*cl) * (size_t)g.clients);
    pthread_barrier_init(&g.ready, NULL, (unsigned)g.clients + 1);
    for (int i = 0; i < g.clients; i++) {
        cl[i].id = i;
        cl[i].fd = -1;
        cl[i].rng = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1) ^ (uint64_t)time(NULL);
        if (!cl[i].rng)
            cl[i].rng = 1;
        cl[i].cap = 16384;
        cl[i].buf = xmalloc(cl[i].cap + 1);
        cl[i].st = xmalloc(sizeof(struct stats));
        if (pthread_create(&cl[i].thread, NULL, client_main, &cl[i]) != 0)
            die("cannot start a client thread", NULL);
    }
    g.start = now_s();
    g.deadline = g.start + g.seconds;
    pthread_barrier_wait(&g.ready);
    for (int i = 0; i < g.clients; i++)
        pthread_join(cl[i].thread, NULL);
    end = now_s();
    secs = end - g.start;

    tot = xmalloc(sizeof(*tot));
    for (int i = 0; i < g.clients; i++) {
        const struct stats *s = cl[i].st;
        for (int k = 0; k < K_N; k++) {
            tot->ok[k] += s->ok[k];
            tot->sent[k] += s->sent[k];
            for (unsigned b = 0; b < NBUCKETS; b++)
                tot->hist[k][b] += s->hist[k][b];
            for (int e = 0; e < NSTATUS; e++)
                tot->err[k][e] += s->err[k][e];
        }
        tot->loops += s->loops;
    }
    for (int k = 0; k < K_N; k++) {
        acked += tot->ok[k];
        sent += tot->sent[k];
        if (k != K_INTAKE)
            ok_actions += tot->ok[k];
    }

    figure(tot, K_INTAKE, "cases/s", secs);
    if (!g.loop) {
        if (g.dispatch_unit) {
            figure(tot, K_DISPATCH, "dispatches/s", secs);
            printf("requests: %.1f req/s acknowledged (intake + dispatch), %.1f req/s sent\n",
                   (double)acked / secs, (double)sent / secs);
        }
    } else {
        for (int k = K_DISPATCH; k < K_N; k++)
            figure(tot, (enum kind)k, "actions/s", secs);
        printf("transitions: %.1f transitions/s acknowledged (the 6 actions)\n",
               (double)ok_actions / secs);
        printf("loops: %.1f loops/s completed (%llu loops)\n", (double)tot->loops / secs,
               (unsigned long long)tot->loops);
        printf("requests: %.1f req/s acknowledged, %.1f req/s sent\n", (double)acked / secs,
               (double)sent / secs);
    }
    print_cpu(acked);
    if (g.seed_file)
        write_seed(cl);
    return acked ? 0 : 2;
}
