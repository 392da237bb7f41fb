// Each event as declared once in events.hpp: its names and paths, and its reader: what a body
// must hold, every field at fault named at once, and text that may not reach the database.

#include "homeward/workflow/events.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace homeward::workflow {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr time_point now{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1} + 8h};

const indicator_catalogue& catalogue() {
    static const indicator_catalogue loaded = [] {
        std::ifstream file{HOMEWARD_SOURCE_DATA_DIR "/cse_indicators.json"};
        std::stringstream text;
        text << file.rdbuf();
        return indicator_catalogue::parse(text.str());
    }();
    return loaded;
}

struct read_result {
    event_body body;
    std::vector<field_error> errors;
    std::vector<std::string> fields() const {
        std::vector<std::string> names;
        for (const auto& error : errors) {
            names.push_back(error.field);
        }
        return names;
    }
};

template <typename Event>
read_result read(std::string_view json) {
    const auto value = boost::json::parse(json);
    input_reader input{value.as_object(), Event::fields};
    auto event = Event::read(input, {now, &catalogue()});
    return {std::move(event), input.errors()};
}

// ---- names and paths ----------------------------------------------------------------------

TEST(event_declarations, every_event_has_a_distinct_stored_name_that_round_trips) {
    std::set<std::string_view> names;
    for (const auto event : all_events()) {
        EXPECT_EQ(parse_episode_event(to_string(event)), event);
        EXPECT_TRUE(names.insert(to_string(event)).second) << to_string(event);
    }
    EXPECT_EQ(names.size(), 16U);
}

TEST(event_declarations, stored_names_are_the_ones_history_rows_already_hold) {
    EXPECT_EQ(to_string(episode_event::regrade_risk), "risk");
    EXPECT_EQ(to_string(episode_event::record_return), "return");
    EXPECT_EQ(to_string(episode_event::offer_interview), "interview-offer");
    EXPECT_EQ(to_string(episode_event::record_decline), "interview-declined");
    EXPECT_EQ(to_string(episode_event::raise_action), "actions");
    EXPECT_EQ(to_string(episode_event::complete_action), "action-complete");
    EXPECT_EQ(to_string(episode_event::cancel_action), "action-cancel");
    EXPECT_EQ(to_string(episode_event::reassign_action), "action-reassign");
}

TEST(event_declarations, an_event_is_found_by_its_path_only_on_its_own_target) {
    EXPECT_EQ(event_for_path(event_target::episode, "return"), episode_event::record_return);
    EXPECT_EQ(event_for_path(event_target::action, "complete"), episode_event::complete_action);
    EXPECT_FALSE(event_for_path(event_target::episode, "complete"));
    EXPECT_FALSE(event_for_path(event_target::episode, "action-complete"));
    EXPECT_FALSE(event_for_path(event_target::action, "return"));
    EXPECT_FALSE(event_for_path(event_target::episode, "report"))
        << "a report makes an episode: it is not sent to one";
    EXPECT_FALSE(event_for_path(event_target::episode, ""));
    EXPECT_FALSE(event_for_path(event_target::episode, "Return"));
}

TEST(event_declarations, every_episode_event_lists_its_fields_without_repeats) {
    for (const auto event : all_events()) {
        const auto& traits = traits_of(event);
        std::set<std::string_view> fields(traits.fields.begin(), traits.fields.end());
        EXPECT_EQ(fields.size(), traits.fields.size()) << traits.name;
        EXPECT_FALSE(traits.roles.empty()) << traits.name;
    }
}

// ---- readers ------------------------------------------------------------------------------

TEST(event_readers, a_report_names_every_missing_field_at_once) {
    const auto result = read<events::report>("{}");
    EXPECT_THAT(result.fields(),
                UnorderedElementsAre("child_id", "last_seen_at", "last_seen_location",
                                     "circumstances", "risk_level", "police_reference",
                                     "missing_or_away"));
    for (const auto& error : result.errors) {
        EXPECT_EQ(error.message, "is required") << error.field;
    }
}

TEST(event_readers, a_field_the_event_does_not_have_is_refused_by_name) {
    const auto result = read<events::cancel>(R"({"reason":"duplicate","reasn":"typo"})");
    ASSERT_EQ(result.errors.size(), 1U);
    EXPECT_EQ(result.errors[0].field, "reasn");
    EXPECT_EQ(result.errors[0].message, "is not a field of this request");
}

TEST(event_readers, a_key_holding_nul_or_control_characters_is_named_without_them) {
    const auto result = read<events::cancel>("{\"reason\":\"x\",\"a\\u0000b\\u0007\":1}");
    ASSERT_EQ(result.errors.size(), 1U);
    EXPECT_EQ(result.errors[0].field, "a\\x00b\\x07");
}

TEST(event_readers, text_with_a_nul_is_refused_and_never_read) {
    const auto result = read<events::cancel>(R"({"reason":"dup\u0000licate"})");
    EXPECT_THAT(result.fields(), ElementsAre("reason"));
    EXPECT_THAT(result.errors[0].message, HasSubstr("control characters"));
}

TEST(event_readers, text_is_trimmed_and_blank_text_is_refused) {
    const auto trimmed = read<events::cancel>(R"({"reason":"  duplicate \n"})");
    EXPECT_TRUE(trimmed.errors.empty());
    EXPECT_EQ(std::get<events::cancel>(trimmed.body).reason, "duplicate");
    const auto blank = read<events::cancel>(R"({"reason":"   "})");
    EXPECT_THAT(blank.fields(), ElementsAre("reason"));
    EXPECT_EQ(blank.errors[0].message, "must not be empty");
}

TEST(event_readers, an_id_that_is_not_a_uuid_is_refused_before_any_lookup) {
    const auto result =
        read<events::assign>(R"({"worker_id":"------------------------------------"})");
    EXPECT_THAT(result.fields(), ElementsAre("worker_id"));
    const auto upper =
        read<events::assign>(R"({"worker_id":"0A1B2C3D-0000-4000-8000-00000000000F"})");
    EXPECT_TRUE(upper.errors.empty());
    EXPECT_EQ(std::get<events::assign>(upper.body).worker_id,
              "0a1b2c3d-0000-4000-8000-00000000000f");
}

TEST(event_readers, an_enumerated_value_outside_its_choices_names_them) {
    const auto result = read<events::regrade_risk>(R"({"risk_level":"severe","reason":"x"})");
    ASSERT_THAT(result.fields(), ElementsAre("risk_level"));
    EXPECT_EQ(result.errors[0].message, "must be one of low, medium, high");
}

TEST(event_readers, a_time_without_an_offset_is_refused) {
    const auto result = read<events::record_return>(
        R"({"returned_at":"2026-11-01T08:00:00","found_location":"Park","returned_to":"Home"})");
    EXPECT_THAT(result.fields(), ElementsAre("returned_at"));
    EXPECT_THAT(result.errors[0].message, HasSubstr("RFC 3339"));
}

TEST(event_readers, an_interview_scheduled_before_its_offer_is_refused) {
    const auto result = read<events::offer_interview>(
        R"({"offered_at":"2026-11-01T08:00:00Z","scheduled_for":"2026-11-01T07:59:59Z","independent":true})");
    EXPECT_THAT(result.fields(), ElementsAre("scheduled_for"));
}

TEST(event_readers, an_action_due_now_or_earlier_is_refused) {
    const auto result = read<events::raise_action>(
        R"({"type":"health","description":"GP","owner_id":"0a1b2c3d-0000-4000-8000-00000000000f","due_at":"2026-11-01T08:00:00Z"})");
    EXPECT_THAT(result.fields(), ElementsAre("due_at"));
    EXPECT_EQ(result.errors[0].message, "must be in the future");
}

std::string interview(std::string_view indicators, std::string_view risk,
                      std::string_view extra = "", bool harm = false) {
    return std::string{R"({"conducted_at":"2026-11-01T07:00:00Z","location":"School",)"} +
           R"("where_stayed":"A flat","with_whom":"An older man","harm_disclosed":)" +
           (harm ? "true," : "false,") + R"("indicators":)" + std::string{indicators} +
           R"(,"cse_risk":")" + std::string{risk} + R"(","child_views":"Wants to see friends")" +
           std::string{extra} + "}";
}

TEST(event_readers, the_interview_scores_its_indicators_by_the_catalogue) {
    const auto& first = catalogue().indicators().at(0);
    const auto result =
        read<events::record_interview>(interview("[\"" + first.code + "\"]", "high"));
    ASSERT_TRUE(result.errors.empty()) << result.errors[0].field;
    const auto& event = std::get<events::record_interview>(result.body);
    EXPECT_EQ(event.indicator_score, first.weight);
    EXPECT_EQ(event.suggested, catalogue().level_for(first.weight));
    EXPECT_EQ(event.risk, cse_risk::high);
}

TEST(event_readers, a_judgement_below_the_suggested_risk_needs_a_rationale) {
    std::string every;
    for (const auto& item : catalogue().indicators()) {
        every += (every.empty() ? "\"" : ",\"") + item.code + "\"";
    }
    const auto refused = read<events::record_interview>(interview("[" + every + "]", "none"));
    EXPECT_THAT(refused.fields(), ElementsAre("risk_rationale"));
    EXPECT_THAT(refused.errors[0].message, HasSubstr("(high)"));
    const auto given = read<events::record_interview>(
        interview("[" + every + "]", "none", R"(,"risk_rationale":"Known to be safe")"));
    EXPECT_TRUE(given.errors.empty());
}

TEST(event_readers, unknown_or_repeated_indicator_codes_are_named) {
    const auto& first = catalogue().indicators().at(0).code;
    const auto result = read<events::record_interview>(
        interview("[\"" + first + "\",\"" + first + "\",\"no_such_code\"]", "low"));
    ASSERT_THAT(result.fields(), ElementsAre("indicators"));
    EXPECT_THAT(result.errors[0].message, HasSubstr("no_such_code"));
}

TEST(event_readers, harm_disclosed_needs_its_details) {
    const auto result = read<events::record_interview>(interview("[]", "none", "", true));
    EXPECT_THAT(result.fields(), ElementsAre("harm_details"));
    EXPECT_TRUE(read<events::record_interview>(
                    interview("[]", "none", R"(,"harm_details":"Given alcohol")", true))
                    .errors.empty());
}

// ---- clean text -----------------------------------------------------------------------------

TEST(clean_text, utf8_is_accepted_and_broken_or_overlong_sequences_and_nul_are_not) {
    EXPECT_TRUE(is_clean_text("Zoë at the café, 東京"));
    EXPECT_TRUE(is_clean_text(""));
    EXPECT_FALSE(is_clean_text(std::string_view{"a\0b", 3}));
    EXPECT_FALSE(is_clean_text("\xff\xfe"));
    EXPECT_FALSE(is_clean_text("\xed\xa0\x80")); // a UTF-16 surrogate
    EXPECT_FALSE(is_clean_text("\xc0\xaf"));     // an overlong '/'
    EXPECT_FALSE(is_clean_text("\xe2\x82"));     // cut short
}

TEST(clean_text, uuids_are_8_4_4_4_12_hexadecimal_digits) {
    EXPECT_TRUE(is_uuid("0a1b2c3d-0000-4000-8000-00000000000f"));
    EXPECT_FALSE(is_uuid("------------------------------------"));
    EXPECT_FALSE(is_uuid("0a1b2c3d00000-4000-8000-00000000000f"));
    EXPECT_FALSE(is_uuid("0a1b2c3d-0000-4000-8000-00000000000"));
    EXPECT_FALSE(is_uuid("0a1b2c3d-0000-4000-8000-00000000000g"));
}

} // namespace
} // namespace homeward::workflow
