// An SD card's flush on a fast disk, for bench/record-commit.ts (docs/performance.md, "Cycle end"): an
// LD_PRELOAD shim that makes every fsync() and fdatasync() of the process (SQLite's, libuv's) wait
// SLOW_FSYNC_MS milliseconds before doing it. Not part of the product or of `npm run bench`.
//   gcc -shared -fPIC -O2 -o /tmp/slow-fsync.so bench/slow-fsync.c -ldl
//   SLOW_FSYNC_MS=50 LD_PRELOAD=/tmp/slow-fsync.so node dist/bench/record-commit.js
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

static unsigned delay_us(void) {
  const char *s = getenv("SLOW_FSYNC_MS");
  return s ? (unsigned)atoi(s) * 1000u : 0u;
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  usleep(delay_us());
  return real(fd);
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  usleep(delay_us());
  return real(fd);
}
