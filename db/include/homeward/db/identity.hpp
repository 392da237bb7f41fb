#pragma once
// Who a session belongs to, and what that account may do, changes rarely: a session is signed out
// or ended, an account is changed (role, team, active, password, lock, two-step enrolment). Every
// statement that writes one of those (sql.hpp's effect::identity) moves this process's generation
// once its transaction commits; a watch moves it for the writes of other processes, which the
// tables' triggers announce on PostgreSQL's channel homeward_identity (migration 0022). What was
// read of a session while the generation was g is current while the generation is still g.

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace homeward::db {
class unit_of_work;
}

namespace homeward::db::identity {

std::uint64_t generation();
// Moves the generation once the transaction commits (at once for a single statement's).
void changed(unit_of_work& uow);

// Listens on homeward_identity on a connection of its own, on a thread of its own, and moves the
// generation at every notification, and whenever it (re)connects (what was missed meanwhile is
// unknown). Reconnects every second while the database cannot be reached.
class watch {
public:
    explicit watch(std::string database_url);
    ~watch();
    watch(const watch&) = delete;
    watch& operator=(const watch&) = delete;

    // Connected and listening now: other processes' changes reach the generation (a notification
    // arrives within the time its commit takes to be seen, typically a millisecond).
    bool listening() const { return listening_.load(); }

private:
    void run();

    std::string url_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> listening_{false};
    std::thread thread_;
};

} // namespace homeward::db::identity
