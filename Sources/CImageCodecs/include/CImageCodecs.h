#ifndef ARGUS_IMAGE_CODECS_H
#define ARGUS_IMAGE_CODECS_H
#include <stddef.h>
#include <stdint.h>

/// Decodes a JPEG (libjpeg-turbo) or PNG (libpng) image into Cairo's ARGB32 layout
/// (native-endian 32-bit pixels, premultiplied alpha, stride = 4 * width).
/// `max_side` > 0 lets JPEG decoding scale down by 1/2, 1/4 or 1/8 while the result stays at
/// least `max_side` on its longer side. Returns NULL and fills `error` on failure; the caller
/// frees the pixels with `argus_image_free`.
uint8_t *argus_decode_image(const uint8_t *bytes, size_t length, int max_side,
                            int *width, int *height, char *error, size_t error_capacity);
void argus_image_free(uint8_t *pixels);

/// Encodes Cairo ARGB32 pixels (alpha ignored) as a baseline JPEG of the given quality (1-100).
/// Returns NULL on failure; the caller frees the bytes with `argus_image_free`.
uint8_t *argus_encode_jpeg(const uint8_t *pixels, int width, int height, int stride, int quality, size_t *length);

#endif
