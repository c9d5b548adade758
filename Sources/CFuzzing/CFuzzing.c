/* SwiftPM needs one source file per C target; the header is the whole module. */
#include "CFuzzing.h"
