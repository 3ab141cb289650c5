#ifndef PARASEARCH_CLIBXML2_SHIM_H
#define PARASEARCH_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU; its headers would pull in the system ICU, which
   clashes with the ICU inside Foundation. ParaSearch never uses libxml2's ICU API. */
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

/* Swift 6 cannot call the global function pointer `xmlFree` directly. */
static inline void parasearch_xmlFree(void *p) { xmlFree(p); }

#endif
