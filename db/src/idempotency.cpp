#include "homeward/db/idempotency.hpp"

#include "sql.hpp"

namespace homeward::db::idempotency {
namespace {

const statement claim_sql{"idempotency_claim",
                          "insert into idempotency_keys (user_id, key, request_hash, episode_id) "
                          "values ($1::uuid, $2, $3, $4::uuid) on conflict (user_id, key) do "
                          "nothing"};
const statement find_sql{"idempotency_find",
                         "select request_hash, episode_id::text from idempotency_keys where "
                         "user_id = $1::uuid and key = $2"};

} // namespace

std::optional<first_result> find(unit_of_work& uow, std::string_view user_id,
                                 std::string_view key) {
    const auto result = run(uow, find_sql, std::string{user_id}, std::string{key});
    if (result.empty()) {
        return std::nullopt;
    }
    return first_result{pqxx::binarystring{result[0][0]}.str(), result[0][1].as<std::string>()};
}

std::optional<first_result> claim(unit_of_work& uow, std::string_view user_id, std::string_view key,
                                  std::string_view request_hash, std::string_view episode_id) {
    const pqxx::binarystring hash{request_hash.data(), request_hash.size()};
    const auto claimed =
        run(uow, claim_sql, std::string{user_id}, std::string{key}, hash, std::string{episode_id});
    if (claimed.affected_rows() == 1) {
        return std::nullopt;
    }
    return find(uow, user_id, key);
}

} // namespace homeward::db::idempotency
