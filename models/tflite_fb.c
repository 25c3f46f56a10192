/* tflite_fb.c: the checked flatbuffer primitives of tflite_fb.h.
 *
 * Loops: every reference in a flatbuffer is an unsigned offset added to its
 * own position, so following references only moves forward; an offset of 0
 * (which would point a reference at itself) is rejected as a loop. The only
 * backward step is table -> vtable, which is not followed further. */
#include "tflite_fb.h"

#include <string.h>

static bool in_range(const struct fb *f, size_t pos, size_t len)
{
    return pos <= f->n && len <= f->n - pos;
}

enum kws_status fb_table_at(struct fb *f, size_t pos, struct fb_table *t, const char *what)
{
    if (!in_range(f, pos, 4))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: table at byte %zu is outside the %zu-byte file", what, pos, f->n);
    int32_t so = (int32_t)fb_le32(f->b + pos);
    int64_t vt = (int64_t)pos - (int64_t)so;
    if (vt < 0 || !in_range(f, (size_t)vt, 4))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: vtable offset %d at byte %zu points outside the file", what, so, pos);
    t->pos = pos;
    t->vt = (size_t)vt;
    t->vt_len = fb_le16(f->b + t->vt);
    t->tbl_len = fb_le16(f->b + t->vt + 2);
    if (t->vt_len < 4 || (t->vt_len & 1) || !in_range(f, t->vt, t->vt_len))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: bad vtable size %u at byte %zu",
                       what, t->vt_len, t->vt);
    if (t->tbl_len < 4 || !in_range(f, pos, t->tbl_len))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: table size %u at byte %zu runs past the end of the file", what,
                       t->tbl_len, pos);
    return KWS_OK;
}

enum kws_status fb_root(struct fb *f, struct fb_table *t)
{
    if (f->n < 8)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "model is truncated (%zu bytes, a flatbuffer needs at least 8)", f->n);
    uint32_t off = fb_le32(f->b);
    if (off == 0)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "root offset 0 loops to itself");
    return fb_table_at(f, off, t, "model root");
}

enum kws_status fb_field(struct fb *f, const struct fb_table *t, int id, size_t size, size_t *pos,
                         const char *what)
{
    size_t slot = 4 + 2 * (size_t)id;
    *pos = 0;
    if (slot + 2 > t->vt_len) return KWS_OK;
    unsigned off = fb_le16(f->b + t->vt + slot);
    if (off == 0) return KWS_OK;
    if (off < 4 || off + size > t->tbl_len)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: field %d at offset %u lies outside its %u-byte table", what, id, off,
                       t->tbl_len);
    *pos = t->pos + off;
    return KWS_OK;
}

enum kws_status fb_u8(struct fb *f, const struct fb_table *t, int id, uint8_t def, uint8_t *v,
                      const char *what)
{
    size_t p;
    enum kws_status st = fb_field(f, t, id, 1, &p, what);
    *v = st == KWS_OK && p ? f->b[p] : def;
    return st;
}

enum kws_status fb_i32(struct fb *f, const struct fb_table *t, int id, int32_t def, int32_t *v,
                       const char *what)
{
    size_t p;
    enum kws_status st = fb_field(f, t, id, 4, &p, what);
    *v = st == KWS_OK && p ? (int32_t)fb_le32(f->b + p) : def;
    return st;
}

enum kws_status fb_u64(struct fb *f, const struct fb_table *t, int id, uint64_t *v,
                       const char *what)
{
    size_t p;
    enum kws_status st = fb_field(f, t, id, 8, &p, what);
    *v = st == KWS_OK && p ? fb_le64(f->b + p) : 0;
    return st;
}

enum kws_status fb_f32(struct fb *f, const struct fb_table *t, int id, float def, float *v,
                       const char *what)
{
    size_t p;
    enum kws_status st = fb_field(f, t, id, 4, &p, what);
    if (st == KWS_OK && p) {
        uint32_t u = fb_le32(f->b + p);
        memcpy(v, &u, 4);
    } else {
        *v = def;
    }
    return st;
}

/* Follows the uoffset stored at pos. */
static enum kws_status follow(struct fb *f, size_t pos, size_t *target, const char *what)
{
    uint32_t off = fb_le32(f->b + pos);
    if (off == 0)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: offset 0 at byte %zu loops to itself", what, pos);
    if (!in_range(f, pos, (size_t)off) || !in_range(f, pos + off, 4))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: offset %u at byte %zu points past the end of the file", what, off, pos);
    *target = pos + off;
    return KWS_OK;
}

enum kws_status fb_sub(struct fb *f, const struct fb_table *t, int id, struct fb_table *sub,
                       bool *present, const char *what)
{
    size_t p, target;
    enum kws_status st = fb_field(f, t, id, 4, &p, what);
    *present = false;
    if (st || !p) return st;
    if ((st = follow(f, p, &target, what))) return st;
    *present = true;
    return fb_table_at(f, target, sub, what);
}

enum kws_status fb_vector(struct fb *f, const struct fb_table *t, int id, size_t elem,
                          uint32_t max_count, struct fb_vec *v, const char *what)
{
    size_t p, target;
    enum kws_status st = fb_field(f, t, id, 4, &p, what);
    v->start = 0;
    v->count = 0;
    if (st || !p) return st;
    if ((st = follow(f, p, &target, what))) return st;
    uint32_t count = fb_le32(f->b + target);
    if (count > max_count)
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT, "%s: absurd length %u (at most %u)",
                       what, count, max_count);
    if (!in_range(f, target + 4, (size_t)count * elem))
        return kws_err(f->err, f->err_len, KWS_ERR_FORMAT,
                       "%s: %u elements of %zu bytes at byte %zu run past the end of the file",
                       what, count, elem, target + 4);
    v->start = target + 4;
    v->count = count;
    return KWS_OK;
}

enum kws_status fb_vec_table(struct fb *f, const struct fb_vec *v, uint32_t i, struct fb_table *t,
                             const char *what)
{
    size_t target;
    enum kws_status st = follow(f, v->start + 4 * (size_t)i, &target, what);
    return st ? st : fb_table_at(f, target, t, what);
}
