#pragma once
// A CSV export of a paged list that streams: the header row and the first page are had before
// the response starts (so a refusal is still a problem response with its status), and each next
// page only when the connection has sent the one before. Every row in the caller's scope, one
// page in memory at a time. Each page is the list's own use case: read in the caller's scope and
// audited as the JSON list is.

#include "csv.hpp"
#include "http.hpp"

#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value_from.hpp>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace homeward::api {

// The columns of a list's CSV are the members of its JSON (so the CSV holds what the JSON holds,
// with the same audience's omissions): read from a template item, nested objects flattened
// ("child.id"), a member that is an array or a free-form object (empty in the template: a
// notification's body, an audit entry's detail) written as JSON text in one cell.
class json_columns {
public:
    explicit json_columns(const boost::json::object& template_item);
    const std::vector<std::string>& names() const { return names_; }
    void header(csv_writer& csv) const; // the names, and the row's end
    // The item's cells; the caller ends the row.
    void row(csv_writer& csv, const boost::json::object& item) const;

private:
    std::vector<std::string> names_;
    std::vector<std::vector<std::string>> paths_;
};

// `fetch(cursor)` gives a page (services::page<Item>); `write(csv, item)` writes one item's row.
// Both are kept until the export ends: they must own what they use (copies of the caller and
// query), never refer to the request.
template <typename Fetch, typename Write>
http_response csv_export(request_context& c, std::string_view filename,
                         const std::vector<std::string>& header, Fetch fetch, Write write) {
    const std::optional<std::string> start;
    using page_type = decltype(fetch(start));
    struct state {
        Fetch fetch;
        Write write;
        std::optional<page_type> pending;
        std::string prefix;
    };
    auto first = fetch(start);
    auto s =
        std::make_shared<state>(state{std::move(fetch), std::move(write), std::move(first), {}});
    csv_writer head{s->prefix};
    for (const auto& name : header) {
        head.text(name);
    }
    head.end_row();
    c.stream = [s]() -> std::optional<std::string> {
        if (!s->pending) {
            return std::nullopt;
        }
        std::string out = std::exchange(s->prefix, {});
        csv_writer csv{out};
        for (const auto& item : s->pending->items) {
            s->write(csv, item);
            csv.end_row();
        }
        const auto next = s->pending->next_cursor;
        s->pending.reset();
        if (next) {
            s->pending.emplace(s->fetch(next));
        }
        return out;
    };
    return csv_response(c, "", filename);
}

// A paged list's CSV export whose columns are its items' JSON members (json_columns): `fetch`
// as csv_export's, the template a default item.
template <typename Item, typename Fetch>
http_response json_csv_export(request_context& c, std::string_view filename, Fetch fetch,
                              const Item& template_item = Item{}) {
    auto columns =
        std::make_shared<json_columns>(boost::json::value_from(template_item).as_object());
    return csv_export(c, filename, columns->names(), std::move(fetch),
                      [columns](csv_writer& csv, const Item& item) {
                          columns->row(csv, boost::json::value_from(item).as_object());
                      });
}

// A list's CSV export read where the figures are (the streaming replica while it is usable; see
// replica_read): `fetch(env, cursor)` gives a page read with `env`. Says which database served
// its first page in Homeward-Read-From.
template <typename Item, typename Fetch>
http_response replica_csv_export(request_context& c, std::string_view filename, Fetch fetch) {
    auto reads = replica_reads(c);
    auto response = json_csv_export<Item>(
        c, filename,
        [reads, fetch = std::move(fetch)](const std::optional<std::string>& cursor) mutable {
            return fetch(reads->env, cursor);
        });
    return with_read_source(std::move(response), *reads);
}

} // namespace homeward::api
