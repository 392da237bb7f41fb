// The child's profile (versioned, If-Match as for episodes) and photograph (the image itself in
// the body, both ways).

#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/profiles.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <cctype>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
using v = http::verb;

http_response read(request_context& c) {
    const auto profile = services::get_profile(c.env, c.caller(), c.segment(3));
    return with_etag(json_response(c, 200, profile), profile.profile.version);
}

http_response versions(request_context& c) {
    return json_response(c, 200,
                         services::profile_versions(c.env, c.caller(), c.segment(3), c.limit()));
}

// The first version is made (201); each later one answers 200.
http_response write(request_context& c) {
    const auto profile =
        services::save_profile(c.env, c.caller(), c.segment(3), c.body(), c.if_match());
    const int version = profile.profile.version;
    return with_etag(json_response(c, version == 1 ? 201 : 200, profile), version);
}

// The media type without its parameters, in lower case.
std::string media_type(const http_request& request) {
    std::string type{request[http::field::content_type]};
    type = type.substr(0, type.find(';'));
    type.erase(type.find_last_not_of(" \t") + 1);
    type.erase(0, type.find_first_not_of(" \t"));
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return type;
}

// The media type is judged by the use case after the caller's role and scope: a role that may
// not keep a photo is refused (403) whatever it sent, and a child out of scope is 404.
http_response upload_photo(request_context& c) {
    return json_response(c, 200,
                         services::save_photo(c.env, c.caller(), c.segment(3),
                                              media_type(c.request), c.request.body()));
}

http_response photo(request_context& c) {
    const auto size = c.query_text("size").value_or("full");
    if (size != "full" && size != "thumbnail") {
        throw refusal{
            400, "size must be full or thumbnail", {{"size", "must be full or thumbnail"}}};
    }
    auto image = services::get_photo(c.env, c.caller(), c.segment(3), size == "thumbnail");
    http_response response{http::status::ok, c.request.version()};
    response.set(http::field::content_type, image.content_type);
    // A photograph of a child is never kept by a browser or a proxy.
    response.set(http::field::cache_control, "no-store");
    response.set(http::field::content_disposition, "inline");
    response.body() = std::move(image.data);
    return response;
}

} // namespace

std::vector<route> profile_routes() {
    return {
        {v::get,
         {"api", "v1", "children", "{id}", "profile"},
         "/api/v1/children/{id}/profile",
         true,
         &read},
        {v::put,
         {"api", "v1", "children", "{id}", "profile"},
         "/api/v1/children/{id}/profile",
         true,
         &write},
        {v::get,
         {"api", "v1", "children", "{id}", "profile", "versions"},
         "/api/v1/children/{id}/profile/versions",
         true,
         &versions},
        {v::get,
         {"api", "v1", "children", "{id}", "photo"},
         "/api/v1/children/{id}/photo",
         true,
         &photo},
        {v::put,
         {"api", "v1", "children", "{id}", "photo"},
         "/api/v1/children/{id}/photo",
         true,
         &upload_photo},
    };
}

} // namespace homeward::api
