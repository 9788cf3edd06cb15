# SPDX-License-Identifier: Apache-2.0
# mk_embed_files(OUTPUT <file.cpp> FUNCTION <qualified name> BASE <dir> FILES <files...>)
# Generates a .cpp defining `std::span<const mk::core::EmbeddedFile> <FUNCTION>()` over the files' contents,
# with paths relative to BASE. The generated file is rebuilt whenever one of the files changes.
function(mk_embed_files)
  cmake_parse_arguments(ARG "" "OUTPUT;FUNCTION;BASE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${ARG_OUTPUT} -DFUNCTION=${ARG_FUNCTION} -DBASE=${ARG_BASE}
            "-DFILES=${ARG_FILES}" -P ${PROJECT_SOURCE_DIR}/scripts/cmake/EmbedFilesRun.cmake
    DEPENDS ${ARG_FILES} ${PROJECT_SOURCE_DIR}/scripts/cmake/EmbedFilesRun.cmake
    COMMENT "Embedding ${ARG_FUNCTION}"
    VERBATIM)
endfunction()
