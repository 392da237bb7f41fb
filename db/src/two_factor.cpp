#include "homeward/db/two_factor.hpp"

#include "sql.hpp"

namespace homeward::db::two_factor {
namespace {

const statement of_user_sql{"two_factor_of_user",
                            "select secret, pending_secret, last_step from two_factor where "
                            "user_id = $1::uuid for update"};
const statement all_secrets_sql{"two_factor_all_secrets",
                                "select user_id::text, secret, pending_secret from two_factor "
                                "order by user_id for update"};
const statement replace_secrets_sql{
    "two_factor_replace_secrets",
    "update two_factor set secret = case when $2 then $3::bytea end, pending_secret = case when "
    "$4 then $5::bytea end where user_id = $1::uuid",
    effect::identity};
const statement set_pending_sql{
    "two_factor_set_pending",
    "insert into two_factor (user_id, pending_secret, updated_at) values ($1::uuid, $2, "
    "to_timestamp($3)) on conflict (user_id) do update set pending_secret = "
    "excluded.pending_secret, "
    "updated_at = excluded.updated_at"};
const statement confirm_sql{
    "two_factor_confirm",
    "update two_factor set secret = pending_secret, pending_secret = null, last_step = $2, "
    "confirmed_at = to_timestamp($3), updated_at = to_timestamp($3) where user_id = $1::uuid and "
    "pending_secret is not null",
    effect::identity};
const statement use_step_sql{
    "two_factor_use_step",
    "update two_factor set last_step = $2, updated_at = to_timestamp($3) where user_id = $1::uuid "
    "and (last_step is null or last_step < $2)"};
const statement clear_sql{"two_factor_clear",
                          "with codes as (delete from recovery_codes where user_id = $1::uuid) "
                          "delete from two_factor where user_id = $1::uuid",
                          effect::identity};
const statement delete_codes_sql{"two_factor_delete_codes",
                                 "delete from recovery_codes where user_id = $1::uuid"};
const statement insert_code_sql{
    "two_factor_insert_code",
    "insert into recovery_codes (user_id, code_hash) values ($1::uuid, $2)"};
const statement use_code_sql{
    "two_factor_use_code",
    "update recovery_codes set used_at = to_timestamp($3) where user_id = $1::uuid and code_hash "
    "= $2 and used_at is null"};
const statement codes_left_sql{
    "two_factor_codes_left",
    "select count(*)::int from recovery_codes where user_id = $1::uuid and used_at is null"};

pqxx::binarystring bytes(std::string_view text) { return {text.data(), text.size()}; }

std::optional<std::string> optional_bytes(const pqxx::field& field) {
    if (field.is_null()) {
        return std::nullopt;
    }
    return pqxx::binarystring{field}.str();
}

} // namespace

std::optional<enrolment> of_user(unit_of_work& uow, std::string_view user_id) {
    const auto row = row_by_id(uow, of_user_sql, user_id);
    if (!row) {
        return std::nullopt;
    }
    enrolment found;
    found.secret = optional_bytes((*row)[0]);
    found.pending_secret = optional_bytes((*row)[1]);
    if (!(*row)[2].is_null()) {
        found.last_step = (*row)[2].as<std::int64_t>();
    }
    return found;
}

std::vector<stored_secrets> all_secrets(unit_of_work& uow) {
    std::vector<stored_secrets> all;
    for (const auto& row : run(uow, all_secrets_sql)) {
        all.push_back({row[0].as<std::string>(), optional_bytes(row[1]), optional_bytes(row[2])});
    }
    return all;
}

void replace_secrets(unit_of_work& uow, const stored_secrets& sealed) {
    run(uow, replace_secrets_sql, sealed.user_id, sealed.secret.has_value(),
        bytes(sealed.secret.value_or("")), sealed.pending_secret.has_value(),
        bytes(sealed.pending_secret.value_or("")));
}

void set_pending(unit_of_work& uow, std::string_view user_id, std::string_view secret,
                 time_point at) {
    run(uow, set_pending_sql, std::string{user_id}, bytes(secret), epoch(at));
}

void confirm(unit_of_work& uow, std::string_view user_id, std::int64_t step, time_point at) {
    run(uow, confirm_sql, std::string{user_id}, step, epoch(at));
}

bool use_step(unit_of_work& uow, std::string_view user_id, std::int64_t step, time_point at) {
    return run(uow, use_step_sql, std::string{user_id}, step, epoch(at)).affected_rows() == 1;
}

bool clear(unit_of_work& uow, std::string_view user_id) {
    return run(uow, clear_sql, std::string{user_id}).affected_rows() > 0;
}

void replace_recovery_codes(unit_of_work& uow, std::string_view user_id,
                            const std::vector<std::string>& code_hashes) {
    run(uow, delete_codes_sql, std::string{user_id});
    for (const auto& hash : code_hashes) {
        run(uow, insert_code_sql, std::string{user_id}, bytes(hash));
    }
}

bool use_recovery_code(unit_of_work& uow, std::string_view user_id, std::string_view code_hash,
                       time_point at) {
    return run(uow, use_code_sql, std::string{user_id}, bytes(code_hash), epoch(at))
               .affected_rows() == 1;
}

int recovery_codes_left(unit_of_work& uow, std::string_view user_id) {
    return run(uow, codes_left_sql, std::string{user_id})[0][0].as<int>();
}

} // namespace homeward::db::two_factor
