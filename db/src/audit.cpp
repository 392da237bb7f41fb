#include "homeward/db/audit.hpp"

#include "sql.hpp"

namespace homeward::db::audit {
namespace {

const statement append_sql{
    "audit_append",
    "with head as (select seq, hash from audit_head where id for update), entry as (insert into "
    "audit_log (seq, at, request_id, actor_id, actor_username, actor_role, organisation_id, "
    "action, entity_type, entity_id, outcome, detail, prev_hash, hash) select head.seq + 1, "
    "now(), $1, $2::uuid, $3, $4, $5::uuid, $6, $7, $8, $9, $10::jsonb, head.hash, "
    "audit_entry_hash(head.hash, head.seq + 1, now(), $1, $2::uuid, $3, $4, $5::uuid, $6, $7, "
    "$8, $9, $10::jsonb) from head returning seq, hash) update audit_head set seq = entry.seq, "
    "hash = entry.hash from entry returning entry.seq"};
const statement page_sql{
    "audit_page",
    "select seq, prev_hash, hash, audit_entry_hash(prev_hash, seq, at, request_id, "
    "actor_id, actor_username, actor_role, organisation_id, action, entity_type, "
    "entity_id, outcome, detail) from audit_log where seq > $1 order by seq limit $2"};
const statement head_sql{"audit_head", "select seq, hash from audit_head where id"};
const statement list_sql{
    "audit_list",
    "select a.seq, extract(epoch from a.at)::bigint, a.request_id, a.actor_id::text, "
    "a.actor_username, a.actor_role, a.organisation_id::text, a.action, a.entity_type, "
    "a.entity_id, a.outcome, a.detail::text from audit_log a where ($1::text is null or "
    "a.entity_id = $1) and ($2::uuid is null or a.actor_id = $2::uuid) and ($3::bigint is null "
    "or a.at >= to_timestamp($3)) and ($4::bigint is null or a.at < to_timestamp($4)) and "
    "($5::uuid is null or a.organisation_id = $5::uuid or a.entity_id in (select e.id::text from "
    "episodes e where e.responsible_authority_id = $5::uuid or e.host_authority_id = $5::uuid)) "
    "and ($7::bigint is null or a.seq < $7) order by a.seq desc limit $6"};

std::string bytes_of(const pqxx::field& field) { return pqxx::binarystring{field}.str(); }

} // namespace

std::int64_t append(unit_of_work& uow, const audit_entry& entry) {
    return run(uow, append_sql, entry.request_id, entry.actor_id, entry.actor_username,
               text_of(entry.actor_role), entry.organisation_id, entry.action, entry.entity_type,
               entry.entity_id, entry.outcome, entry.detail_json)[0][0]
        .as<std::int64_t>();
}

check verify(unit_of_work& uow) {
    constexpr int page = 5000;
    check result;
    std::int64_t last_seq = 0;
    std::string last_hash(32, '\0');
    while (true) {
        const auto rows = run(uow, page_sql, last_seq, page);
        for (const auto& row : rows) {
            const auto seq = row[0].as<std::int64_t>();
            const std::string prev = bytes_of(row[1]);
            const std::string hash = bytes_of(row[2]);
            const std::string expected = bytes_of(row[3]);
            if (seq != last_seq + 1) {
                result.first_broken = seq;
                result.problem = "entry " + std::to_string(seq) + " follows entry " +
                                 std::to_string(last_seq) + ": entries are missing";
                return result;
            }
            if (prev != last_hash) {
                result.first_broken = seq;
                result.problem = "entry " + std::to_string(seq) +
                                 " does not chain to the entry before it (previous hash differs)";
                return result;
            }
            if (hash != expected) {
                result.first_broken = seq;
                result.problem = "entry " + std::to_string(seq) +
                                 " has been altered: its hash does not match its contents";
                return result;
            }
            last_seq = seq;
            last_hash = hash;
            ++result.entries;
        }
        if (rows.size() < static_cast<std::size_t>(page)) {
            break;
        }
    }
    const auto head = run(uow, head_sql)[0];
    if (head[0].as<std::int64_t>() != last_seq || bytes_of(head[1]) != last_hash) {
        result.first_broken = last_seq + 1;
        result.problem =
            "the chain ends at entry " + std::to_string(last_seq) + " but its head records entry " +
            std::to_string(head[0].as<std::int64_t>()) + ": entries after it were removed";
    }
    return result;
}

std::vector<audit_item> list(unit_of_work& uow, const filter& f) {
    std::vector<audit_item> items;
    for (const auto& row : run(uow, list_sql, f.entity_id, f.actor_id, epoch(f.from), epoch(f.to),
                               f.organisation_id, f.limit, f.before_seq)) {
        fields r{row};
        audit_item item;
        item.seq = r.big();
        item.at = r.time();
        item.request_id = r.optional_text();
        item.actor_id = r.optional_text();
        item.actor_username = r.optional_text();
        item.actor_role = r.optional_value<role>(workflow::parse_role);
        item.organisation_id = r.optional_text();
        item.action = r.text();
        item.entity_type = r.optional_text();
        item.entity_id = r.optional_text();
        item.outcome = r.text();
        item.detail_json = r.text();
        items.push_back(std::move(item));
    }
    return items;
}

} // namespace homeward::db::audit
