// The data-protection officer's routes on a child's record: who saw it, the subject-access export
// and the legal hold.

#include "../archive.hpp"
#include "../csv_export.hpp"
#include "../episode_report.hpp"
#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/privacy.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
using v = boost::beast::http::verb;

// CSV exports are not paged (api.md): every row, fetched a page of the most at a time.
constexpr int export_page = 500;

http_response access(request_context& c) {
    services::access_query query;
    query.from = c.query_text("from");
    query.to = c.query_text("to");
    query.organisation = c.query_text("organisation");
    query.user = c.query_text("user");
    const auto child = c.segment(3);
    if (wants_csv(c)) {
        query.limit = export_page;
        return json_csv_export<services::access_view>(
            c, "access.csv",
            [who = c.caller(), env = &c.env, child,
             query](const std::optional<std::string>& cursor) mutable {
                query.cursor = cursor;
                return services::child_access(*env, who, child, query);
            });
    }
    query.cursor = c.query_text("cursor");
    query.limit = c.limit();
    return json_response(c, 200, services::child_access(c.env, c.caller(), child, query));
}

// Everything held about the child as one ZIP archive: export.json (the JSON document), export.pdf
// (the same, readable) and the photograph, if any. Kept by no cache.
http_response export_archive(request_context& c) {
    const auto record = services::export_child(c.env, c.caller(), c.segment(3));
    const auto document = boost::json::value_from(record);
    std::vector<archive_file> files;
    const std::string folder = "child-" + record.child.id + "/";
    files.push_back({folder + "export.json", boost::json::serialize(document) + "\n"});
    files.push_back({folder + "export.pdf",
                     render_child_export(record, document.as_object(), c.env.catalogue)});
    if (record.photo) {
        files.push_back({folder + services::photo_file_name(*record.photo), record.photo->data});
    }
    http_response response{http::status::ok, c.request.version()};
    response.set(http::field::content_type, "application/zip");
    response.set(http::field::content_disposition,
                 "attachment; filename=\"child-" + record.child.id + "-export.zip\"");
    response.body() = zip_archive(files, record.exported_at);
    return response;
}

// The officer's own lookup of a child by exact name and date of birth, in their authority.
http_response find(request_context& c) {
    const auto found = services::find_children(c.env, c.caller(), c.query_text("q").value_or(""),
                                               c.query_text("date_of_birth"), c.limit());
    return json_response(c, 200, boost::json::object{{"items", boost::json::value_from(found)}});
}

http_response read_hold(request_context& c) {
    const auto hold = services::legal_hold_on(c.env, c.caller(), c.segment(3));
    return json_response(c, 200,
                         boost::json::object{{"legal_hold", hold ? boost::json::value_from(*hold)
                                                                 : boost::json::value(nullptr)}});
}

http_response place_hold(request_context& c) {
    return json_response(c, 200,
                         services::place_legal_hold(c.env, c.caller(), c.segment(3), c.body()));
}

http_response lift_hold(request_context& c) {
    services::lift_legal_hold(c.env, c.caller(), c.segment(3));
    return no_content(c);
}

} // namespace

std::vector<route> privacy_routes() {
    return {
        {v::get,
         {"api", "v1", "children", "{id}", "access"},
         "/api/v1/children/{id}/access",
         true,
         &access},
        {v::get,
         {"api", "v1", "children", "{id}", "export"},
         "/api/v1/children/{id}/export",
         true,
         &export_archive},
        {v::get, {"api", "v1", "privacy", "children"}, "/api/v1/privacy/children", true, &find},
        {v::get,
         {"api", "v1", "children", "{id}", "legal-hold"},
         "/api/v1/children/{id}/legal-hold",
         true,
         &read_hold},
        {v::put,
         {"api", "v1", "children", "{id}", "legal-hold"},
         "/api/v1/children/{id}/legal-hold",
         true,
         &place_hold},
        {v::delete_,
         {"api", "v1", "children", "{id}", "legal-hold"},
         "/api/v1/children/{id}/legal-hold",
         true,
         &lift_hold},
    };
}

} // namespace homeward::api
