#include "CImageCodecs.h"
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jpeg_failure {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *error;
    size_t capacity;
};

static void on_jpeg_error(j_common_ptr info) {
    struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
    char message[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, message);
    snprintf(failure->error, failure->capacity, "JPEG: %s", message);
    longjmp(failure->jump, 1);
}

static void on_jpeg_warning(j_common_ptr info, int level) { (void)info; (void)level; }

static uint8_t *decode_jpeg(const uint8_t *bytes, size_t length, int max_side, int *width, int *height,
                            char *error, size_t capacity) {
    struct jpeg_decompress_struct info;
    struct jpeg_failure failure;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row = NULL;
    info.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = on_jpeg_error;
    failure.manager.emit_message = on_jpeg_warning;
    failure.error = error;
    failure.capacity = capacity;
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&info);
        free(pixels);
        free(row);
        return NULL;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes, (unsigned long)length);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = JCS_RGB;
    if (max_side > 0) {
        unsigned int longer = info.image_width > info.image_height ? info.image_width : info.image_height;
        unsigned int denominator = 1;
        while (denominator < 8 && longer / (denominator * 2) >= (unsigned int)max_side) denominator *= 2;
        info.scale_num = 1;
        info.scale_denom = denominator;
    }
    jpeg_start_decompress(&info);
    int w = (int)info.output_width, h = (int)info.output_height;
    pixels = malloc((size_t)w * (size_t)h * 4);
    row = malloc((size_t)w * 3);
    if (!pixels || !row) {
        snprintf(error, capacity, "out of memory for a %dx%d image", w, h);
        jpeg_destroy_decompress(&info);
        free(pixels); free(row);
        return NULL;
    }
    while (info.output_scanline < info.output_height) {
        int y = (int)info.output_scanline;
        JSAMPROW rows[1] = { row };
        jpeg_read_scanlines(&info, rows, 1);
        uint32_t *out = (uint32_t *)(pixels + (size_t)y * (size_t)w * 4);
        for (int x = 0; x < w; x++) {
            out[x] = 0xFF000000u | ((uint32_t)row[3 * x] << 16) | ((uint32_t)row[3 * x + 1] << 8) | row[3 * x + 2];
        }
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    free(row);
    *width = w;
    *height = h;
    return pixels;
}

static uint8_t *decode_png(const uint8_t *bytes, size_t length, int *width, int *height, char *error, size_t capacity) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, bytes, length)) {
        snprintf(error, capacity, "PNG: %s", image.message);
        return NULL;
    }
    image.format = PNG_FORMAT_RGBA;
    size_t stride = PNG_IMAGE_ROW_STRIDE(image);
    uint8_t *rgba = malloc(PNG_IMAGE_BUFFER_SIZE(image, stride));
    if (!rgba) {
        png_image_free(&image);
        snprintf(error, capacity, "out of memory for a %ux%u image", image.width, image.height);
        return NULL;
    }
    if (!png_image_finish_read(&image, NULL, rgba, (png_int_32)stride, NULL)) {
        snprintf(error, capacity, "PNG: %s", image.message);
        free(rgba);
        return NULL;
    }
    size_t count = (size_t)image.width * image.height;
    uint32_t *out = (uint32_t *)rgba; /* in place: each pixel is read before it is written */
    for (size_t i = 0; i < count; i++) {
        uint32_t r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2], a = rgba[4 * i + 3];
        if (a != 255) { r = (r * a + 127) / 255; g = (g * a + 127) / 255; b = (b * a + 127) / 255; }
        out[i] = (a << 24) | (r << 16) | (g << 8) | b;
    }
    *width = (int)image.width;
    *height = (int)image.height;
    return rgba;
}

uint8_t *argus_decode_image(const uint8_t *bytes, size_t length, int max_side,
                            int *width, int *height, char *error, size_t error_capacity) {
    if (length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        return decode_jpeg(bytes, length, max_side, width, height, error, error_capacity);
    if (length >= 8 && memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
        return decode_png(bytes, length, width, height, error, error_capacity);
    snprintf(error, error_capacity, "not a JPEG or PNG file");
    return NULL;
}

void argus_image_free(uint8_t *pixels) { free(pixels); }

uint8_t *argus_encode_jpeg(const uint8_t *pixels, int width, int height, int stride, int quality, size_t *length) {
    struct jpeg_compress_struct info;
    struct jpeg_failure failure;
    char error[JMSG_LENGTH_MAX + 8];
    unsigned char *volatile output = NULL;
    unsigned long size = 0;
    uint8_t *volatile row = NULL;
    info.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = on_jpeg_error;
    failure.manager.emit_message = on_jpeg_warning;
    failure.error = error;
    failure.capacity = sizeof error;
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&info);
        free(output);
        free(row);
        return NULL;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, (unsigned char **)&output, &size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = 3;
    info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    row = malloc((size_t)width * 3);
    if (!row) { jpeg_destroy_compress(&info); free(output); return NULL; }
    while (info.next_scanline < info.image_height) {
        const uint32_t *in = (const uint32_t *)(pixels + (size_t)info.next_scanline * (size_t)stride);
        for (int x = 0; x < width; x++) {
            row[3 * x] = (uint8_t)(in[x] >> 16); row[3 * x + 1] = (uint8_t)(in[x] >> 8); row[3 * x + 2] = (uint8_t)in[x];
        }
        JSAMPROW rows[1] = { row };
        jpeg_write_scanlines(&info, rows, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    free(row);
    /* jpeg_mem_dest allocates with malloc, so argus_image_free (free) releases it. */
    *length = size;
    return output;
}
