/* tempfile - reports temporary files to the program's hooks
 * (leadscore/tempfile.h). */
#ifndef LSC_SRC_TEMPFILE_H
#define LSC_SRC_TEMPFILE_H

#include "leadscore/tempfile.h"

/* Right after a temporary file was created. */
void lsc_tempfile_created(const char *path);

/* Right before a temporary file is renamed or unlinked. */
void lsc_tempfile_removed(const char *path);

#endif
