# Writes a C++ source defining `std::string_view SYMBOL()` that returns the text of INPUT.
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed_text.cmake. Do not edit.
#include <string_view>
namespace homeward::api {
std::string_view ${SYMBOL}() {
    // An array, not a constexpr string_view of the literal: the length of a text this long is
    // past what a compiler will count at compile time (GCC stops at 262,144 steps).
    static const char text[] = R\"homeward_text(${text})homeward_text\";
    return {text, sizeof text - 1};
}
} // namespace homeward::api
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
