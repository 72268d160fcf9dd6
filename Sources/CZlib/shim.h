#include <zlib.h>
/* deflateInit2/inflateInit2 are macros, unavailable in Swift: gzip wrappers (window bits 15 + 16 = gzip). */
static inline int czlib_deflate_init_gzip(z_streamp s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
static inline int czlib_inflate_init_gzip(z_streamp s) { return inflateInit2(s, 15 + 16); }
