#pragma once
// The web application's files, built from web/ by esbuild and Sass and embedded in the binary by
// cmake/embed_assets.cmake, and how each is answered. Hashed files under /assets/ are immutable
// and cached for a year; the page (index.html) is answered for / and for the application's own
// paths and never cached. Each file is embedded as it is and, when that is smaller, precompressed
// with Brotli and gzip; the client gets the smallest its Accept-Encoding allows.

#include "homeward/api/router.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::api::web {

struct asset {
    std::string_view path; // "/assets/app-1a2b3c4d5e.js"; "/index.html" for the page
    std::string_view content_type;
    std::string_view identity;
    std::string_view gzip;   // empty when compression does not pay
    std::string_view brotli; // empty when compression does not pay
};

// Every embedded file (defined in the source that cmake/embed_assets.cmake generates).
std::span<const asset> embedded_assets();

const asset* find_asset(std::string_view path);

enum class content_coding { identity, gzip, brotli };

// The coding to send: Brotli when the client accepts it and the file has it, else gzip, else
// the file as it is. `q=0` refuses a coding.
content_coding choose_coding(std::string_view accept_encoding, const asset& file);

// The page's security headers: a Content-Security-Policy with no inline script or style.
std::string_view content_security_policy();

// Whether the decoded path segments name one of the application's own pages (client routes),
// for which the server answers index.html.
bool is_application_page(const std::vector<std::string>& segments);

struct web_answer {
    std::string route; // for logs and metrics: "/assets/{file}" or "(page)"
    http_response response;
};

// The answer for a GET or HEAD of an asset or an application page; nullopt for anything else
// (the API's routes, unknown files), which the router answers as usual.
std::optional<web_answer> answer(const http_request& request,
                                 const std::vector<std::string>& segments);

} // namespace homeward::api::web
