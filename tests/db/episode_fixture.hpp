#pragma once
// The episodes repository's tests: one child reported missing once, a way to run a write in a
// transaction of its own that checks what the write reads back, and the episode as stored.

#include "fixture.hpp"

#include "homeward/db/episodes.hpp"

#include <functional>

namespace homeward::testing {

class episode_fixture : public one_episode_test {
protected:
    // Runs one write in a transaction of its own and commits it; its answer. What a write reads
    // back must be the episode as it was stored.
    static db::episodes::moved
    write(const std::function<db::episodes::moved(db::unit_of_work&)>& body) {
        auto moved = committed(body);
        if (moved) {
            db::unit_of_work uow{shared_pool()};
            EXPECT_EQ(*moved, db::episodes::record(uow, moved->id))
                << "the write read back something other than the episode it stored";
        }
        return moved;
    }

    db::episode_record record() {
        db::unit_of_work uow{shared_pool()};
        return db::episodes::record(uow, episode_);
    }
};

} // namespace homeward::testing
