#include "http.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;

std::string_view title_of(unsigned status) {
    switch (status) {
    case 400:
        return "Bad request";
    case 401:
        return "Unauthenticated";
    case 403:
        return "Forbidden";
    case 404:
        return "Not found";
    case 405:
        return "Method not allowed";
    case 409:
        return "Conflict with the episode's state";
    case 412:
        return "Version no longer current";
    case 413:
        return "Body too large";
    case 415:
        return "Unsupported media type";
    case 422:
        return "Invalid fields";
    case 429:
        return "Too many requests";
    case 501:
        return "Not implemented";
    case 503:
        return "Service unavailable";
    default:
        return "Internal server error";
    }
}

} // namespace

json::object request_context::body() const {
    const auto type = request[http::field::content_type];
    if (!type.starts_with("application/json")) {
        throw refusal{415, "the body must be application/json"};
    }
    json::error_code ec;
    auto value = json::parse(request.body(), ec);
    if (ec) {
        throw refusal{400, "the body is not valid JSON: " + ec.message()};
    }
    if (!value.is_object()) {
        throw refusal{400, "the body must be a JSON object"};
    }
    return std::move(value.as_object());
}

std::optional<std::string> request_context::query_text(const std::string& name) const {
    const auto it = query.find(name);
    if (it == query.end() || it->second.empty()) {
        return std::nullopt;
    }
    return it->second;
}

int request_context::limit() const {
    const auto text = query_text("limit");
    if (!text) {
        return 50;
    }
    int value = 0;
    std::size_t used = 0;
    try {
        value = std::stoi(*text, &used);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used != text->size() || used == 0 || value < 1 || value > 500) {
        throw refusal{400,
                      "limit must be a whole number from 1 to 500",
                      {{"limit", "must be a whole number from 1 to 500"}}};
    }
    return value;
}

std::optional<int> request_context::if_match() const {
    auto text = std::string{request[http::field::if_match]};
    if (text.empty()) {
        return std::nullopt;
    }
    if (text.starts_with("W/")) {
        text = text.substr(2);
    }
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        text = text.substr(1, text.size() - 2);
    }
    try {
        std::size_t used = 0;
        const int version = std::stoi(text, &used);
        if (used == text.size() && version > 0) {
            return version;
        }
    } catch (const std::logic_error&) {
        // falls through to the refusal below
    }
    throw refusal{
        400, "If-Match must name a version, e.g. \"3\"", {{"If-Match", "must name a version"}}};
}

http_response with_etag(http_response response, int version) {
    response.set(http::field::etag, "\"" + std::to_string(version) + "\"");
    return response;
}

http_response json_response(const request_context& c, unsigned status, const json::value& body) {
    http_response response{static_cast<http::status>(status), c.request.version()};
    response.set(http::field::content_type, "application/json");
    response.body() = json::serialize(body);
    return response;
}

http_response no_content(const request_context& c) {
    return http_response{http::status::no_content, c.request.version()};
}

bool wants_csv(const request_context& c) {
    const auto format = c.query_text("format");
    if (format && *format != "csv" && *format != "json") {
        throw refusal{400, "format must be csv or json", {{"format", "must be csv or json"}}};
    }
    if (format) {
        return *format == "csv";
    }
    const auto accept = c.request[http::field::accept];
    return accept.find("text/csv") != std::string_view::npos;
}

std::shared_ptr<replica_read> replica_reads(const request_context& c) {
    return std::make_shared<replica_read>(c.env);
}

http_response with_read_source(http_response response, const replica_read& read) {
    response.set("Homeward-Read-From",
                 read.used == services::read_source::replica ? "replica" : "primary");
    return response;
}

http_response csv_response(const request_context& c, std::string body, std::string_view filename) {
    http_response response{http::status::ok, c.request.version()};
    response.set(http::field::content_type, "text/csv; charset=utf-8; header=present");
    response.set(http::field::content_disposition,
                 "attachment; filename=\"" + std::string{filename} + "\"");
    response.body() = std::move(body);
    return response;
}

http_response problem(unsigned version, unsigned status, const std::string& detail,
                      const std::vector<services::field_error>& fields,
                      const std::vector<std::string>& allowed_events) {
    json::object body{{"type", "https://homeward.invalid/problems/" + std::to_string(status)},
                      {"title", title_of(status)},
                      {"status", status},
                      {"detail", detail}};
    if (!fields.empty()) {
        json::array errors;
        for (const auto& field : fields) {
            errors.push_back(json::object{{"field", field.field}, {"message", field.message}});
        }
        body["errors"] = std::move(errors);
    }
    if (!allowed_events.empty() || status == 409) {
        json::array allowed;
        for (const auto& event : allowed_events) {
            allowed.emplace_back(event);
        }
        body["allowed_events"] = std::move(allowed);
    }
    http_response response{static_cast<http::status>(status), version};
    response.set(http::field::content_type, "application/problem+json");
    response.body() = json::serialize(body);
    if (status == 503) {
        response.set(http::field::retry_after, "5");
    }
    if (status == 401) {
        response.set(http::field::www_authenticate, "Bearer");
    }
    return response;
}

} // namespace homeward::api
