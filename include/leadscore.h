/* leadscore.h - umbrella header of the leadscore library. */
#ifndef LEADSCORE_H
#define LEADSCORE_H

#include "leadscore/alloc.h"
#include "leadscore/compare.h"
#include "leadscore/emit.h"
#include "leadscore/model.h"
#include "leadscore/parse.h"
#include "leadscore/rules.h"
#include "leadscore/retrain.h"
#include "leadscore/score.h"
#include "leadscore/report.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#define LSC_EXIT_OK 0       /* success */
#define LSC_EXIT_ERROR 1    /* data or I/O error */
#define LSC_EXIT_USAGE 2    /* usage error */
#define LSC_EXIT_REJECTED 3 /* finished, but some rows were rejected */

#endif
