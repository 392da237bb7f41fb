#include "csv_export.hpp"

#include <boost/json/serialize.hpp>

namespace homeward::api {
namespace {

namespace json = boost::json;

void collect(const json::object& object, std::vector<std::string>& path,
             std::vector<std::vector<std::string>>& paths) {
    for (const auto& member : object) {
        path.emplace_back(member.key());
        const auto* nested = member.value().if_object();
        if (nested != nullptr && !nested->empty()) {
            collect(*nested, path, paths);
        } else {
            paths.push_back(path);
        }
        path.pop_back();
    }
}

} // namespace

json_columns::json_columns(const json::object& template_item) {
    std::vector<std::string> path;
    collect(template_item, path, paths_);
    for (const auto& p : paths_) {
        std::string name;
        for (const auto& part : p) {
            name += (name.empty() ? "" : ".") + part;
        }
        names_.push_back(std::move(name));
    }
}

void json_columns::header(csv_writer& csv) const {
    for (const auto& name : names_) {
        csv.text(name);
    }
    csv.end_row();
}

void json_columns::row(csv_writer& csv, const json::object& item) const {
    for (const auto& path : paths_) {
        const json::value* at = nullptr;
        const json::object* object = &item;
        for (const auto& part : path) {
            at = object != nullptr ? object->if_contains(part) : nullptr;
            object = at != nullptr ? at->if_object() : nullptr;
        }
        if (at == nullptr || at->is_null()) {
            csv.text(std::string_view{});
        } else if (const auto* text = at->if_string()) {
            csv.text(std::string_view{text->data(), text->size()});
        } else if (at->is_int64()) {
            csv.number(at->as_int64());
        } else if (at->is_uint64()) {
            csv.number(static_cast<std::int64_t>(at->as_uint64()));
        } else if (at->is_double()) {
            csv.number(std::optional<double>{at->as_double()});
        } else if (at->is_bool()) {
            csv.boolean(at->as_bool());
        } else {
            csv.text(json::serialize(*at)); // an array or a free-form object, as JSON
        }
    }
}

} // namespace homeward::api
