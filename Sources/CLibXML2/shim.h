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

/* libxml2 prints some messages (encoding errors) through its generic handler, whatever the
   parser options say; a variadic handler cannot be written in Swift, so it is silenced here.
   The structured handler, set from Swift, collects the messages as the file's warnings. Both
   handlers are per thread. */
static void parasearch_ignoreGeneric(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void parasearch_silenceGenericErrors(void) { xmlSetGenericErrorFunc(NULL, parasearch_ignoreGeneric); }

/* Swift 6 cannot call the global function pointer `xmlFree` directly. */
static inline void parasearch_xmlFree(void *p) { xmlFree(p); }

#endif
