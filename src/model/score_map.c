/* score_map - probability to the 1-100 score (leadscore/score.h), in the
 * model layer: the scorer, the comparison and the retraining baselines all
 * map probabilities the same way. */
#include <math.h>

#include "leadscore/score.h"

int lsc_score_from_probability(double p)
{
    double s = floor(100.0 * p + 0.5);
    if (!(s >= 1.0))
        return 1;
    if (s > 100.0)
        return 100;
    return (int)s;
}
