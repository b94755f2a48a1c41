#include <zlib.h>

/// inflateInit2 is a macro: this calls it with gzip and zlib headers both recognised (15 + 32).
static inline int huiyan_inflate_init(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
