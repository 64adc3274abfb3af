// Exports the entry point but needs a symbol nothing provides: with lazy
// binding it would load and crash at the first call; the host binds now.
#include <gmat/abi.h>

extern "C" int gmat_symbol_that_does_not_exist(void);

extern "C" GMAT_PLUGIN_EXPORT const gmat_plugin_descriptor *gmat_plugin_entry(void) {
    static int forced = gmat_symbol_that_does_not_exist();
    (void)forced;
    return nullptr;
}
