// The target is its header (static inline functions); SwiftPM needs one source file.
#include "CMemoryHints.h"
