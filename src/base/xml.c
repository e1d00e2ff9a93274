/* xml - the XML escaper; see xml.h. */
#include "xml.h"

void lsc_xml_put(FILE *fp, const char *s, size_t len, enum xml_dialect dialect)
{
    int html = dialect == XML_HTML;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '&':
            fputs("&amp;", fp);
            break;
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs(html ? "&#39;" : "&apos;", fp);
            break;
        default:
            if (html && ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f))
                fprintf(fp, "\\x%02X", ch);
            else if (!html && ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
                fputs("&#xFFFD;", fp);
            else
                putc(ch, fp);
        }
    }
}
