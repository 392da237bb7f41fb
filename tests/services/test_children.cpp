// Children: created with every field checked at once, read only within scope, counted for
// repeat missing by the injected clock, found by the start of their names.

#include "fixture.hpp"

#include "homeward/services/children.hpp"
#include "homeward/services/episodes.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <cctype>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::IsSupersetOf;
using workflow::episode_event;
namespace json = boost::json;

class child_records : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
    }

    // A report of the child, returned an hour later, then a day passes.
    void missing_and_back(const std::string& child_id) {
        const auto id = report(child_id);
        advance(1h);
        send(w_.police, episode_event::record_return, id, bodies_.record_return());
        advance(24h);
    }

    std::vector<std::string> found(const services::actor& who, std::string_view query,
                                   const std::optional<std::string>& born = std::nullopt) {
        std::vector<std::string> ids;
        for (const auto& child : services::search_children(env_, who, query, 50, born).items) {
            ids.push_back(child.id);
        }
        return ids;
    }
};

TEST_F(child_records, a_child_is_created_with_an_id_and_every_field_given) {
    const auto children = count("children");
    const auto child =
        services::create_child(env_, w_.social_worker, event_bodies::child(w_, "Okafor"));
    const std::string id = child.id;
    EXPECT_EQ(id.size(), 36U);
    EXPECT_EQ(child.given_name, "Alex");
    EXPECT_EQ(child.family_name, "Okafor");
    EXPECT_EQ(child.date_of_birth, std::chrono::sys_days{std::chrono::year{2011} / 5 / 17});
    EXPECT_EQ(child.child_sex, workflow::sex::female);
    EXPECT_TRUE(child.looked_after);
    EXPECT_EQ(child.responsible_authority_id, w_.authority.id);
    EXPECT_EQ(child.responsible_authority, w_.authority.code);
    EXPECT_EQ(child.host_authority_id, w_.host.id);
    EXPECT_EQ(child.host_authority, w_.host.code);
    EXPECT_EQ(child.placement_type, "residential");
    EXPECT_EQ(child.version, 1);
    EXPECT_EQ(count("children"), children + 1);
    EXPECT_EQ(count_where("children", "id::text = " + literal(id) + " and created_by::text = " +
                                          literal(w_.social_worker.user_id)),
              1);
}

TEST_F(child_records, police_may_add_a_child_of_any_authority) {
    const auto child = services::create_child(env_, w_.police, event_bodies::child(w_));
    EXPECT_EQ(child.responsible_authority, w_.authority.code);
}

TEST_F(child_records, every_missing_or_invalid_field_is_named_in_one_failure) {
    const auto children = count("children");
    const auto refused = failure_of([&] {
        services::create_child(
            env_, w_.social_worker,
            json::parse(R"({"date_of_birth": "2011-13-40", "sex": "robot", "looked_after": "yes"})")
                .as_object());
    });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input") << refused.detail();
    EXPECT_THAT(fields_of(refused), IsSupersetOf({"given_name", "family_name", "date_of_birth",
                                                  "sex", "looked_after", "responsible_authority"}));
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, a_date_of_birth_in_the_future_is_refused) {
    auto unborn = event_bodies::child(w_);
    unborn["date_of_birth"] = at(48h).substr(0, 10);
    const auto children = count("children");
    const auto refused =
        failure_of([&] { services::create_child(env_, w_.social_worker, unborn); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input") << refused.detail();
    EXPECT_THAT(fields_of(refused), Contains("date_of_birth"));
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, a_field_the_request_does_not_have_is_refused_by_name) {
    auto typo = event_bodies::child(w_);
    typo["familyname"] = "Okafor";
    const auto refused = failure_of([&] { services::create_child(env_, w_.social_worker, typo); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input");
    EXPECT_THAT(fields_of(refused), Contains("familyname"));
}

TEST_F(child_records, an_authority_must_be_the_code_of_a_local_authority) {
    auto policed = event_bodies::child(w_);
    policed["responsible_authority"] = w_.force.code;
    policed["host_authority"] = "NO-SUCH-CODE";
    const auto refused =
        failure_of([&] { services::create_child(env_, w_.social_worker, policed); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input");
    EXPECT_THAT(fields_of(refused), IsSupersetOf({"responsible_authority", "host_authority"}));
}

TEST_F(child_records, a_social_worker_may_not_add_a_child_of_an_authority_not_their_own) {
    const auto children = count("children");
    const auto refused = failure_of(
        [&] { services::create_child(env_, w_.other_social_worker, event_bodies::child(w_)); });
    EXPECT_THAT(to_string(refused.kind()), AnyOf("invalid_input", "forbidden"));
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, champions_and_admins_may_not_add_a_child) {
    const auto children = count("children");
    for (const auto& who : {w_.cse_champion, w_.admin}) {
        const auto refused =
            failure_of([&] { services::create_child(env_, who, event_bodies::child(w_)); });
        EXPECT_EQ(to_string(refused.kind()), "forbidden") << who.username;
    }
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, the_responsible_authority_reads_the_child_with_its_episodes) {
    const auto child = make_child();
    const auto episode = report(child);
    const auto read = services::get_child(env_, w_.manager, child);
    EXPECT_EQ(read.child.id, child);
    const auto& episodes = read.episodes;
    ASSERT_EQ(episodes.size(), 1U);
    EXPECT_EQ(episodes[0].id, episode);
    EXPECT_EQ(episodes[0].state, workflow::episode_state::missing);
}

TEST_F(child_records, the_host_authority_reads_the_child_placed_with_it) {
    const auto child = make_child();
    report(child);
    const auto read = services::get_child(env_, w_.host_social_worker, child);
    EXPECT_EQ(read.child.id, child);
    EXPECT_EQ(read.episodes.size(), 1U);
}

// Police read the children their force has reported (they report a child they have not by its
// id, found by exact name and date of birth); another force is told the child does not exist.
TEST_F(child_records, police_read_a_child_their_force_has_reported) {
    const auto child = make_child();
    EXPECT_EQ(failure_of([&] { services::get_child(env_, w_.police, child); }).kind(),
              services::failure_kind::not_found);
    report(child);
    const auto read = services::get_child(env_, w_.police, child);
    EXPECT_EQ(read.child.id, child);
    EXPECT_EQ(read.episodes.size(), 1U);
    EXPECT_EQ(failure_of([&] { services::get_child(env_, w_.other_police, child); }).kind(),
              services::failure_kind::not_found);
}

// Issue 12, finding 2: the child's own clocks and reviews are social work's (a CSE reassessment
// clock tells that an authority graded CSE risk): the child's view for police has neither, while
// the authority's has both.
TEST_F(child_records, police_read_a_child_without_its_own_clocks_or_reviews) {
    const auto child = make_child();
    for (int i = 0; i < 3; ++i) {
        missing_and_back(child);
    }
    const auto authority = services::get_child(env_, w_.manager, child);
    ASSERT_TRUE(authority.repeat_missing);
    ASSERT_FALSE(authority.clocks.empty()) << "the repeat-missing review is due";
    services::record_repeat_review(env_, w_.manager, child,
                                   {{"held_at", at(-1h)}, {"notes", "Reviewed with the school"}});
    const auto reviewed = services::get_child(env_, w_.manager, child);
    ASSERT_FALSE(reviewed.reviews.empty());

    const auto police = services::get_child(env_, w_.police, child);
    EXPECT_EQ(police.child.id, child);
    EXPECT_EQ(police.episodes.size(), 3U);
    EXPECT_TRUE(police.clocks.empty());
    EXPECT_TRUE(police.reviews.empty());
}

// Police report a child they have not reported before by finding it by its exact name (the family
// name, or given and family name) and date of birth: never by a part of the name, never by the
// name alone, and never a child born on another day.
TEST_F(child_records, police_look_a_child_up_only_by_exact_name_and_date_of_birth) {
    const std::string family = "Zq" + unique_code().substr(1);
    const auto child = make_child(family);
    EXPECT_THAT(found(w_.police, family, "2011-05-17"), ::testing::ElementsAre(child));
    EXPECT_THAT(found(w_.police, "alex " + family, "2011-05-17"), ::testing::ElementsAre(child));
    EXPECT_THAT(found(w_.police, "  Alex " + family + " ", "2011-05-17"),
                ::testing::ElementsAre(child));
    EXPECT_TRUE(found(w_.police, family.substr(0, family.size() - 1), "2011-05-17").empty());
    EXPECT_TRUE(found(w_.police, "Alex", "2011-05-17").empty());
    EXPECT_TRUE(found(w_.police, family, "2011-05-18").empty());
    const auto without_birthday = failure_of([&] { found(w_.police, family); });
    EXPECT_EQ(without_birthday.kind(), services::failure_kind::invalid_query);
    EXPECT_THAT(fields_of(without_birthday), Contains("date_of_birth"));
    // Found, but not readable: police read only children their force has reported.
    EXPECT_EQ(failure_of([&] { services::get_child(env_, w_.police, child); }).kind(),
              services::failure_kind::not_found);
}

// Names are not all ASCII: an officer typing the name in another letter case still finds the
// child, as the social workers' search does.
TEST_F(child_records, police_look_up_finds_a_name_in_any_letter_case_beyond_ascii) {
    const std::string family = "Émilie-Zq" + unique_code().substr(1);
    const auto child = make_child(family);
    std::string upper = "ÉMILIE-ZQ" + family.substr(std::string{"Émilie-Zq"}.size());
    EXPECT_THAT(found(w_.police, upper, "2011-05-17"), ::testing::ElementsAre(child));
    EXPECT_THAT(found(w_.police, "ALEX " + upper, "2011-05-17"), ::testing::ElementsAre(child));
}

TEST_F(child_records, another_authority_is_told_the_child_does_not_exist) {
    const auto child = make_child();
    for (const auto& who : {w_.other_social_worker, w_.other_manager}) {
        const auto refused = failure_of([&] { services::get_child(env_, who, child); });
        EXPECT_EQ(to_string(refused.kind()), "not_found") << who.username;
    }
    const auto elsewhere = failure_of(
        [&] { services::get_child(env_, w_.other_social_worker, "00000000-0000-0000-0000-0000"); });
    EXPECT_EQ(to_string(elsewhere.kind()), "not_found");
}

TEST_F(child_records, an_admin_may_not_read_a_childs_record) {
    const auto child = make_child();
    const auto refused = failure_of([&] { services::get_child(env_, w_.admin, child); });
    EXPECT_THAT(to_string(refused.kind()), AnyOf("forbidden", "not_found"));
}

TEST_F(child_records, an_id_that_names_no_child_is_not_found) {
    for (const std::string bad : {"not-a-child", "", "00000000-0000-0000-0000-000000000000",
                                  "'; drop table children; --"}) {
        const auto refused = failure_of([&] { services::get_child(env_, w_.manager, bad); });
        EXPECT_EQ(to_string(refused.kind()), "not_found") << bad;
    }
}

TEST_F(child_records, reading_a_child_is_audited_with_the_reader) {
    const auto child = make_child();
    const auto audited = count_where("audit_log", "entity_id = " + literal(child));
    services::get_child(env_, w_.host_social_worker, child);
    EXPECT_EQ(count_where("audit_log", "entity_id = " + literal(child) + " and actor_id::text = " +
                                           literal(w_.host_social_worker.user_id)),
              1);
    EXPECT_EQ(count_where("audit_log", "entity_id = " + literal(child)), audited + 1);
}

TEST_F(child_records, three_reports_within_thirty_days_make_the_child_repeat_missing) {
    const auto child = make_child();
    missing_and_back(child);
    advance(10 * 24h);
    missing_and_back(child);
    auto read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.recent_episodes, 2);
    EXPECT_FALSE(read.repeat_missing);
    advance(10 * 24h);
    missing_and_back(child);
    read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.recent_episodes, 3);
    EXPECT_TRUE(read.repeat_missing);
    EXPECT_EQ(read.episodes.size(), 3U);
}

TEST_F(child_records, reports_older_than_the_window_no_longer_count) {
    const auto child = make_child();
    for (int i = 0; i < 3; ++i) {
        missing_and_back(child);
    }
    EXPECT_TRUE(services::get_child(env_, w_.social_worker, child).repeat_missing);
    advance(31 * 24h);
    const auto read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.recent_episodes, 0);
    EXPECT_FALSE(read.repeat_missing);
}

TEST_F(child_records, a_report_cancelled_as_made_in_error_does_not_count_as_going_missing) {
    const auto child = make_child();
    missing_and_back(child);
    missing_and_back(child);
    const auto mistaken = report(child);
    send(w_.police, episode_event::cancel, mistaken, event_bodies::cancel());
    const auto read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.recent_episodes, 2);
    EXPECT_FALSE(read.repeat_missing);
}

TEST_F(child_records, a_search_finds_children_by_the_start_of_their_name_within_scope) {
    const std::string family = "Zq" + unique_code().substr(1);
    const auto child = make_child(family);
    std::string lower_prefix = family.substr(0, 8);
    for (auto& c : lower_prefix) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_THAT(found(w_.social_worker, family.substr(0, 8)), ::testing::ElementsAre(child));
    EXPECT_THAT(found(w_.host_social_worker, lower_prefix), ::testing::ElementsAre(child));
    EXPECT_THAT(found(w_.police, family, "2011-05-17"), ::testing::ElementsAre(child))
        << "police: by the exact name and date of birth";
    EXPECT_TRUE(found(w_.police, family.substr(0, 8), "2011-05-17").empty()) << "not a prefix";
    const auto without_birthday = failure_of([&] { found(w_.police, family); });
    EXPECT_EQ(without_birthday.kind(), services::failure_kind::invalid_query);
    EXPECT_THAT(fields_of(without_birthday), Contains("date_of_birth"));
    EXPECT_TRUE(found(w_.other_social_worker, family).empty());
    EXPECT_TRUE(found(w_.social_worker, family.substr(2, 8)).empty()); // not a prefix
}

TEST_F(child_records, a_search_treats_wildcards_as_plain_characters) {
    make_child("Zq" + unique_code().substr(1));
    EXPECT_TRUE(found(w_.social_worker, "Zq%").empty());
    EXPECT_TRUE(found(w_.social_worker, "Z_").empty());
}

} // namespace
} // namespace homeward::testing
