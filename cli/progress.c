#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BAR_CELLS 20
#define FIRST_DRAW 0.5 /* seconds */
#define MIN_INTERVAL 0.1

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

/* 1234 -> "1234", 12345 -> "12.3k", 1234567 -> "1.2M" */
static void human(double v, char *buf, size_t size)
{
    if (v < 10000.0)
        snprintf(buf, size, "%.0f", v);
    else if (v < 1e6)
        snprintf(buf, size, "%.*fk", v < 1e5 ? 1 : 0, v / 1e3);
    else if (v < 1e9)
        snprintf(buf, size, "%.*fM", v < 1e8 ? 1 : 0, v / 1e6);
    else
        snprintf(buf, size, "%.1fG", v / 1e9);
}

void cli_progress_init(struct cli_progress *p, const char *label, int quiet, const char *output)
{
    memset(p, 0, sizeof *p);
    p->enabled = !quiet && isatty(STDERR_FILENO) &&
                 !(output != NULL && strcmp(output, "-") == 0 && isatty(STDOUT_FILENO));
    p->label = label;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void cli_progress_clear(struct cli_progress *p)
{
    if (p->width == 0)
        return;
    fprintf(stderr, "\r%*s\r", (int)p->width, "");
    fflush(stderr);
    p->width = 0;
}

void cli_progress_update(void *userdata, const struct lsc_progress *pr)
{
    struct cli_progress *p = userdata;
    struct timespec now;
    if (!p->enabled)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (pr->finished) {
        cli_progress_clear(p);
        p->start = now; /* a next pass starts here */
        return;
    }
    double elapsed = seconds_between(&p->start, &now);
    if (elapsed < FIRST_DRAW || (p->width > 0 && seconds_between(&p->last, &now) < MIN_INTERVAL))
        return;
    p->last = now;

    char line[160], rows[32], rate[32];
    size_t n = 0;
    human((double)pr->rows, rows, sizeof rows);
    human((double)pr->rows / elapsed, rate, sizeof rate);
    int k = snprintf(line, sizeof line, "%s ", p->label);
    n = k > 0 ? (size_t)k : 0;
    if (pr->size > 0 && n < sizeof line) {
        double frac = (double)pr->bytes / (double)pr->size;
        if (frac > 1.0)
            frac = 1.0;
        char bar[BAR_CELLS + 1];
        size_t full = (size_t)(frac * BAR_CELLS);
        memset(bar, '#', full);
        memset(bar + full, '.', BAR_CELLS - full);
        bar[BAR_CELLS] = '\0';
        k = snprintf(line + n, sizeof line - n, "[%s] %3.0f%%  ", bar, 100.0 * frac);
        n += k > 0 ? (size_t)k : 0;
    }
    if (n < sizeof line) {
        k = snprintf(line + n, sizeof line - n, "%s rows  %s rows/s", rows, rate);
        n += k > 0 ? (size_t)k : 0;
    }
    if (pr->size > 0 && pr->bytes > 0 && n < sizeof line) {
        double left = elapsed * (double)(pr->size - (pr->bytes < pr->size ? pr->bytes : pr->size)) /
                      (double)pr->bytes;
        unsigned long s = (unsigned long)(left + 0.5);
        if (s >= 3600)
            k = snprintf(line + n, sizeof line - n, "  ETA %lu:%02lu:%02lu", s / 3600,
                         s / 60 % 60, s % 60);
        else
            k = snprintf(line + n, sizeof line - n, "  ETA %lu:%02lu", s / 60, s % 60);
        n += k > 0 ? (size_t)k : 0;
    }
    if (n >= sizeof line)
        n = sizeof line - 1;
    /* pad over a longer previous line */
    fprintf(stderr, "\r%s%*s", line, p->width > n ? (int)(p->width - n) : 0, "");
    fflush(stderr);
    if (n > p->width)
        p->width = n;
}
