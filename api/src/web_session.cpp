#include "web_session.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

namespace homeward::api::web {
namespace http = boost::beast::http;

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

namespace {

// The value of the named cookie in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto end = header.find(';');
        const auto pair = trim(header.substr(0, end));
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == name) {
            return std::string{trim(pair.substr(equals + 1))};
        }
        if (end == std::string_view::npos) {
            break;
        }
        header.remove_prefix(end + 1);
    }
    return std::nullopt;
}

bool safe_method(http::verb method) {
    return method == http::verb::get || method == http::verb::head;
}

} // namespace

credential credential_of(const http_request& request) {
    const auto authorization = request[http::field::authorization];
    if (!authorization.empty()) {
        if (authorization.starts_with("Bearer ") && authorization.size() > 7) {
            return {credential_source::bearer, std::string{authorization.substr(7)}};
        }
        return {}; // an Authorization header that is not Bearer: no credential, cookie ignored
    }
    // A request may carry several Cookie headers (HTTP/1.1 clients send one; be lenient).
    for (const auto& field : request) {
        if (field.name() != http::field::cookie) {
            continue;
        }
        if (auto token = cookie_value(field.value(), cookie_name); token && !token->empty()) {
            return {credential_source::cookie, std::move(*token)};
        }
    }
    return {};
}

bool from_web_application(const http_request& request) { return trim(request[web_header]) == "1"; }

std::optional<std::string> own_origin(const http_request& request) {
    const auto host = trim(request[http::field::host]);
    if (host.empty()) {
        return std::nullopt;
    }
    return "https://" + std::string{host};
}

std::optional<std::string> forgery_refusal(const http_request& request) {
    if (!from_web_application(request)) {
        return std::string{"a request that uses the session cookie must carry X-Homeward-Web: 1"};
    }
    const auto origin = trim(request[http::field::origin]);
    if (origin.empty()) {
        return std::string{"a request that uses the session cookie must carry an Origin header"};
    }
    const auto own = own_origin(request);
    if (!own || origin != *own) {
        return "the request's Origin (" + std::string{origin} + ") is not this server's own origin";
    }
    return std::nullopt;
}

std::optional<std::string> cookie_refusal(const http_request& request, const credential& given) {
    if (given.source != credential_source::cookie || safe_method(request.method())) {
        return std::nullopt;
    }
    return forgery_refusal(request);
}

std::string session_cookie(std::string_view token) {
    return std::string{cookie_name} + "=" + std::string{token} +
           "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

std::string cleared_session_cookie() {
    return std::string{cookie_name} + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";
}

namespace {

void add_member(http_response& response, std::string_view name, boost::json::value value) {
    if (response[http::field::content_type] != "application/problem+json") {
        return;
    }
    boost::json::error_code ec;
    auto body = boost::json::parse(response.body(), ec);
    if (ec || !body.is_object()) {
        return;
    }
    body.as_object()[name] = std::move(value);
    response.body() = boost::json::serialize(body);
}

} // namespace

void add_problem_member(http_response& response, std::string_view name, std::string_view value) {
    add_member(response, name, boost::json::string(value));
}

void add_problem_flag(http_response& response, std::string_view name, bool value) {
    add_member(response, name, value);
}

} // namespace homeward::api::web
