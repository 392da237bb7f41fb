# The layering of engineering.md, checked on the includes of every source file under ROOT:
#   workflow/  no I/O (no network, database, files, streams or threads) and no other layer;
#   db/        no HTTP and no layer above it;
#   services/  no HTTP and not the API;
#   api/       the database only through services: no db/ header and no libpqxx, except in the
#              composition root that wires them (COMPOSITION_ROOTS, under api/src).
# Run: cmake -DROOT=<tree> -P check_layering.cmake. Fails naming every include out of place.
cmake_minimum_required(VERSION 3.25)
if(NOT ROOT)
  message(FATAL_ERROR "pass -DROOT=<source tree>")
endif()
if(NOT DEFINED COMPOSITION_ROOTS)
  set(COMPOSITION_ROOTS "cli.cpp;main.cpp")
endif()

set(io "boost/asio|boost/beast|pqxx|libpq|openssl/|curl/|<fstream>|<iostream>|<filesystem>|<thread>|sys/socket")
set(rules
  "workflow|(${io}|homeward/(db|services|api)/)"
  "db|(boost/asio|boost/beast|homeward/(services|api)/)"
  "services|(boost/asio|boost/beast|homeward/api/)"
  "api|(homeward/db/|pqxx)")

set(violations "")
foreach(rule IN LISTS rules)
  string(REPLACE "|" ";" parts "${rule}")
  list(GET parts 0 layer)
  string(REGEX REPLACE "^[a-z]+\\|" "" forbidden "${rule}")
  file(GLOB_RECURSE files "${ROOT}/${layer}/*.cpp" "${ROOT}/${layer}/*.hpp")
  foreach(file IN LISTS files)
    get_filename_component(name "${file}" NAME)
    if(layer STREQUAL "api" AND name IN_LIST COMPOSITION_ROOTS)
      continue()
    endif()
    file(STRINGS "${file}" includes REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS includes)
      if(line MATCHES "${forbidden}")
        file(RELATIVE_PATH relative "${ROOT}" "${file}")
        string(APPEND violations "\n  ${relative}: ${line}")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "includes out of their layer:${violations}")
endif()
message(STATUS "layering holds under ${ROOT}")
