#pragma once

#include <string_view>

namespace homeward::api {

// The OpenAPI 3.1 document of api/openapi.json, compiled in.
std::string_view openapi_document();

} // namespace homeward::api
