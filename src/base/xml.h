/* xml - the one XML escaper, for the PMML document (emit_pmml.c) and the
 * HTML reports (report_html.c): text and attribute values alike. */
#ifndef LSC_SRC_XML_H
#define LSC_SRC_XML_H

#include <stddef.h>
#include <stdio.h>

/* Where the text goes. Both escape & < > " as &amp; &lt; &gt; &quot;; they
 * differ in the apostrophe and in control characters (below 0x20 except TAB
 * and LF), which XML 1.0 does not allow:
 *   XML_DATA  (PMML): ' as &apos;, a control character as U+FFFD (&#xFFFD;),
 *             CR and DEL kept (they are XML);
 *   XML_HTML  (for people): ' as &#39; (HTML 4 has no &apos;), a control
 *             character, CR and DEL as the visible text \xHH. */
enum xml_dialect { XML_DATA, XML_HTML };

/* Writes s (len bytes) escaped for the dialect; every other byte as it is. */
void lsc_xml_put(FILE *fp, const char *s, size_t len, enum xml_dialect dialect);

#endif
