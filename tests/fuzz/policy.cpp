// Fuzz target: a deployment's policy file (workflow::parse_policy), and the clock rules run with
// whatever policy it accepts. Only policy_error may come out of the parser (its contract); any
// other exception, crash or sanitizer report is a finding. The CSE indicator catalogue, the other
// data file read at start-up, is parsed from the same bytes.

#include "homeward/workflow/policy.hpp"
#include "homeward/workflow/indicators.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace homeward::workflow;
using std::chrono::hours;

// Runs every clock rule with the policy, on one episode that has every fact set.
void exercise(const policy& rules) {
    const time_point reported{std::chrono::seconds{1'790'000'000}};
    clock_inputs facts;
    facts.reported_at = reported;
    facts.risk = risk_level::high;
    facts.returned_at = reported + hours{5};
    facts.interview_offered_at = reported + hours{8};
    facts.interview_declined_at = reported + hours{30};
    facts.further_offer_at = reported + hours{40};
    facts.interview_cse_risk = cse_risk::medium;
    facts.actions.push_back({"a", reported + hours{9}, reported + hours{200}, std::nullopt});
    const auto now = reported + hours{100};
    for (const auto& clock : episode_deadlines(rules, facts)) {
        static_cast<void>(classify(clock, now, rules));
        static_cast<void>(met_late(clock));
    }
    const std::array<time_point, 4> reports{reported - hours{24 * 40}, reported - hours{24 * 3},
                                            reported - hours{2}, reported};
    static_cast<void>(recent_reports(rules, reports, now));
    if (const auto trigger = repeat_missing_trigger(rules, reports)) {
        static_cast<void>(repeat_review_deadline(rules, *trigger, std::nullopt));
    }
    static_cast<void>(cse_reassessment_deadline(rules, now));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    try {
        exercise(parse_policy(text));
    } catch (const policy_error&) {
        // refused, naming the key: the contract
    }
    try {
        static_cast<void>(indicator_catalogue::parse(text));
    } catch (const catalogue_error&) {
        // refused, naming the entry: the contract
    }
    return 0;
}
