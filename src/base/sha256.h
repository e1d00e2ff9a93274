/* sha256 - FIPS 180-4 SHA-256, used to fingerprint training files. */
#ifndef LSC_SRC_SHA256_H
#define LSC_SRC_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256_ctx {
    uint32_t state[8];
    uint64_t bytes;
    unsigned char buf[64];
    size_t buflen;
};

void lsc_sha256_init(struct sha256_ctx *ctx);
void lsc_sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void lsc_sha256_final(struct sha256_ctx *ctx, unsigned char digest[32]);
/* digest as 64 lowercase hex digits plus NUL */
void lsc_sha256_hex(const unsigned char digest[32], char out[65]);

#endif
