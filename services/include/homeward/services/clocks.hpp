#pragma once
// The overdue queue and the clock sweeper: the work managers and the CSE champion open every
// morning, and the notifications that tell the people who must act.

#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <optional>
#include <string>

namespace homeward::services {

struct overdue_query {
    std::optional<std::string> kind;
    std::optional<std::string> authority; // organisation code
    std::optional<std::string> worker_id;
    std::optional<std::string> team; // a team's id: clocks held by its workers
    bool due_soon{false};
    int limit{50};
    std::optional<std::string> cursor;
};

// A line of the queue, with how late it is at the time it was read.
struct overdue_view {
    overdue_item item;
    time_point now{};
};

// Most overdue first. Social workers: the clocks they hold; managers and the champion: their
// authority's; police: their force's police clocks. With due_soon: what falls due within the
// policy's due-soon window instead.
page<overdue_view> overdue_queue(const environment& env, const actor& who,
                                 const overdue_query& query);

// The queue counted: overdue and due-soon work by kind and by worker (a manager's team page), in
// the same scope as the queue. Unassigned work counts under a worker of no name.
struct overdue_summary {
    struct kind_count {
        std::string kind;
        long long overdue{0};
        long long due_soon{0};
    };
    struct worker_count {
        std::optional<std::string> user_id;
        std::optional<std::string> username;
        std::optional<std::string> team;
        long long overdue{0};
        long long due_soon{0};
    };
    std::vector<kind_count> by_kind;
    std::vector<worker_count> by_worker;
};
overdue_summary summarise_overdue(const environment& env, const actor& who,
                                  const overdue_query& query);

struct sweep_report {
    int due_soon{0};
    int overdue{0};
};

// One pass: announces every open clock that has become due soon or overdue since the last pass,
// exactly once even with several sweepers on one database (claimed rows are skipped by others).
// Overdue work goes to its holder and their managers; long-missing and repeat-missing also to the
// CSE champion.
sweep_report sweep_clocks(const environment& env);

} // namespace homeward::services
