/* sealed IN.npy [--syscall]: runs the bundle (see bundle_io.h) with no system call allowed
 * (seccomp strict mode: read, write, _exit and sigreturn only; anything else is SIGKILL) and
 * every heap call counted (malloc, calloc, realloc, free, aligned_alloc, posix_memalign and
 * memalign are interposed here). It prints "allocations N" and "code C" with write(2) and ends
 * with SYS_exit. --syscall makes one system call in the sealed run, to show that the seal bites. */
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bundle_io.h"

extern void* __libc_malloc(size_t);
extern void* __libc_calloc(size_t, size_t);
extern void* __libc_realloc(void*, size_t);
extern void* __libc_memalign(size_t, size_t);
extern void __libc_free(void*);

static volatile int counting = 0;
static volatile long heap_calls = 0;
static void count(void) {
  if (counting) ++heap_calls;
}
void* malloc(size_t n) { count(); return __libc_malloc(n); }
void* calloc(size_t n, size_t size) { count(); return __libc_calloc(n, size); }
void* realloc(void* p, size_t n) { count(); return __libc_realloc(p, n); }
void free(void* p) { count(); __libc_free(p); }
void* aligned_alloc(size_t align, size_t n) { count(); return __libc_memalign(align, n); }
void* memalign(size_t align, size_t n) { count(); return __libc_memalign(align, n); }
int posix_memalign(void** p, size_t align, size_t n) {
  count();
  *p = __libc_memalign(align, n);
  return *p ? 0 : 12;
}

/* "TEXT N\n" with write(2) alone. */
static void say(const char* text, long n) {
  char buf[64];
  size_t len = strlen(text);
  memcpy(buf, text, len);
  buf[len++] = ' ';
  char digits[24];
  int d = 0;
  unsigned long u = n < 0 ? (unsigned long)-n : (unsigned long)n;
  do digits[d++] = (char)('0' + u % 10); while (u /= 10);
  if (n < 0) buf[len++] = '-';
  while (d) buf[len++] = digits[--d];
  buf[len++] = '\n';
  (void)!write(1, buf, len);
}

int main(int argc, char** argv) {
  graphc_run_buffers run;
  npy_array in;
  if (argc < 2 || prepare_run(argv[1], &run, &in) != 0) return 1;
  int make_syscall = argc > 2 && strcmp(argv[2], "--syscall") == 0;
  /* The counter counts: one malloc while counting is one call. */
  counting = 1;
  free(malloc(16));
  counting = 0;
  if (heap_calls != 2) {
    fprintf(stderr, "the malloc interposer does not count (%ld calls)\n", heap_calls);
    return 1;
  }
  heap_calls = 0;
  fflush(stdout);
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) {
    perror("prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)");
    return 1;
  }
  counting = 1;
  if (make_syscall) syscall(SYS_getpid);
  int32_t code = BUNDLE_RUN(&run);
  counting = 0;
  say("allocations", heap_calls);
  say("code", code);
  syscall(SYS_exit, code == 0 && heap_calls == 0 ? 0 : 1);
  return 1;
}
