/* output.c: the output policy every command that writes a file follows.
 *
 * Nothing the user owns is damaged: an existing file is kept unless the
 * caller says --force; the new content goes to a temporary file beside the
 * target (same folder, so the final rename is atomic and never crosses a
 * file system), is flushed and fsync'ed, and only then takes the target's
 * name. Any failure on the way leaves the old file (or no file) and removes
 * the temporary one. Without force the final step is link(), which fails if
 * the name appeared meanwhile, so a race cannot overwrite either. The
 * temporary name is made by mkstemp (O_EXCL): it never follows a symlink.
 * Recordings are the exception (they are written in place with a header
 * kept valid: see recorder.c). */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cap_name_is_component(const char *name)
{
    if (!name || !*name || name[0] == '.' || strlen(name) > 255) return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f) return 0;
    return 1;
}

enum kws_status cap_output_open(struct cap_output *o, const char *path, int force, char *err,
                                size_t err_len)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    struct stat st;
    if (!path || !*path) return kws_err(err, err_len, KWS_ERR_ARG, "no output file given");
    if (lstat(path, &st) == 0) {
        if (!force)
            return kws_err(err, err_len, KWS_ERR_IO, "%s: exists (use --force to overwrite)", path);
        if (S_ISDIR(st.st_mode))
            return kws_err(err, err_len, KWS_ERR_IO, "%s: is a directory", path);
    }
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    int dn = slash ? (int)(slash - path) + 1 : 0;
    if (!*base) return kws_err(err, err_len, KWS_ERR_ARG, "%s: names a folder, not a file", path);
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path ||
        snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.kwscope-XXXXXX", dn, path, base) >=
            (int)sizeof o->tmp)
        return kws_err(err, err_len, KWS_ERR_ARG, "%s: path too long", path);
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0)
        return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot create a file here: %s", path,
                       strerror(errno));
    fchmod(o->fd, 0644);
    o->fp = fdopen(o->fd, "wb");
    if (!o->fp) {
        cap_output_abort(o);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "%s: out of memory", path);
    }
    o->force = force;
    return KWS_OK;
}

enum kws_status cap_output_commit(struct cap_output *o, char *err, size_t err_len)
{
    if (!o->fp) return kws_err(err, err_len, KWS_ERR_ARG, "%s: output not open", o->path);
    int bad = ferror(o->fp) || fflush(o->fp) != 0 || fsync(o->fd) != 0;
    int e = errno;
    bad |= fclose(o->fp) != 0;
    o->fp = NULL;
    o->fd = -1;
    if (bad) {
        cap_output_abort(o);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: write failed (%s); nothing written", o->path,
                       strerror(e ? e : EIO));
    }
    int rc = o->force ? rename(o->tmp, o->path) : link(o->tmp, o->path);
    e = errno;
    if (!o->force || rc != 0) unlink(o->tmp);
    o->tmp[0] = 0;
    if (rc != 0) {
        if (e == EEXIST)
            return kws_err(err, err_len, KWS_ERR_IO, "%s: exists (use --force to overwrite)",
                           o->path);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", o->path, strerror(e));
    }
    return KWS_OK;
}

void cap_output_abort(struct cap_output *o)
{
    if (o->fp)
        fclose(o->fp);
    else if (o->fd >= 0)
        close(o->fd);
    o->fp = NULL;
    o->fd = -1;
    if (o->tmp[0]) unlink(o->tmp);
    o->tmp[0] = 0;
}
