// SHA256_CTX (openssl/sha.h) is deprecated in OpenSSL 3 in favour of EVP, but it is the only
// libcrypto SHA-256 whose running state can be saved and restored (an EVP_MD_CTX is opaque):
// Crypto's ResumableSHA256 needs it. This keeps its declarations free of deprecation attributes.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>
