// One transaction per use case: nothing of an uncommitted unit of work is left, a snapshot sees
// one moment, and the database's refusals arrive as typed errors.

#include "fixture.hpp"

#include "homeward/db/organisations.hpp"

namespace homeward::testing {
namespace {

class units_of_work : public repository_test {};

TEST_F(units_of_work, what_an_uncommitted_unit_of_work_wrote_is_gone_with_it) {
    const auto code = unique_code();
    {
        db::unit_of_work uow{shared_pool()};
        db::organisations::insert(uow, code, "Never committed",
                                  workflow::organisation_kind::police);
        EXPECT_TRUE(db::organisations::by_code(uow, code).has_value()) << "seen inside";
    }
    db::unit_of_work after{shared_pool()};
    EXPECT_FALSE(db::organisations::by_code(after, code).has_value());
    EXPECT_EQ(shared_pool().stats().in_use, 1U) << "the first lease went back to the pool";
}

TEST_F(units_of_work, a_snapshot_sees_one_moment_while_others_commit) {
    db::unit_of_work snapshot{shared_pool(), db::unit_of_work::isolation::snapshot};
    EXPECT_TRUE(db::ping(snapshot));
    const auto code = unique_code();
    EXPECT_FALSE(db::organisations::by_code(snapshot, code).has_value());
    make_org(workflow::organisation_kind::police); // committed meanwhile, elsewhere
    committed([&](db::unit_of_work& uow) {
        db::organisations::insert(uow, code, "Committed meanwhile",
                                  workflow::organisation_kind::local_authority);
    });
    EXPECT_FALSE(db::organisations::by_code(snapshot, code).has_value());
    db::unit_of_work fresh{shared_pool()};
    EXPECT_TRUE(db::organisations::by_code(fresh, code).has_value());
}

TEST_F(units_of_work, a_value_the_database_refuses_for_its_type_is_a_bad_value) {
    db::unit_of_work uow{shared_pool()};
    EXPECT_THROW(db::users::insert(uow, "user_" + random_hex(8) + "@test", test_password_hash(),
                                   workflow::role::manager, "not-a-uuid"),
                 db::bad_value);
}

} // namespace
} // namespace homeward::testing
