#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "sha256.h"

static void hex_of(const void *data, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    unsigned char digest[32];
    lsc_sha256_init(&ctx);
    lsc_sha256_update(&ctx, data, len);
    lsc_sha256_final(&ctx, digest);
    lsc_sha256_hex(digest, out);
}

/* FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf"). */
struct vector {
    const char *msg;
    const char *digest;
};

static const struct vector vectors[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    /* 448 bits: the padding needs a second block */
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    /* 896 bits */
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmno"
     "pqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void test_nist_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        char hex[65];
        hex_of(vectors[i].msg, strlen(vectors[i].msg), hex);
        assert_string_equal(hex, vectors[i].digest);
    }
}

static void test_million_a_odd_chunks(void **state)
{
    (void)state;
    static const size_t chunks[] = {1, 3, 7, 63, 64, 65, 127, 1000, 4099};
    char block[4099];
    memset(block, 'a', sizeof block);
    struct sha256_ctx ctx;
    lsc_sha256_init(&ctx);
    size_t left = 1000000, k = 0;
    while (left > 0) {
        size_t n = chunks[k++ % (sizeof chunks / sizeof chunks[0])];
        if (n > left)
            n = left;
        lsc_sha256_update(&ctx, block, n);
        left -= n;
    }
    unsigned char digest[32];
    char hex[65];
    lsc_sha256_final(&ctx, digest);
    lsc_sha256_hex(digest, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every split of a message into two updates (including empty ones) gives the
 * one-shot digest, across the 55/56/64-byte padding boundaries. */
static void test_split_points(void **state)
{
    (void)state;
    unsigned char msg[200];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 37u + 11u);
    for (size_t len = 0; len <= sizeof msg; len += 1) {
        char whole[65];
        hex_of(msg, len, whole);
        for (size_t cut = 0; cut <= len; cut += (len < 70 ? 1 : 13)) {
            struct sha256_ctx ctx;
            unsigned char digest[32];
            char hex[65];
            lsc_sha256_init(&ctx);
            lsc_sha256_update(&ctx, msg, cut);
            lsc_sha256_update(&ctx, msg + cut, 0);
            lsc_sha256_update(&ctx, msg + cut, len - cut);
            lsc_sha256_final(&ctx, digest);
            lsc_sha256_hex(digest, hex);
            assert_string_equal(hex, whole);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nist_vectors),
        cmocka_unit_test(test_million_a_odd_chunks),
        cmocka_unit_test(test_split_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
