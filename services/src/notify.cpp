#include "notify.hpp"

#include "homeward/db/notifications.hpp"

#include <boost/json/serialize.hpp>

#include <vector>

namespace homeward::services {

void notify_authorities(db::unit_of_work& uow, const db::episode_row& episode,
                        std::string_view kind, std::string_view title, boost::json::object body) {
    body["episode_id"] = episode.id;
    body["child_id"] = episode.child_id;
    const std::string body_text = boost::json::serialize(body);
    std::vector<std::string> authorities{episode.responsible_authority_id};
    if (episode.host_authority_id &&
        *episode.host_authority_id != episode.responsible_authority_id) {
        authorities.push_back(*episode.host_authority_id);
    }
    for (const auto& authority : authorities) {
        db::notifications::raise(uow, {authority, std::nullopt, std::nullopt, std::string{kind},
                                       episode.id, episode.child_id, std::string{title}, body_text,
                                       std::string{kind} + ":" + episode.id + ":" + authority +
                                           ":v" + std::to_string(episode.version)});
    }
}

void notify_champion(db::unit_of_work& uow, const std::string& authority_id,
                     const std::optional<std::string>& episode_id,
                     const std::optional<std::string>& child_id, std::string_view kind,
                     std::string_view title, const boost::json::object& body,
                     const std::string& dedupe_key) {
    db::notifications::raise(uow, {authority_id, workflow::role::cse_champion, std::nullopt,
                                   std::string{kind}, episode_id, child_id, std::string{title},
                                   boost::json::serialize(body), dedupe_key});
}

} // namespace homeward::services
