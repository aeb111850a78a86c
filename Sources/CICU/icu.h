// Only CICUShim's C file sees ICU's headers; Swift never imports this module directly.
#include <unicode/utypes.h>
