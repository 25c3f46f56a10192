/* lab_rows.c: the model lab's result rows as CSV and JSON Lines, and the
 * JSON Lines read back.
 *
 * Both formats carry the same columns in the same order. Numbers are printed
 * with fixed precision so two runs of the same sweep write identical text
 * except for the timing column (host_us). The M4 estimate is JSON null (CSV:
 * "n/a (no emulated board)") while no emulated board provides one. The reader
 * accepts exactly what the writer writes: one flat object per line whose
 * values are numbers, strings, booleans or null; unknown keys are skipped,
 * so older readers keep working when columns are added. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

void dash_lab_csv_header(FILE *f)
{
    fprintf(
        f,
        "name,method,bits,sparsity_pct,finetuned,ft_epochs,scope,gradual,acc_float,acc_int8,n_test,"
        "params,params_nonzero,weights,weights_nonzero,flops,conv_flops,channels,"
        "weight_bits,flash_bytes,packed_weight_bytes,arena_bytes,host_us,m4_ms,model\n");
}

/* CSV field: quoted when it holds a comma, quote or newline. */
static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void dash_lab_csv_row(FILE *f, const struct dash_lab_row *r)
{
    fprintf(f,
            "%s,%s,%d,%d,%s,%d,%s,%s,%.4f,%.4f,%d,%llu,%llu,%llu,%llu,%llu,%llu,%d,%d,%llu,%llu,"
            "%llu,%.1f,",
            r->name, r->method, r->bits, r->sparsity_pct, r->finetuned ? "yes" : "no", r->ft_epochs,
            r->scope, r->gradual ? "yes" : "no", r->acc_float, r->acc_int8, r->n_test,
            (unsigned long long)r->params, (unsigned long long)r->params_nonzero,
            (unsigned long long)r->weights, (unsigned long long)r->weights_nonzero,
            (unsigned long long)r->flops, (unsigned long long)r->conv_flops, r->channels,
            r->weight_bits, (unsigned long long)r->flash_bytes,
            (unsigned long long)r->packed_weight_bytes, (unsigned long long)r->arena_bytes,
            r->host_us);
    if (isnan(r->m4_ms))
        fputs(DASH_LAB_M4_NA, f);
    else
        fprintf(f, "%.3f", r->m4_ms);
    fputc(',', f);
    csv_str(f, r->model);
    fputc('\n', f);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void dash_lab_json_row(FILE *f, const struct dash_lab_row *r)
{
    fputs("{\"name\": ", f);
    json_str(f, r->name);
    fputs(", \"method\": ", f);
    json_str(f, r->method);
    fputs(", \"scope\": ", f);
    json_str(f, r->scope);
    fprintf(f, ", \"gradual\": %s", r->gradual ? "true" : "false");
    fprintf(f,
            ", \"bits\": %d, \"sparsity_pct\": %d, \"finetuned\": %s, \"ft_epochs\": %d, "
            "\"acc_float\": %.4f, \"acc_int8\": %.4f, \"n_test\": %d, \"params\": %llu, "
            "\"params_nonzero\": %llu, \"weights\": %llu, \"weights_nonzero\": %llu, "
            "\"flops\": %llu, \"conv_flops\": %llu, \"channels\": %d, \"weight_bits\": %d, "
            "\"flash_bytes\": %llu, \"packed_weight_bytes\": %llu, \"arena_bytes\": %llu, "
            "\"host_us\": %.1f, \"m4_ms\": ",
            r->bits, r->sparsity_pct, r->finetuned ? "true" : "false", r->ft_epochs, r->acc_float,
            r->acc_int8, r->n_test, (unsigned long long)r->params,
            (unsigned long long)r->params_nonzero, (unsigned long long)r->weights,
            (unsigned long long)r->weights_nonzero, (unsigned long long)r->flops,
            (unsigned long long)r->conv_flops, r->channels, r->weight_bits,
            (unsigned long long)r->flash_bytes, (unsigned long long)r->packed_weight_bytes,
            (unsigned long long)r->arena_bytes, r->host_us);
    if (isnan(r->m4_ms))
        fputs("null", f);
    else
        fprintf(f, "%.3f", r->m4_ms);
    fputs(", \"model\": ", f);
    json_str(f, r->model);
    fputs("}\n", f);
}

/* A JSON string at *p into out (escapes \" \\ \/ \n \t \uXXXX below 0x80). */
static bool parse_str(const char **p, char *out, size_t len)
{
    const char *s = *p;
    size_t o = 0;
    if (*s++ != '"') return false;
    for (; *s && *s != '"'; s++) {
        char c = *s;
        if (c == '\\') {
            c = *++s;
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
            else if (c == 'u') {
                unsigned v = 0;
                for (int k = 0; k < 4; k++) {
                    if (!isxdigit((unsigned char)s[1])) return false;
                    char h = *++s;
                    v = v * 16 +
                        (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
                }
                c = v < 0x80 ? (char)v : '?';
            } else if (c != '"' && c != '\\' && c != '/')
                return false;
        }
        if (o + 1 < len) out[o++] = c;
    }
    if (*s != '"') return false;
    out[o] = '\0';
    *p = s + 1;
    return true;
}

struct field {
    const char *key;
    char kind;
    size_t off;
    size_t len;
};
#define F(k, kind, member) \
    { \
#k, kind, offsetof(struct dash_lab_row, member), \
            sizeof(((struct dash_lab_row *)0)->member) \
    }
static const struct field fields[] = {
    F(name, 's', name),
    F(method, 's', method),
    F(model, 's', model),
    F(scope, 's', scope),
    F(gradual, 'b', gradual),
    F(bits, 'i', bits),
    F(sparsity_pct, 'i', sparsity_pct),
    F(ft_epochs, 'i', ft_epochs),
    F(n_test, 'i', n_test),
    F(channels, 'i', channels),
    F(weight_bits, 'i', weight_bits),
    F(finetuned, 'b', finetuned),
    F(acc_float, 'd', acc_float),
    F(acc_int8, 'd', acc_int8),
    F(host_us, 'd', host_us),
    F(m4_ms, 'd', m4_ms),
    F(params, 'u', params),
    F(params_nonzero, 'u', params_nonzero),
    F(weights, 'u', weights),
    F(weights_nonzero, 'u', weights_nonzero),
    F(flops, 'u', flops),
    F(conv_flops, 'u', conv_flops),
    F(flash_bytes, 'u', flash_bytes),
    F(packed_weight_bytes, 'u', packed_weight_bytes),
    F(arena_bytes, 'u', arena_bytes),
};

/* The value at *p for field f (NULL: a key we do not know, skipped). */
static bool parse_value(const char **p, const struct field *f, struct dash_lab_row *r)
{
    char *dst = f ? (char *)r + f->off : NULL;
    char tmp[512];
    if (**p == '"')
        return parse_str(p, f && f->kind == 's' ? dst : tmp,
                         f && f->kind == 's' ? f->len : sizeof tmp) &&
            (!f || f->kind == 's');
    if (!strncmp(*p, "true", 4) || !strncmp(*p, "false", 5)) {
        bool v = **p == 't';
        *p += v ? 4 : 5;
        if (f && f->kind != 'b') return false;
        if (f) *(bool *)dst = v;
        return true;
    }
    if (!strncmp(*p, "null", 4)) {
        *p += 4;
        if (f && f->kind == 'd') *(double *)dst = NAN;
        return !f || f->kind == 'd';
    }
    char *end;
    errno = 0;
    double v = strtod(*p, &end);
    if (end == *p || errno) return false;
    *p = end;
    if (!f) return true;
    if (f->kind == 'd')
        *(double *)dst = v;
    else if (f->kind == 'i')
        *(int *)dst = (int)v;
    else if (f->kind == 'u')
        *(uint64_t *)dst = v < 0 ? 0 : (uint64_t)v;
    else
        return false;
    return true;
}

static void skip_ws(const char **p)
{
    while (isspace((unsigned char)**p)) (*p)++;
}

bool dash_lab_parse_json(const char *line, struct dash_lab_row *r, char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    r->m4_ms = NAN;
    const char *p = line;
    skip_ws(&p);
    if (*p++ != '{') return kws_err(err, err_len, KWS_ERR_FORMAT, "not a JSON object"), false;
    for (skip_ws(&p); *p != '}';) {
        char key[64];
        if (!parse_str(&p, key, sizeof key))
            return kws_err(err, err_len, KWS_ERR_FORMAT, "bad key"), false;
        skip_ws(&p);
        if (*p++ != ':')
            return kws_err(err, err_len, KWS_ERR_FORMAT, "missing ':' after \"%s\"", key), false;
        skip_ws(&p);
        const struct field *f = NULL;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            if (!strcmp(fields[i].key, key)) f = &fields[i];
        if (!parse_value(&p, f, r))
            return kws_err(err, err_len, KWS_ERR_FORMAT, "bad value for \"%s\"", key), false;
        skip_ws(&p);
        if (*p == ',') {
            p++;
            skip_ws(&p);
        } else if (*p != '}') {
            return kws_err(err, err_len, KWS_ERR_FORMAT, "expected ',' or '}'"), false;
        }
    }
    if (!r->name[0] || !r->method[0])
        return kws_err(err, err_len, KWS_ERR_FORMAT, "row without name or method"), false;
    return true;
}

enum kws_status dash_lab_load(const char *path, struct dash_lab_row **rows, size_t *n, char *err,
                              size_t err_len)
{
    *rows = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    char line[4096];
    size_t cap = 0, lineno = 0;
    enum kws_status st = KWS_OK;
    while (st == KWS_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (strspn(line, " \t\r\n") == strlen(line)) continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            struct dash_lab_row *nr = realloc(*rows, cap * sizeof *nr);
            if (!nr) {
                st = kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
                break;
            }
            *rows = nr;
        }
        char why[128];
        if (!dash_lab_parse_json(line, &(*rows)[*n], why, sizeof why))
            st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s:%zu: %s", path, lineno, why);
        else
            (*n)++;
    }
    fclose(f);
    if (st == KWS_OK && !*n) st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: no lab rows", path);
    if (st != KWS_OK) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return st;
}
