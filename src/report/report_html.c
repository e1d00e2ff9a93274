/* report_html - the training and comparison reports as one HTML page each.
 *
 * Charts are SVG written as text: a chart maps its data ranges onto a plot
 * area (linear, or logarithmic for odds ratios and penalties), draws axes
 * with "nice" ticks (steps of 1, 2 or 5 times a power of ten), and draws
 * each series as exactly one <polyline class="series" data-series=NAME>,
 * bars as <rect class="bar">, reference lines with class "reference". The
 * exact numbers sit in data-value attributes so a test can compare them
 * with the JSON. Every string from the data goes through esc().
 */
#include "report_html.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "compare.h"
#include "curves.h"
#include "leadscore/report.h"
#include "util.h"
#include "xml.h"

#define C_MODEL "#1f5fa8"
#define C_RULES "#d9730d"
#define C_POS "#2a9d5c"
#define C_NEG "#8a8f98"
#define C_REF "#b8bcc4"
#define MAX_COEFS 40    /* odds ratios shown in the chart */
#define CURVE_EPS 0.002 /* curve points closer than this (L1) are merged */
#define HIST_BINS 20

/* ---- the warnings log ---------------------------------------------------- */

static void warn_cb(void *ud, enum lsc_log_level level, const char *msg)
{
    struct report_warnings *w = ud;
    if (w->inner != NULL && w->inner->fn != NULL)
        w->inner->fn(w->inner->userdata, level, msg);
    if (level != LSC_LOG_WARN || w->failed)
        return;
    char **items = lsc_reallocarray(w->items, w->n + 1, sizeof *items);
    char *copy = lsc_strdup(msg);
    if (items != NULL)
        w->items = items;
    if (items == NULL || copy == NULL) {
        lsc_free(copy);
        w->failed = 1;
        return;
    }
    w->items[w->n++] = copy;
}

void lsc_report_warnings_init(struct report_warnings *w, const struct lsc_log *inner)
{
    memset(w, 0, sizeof *w);
    w->inner = inner;
    w->log.fn = warn_cb;
    w->log.userdata = w;
}

void lsc_report_warnings_fini(struct report_warnings *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->n; i++)
        lsc_free(w->items[i]);
    lsc_free(w->items);
    w->items = NULL;
    w->n = 0;
}

/* ---- text ------------------------------------------------------------------ */

/* Writes s escaped for HTML text and attribute values (also valid XML):
 * & < > " ' as entities, bytes that are not UTF-8 and control characters as
 * the visible text \xHH. */
static void esc_n(FILE *fp, const char *s, size_t len)
{
    char buf[4096];
    if (s == NULL)
        return;
    if (!lsc_utf8_valid(s, len, NULL)) {
        lsc_escape_bytes(s, len, buf, sizeof buf);
        s = buf;
        len = strlen(buf);
    }
    lsc_xml_put(fp, s, len, XML_HTML);
}

static void esc(FILE *fp, const char *s)
{
    if (s != NULL)
        esc_n(fp, s, strlen(s));
}

/* s cut to at most max bytes on a character boundary, with "..." when cut. */
static void esc_cut(FILE *fp, const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max) {
        esc_n(fp, s, len);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    esc_n(fp, s, max);
    fputs("...", fp);
}

/* A number for people; "n/a" when it does not apply. */
static const char *fmt(char *buf, size_t size, const char *f, double x)
{
    if (isfinite(x))
        snprintf(buf, size, f, x);
    else
        snprintf(buf, size, "n/a");
    return buf;
}

static const char *fmt_pct(char *buf, size_t size, double x, int decimals)
{
    if (isfinite(x))
        snprintf(buf, size, "%.*f%%", decimals, 100.0 * x);
    else
        snprintf(buf, size, "n/a");
    return buf;
}

/* The exact value for data-value attributes: 17 digits, "null" for NaN. */
static void dv(FILE *fp, double x)
{
    if (isfinite(x))
        fprintf(fp, " data-value=\"%.17g\"", x);
    else
        fputs(" data-value=\"null\"", fp);
}

static double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

/* ---- the page --------------------------------------------------------------- */

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
    "color:#1d2430;background:#fff;margin:0;padding:24px 32px;max-width:1160px;line-height:1.4}"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 6px;"
    "border-bottom:2px solid #e3e6eb;padding-bottom:4px}"
    ".sub{color:#5a6372;margin:0 0 16px}"
    ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}"
    ".card{border:1px solid #dde1e7;border-radius:8px;padding:10px 14px;min-width:160px;flex:1}"
    ".card .k{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5a6372}"
    ".card .v{font-size:26px;font-weight:600}.card .n{font-size:12px;color:#5a6372}"
    ".grid{display:flex;flex-wrap:wrap;gap:16px}"
    "figure{margin:0;break-inside:avoid;page-break-inside:avoid}"
    "figcaption{font-size:13px;color:#3d4656;max-width:540px;margin-top:2px}"
    "figure.wide figcaption{max-width:none}"
    "svg{background:#fff;max-width:100%;height:auto}svg text{font-family:inherit;fill:#1d2430}"
    "svg .title{font-size:15px;font-weight:600}svg .axis text{font-size:11px;fill:#4a5363}"
    "svg .label{font-size:12px;fill:#3d4656}svg .grid line{stroke:#eceef2}"
    "table{border-collapse:collapse;font-size:13px;margin:8px 0;break-inside:avoid}"
    "th,td{border:1px solid #dde1e7;padding:3px 8px;text-align:right}"
    "th{background:#f3f5f8}td.l,th.l{text-align:left}"
    "ul.warn li{color:#8a3b00;margin:4px 0}ul.rec li{margin:6px 0}"
    ".tag{display:inline-block;font-size:11px;background:#eef1f5;border-radius:4px;"
    "padding:0 6px;margin-right:6px;color:#3d4656}"
    ".muted{color:#5a6372;font-size:13px}"
    "@media print{body{padding:0;max-width:none}h2{break-after:avoid}.card{break-inside:avoid}}";

static void page_open(FILE *fp, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<meta name=\"generator\" content=\"leadscore\"/>\n<title>",
          fp);
    esc(fp, title);
    fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

static void page_close(FILE *fp)
{
    fputs("<p class=\"muted\">Written by leadscore. This page is self-contained: charts are "
          "drawn in SVG, nothing is loaded from the network and no script runs. The exact "
          "numbers are in the JSON files (docs/reports.md).</p>\n</body>\n</html>\n",
          fp);
}

static void card(FILE *fp, const char *key, const char *metric, double value, const char *shown,
                 const char *note)
{
    fputs("<div class=\"card\"><div class=\"k\">", fp);
    esc(fp, key);
    fputs("</div><div class=\"v\"", fp);
    if (metric != NULL) {
        fprintf(fp, " data-metric=\"%s\"", metric);
        dv(fp, value);
    }
    fputs(">", fp);
    esc(fp, shown);
    fputs("</div><div class=\"n\">", fp);
    esc(fp, note);
    fputs("</div></div>\n", fp);
}

/* ---- charts ------------------------------------------------------------------ */

struct chart {
    FILE *fp;
    double w, h, l, r, t, b; /* size and margins */
    double x0, x1, y0, y1;
    int logx;
    double xstep;
};

static double tx(const struct chart *c, double x)
{
    double a = c->logx ? log10(x) : x, a0 = c->logx ? log10(c->x0) : c->x0,
           a1 = c->logx ? log10(c->x1) : c->x1;
    return c->l + (a - a0) / (a1 - a0) * (c->w - c->l - c->r);
}

static double ty(const struct chart *c, double y)
{
    return c->h - c->b - (y - c->y0) / (c->y1 - c->y0) * (c->h - c->t - c->b);
}

static double nice_step(double span, double target)
{
    double raw = span / target;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
}

/* A tick label: a percentage or a short number. */
static void tick_label(char *buf, size_t size, double v, int pct)
{
    if (fabs(v) < 1e-12)
        v = 0.0;
    if (pct)
        snprintf(buf, size, "%g%%", round(v * 1000.0) / 10.0);
    else
        snprintf(buf, size, "%g", v);
}

static void axis_ticks(struct chart *c, int xaxis, int pct)
{
    FILE *fp = c->fp;
    char lab[32];
    double lo = xaxis ? c->x0 : c->y0, hi = xaxis ? c->x1 : c->y1;
    double vals[64];
    size_t nv = 0;
    if (xaxis && c->logx) {
        int k0 = (int)floor(log10(lo) + 1e-9), k1 = (int)ceil(log10(hi) - 1e-9);
        int dense = k1 - k0 <= 2;
        for (int k = k0; k <= k1 && nv < 60; k++) {
            static const double mult[] = {1.0, 2.0, 5.0};
            for (size_t m = 0; m < (dense ? 3u : 1u); m++) {
                double v = mult[m] * pow(10.0, k);
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                    vals[nv++] = v;
            }
        }
    } else {
        double step = xaxis && c->xstep > 0 ? c->xstep : nice_step(hi - lo, xaxis ? 6.0 : 5.0);
        for (double v = ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9 && nv < 60; v += step)
            vals[nv++] = v;
    }
    fprintf(fp, "<g class=\"axis %s\">", xaxis ? "x" : "y");
    if (xaxis)
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#4a5363\"/>",
                c->l, c->h - c->b, c->w - c->r, c->h - c->b);
    else
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#4a5363\"/>",
                c->l, c->t, c->l, c->h - c->b);
    for (size_t i = 0; i < nv; i++) {
        tick_label(lab, sizeof lab, vals[i], pct);
        if (xaxis) {
            double x = tx(c, vals[i]);
            fprintf(fp,
                    "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    "stroke=\"#4a5363\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
                    "</text>",
                    x, c->h - c->b, x, c->h - c->b + 5, x, c->h - c->b + 18, lab);
        } else {
            double y = ty(c, vals[i]);
            fprintf(fp,
                    "<line class=\"tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    "stroke=\"#4a5363\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s"
                    "</text>",
                    c->l - 5, y, c->l, y, c->l - 8, y + 4, lab);
        }
    }
    fputs("</g>\n<g class=\"grid\">", fp);
    for (size_t i = 0; i < nv; i++) {
        if (xaxis)
            fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", tx(c, vals[i]),
                    c->t, tx(c, vals[i]), c->h - c->b);
        else
            fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", c->l,
                    ty(c, vals[i]), c->w - c->r, ty(c, vals[i]));
    }
    fputs("</g>\n", fp);
}

struct axes {
    double x0, x1, y0, y1;
    int logx, xpct, ypct, no_xticks;
    const char *xlabel, *ylabel;
    double xstep;  /* 0: automatic */
    int no_yticks; /* rows of labels instead of a y scale */
    double right;  /* right margin, 0: the default */
};

/* Opens <figure class=...><svg> with the title and both axes. */
static void chart_open(struct chart *c, FILE *fp, const char *id, const char *title, double w,
                       double h, double left, const struct axes *a)
{
    c->fp = fp;
    c->w = w;
    c->h = h;
    c->l = left;
    c->r = a->right > 0 ? a->right : 18;
    c->t = 34;
    c->b = 46;
    c->x0 = a->x0;
    c->x1 = a->x1;
    c->y0 = a->y0;
    c->y1 = a->y1;
    c->logx = a->logx;
    c->xstep = a->xstep;
    fprintf(fp, "<figure%s><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                "data-chart=\"%s\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "role=\"img\" aria-label=\"",
            w > 700 ? " class=\"wide\"" : "", id, w, h, w, h);
    esc(fp, title);
    fputs("\"><title>", fp);
    esc(fp, title);
    fprintf(fp, "</title>\n<text class=\"title\" x=\"%.1f\" y=\"20\">", c->l);
    esc(fp, title);
    fputs("</text>\n", fp);
    if (!a->no_xticks)
        axis_ticks(c, 1, a->xpct);
    else
        fprintf(fp,
                "<g class=\"axis x\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#4a5363\"/></g>\n",
                c->l, c->h - c->b, c->w - c->r, c->h - c->b);
    if (!a->no_yticks)
        axis_ticks(c, 0, a->ypct);
    else
        fprintf(fp,
                "<g class=\"axis y\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#4a5363\"/></g>\n",
                c->l, c->t, c->l, c->h - c->b);
    fprintf(fp, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            (c->l + c->w - c->r) / 2, c->h - 8);
    esc(fp, a->xlabel);
    fprintf(fp,
            "</text>\n<text class=\"label\" transform=\"translate(14,%.1f) rotate(-90)\" "
            "text-anchor=\"middle\">",
            (c->t + c->h - c->b) / 2);
    esc(fp, a->ylabel);
    fputs("</text>\n", fp);
}

static void chart_close(struct chart *c, const char *caption)
{
    fputs("</svg><figcaption>", c->fp);
    esc(c->fp, caption);
    fputs("</figcaption></figure>\n", c->fp);
}

/* One series: a single polyline over its finite points, markers optional. */
static void series(struct chart *c, const char *name, const char *color, const double *x,
                   const double *y, size_t n, const char *dash, int markers)
{
    FILE *fp = c->fp;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        shown += isfinite(x[i]) && isfinite(y[i]);
    fprintf(fp, "<polyline class=\"series\" data-series=\"");
    esc(fp, name);
    fprintf(fp, "\" data-points=\"%zu\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\"%s%s%s"
                " points=\"",
            shown, color, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]))
            fprintf(fp, "%.2f,%.2f ", tx(c, x[i]), ty(c, y[i]));
    fputs("\"/>\n", fp);
    for (size_t i = 0; markers && i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]))
            fprintf(fp, "<circle class=\"marker\" cx=\"%.2f\" cy=\"%.2f\" r=\"3.5\" fill=\"%s\"/>",
                    tx(c, x[i]), ty(c, y[i]), color);
    if (markers)
        fputc('\n', fp);
}

static void reference(struct chart *c, double x0, double y0, double x1, double y1)
{
    fprintf(c->fp,
            "<line class=\"reference\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
            "stroke=\"%s\" stroke-dasharray=\"5 4\"/>\n",
            tx(c, x0), ty(c, y0), tx(c, x1), ty(c, y1), C_REF);
}

struct legend_item {
    const char *name, *color;
    int dashed;
};

enum { LEG_TOP_LEFT, LEG_BOTTOM_RIGHT, LEG_TOP_RIGHT };

static void legend(struct chart *c, const struct legend_item *it, size_t n, int where)
{
    double x = where != LEG_TOP_LEFT ? c->w - c->r - 170 : c->l + 12;
    double y = where == LEG_BOTTOM_RIGHT ? c->h - c->b - 16.0 * (double)n - 6 : c->t + 8;
    fputs("<g class=\"legend\">", c->fp);
    for (size_t i = 0; i < n; i++, y += 16) {
        fprintf(c->fp,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"3\"%s/><text x=\"%.1f\" y=\"%.1f\" class=\"label\">",
                x, y + 6, x + 22, y + 6, it[i].color,
                it[i].dashed ? " stroke-dasharray=\"5 4\"" : "", x + 28, y + 10);
        esc(c->fp, it[i].name);
        fputs("</text>", c->fp);
    }
    fputs("</g>\n", c->fp);
}

/* Keeps the first and last points and those at least eps (L1) from the
 * last kept one: a curve of 100 000 thresholds draws the same with a few
 * hundred points. Returns the new count. */
static size_t thin(double *x, double *y, size_t n, double eps)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && i + 1 < n && fabs(x[i] - x[k - 1]) + fabs(y[i] - y[k - 1]) < eps)
            continue;
        x[k] = x[i];
        y[k] = y[i];
        k++;
    }
    return k;
}

/* ROC (fpr, tpr) or PR (recall, precision) points of c, thinned, into
 * lsc_malloc'd arrays. LSC_ERR_NOMEM. */
static enum lsc_status curve_points(const struct curves_ops *c, int pr, double **xo, double **yo,
                                    size_t *n)
{
    size_t m = c->n_groups + 1, k = 0;
    double *x = lsc_malloc(m * sizeof *x), *y = lsc_malloc(m * sizeof *y);
    *xo = *yo = NULL;
    *n = 0;
    if (x == NULL || y == NULL) {
        lsc_free(x);
        lsc_free(y);
        return LSC_ERR_NOMEM;
    }
    for (size_t g = pr ? 1 : 0; g <= c->n_groups; g++) {
        x[k] = lsc_curves_tpr(c, g);
        y[k] = pr ? lsc_curves_precision(c, g) : lsc_curves_tpr(c, g);
        if (!pr)
            x[k] = lsc_curves_fpr(c, g);
        k++;
    }
    *n = thin(x, y, k, CURVE_EPS);
    *xo = x;
    *yo = y;
    return LSC_OK;
}

/* ---- the training report -------------------------------------------------- */

static void data_summary(FILE *fp, const struct lsc_model *m, const struct lsc_train_summary *s)
{
    char a[64];
    fputs("<h2>Data</h2>\n<table class=\"summary\">\n", fp);
    fputs("<tr><th class=\"l\">Training file</th><td class=\"l\">", fp);
    esc(fp, m->training_file);
    fputs("</td></tr>\n<tr><th class=\"l\">Outcome column</th><td class=\"l\">", fp);
    esc(fp, m->target);
    fprintf(fp, "</td></tr>\n<tr><th class=\"l\">Rows</th><td class=\"l\">%zu read, %zu used, "
                "%zu skipped (missing outcome)",
            s->rows_read, s->rows_used, s->rows_skipped_target);
    if (s->rows_skipped_value > 0)
        fprintf(fp, ", %zu skipped (outcome neither a positive nor a negative value)",
                s->rows_skipped_value);
    fputs("</td></tr>\n", fp);
    fprintf(fp, "<tr><th class=\"l\">Converted</th><td class=\"l\">%zu (%s)</td></tr>\n",
            s->positives,
            fmt_pct(a, sizeof a, s->rows_used ? (double)s->positives / (double)s->rows_used : NAN,
                    1));
    fprintf(fp, "<tr><th class=\"l\">Columns</th><td class=\"l\">%zu used, %zu dropped; %zu "
                "model features (with the intercept)</td></tr>\n",
            s->columns_used, s->columns_dropped, s->features);
    /* the split as the model's options record it (train.c) */
    const char *how = s->split_date ? "dated on or after the cutoff"
                      : json_is_true(json_object_get(m->options, "split_by_id"))
                          ? "chosen by a hash of the id"
                          : "stratified";
    if (s->holdout_rows > 0)
        fprintf(fp, "<tr><th class=\"l\">Validation</th><td class=\"l\">%zu training rows, %zu "
                    "held-out rows (%s); every number on this page about ranking and "
                    "calibration is measured on the held-out rows</td></tr>\n",
                s->train_rows, s->holdout_rows, how);
    else
        fputs("<tr><th class=\"l\">Validation</th><td class=\"l\">none (--holdout 0): no "
              "out-of-sample measures</td></tr>\n",
              fp);
    fprintf(fp, "<tr><th class=\"l\">Fit</th><td class=\"l\">%s penalty %g%s; %zu "
                "iterations, %s; %s</td></tr>\n</table>\n",
            m->l1_ratio <= 0.0 ? "L2" : m->l1_ratio >= 1.0 ? "L1" : "elastic-net", m->l2,
            m->cv != NULL ? " (chosen by cross-validation)" : "", m->iterations, m->converged ? "converged" : "NOT converged",
            m->refit ? "refit on all rows (the saved model)"
                     : s->holdout_rows ? "the training-split fit is saved" : "fit on all rows");
}

/* The model's warnings and every other warning logged while training. */
static void warnings_section(FILE *fp, const struct lsc_model *m, const struct report_warnings *w)
{
    size_t shown = 0;
    fputs("<h2>Warnings</h2>\n", fp);
    fputs("<ul class=\"warn\">\n", fp);
    for (size_t i = 0; i < m->n_warnings; i++, shown++) {
        fputs("<li><span class=\"tag\">", fp);
        esc(fp, m->warnings[i].code);
        fputs("</span>", fp);
        esc(fp, m->warnings[i].message);
        fputs("</li>\n", fp);
    }
    for (size_t i = 0; w != NULL && i < w->n; i++) {
        int dup = 0;
        for (size_t k = 0; k < m->n_warnings && !dup; k++) {
            size_t lc = strlen(m->warnings[k].code);
            dup = strncmp(w->items[i], m->warnings[k].code, lc) == 0 &&
                  strncmp(w->items[i] + lc, ": ", 2) == 0 &&
                  strcmp(w->items[i] + lc + 2, m->warnings[k].message) == 0;
        }
        if (dup)
            continue;
        fputs("<li>", fp);
        esc(fp, w->items[i]);
        fputs("</li>\n", fp);
        shown++;
    }
    fputs("</ul>\n", fp);
    if (shown == 0)
        fputs("<p class=\"muted\">None: no leakage, separation, collinearity or convergence "
              "problem was found.</p>\n",
              fp);
}

static void roc_pr_charts(FILE *fp, const struct curves_ops *ops, double auc, double base,
                          enum lsc_status *st)
{
    struct chart c;
    double *x = NULL, *y = NULL;
    size_t n = 0;
    char cap[512], a[32], b[32];
    struct axes ax = {0, 1, 0, 1, 0, 1, 1, 0, "false positive rate (non-converters flagged)",
                      "true positive rate (converters found)", 0, 0, 0};
    if ((*st = curve_points(ops, 0, &x, &y, &n)) != LSC_OK)
        return;
    chart_open(&c, fp, "roc", "ROC curve (held-out rows)", 540, 380, 58, &ax);
    reference(&c, 0, 0, 1, 1);
    series(&c, "model", C_MODEL, x, y, n, NULL, 0);
    struct legend_item li[] = {{"model", C_MODEL, 0}, {"random ranking", C_REF, 1}};
    legend(&c, li, 2, 1);
    fprintf(fp, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" data-metric=\"auc\"",
            c.l + 14, c.t + 22);
    dv(fp, auc);
    fprintf(fp, ">AUC %s</text>\n", fmt(a, sizeof a, "%.3f", auc));
    snprintf(cap, sizeof cap,
             "AUC %s: a lead that converted scores above one that did not %s of the time "
             "(0.5 is a coin toss, 1 is perfect ranking).",
             fmt(a, sizeof a, "%.3f", auc), fmt_pct(b, sizeof b, auc, 0));
    chart_close(&c, cap);
    lsc_free(x);
    lsc_free(y);

    if ((*st = curve_points(ops, 1, &x, &y, &n)) != LSC_OK)
        return;
    struct axes pa = {0, 1, 0, 1, 0, 1, 1, 0, "recall (share of converters found)",
                      "precision (converters among flagged)", 0, 0, 0};
    chart_open(&c, fp, "pr", "Precision-recall curve (held-out rows)", 540, 380, 58, &pa);
    reference(&c, 0, base, 1, base);
    series(&c, "model", C_MODEL, x, y, n, NULL, 0);
    struct legend_item lp[] = {{"model", C_MODEL, 0}, {"base rate", C_REF, 1}};
    legend(&c, lp, 2, 1);
    snprintf(cap, sizeof cap,
             "Working down the list from the highest scores: how many of the leads flagged so "
             "far converted (precision) against how many converters have been found (recall). "
             "The dashed line is the base rate %s.",
             fmt_pct(a, sizeof a, base, 1));
    chart_close(&c, cap);
    lsc_free(x);
    lsc_free(y);
}

static void calibration_chart(FILE *fp, const struct lsc_holdout_metrics *h)
{
    struct chart c;
    double x[CURVES_DECILES], y[CURVES_DECILES], hi = 0.0;
    char cap[512], a[32], b[32];
    for (size_t g = 0; g < CURVES_DECILES; g++) {
        const struct curves_decile *d = &h->deciles[CURVES_DECILES - 1 - g];
        x[g] = d->mean_predicted;
        y[g] = d->conversion_rate;
        if (isfinite(x[g]) && x[g] > hi)
            hi = x[g];
        if (isfinite(y[g]) && y[g] > hi)
            hi = y[g];
    }
    hi = hi <= 0.0 ? 1.0 : fmin(1.0, nice_step(hi, 5.0) * ceil(hi / nice_step(hi, 5.0) + 1e-9));
    struct axes ax = {0, hi, 0, hi, 0, 1, 1, 0, "mean predicted probability (decile of risk)",
                      "observed conversion rate", 0, 0, 0};
    chart_open(&c, fp, "calibration", "Calibration by decile (held-out rows)", 540, 380, 58, &ax);
    reference(&c, 0, 0, hi, hi);
    series(&c, "observed", C_MODEL, x, y, CURVES_DECILES, NULL, 1);
    struct legend_item li[] = {{"deciles", C_MODEL, 0}, {"perfect calibration", C_REF, 1}};
    legend(&c, li, 2, 0);
    fprintf(fp, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" data-metric=\"hl_statistic\"",
            c.w - c.r - 190, c.h - c.b - 28);
    dv(fp, h->hl.statistic);
    fprintf(fp, ">Hosmer-Lemeshow %s</text>\n", fmt(a, sizeof a, "%.2f", h->hl.statistic));
    fprintf(fp, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" data-metric=\"hl_p_value\"",
            c.w - c.r - 190, c.h - c.b - 12);
    dv(fp, h->hl.p_value);
    fprintf(fp, ">p = %s (%zu df)</text>\n", fmt(a, sizeof a, "%.3g", h->hl.p_value), h->hl.df);
    snprintf(cap, sizeof cap,
             "Each point is a tenth of the held-out leads, from the lowest to the highest "
             "predicted probability. Points on the dashed line mean the probabilities can be "
             "taken at face value. Hosmer-Lemeshow p = %s%s.",
             fmt(b, sizeof b, "%.3g", h->hl.p_value),
             isfinite(h->hl.p_value) && h->hl.p_value < 0.05
                 ? ": the predictions and the outcomes differ by more than chance"
                 : ": no evidence of miscalibration");
    chart_close(&c, cap);
}

static void gains_charts(FILE *fp, const struct lsc_holdout_metrics *h)
{
    struct chart c;
    double x[CURVES_DECILES + 1], y[CURVES_DECILES + 1], hi = 0.0;
    size_t rows = 0;
    char cap[512], a[32], b[32];
    x[0] = y[0] = 0.0;
    for (size_t k = 0; k < CURVES_DECILES; k++) {
        rows += h->deciles[k].rows;
        x[k + 1] = h->rows ? (double)rows / (double)h->rows : NAN;
        y[k + 1] = h->deciles[k].cumulative_capture;
    }
    struct axes ax = {0, 1, 0, 1, 0, 1, 1, 0, "share of leads contacted, highest scores first",
                      "share of all conversions captured", 0, 0, 0};
    chart_open(&c, fp, "gains", "Cumulative gains (held-out rows)", 540, 380, 58, &ax);
    reference(&c, 0, 0, 1, 1);
    series(&c, "model", C_MODEL, x, y, CURVES_DECILES + 1, NULL, 1);
    struct legend_item li[] = {{"model", C_MODEL, 0}, {"random order", C_REF, 1}};
    legend(&c, li, 2, 1);
    snprintf(cap, sizeof cap,
             "Calling the top 10%% of leads by score reaches %s of the conversions; the top 30%% "
             "reach %s.",
             fmt_pct(a, sizeof a, h->deciles[0].cumulative_capture, 0),
             fmt_pct(b, sizeof b, h->deciles[2].cumulative_capture, 0));
    chart_close(&c, cap);

    for (size_t k = 0; k < CURVES_DECILES; k++)
        if (isfinite(h->deciles[k].lift) && h->deciles[k].lift > hi)
            hi = h->deciles[k].lift;
    hi = hi <= 0.0 ? 1.0 : nice_step(hi, 5.0) * ceil(hi / nice_step(hi, 5.0) + 1e-9);
    struct axes lx = {0.5, 10.5, 0, hi, 0, 0, 0, 0, "decile (1 = highest scores)",
                      "lift (conversion rate / base rate)", 1.0, 0, 0};
    chart_open(&c, fp, "lift", "Lift by decile (held-out rows)", 540, 380, 58, &lx);
    double bw = (tx(&c, 1.5) - tx(&c, 0.5)) * 0.7;
    for (size_t k = 0; k < CURVES_DECILES; k++) {
        double v = h->deciles[k].lift;
        if (!isfinite(v))
            continue;
        fprintf(fp, "<rect class=\"bar\" data-series=\"model\" data-decile=\"%zu\"", k + 1);
        dv(fp, v);
        fprintf(fp, " x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
                tx(&c, (double)(k + 1)) - bw / 2, ty(&c, v), bw, ty(&c, 0) - ty(&c, v), C_MODEL);
    }
    fputc('\n', fp);
    reference(&c, 0.5, 1.0, 10.5, 1.0);
    snprintf(cap, sizeof cap,
             "Leads in the top decile convert %s times as often as the average lead; those in "
             "the bottom decile %s times.",
             fmt(a, sizeof a, "%.1f", h->deciles[0].lift),
             fmt(b, sizeof b, "%.2f", h->deciles[CURVES_DECILES - 1].lift));
    chart_close(&c, cap);
}

/* Histograms of the predicted probability for converted and other leads,
 * each as shares of its own class (w: row weights, NULL for 1). */
static void distribution_chart(FILE *fp, const double *yv, const double *p, const double *w,
                               size_t n)
{
    struct chart c;
    double cnt[2][HIST_BINS] = {{0}}, tot[2] = {0, 0}, hi = 0.0;
    double x[2 * HIST_BINS + 2], y[2][2 * HIST_BINS + 2];
    for (size_t i = 0; i < n; i++) {
        int k = yv[i] > 0.5;
        size_t b = (size_t)(p[i] * HIST_BINS);
        if (b >= HIST_BINS)
            b = HIST_BINS - 1;
        cnt[k][b] += w != NULL ? w[i] : 1.0;
        tot[k] += w != NULL ? w[i] : 1.0;
    }
    /* steps: each bin's share drawn flat across the bin */
    for (int k = 0; k < 2; k++) {
        for (size_t b = 0; b < HIST_BINS; b++) {
            double s = tot[k] > 0 ? cnt[k][b] / tot[k] : 0.0;
            x[2 * b] = (double)b / HIST_BINS;
            x[2 * b + 1] = (double)(b + 1) / HIST_BINS;
            y[k][2 * b] = y[k][2 * b + 1] = s;
            if (s > hi)
                hi = s;
        }
    }
    hi = hi <= 0.0 ? 1.0 : nice_step(hi, 5.0) * ceil(hi / nice_step(hi, 5.0) + 1e-9);
    struct axes ax = {0, 1, 0, hi, 0, 1, 1, 0, "predicted probability",
                      "share of the group's leads", 0, 0, 0};
    chart_open(&c, fp, "distribution", "Predicted probability by outcome (held-out rows)", 540,
               380, 58, &ax);
    series(&c, "converted", C_POS, x, y[1], 2 * HIST_BINS, NULL, 0);
    series(&c, "not converted", C_NEG, x, y[0], 2 * HIST_BINS, "6 3", 0);
    struct legend_item li[] = {{"converted", C_POS, 0}, {"not converted", C_NEG, 1}};
    legend(&c, li, 2, LEG_TOP_RIGHT);
    chart_close(&c, "The further apart the two shapes, the better the model tells converters "
                    "from the rest. Bins are 0.05 wide.");
}

struct coef_row {
    size_t j;
    double est, lo, hi;
};

static int by_abs_est(const void *a, const void *b)
{
    double x = fabs(((const struct coef_row *)a)->est), z = fabs(((const struct coef_row *)b)->est);
    return (x < z) - (x > z);
}

static int by_est(const void *a, const void *b)
{
    double x = ((const struct coef_row *)a)->est, z = ((const struct coef_row *)b)->est;
    return (x < z) - (x > z);
}

static enum lsc_status coef_chart(FILE *fp, const struct lsc_model *m)
{
    struct chart c;
    size_t n = m->n_features > 1 ? m->n_features - 1 : 0, shown;
    struct coef_row *r = NULL;
    double lo = 1.0, hi = 1.0;
    char cap[512], a[32];
    if (n == 0) {
        fputs("<p class=\"muted\">The model has no features besides the intercept.</p>\n", fp);
        return LSC_OK;
    }
    r = lsc_malloc(n * sizeof *r);
    if (r == NULL)
        return LSC_ERR_NOMEM;
    for (size_t j = 1; j < m->n_features; j++) {
        struct coef_row *e = &r[j - 1];
        e->j = j;
        e->est = m->coef[j];
        e->lo = m->coef_stats != NULL ? m->coef_stats[j].ci_low : NAN;
        e->hi = m->coef_stats != NULL ? m->coef_stats[j].ci_high : NAN;
    }
    qsort(r, n, sizeof *r, by_abs_est);
    shown = n < MAX_COEFS ? n : MAX_COEFS;
    qsort(r, shown, sizeof *r, by_est);
    for (size_t i = 0; i < shown; i++) {
        double v[3] = {r[i].est, r[i].lo, r[i].hi};
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k])) {
                lo = fmin(lo, exp(v[k]));
                hi = fmax(hi, exp(v[k]));
            }
    }
    lo = fmax(pow(10.0, floor(log10(lo) + 1e-9)), 1e-3);
    hi = fmin(pow(10.0, ceil(log10(hi) - 1e-9)), 1e3);
    if (lo >= 1.0)
        lo = 0.1;
    if (hi <= 1.0)
        hi = 10.0;
    struct axes ax = {lo, hi, 0, (double)shown, 1, 0, 0, 0,
                      "odds ratio (log scale; 1 = no effect)", "", 0, 1, 0};
    double row_h = 18.0;
    chart_open(&c, fp, "coefficients", "What moves the odds of converting", 1080,
               34.0 + 46.0 + row_h * (double)shown, 330, &ax);
    /* y runs from the top row (0) down */
    c.y0 = (double)shown;
    c.y1 = 0.0;
    fprintf(fp, "<line class=\"reference\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
                "stroke=\"#4a5363\"/>\n",
            tx(&c, 1.0), c.t, tx(&c, 1.0), c.h - c.b);
    for (size_t i = 0; i < shown; i++) {
        double or_ = exp(r[i].est), yc = c.t + row_h * ((double)i + 0.5);
        double x1 = tx(&c, fmin(fmax(or_, lo), hi)), x0 = tx(&c, 1.0);
        const char *name = m->feature_names[r[i].j];
        fputs("<g class=\"coef\"><text class=\"label\" text-anchor=\"end\"", fp);
        fprintf(fp, " x=\"%.1f\" y=\"%.1f\">", c.l - 8, yc + 4);
        esc_cut(fp, name, 48);
        fputs("</text><rect class=\"bar\" data-feature=\"", fp);
        esc(fp, name);
        fputs("\"", fp);
        dv(fp, or_);
        fprintf(fp, " x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" "
                    "fill-opacity=\"0.85\"/>",
                fmin(x0, x1), yc - row_h * 0.32, fabs(x1 - x0), row_h * 0.64,
                or_ >= 1.0 ? C_POS : C_RULES);
        if (isfinite(r[i].lo) && isfinite(r[i].hi))
            fprintf(fp, "<line class=\"ci\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                        "stroke=\"#1d2430\" stroke-width=\"1.2\"/>",
                    tx(&c, fmin(fmax(exp(r[i].lo), lo), hi)), yc,
                    tx(&c, fmin(fmax(exp(r[i].hi), lo), hi)), yc);
        fprintf(fp, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>",
                c.w - c.r - 4, yc + 4, fmt(a, sizeof a, "%.3g", or_));
        fputs("</g>\n", fp);
    }
    snprintf(cap, sizeof cap,
             "Each bar is the odds ratio of one feature with its 95%% confidence interval "
             "(whisker): above 1 (green) the feature raises the odds of converting, below 1 "
             "(orange) it lowers them. Numeric columns are per standard deviation; levels "
             "against the column's reference level. %zu of %zu features shown (the largest "
             "effects); all are in the model file.",
             shown, n);
    chart_close(&c, cap);
    lsc_free(r);
    return LSC_OK;
}

/* The cross-validation path (fit.cv: "path" of {lambda, mean, se}, the
 * "chosen" index, the "metric"), when the model has one: the mean metric
 * against the penalty, one standard error either side, the chosen penalty
 * marked. Nothing without a path of two or more positive penalties. */
static void cv_chart(FILE *fp, const json_t *fit)
{
    const json_t *cv = json_object_get(fit, "cv");
    const json_t *path = json_object_get(cv, "path");
    size_t n = json_array_size(path) < 200 ? json_array_size(path) : 200, k = 0;
    double x[200], y[200], lo[200], hi[200], x0 = INFINITY, x1 = 0, y0 = INFINITY,
                                              y1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(path, i);
        double se = jnum(e, "se");
        x[k] = jnum(e, "lambda");
        y[k] = jnum(e, "mean");
        if (!(isfinite(x[k]) && x[k] > 0 && isfinite(y[k])))
            continue;
        lo[k] = y[k] - (isfinite(se) ? se : 0.0);
        hi[k] = y[k] + (isfinite(se) ? se : 0.0);
        x0 = fmin(x0, x[k]);
        x1 = fmax(x1, x[k]);
        y0 = fmin(y0, lo[k]);
        y1 = fmax(y1, hi[k]);
        k++;
    }
    if (k < 2 || !(x1 > x0))
        return;
    int auc = strcmp(jstr(cv, "metric"), "auc") == 0;
    const char *ylabel = auc ? "mean held-out AUC" : "mean held-out log-loss";
    double pad = y1 > y0 ? (y1 - y0) * 0.1 : 0.05;
    double step = nice_step(y1 - y0 + 2 * pad, 5.0);
    struct axes ax = {pow(10.0, floor(log10(x0))), pow(10.0, ceil(log10(x1))),
                      floor((y0 - pad) / step) * step, ceil((y1 + pad) / step) * step, 1, 0, 0, 0,
                      "L2 penalty lambda (log scale)", ylabel, 0, 0, 0};
    struct chart c;
    fputs("<h2>Cross-validation</h2>\n<div class=\"grid\">\n", fp);
    chart_open(&c, fp, "cv", "Cross-validated choice of the penalty", 540, 380, 64, &ax);
    series(&c, ylabel, C_MODEL, x, y, k, NULL, 1);
    series(&c, "mean - 1 standard error", C_MODEL, x, lo, k, "3 3", 0);
    series(&c, "mean + 1 standard error", C_MODEL, x, hi, k, "3 3", 0);
    const json_t *ch = json_object_get(cv, "chosen");
    double chosen = json_is_integer(ch) ? jnum(json_array_get(path, (size_t)json_integer_value(ch)),
                                               "lambda")
                                        : NAN;
    if (isfinite(chosen) && chosen >= ax.x0 && chosen <= ax.x1)
        fprintf(fp, "<line class=\"reference\" data-lambda=\"%.17g\" x1=\"%.2f\" y1=\"%.1f\" "
                    "x2=\"%.2f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"5 4\"/>\n",
                chosen, tx(&c, chosen), c.t, tx(&c, chosen), c.h - c.b, C_RULES);
    chart_close(&c, "The cross-validated measure at each penalty tried (dotted: one standard "
                    "error either side); the dashed line marks "
                    "the chosen penalty.");
    fputs("</div>\n", fp);
}

static void validation_tables_html(FILE *fp, const struct lsc_holdout_metrics *h)
{
    char a[32], b[32], c[32], d[32], e[32];
    fputs("<h2>Tables (held-out rows)</h2>\n<div class=\"grid\">\n", fp);
    fputs("<table class=\"calibration\"><caption>Calibration by decile of risk</caption>\n"
          "<tr><th>group</th><th>leads</th><th>converted</th><th>mean predicted</th>"
          "<th>observed</th></tr>\n",
          fp);
    for (size_t g = 1; g <= CURVES_DECILES; g++) {
        const struct curves_decile *x = &h->deciles[CURVES_DECILES - g];
        fprintf(fp, "<tr><td>%zu</td><td>%zu</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", g,
                x->rows, fmt(a, sizeof a, "%.1f", x->positives),
                fmt_pct(b, sizeof b, x->mean_predicted, 1),
                fmt_pct(c, sizeof c, x->conversion_rate, 1));
    }
    fputs("</table>\n<table class=\"gains\"><caption>Lift and gains by decile (1 = highest "
          "scores)</caption>\n<tr><th>decile</th><th>leads</th><th>converted</th><th>rate</th>"
          "<th>lift</th><th>cum. gain</th><th>cum. lift</th></tr>\n",
          fp);
    for (size_t k = 0; k < CURVES_DECILES; k++) {
        const struct curves_decile *x = &h->deciles[k];
        fprintf(fp, "<tr><td>%zu</td><td>%zu</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    "<td>%s</td></tr>\n",
                x->decile, x->rows, fmt(a, sizeof a, "%.1f", x->positives),
                fmt_pct(b, sizeof b, x->conversion_rate, 1), fmt(c, sizeof c, "%.2f", x->lift),
                fmt_pct(d, sizeof d, x->cumulative_capture, 1),
                fmt(e, sizeof e, "%.2f", x->cumulative_lift));
    }
    fputs("</table>\n</div>\n", fp);
}

static enum lsc_status write_train(FILE *fp, const struct lsc_model *m,
                                   const struct lsc_train_summary *s, const double *y,
                                   const double *p, const double *wt, size_t n,
                                   const struct report_warnings *w, const json_t *fit)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_holdout_metrics *h = &m->holdout;
    struct curves_ops ops;
    char a[64], b[64], title[600];
    memset(&ops, 0, sizeof ops);
    snprintf(title, sizeof title, "Lead scoring model: %s", m->target);
    page_open(fp, title);
    fputs("<header><h1>Lead scoring model</h1><p class=\"sub\">Predicts <strong>", fp);
    esc(fp, m->target);
    fputs("</strong> from <code>", fp);
    esc(fp, m->training_file);
    fputs("</code>; trained ", fp);
    esc(fp, m->created);
    fputs(" by leadscore ", fp);
    esc(fp, m->tool_version);
    fputs(".</p></header>\n<section class=\"cards\">\n", fp);
    if (h->present) {
        card(fp, "Ranking (AUC)", "auc", h->auc, fmt(a, sizeof a, "%.3f", h->auc),
             "held-out rows; 0.5 = coin toss");
        card(fp, "Top 10% capture", "top10_capture",
             h->tables_present ? h->deciles[0].cumulative_capture : NAN,
             fmt_pct(a, sizeof a, h->tables_present ? h->deciles[0].cumulative_capture : NAN, 0),
             "of conversions are in the top-scored tenth");
        card(fp, "KS", "ks", h->ks, fmt(a, sizeof a, "%.3f", h->ks),
             "largest gap between converters and the rest");
        snprintf(b, sizeof b, "Hosmer-Lemeshow p (%zu df)", h->hl.df);
        card(fp, "Calibration", "hl_p_value", h->hl.p_value,
             fmt(a, sizeof a, "p = %.2g", h->hl.p_value), b);
        card(fp, "Base rate", "base_rate", h->base_rate, fmt_pct(a, sizeof a, h->base_rate, 1),
             "of held-out leads converted");
    } else {
        card(fp, "Validation", NULL, NAN, "none", "trained with --holdout 0");
    }
    fputs("</section>\n", fp);
    data_summary(fp, m, s);
    warnings_section(fp, m, w);
    if (h->present && n > 0) {
        if (lsc_curves_ops_init(&ops, y, p, wt, n) != LSC_OK) {
            st = LSC_ERR_NOMEM;
            goto cleanup;
        }
        fputs("<h2>How well does the model rank leads?</h2>\n<div class=\"grid\">\n", fp);
        roc_pr_charts(fp, &ops, h->auc, h->base_rate, &st);
        if (st != LSC_OK)
            goto cleanup;
        fputs("</div>\n<h2>Who to call first</h2>\n<div class=\"grid\">\n", fp);
        if (h->tables_present)
            gains_charts(fp, h);
        fputs("</div>\n<h2>Can the probabilities be trusted?</h2>\n<div class=\"grid\">\n", fp);
        if (h->tables_present)
            calibration_chart(fp, h);
        distribution_chart(fp, y, p, wt, n);
        fputs("</div>\n", fp);
    } else {
        fputs("<p class=\"muted\">No held-out rows: the ranking, calibration and gains charts "
              "need a validation sample (train with --holdout above 0).</p>\n",
              fp);
    }
    fputs("<h2>What drives conversion</h2>\n", fp);
    if ((st = coef_chart(fp, m)) != LSC_OK)
        goto cleanup;
    lsc_report_shapes(fp, m);
    cv_chart(fp, fit);
    if (h->present && h->tables_present)
        validation_tables_html(fp, h);
    page_close(fp);
cleanup:
    lsc_curves_ops_fini(&ops);
    return st;
}

enum lsc_status lsc_report_train_html(const struct lsc_model *m, const struct lsc_train_summary *sum,
                                  const double *y, const double *p, const double *w, size_t n,
                                  const struct report_warnings *warns, const char *path,
                                  int force, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct outfile out;
    json_t *fit = NULL;
    memset(&out, 0, sizeof out);
    if (warns != NULL && warns->failed)
        return lsc_error_nomem(err);
    /* the penalty members of the model file's "fit" object (fit.cv) */
    if ((fit = json_object()) == NULL || lsc_model_penalty_to_json(m, fit) != 0) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = lsc_outfile_open(&out, path, force, err)) != LSC_OK)
        goto cleanup;
    st = write_train(out.fp, m, sum, y, p, w, n, warns, fit);
    if (st == LSC_ERR_NOMEM) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (ferror(out.fp)) {
        st = lsc_error_write(err, path);
        goto cleanup;
    }
    st = lsc_outfile_commit(&out, err);
cleanup:
    lsc_outfile_abort(&out);
    json_decref(fit);
    return st;
}

int lsc_report_is_html(const char *path)
{
    size_t n = path != NULL ? strlen(path) : 0;
    return (n >= 5 && lsc_span_ieq(path + n - 5, 5, ".html")) ||
           (n >= 4 && lsc_span_ieq(path + n - 4, 4, ".htm"));
}

/* ---- the comparison report ---------------------------------------------------- */

static void auc_card(FILE *fp, const char *who, const char *metric, const json_t *o)
{
    char a[32], b[32], c[32], note[96];
    double auc = jnum(o, "auc");
    snprintf(note, sizeof note, "95%% CI %s to %s (DeLong)",
             fmt(b, sizeof b, "%.3f", jnum(o, "auc_ci_low")),
             fmt(c, sizeof c, "%.3f", jnum(o, "auc_ci_high")));
    card(fp, who, metric, auc, fmt(a, sizeof a, "%.3f", auc), note);
}

static enum lsc_status compare_roc(FILE *fp, const json_t *root, size_t n, const unsigned char *yb,
                                   const double *p, const double *r)
{
    enum lsc_status st = LSC_OK;
    struct curves_ops ops[2];
    double *yd = NULL, *x[2] = {NULL, NULL}, *y[2] = {NULL, NULL};
    size_t k[2] = {0, 0};
    const double *sc[2] = {p, r};
    static const char *const names[2] = {"model", "rules"};
    static const char *const colors[2] = {C_MODEL, C_RULES};
    struct chart c;
    char cap[512], a[32], b[32];
    memset(ops, 0, sizeof ops);
    yd = lsc_malloc((n ? n : 1) * sizeof *yd);
    if (yd == NULL)
        return LSC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        yd[i] = yb[i];
    for (int s = 0; s < 2; s++)
        if (sc[s] != NULL && ((st = lsc_curves_ops_init(&ops[s], yd, sc[s], NULL, n)) != LSC_OK ||
                              (st = curve_points(&ops[s], 0, &x[s], &y[s], &k[s])) != LSC_OK))
            goto cleanup;
    struct axes ax = {0, 1, 0, 1, 0, 1, 1, 0, "false positive rate (non-converters flagged)",
                      "true positive rate (converters found)", 0, 0, 0};
    chart_open(&c, fp, "roc", "ROC: model and rules on the same leads", 540, 380, 58, &ax);
    reference(&c, 0, 0, 1, 1);
    struct legend_item li[3];
    size_t nl = 0;
    for (int s = 0; s < 2; s++)
        if (sc[s] != NULL) {
            const json_t *o = json_object_get(root, names[s]);
            series(&c, names[s], colors[s], x[s], y[s], k[s], NULL, 0);
            li[nl].name = names[s];
            li[nl].color = colors[s];
            li[nl++].dashed = 0;
            fprintf(fp, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\" "
                        "data-metric=\"%s_auc\"",
                    c.l + 14, c.t + 22 + 16.0 * s, colors[s], names[s]);
            dv(fp, jnum(o, "auc"));
            fprintf(fp, ">%s AUC %s</text>\n", names[s], fmt(a, sizeof a, "%.3f", jnum(o, "auc")));
        }
    li[nl].name = "random ranking";
    li[nl].color = C_REF;
    li[nl++].dashed = 1;
    legend(&c, li, nl, 1);
    const json_t *d = json_object_get(root, "auc_difference");
    if (json_is_object(d))
        snprintf(cap, sizeof cap,
                 "The higher curve ranks leads better. The model's AUC minus the rules' is %s "
                 "(paired DeLong test p = %s).",
                 fmt(a, sizeof a, "%+.3f", jnum(d, "estimate")),
                 fmt(b, sizeof b, "%.3g", jnum(d, "p_value")));
    else
        snprintf(cap, sizeof cap, "The higher the curve, the better the ranking.");
    chart_close(&c, cap);
cleanup:
    for (int s = 0; s < 2; s++) {
        lsc_curves_ops_fini(&ops[s]);
        lsc_free(x[s]);
        lsc_free(y[s]);
    }
    lsc_free(yd);
    return st;
}

static void compare_deciles(FILE *fp, const json_t *root)
{
    const json_t *dec = json_object_get(root, "deciles");
    const json_t *t[2] = {json_object_get(dec, "model"), json_object_get(dec, "rules")};
    static const char *const names[2] = {"model", "rules"};
    static const char *const colors[2] = {C_MODEL, C_RULES};
    double hi = 0.0, base = jnum(root, "base_rate");
    int both = json_is_array(t[0]) && json_is_array(t[1]);
    struct chart c;
    char cap[512], a[32];
    for (int s = 0; s < 2; s++)
        for (size_t k = 0; k < json_array_size(t[s]); k++) {
            double v = jnum(json_array_get(t[s], k), "conversion_rate");
            if (isfinite(v) && v > hi)
                hi = v;
        }
    hi = hi <= 0.0 ? 1.0 : fmin(1.0, nice_step(hi, 5.0) * ceil(hi / nice_step(hi, 5.0) + 1e-9));
    struct axes ax = {0.5, 10.5, 0, hi, 0, 0, 1, 0, "decile (1 = highest scores)",
                      "conversion rate", 1.0, 0, 0};
    chart_open(&c, fp, "deciles", "Conversion by decile", 540, 380, 58, &ax);
    double slot = tx(&c, 1.5) - tx(&c, 0.5), bw = slot * (both ? 0.36 : 0.7);
    struct legend_item li[3];
    size_t nl = 0;
    for (int s = 0; s < 2; s++) {
        if (!json_is_array(t[s]))
            continue;
        double off = both ? (s == 0 ? -bw / 2 - 1 : bw / 2 + 1) : 0.0;
        for (size_t k = 0; k < json_array_size(t[s]) && k < CURVES_DECILES; k++) {
            double v = jnum(json_array_get(t[s], k), "conversion_rate");
            if (!isfinite(v))
                continue;
            fprintf(fp, "<rect class=\"bar\" data-series=\"%s\" data-decile=\"%zu\"", names[s],
                    k + 1);
            dv(fp, v);
            fprintf(fp, " x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
                    tx(&c, (double)(k + 1)) + off - bw / 2, ty(&c, v), bw,
                    ty(&c, 0) - ty(&c, v), colors[s]);
        }
        fputc('\n', fp);
        li[nl].name = names[s];
        li[nl].color = colors[s];
        li[nl++].dashed = 0;
    }
    if (isfinite(base)) {
        reference(&c, 0.5, base, 10.5, base);
        li[nl].name = "base rate";
        li[nl].color = C_REF;
        li[nl++].dashed = 1;
    }
    legend(&c, li, nl, LEG_TOP_RIGHT);
    snprintf(cap, sizeof cap,
             "Leads ranked by each score and cut into tenths. A good score converts far above "
             "the base rate (%s) in its first deciles and far below it in its last.%s",
             fmt_pct(a, sizeof a, base, 1),
             both ? " Manual scores tie a lot: tied leads are shared out evenly between "
                    "neighbouring deciles."
                  : "");
    chart_close(&c, cap);
}

static void compare_heatmap(FILE *fp, const json_t *root)
{
    const json_t *cells = json_object_get(json_object_get(root, "agreement"), "cross_table");
    static const char *const tiers[3] = {"hot", "warm", "cold"};
    double hi = 0.0, cw = 130, chh = 64, l = 150, t = 70;
    char a[32], b[32];
    if (!json_is_array(cells) || json_array_size(cells) != 9)
        return;
    for (size_t i = 0; i < 9; i++) {
        double v = jnum(json_array_get(cells, i), "conversion_rate");
        if (isfinite(v) && v > hi)
            hi = v;
    }
    fprintf(fp, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                "data-chart=\"heatmap\" width=\"540\" height=\"290\" viewBox=\"0 0 540 290\" "
                "role=\"img\" aria-label=\"Tier cross-table\"><title>Tier cross-table</title>\n"
                "<text class=\"title\" x=\"%.0f\" y=\"20\">Rule tier against model tier</text>\n"
                "<g class=\"axis x\">",
            l);
    for (size_t k = 0; k < 3; k++)
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">model %s</text>",
                l + cw * ((double)k + 0.5), t - 10, tiers[k]);
    fputs("</g>\n<g class=\"axis y\">", fp);
    for (size_t k = 0; k < 3; k++)
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">rules %s</text>", l - 10,
                t + chh * ((double)k + 0.5) + 4, tiers[k]);
    fputs("</g>\n", fp);
    for (size_t i = 0; i < 9; i++) {
        const json_t *e = json_array_get(cells, i);
        const char *rt = jstr(e, "rule_tier"), *mt = jstr(e, "model_tier");
        size_t row = 3, col = 3;
        for (size_t k = 0; k < 3; k++) {
            if (strcmp(rt, tiers[k]) == 0)
                row = k;
            if (strcmp(mt, tiers[k]) == 0)
                col = k;
        }
        if (row == 3 || col == 3)
            continue;
        double v = jnum(e, "conversion_rate"), f = isfinite(v) && hi > 0 ? v / hi : 0.0;
        /* white to green by conversion rate */
        int rr = (int)(255 - f * (255 - 42)), gg = (int)(255 - f * (255 - 157)),
            bb = (int)(255 - f * (255 - 92));
        double x = l + cw * (double)col, y = t + chh * (double)row;
        fprintf(fp, "<rect class=\"cell\" data-rule-tier=\"%s\" data-model-tier=\"%s\" "
                    "data-count=\"%.17g\"",
                tiers[row], tiers[col], jnum(e, "count"));
        dv(fp, v);
        fprintf(fp, " x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\" stroke-width=\"2\"/>",
                x, y, cw, chh, rr, gg, bb);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"15\" "
                    "font-weight=\"600\">%s</text><text x=\"%.1f\" y=\"%.1f\" "
                    "text-anchor=\"middle\" font-size=\"11\">%s leads</text>\n",
                x + cw / 2, y + chh / 2, fmt_pct(a, sizeof a, v, 1), x + cw / 2, y + chh / 2 + 16,
                fmt(b, sizeof b, "%.0f", jnum(e, "count")));
    }
    fputs("</svg><figcaption>Conversion rate (colour and figure) and number of leads for "
          "each pair of tiers. The off-diagonal cells are where the rules and the model "
          "disagree; their conversion rates show which of the two is right.</figcaption>"
          "</figure>\n",
          fp);
}

static void compare_points(FILE *fp, const json_t *root)
{
    const json_t *rv = json_object_get(root, "rules_validation");
    size_t n = json_array_size(rv);
    double lo = 0.0, hi = 0.0, row_h = 26.0;
    struct chart c;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(rv, i);
        double v[2] = {jnum(e, "points"), jnum(e, "suggested_points")};
        for (int k = 0; k < 2; k++)
            if (isfinite(v[k])) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
    }
    double step = nice_step(hi - lo > 0 ? hi - lo : 10.0, 6.0);
    struct axes ax = {floor(lo / step) * step, ceil(hi / step) * step + (hi == lo ? step : 0),
                      0, (double)n, 0, 0, 0, 0, "points", "", 0, 1, 190};
    chart_open(&c, fp, "points", "Per rule: current points and suggested points", 1080,
               34.0 + 46.0 + row_h * (double)n, 300, &ax);
    c.y0 = (double)n;
    c.y1 = 0.0;
    fprintf(fp, "<line class=\"reference\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
                "stroke=\"#4a5363\"/>\n",
            tx(&c, 0.0), c.t, tx(&c, 0.0), c.h - c.b);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(rv, i);
        double yc = c.t + row_h * ((double)i + 0.5);
        double v[2] = {jnum(e, "points"), jnum(e, "suggested_points")};
        static const char *const kind[2] = {"current", "suggested"};
        static const char *const colors[2] = {C_RULES, C_MODEL};
        fputs("<g class=\"rule\"><text class=\"label\" text-anchor=\"end\"", fp);
        fprintf(fp, " x=\"%.1f\" y=\"%.1f\">", c.l - 8, yc + 4);
        esc_cut(fp, jstr(e, "rule"), 24);
        fputs(" (", fp);
        esc_cut(fp, jstr(e, "dimension"), 16);
        fputs(")</text>", fp);
        for (int k = 0; k < 2; k++) {
            if (!isfinite(v[k]))
                continue;
            double x0 = tx(&c, 0.0), x1 = tx(&c, v[k]);
            fprintf(fp, "<rect class=\"bar\" data-series=\"%s\" data-rule=\"", kind[k]);
            esc(fp, jstr(e, "rule"));
            fputs("\"", fp);
            dv(fp, v[k]);
            fprintf(fp, " x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
                    fmin(x0, x1), yc - row_h * 0.4 + row_h * 0.4 * k, fabs(x1 - x0),
                    row_h * 0.38, colors[k]);
        }
        const json_t *flags = json_object_get(e, "flags");
        if (json_array_size(flags) > 0) {
            fprintf(fp, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" font-size=\"10\">",
                    c.w - c.r + 8, yc + 4);
            for (size_t k = 0; k < json_array_size(flags); k++) {
                if (k > 0)
                    fputs(", ", fp);
                esc(fp, json_string_value(json_array_get(flags, k)));
            }
            fputs("</text>", fp);
        }
        fputs("</g>\n", fp);
    }
    struct legend_item li[] = {{"current points", C_RULES, 0}, {"suggested points", C_MODEL, 0}};
    c.r = 0; /* the legend in the right margin, above the flags */
    c.t = -4;
    legend(&c, li, 2, LEG_TOP_RIGHT);
    chart_close(&c, "Suggested points rescale each rule's coefficient in a joint logistic "
                    "regression of the outcome on all rules, keeping the sheet's largest "
                    "magnitude (docs/compare.md). Flags on the right: rules that never fire, "
                    "point the wrong way or show no significant effect.");
}

static void compare_recommendations(FILE *fp, const json_t *root)
{
    const json_t *rec = json_object_get(root, "recommendations");
    fputs("<h2>Recommendations</h2>\n<ul class=\"rec\">\n", fp);
    for (size_t i = 0; i < json_array_size(rec); i++) {
        const json_t *e = json_array_get(rec, i);
        fputs("<li><span class=\"tag\">", fp);
        esc(fp, jstr(e, "topic"));
        fputs("</span>", fp);
        esc(fp, jstr(e, "text"));
        fputs("</li>\n", fp);
    }
    fputs("</ul>\n", fp);
    if (json_array_size(rec) == 0)
        fputs("<p class=\"muted\">No recommendation.</p>\n", fp);
}

enum lsc_status lsc_compare_write_html(const struct lsc_compare *cmp, FILE *fp,
                                       struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t n = 0;
    const unsigned char *y = NULL;
    const double *p = NULL, *r = NULL;
    char a[64], b[64];
    const json_t *root = cmp != NULL ? lsc_compare_data(cmp, &n, &y, &p, &r) : NULL;
    if (root == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "no comparison to write");
    const json_t *model = json_object_get(root, "model"), *rules = json_object_get(root, "rules");
    page_open(fp, "Lead scores against outcomes: model and rules");
    fputs("<header><h1>Model and rules against outcomes</h1><p class=\"sub\">", fp);
    fprintf(fp, "%zu labelled leads (outcome column <strong>", n);
    esc(fp, jstr(root, "label"));
    fputs("</strong>)", fp);
    if (json_is_object(rules)) {
        fputs("; rules: <code>", fp);
        esc(fp, jstr(rules, "name"));
        fputs("</code>", fp);
    }
    fputs(".</p></header>\n<section class=\"cards\">\n", fp);
    card(fp, "Leads compared", "rows", jnum(root, "rows"), fmt(a, sizeof a, "%.0f", jnum(root, "rows")),
         fmt(b, sizeof b, "%.0f converted", jnum(root, "positives")));
    card(fp, "Base rate", "base_rate", jnum(root, "base_rate"),
         fmt_pct(a, sizeof a, jnum(root, "base_rate"), 1), "of these leads converted");
    if (json_is_object(model))
        auc_card(fp, "Model AUC", "model_auc", model);
    if (json_is_object(rules))
        auc_card(fp, "Rules AUC", "rules_auc", rules);
    const json_t *d = json_object_get(root, "auc_difference");
    if (json_is_object(d))
        card(fp, "Model - rules", "auc_difference", jnum(d, "estimate"),
             fmt(a, sizeof a, "%+.3f", jnum(d, "estimate")),
             fmt(b, sizeof b, "paired DeLong p = %.3g", jnum(d, "p_value")));
    fputs("</section>\n", fp);
    if (json_is_true(json_object_get(model, "in_sample")))
        fputs("<ul class=\"warn\"><li>These leads are the model's own training file: its "
              "figures here are optimistic.</li></ul>\n",
              fp);
    fputs("<h2>Which score ranks leads better?</h2>\n<div class=\"grid\">\n", fp);
    if ((st = compare_roc(fp, root, n, y, p, r)) != LSC_OK) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    compare_deciles(fp, root);
    fputs("</div>\n", fp);
    if (json_is_object(json_object_get(root, "agreement"))) {
        fputs("<h2>Where do they disagree?</h2>\n<div class=\"grid\">\n", fp);
        compare_heatmap(fp, root);
        fputs("</div>\n", fp);
    }
    if (json_array_size(json_object_get(root, "rules_validation")) > 0) {
        fputs("<h2>Rule by rule</h2>\n", fp);
        compare_points(fp, root);
    }
    compare_recommendations(fp, root);
    page_close(fp);
    if (ferror(fp))
        st = lsc_error_write(err, NULL);
cleanup:
    return st;
}
