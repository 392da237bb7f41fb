// The hash-chained audit trail: appends take the next numbers and keep the chain whole; the check
// names the first entry altered or removed; the list of a champion holds only their authority's.

#include "fixture.hpp"

#include "homeward/db/audit.hpp"

#include <gmock/gmock.h>

#include <tuple>
#include <utility>

namespace homeward::testing {
namespace {

class audit_repository : public repository_test {
protected:
    db::audit_entry entry(const services::actor& who, const std::string& entity_id,
                          std::optional<std::string> organisation = std::nullopt) const {
        db::audit_entry e;
        e.request_id = who.request_id;
        e.actor_id = who.user_id;
        e.actor_username = who.username;
        e.actor_role = who.role;
        e.organisation_id = organisation ? organisation : std::optional{who.organisation_id};
        e.action = "episode.read";
        e.entity_type = "episode";
        e.entity_id = entity_id;
        e.outcome = "success";
        e.detail_json = R"({"why": "test"})";
        return e;
    }

    static std::vector<std::int64_t> seqs(const std::vector<db::audit_item>& items) {
        std::vector<std::int64_t> list;
        for (const auto& item : items) {
            list.push_back(item.seq);
        }
        return list;
    }
};

TEST_F(audit_repository, appends_take_the_next_numbers_and_the_chain_still_verifies) {
    const auto subject = "subject-" + random_hex(8);
    const auto [first, second] = committed([&](db::unit_of_work& uow) {
        const auto a = db::audit::append(uow, entry(w_.manager, subject));
        const auto b = db::audit::append(uow, entry(w_.police, subject));
        return std::pair{a, b};
    });
    EXPECT_EQ(second, first + 1);
    db::unit_of_work uow{shared_pool(), db::unit_of_work::isolation::snapshot};
    const auto check = db::audit::verify(uow);
    EXPECT_FALSE(check.first_broken.has_value()) << check.problem;
    EXPECT_GE(check.entries, second);
    EXPECT_EQ(check.entries, scalar("select max(seq) from audit_log"));
}

TEST_F(audit_repository, the_check_names_the_first_altered_entry) {
    db::unit_of_work uow{shared_pool()}; // rolled back: the chain stays whole for other tests
    const auto altered = db::audit::append(uow, entry(w_.manager, "altered-" + random_hex(8)));
    db::audit::append(uow, entry(w_.manager, "after"));
    uow.tx().exec0("update audit_log set outcome = 'denied' where seq = " +
                   std::to_string(altered));
    const auto check = db::audit::verify(uow);
    EXPECT_EQ(check.first_broken, altered);
    EXPECT_THAT(check.problem, ::testing::HasSubstr("altered"));
    EXPECT_EQ(check.entries, altered - 1);
}

TEST_F(audit_repository, the_check_finds_a_removed_newest_entry_through_the_chains_head) {
    db::unit_of_work uow{shared_pool()}; // rolled back
    const auto newest = db::audit::append(uow, entry(w_.manager, "removed-" + random_hex(8)));
    uow.tx().exec0("delete from audit_log where seq = " + std::to_string(newest));
    const auto check = db::audit::verify(uow);
    EXPECT_EQ(check.first_broken, newest);
    EXPECT_THAT(check.problem, ::testing::HasSubstr("removed"));
}

TEST_F(audit_repository, a_champions_list_holds_their_authoritys_entries_and_episodes_only) {
    const auto episode = insert_episode(insert_child());
    const auto [own, about_episode, elsewhere] = committed([&](db::unit_of_work& uow) {
        return std::tuple{
            db::audit::append(uow, entry(w_.manager, "own-" + random_hex(8))),
            // Another organisation's read of an episode of the authority's child.
            db::audit::append(uow, entry(w_.police, episode)),
            db::audit::append(uow, entry(w_.other_manager, "elsewhere-" + random_hex(8)))};
    });
    db::unit_of_work uow{shared_pool()};
    db::audit::filter champion;
    champion.organisation_id = w_.authority.id;
    champion.limit = 500;
    const auto listed = seqs(db::audit::list(uow, champion));
    using ::testing::Contains;
    EXPECT_THAT(listed, Contains(own));
    EXPECT_THAT(listed, Contains(about_episode));
    EXPECT_THAT(listed, ::testing::Not(Contains(elsewhere)));
    db::audit::filter admin;
    admin.limit = 500;
    EXPECT_THAT(seqs(db::audit::list(uow, admin)), Contains(elsewhere));
}

TEST_F(audit_repository, a_list_filters_by_entity_and_actor_newest_first_and_pages_by_seq) {
    const auto subject = "subject-" + random_hex(8);
    const auto [a, b, c] = committed([&](db::unit_of_work& uow) {
        return std::tuple{db::audit::append(uow, entry(w_.manager, subject)),
                          db::audit::append(uow, entry(w_.police, subject)),
                          db::audit::append(uow, entry(w_.manager, subject))};
    });
    db::unit_of_work uow{shared_pool()};
    db::audit::filter by_entity;
    by_entity.entity_id = subject;
    const auto all = db::audit::list(uow, by_entity);
    EXPECT_THAT(seqs(all), ::testing::ElementsAre(c, b, a));
    EXPECT_EQ(all[1].actor_id, w_.police.user_id);
    EXPECT_EQ(all[1].actor_role, workflow::role::police);
    EXPECT_EQ(all[1].action, "episode.read");
    EXPECT_EQ(all[1].detail_json, R"({"why": "test"})");
    by_entity.actor_id = w_.manager.user_id;
    EXPECT_THAT(seqs(db::audit::list(uow, by_entity)), ::testing::ElementsAre(c, a));
    by_entity.limit = 1;
    by_entity.before_seq = c;
    EXPECT_THAT(seqs(db::audit::list(uow, by_entity)), ::testing::ElementsAre(a));
}

} // namespace
} // namespace homeward::testing
