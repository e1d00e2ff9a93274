/* emit_pmml - a model as a PMML 4.4 document (http://dmg.org/pmml/v4-4).
 *
 * DataDictionary: one field per model column (numerics continuous double,
 * categoricals string with their levels) whose NA tokens are listed as
 * missing values, and the target. TransformationDictionary: per numeric
 * column "C (imputed)" = C or the median when missing, "C (standardised)" =
 * (imputed - mean) / sd and, when the model has one, "C (missing)" = 1 or 0;
 * per categorical column "C (level)" = the value when it is a training
 * level, "(missing)" (or the fallback) when missing, else "(other)" or the
 * reference level. RegressionModel: classification, normalizationMethod
 * "logit", a table for the positive target category "1" (intercept,
 * NumericPredictors, CategoricalPredictors; the reference level has none)
 * and an empty one for "0". Output: probability, score and tier computed as
 * the scorer does.
 */
#include "leadscore/emit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "derive.h"
#include "model_def.h"
#include "status_internal.h"
#include "util.h"
#include "xml.h"

/* Text escaped for XML (attributes and text; xml.h). */
static void put_xml(FILE *fp, const char *s)
{
    lsc_xml_put(fp, s, strlen(s), XML_DATA);
}

/* A derived field's name: the column's name and a suffix. */
static void put_name(FILE *fp, const char *col, const char *suffix)
{
    put_xml(fp, col);
    fputs(suffix, fp);
}

static void put_missing_values(FILE *fp, const struct lsc_model *m)
{
    static const char *const builtin[] = {"NA", "N/A", "NaN", "NULL", "null"};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        fprintf(fp, "      <Value value=\"%s\" property=\"missing\"/>\n", builtin[i]);
    for (size_t i = 0; i < m->n_na_values; i++) {
        fputs("      <Value value=\"", fp);
        put_xml(fp, m->na_values[i]);
        fputs("\" property=\"missing\"/>\n", fp);
    }
}

static double level_coef(const struct lsc_model *m, const struct lsc_column_enc *c, size_t k)
{
    return c->level_feature[k] != LSC_NO_FEATURE ? m->coef[c->level_feature[k]] : 0.0;
}

/* Header: the application and the model's creation time. */
static void put_header(FILE *fp, const struct lsc_model *m)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">\n"
          "  <Header description=\"leadscore logistic regression lead-scoring model\">\n",
          fp);
    fprintf(fp, "    <Application name=\"leadscore\" version=\"%s\"/>\n", LEADSCORE_VERSION);
    if (m->created != NULL) {
        fputs("    <Timestamp>", fp);
        put_xml(fp, m->created);
        fputs("</Timestamp>\n", fp);
    }
    fputs("  </Header>\n", fp);
}

/* DataDictionary: one field per model column, and the target. */
static void put_data_dictionary(FILE *fp, const struct lsc_model *m)
{
    fprintf(fp, "  <DataDictionary numberOfFields=\"%zu\">\n", m->n_columns + 1);
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        fputs("    <DataField name=\"", fp);
        put_xml(fp, c->name);
        if (lsc_col_is_numeric(c)) {
            fputs("\" optype=\"continuous\" dataType=\"double\">\n", fp);
        } else {
            fputs("\" optype=\"categorical\" dataType=\"string\">\n", fp);
            for (size_t k = 0; k < c->n_levels; k++) {
                if (k == c->other || k == c->missing)
                    continue;
                fputs("      <Value value=\"", fp);
                put_xml(fp, c->levels[k]);
                fputs("\"/>\n", fp);
            }
        }
        put_missing_values(fp, m);
        fputs("    </DataField>\n", fp);
    }
    fputs("    <DataField name=\"", fp);
    put_xml(fp, m->target);
    fputs("\" optype=\"categorical\" dataType=\"string\">\n"
          "      <Value value=\"0\"/>\n      <Value value=\"1\"/>\n    </DataField>\n"
          "  </DataDictionary>\n",
          fp);
}

/* A numeric column's derived fields: imputed, standardised, missing. */
static void put_numeric_transform(FILE *fp, const struct lsc_column_enc *c)
{
    fputs("    <DerivedField name=\"", fp);
    put_name(fp, c->name, " (imputed)");
    fputs("\" optype=\"continuous\" dataType=\"double\">\n      <FieldRef field=\"", fp);
    put_xml(fp, c->name);
    fprintf(fp, "\" mapMissingTo=\"%.17g\"/>\n    </DerivedField>\n", c->median);
    fputs("    <DerivedField name=\"", fp);
    put_name(fp, c->name, " (standardised)");
    fputs("\" optype=\"continuous\" dataType=\"double\">\n"
          "      <Apply function=\"/\">\n        <Apply function=\"-\">\n"
          "          <FieldRef field=\"",
          fp);
    put_name(fp, c->name, " (imputed)");
    fprintf(fp,
            "\"/>\n          <Constant dataType=\"double\">%.17g</Constant>\n"
            "        </Apply>\n        <Constant dataType=\"double\">%.17g</Constant>\n"
            "      </Apply>\n    </DerivedField>\n",
            c->mean, c->sd);
    if (c->missing_feature != LSC_NO_FEATURE) {
        fputs("    <DerivedField name=\"", fp);
        put_name(fp, c->name, " (missing)");
        fputs("\" optype=\"continuous\" dataType=\"double\">\n"
              "      <Apply function=\"if\">\n"
              "        <Apply function=\"isMissing\"><FieldRef field=\"",
              fp);
        put_xml(fp, c->name);
        fputs("\"/></Apply>\n        <Constant dataType=\"double\">1</Constant>\n"
              "        <Constant dataType=\"double\">0</Constant>\n"
              "      </Apply>\n    </DerivedField>\n",
              fp);
    }
}

/* Level k of c as a map's output: its name, or its group (group != NULL). */
static void put_to(FILE *fp, const struct lsc_column_enc *c, const size_t *group, size_t k)
{
    if (group != NULL)
        fprintf(fp, "%zu", group[k]);
    else
        put_xml(fp, c->levels[k]);
}

/* A categorical column's derived field: the value mapped to its training
 * level (group NULL: the level's name) or to the level's interaction
 * group; an unseen value to the fallback ("(other)" or the reference), a
 * missing one to "(missing)" or the fallback. */
static void put_level_map(FILE *fp, const struct lsc_column_enc *c, const size_t *group,
                          const char *suffix)
{
    size_t fallback = c->other != SIZE_MAX ? c->other : c->reference;
    size_t on_missing = c->missing != SIZE_MAX ? c->missing : fallback;
    const char *type = group != NULL ? "integer" : "string";
    fputs("    <DerivedField name=\"", fp);
    put_name(fp, c->name, suffix);
    fprintf(fp,
            "\" optype=\"categorical\" dataType=\"%s\">\n"
            "      <MapValues outputColumn=\"to\" dataType=\"%s\" defaultValue=\"",
            type, type);
    put_to(fp, c, group, fallback);
    fputs("\" mapMissingTo=\"", fp);
    put_to(fp, c, group, on_missing);
    fputs("\">\n        <FieldColumnPair field=\"", fp);
    put_xml(fp, c->name);
    fputs("\" column=\"from\"/>\n        <InlineTable>\n", fp);
    for (size_t k = 0; k < c->n_levels; k++) {
        if (k == c->other || k == c->missing)
            continue;
        fputs("          <row><from>", fp);
        put_xml(fp, c->levels[k]);
        fputs("</from><to>", fp);
        put_to(fp, c, group, k);
        fputs("</to></row>\n", fp);
    }
    fputs("        </InlineTable>\n      </MapValues>\n    </DerivedField>\n", fp);
}

/* A binned column as a Discretize: each bin's value is its log-odds
 * (group == NULL) or its interaction group (group[level]); a missing value
 * takes the missing bin's, or the median's bin's. */
static void put_binned_transform(FILE *fp, const struct lsc_model *m,
                                 const struct lsc_column_enc *c, const size_t *group,
                                 const char *suffix)
{
    size_t lv = lsc_binned_level(c, NAN);
    double miss = group ? (double)group[lv]
                        : (lv > c->n_cuts ? m->coef[c->missing_feature] : lsc_bin_effect(m, c, lv));
    fputs("    <DerivedField name=\"", fp);
    put_name(fp, c->name, suffix);
    /* a group is a category (integer), a bin's log-odds a number */
    const char *type = group ? "\" optype=\"categorical\" dataType=\"integer\""
                             : "\" optype=\"continuous\" dataType=\"double\"";
    fprintf(fp, "%s>\n      <Discretize field=\"", type);
    put_xml(fp, c->name);
    fprintf(fp, "\" mapMissingTo=\"%.17g\" dataType=\"%s\">\n", miss,
            group ? "integer" : "double");
    for (size_t b = 0; b <= c->n_cuts; b++) {
        double v = group ? (double)group[b] : lsc_bin_effect(m, c, b);
        fprintf(fp, "        <DiscretizeBin binValue=\"%.17g\"><Interval closure=\"closedOpen\"", v);
        if (b > 0)
            fprintf(fp, " leftMargin=\"%.17g\"", c->cuts[b - 1]);
        if (b < c->n_cuts)
            fprintf(fp, " rightMargin=\"%.17g\"", c->cuts[b]);
        fputs("/></DiscretizeBin>\n", fp);
    }
    fputs("      </Discretize>\n    </DerivedField>\n", fp);
}

/* An interaction: each side's group, then the cell's log-odds from a
 * table keyed by both groups. */
static void put_pair_transform(FILE *fp, const struct lsc_model *m, const struct lsc_pair *pr)
{
    char suffix[2][48];
    size_t k = (size_t)(pr - m->pairs) + 1;
    for (int s = 0; s < 2; s++) {
        const struct lsc_column_enc *c = &m->columns[pr->col[s]];
        snprintf(suffix[s], sizeof suffix[s], " (interaction %zu group)", k);
        if (c->type == LSC_COL_BINNED)
            put_binned_transform(fp, m, c, pr->group[s], suffix[s]);
        else
            put_level_map(fp, c, pr->group[s], suffix[s]);
    }
    fprintf(fp, "    <DerivedField name=\"interaction %zu (points)\" optype=\"continuous\" "
                "dataType=\"double\">\n      <MapValues outputColumn=\"to\" dataType=\"double\">\n",
            k);
    for (int s = 0; s < 2; s++) {
        fputs("        <FieldColumnPair field=\"", fp);
        put_name(fp, m->columns[pr->col[s]].name, suffix[s]);
        fprintf(fp, "\" column=\"%s\"/>\n", s ? "b" : "a");
    }
    fputs("        <InlineTable>\n", fp);
    for (size_t a = 0; a < pr->n_groups[0]; a++)
        for (size_t b = 0; b < pr->n_groups[1]; b++)
            fprintf(fp, "          <row><a>%zu</a><b>%zu</b><to>%.17g</to></row>\n", a, b,
                    lsc_pair_effect(m, pr, a, b));
    fputs("        </InlineTable>\n      </MapValues>\n    </DerivedField>\n", fp);
}

static void put_transformations(FILE *fp, const struct lsc_model *m)
{
    fputs("  <TransformationDictionary>\n", fp);
    for (size_t j = 0; j < m->n_columns; j++) {
        if (m->columns[j].type == LSC_COL_NUMERIC)
            put_numeric_transform(fp, &m->columns[j]);
        else if (m->columns[j].type == LSC_COL_BINNED)
            put_binned_transform(fp, m, &m->columns[j], NULL, " (points)");
        else
            put_level_map(fp, &m->columns[j], NULL, " (level)");
    }
    for (size_t k = 0; k < m->n_pairs; k++)
        put_pair_transform(fp, m, &m->pairs[k]);
    fputs("  </TransformationDictionary>\n", fp);
}

/* The RegressionModel's opening and its MiningSchema. */
static void put_mining_schema(FILE *fp, const struct lsc_model *m)
{
    fputs("  <RegressionModel modelName=\"leadscore\" functionName=\"classification\" "
          "algorithmName=\"logisticRegression\" normalizationMethod=\"logit\">\n"
          "    <MiningSchema>\n",
          fp);
    for (size_t j = 0; j < m->n_columns; j++) {
        fputs("      <MiningField name=\"", fp);
        put_xml(fp, m->columns[j].name);
        /* an unseen level is scored as (other) / the reference level; text in
         * a numeric column makes the row invalid, as the scorer rejects it */
        fputs(lsc_col_is_numeric(&m->columns[j])
                  ? "\" usageType=\"active\" invalidValueTreatment=\"returnInvalid\"/>\n"
                  : "\" usageType=\"active\" invalidValueTreatment=\"asIs\"/>\n",
              fp);
    }
    fputs("      <MiningField name=\"", fp);
    put_xml(fp, m->target);
    fputs("\" usageType=\"target\"/>\n    </MiningSchema>\n", fp);
}

/* Output: probability, score and tier as the scorer computes them. */
static void put_output(FILE *fp, const struct lsc_model *m)
{
    fprintf(fp,
            "    <Output>\n"
            "      <OutputField name=\"probability\" optype=\"continuous\" dataType=\"double\" "
            "feature=\"probability\" value=\"1\"/>\n"
            "      <OutputField name=\"score\" optype=\"continuous\" dataType=\"integer\" "
            "feature=\"transformedValue\">\n"
            "        <Apply function=\"max\">\n          <Apply function=\"min\">\n"
            "            <Apply function=\"floor\">\n              <Apply function=\"+\">\n"
            "                <Apply function=\"*\"><Constant dataType=\"double\">100</Constant>"
            "<FieldRef field=\"probability\"/></Apply>\n"
            "                <Constant dataType=\"double\">0.5</Constant>\n"
            "              </Apply>\n            </Apply>\n"
            "            <Constant dataType=\"integer\">100</Constant>\n"
            "          </Apply>\n          <Constant dataType=\"integer\">1</Constant>\n"
            "        </Apply>\n      </OutputField>\n"
            "      <OutputField name=\"tier\" optype=\"categorical\" dataType=\"string\" "
            "feature=\"transformedValue\">\n"
            "        <Apply function=\"if\">\n"
            "          <Apply function=\"greaterOrEqual\"><FieldRef field=\"score\"/>"
            "<Constant dataType=\"double\">%.17g</Constant></Apply>\n"
            "          <Constant dataType=\"string\">hot</Constant>\n"
            "          <Apply function=\"if\">\n"
            "            <Apply function=\"greaterOrEqual\"><FieldRef field=\"score\"/>"
            "<Constant dataType=\"double\">%.17g</Constant></Apply>\n"
            "            <Constant dataType=\"string\">warm</Constant>\n"
            "            <Constant dataType=\"string\">cold</Constant>\n"
            "          </Apply>\n        </Apply>\n      </OutputField>\n"
            "    </Output>\n",
            m->tier_hot, m->tier_warm);
}

/* The regression tables ("1": intercept and predictors, "0": empty) and
 * the document's end. */
static void put_regression_tables(FILE *fp, const struct lsc_model *m)
{
    fprintf(fp, "    <RegressionTable intercept=\"%.17g\" targetCategory=\"1\">\n", m->coef[0]);
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        if (c->type == LSC_COL_NUMERIC) {
            fputs("      <NumericPredictor name=\"", fp);
            put_name(fp, c->name, " (standardised)");
            fprintf(fp, "\" exponent=\"1\" coefficient=\"%.17g\"/>\n", m->coef[c->feature]);
            if (c->missing_feature != LSC_NO_FEATURE) {
                fputs("      <NumericPredictor name=\"", fp);
                put_name(fp, c->name, " (missing)");
                fprintf(fp, "\" exponent=\"1\" coefficient=\"%.17g\"/>\n",
                        m->coef[c->missing_feature]);
            }
            continue;
        }
        if (c->type == LSC_COL_BINNED) {
            fputs("      <NumericPredictor name=\"", fp);
            put_name(fp, c->name, " (points)");
            fputs("\" exponent=\"1\" coefficient=\"1\"/>\n", fp);
            continue;
        }
        for (size_t k = 0; k < c->n_levels; k++) {
            if (c->level_feature[k] == LSC_NO_FEATURE)
                continue;
            fputs("      <CategoricalPredictor name=\"", fp);
            put_name(fp, c->name, " (level)");
            fputs("\" value=\"", fp);
            put_xml(fp, c->levels[k]);
            fprintf(fp, "\" coefficient=\"%.17g\"/>\n", level_coef(m, c, k));
        }
    }
    for (size_t k = 0; k < m->n_pairs; k++)
        fprintf(fp, "      <NumericPredictor name=\"interaction %zu (points)\" exponent=\"1\" "
                    "coefficient=\"1\"/>\n",
                k + 1);
    fputs("    </RegressionTable>\n"
          "    <RegressionTable intercept=\"0\" targetCategory=\"0\"/>\n"
          "  </RegressionModel>\n</PMML>\n",
          fp);
}

static void emit(FILE *fp, const struct lsc_model *m)
{
    put_header(fp, m);
    put_data_dictionary(fp, m);
    put_transformations(fp, m);
    put_mining_schema(fp, m);
    put_output(fp, m);
    put_regression_tables(fp, m);
}

enum lsc_status lsc_emit_pmml(const struct lsc_model *m, const char *output, int force,
                              struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct outfile out;
    memset(&out, 0, sizeof out);
    /* "days since" needs the scoring day and an account count the whole
     * batch: PMML has neither (a frozen as-of date would give scores that
     * drift from leadscore-score's day by day) */
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].derived)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--emit-pmml: the derived feature \"%s\" cannot be expressed in "
                                 "PMML (%s); use --emit-sql, or retrain without %s",
                                 m->columns[j].name,
                                 m->columns[j].derived == DERIVE_ACCOUNT
                                     ? "it counts rows of the whole batch"
                                 : m->columns[j].derived == DERIVE_EVENT
                                     ? "it reads an activity log"
                                     : "it depends on the scoring date",
                                 m->columns[j].derived == DERIVE_ACCOUNT ? "--account-column"
                                 : m->columns[j].derived == DERIVE_EVENT ? "--events"
                                                                         : "--days-since");
    if ((st = lsc_outfile_check(output, force, err)) != LSC_OK ||
        (st = lsc_outfile_open(&out, output, force, err)) != LSC_OK)
        goto cleanup;
    emit(out.fp, m);
    if (ferror(out.fp)) {
        st = lsc_error_write(err, output);
        goto cleanup;
    }
    st = lsc_outfile_commit(&out, err);
cleanup:
    lsc_outfile_abort(&out);
    return st;
}
