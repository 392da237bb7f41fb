# Writes a C++ source defining homeward::api::web::embedded_assets(): every file the web
# application's build (web/build.mjs) listed in MANIFEST, with its precompressed copies.
# MANIFEST lines: URL path <TAB> kind (css, js, svg, html) <TAB> file <TAB> gzip file or - <TAB>
# brotli file or -
# (files relative to the manifest's folder).
get_filename_component(base "${MANIFEST}" DIRECTORY)
file(STRINGS "${MANIFEST}" lines)
set(arrays "")
set(table "")
set(index 0)

function(byte_array name file out)
  file(READ "${base}/${file}" hex HEX)
  string(LENGTH "${hex}" length)
  if(length EQUAL 0)
    set(${out} "static const unsigned char ${name}[1] = {0};\nconstexpr std::size_t ${name}_size = 0;\n" PARENT_SCOPE)
    return()
  endif()
  math(EXPR size "${length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  set(${out} "static const unsigned char ${name}[] = {${bytes}};\nconstexpr std::size_t ${name}_size = ${size};\n" PARENT_SCOPE)
endfunction()

foreach(line IN LISTS lines)
  string(REPLACE "\t" ";" fields "${line}")
  list(GET fields 0 path)
  list(GET fields 1 kind)
  if(kind STREQUAL "css")
    set(type "text/css; charset=utf-8")
  elseif(kind STREQUAL "js")
    set(type "text/javascript; charset=utf-8")
  elseif(kind STREQUAL "svg")
    set(type "image/svg+xml")
  elseif(kind STREQUAL "html")
    set(type "text/html; charset=utf-8")
  else()
    message(FATAL_ERROR "${MANIFEST}: unknown kind ${kind}")
  endif()
  list(GET fields 2 identity)
  list(GET fields 3 gzip)
  list(GET fields 4 brotli)
  byte_array(a${index}_identity "${identity}" text)
  string(APPEND arrays "${text}")
  set(views "view(a${index}_identity, a${index}_identity_size)")
  foreach(coding gzip brotli)
    if("${${coding}}" STREQUAL "-")
      string(APPEND views ", {}")
    else()
      byte_array(a${index}_${coding} "${${coding}}" text)
      string(APPEND arrays "${text}")
      string(APPEND views ", view(a${index}_${coding}, a${index}_${coding}_size)")
    endif()
  endforeach()
  string(APPEND table "        {\"${path}\", \"${type}\", ${views}},\n")
  math(EXPR index "${index} + 1")
endforeach()

file(WRITE "${OUTPUT}.tmp" "// Generated from ${MANIFEST} by cmake/embed_assets.cmake. Do not edit.
#include \"web_assets.hpp\"

#include <array>
#include <cstddef>

namespace homeward::api::web {
namespace {

std::string_view view(const unsigned char* bytes, std::size_t size) {
    return {reinterpret_cast<const char*>(bytes), size};
}

${arrays}
} // namespace

std::span<const asset> embedded_assets() {
    static const std::array<asset, ${index}> table{{
${table}    }};
    return table;
}

} // namespace homeward::api::web
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
