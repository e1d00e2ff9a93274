/* leadscore.h - umbrella header of the leadscore library.
 *
 * The library never prints or exits (leadscore/status.h). It uses GSL, whose
 * default error handler prints and calls abort(): a program that embeds the
 * library must call gsl_set_error_handler_off() (from <gsl/gsl_errno.h>)
 * once before its first lsc_ call, as leadscore-train and leadscore-score
 * do; the library then reports GSL failures as statuses. (The library does
 * not change this process-wide setting itself.)
 *
 * The programs' exit codes are the programs' own (cli/common.h), not part of
 * this API.
 */
#ifndef LEADSCORE_H
#define LEADSCORE_H

#include "leadscore/accounts.h"
#include "leadscore/alloc.h"
#include "leadscore/compare.h"
#include "leadscore/emit.h"
#include "leadscore/model.h"
#include "leadscore/parse.h"
#include "leadscore/pg.h"
#include "leadscore/rules.h"
#include "leadscore/retrain.h"
#include "leadscore/score.h"
#include "leadscore/report.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#endif
