// The stored and transmitted text of every enumeration is stable and round-trips.

#include "homeward/workflow/events.hpp"
#include "homeward/workflow/types.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace homeward::workflow {
namespace {

TEST(workflow_types, every_state_round_trips_through_its_stored_text) {
    std::set<std::string> seen;
    for (const auto state : all_states()) {
        const auto text = to_string(state);
        EXPECT_EQ(parse_episode_state(text), state) << text;
        EXPECT_TRUE(seen.insert(std::string{text}).second) << "duplicate text " << text;
    }
    EXPECT_EQ(seen.size(), 7U);
}

TEST(workflow_types, stored_state_texts_are_the_names_of_domain_md) {
    EXPECT_EQ(to_string(episode_state::missing), "missing");
    EXPECT_EQ(to_string(episode_state::returned), "returned");
    EXPECT_EQ(to_string(episode_state::interview_offered), "interview_offered");
    EXPECT_EQ(to_string(episode_state::interviewed), "interviewed");
    EXPECT_EQ(to_string(episode_state::follow_up), "follow_up");
    EXPECT_EQ(to_string(episode_state::closed), "closed");
    EXPECT_EQ(to_string(episode_state::cancelled), "cancelled");
}

TEST(workflow_types, every_event_round_trips_through_its_api_name) {
    std::set<std::string> seen;
    for (const auto event : all_events()) {
        const auto text = to_string(event);
        EXPECT_EQ(parse_episode_event(text), event) << text;
        EXPECT_TRUE(seen.insert(std::string{text}).second) << "duplicate text " << text;
    }
    EXPECT_EQ(seen.size(), 16U);
}

TEST(workflow_types, every_role_round_trips) {
    for (const auto r : all_roles()) {
        EXPECT_EQ(parse_role(to_string(r)), r);
    }
    EXPECT_EQ(all_roles().size(), 6U);
}

TEST(workflow_types, parsers_reject_numbers_case_changes_and_unknown_words) {
    EXPECT_FALSE(parse_episode_state("0"));
    EXPECT_FALSE(parse_episode_state("Missing"));
    EXPECT_FALSE(parse_episode_state(""));
    EXPECT_FALSE(parse_role("superuser"));
    EXPECT_FALSE(parse_risk_level("severe"));
    EXPECT_FALSE(parse_cse_risk("unknown"));
    EXPECT_FALSE(parse_absence_kind("absent"));
}

TEST(workflow_types, graded_levels_round_trip) {
    for (const auto level : {risk_level::low, risk_level::medium, risk_level::high}) {
        EXPECT_EQ(parse_risk_level(to_string(level)), level);
    }
    for (const auto level : {cse_risk::none, cse_risk::low, cse_risk::medium, cse_risk::high}) {
        EXPECT_EQ(parse_cse_risk(to_string(level)), level);
    }
    EXPECT_EQ(parse_absence_kind("away"), absence_kind::away);
    EXPECT_EQ(parse_absence_kind("missing"), absence_kind::missing);
}

} // namespace
} // namespace homeward::workflow
