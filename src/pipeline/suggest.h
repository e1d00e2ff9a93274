/* suggest - the team's rules sheet with the comparison's suggested points
 * applied (--write-suggested-sheet; the method in suggest.c). */
#ifndef LSC_SRC_SUGGEST_H
#define LSC_SRC_SUGGEST_H

#include "compare.h"
#include "output_set.h"
#include "scorer.h"

/* After lsc_compare_finish() of a comparison with a listed sheet
 * (s->o->rules_sheet, s->o->suggested_sheet set, the input a regular file):
 * scores the compared rows again with the suggested points (a second pass
 * over the input; s->rules is changed during the pass and restored),
 * writes the revised sheet into outs and attaches the result to cmp under
 * "suggested_sheet". Errors: those of the pass, the output and
 * LSC_ERR_NOMEM. */
enum lsc_status lsc_suggest_sheet(const struct lsc_scorer *s, struct lsc_compare *cmp,
                                  struct lsc_output_set *outs, const struct lsc_log *log,
                                  struct lsc_error *err);

#endif
