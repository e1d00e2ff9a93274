/* The shapes of a binned model in the training report (report_html.h):
 * per binned column a bar per bin (its points, the share of training leads
 * in it), per interaction a heat map of its cells' points. Points are
 * log-odds x 20 / ln 2 (20 points double the odds), as the default points
 * sheet has them. */
#include "report_html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_def.h"
#include "util.h"
#include "xml.h"

#define PTS (20.0 / 0.69314718055994530942)

/* Whole points as printed: no "-0". */
static double shown(double v)
{
    double r = round(v);
    return r == 0.0 ? 0.0 : r;
}

static void put(FILE *fp, const char *s)
{
    lsc_xml_put(fp, s, strlen(s), XML_HTML);
}

static void shape_chart(FILE *fp, const struct lsc_model *m, const struct lsc_column_enc *c)
{
    size_t nb = c->n_cuts + 1 + (c->missing_feature != LSC_NO_FEATURE), total = c->missing_count;
    double pts[LSC_PAIR_MAX_GROUPS * 8], lo = 0.0, hi = 0.0;
    double w = 60.0 + 56.0 * (double)nb, h = 230.0, base = 150.0, scale;
    char label[80];
    if (nb > sizeof pts / sizeof pts[0])
        return;
    for (size_t b = 0; b <= c->n_cuts; b++)
        total += c->bin_count[b];
    for (size_t v = 0; v < nb; v++) {
        pts[v] = PTS * (v > c->n_cuts ? m->coef[c->missing_feature] : lsc_bin_effect(m, c, v));
        lo = fmin(lo, pts[v]);
        hi = fmax(hi, pts[v]);
    }
    scale = 100.0 / fmax(hi - lo, 1.0);
    base = 40.0 + hi * scale;
    fprintf(fp, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                "data-chart=\"shape\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                "role=\"img\"><title>",
            w, h, w, h);
    put(fp, c->name);
    fputs("</title>\n<text class=\"title\" x=\"10\" y=\"20\">", fp);
    put(fp, c->name);
    fputs("</text>\n", fp);
    fprintf(fp, "<line x1=\"40\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#4a5363\"/>\n",
            base, w - 10, base);
    for (size_t v = 0; v < nb; v++) {
        double x = 50.0 + 56.0 * (double)v, y = base - fmax(pts[v], 0.0) * scale;
        size_t count = v > c->n_cuts ? c->missing_count : c->bin_count[v];
        lsc_bin_label(c, v, label, sizeof label);
        fprintf(fp, "<g class=\"bin\" data-points=\"%.17g\" data-count=\"%zu\">"
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"40\" height=\"%.1f\" fill=\"%s\"/>",
                pts[v], count, x, y, fabs(pts[v]) * scale, pts[v] >= 0 ? "#2a9d5c" : "#d9730d");
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%+.0f"
                    "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">",
                x + 20, y - 4 - (pts[v] < 0 ? -fabs(pts[v]) * scale - 16 : 0), shown(pts[v]), x + 20,
                h - 32);
        put(fp, label);
        fprintf(fp, "</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\" "
                    "fill=\"#6b7280\">%.0f%%</text></g>\n",
                x + 20, h - 18, total ? 100.0 * (double)count / (double)total : 0.0);
    }
    fputs("</svg></figure>\n", fp);
}

/* The label of group g of side s: its first and last level. */
static void group_label(const struct lsc_model *m, const struct lsc_pair *pr, int s, size_t g,
                        char *buf, size_t size)
{
    const struct lsc_column_enc *c = &m->columns[pr->col[s]];
    size_t first = SIZE_MAX, last = 0, n = 0;
    for (size_t v = 0; v < pr->n_levels[s]; v++)
        if (pr->group[s][v] == g) {
            first = first == SIZE_MAX ? v : first;
            last = v;
            n++;
        }
    if (c->type == LSC_COL_CATEGORICAL) {
        snprintf(buf, size, "%s", g == 0 ? "other levels" : c->levels[first]);
        return;
    }
    char a[40], b[40];
    lsc_bin_label(c, first, a, sizeof a);
    lsc_bin_label(c, last, b, sizeof b);
    if (first == last || first == SIZE_MAX)
        snprintf(buf, size, "%s", first == SIZE_MAX ? "-" : a);
    else
        snprintf(buf, size, "%s .. %s", a, b);
    (void)n;
}

static void pair_heatmap(FILE *fp, const struct lsc_model *m, const struct lsc_pair *pr)
{
    size_t ga = pr->n_groups[0], gb = pr->n_groups[1];
    double cw = 110, ch = 34, l = 170, t = 60, big = 1.0;
    char label[120];
    for (size_t a = 0; a < ga; a++)
        for (size_t b = 0; b < gb; b++)
            big = fmax(big, fabs(PTS * lsc_pair_effect(m, pr, a, b)));
    fprintf(fp, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                "data-chart=\"interaction\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f "
                "%.0f\" role=\"img\"><title>interaction</title>\n<text class=\"title\" x=\"10\" "
                "y=\"20\">",
            l + cw * (double)gb + 10, t + ch * (double)ga + 10, l + cw * (double)gb + 10,
            t + ch * (double)ga + 10);
    put(fp, m->columns[pr->col[0]].name);
    fputs(" x ", fp);
    put(fp, m->columns[pr->col[1]].name);
    fputs("</text>\n", fp);
    for (size_t b = 0; b < gb; b++) {
        group_label(m, pr, 1, b, label, sizeof label);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">",
                l + cw * ((double)b + 0.5), t - 8);
        put(fp, label);
        fputs("</text>", fp);
    }
    for (size_t a = 0; a < ga; a++) {
        group_label(m, pr, 0, a, label, sizeof label);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\">", l - 8,
                t + ch * ((double)a + 0.5) + 4);
        put(fp, label);
        fputs("</text>\n", fp);
        for (size_t b = 0; b < gb; b++) {
            double v = PTS * lsc_pair_effect(m, pr, a, b), f = fabs(v) / big;
            int r = v >= 0 ? (int)(255 - f * 213) : (int)(255 - f * 38);
            int g = v >= 0 ? (int)(255 - f * 98) : (int)(255 - f * 140);
            int bl = v >= 0 ? (int)(255 - f * 163) : (int)(255 - f * 242);
            fprintf(fp, "<rect class=\"cell\" data-points=\"%.17g\" x=\"%.1f\" y=\"%.1f\" "
                        "width=\"%.0f\" height=\"%.0f\" fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\"/>"
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"12\">%+.0f"
                        "</text>\n",
                    v, l + cw * (double)b, t + ch * (double)a, cw, ch, r, g, bl,
                    l + cw * ((double)b + 0.5), t + ch * ((double)a + 0.5) + 4, shown(v));
        }
    }
    fputs("</svg></figure>\n", fp);
}

void lsc_report_shapes(FILE *fp, const struct lsc_model *m)
{
    if (lsc_model_first_binned(m) == SIZE_MAX)
        return;
    fputs("<h2>Shapes: points by bin</h2>\n<p class=\"muted\">Each bar is a bin's points (20 "
          "points double the odds of converting, against the lowest bin) with the share of "
          "training leads in it; the points sheet (<code>--emit-rules</code>) rounds these.</p>\n"
          "<div class=\"grid\">\n",
          fp);
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].type == LSC_COL_BINNED)
            shape_chart(fp, m, &m->columns[j]);
    fputs("</div>\n", fp);
    if (m->n_pairs == 0)
        return;
    fputs("<h2>Interactions</h2>\n<p class=\"muted\">Points added for each combination of the "
          "two columns' groups, on top of each column's own points.</p>\n<div class=\"grid\">\n",
          fp);
    for (size_t k = 0; k < m->n_pairs; k++)
        pair_heatmap(fp, m, &m->pairs[k]);
    fputs("</div>\n", fp);
}
