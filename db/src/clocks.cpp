#include "homeward/db/clocks.hpp"

#include "audit_append.hpp"
#include "sql.hpp"

#include <tuple>

namespace homeward::db::clocks {
namespace {

#define CLOCK_COLUMNS                                                                              \
    "kind, subject, extract(epoch from starts_at)::bigint, extract(epoch from due_at)::bigint, "   \
    "extract(epoch from met_at)::bigint, extract(epoch from stopped_at)::bigint, "                 \
    "holder_organisation_id::text, holder_user_id::text"

// The episode's clocks replaced in one statement: each given clock inserted, or updated where it
// differs from the one stored (what the sweeper noted of it kept while its due time stays; a clock
// an event leaves as it was is not written again, with its ten indexes), every other clock of the
// episode removed. With `extra_ctes`, the statement does their work too.
std::string save_sql_with(const std::string& extra_ctes) {
    return "with incoming as (select * from unnest($3::text[], $4::text[], $5::bigint[], "
           "$6::bigint[], $7::bigint[], $8::bigint[], $9::uuid[], $10::uuid[]) as t(kind, subject, "
           "starts_at, due_at, met_at, stopped_at, holder_organisation_id, holder_user_id)), "
           "upserted as (insert into clocks (episode_id, child_id, kind, subject, starts_at, "
           "due_at, met_at, stopped_at, holder_organisation_id, holder_user_id) select $1::uuid, "
           "$2::uuid, kind, subject, to_timestamp(starts_at), to_timestamp(due_at), "
           "to_timestamp(met_at), to_timestamp(stopped_at), holder_organisation_id, holder_user_id "
           "from incoming on conflict (episode_id, kind, subject) do update set starts_at = "
           "excluded.starts_at, due_at = excluded.due_at, met_at = excluded.met_at, stopped_at = "
           "excluded.stopped_at, holder_organisation_id = excluded.holder_organisation_id, "
           "holder_user_id = excluded.holder_user_id, due_soon_notified_at = case when "
           "clocks.due_at = excluded.due_at then clocks.due_soon_notified_at end, "
           "overdue_notified_at = case when clocks.due_at = excluded.due_at then "
           "clocks.overdue_notified_at end where (clocks.starts_at, clocks.due_at, clocks.met_at, "
           "clocks.stopped_at, clocks.holder_organisation_id, clocks.holder_user_id) is distinct "
           "from (excluded.starts_at, excluded.due_at, excluded.met_at, excluded.stopped_at, "
           "excluded.holder_organisation_id, excluded.holder_user_id) returning id)" +
           (extra_ctes.empty() ? "" : ", " + extra_ctes) +
           " delete from clocks c where c.episode_id = $1::uuid and not exists (select 1 from "
           "incoming i where i.kind = c.kind and i.subject = c.subject)";
}
const statement save_sql{"clocks_save", save_sql_with("")};
// The same, with the audit entry of the write that moved the clocks: $11 on.
const statement save_audited_sql{"clocks_save_audited", save_sql_with(audit::append_ctes(11))};
const statement of_episode_sql{"clocks_of_episode",
                               "select " CLOCK_COLUMNS " from clocks where episode_id = $1::uuid "
                               "order by id"};
const statement of_child_sql{"clocks_of_child",
                             "select " CLOCK_COLUMNS " from clocks where child_id = $1::uuid and "
                             "episode_id is null order by starts_at, id"};
const statement save_child_clock_sql{
    "clocks_save_child_clock",
    "insert into clocks (episode_id, child_id, kind, subject, starts_at, due_at, "
    "holder_organisation_id, holder_user_id) values (null, $1::uuid, $2, '', to_timestamp($3), "
    "to_timestamp($4), $5::uuid, $6::uuid) on conflict do nothing"};
const statement meet_child_clocks_sql{
    "clocks_meet_child_clocks",
    "update clocks set met_at = to_timestamp($3) where child_id = $1::uuid and episode_id is null "
    "and kind = $2 and met_at is null and stopped_at is null and starts_at <= to_timestamp($3)"};
const statement insert_review_sql{
    "clocks_insert_review",
    "insert into child_reviews (child_id, kind, held_at, cse_risk, notes, recorded_by) values "
    "($1::uuid, $2, to_timestamp($3), $4, $5, $6::uuid) returning id::text"};

// The scope picks one of three fixed predicates; each matches a partial index on open clocks.
std::string overdue_sql(std::string_view scope_predicate) {
    return "select c.id, c.episode_id::text, ch.id::text, ch.given_name, ch.family_name, c.kind, "
           "nullif(c.subject, ''), extract(epoch from c.due_at)::bigint, c.holder_user_id::text, "
           "u.username, tm.name, o.code from (select c.* from clocks c where c.met_at is null and "
           "c.stopped_at is null and " +
           std::string{scope_predicate} +
           " and ($3::text is null or c.kind = $3) and ($5::uuid is null or "
           "c.holder_organisation_id = $5::uuid) and ($6::uuid is null or c.holder_user_id = "
           "$6::uuid) and ($13 or case when $7 then c.due_at > to_timestamp($4::bigint) and "
           "c.due_at <= "
           "to_timestamp($4::bigint) + make_interval(secs => $8) else c.due_at <= "
           "to_timestamp($4::bigint) end) and ($9::bigint is null or (c.due_at, c.id) > "
           "(to_timestamp($9::bigint), $10::bigint)) and ($12::uuid is null or exists (select 1 "
           "from users w where w.id = c.holder_user_id and w.team_id = $12::uuid)) order by "
           "c.due_at, c.id limit $11) c "
           "join children ch on ch.id = c.child_id left join users u on u.id = c.holder_user_id "
           "left join teams tm on tm.id = u.team_id left join organisations o on o.id = "
           "c.holder_organisation_id order by c.due_at, c.id";
}
// $1 the caller's organisation, $2 the caller.
const statement overdue_police_sql{
    "clocks_overdue_police",
    overdue_sql("c.holder_organisation_id = $1::uuid and c.kind in ('safe_and_well', "
                "'long_missing') and $2::uuid is not null")};
const statement overdue_worker_sql{
    "clocks_overdue_worker", overdue_sql("c.holder_user_id = $2::uuid and $1::uuid is not null")};
const statement overdue_authority_sql{
    "clocks_overdue_authority",
    overdue_sql("c.holder_organisation_id = $1::uuid and $2::uuid is not null")};

std::string summary_sql(std::string_view scope_predicate) {
    return "select c.kind, c.holder_user_id::text, u.username, tm.name, count(*) filter (where "
           "c.due_at <= to_timestamp($4::bigint)), count(*) filter (where c.due_at > "
           "to_timestamp($4::bigint)) from clocks c left join users u on u.id = c.holder_user_id "
           "left join teams tm on tm.id = u.team_id where c.met_at is null and c.stopped_at is "
           "null and " +
           std::string{scope_predicate} +
           " and ($3::text is null or c.kind = $3) and ($5::uuid is null or "
           "c.holder_organisation_id = $5::uuid) and ($6::uuid is null or c.holder_user_id = "
           "$6::uuid) and c.due_at <= to_timestamp($4::bigint) + make_interval(secs => $7) and "
           "($8::uuid is null or u.team_id = $8::uuid) group by c.kind, c.holder_user_id, "
           "u.username, tm.name order by c.kind, u.username nulls first";
}
const statement summary_police_sql{
    "clocks_summary_police",
    summary_sql("c.holder_organisation_id = $1::uuid and c.kind in ('safe_and_well', "
                "'long_missing') and $2::uuid is not null")};
const statement summary_worker_sql{
    "clocks_summary_worker", summary_sql("c.holder_user_id = $2::uuid and $1::uuid is not null")};
const statement summary_authority_sql{
    "clocks_summary_authority",
    summary_sql("c.holder_organisation_id = $1::uuid and $2::uuid is not null")};

// Which of a role's statements applies; null for a role that holds no clocks (admins, data
// protection officers).
const statement* for_role(role r, const statement& police, const statement& worker,
                          const statement& authority) {
    switch (r) {
    case role::police:
        return &police;
    case role::social_worker:
        return &worker;
    case role::manager:
    case role::cse_champion:
        return &authority;
    case role::admin:
    case role::data_protection_officer:
        break;
    }
    return nullptr;
}

std::string claim_sql(std::string_view due, std::string_view marks) {
    return "with due as (select id from clocks where met_at is null and stopped_at is null and " +
           std::string{due} +
           " order by due_at for update skip locked limit $2) update clocks c set " +
           std::string{marks} +
           " from due where c.id = due.id returning c.id, c.episode_id::text, c.child_id::text, "
           "c.kind, c.subject, extract(epoch from c.due_at)::bigint, "
           "c.holder_organisation_id::text, c.holder_user_id::text, (select "
           "e.responsible_authority_id::text from episodes e where e.id = c.episode_id), "
           "case when c.episode_id is null then (select ch.host_authority_id::text from "
           "children ch where ch.id = c.child_id) else (select e.host_authority_id::text from "
           "episodes e where e.id = c.episode_id) end";
}
const statement claim_overdue_sql{
    "clocks_claim_overdue",
    claim_sql("overdue_notified_at is null and due_at <= to_timestamp($1) and $3::float8 >= 0",
              "overdue_notified_at = to_timestamp($1), due_soon_notified_at = "
              "coalesce(c.due_soon_notified_at, to_timestamp($1))")};
const statement claim_due_soon_sql{
    "clocks_claim_due_soon",
    claim_sql("due_soon_notified_at is null and due_at > to_timestamp($1) and due_at <= "
              "to_timestamp($1) + make_interval(secs => $3)",
              "due_soon_notified_at = to_timestamp($1)")};

#undef CLOCK_COLUMNS

std::vector<clock_row> read_clocks(const pqxx::result& result) {
    std::vector<clock_row> rows;
    for (const auto& row : result) {
        fields f{row};
        clock_row clock;
        clock.kind = f.text();
        clock.subject = f.text();
        clock.starts_at = f.time();
        clock.due_at = f.time();
        clock.met_at = f.optional_time();
        clock.stopped_at = f.optional_time();
        clock.holder_organisation_id = f.optional_text();
        clock.holder_user_id = f.optional_text();
        rows.push_back(std::move(clock));
    }
    return rows;
}

std::optional<std::string> epoch_text(std::optional<time_point> at) {
    return at ? std::optional{std::to_string(epoch(*at))} : std::nullopt;
}

// Either statement, with the clocks as arrays from $3 and then `more`.
template <typename... More>
void save_with(unit_of_work& uow, const statement& s, std::string_view episode_id,
               std::string_view child_id, const std::vector<clock_row>& clocks, More&&... more) {
    std::vector<std::string> kinds;
    std::vector<std::string> subjects;
    std::vector<std::optional<std::string>> starts;
    std::vector<std::optional<std::string>> dues;
    std::vector<std::optional<std::string>> mets;
    std::vector<std::optional<std::string>> stops;
    std::vector<std::optional<std::string>> organisations;
    std::vector<std::optional<std::string>> holders;
    for (const auto& clock : clocks) {
        kinds.push_back(clock.kind);
        subjects.push_back(clock.subject);
        starts.push_back(epoch_text(clock.starts_at));
        dues.push_back(epoch_text(clock.due_at));
        mets.push_back(epoch_text(clock.met_at));
        stops.push_back(epoch_text(clock.stopped_at));
        organisations.push_back(clock.holder_organisation_id);
        holders.push_back(clock.holder_user_id);
    }
    run(uow, s, std::string{episode_id}, std::string{child_id}, text_array(kinds),
        text_array(subjects), nullable_array(starts), nullable_array(dues), nullable_array(mets),
        nullable_array(stops), nullable_array(organisations), nullable_array(holders),
        std::forward<More>(more)...);
}

} // namespace

void save(unit_of_work& uow, std::string_view episode_id, std::string_view child_id,
          const std::vector<clock_row>& clocks) {
    save_with(uow, save_sql, episode_id, child_id, clocks);
}

void save(unit_of_work& uow, std::string_view episode_id, std::string_view child_id,
          const std::vector<clock_row>& clocks, const audit_entry& entry) {
    std::apply(
        [&](const auto&... values) {
            save_with(uow, save_audited_sql, episode_id, child_id, clocks, values...);
        },
        audit::entry_values(entry));
}

std::vector<clock_row> of_episode(unit_of_work& uow, std::string_view episode_id) {
    return read_clocks(run(uow, of_episode_sql, std::string{episode_id}));
}

bool save_child_clock(unit_of_work& uow, std::string_view child_id, const clock_row& clock) {
    return run(uow, save_child_clock_sql, std::string{child_id}, clock.kind, epoch(clock.starts_at),
               epoch(clock.due_at), clock.holder_organisation_id, clock.holder_user_id)
               .affected_rows() == 1;
}

std::vector<clock_row> of_child(unit_of_work& uow, std::string_view child_id) {
    return read_clocks(run(uow, of_child_sql, std::string{child_id}));
}

int meet_child_clocks(unit_of_work& uow, std::string_view child_id, std::string_view kind,
                      time_point at) {
    return static_cast<int>(
        run(uow, meet_child_clocks_sql, std::string{child_id}, std::string{kind}, epoch(at))
            .affected_rows());
}

std::string insert_review(unit_of_work& uow, const child_review& review) {
    return run(uow, insert_review_sql, review.child_id, review.kind, epoch(review.held_at),
               text_of(review.risk), review.notes, review.recorded_by)[0][0]
        .as<std::string>();
}

std::vector<overdue_item> overdue(unit_of_work& uow, const scope& who, const overdue_filter& f) {
    const auto* s =
        for_role(who.who, overdue_police_sql, overdue_worker_sql, overdue_authority_sql);
    if (s == nullptr) {
        return {};
    }
    std::vector<overdue_item> items;
    for (const auto& row :
         run(uow, *s, who.organisation_id, who.user_id, f.kind, epoch(f.now), f.authority_id,
             f.worker_id, f.due_soon, static_cast<double>(f.window.count()), epoch(f.after_due),
             f.after_id, f.limit, f.team_id, f.open)) {
        fields r{row};
        overdue_item item;
        item.clock_id = r.big();
        item.episode_id = r.optional_text();
        item.child_id = r.text();
        item.child_given_name = r.text();
        item.child_family_name = r.text();
        item.kind = r.text();
        item.subject = r.optional_text();
        item.due_at = r.time();
        item.holder_user_id = r.optional_text();
        item.holder_username = r.optional_text();
        item.holder_team = r.optional_text();
        item.authority = r.optional_text();
        items.push_back(std::move(item));
    }
    return items;
}

std::vector<summary_row> summary(unit_of_work& uow, const scope& who, const overdue_filter& f) {
    const auto* s =
        for_role(who.who, summary_police_sql, summary_worker_sql, summary_authority_sql);
    if (s == nullptr) {
        return {};
    }
    std::vector<summary_row> rows;
    for (const auto& row :
         run(uow, *s, who.organisation_id, who.user_id, f.kind, epoch(f.now), f.authority_id,
             f.worker_id, static_cast<double>(f.window.count()), f.team_id)) {
        fields r{row};
        summary_row line;
        line.kind = r.text();
        line.holder_user_id = r.optional_text();
        line.holder_username = r.optional_text();
        line.holder_team = r.optional_text();
        line.overdue = r.big();
        line.due_soon = r.big();
        rows.push_back(std::move(line));
    }
    return rows;
}

std::vector<claimed_clock> claim(unit_of_work& uow, bool overdue, time_point now,
                                 std::chrono::seconds window, int limit) {
    const auto result = run(uow, overdue ? claim_overdue_sql : claim_due_soon_sql, epoch(now),
                            limit, static_cast<double>(window.count()));
    std::vector<claimed_clock> clocks;
    for (const auto& row : result) {
        fields f{row};
        claimed_clock clock;
        clock.id = f.big();
        clock.episode_id = f.optional_text();
        clock.child_id = f.text();
        clock.kind = f.text();
        clock.subject = f.text();
        clock.due_at = f.time();
        clock.holder_organisation_id = f.optional_text();
        clock.holder_user_id = f.optional_text();
        clock.responsible_authority_id = f.optional_text();
        clock.host_authority_id = f.optional_text();
        clocks.push_back(std::move(clock));
    }
    return clocks;
}

} // namespace homeward::db::clocks
