#include "bodies.hpp"

#include <boost/json/array.hpp>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

} // namespace

json::object event_bodies::child(const world& w, std::string_view family_name) {
    return json::object{
        {"given_name", "Alex"},          {"family_name", family_name},
        {"date_of_birth", "2011-05-17"}, {"sex", "female"},
        {"looked_after", true},          {"responsible_authority", w.authority.code},
        {"host_authority", w.host.code}, {"placement_type", "residential"}};
}

json::object event_bodies::report(const std::string& child_id) const {
    return json::object{{"child_id", child_id},
                        {"last_seen_at", clock_.at(-2h)},
                        {"last_seen_location", "Queen Street bus station"},
                        {"circumstances", "Did not come back from school"},
                        {"risk_level", "medium"},
                        {"police_reference", "WY-" + random_hex(8)},
                        {"missing_or_away", "missing"}};
}

json::object event_bodies::regrade(std::string_view level) {
    return json::object{{"risk_level", level}, {"reason", "The family report threats by text"}};
}

json::object event_bodies::record_return() const {
    return json::object{{"returned_at", clock_.at()},
                        {"found_location", "Leeds railway station"},
                        {"returned_to", "Placement"},
                        {"found_by", "PC 4471"}};
}

json::object event_bodies::safe_and_well() const {
    return json::object{{"conducted_at", clock_.at()},
                        {"notes", "Seen at the placement; well"},
                        {"concerns", "Has a new phone nobody gave her"}};
}

json::object event_bodies::assign(const std::string& worker_id) {
    return json::object{{"worker_id", worker_id}};
}

json::object event_bodies::offer() const {
    return json::object{
        {"offered_at", clock_.at()}, {"scheduled_for", clock_.at(24h)}, {"independent", true}};
}

json::object event_bodies::interview(std::string_view cse_risk) const {
    return json::object{{"conducted_at", clock_.at()},
                        {"location", "Placement"},
                        {"where_stayed", "A flat above the takeaway on Kirk Street"},
                        {"with_whom", "Two older men she met online"},
                        {"push_factors", json::array{"placement_problems"}},
                        {"pull_factors", json::array{"older_adults", "gifts"}},
                        {"harm_disclosed", true},
                        {"harm_details", "Was given alcohol"},
                        {"indicators", json::array{}},
                        {"cse_risk", cse_risk},
                        {"risk_rationale", "Judged on the whole account"},
                        {"child_views", "Wants to stay at the placement"},
                        {"police_intelligence", "Flat above the takeaway on Kirk Street"}};
}

json::object event_bodies::decline() const {
    return json::object{{"declined_at", clock_.at()},
                        {"reason", "Did not want to talk to anyone"},
                        {"attempts", "Two visits and a phone call"},
                        {"carers_account", "Came back by taxi at 2am"}};
}

json::object event_bodies::action(const std::string& owner_id) const {
    return json::object{{"type", "safety_plan"},
                        {"description", "Agree a safety plan with the child and carers"},
                        {"owner_id", owner_id},
                        {"due_at", clock_.at(7 * 24h)}};
}

json::object event_bodies::complete() {
    return json::object{{"outcome", "Safety plan agreed and shared"}};
}

json::object event_bodies::sign_off() {
    return json::object{{"note", "Reviewed the interview, the plan and the referrals"}};
}

json::object event_bodies::close() {
    return json::object{{"summary", "Safe at the placement; plan in place"}};
}

json::object event_bodies::cancel() {
    return json::object{{"reason", "Reported in error: she was at her aunt's"}};
}

json::object event_bodies::reopen() {
    return json::object{{"reason", "A new disclosure at school"}};
}

} // namespace homeward::testing
