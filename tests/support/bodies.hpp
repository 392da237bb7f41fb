#pragma once
// Valid request bodies of the use cases, timed by the test's clock: a child, a report, and every
// event of the lifecycle. Services tests pass them to the use cases; API tests send them as JSON.
// A test that needs a wrong body takes a valid one and breaks the field it is about.

#include "world.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace homeward::testing {

class event_bodies {
public:
    explicit event_bodies(const test_clock& clock) : clock_(clock) {}

    // A looked-after child of the world's responsible authority, placed in its host authority.
    static boost::json::object child(const world& w, std::string_view family_name = "Testchild");
    // Last seen two hours before now.
    boost::json::object report(const std::string& child_id) const;

    static boost::json::object regrade(std::string_view level = "high");
    boost::json::object record_return() const; // returned now
    boost::json::object safe_and_well() const; // conducted now
    static boost::json::object assign(const std::string& worker_id);
    boost::json::object offer() const; // offered now, for tomorrow
    // Held now, with harm disclosed, no indicators and the given CSE risk.
    boost::json::object interview(std::string_view cse_risk = "none") const;
    boost::json::object decline() const;                           // declined now
    boost::json::object action(const std::string& owner_id) const; // due in a week
    static boost::json::object complete();
    static boost::json::object sign_off();
    static boost::json::object close();
    static boost::json::object cancel();
    static boost::json::object reopen();

private:
    const test_clock& clock_;
};

} // namespace homeward::testing
