#include "fixture.hpp"

#include "homeward/db/children.hpp"

namespace homeward::testing {

using namespace std::chrono_literals;

void repository_test::SetUp() {
    database_test::SetUp();
    if (HasFatalFailure()) {
        return;
    }
    w_ = make_world();
}

db::scope repository_test::scope_of(const services::actor& who) {
    return {who.role, who.organisation_id, who.user_id};
}

std::string repository_test::insert_child(const test_org& responsible,
                                          const std::optional<test_org>& host,
                                          std::string_view family_name) {
    db::new_child child;
    child.given_name = "Alex";
    child.family_name = std::string{family_name};
    child.date_of_birth = std::chrono::sys_days{std::chrono::year{2011} / 5 / 17};
    child.child_sex = workflow::sex::female;
    child.looked_after = true;
    child.responsible_authority_id = responsible.id;
    if (host) {
        child.host_authority_id = host->id;
    }
    child.created_by = w_.social_worker.user_id;
    return committed([&](db::unit_of_work& uow) { return db::children::insert(uow, child); });
}

std::string repository_test::insert_child(std::string_view family_name) {
    return insert_child(w_.authority, w_.host, family_name);
}

db::new_episode repository_test::new_episode(const std::string& child_id) const {
    db::new_episode episode;
    episode.child_id = child_id;
    episode.police_force_id = w_.police.organisation_id;
    episode.responsible_authority_id = w_.authority.id;
    episode.host_authority_id = w_.host.id;
    episode.reported_at = clock_.now();
    episode.reported_by = w_.police.user_id;
    episode.last_seen_at = clock_.now() - 2h;
    episode.last_seen_location = "Queen Street bus station";
    episode.circumstances = "Did not come back from school";
    episode.risk = workflow::risk_level::medium;
    episode.police_reference = "WY-" + random_hex(8);
    return episode;
}

std::string repository_test::insert_episode(const std::string& child_id,
                                            const services::actor& police,
                                            const test_org& responsible,
                                            const std::optional<test_org>& host) {
    auto episode = new_episode(child_id);
    episode.police_force_id = police.organisation_id;
    episode.reported_by = police.user_id;
    episode.responsible_authority_id = responsible.id;
    episode.host_authority_id = host ? std::optional{host->id} : std::nullopt;
    return committed([&](db::unit_of_work& uow) { return db::episodes::insert(uow, episode); });
}

std::string repository_test::insert_episode(const std::string& child_id) {
    return insert_episode(child_id, w_.police, w_.authority, w_.host);
}

db::episodes::move repository_test::move(const std::string& episode_id, int version,
                                         workflow::episode_state from, workflow::episode_state to,
                                         const services::actor& who,
                                         workflow::episode_event event) const {
    return {episode_id, version, from, to, clock_.now(), who.user_id, who.role, event, "{}"};
}

} // namespace homeward::testing
