# gmat_add_plugin(<name> SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds <name>.so, a gmat plugin. <name> is also the name the plugin declares
# in its descriptor (the host refuses a plugin whose name is not its file's
# stem). Hidden visibility so only gmat_plugin_entry is exported, and
# -Wl,--no-undefined so a missing symbol fails the link instead of the first
# call.
#
# Output goes to GMAT_PLUGIN_OUTPUT_DIR when set (gmat's own tree sets it to
# build/lib/gmat/plugins, next to build/bin/gmat), else to
# <build>/plugins: point GMAT_PLUGIN_PATH or --plugin-dir there. `install`
# puts it in GMAT_PLUGIN_INSTALL_DIR (relative to the install prefix) when set.
function(gmat_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "gmat_add_plugin(${name}): no SOURCES given")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "gmat_add_plugin(${name}): unexpected arguments ${ARG_UNPARSED_ARGUMENTS} "
                        "(expected SOURCES <files...> [LIBRARIES <libs...>])")
  endif()
  if(DEFINED GMAT_PLUGIN_OUTPUT_DIR)
    set(output_dir "${GMAT_PLUGIN_OUTPUT_DIR}")
  else()
    set(output_dir "${CMAKE_BINARY_DIR}/plugins")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE gmat::sdk ${ARG_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    OUTPUT_NAME "${name}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${output_dir}")
  # A version script exports gmat_plugin_entry alone: template instantiations
  # from libstdc++ headers (weak symbols hidden visibility does not catch) stay
  # private, so two plugins can never bind to each other's copies.
  set(_map "${CMAKE_CURRENT_BINARY_DIR}/${name}.exports.map")
  file(WRITE "${_map}" "{\n  global: gmat_plugin_entry;\n  local: *;\n};\n")
  target_link_options(${name} PRIVATE "-Wl,--no-undefined" "-Wl,--version-script=${_map}")
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${_map}")
  # Lets a build list every plugin it makes (gmat's install tests depend on them all).
  set_property(GLOBAL APPEND PROPERTY GMAT_PLUGIN_TARGETS ${name})
  if(DEFINED GMAT_PLUGIN_INSTALL_DIR)
    install(TARGETS ${name} LIBRARY DESTINATION "${GMAT_PLUGIN_INSTALL_DIR}")
  endif()
endfunction()
