#include "homeward/db/actions.hpp"

#include "sql.hpp"

namespace homeward::db::actions {
namespace {

#define ACTION_COLUMNS                                                                             \
    "id::text, episode_id::text, type, description, owner_id::text, raised_by::text, "             \
    "extract(epoch from raised_at)::bigint, extract(epoch from due_at)::bigint, status, outcome, " \
    "extract(epoch from completed_at)::bigint"

const statement insert_sql{"actions_insert",
                           "insert into actions (episode_id, type, description, owner_id, "
                           "raised_by, raised_at, due_at) values ($1::uuid, $2, $3, $4::uuid, "
                           "$5::uuid, to_timestamp($6), to_timestamp($7)) returning id::text"};
const statement find_sql{"actions_find", "select " ACTION_COLUMNS " from actions where id = "
                                         "$1::uuid and episode_id = $2::uuid"};
const statement of_episode_sql{"actions_of_episode",
                               "select " ACTION_COLUMNS " from actions where episode_id = "
                               "$1::uuid order by raised_at, id"};
// Done (the outcome) or cancelled (the reason): $5 is the status.
const statement finish_sql{"actions_finish",
                           "update actions set status = $5, outcome = $2, completed_by = "
                           "$3::uuid, completed_at = to_timestamp($4) where id = $1::uuid and "
                           "status = 'open'"};
const statement reassign_sql{"actions_reassign",
                             "update actions set owner_id = $2::uuid where id = $1::uuid and "
                             "status = 'open'"};

#undef ACTION_COLUMNS

action_record read_action(fields f) {
    action_record a;
    a.id = f.text();
    a.episode_id = f.text();
    a.type = f.value<action_type>(workflow::parse_action_type);
    a.description = f.text();
    a.owner_id = f.text();
    a.raised_by = f.text();
    a.raised_at = f.time();
    a.due_at = f.time();
    a.status = f.value<action_status>(workflow::parse_action_status);
    a.outcome = f.optional_text();
    a.completed_at = f.optional_time();
    return a;
}

} // namespace

std::string insert(unit_of_work& uow, const new_action& action) {
    return run(uow, insert_sql, action.episode_id, text_of(action.type), action.description,
               action.owner_id, action.raised_by, epoch(action.raised_at),
               epoch(action.due_at))[0][0]
        .as<std::string>();
}

std::optional<action_record> find(unit_of_work& uow, std::string_view episode_id,
                                  std::string_view action_id) {
    if (!workflow::is_uuid(episode_id)) {
        return std::nullopt;
    }
    const auto row = row_by_id(uow, find_sql, action_id, std::string{episode_id});
    return row ? std::optional{read_action(fields{*row})} : std::nullopt;
}

std::vector<action_record> of_episode(unit_of_work& uow, std::string_view episode_id) {
    std::vector<action_record> list;
    for (const auto& row : run(uow, of_episode_sql, std::string{episode_id})) {
        list.push_back(read_action(fields{row}));
    }
    return list;
}

void finish(unit_of_work& uow, std::string_view action_id, action_status status,
            std::string_view outcome, std::string_view by, time_point at) {
    run(uow, finish_sql, std::string{action_id}, std::string{outcome}, std::string{by}, epoch(at),
        std::string{workflow::to_string(status)});
}

void reassign(unit_of_work& uow, std::string_view action_id, std::string_view owner_id) {
    run(uow, reassign_sql, std::string{action_id}, std::string{owner_id});
}

} // namespace homeward::db::actions
