// Children: created with every field checked at once, read only within scope, counted for
// repeat missing by the injected clock, found by the start of their names.

#include "fixture.hpp"

#include "homeward/services/children.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <cctype>

namespace homeward::services_testing {
namespace {

using namespace std::chrono_literals;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::IsSupersetOf;
namespace json = boost::json;

class child_records : public services_test {
protected:
    void SetUp() override {
        services_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        w_ = make_world();
    }

    // A report of the child, returned an hour later, then a day passes.
    void missing_and_back(const std::string& child_id) {
        const auto id = report(w_, child_id);
        advance(1h);
        services::record_return(env_, w_.police, call(id, return_body()));
        advance(24h);
    }

    std::vector<std::string> found(const services::actor& who, std::string_view query) {
        std::vector<std::string> ids;
        const auto result = services::search_children(env_, who, query, 50);
        for (const auto& item : result.at("items").as_array()) {
            ids.emplace_back(item.as_object().at("id").as_string());
        }
        return ids;
    }

    world w_;
};

TEST_F(child_records, a_child_is_created_with_an_id_and_every_field_given) {
    const auto children = count("children");
    const auto child = services::create_child(env_, w_.social_worker, child_body(w_, "Okafor"));
    ASSERT_TRUE(child.contains("id"));
    const std::string id{child.at("id").as_string()};
    EXPECT_EQ(id.size(), 36U);
    EXPECT_EQ(child.at("given_name").as_string(), "Alex");
    EXPECT_EQ(child.at("family_name").as_string(), "Okafor");
    EXPECT_EQ(child.at("date_of_birth").as_string(), "2011-05-17");
    EXPECT_EQ(child.at("sex").as_string(), "female");
    EXPECT_TRUE(child.at("looked_after").as_bool());
    EXPECT_EQ(child.at("responsible_authority").as_string(), w_.authority.code);
    EXPECT_EQ(child.at("host_authority").as_string(), w_.host.code);
    EXPECT_EQ(child.at("placement_type").as_string(), "residential");
    EXPECT_EQ(count("children"), children + 1);
    EXPECT_EQ(count_where("children", "id::text = " + quoted(id) + " and created_by::text = " +
                                          quoted(w_.social_worker.user_id)),
              1);
}

TEST_F(child_records, police_may_add_a_child_of_any_authority) {
    const auto child = services::create_child(env_, w_.police, child_body(w_));
    EXPECT_EQ(child.at("responsible_authority").as_string(), w_.authority.code);
}

TEST_F(child_records, every_missing_or_invalid_field_is_named_in_one_failure) {
    const auto children = count("children");
    const auto refused = failure_of([&] {
        services::create_child(
            env_, w_.social_worker,
            body(R"({"date_of_birth": "2011-13-40", "sex": "robot", "looked_after": "yes"})"));
    });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input") << refused.detail();
    EXPECT_THAT(fields_of(refused), IsSupersetOf({"given_name", "family_name", "date_of_birth",
                                                  "sex", "looked_after", "responsible_authority"}));
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, a_date_of_birth_in_the_future_is_refused) {
    auto unborn = child_body(w_);
    unborn["date_of_birth"] = at(48h).substr(0, 10);
    const auto children = count("children");
    const auto refused =
        failure_of([&] { services::create_child(env_, w_.social_worker, unborn); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input") << refused.detail();
    EXPECT_THAT(fields_of(refused), Contains("date_of_birth"));
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, a_field_the_request_does_not_have_is_refused_by_name) {
    auto typo = child_body(w_);
    typo["familyname"] = "Okafor";
    const auto refused = failure_of([&] { services::create_child(env_, w_.social_worker, typo); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input");
    EXPECT_THAT(fields_of(refused), Contains("familyname"));
}

TEST_F(child_records, an_authority_must_be_the_code_of_a_local_authority) {
    auto policed = child_body(w_);
    policed["responsible_authority"] = w_.force.code;
    policed["host_authority"] = "NO-SUCH-CODE";
    const auto refused =
        failure_of([&] { services::create_child(env_, w_.social_worker, policed); });
    EXPECT_EQ(to_string(refused.kind()), "invalid_input");
    EXPECT_THAT(fields_of(refused), IsSupersetOf({"responsible_authority", "host_authority"}));
}

TEST_F(child_records, a_social_worker_may_not_add_a_child_of_an_authority_not_their_own) {
    const auto children = count("children");
    const auto refused =
        failure_of([&] { services::create_child(env_, w_.other_social_worker, child_body(w_)); });
    EXPECT_THAT(to_string(refused.kind()), AnyOf("invalid_input", "forbidden"));
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, champions_and_admins_may_not_add_a_child) {
    const auto children = count("children");
    for (const auto& who : {w_.cse_champion, w_.admin}) {
        const auto refused = failure_of([&] { services::create_child(env_, who, child_body(w_)); });
        EXPECT_EQ(to_string(refused.kind()), "forbidden") << who.username;
    }
    EXPECT_EQ(count("children"), children);
}

TEST_F(child_records, the_responsible_authority_reads_the_child_with_its_episodes) {
    const auto child = make_child(w_);
    const auto episode = report(w_, child);
    const auto read = services::get_child(env_, w_.manager, child);
    EXPECT_EQ(read.at("id").as_string(), child);
    const auto& episodes = read.at("episodes").as_array();
    ASSERT_EQ(episodes.size(), 1U);
    EXPECT_EQ(episodes[0].as_object().at("id").as_string(), episode);
    EXPECT_EQ(episodes[0].as_object().at("state").as_string(), "missing");
}

TEST_F(child_records, the_host_authority_reads_the_child_placed_with_it) {
    const auto child = make_child(w_);
    report(w_, child);
    const auto read = services::get_child(env_, w_.host_social_worker, child);
    EXPECT_EQ(read.at("id").as_string(), child);
    EXPECT_EQ(read.at("episodes").as_array().size(), 1U);
}

TEST_F(child_records, police_read_a_child_to_report_them) {
    const auto child = make_child(w_);
    const auto read = services::get_child(env_, w_.other_police, child);
    EXPECT_EQ(read.at("id").as_string(), child);
}

TEST_F(child_records, another_authority_is_told_the_child_does_not_exist) {
    const auto child = make_child(w_);
    for (const auto& who : {w_.other_social_worker, w_.other_manager}) {
        const auto refused = failure_of([&] { services::get_child(env_, who, child); });
        EXPECT_EQ(to_string(refused.kind()), "not_found") << who.username;
    }
    const auto elsewhere = failure_of(
        [&] { services::get_child(env_, w_.other_social_worker, "00000000-0000-0000-0000-0000"); });
    EXPECT_EQ(to_string(elsewhere.kind()), "not_found");
}

TEST_F(child_records, an_admin_may_not_read_a_childs_record) {
    const auto child = make_child(w_);
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
    const auto child = make_child(w_);
    const auto audited = count_where("audit_log", "entity_id = " + quoted(child));
    services::get_child(env_, w_.host_social_worker, child);
    EXPECT_EQ(count_where("audit_log", "entity_id = " + quoted(child) + " and actor_id::text = " +
                                           quoted(w_.host_social_worker.user_id)),
              1);
    EXPECT_EQ(count_where("audit_log", "entity_id = " + quoted(child)), audited + 1);
}

TEST_F(child_records, three_reports_within_thirty_days_make_the_child_repeat_missing) {
    const auto child = make_child(w_);
    missing_and_back(child);
    advance(10 * 24h);
    missing_and_back(child);
    auto read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.at("recent_episodes").as_int64(), 2);
    EXPECT_FALSE(read.at("repeat_missing").as_bool());
    advance(10 * 24h);
    missing_and_back(child);
    read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.at("recent_episodes").as_int64(), 3);
    EXPECT_TRUE(read.at("repeat_missing").as_bool());
    EXPECT_EQ(read.at("episodes").as_array().size(), 3U);
}

TEST_F(child_records, reports_older_than_the_window_no_longer_count) {
    const auto child = make_child(w_);
    for (int i = 0; i < 3; ++i) {
        missing_and_back(child);
    }
    EXPECT_TRUE(services::get_child(env_, w_.social_worker, child).at("repeat_missing").as_bool());
    advance(31 * 24h);
    const auto read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.at("recent_episodes").as_int64(), 0);
    EXPECT_FALSE(read.at("repeat_missing").as_bool());
}

TEST_F(child_records, a_report_cancelled_as_made_in_error_does_not_count_as_going_missing) {
    const auto child = make_child(w_);
    missing_and_back(child);
    missing_and_back(child);
    const auto mistaken = report(w_, child);
    services::cancel_episode(env_, w_.police, call(mistaken, cancel_body()));
    const auto read = services::get_child(env_, w_.social_worker, child);
    EXPECT_EQ(read.at("recent_episodes").as_int64(), 2);
    EXPECT_FALSE(read.at("repeat_missing").as_bool());
}

TEST_F(child_records, a_search_finds_children_by_the_start_of_their_name_within_scope) {
    const std::string family = "Zq" + unique_code().substr(1);
    const auto child = make_child(w_, family);
    std::string lower_prefix = family.substr(0, 8);
    for (auto& c : lower_prefix) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_THAT(found(w_.social_worker, family.substr(0, 8)), ::testing::ElementsAre(child));
    EXPECT_THAT(found(w_.host_social_worker, lower_prefix), ::testing::ElementsAre(child));
    EXPECT_THAT(found(w_.police, family), ::testing::ElementsAre(child));
    EXPECT_TRUE(found(w_.other_social_worker, family).empty());
    EXPECT_TRUE(found(w_.social_worker, family.substr(2, 8)).empty()); // not a prefix
}

TEST_F(child_records, a_search_treats_wildcards_as_plain_characters) {
    make_child(w_, "Zq" + unique_code().substr(1));
    EXPECT_TRUE(found(w_.police, "Zq%").empty());
    EXPECT_TRUE(found(w_.police, "Z_").empty());
}

} // namespace
} // namespace homeward::services_testing
