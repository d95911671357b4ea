/* npy.h: a tiny single-header reader and writer of NumPy .npy files (format 1.0 to 3.0, C
 * order, little-endian), for the bundle examples: plain C, no library. */
#ifndef BUNDLE_EXAMPLE_NPY_H
#define BUNDLE_EXAMPLE_NPY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct npy_array {
  char dtype[8];    /* "<f4", "<i8", ... as the file says */
  int rank;
  int64_t shape[8];
  int64_t count;    /* elements */
  void* data;       /* count elements, malloc'd */
} npy_array;

/* Reads PATH into *out; 0 on success, else -1 with a message on stderr. */
static inline int npy_read(const char* path, npy_array* out) {
  FILE* f = fopen(path, "rb");
  unsigned char magic[8];
  if (!f || fread(magic, 1, 8, f) != 8 || memcmp(magic, "\x93NUMPY", 6) != 0) {
    fprintf(stderr, "%s: not an .npy file\n", path);
    if (f) fclose(f);
    return -1;
  }
  unsigned char len[4] = {0, 0, 0, 0};
  size_t lenBytes = magic[6] == 1 ? 2 : 4;
  if (fread(len, 1, lenBytes, f) != lenBytes) goto bad;
  size_t headerLen = len[0] | (size_t)len[1] << 8 | (size_t)len[2] << 16 | (size_t)len[3] << 24;
  char* header = (char*)calloc(headerLen + 1, 1);
  if (!header || fread(header, 1, headerLen, f) != headerLen) {
    free(header);
    goto bad;
  }
  const char* descr = strstr(header, "'descr': '");
  const char* shape = strstr(header, "'shape': (");
  if (!descr || !shape || strstr(header, "'fortran_order': True")) {
    free(header);
    goto bad;
  }
  memset(out, 0, sizeof *out);
  sscanf(descr + 10, "%7[^']", out->dtype);
  out->count = 1;
  for (const char* p = shape + 10; *p && *p != ')' && out->rank < 8;) {
    char* end;
    long long d = strtoll(p, &end, 10);
    if (end == p) break;
    out->shape[out->rank++] = d;
    out->count *= d;
    p = end;
    while (*p == ',' || *p == ' ') ++p;
  }
  free(header);
  size_t itemBytes = (size_t)atoi(out->dtype + 2);
  size_t bytes = (size_t)out->count * itemBytes;
  out->data = malloc(bytes ? bytes : 1);
  if (!out->data || fread(out->data, 1, bytes, f) != bytes) goto bad;
  fclose(f);
  return 0;
bad:
  fprintf(stderr, "%s: malformed or unsupported .npy file\n", path);
  fclose(f);
  return -1;
}

/* Writes COUNT f32 values of the given shape to PATH as .npy 1.0; 0 on success. */
static inline int npy_write_f32(const char* path, const float* data, int rank, const int64_t* shape) {
  char dims[256] = "";
  int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    size_t used = strlen(dims);
    snprintf(dims + used, sizeof dims - used, "%lld%s", (long long)shape[i], rank == 1 ? "," : i + 1 < rank ? ", " : "");
    count *= shape[i];
  }
  char header[512];
  int n = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", dims);
  int total = 10 + n + 1, padded = (total + 63) / 64 * 64;  /* the header ends in '\n', 64-byte aligned */
  memset(header + n, ' ', (size_t)(padded - total));
  header[padded - 11] = '\n';
  FILE* f = fopen(path, "wb");
  if (!f) return -1;
  unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)((padded - 10) & 0xff), (unsigned char)((padded - 10) >> 8)};
  int ok = fwrite(prefix, 1, 10, f) == 10 && fwrite(header, 1, (size_t)(padded - 10), f) == (size_t)(padded - 10) &&
           fwrite(data, sizeof(float), (size_t)count, f) == (size_t)count;
  return fclose(f) == 0 && ok ? 0 : -1;
}

#endif /* BUNDLE_EXAMPLE_NPY_H */
