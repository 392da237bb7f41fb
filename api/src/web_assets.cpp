#include "web_assets.hpp"
#include "web_session.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace homeward::api::web {
namespace {

namespace http = boost::beast::http;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// Whether Accept-Encoding lists the coding (or "*") with a non-zero quality.
bool accepts(std::string_view header, std::string_view coding) {
    bool star = false;
    while (!header.empty()) {
        const auto comma = header.find(',');
        auto item = trim(header.substr(0, comma));
        const auto semicolon = item.find(';');
        const auto name = trim(item.substr(0, semicolon));
        bool refused = false;
        if (semicolon != std::string_view::npos) {
            auto parameter = trim(item.substr(semicolon + 1));
            if (parameter.starts_with("q=") || parameter.starts_with("Q=")) {
                parameter.remove_prefix(2);
                refused = parameter.find_first_not_of("0.") == std::string_view::npos;
            }
        }
        if (equals_ignoring_case(name, coding)) {
            return !refused;
        }
        if (name == "*") {
            star = !refused;
        }
        if (comma == std::string_view::npos) {
            break;
        }
        header.remove_prefix(comma + 1);
    }
    return star;
}

// The application's own paths (its client-side routes): the page is answered for each.
// The first segment of every path the web application renders (web/src/main.js): a page opened
// directly or reloaded is the application, not a 404.
constexpr std::array<std::string_view, 14> page_roots{
    "sign-in",       "my-work", "police", "report",   "episodes", "team",     "oversight",
    "notifications", "account", "admin",  "children", "figures",  "entities", "data-protection"};

void set_page_security(http_response& response) {
    response.set("Content-Security-Policy", content_security_policy());
    response.set("Referrer-Policy", "no-referrer");
    response.set("X-Frame-Options", "DENY");
    response.set("Cross-Origin-Opener-Policy", "same-origin");
}

// The page goes out as it is, never compressed: compression of the one document that could
// come to carry a secret beside something a request put there (a token, a nonce, a name from the
// path) is what BREACH reads, and the page is about 1 KB. The hashed script and style sheet are
// the same bytes for everyone, so they stay compressed.
enum class coding_allowed { none, as_accepted };

http_response file_response(const http_request& request, const asset& file,
                            coding_allowed allowed) {
    http_response response{http::status::ok, request.version()};
    response.set(http::field::content_type, file.content_type);
    const auto coding = allowed == coding_allowed::as_accepted
                            ? choose_coding(request[http::field::accept_encoding], file)
                            : content_coding::identity;
    if (allowed == coding_allowed::as_accepted) {
        response.set(http::field::vary, "Accept-Encoding");
    }
    switch (coding) {
    case content_coding::brotli:
        response.set(http::field::content_encoding, "br");
        response.body() = std::string{file.brotli};
        break;
    case content_coding::gzip:
        response.set(http::field::content_encoding, "gzip");
        response.body() = std::string{file.gzip};
        break;
    case content_coding::identity:
        response.body() = std::string{file.identity};
        break;
    }
    if (request.method() == http::verb::head) {
        // The same headers as GET, with the length the GET body would have.
        response.content_length(response.body().size());
        response.body().clear();
    }
    return response;
}

} // namespace

const asset* find_asset(std::string_view path) {
    for (const auto& file : embedded_assets()) {
        if (file.path == path) {
            return &file;
        }
    }
    return nullptr;
}

content_coding choose_coding(std::string_view accept_encoding, const asset& file) {
    if (!file.brotli.empty() && accepts(accept_encoding, "br")) {
        return content_coding::brotli;
    }
    if (!file.gzip.empty() && accepts(accept_encoding, "gzip")) {
        return content_coding::gzip;
    }
    return content_coding::identity;
}

std::string_view content_security_policy() {
    // data: images: the two-step sign-in QR code, the server's own SVG shown as an <img> (an
    // image runs no script and loads nothing).
    return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'";
}

bool is_application_page(const std::vector<std::string>& segments) {
    if (segments.size() == 1 && segments[0].empty()) {
        return true; // "/"
    }
    if (segments.empty() || segments.size() > 4) {
        return false;
    }
    // Only one page is four segments deep: /admin/organisations/{code}/details.
    if (segments.size() == 4 &&
        (segments[0] != "admin" || segments[1] != "organisations" || segments[3] != "details")) {
        return false;
    }
    return std::find(page_roots.begin(), page_roots.end(), segments[0]) != page_roots.end() &&
           std::none_of(segments.begin(), segments.end(),
                        [](const std::string& segment) { return segment.empty(); });
}

std::optional<web_answer> answer(const http_request& request,
                                 const std::vector<std::string>& segments) {
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        return std::nullopt;
    }
    if (segments.size() == 2 && segments[0] == "assets") {
        const auto* file = find_asset("/assets/" + segments[1]);
        if (file == nullptr) {
            return std::nullopt;
        }
        auto response = file_response(request, *file, coding_allowed::as_accepted);
        // The name carries the content's hash: a new build is a new name.
        response.set(http::field::cache_control, "public, max-age=31536000, immutable");
        return web_answer{"/assets/{file}", std::move(response)};
    }
    if (is_application_page(segments)) {
        const auto* page = find_asset("/index.html");
        if (page == nullptr) {
            return std::nullopt;
        }
        auto response = file_response(request, *page, coding_allowed::none);
        response.set(http::field::cache_control, "no-store");
        set_page_security(response);
        return web_answer{"(page)", std::move(response)};
    }
    return std::nullopt;
}

} // namespace homeward::api::web
