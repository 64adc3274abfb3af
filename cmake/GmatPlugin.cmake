# gmat_add_plugin(<name> SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds <name>.so, a gmat plugin: hidden visibility so only gmat_plugin_entry
# is exported, -Wl,--no-undefined so a missing symbol fails the link instead of
# the first call, and output into the plugin folder the host searches.
function(gmat_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE gmat::sdk ${ARG_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${GMAT_PLUGIN_OUTPUT_DIR}")
  target_link_options(${name} PRIVATE "-Wl,--no-undefined")
  if(DEFINED GMAT_PLUGIN_INSTALL_DIR)
    install(TARGETS ${name} LIBRARY DESTINATION "${GMAT_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
