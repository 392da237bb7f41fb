# Writes a C++ source defining `std::string_view SYMBOL()` that returns the text of INPUT.
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed_text.cmake. Do not edit.
#include <string_view>
namespace homeward::api {
std::string_view ${SYMBOL}() {
    // An array, its length known from its size: a string_view from the bare literal would count
    // its characters in a constexpr loop, which GCC stops at 262,144 iterations.
    static constexpr char text[] = R\"homeward_text(${text})homeward_text\";
    return {text, sizeof text - 1};
}
} // namespace homeward::api
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
