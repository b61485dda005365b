/*
 * Tests of src/svc/blobs.c: files kept under their SHA-256 beside the
 * database, the same bytes once, the spool emptied at start.
 */
#include "gz.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svc/blobs.h"
#include "t.h"

static int spool(const struct blobs *b, const char *data, char *path, size_t size)
{
    int fd;

    snprintf(path, size, "%s/up-XXXXXX", blobs_tmp_dir(b));
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
    return fd;
}

START_TEST(keeps_by_hash_once)
{
    char dir[256], db[300], tmp[600], hex[65], kept[700];
    struct gz_err err = {0};
    struct blobs *b;
    bool existed, moved;
    int fd, rfd;
    size_t len;
    char got[16] = "";

    t_tmpdir(dir, sizeof(dir));
    snprintf(db, sizeof(db), "sqlite:%s/g.db", dir);
    ck_assert_ptr_nonnull(b = blobs_open(db, &err));
    blobs_hash("photo", 5, hex);
    ck_assert_str_eq(hex, "55c64d0fcd6f9d5f7c828093857e3fdfda68478bb4e9bd24d481ef391c7804e8");
    fd = spool(b, "photo", tmp, sizeof(tmp));
    ck_assert_int_eq(blobs_put(b, tmp, fd, hex, &existed, &moved, &err), 0);
    ck_assert(!existed && moved);
    close(fd);
    snprintf(kept, sizeof(kept), "%s/g.db.files/%.2s/%s", dir, hex, hex);
    ck_assert_int_eq(access(kept, R_OK), 0);
    ck_assert_int_ne(access(tmp, F_OK), 0);
    /* the same bytes again: nothing moves, the spooled copy stays for its owner */
    fd = spool(b, "photo", tmp, sizeof(tmp));
    ck_assert_int_eq(blobs_put(b, tmp, fd, hex, &existed, &moved, &err), 0);
    ck_assert(existed && !moved);
    close(fd);
    ck_assert_int_eq(access(tmp, F_OK), 0);
    ck_assert_int_eq(blobs_open_file(b, hex, &rfd, &len, &err), 0);
    ck_assert_int_eq(len, 5);
    ck_assert_int_eq(read(rfd, got, sizeof(got)), 5);
    ck_assert_str_eq(got, "photo");
    close(rfd);
    ck_assert_int_eq(blobs_open_file(b, "../x", &rfd, &len, &err), GZ_ENOTFOUND);
    ck_assert_int_eq(blobs_put(b, tmp, -1, "nothex", &existed, &moved, &err), GZ_EINVAL);
    blobs_free(b);
    /* reopening clears what was spooled and never kept */
    ck_assert_ptr_nonnull(b = blobs_open(db, &err));
    ck_assert_int_ne(access(tmp, F_OK), 0);
    ck_assert_int_eq(access(kept, R_OK), 0);
    blobs_free(b);
}
END_TEST

Suite *suite_svc_blobs(void)
{
    Suite *s = suite_create("svc/blobs");
    TCase *tc = tcase_create("blobs");

    tcase_add_test(tc, keeps_by_hash_once);
    suite_add_tcase(s, tc);
    return s;
}
