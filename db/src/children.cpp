#include "homeward/db/children.hpp"

#include "columns.hpp"
#include "sql.hpp"

namespace homeward::db {
namespace {

const statement insert_sql{
    "children_insert",
    "insert into children (given_name, family_name, date_of_birth, sex, looked_after, "
    "responsible_authority_id, host_authority_id, ethnicity, placement_type, created_by) values "
    "($1, $2, $3::date, $4, $5, $6::uuid, $7::uuid, $8, $9, $10::uuid) returning id::text"};
const statement find_sql{"children_find", "select " CHILD_COLUMNS("c") " from children c where "
                                                                       "c.id = $1::uuid and " +
                                              child_scope("c", 2, 3)};
const statement episodes_of_sql{"children_episodes_of",
                                "select " SUMMARY_COLUMNS("e", "c") " from episodes e join "
                                                                    "children c on c.id = "
                                                                    "e.child_id where e.child_id "
                                                                    "= $1::uuid and " +
                                    episode_scope("e", 2, 3) +
                                    " order by e.reported_at desc, e.id desc"};
const statement lookup_sql{
    "children_lookup",
    "select " CHILD_COLUMNS("c") " from children c where c.date_of_birth = date '1970-01-01' + "
                                 "$2::int and (lower(c.family_name) = lower($1) or "
                                 "lower(c.given_name || ' ' || c.family_name) = lower($1)) and "
                                 "($4::uuid is null or c.responsible_authority_id = $4::uuid) "
                                 "order by c.family_name, c.given_name, c.id limit $3"};
const statement inserted_sql{"children_inserted",
                             "select " CHILD_COLUMNS("c") " from children c "
                                                          "where c.id = $1::uuid"};
const statement lock_for_report_sql{"children_lock_for_report",
                                    "select " CHILD_COLUMNS("c") " from children c where c.id = "
                                                                 "$1::uuid for no key update"};
const statement report_times_sql{
    "children_report_times", "select extract(epoch from reported_at)::bigint from episodes where "
                             "child_id = $1::uuid and state <> 'cancelled' order by reported_at"};
const statement search_sql{"children_search",
                           "select " CHILD_COLUMNS("c") " from children c where "
                                                        "(lower(c.family_name) like lower($1) || "
                                                        "'%' or lower(c.given_name) like lower($1) "
                                                        "|| '%') and " +
                               child_scope("c", 2, 3) +
                               " and ($5::int is null or c.date_of_birth = date '1970-01-01' + "
                               "$5::int) order by lower(c.family_name), lower(c.given_name), c.id "
                               "limit $4"};
// Every child in scope, a page at a time in id order (the CSV export).
const statement in_scope_sql{"children_in_scope",
                             "select " CHILD_COLUMNS("c") " from children c where " +
                                 child_scope("c", 1, 2) +
                                 " and ($3::uuid is null or c.id > $3::uuid) order by c.id "
                                 "limit $4"};
// The latest assessment of each child in scope: the later of their last held interview and their
// last reassessment.
const statement at_risk_sql{
    "children_at_risk",
    "select " CHILD_COLUMNS("c") ", latest.risk, extract(epoch from latest.at)::bigint from "
                                 "children c cross join lateral (select a.risk, a.at from (select "
                                 "i.cse_risk risk, i.conducted_at at from interviews i join "
                                 "episodes e on e.id = i.episode_id where e.child_id = c.id and "
                                 "i.outcome = 'held' union all select r.cse_risk, r.held_at from "
                                 "child_reviews r where r.child_id = c.id and r.kind = "
                                 "'cse_reassessment') a order by a.at desc limit 1) latest where " +
        child_scope("c", 1, 2) +
        " and latest.risk = any($3::text[]) order by latest.at desc, c.id limit $4"};
const statement reviews_sql{
    "children_reviews",
    "select child_id::text, kind, extract(epoch from held_at)::bigint, cse_risk, notes, "
    "recorded_by::text from child_reviews where child_id = $1::uuid order by held_at desc, id"};

std::vector<time_point> times(const pqxx::result& result) {
    std::vector<time_point> list;
    for (const auto& row : result) {
        list.push_back(required_time(row[0]));
    }
    return list;
}

} // namespace

child_record read_child(fields& f) {
    child_record child;
    child.id = f.text();
    child.given_name = f.text();
    child.family_name = f.text();
    child.date_of_birth = f.date();
    child.child_sex = f.value<workflow::sex>(workflow::parse_sex);
    child.looked_after = f.boolean();
    child.responsible_authority_id = f.text();
    child.responsible_authority = f.text();
    child.host_authority_id = f.optional_text();
    child.host_authority = f.optional_text();
    child.ethnicity = f.optional_text();
    child.placement_type = f.optional_text();
    child.created_at = f.time();
    child.version = f.integer();
    child.anonymised_at = f.optional_time();
    return child;
}

episode_summary read_summary(fields& f) {
    episode_summary e;
    e.id = f.text();
    e.child_id = f.text();
    e.child_given_name = f.text();
    e.child_family_name = f.text();
    e.state = f.value<episode_state>(workflow::parse_episode_state);
    e.version = f.integer();
    e.reported_at = f.time();
    e.last_seen_at = f.time();
    e.last_seen_location = f.text();
    e.risk = f.value<risk_level>(workflow::parse_risk_level);
    e.absence = f.value<absence_kind>(workflow::parse_absence_kind);
    e.returned_at = f.optional_time();
    e.police_reference = f.text();
    e.assigned_worker_id = f.optional_text();
    return e;
}

namespace children {

std::string insert(unit_of_work& uow, const new_child& child) {
    return run(uow, insert_sql, child.given_name, child.family_name, date_text(child.date_of_birth),
               text_of(child.child_sex), child.looked_after, child.responsible_authority_id,
               child.host_authority_id, child.ethnicity, child.placement_type,
               child.created_by)[0][0]
        .as<std::string>();
}

std::optional<child_record> find(unit_of_work& uow, std::string_view child_id, const scope& who) {
    const auto row = row_by_id(uow, find_sql, child_id, text_of(who.who), who.organisation_id);
    if (!row) {
        return std::nullopt;
    }
    fields f{*row};
    return read_child(f);
}

std::vector<episode_summary> episodes_of(unit_of_work& uow, std::string_view child_id,
                                         const scope& who) {
    std::vector<episode_summary> list;
    if (!workflow::is_uuid(child_id)) {
        return list;
    }
    for (const auto& row :
         run(uow, episodes_of_sql, std::string{child_id}, text_of(who.who), who.organisation_id)) {
        fields f{row};
        list.push_back(read_summary(f));
    }
    return list;
}

std::vector<time_point> report_times(unit_of_work& uow, std::string_view child_id) {
    return times(run(uow, report_times_sql, std::string{child_id}));
}

std::vector<child_record> in_scope(unit_of_work& uow, const scope& who,
                                   const std::optional<std::string>& after_id, int limit) {
    std::vector<child_record> list;
    for (const auto& row :
         run(uow, in_scope_sql, text_of(who.who), who.organisation_id, after_id, limit)) {
        fields f{row};
        list.push_back(read_child(f));
    }
    return list;
}

std::vector<child_record> search(unit_of_work& uow, std::string_view prefix, const scope& who,
                                 int limit, std::optional<std::chrono::sys_days> born) {
    // LIKE's own wildcards in what the user typed match themselves.
    std::string pattern;
    for (const char c : prefix) {
        if (c == '%' || c == '_' || c == '\\') {
            pattern += '\\';
        }
        pattern += c; // lowered by PostgreSQL, which knows letters beyond ASCII
    }
    std::vector<child_record> list;
    for (const auto& row :
         run(uow, search_sql, pattern, text_of(who.who), who.organisation_id, limit,
             born ? std::optional<int>{static_cast<int>(born->time_since_epoch().count())}
                  : std::nullopt)) {
        fields f{row};
        list.push_back(read_child(f));
    }
    return list;
}

std::vector<child_record> lookup(unit_of_work& uow, std::string_view name,
                                 std::chrono::sys_days born, int limit,
                                 const std::optional<std::string>& responsible_authority_id) {
    // Lowered by PostgreSQL on both sides, which knows letters beyond ASCII.
    std::vector<child_record> list;
    for (const auto& row :
         run(uow, lookup_sql, std::string{name}, static_cast<int>(born.time_since_epoch().count()),
             limit, responsible_authority_id)) {
        fields f{row};
        list.push_back(read_child(f));
    }
    return list;
}

child_record inserted(unit_of_work& uow, std::string_view child_id) {
    const auto row = row_by_id(uow, inserted_sql, child_id);
    if (!row) {
        throw std::logic_error("the child just inserted cannot be read back");
    }
    fields f{*row};
    return read_child(f);
}

std::optional<child_record> lock_for_report(unit_of_work& uow, std::string_view child_id) {
    const auto row = row_by_id(uow, lock_for_report_sql, child_id);
    if (!row) {
        return std::nullopt;
    }
    fields f{*row};
    return read_child(f);
}

std::vector<child_at_risk> at_risk(unit_of_work& uow, const scope& who,
                                   const std::vector<cse_risk>& levels, int limit) {
    std::vector<std::string> names;
    for (const auto level : levels) {
        names.push_back(text_of(level));
    }
    std::vector<child_at_risk> list;
    for (const auto& row :
         run(uow, at_risk_sql, text_of(who.who), who.organisation_id, text_array(names), limit)) {
        fields f{row};
        child_at_risk item;
        item.child = read_child(f);
        item.risk = f.value<cse_risk>(workflow::parse_cse_risk);
        item.assessed_at = f.time();
        list.push_back(std::move(item));
    }
    return list;
}

std::vector<child_review> reviews(unit_of_work& uow, std::string_view child_id) {
    std::vector<child_review> list;
    if (!workflow::is_uuid(child_id)) {
        return list;
    }
    for (const auto& row : run(uow, reviews_sql, std::string{child_id})) {
        fields f{row};
        child_review review;
        review.child_id = f.text();
        review.kind = f.text();
        review.held_at = f.time();
        review.risk = f.optional_value<cse_risk>(workflow::parse_cse_risk);
        review.notes = f.text();
        review.recorded_by = f.text();
        list.push_back(std::move(review));
    }
    return list;
}

} // namespace children
} // namespace homeward::db
