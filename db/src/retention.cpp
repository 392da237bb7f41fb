#include "homeward/db/retention.hpp"

#include "sql.hpp"

namespace homeward::db::retention {
namespace {

const statement policy_sql{
    "retention_policy",
    "select r.keep_until_age, r.years_after_last_closed, r.organisation_id is not null, "
    "extract(epoch from r.updated_at)::bigint from retention_policies r where r.organisation_id "
    "= $1::uuid or r.organisation_id is null order by r.organisation_id nulls last limit 1"};
const statement set_policy_sql{
    "retention_set_policy",
    "insert into retention_policies (organisation_id, keep_until_age, years_after_last_closed, "
    "updated_at, updated_by) select id, $2, $3, to_timestamp($5), $4::uuid from organisations "
    "where id = $1::uuid and kind = 'local_authority' on conflict "
    "(coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid)) do update set "
    "keep_until_age = excluded.keep_until_age, years_after_last_closed = "
    "excluded.years_after_last_closed, updated_at = excluded.updated_at, updated_by = "
    "excluded.updated_by"};

#define DUE_COLUMNS                                                                                \
    "s.child_id::text, s.responsible_authority_id::text, o.code, s.due_on - date '1970-01-01', "   \
    "s.rule, s.held, s.keep_until_age, s.years_after_last_closed"

const statement due_sql{
    "retention_due",
    "select " DUE_COLUMNS " from retention_schedule s join organisations o on o.id = "
    "s.responsible_authority_id where s.anonymised_at is null and s.due_on <= $1::date and "
    "($2::uuid is null or s.responsible_authority_id = $2::uuid) and ($3::boolean is null or "
    "s.held = $3) and ($4::date is null or (s.due_on, s.child_id) > ($4::date, $5::uuid)) order "
    "by s.due_on, s.child_id limit $6"};

// The child's row, locked, while it is not anonymised: whoever holds it anonymises the child.
const statement claim_sql{"retention_claim",
                          "select id from children where id = $1::uuid and anonymised_at is null "
                          "for update"};
const statement schedule_sql{"retention_schedule_of",
                             "select " DUE_COLUMNS
                             " from retention_schedule s join organisations o on o.id = "
                             "s.responsible_authority_id where s.child_id = $1::uuid and not "
                             "s.held and s.due_on <= $2::date"};

// The anonymising, in one call (migration 0017): $1 the child, $2 the time.
const statement anonymise_sql{"retention_anonymise",
                              "select hw_anonymise_child($1::uuid, to_timestamp($2))"};

due_child read_due(fields f) {
    due_child d;
    d.child_id = f.text();
    d.authority_id = f.text();
    d.authority_code = f.text();
    d.due_on = f.date();
    d.rule = f.text();
    d.held = f.boolean();
    d.keep_until_age = f.integer();
    d.years_after_last_closed = f.integer();
    return d;
}

} // namespace

policy policy_of(unit_of_work& uow, std::string_view organisation_id) {
    const auto rows = run(uow, policy_sql, std::string{organisation_id});
    fields f{rows.at(0)};
    policy p;
    p.keep_until_age = f.integer();
    p.years_after_last_closed = f.integer();
    p.authority_own = f.boolean();
    p.updated_at = f.optional_time();
    return p;
}

bool set_policy(unit_of_work& uow, std::string_view organisation_id, const policy& rule,
                std::string_view by, time_point at) {
    return run(uow, set_policy_sql, std::string{organisation_id}, rule.keep_until_age,
               rule.years_after_last_closed, std::string{by}, epoch(at))
               .affected_rows() > 0;
}

std::vector<due_child> due(unit_of_work& uow, const due_filter& f) {
    std::vector<due_child> items;
    const auto after_on =
        f.after_on ? std::optional<std::string>{date_text(*f.after_on)} : std::nullopt;
    for (const auto& row : run(uow, due_sql, date_text(f.until), f.authority_id, f.held, after_on,
                               f.after_child, f.limit)) {
        items.push_back(read_due(fields{row}));
    }
    return items;
}

std::optional<anonymised> anonymise(unit_of_work& uow, std::string_view child_id,
                                    std::chrono::sys_days as_of, time_point at) {
    if (!row_by_id(uow, claim_sql, child_id)) {
        return std::nullopt;
    }
    const auto due_row = row_by_id(uow, schedule_sql, child_id, date_text(as_of));
    if (!due_row) {
        return std::nullopt;
    }
    anonymised done;
    done.child = read_due(fields{*due_row});
    done.episodes = run(uow, anonymise_sql, std::string{child_id}, epoch(at))[0][0].as<int>();
    return done;
}

} // namespace homeward::db::retention
