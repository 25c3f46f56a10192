/* transport.c: byte pipes to a board behind one small interface.
 *
 * Real serial ports go through libserialport; ptys (the virtual board) and any
 * path libserialport refuses go through plain termios, because libserialport
 * 0.1.1 cannot open a pseudo-terminal (it looks the port up under
 * /sys/class/tty and fails with ENOTTY). Everything is
 * non-blocking and exposes its fd so the caller can poll().
 *
 * A port is only ever a terminal (a character device that answers tcgetattr):
 * a path that names a regular file, FIFO, directory or /dev/null is refused
 * before a single byte is written, so a mistyped --port never damages a
 * user's file. The open itself is non-blocking (a FIFO or a modem line never
 * holds it) and the type is checked again on the opened fd (fstat), so a
 * path swapped between the check and the open is caught too. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <libserialport.h>

#include "device.h"

/* ---- plain fd (termios tty, pty master, pipe) --------------------------- */

static long fd_read(struct dev_transport *t, void *buf, size_t n)
{
    ssize_t r = read(t->fd, buf, n);
    if (r > 0) return (long)r;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    /* 0 (hang-up) or EIO (the other side of a pty closed): gone */
    return KWS_ERR_CLOSED;
}

static long fd_write(struct dev_transport *t, const void *buf, size_t n)
{
    ssize_t r = write(t->fd, buf, n);
    if (r >= 0) return (long)r;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    return errno == EIO || errno == EPIPE ? KWS_ERR_CLOSED : KWS_ERR_IO;
}

static void fd_close(struct dev_transport *t)
{
    if (t->fd >= 0) close(t->fd);
    t->fd = -1;
}

enum kws_status dev_transport_from_fd(struct dev_transport *t, int fd)
{
    memset(t, 0, sizeof *t);
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return KWS_ERR_IO;
    t->fd = fd;
    t->read = fd_read;
    t->write = fd_write;
    t->close = fd_close;
    t->kind = "fd";
    return KWS_OK;
}

/* Raw 8N1, no echo, no flow control, no line discipline: bytes pass as they are. */
enum kws_status dev_tty_raw(int fd)
{
    struct termios tio;
    if (tcgetattr(fd, &tio) < 0) return KWS_ERR_IO;
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)CRTSCTS;
    /* VMIN 1: with O_NONBLOCK an empty read is EAGAIN, so a read of 0 bytes
     * really means hang-up (VMIN 0 would return 0 for "no data" too) */
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, B115200);
    cfsetospeed(&tio, B115200);
    return tcsetattr(fd, TCSANOW, &tio) < 0 ? KWS_ERR_IO : KWS_OK;
}

static const char *file_kind(mode_t m)
{
    if (S_ISREG(m)) return "regular file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISFIFO(m)) return "FIFO";
    if (S_ISSOCK(m)) return "socket";
    if (S_ISBLK(m)) return "block device";
    if (S_ISCHR(m)) return "character device, not a terminal";
    return "not a device";
}

enum kws_status dev_port_check_path(const char *path, char *err, size_t err_len)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    if (!S_ISCHR(st.st_mode))
        return kws_err(err, err_len, KWS_ERR_ARG, "%s is not a serial port (%s)", path,
                       file_kind(st.st_mode));
    return KWS_OK;
}

enum kws_status dev_port_check_fd(int fd, const char *path, char *err, size_t err_len)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    /* isatty: /dev/null and friends are character devices but no port */
    if (!S_ISCHR(st.st_mode) || !isatty(fd))
        return kws_err(err, err_len, KWS_ERR_ARG, "%s is not a serial port (%s)", path,
                       file_kind(st.st_mode));
    return KWS_OK;
}

enum kws_status dev_transport_open_tty(struct dev_transport *t, const char *path, char *err,
                                       size_t err_len)
{
    enum kws_status cst = dev_port_check_path(path, err, err_len);
    if (cst != KWS_OK) return cst;
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    if ((cst = dev_port_check_fd(fd, path, err, err_len)) != KWS_OK) {
        close(fd);
        return cst;
    }
    if (dev_tty_raw(fd) != KWS_OK) {
        int e = errno;
        close(fd);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: cannot set raw mode: %s", path, strerror(e));
    }
    enum kws_status st = dev_transport_from_fd(t, fd);
    if (st != KWS_OK) {
        close(fd);
        return kws_err(err, err_len, st, "%s: cannot make non-blocking", path);
    }
    t->kind = "termios";
    return KWS_OK;
}

/* ---- libserialport ------------------------------------------------------ */

static long sp_read_fn(struct dev_transport *t, void *buf, size_t n)
{
    int r = sp_nonblocking_read(t->impl, buf, n);
    if (r > 0) return r;
    if (r == 0) {
        /* libserialport hides hang-up as "no data": ask the fd itself */
        char probe;
        ssize_t k = read(t->fd, &probe, 0);
        return k < 0 && errno == EIO ? KWS_ERR_CLOSED : 0;
    }
    return KWS_ERR_CLOSED;
}

static long sp_write_fn(struct dev_transport *t, const void *buf, size_t n)
{
    int r = sp_nonblocking_write(t->impl, buf, n);
    return r >= 0 ? r : KWS_ERR_CLOSED;
}

static void sp_close_fn(struct dev_transport *t)
{
    if (t->impl) {
        sp_close(t->impl);
        sp_free_port(t->impl);
    }
    t->impl = NULL;
    t->fd = -1;
}

static enum kws_status open_sp(struct dev_transport *t, const char *path)
{
    struct sp_port *p = NULL;
    if (sp_get_port_by_name(path, &p) != SP_OK) return KWS_ERR_UNSUPPORTED;
    if (sp_open(p, SP_MODE_READ_WRITE) != SP_OK) {
        sp_free_port(p);
        return KWS_ERR_UNSUPPORTED;
    }
    int fd = -1;
    if (sp_get_port_handle(p, &fd) != SP_OK || fd < 0 || dev_port_check_fd(fd, path, NULL, 0) ||
        sp_set_baudrate(p, 115200) != SP_OK || sp_set_bits(p, 8) != SP_OK ||
        sp_set_parity(p, SP_PARITY_NONE) != SP_OK || sp_set_stopbits(p, 1) != SP_OK ||
        sp_set_flowcontrol(p, SP_FLOWCONTROL_NONE) != SP_OK ||
        sp_get_port_handle(p, &fd) != SP_OK || fd < 0) {
        sp_close(p);
        sp_free_port(p);
        return KWS_ERR_UNSUPPORTED;
    }
    memset(t, 0, sizeof *t);
    t->impl = p;
    t->fd = fd;
    t->read = sp_read_fn;
    t->write = sp_write_fn;
    t->close = sp_close_fn;
    t->kind = "libserialport";
    return KWS_OK;
}

enum kws_status dev_transport_open(struct dev_transport *t, const char *path, char *err,
                                   size_t err_len)
{
    /* before libserialport sees it: its open is blocking and read-write */
    enum kws_status st = dev_port_check_path(path, err, err_len);
    if (st != KWS_OK) return st;
    if (open_sp(t, path) == KWS_OK) return KWS_OK;
    return dev_transport_open_tty(t, path, err, err_len);
}

void dev_transport_close(struct dev_transport *t)
{
    if (t->close) t->close(t);
    t->close = NULL;
    t->fd = -1;
}

/* Write all n bytes or fail; for callers that must not split a frame and can
 * afford to wait (commands, the virtual board). Gives up after ~2 s stuck. */
enum kws_status dev_transport_write_all(struct dev_transport *t, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    int stuck = 0;
    while (n) {
        long w = t->write(t, p, n);
        if (w < 0) return (enum kws_status)w;
        if (w == 0) {
            if (++stuck > 20000) return KWS_ERR_TIMEOUT;
            usleep(100);
            continue;
        }
        stuck = 0;
        p += w;
        n -= (size_t)w;
    }
    return KWS_OK;
}
