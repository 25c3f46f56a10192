/* tflite_fb.h: bounds-checked access to a flatbuffer in memory (private to
 * models/). The layout rules (uoffset to the root table, signed offset from a
 * table back to its vtable, u16 field offsets, u32-length-prefixed vectors and
 * strings, little-endian) are the FlatBuffers binary format's. Every read is
 * checked against the buffer, so a hostile file can only produce an error. */
#ifndef MODELS_TFLITE_FB_H
#define MODELS_TFLITE_FB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

struct fb {
    const uint8_t *b;
    size_t n;
    char *err;
    size_t err_len;
};

struct fb_table {
    size_t pos;       /* table start */
    size_t vt;        /* vtable start */
    unsigned vt_len;  /* vtable bytes */
    unsigned tbl_len; /* table bytes (inline part) */
};

struct fb_vec {
    size_t start; /* first element */
    uint32_t count;
};

/* Little-endian loads; the caller has checked the range. */
static inline uint32_t fb_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint16_t fb_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint64_t fb_le64(const uint8_t *p)
{
    return (uint64_t)fb_le32(p) | (uint64_t)fb_le32(p + 4) << 32;
}

/* The table at pos (what names it in messages). */
enum kws_status fb_table_at(struct fb *f, size_t pos, struct fb_table *t, const char *what);
/* The root table (uoffset at byte 0). */
enum kws_status fb_root(struct fb *f, struct fb_table *t);
/* Position of field id with size bytes, or 0 when absent (the default). */
enum kws_status fb_field(struct fb *f, const struct fb_table *t, int id, size_t size, size_t *pos,
                         const char *what);
/* Scalars with their schema defaults. */
enum kws_status fb_u8(struct fb *f, const struct fb_table *t, int id, uint8_t def, uint8_t *v,
                      const char *what);
enum kws_status fb_i32(struct fb *f, const struct fb_table *t, int id, int32_t def, int32_t *v,
                       const char *what);
enum kws_status fb_u64(struct fb *f, const struct fb_table *t, int id, uint64_t *v,
                       const char *what);
enum kws_status fb_f32(struct fb *f, const struct fb_table *t, int id, float def, float *v,
                       const char *what);
/* Sub-table field; *present false when absent. */
enum kws_status fb_sub(struct fb *f, const struct fb_table *t, int id, struct fb_table *sub,
                       bool *present, const char *what);
/* Vector field of elem-byte elements, at most max_count; absent = empty. */
enum kws_status fb_vector(struct fb *f, const struct fb_table *t, int id, size_t elem,
                          uint32_t max_count, struct fb_vec *v, const char *what);
/* Element i of a vector of tables. */
enum kws_status fb_vec_table(struct fb *f, const struct fb_vec *v, uint32_t i, struct fb_table *t,
                             const char *what);

#endif
