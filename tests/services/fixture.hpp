#pragma once
// Integration tests of the use cases against the real PostgreSQL that ops/test starts, on the one
// test world (tests/support), with an injected clock that tests move instead of sleeping.

#include "bodies.hpp"
#include "world.hpp"

#include "homeward/services/environment.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/views.hpp"
#include "homeward/workflow/events.hpp"
#include "homeward/workflow/types.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::testing {

class services_test : public database_test {
protected:
    services_test();
    // Fails when there is no database; otherwise makes the world.
    void SetUp() override;

    // ---- the injected clock
    void advance(std::chrono::seconds by) { clock_.advance(by); }
    workflow::time_point now() const { return clock_.now(); }
    // RFC 3339 of the injected clock plus an offset.
    std::string at(std::chrono::seconds offset = std::chrono::seconds{0}) const {
        return clock_.at(offset);
    }

    // ---- children and episodes, through the use cases
    // A child of the world's responsible authority, hosted by its host authority.
    std::string make_child(std::string_view family_name = "Testchild");
    // The child reported missing by the world's police officer; the episode's id.
    std::string report(const std::string& child_id);
    // A new child of the world reported missing, then moved to the state by its usual events
    // (interviewed: an interview with CSE risk `cse_risk`; follow_up: one action owned by the
    // social worker; closed: interviewed and closed). Moves the clock forward as it goes.
    std::string episode_in(workflow::episode_state state, std::string_view cse_risk = "none");

    // ---- events
    static services::event_call call(workflow::episode_event event, const std::string& episode_id,
                                     boost::json::object body,
                                     std::optional<int> expected_version = std::nullopt);
    // Completing an action of an episode.
    static services::event_call completion(const std::string& episode_id,
                                           const std::string& action_id,
                                           boost::json::object body = event_bodies::complete());
    services::event_result send(const services::actor& who, workflow::episode_event event,
                                const std::string& episode_id, boost::json::object body,
                                std::optional<int> expected_version = std::nullopt);
    // The id of the episode's only (or first) action.
    static std::string action_of(const std::string& episode_id);

    test_clock clock_;
    services::environment env_;
    event_bodies bodies_{clock_};
    world w_;
};

// The events as the API names them ("risk", "return", ...), for comparing with failure texts.
std::vector<std::string> names_of(const std::vector<workflow::episode_event>& events);
// A clock of the view's deadlines by kind; nullopt when there is none.
std::optional<services::clock_view> deadline_of(const services::episode_view& view,
                                                std::string_view kind);

} // namespace homeward::testing
