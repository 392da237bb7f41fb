#pragma once
// The browser's session: the cookie that carries it and the CSRF rules for it, as pure functions
// of the request. A browser signs in with `X-Homeward-Web: 1`; the token then lives only in an
// HttpOnly cookie that script cannot read. The cookie is accepted as it is on safe methods (GET,
// HEAD), so that links and images work; on any other method only when the request proves it
// came from the application itself: an `Origin` equal to the server's own origin and the custom
// `X-Homeward-Web: 1` header, which a cross-site form cannot send. A request with a Bearer token
// ignores the cookie.

#include "homeward/api/router.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace homeward::api::web {

// `__Host-` binds the cookie to this origin: Secure, no Domain, Path=/ are then mandatory.
inline constexpr std::string_view cookie_name = "__Host-homeward";
inline constexpr std::string_view web_header = "X-Homeward-Web";

enum class credential_source { none, bearer, cookie };

struct credential {
    credential_source source{credential_source::none};
    std::string token;
};

// The request's credential: the Bearer token when there is an Authorization header (then any
// cookie is ignored), else the session cookie, else none.
credential credential_of(const http_request& request);

// Whether the request says it comes from the web application (`X-Homeward-Web: 1`).
// A header value without the spaces and tabs around it (HTTP's optional whitespace).
std::string_view trim(std::string_view text);

bool from_web_application(const http_request& request);

// The server's own origin as the browser names it: "https://" + the Host header; nullopt without
// a Host header.
std::optional<std::string> own_origin(const http_request& request);

// Why a request sent by the web application (signing in, or an unsafe method with the cookie)
// is refused as a possible cross-site request forgery, or nullopt when it may go on.
std::optional<std::string> forgery_refusal(const http_request& request);

// Why this request may not use this credential, or nullopt: a cookie on an unsafe method must
// pass forgery_refusal.
std::optional<std::string> cookie_refusal(const http_request& request, const credential& given);

// The Set-Cookie value that holds the session token, and the one that removes it.
std::string session_cookie(std::string_view token);
std::string cleared_session_cookie();

// Adds a member to a problem+json body (e.g. a 401's "reason"); other bodies are left alone.
// add_problem_flag adds a boolean one (e.g. a log-in's "totp_required").
void add_problem_member(http_response& response, std::string_view name, std::string_view value);
void add_problem_flag(http_response& response, std::string_view name, bool value);

} // namespace homeward::api::web
