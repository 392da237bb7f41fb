#pragma once
// What an event does besides moving the state: one services file per event (events/<name>.cpp)
// defines its check (what the body names must exist and be allowed, asked of the database before
// the workflow decides) and its apply (the write of the move with the event's own columns, and
// what else it writes and whom it tells). transition.cpp runs them the same way for every event.

#include "homeward/db/episodes.hpp"
#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/workflow/events.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace homeward::services::events {

namespace ev = workflow::events;

struct check_context {
    const environment& env;
    db::unit_of_work& uow;
    const actor& who;
    const db::episode_row& episode; // as locked
    workflow::input_reader& input;  // problems with the body's fields go here
    workflow::episode_facts& facts; // what the guards will know
};

struct event_context {
    const environment& env;
    db::unit_of_work& uow;
    const actor& who;
    const db::episode_row& episode; // as locked, before the event
    workflow::episode_state to;
    workflow::time_point now;
    workflow::episode_event event;
    // Set by an event that raises an action: the API answers with it.
    std::optional<std::string> created_action_id{};

    // The part of the write every event shares: from the locked version and state to `to`, by
    // the caller, now, with this history detail.
    db::episodes::move move(const boost::json::object& history_detail) const;
};

// What the events on one follow-up action share (action_target.cpp): the action named by the path,
// which must be the episode's, goes into the facts the guards decide with; and an owner must be
// someone who can act on it (a social worker or manager of the episode's authorities, or an
// officer of its force), or the field says so.
void find_target_action(check_context& ctx, const std::string& action_id);
void check_action_owner(check_context& ctx, const std::string& owner_id);

// Each event's check and apply, declared from the workflow's list of events. apply writes the
// event's own rows first and the move last, whose statement reads the episode back as the event
// left it; it returns that episode, or nothing when the episode's version moved on meanwhile. (The
// report makes an episode rather than moving one: reporting.cpp is its use case, so its two are
// never defined.)
#define HOMEWARD_DECLARE_EFFECTS(name)                                                             \
    void check(check_context& ctx, const ev::name& event);                                         \
    db::episodes::moved apply(event_context& ctx, const ev::name& event);
HOMEWARD_EPISODE_EVENTS(HOMEWARD_DECLARE_EFFECTS)
#undef HOMEWARD_DECLARE_EFFECTS

} // namespace homeward::services::events
