#include "fixture.hpp"

#include "homeward/services/children.hpp"

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using workflow::episode_event;
using workflow::episode_state;

} // namespace

services_test::services_test() : env_{make_environment(clock_)} {}

void services_test::SetUp() {
    database_test::SetUp();
    if (HasFatalFailure()) {
        return;
    }
    w_ = make_world();
}

std::string services_test::make_child(std::string_view family_name) {
    return services::create_child(env_, w_.social_worker, event_bodies::child(w_, family_name)).id;
}

std::string services_test::report(const std::string& child_id) {
    return services::report_episode(env_, w_.police, bodies_.report(child_id), std::nullopt)
        .episode.id;
}

std::string services_test::episode_in(episode_state state, std::string_view cse_risk) {
    const std::string id = report(make_child());
    if (state == episode_state::missing) {
        return id;
    }
    if (state == episode_state::cancelled) {
        send(w_.police, episode_event::cancel, id, event_bodies::cancel());
        return id;
    }
    advance(1h);
    send(w_.police, episode_event::record_return, id, bodies_.record_return());
    if (state == episode_state::returned) {
        return id;
    }
    if (state == episode_state::interview_offered) {
        send(w_.social_worker, episode_event::offer_interview, id, bodies_.offer());
        return id;
    }
    advance(1h);
    send(w_.social_worker, episode_event::record_interview, id, bodies_.interview(cse_risk));
    if (state == episode_state::interviewed) {
        return id;
    }
    if (state == episode_state::follow_up) {
        send(w_.social_worker, episode_event::raise_action, id,
             bodies_.action(w_.social_worker.user_id));
        return id;
    }
    if (cse_risk == "medium" || cse_risk == "high") {
        send(w_.cse_champion, episode_event::sign_off, id, event_bodies::sign_off());
    }
    send(w_.social_worker, episode_event::close, id, event_bodies::close());
    return id;
}

services::event_call services_test::call(episode_event event, const std::string& episode_id,
                                         boost::json::object body,
                                         std::optional<int> expected_version) {
    services::event_call made;
    made.event = event;
    made.episode_id = episode_id;
    made.expected_version = expected_version;
    made.body = std::move(body);
    return made;
}

services::event_call services_test::completion(const std::string& episode_id,
                                               const std::string& action_id,
                                               boost::json::object body) {
    auto made = call(episode_event::complete_action, episode_id, std::move(body));
    made.action_id = action_id;
    return made;
}

services::event_result services_test::send(const services::actor& who, episode_event event,
                                           const std::string& episode_id, boost::json::object body,
                                           std::optional<int> expected_version) {
    return services::send_event(env_, who,
                                call(event, episode_id, std::move(body), expected_version));
}

std::string services_test::action_of(const std::string& episode_id) {
    return text("select id::text from actions where episode_id::text = " + literal(episode_id) +
                " order by raised_at, id limit 1");
}

std::vector<std::string> names_of(const std::vector<workflow::episode_event>& events) {
    std::vector<std::string> names;
    for (const auto event : events) {
        names.emplace_back(workflow::to_string(event));
    }
    return names;
}

std::optional<services::clock_view> deadline_of(const services::episode_view& view,
                                                std::string_view kind) {
    for (const auto& clock : view.deadlines) {
        if (clock.kind == kind) {
            return clock;
        }
    }
    return std::nullopt;
}

} // namespace homeward::testing
