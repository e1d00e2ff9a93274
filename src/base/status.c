#include "status_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *lsc_strerror(enum lsc_status status)
{
    switch (status) {
    case LSC_OK: return "success";
    case LSC_ERR_NOMEM: return "out of memory";
    case LSC_ERR_IO: return "input/output error";
    case LSC_ERR_PARSE: return "malformed CSV";
    case LSC_ERR_DATA: return "unusable data";
    case LSC_ERR_USAGE: return "invalid option";
    case LSC_ERR_MODEL: return "invalid model file";
    case LSC_ERR_NUMERIC: return "numerical failure";
    case LSC_ERR_EXISTS: return "output exists";
    }
    return "unknown status";
}

void lsc_error_clear(struct lsc_error *err)
{
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

enum lsc_status lsc_error_set(struct lsc_error *err, enum lsc_status status, const char *file,
                              size_t line, size_t column, const char *fmt, ...)
{
    if (err == NULL)
        return status;
    err->status = status;
    err->line = line;
    err->column = column;
    err->file[0] = '\0';
    if (file != NULL)
        snprintf(err->file, sizeof err->file, "%s", file);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

enum lsc_status lsc_error_nomem(struct lsc_error *err)
{
    return lsc_error_set(err, LSC_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

enum lsc_status lsc_error_write(struct lsc_error *err, const char *file)
{
    int e = errno != 0 ? errno : EIO;
    return lsc_error_set(err, LSC_ERR_IO, file, 0, 0, "write failed: %s", strerror(e));
}

enum lsc_status lsc_error_name_file(struct lsc_error *err, const char *file)
{
    if (err == NULL)
        return LSC_ERR_IO;
    if (err->file[0] == '\0' && file != NULL)
        snprintf(err->file, sizeof err->file, "%s", strcmp(file, "-") == 0 ? "<stdout>" : file);
    return err->status;
}

void lsc_error_format(const struct lsc_error *err, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return;
    if (err == NULL) {
        buf[0] = '\0';
        return;
    }
    const char *msg = err->message[0] ? err->message : lsc_strerror(err->status);
    if (err->file[0] && err->line && err->column)
        snprintf(buf, size, "%s:%zu:%zu: %s", err->file, err->line, err->column, msg);
    else if (err->file[0] && err->line)
        snprintf(buf, size, "%s:%zu: %s", err->file, err->line, msg);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, msg);
    else
        snprintf(buf, size, "%s", msg);
}

void lsc_logf(const struct lsc_log *log, enum lsc_log_level level, const char *fmt, ...)
{
    if (log == NULL || log->fn == NULL)
        return;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    log->fn(log->userdata, level, buf);
}
