# Writes a C++ source defining `std::string_view SYMBOL()` that returns the text of INPUT.
file(READ "${INPUT}" text)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed_text.cmake. Do not edit.
#include <string_view>
namespace homeward::api {
std::string_view ${SYMBOL}() {
    static constexpr std::string_view text{R\"homeward_text(${text})homeward_text\"};
    return text;
}
} // namespace homeward::api
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
