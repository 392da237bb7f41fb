// The children repository: who finds a child (police every child, to report one; an authority the
// children it is responsible for or hosts; admins none), the search by name (LIKE's wildcards in
// what was typed match only themselves), the repeat count's report times, and a stored value
// this version does not know.

#include "fixture.hpp"

#include "homeward/db/children.hpp"
#include "homeward/db/clocks.hpp"
#include "homeward/db/episodes.hpp"
#include "homeward/db/interviews.hpp"

#include <gmock/gmock.h>

#include <cctype>
#include <future>
#include <stdexcept>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using workflow::role;

class children_repository : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        // A family name no other test uses, so that searches see only this test's children.
        family_ = "Zq" + random_hex(8);
        child_ = insert_child(family_);
    }

    bool finds(const services::actor& who, const std::string& child_id) {
        db::unit_of_work uow{shared_pool()};
        return db::children::find(uow, child_id, scope_of(who)).has_value();
    }

    std::vector<std::string> search(const services::actor& who, std::string_view prefix) {
        db::unit_of_work uow{shared_pool()};
        std::vector<std::string> ids;
        for (const auto& child : db::children::search(uow, prefix, scope_of(who), 50)) {
            ids.push_back(child.id);
        }
        return ids;
    }

    std::string family_;
    std::string child_;
};

TEST_F(children_repository, a_child_is_read_back_with_every_field_and_the_authorities_codes) {
    db::unit_of_work uow{shared_pool()};
    const auto child = db::children::find(uow, child_, scope_of(w_.social_worker));
    ASSERT_TRUE(child.has_value());
    EXPECT_EQ(child->given_name, "Alex");
    EXPECT_EQ(child->family_name, family_);
    EXPECT_EQ(child->date_of_birth, std::chrono::sys_days{std::chrono::year{2011} / 5 / 17});
    EXPECT_EQ(child->child_sex, workflow::sex::female);
    EXPECT_TRUE(child->looked_after);
    EXPECT_EQ(child->responsible_authority_id, w_.authority.id);
    EXPECT_EQ(child->responsible_authority, w_.authority.code);
    EXPECT_EQ(child->host_authority_id, w_.host.id);
    EXPECT_EQ(child->host_authority, w_.host.code);
    EXPECT_EQ(child->version, 1);
}

TEST_F(children_repository, police_find_only_the_children_their_force_has_reported) {
    EXPECT_FALSE(finds(w_.police, child_)) << "not yet reported";
    insert_episode(child_);
    EXPECT_TRUE(finds(w_.police, child_));
    EXPECT_TRUE(finds(make_user(role::police, w_.force), child_)) << "a colleague";
    EXPECT_FALSE(finds(w_.other_police, child_)) << "another force";
    EXPECT_TRUE(search(w_.other_police, family_).empty());
}

// A child police have not reported is found only by the exact name and date of birth, whoever
// may see them otherwise; the name in any letter case, given and family name or family alone.
TEST_F(children_repository, police_look_a_child_up_by_exact_name_and_date_of_birth) {
    const auto born = std::chrono::sys_days{std::chrono::year{2011} / 5 / 17};
    const auto look_up = [&](std::string_view name, std::chrono::sys_days day) {
        db::unit_of_work uow{shared_pool()};
        std::vector<std::string> ids;
        for (const auto& child : db::children::lookup(uow, name, day, 50)) {
            ids.push_back(child.id);
        }
        return ids;
    };
    std::string shouted = family_;
    for (auto& c : shouted) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    EXPECT_THAT(look_up(family_, born), ElementsAre(child_));
    EXPECT_THAT(look_up(shouted, born), ElementsAre(child_));
    EXPECT_THAT(look_up("Alex " + family_, born), ElementsAre(child_));
    EXPECT_TRUE(look_up(family_.substr(0, 6), born).empty()) << "the whole name, not a prefix";
    EXPECT_TRUE(look_up(family_, born + std::chrono::days{1}).empty()) << "another birthday";
    const auto accented = insert_child("\u00d6" + family_); // Ö
    EXPECT_THAT(look_up("\u00d6" + shouted, born), ElementsAre(accented)) << "ÖZQ…";
}

TEST_F(children_repository, the_responsible_and_the_host_authoritys_roles_find_the_child) {
    for (const auto& who :
         {w_.social_worker, w_.manager, w_.cse_champion, w_.host_social_worker, w_.host_manager}) {
        EXPECT_TRUE(finds(who, child_)) << who.username;
    }
}

TEST_F(children_repository, another_authority_and_admins_do_not_find_the_child) {
    for (const auto& who : {w_.other_social_worker, w_.other_manager, w_.other_cse_champion,
                            w_.admin, make_user(role::admin, w_.force)}) {
        EXPECT_FALSE(finds(who, child_)) << who.username;
        EXPECT_TRUE(search(who, family_).empty()) << who.username;
    }
}

TEST_F(children_repository, an_id_that_is_not_a_childs_finds_nothing) {
    for (const std::string bad : {"", "not-a-child", "00000000-0000-0000-0000-000000000000",
                                  "'; drop table children; --"}) {
        EXPECT_FALSE(finds(w_.police, bad)) << bad;
    }
}

TEST_F(children_repository, a_search_finds_by_the_start_of_either_name_in_any_letter_case) {
    std::string lower = family_;
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_THAT(search(w_.social_worker, family_.substr(0, 6)), ElementsAre(child_));
    EXPECT_THAT(search(w_.host_social_worker, lower), ElementsAre(child_));
    EXPECT_THAT(search(w_.cse_champion, family_), ElementsAre(child_));
    EXPECT_TRUE(search(w_.social_worker, family_.substr(2)).empty()) << "not a prefix";
    const auto named = insert_child(family_ + "B");
    EXPECT_THAT(search(w_.manager, family_), ElementsAre(child_, named)) << "by family name";
}

TEST_F(children_repository, a_search_matches_percent_underscore_and_backslash_only_as_themselves) {
    const auto percent = insert_child(family_ + "%Y");
    const auto underscore = insert_child(family_ + "_Y");
    const auto backslash = insert_child(family_ + "\\Y");
    const auto plain = insert_child(family_ + "XY");
    EXPECT_THAT(search(w_.manager, family_ + "%"), ElementsAre(percent));
    EXPECT_THAT(search(w_.manager, family_ + "_"), ElementsAre(underscore));
    EXPECT_THAT(search(w_.manager, family_ + "\\"), ElementsAre(backslash));
    EXPECT_THAT(search(w_.manager, family_ + "X"), ElementsAre(plain));
    EXPECT_TRUE(search(w_.manager, "%").empty()) << "no name starts with a percent sign";
    EXPECT_TRUE(search(w_.manager, family_.substr(0, 2) + "_" + family_.substr(3)).empty());
}

// Names are stored as written; a search in capitals finds them whatever the alphabet.
TEST_F(children_repository, a_search_ignores_letter_case_beyond_ascii_letters) {
    const auto accented = insert_child("\u00d6" + family_);                           // Ö
    EXPECT_THAT(search(w_.social_worker, "\u00f6" + family_), ElementsAre(accented)); // ö
    EXPECT_THAT(search(w_.social_worker, "\u00d6" + family_), ElementsAre(accented));
    const auto given = committed([&](db::unit_of_work& uow) {
        db::new_child child;
        child.given_name = "\u00c9" + family_; // É
        child.family_name = "Smith";
        child.date_of_birth = std::chrono::sys_days{std::chrono::year{2012} / 1 / 2};
        child.responsible_authority_id = w_.authority.id;
        child.created_by = w_.social_worker.user_id;
        return db::children::insert(uow, child);
    });
    EXPECT_THAT(search(w_.manager, "\u00e9" + family_), ElementsAre(given)); // é
    EXPECT_THAT(search(w_.manager, "\u00c9" + family_), ElementsAre(given));
}

TEST_F(children_repository, the_childs_episodes_are_those_in_the_callers_scope_newest_first) {
    const auto first = insert_episode(child_);
    clock_.advance(1h);
    const auto elsewhere = insert_episode(child_, w_.other_police, w_.authority, w_.host);
    clock_.advance(1h);
    const auto latest = insert_episode(child_);
    db::unit_of_work uow{shared_pool()};
    const auto ids = [&](const services::actor& who) {
        std::vector<std::string> list;
        for (const auto& item : db::children::episodes_of(uow, child_, scope_of(who))) {
            list.push_back(item.id);
        }
        return list;
    };
    EXPECT_THAT(ids(w_.manager), ElementsAre(latest, elsewhere, first));
    EXPECT_THAT(ids(w_.police), ElementsAre(latest, first));
    EXPECT_THAT(ids(w_.other_police), ElementsAre(elsewhere));
    EXPECT_TRUE(ids(w_.other_manager).empty());
    EXPECT_TRUE(ids(w_.admin).empty());
}

TEST_F(children_repository, the_report_times_of_the_repeat_count_leave_out_cancelled_episodes) {
    const auto first_at = clock_.now();
    insert_episode(child_);
    clock_.advance(1h);
    const auto cancelled = insert_episode(child_);
    clock_.advance(1h);
    const auto third_at = clock_.now();
    insert_episode(child_, w_.other_police, w_.authority, w_.host); // whoever reported it
    committed([&](db::unit_of_work& uow) {
        ASSERT_TRUE(db::episodes::cancel(uow,
                                         move(cancelled, 1, workflow::episode_state::missing,
                                              workflow::episode_state::cancelled, w_.police,
                                              workflow::episode_event::cancel),
                                         "Reported in error"));
    });
    db::unit_of_work uow{shared_pool()};
    EXPECT_THAT(db::children::report_times(uow, child_), ElementsAre(first_at, third_at));
    EXPECT_FALSE(
        db::children::lock_for_report(uow, "00000000-0000-0000-0000-000000000000").has_value());
}

// Two reports of one child at once (the repeat-missing count must see both): the second waits
// for the first's lock on the child, and its count then sees the first report. lock_timeout only
// keeps a broken lock from hanging the test.
TEST_F(children_repository, a_report_locks_the_child_so_that_its_count_sees_a_concurrent_report) {
    insert_episode(child_); // an earlier report, committed
    db::unit_of_work first{shared_pool()};
    db::unit_of_work second{shared_pool()};
    for (auto* uow : {&first, &second}) {
        uow->tx().exec0("set local lock_timeout = '5s'");
    }
    const auto second_pid = second.tx().exec1("select pg_backend_pid()")[0].as<int>();
    // As reporting does: lock the child, write the episode, count the reports.
    const auto report = [&](db::unit_of_work& uow) {
        const auto child = db::children::lock_for_report(uow, child_);
        EXPECT_TRUE(child.has_value());
        db::episodes::insert(uow, new_episode(child_));
        return db::children::report_times(uow, child_).size();
    };
    EXPECT_EQ(report(first), 2U) << "the earlier report and its own";

    auto counted = std::async(std::launch::async, [&] { return report(second); });
    // Until the second count waits for the first's lock (or has already finished).
    while (counted.wait_for(std::chrono::seconds{0}) != std::future_status::ready &&
           scalar("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and pid "
                  "= " +
                  std::to_string(second_pid)) == 0) {
    }
    EXPECT_NE(counted.wait_for(std::chrono::seconds{0}), std::future_status::ready)
        << "the second count did not wait for the first report";
    first.commit();
    EXPECT_EQ(counted.get(), 3U) << "the first report, committed meanwhile, is counted";
}

// The CSE risk a child is at is what their latest assessment found: a held interview or a
// later reassessment.
TEST_F(children_repository, a_child_is_at_the_risk_their_latest_assessment_found) {
    const auto now = clock_.now();
    const auto episode = insert_episode(child_);
    committed([&](db::unit_of_work& uow) {
        ASSERT_TRUE(db::episodes::record_return(uow,
                                                move(episode, 1, workflow::episode_state::missing,
                                                     workflow::episode_state::returned, w_.police,
                                                     workflow::episode_event::record_return),
                                                now - 2h, "Park", "Home", std::nullopt));
        db::interview_record held;
        held.outcome = workflow::interview_outcome::held;
        held.conducted_at = now - 1h;
        held.recorded_by = w_.social_worker.user_id;
        held.location = "School";
        held.harm_disclosed = false;
        held.indicator_score = 0;
        held.suggested_cse_risk = workflow::cse_risk::none;
        held.risk = workflow::cse_risk::medium;
        db::interviews::save(uow, episode, held, now - 1h);
    });
    const auto at_risk = [&](const services::actor& who, std::vector<workflow::cse_risk> levels) {
        db::unit_of_work uow{shared_pool()};
        std::vector<std::pair<std::string, workflow::cse_risk>> found;
        for (const auto& item : db::children::at_risk(uow, scope_of(who), levels, 50)) {
            found.emplace_back(item.child.id, item.risk);
            EXPECT_EQ(item.assessed_at, item.risk == workflow::cse_risk::medium ? now - 1h : now);
        }
        return found;
    };
    using workflow::cse_risk;
    using found = std::vector<std::pair<std::string, cse_risk>>;
    EXPECT_EQ(at_risk(w_.manager, {cse_risk::medium, cse_risk::high}),
              (found{{child_, cse_risk::medium}}));
    EXPECT_TRUE(at_risk(w_.other_manager, {cse_risk::medium}).empty()) << "another authority's";

    committed([&](db::unit_of_work& uow) {
        db::clocks::insert_review(uow, {child_, "cse_reassessment", now, cse_risk::low,
                                        "Reassessed", w_.social_worker.user_id});
        db::clocks::insert_review(uow, {child_, "repeat_missing_review", now - 30min, std::nullopt,
                                        "Strategy meeting", w_.manager.user_id});
    });
    EXPECT_TRUE(at_risk(w_.manager, {cse_risk::medium, cse_risk::high}).empty())
        << "the later reassessment found less";
    EXPECT_EQ(at_risk(w_.host_manager, {cse_risk::low}), (found{{child_, cse_risk::low}}));

    db::unit_of_work uow{shared_pool()};
    const auto reviews = db::children::reviews(uow, child_);
    ASSERT_EQ(reviews.size(), 2U);
    EXPECT_EQ(reviews[0].kind, "cse_reassessment") << "newest first";
    EXPECT_EQ(reviews[0].risk, cse_risk::low);
    EXPECT_EQ(reviews[1].kind, "repeat_missing_review");
    EXPECT_FALSE(reviews[1].risk.has_value());
    EXPECT_EQ(reviews[1].notes, "Strategy meeting");
}

TEST_F(children_repository, a_stored_sex_this_version_does_not_know_throws_when_read) {
    db::unit_of_work uow{shared_pool()};
    // Only in this transaction, which is rolled back: the schema's check would refuse the text.
    uow.tx().exec0("alter table children drop constraint children_sex_check");
    uow.tx().exec0("update children set sex = 'x' where id = " + literal(child_));
    EXPECT_THROW(db::children::find(uow, child_, scope_of(w_.manager)), std::logic_error);
}

} // namespace
} // namespace homeward::testing
