#pragma once
// Email alerts: queued with the notification they tell of (notifications.cpp), claimed by the
// sender under a lease, and their results.

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db::emails {

// One email claimed for one attempt: who it goes to and what it may say (no case content).
struct outgoing {
    std::int64_t id{0};
    int attempt{0}; // this attempt's number, from 1
    std::string address;
    std::string notification_id;
    std::string kind;                      // the notification's kind
    std::optional<std::string> clock_kind; // for a clock's notification
    std::optional<time_point> due_at;      // for a clock's notification
    std::optional<std::string> episode_id;
    std::optional<std::string> child_id;
    time_point created_at{};
};

// Claims up to `limit` pending emails due by `now`, oldest first, for `lease`: another sender
// skips them, and takes them again only if this one has not recorded a result when the lease
// ends. An email whose user has since turned alerts off or removed the address is not claimed
// but marked dead, with why.
std::vector<outgoing> claim(unit_of_work& uow, time_point now, std::chrono::seconds lease,
                            int limit);
// Gives back a claimed email that was not sent (the sender is stopping), not counted as an attempt.
void release(unit_of_work& uow, const outgoing& email, time_point at);
// The result of one attempt; ignored when the email was claimed again since.
void record_sent(unit_of_work& uow, const outgoing& email, time_point at);
// With retry_at unset the email is dead.
void record_failed(unit_of_work& uow, const outgoing& email, time_point at, std::string_view error,
                   std::optional<time_point> retry_at);

struct queue_state {
    std::int64_t pending{0};
    std::int64_t sent{0};
    std::int64_t dead{0};
    std::optional<time_point> oldest_pending; // created_at of the oldest pending email
};
queue_state state(unit_of_work& uow);

} // namespace homeward::db::emails
