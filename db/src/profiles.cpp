#include "homeward/db/profiles.hpp"

#include "sql.hpp"

namespace homeward::db {
namespace {

// The profile's free-text columns of alias p, or the insert's array elements of parameter n.
std::string text_columns(std::string_view prefix, std::string_view suffix = "") {
    std::string list;
    for (std::size_t i = 0; i < profile_text_fields.size(); ++i) {
        list += (i == 0 ? "" : ", ") + std::string{prefix} +
                (suffix.empty() ? std::string{profile_text_fields[i].name}
                                : std::to_string(i + 1) + std::string{suffix});
    }
    return list;
}

std::string column_names() {
    std::string list;
    for (const auto& field : profile_text_fields) {
        list += std::string{field.name} + ", ";
    }
    return list;
}

const statement versions_sql{
    "profiles_versions",
    "select p.child_id::text, p.version, " + text_columns("p.") +
        ", p.completed_by, (p.completed_on - date '1970-01-01'), extract(epoch from "
        "p.recorded_at)::bigint, p.recorded_by::text, u.username from child_profiles p join "
        "children c on c.id = p.child_id join users u on u.id = p.recorded_by where p.child_id = "
        "$1::uuid and " +
        child_scope("c", 2, 3) + " order by p.version desc limit $4"};
const statement insert_sql{"profiles_insert",
                           "insert into child_profiles (child_id, version, " + column_names() +
                               "completed_by, completed_on, recorded_at, recorded_by) values "
                               "($1::uuid, $2, " +
                               text_columns("($3::text[])[", "]") +
                               ", $4, date '1970-01-01' + $5::int, to_timestamp($6), $7::uuid)"};
const statement save_photo_sql{
    "profiles_save_photo",
    "insert into child_photos (child_id, content_type, data, thumbnail, width, height, "
    "updated_at, updated_by) values ($1::uuid, $2, $3, $4, $5, $6, to_timestamp($7), $8::uuid) "
    "on conflict (child_id) do update set content_type = excluded.content_type, data = "
    "excluded.data, thumbnail = excluded.thumbnail, width = excluded.width, height = "
    "excluded.height, updated_at = excluded.updated_at, updated_by = excluded.updated_by"};
const std::string photo_select =
    "select f.child_id::text, f.content_type, {}, f.width, f.height, extract(epoch from "
    "f.updated_at)::bigint, f.updated_by::text from child_photos f join children c on c.id = "
    "f.child_id where f.child_id = $1::uuid and " +
    child_scope("c", 2, 3);
std::string photo_sql(std::string_view column) {
    auto sql = photo_select;
    sql.replace(sql.find("{}"), 2, column);
    return sql;
}
const statement photo_data_sql{"profiles_photo", photo_sql("f.data")};
const statement thumbnail_sql{"profiles_thumbnail", photo_sql("f.thumbnail")};

} // namespace

namespace profiles {

std::vector<profile_record> versions(unit_of_work& uow, std::string_view child_id, const scope& who,
                                     int limit) {
    std::vector<profile_record> list;
    if (!workflow::is_uuid(child_id)) {
        return list;
    }
    for (const auto& row : run(uow, versions_sql, std::string{child_id}, text_of(who.who),
                               who.organisation_id, limit)) {
        fields f{row};
        profile_record record;
        record.child_id = f.text();
        record.version = f.integer();
        for (auto& text : record.content.texts) {
            text = f.optional_text();
        }
        record.content.completed_by = f.text();
        record.content.completed_on = f.date();
        record.recorded_at = f.time();
        record.recorded_by = f.text();
        record.recorded_by_username = f.text();
        list.push_back(std::move(record));
    }
    return list;
}

void insert(unit_of_work& uow, std::string_view child_id, int version,
            const profile_content& content, time_point recorded_at, std::string_view recorded_by) {
    run(uow, insert_sql, std::string{child_id}, version,
        nullable_array(
            std::vector<std::optional<std::string>>(content.texts.begin(), content.texts.end())),
        content.completed_by, static_cast<int>(content.completed_on.time_since_epoch().count()),
        epoch(recorded_at), std::string{recorded_by});
}

void save_photo(unit_of_work& uow, const photo_record& photo, const std::string& thumbnail) {
    run(uow, save_photo_sql, photo.child_id, photo.content_type, pqxx::binarystring{photo.data},
        pqxx::binarystring{thumbnail}, photo.width, photo.height, epoch(photo.updated_at),
        photo.updated_by);
}

std::optional<photo_record> photo(unit_of_work& uow, std::string_view child_id, const scope& who,
                                  bool thumbnail) {
    const auto row = row_by_id(uow, thumbnail ? thumbnail_sql : photo_data_sql, child_id,
                               text_of(who.who), who.organisation_id);
    if (!row) {
        return std::nullopt;
    }
    photo_record photo;
    photo.child_id = (*row)[0].as<std::string>();
    photo.content_type = (*row)[1].as<std::string>();
    photo.data = pqxx::binarystring{(*row)[2]}.str();
    photo.width = (*row)[3].as<int>();
    photo.height = (*row)[4].as<int>();
    photo.updated_at = required_time((*row)[5]);
    photo.updated_by = (*row)[6].as<std::string>();
    return photo;
}

} // namespace profiles
} // namespace homeward::db
