// A shared library that is not a gmat plugin (no gmat_plugin_entry).
extern "C" int some_other_library_function(void) { return 42; }
