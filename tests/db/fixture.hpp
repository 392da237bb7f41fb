#pragma once
// The repositories against the real PostgreSQL that ops/test starts, on the one test world
// (tests/support). Rows are made through the repositories themselves; what a test checks it reads
// back through the repository under test, or over the world's own connection.

#include "world.hpp"

#include "homeward/db/episodes.hpp"
#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace homeward::testing {

class repository_test : public database_test {
protected:
    // Fails when there is no database; otherwise makes the world.
    void SetUp() override;

    static db::scope scope_of(const services::actor& who);

    // Runs body in a unit of work of its own and commits it; returns what body returns.
    template <typename Body>
    static auto committed(Body&& body) {
        db::unit_of_work uow{shared_pool()};
        if constexpr (std::is_void_v<std::invoke_result_t<Body&, db::unit_of_work&>>) {
            body(uow);
            uow.commit();
        } else {
            auto result = body(uow);
            uow.commit();
            return result;
        }
    }

    // A child of the responsible authority (and the host, if given); its id.
    std::string insert_child(const test_org& responsible, const std::optional<test_org>& host,
                             std::string_view family_name = "Testchild");
    // A child of the world's authority, hosted by its host authority.
    std::string insert_child(std::string_view family_name = "Testchild");
    // A report of the child, missing now, by the world's police officer for the world's
    // authorities.
    db::new_episode new_episode(const std::string& child_id) const;
    // The child reported missing now by this officer, for these authorities; its id.
    std::string insert_episode(const std::string& child_id, const services::actor& police,
                               const test_org& responsible, const std::optional<test_org>& host);
    // A child of the world reported missing now by the world's police officer.
    std::string insert_episode(const std::string& child_id);

    // The shared part of an event's write: from `from` at `version` to `to`, by `who`, now.
    db::episodes::move move(const std::string& episode_id, int version,
                            workflow::episode_state from, workflow::episode_state to,
                            const services::actor& who, workflow::episode_event event) const;

    test_clock clock_;
    world w_;
};

// A repository test about one child of the world, reported missing once.
class one_episode_test : public repository_test {
protected:
    void SetUp() override {
        repository_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        child_ = insert_child();
        episode_ = insert_episode(child_);
    }

    std::string child_;
    std::string episode_;
};

} // namespace homeward::testing
