#include "notify.hpp"

#include "homeward/db/notifications.hpp"
#include "homeward/db/organisations.hpp"

#include <boost/json/serialize.hpp>

namespace homeward::services {

std::vector<std::string> authorities_of(const std::string& responsible,
                                        const std::optional<std::string>& host) {
    std::vector<std::string> authorities{responsible};
    if (host && *host != responsible) {
        authorities.push_back(*host);
    }
    return authorities;
}

void notify_authorities(db::unit_of_work& uow, const db::episode_row& episode,
                        std::string_view kind, std::string_view title, boost::json::object body) {
    body["episode_id"] = episode.id;
    body["child_id"] = episode.child_id;
    const std::string body_text = boost::json::serialize(body);
    for (const auto& authority :
         authorities_of(episode.responsible_authority_id, episode.host_authority_id)) {
        db::notifications::raise(uow, {authority, std::nullopt, std::nullopt, std::string{kind},
                                       episode.id, episode.child_id, std::string{title}, body_text,
                                       std::string{kind} + ":" + episode.id + ":" + authority +
                                           ":v" + std::to_string(episode.version)});
    }
}

void notify_champions(db::unit_of_work& uow, const std::vector<std::string>& authorities,
                      const std::optional<std::string>& episode_id,
                      const std::optional<std::string>& child_id, std::string_view kind,
                      std::string_view title, const boost::json::object& body,
                      const std::string& dedupe_key) {
    const std::string body_text = boost::json::serialize(body);
    for (const auto& authority : authorities) {
        const bool first = &authority == &authorities.front();
        db::notifications::raise(uow,
                                 {authority, workflow::role::cse_champion, std::nullopt,
                                  std::string{kind}, episode_id, child_id, std::string{title},
                                  body_text, first ? dedupe_key : dedupe_key + ":" + authority});
    }
}

void notify_user(db::unit_of_work& uow, const db::episode_row& episode, const std::string& user_id,
                 std::string_view kind, std::string_view title, boost::json::object body,
                 const std::string& dedupe_key) {
    const auto user = db::users::by_id(uow, user_id);
    if (!user) {
        return;
    }
    body["episode_id"] = episode.id;
    body["child_id"] = episode.child_id;
    db::notifications::raise(uow, {user->organisation_id, std::nullopt, user->id, std::string{kind},
                                   episode.id, episode.child_id, std::string{title},
                                   boost::json::serialize(body), dedupe_key});
}

void notify_champion(db::unit_of_work& uow, const std::string& authority_id,
                     const std::optional<std::string>& episode_id,
                     const std::optional<std::string>& child_id, std::string_view kind,
                     std::string_view title, const boost::json::object& body,
                     const std::string& dedupe_key) {
    notify_champions(uow, {authority_id}, episode_id, child_id, kind, title, body, dedupe_key);
}

} // namespace homeward::services
