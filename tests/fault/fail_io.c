/* An LD_PRELOAD shim that makes the Nth call of an I/O function fail, for
 * the fault-injection tests (tests/python/test_faults.py):
 *
 *   RELULAB_FAIL_CALL=fsync RELULAB_FAIL_AT=3 RELULAB_FAIL_ERRNO=28 relulab sweep ...
 *
 * fails the 3rd fsync() of the process with ENOSPC (28; default EIO). Calls
 * are counted per process (each worker counts its own). Only write, fsync,
 * close and rename are intercepted: the calls through which a full disk or
 * an over-quota NFS volume reports itself. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Regular files only: a pipe to the parent or the terminal is not a disk. */
static int is_file(int fd) {
  struct stat st;
  return fd > 2 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

static int should_fail(const char* name) {
  static long count = 0;
  const char* call = getenv("RELULAB_FAIL_CALL");
  const char* at = getenv("RELULAB_FAIL_AT");
  if (!call || !at || strcmp(call, name) != 0) return 0;
  if (++count != atol(at)) return 0;
  const char* e = getenv("RELULAB_FAIL_ERRNO");
  errno = e ? atoi(e) : EIO;
  return 1;
}

#define REAL(type, name, args)           \
  static type(*real_##name) args = NULL; \
  if (!real_##name) real_##name = (type(*) args)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t n) {
  REAL(ssize_t, write, (int, const void*, size_t));
  if (is_file(fd) && should_fail("write")) return -1;
  return real_write(fd, buf, n);
}

int fsync(int fd) {
  REAL(int, fsync, (int));
  if (is_file(fd) && should_fail("fsync")) return -1;
  return real_fsync(fd);
}

int close(int fd) {
  REAL(int, close, (int));
  if (is_file(fd) && should_fail("close")) {
    real_close(fd); /* released, but reported as failed: as NFS does */
    return -1;
  }
  return real_close(fd);
}

int rename(const char* from, const char* to) {
  REAL(int, rename, (const char*, const char*));
  if (should_fail("rename")) return -1;
  return real_rename(from, to);
}
