// `homeward demo`: a realistic first-run world for trying Homeward. Organisations, teams and one
// user of every role (their passwords generated and printed once), dozens of children, and their
// episodes in every state, made through the real use cases with the clock turned back, so that
// each record, clock, history entry, audit entry and notification is exactly what the service
// itself writes: work that is overdue, children placed across a boundary, a child missing
// repeatedly, episodes waiting for the CSE champion's sign-off.

#include "demo.hpp"

#include "homeward/services/administration.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <iomanip>
#include <map>
#include <string>
#include <vector>

namespace homeward::api {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using std::chrono::hours;
using workflow::episode_event;
using workflow::role;
using workflow::time_point;

constexpr std::chrono::hours day{24};

// A password of 18 random bytes, base64url: shown once, kept only as its hash.
std::string new_password() {
    std::array<unsigned char, 18> bytes{};
    RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string text;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned>(bytes[i]) << 16U) |
                           (static_cast<unsigned>(bytes[i + 1]) << 8U) | bytes[i + 2];
        for (unsigned shift = 24; shift > 0; shift -= 6) {
            text += alphabet[(v >> (shift - 6)) & 63U];
        }
    }
    return text;
}

// The world the demo plays in, its clock turned back as each part of a story is told.
class story {
public:
    explicit story(const services::environment& env)
        : real_now_(env.now()), clock_(real_now_), env_{env.pool,
                                                        env.policy,
                                                        env.catalogue,
                                                        [this] { return clock_; },
                                                        {}} {}

    // Sets the clock to this long before now, and names that moment.
    std::string at(std::chrono::seconds ago) {
        clock_ = real_now_ - ago;
        return workflow::format_rfc3339(clock_);
    }
    std::string before(std::chrono::seconds ago) const {
        return workflow::format_rfc3339(real_now_ - ago);
    }
    const services::environment& env() const { return env_; }

    std::string report(const services::actor& police, const std::string& child_id,
                       std::chrono::seconds ago, std::string_view place, std::string_view risk,
                       std::string_view absence = "missing") {
        const auto last_seen = before(ago + 3h);
        at(ago);
        const json::object body{
            {"child_id", child_id},
            {"last_seen_at", last_seen},
            {"last_seen_location", place},
            {"circumstances", "Did not come back to the placement after school; phone off"},
            {"risk_level", risk},
            {"police_reference", "DP-26-" + std::to_string(++reference_)},
            {"missing_or_away", absence}};
        return services::report_episode(env_, police, body, std::nullopt).episode.id;
    }

    services::event_result send(const services::actor& who, episode_event event,
                                const std::string& episode, std::chrono::seconds ago,
                                json::object body, std::string action_id = {}) {
        at(ago);
        return services::send_event(env_, who,
                                    {event, episode, std::nullopt, std::move(body), action_id});
    }

private:
    time_point real_now_;
    time_point clock_;
    services::environment env_;
    int reference_{4100};
};

struct people {
    services::actor police, night_police, worker, second_worker, third_worker, manager, champion,
        host_worker;
};

json::object interview_body(const std::string& at, std::string_view risk,
                            std::vector<std::string_view> codes, bool rationale = false) {
    json::array indicators;
    for (const auto code : codes) {
        indicators.emplace_back(code);
    }
    json::object body{{"conducted_at", at},
                      {"location", "At the placement, in the quiet room"},
                      {"where_stayed", "A flat above the shops on Station Road"},
                      {"with_whom", "Two older boys she met through friends"},
                      {"push_factors", json::array{"placement problems"}},
                      {"pull_factors", json::array{"friends", "older adults"}},
                      {"harm_disclosed", false},
                      {"indicators", std::move(indicators)},
                      {"cse_risk", risk},
                      {"child_views", "Wants to see her friends and stay at this placement"},
                      {"police_intelligence", "A grey hatchback seen collecting children nearby"}};
    if (rationale) {
        body["risk_rationale"] = "Known to the team; the indicators are old and addressed";
    }
    return body;
}

// The stages an episode can be left at.
enum class stage { missing, returned, offered, interviewed, follow_up, closed, cancelled };

// One episode told to a stage: report `ago`, return a day later, then the interview's steps.
void tell(story& s, const people& p, const std::string& child, std::chrono::hours ago, stage until,
          std::string_view cse = "none", bool assigned = true, bool safe_and_well = true) {
    const auto episode =
        s.report(p.police, child, ago, "Bus station, Queen Street", ago > 6h ? "medium" : "high");
    if (until == stage::missing) {
        return;
    }
    if (until == stage::cancelled) {
        s.send(p.police, episode_event::cancel, episode, ago - 1h,
               {{"reason", "A duplicate of an earlier report"}});
        return;
    }
    const auto returned = ago - std::min<hours>(ago / 3, 20h);
    s.send(p.police, episode_event::record_return, episode, returned,
           {{"returned_at", s.before(returned)},
            {"found_location", "A friend's house on Mill Lane"},
            {"returned_to", "Placement"},
            {"found_by", "PC 4471"}});
    if (safe_and_well) {
        s.send(p.police, episode_event::safe_and_well, episode, returned - 1h,
               {{"conducted_at", s.before(returned - 1h)},
                {"notes", "Seen at the placement; tired but well"}});
    }
    if (assigned) {
        s.send(p.worker, episode_event::assign, episode, returned - 2h,
               {{"worker_id", p.worker.user_id}});
    }
    if (until == stage::returned) {
        return;
    }
    const auto offered = returned - std::min<hours>(returned / 4, 6h);
    s.send(p.worker, episode_event::offer_interview, episode, offered,
           {{"offered_at", s.before(offered)},
            {"scheduled_for", s.before(offered - std::min<hours>(offered / 2, 20h))},
            {"independent", true}});
    if (until == stage::offered) {
        return;
    }
    const auto held = offered - std::min<hours>(offered / 3, 20h);
    std::vector<std::string_view> codes{"looked_after_or_leaving_care", "staying_out_late"};
    if (cse == "medium") {
        codes = {"going_missing_repeatedly", "older_boyfriend_or_girlfriend",
                 "looked_after_or_leaving_care", "staying_out_late"};
    } else if (cse == "high") {
        codes = {"going_missing_repeatedly", "older_boyfriend_or_girlfriend",
                 "unexplained_money_gifts_or_phones", "looked_after_or_leaving_care"};
    }
    s.send(p.worker, episode_event::record_interview, episode, held,
           interview_body(s.before(held), cse, codes, cse == "none"));
    if (until == stage::interviewed) {
        return;
    }
    const auto raised = held - 1h;
    const auto action = s.send(p.worker, episode_event::raise_action, episode, raised,
                               {{"type", "safety_plan"},
                                {"description", "Agree a safety plan with the child and carers"},
                                {"owner_id", p.worker.user_id},
                                {"due_at", s.before(raised - 3 * day)}});
    if (until == stage::follow_up) {
        return;
    }
    s.send(p.worker, episode_event::complete_action, episode, raised - 2h,
           {{"outcome", "Plan agreed and shared with the carers"}}, action.created_action->id);
    if (cse == "medium" || cse == "high") {
        s.send(p.champion, episode_event::sign_off, episode, raised - 3h,
               {{"note", "Reviewed the interview, the plan and the referral"}});
    }
    s.send(p.worker, episode_event::close, episode, raised - 4h,
           {{"summary", "Safe at the placement; plan in place"}});
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 36> children{{
    {"Amy", "Smith"},       {"Ben", "Walker"},   {"Chloe", "Hughes"},  {"Daniel", "Price"},
    {"Ellie", "Morgan"},    {"Finley", "Shaw"},  {"Grace", "Bennett"}, {"Harvey", "Cole"},
    {"Isla", "Murray"},     {"Jack", "Pearson"}, {"Katie", "Lloyd"},   {"Liam", "Fletcher"},
    {"Maisie", "Ward"},     {"Noah", "Barker"},  {"Olivia", "Dunn"},   {"Preston", "Hale"},
    {"Ruby", "Kirk"},       {"Sam", "Holmes"},   {"Tia", "Rowe"},      {"Usman", "Iqbal"},
    {"Violet", "Nash"},     {"Wyatt", "Booth"},  {"Yasmin", "Akhtar"}, {"Zac", "Pritchard"},
    {"Aisha", "Begum"},     {"Bailey", "Frost"}, {"Caitlin", "Webb"},  {"Dylan", "Marsh"},
    {"Erin", "Fowler"},     {"Freddie", "Lamb"}, {"Georgia", "Reid"},  {"Harley", "Doyle"},
    {"Imogen", "Crossley"}, {"Jayden", "Stone"}, {"Kayla", "Parkin"},  {"Leo", "Garside"},
}};

} // namespace

int load_demo(const services::environment& env, std::ostream& out) {
    const std::string request_id = "cli-demo";
    std::map<std::string, std::string> organisation_ids;
    try {
        organisation_ids["DEMO-POLICE"] = services::add_organisation(
            env, "DEMO-POLICE", "Demo Police Force", "police", request_id);
    } catch (const services::failure& refused) {
        if (refused.kind() == services::failure_kind::invalid_input) {
            out << "The demo is already loaded (DEMO-POLICE exists): nothing was changed.\n";
            return 0;
        }
        throw;
    }
    organisation_ids["DEMO-NORTH"] = services::add_organisation(
        env, "DEMO-NORTH", "Demo North Council", "local_authority", request_id);
    organisation_ids["DEMO-SOUTH"] = services::add_organisation(
        env, "DEMO-SOUTH", "Demo South Council (host)", "local_authority", request_id);

    struct account {
        std::string username;
        role who;
        std::string organisation;
        std::string team;
    };
    const std::vector<account> accounts{
        {"police", role::police, "DEMO-POLICE", "Missing Persons Unit"},
        {"police.night", role::police, "DEMO-POLICE", "Response Team B"},
        {"social.worker", role::social_worker, "DEMO-NORTH", "Children in Care East"},
        {"second.worker", role::social_worker, "DEMO-NORTH", "Children in Care East"},
        {"third.worker", role::social_worker, "DEMO-NORTH", "Children in Care West"},
        {"manager", role::manager, "DEMO-NORTH", "Children in Care East"},
        {"champion", role::cse_champion, "DEMO-NORTH", "Safeguarding"},
        {"admin", role::admin, "DEMO-NORTH", "Systems"},
        {"dpo", role::data_protection_officer, "DEMO-NORTH", "Information Governance"},
        {"host.worker", role::social_worker, "DEMO-SOUTH", "Placements"},
        {"host.manager", role::manager, "DEMO-SOUTH", "Placements"},
    };
    std::map<std::string, services::actor> actors;
    // Each column as wide as its longest value and two spaces, so that every line splits into
    // its four fields (a role such as data_protection_officer is wider than the others).
    std::size_t name_width = 0;
    std::size_t role_width = 0;
    std::size_t organisation_width = 0;
    for (const auto& a : accounts) {
        name_width = std::max(name_width, a.username.size() + 2);
        role_width = std::max(role_width, workflow::to_string(a.who).size() + 2);
        organisation_width = std::max(organisation_width, a.organisation.size() + 2);
    }
    out << "Demo users (passwords shown this once; stored nowhere but as Argon2id hashes):\n";
    for (const auto& a : accounts) {
        const auto password = new_password();
        services::actor who;
        // The demo's admin is an admin of the whole deployment: every organisation's accounts.
        who.user_id =
            services::add_user(env, a.username, workflow::to_string(a.who), a.organisation,
                               password, request_id, a.team, std::nullopt, a.who == role::admin);
        who.username = a.username;
        who.role = a.who;
        who.organisation_id = organisation_ids.at(a.organisation);
        who.organisation_code = a.organisation;
        who.request_id = request_id;
        actors[a.username] = who;
        out << "  " << std::left << std::setw(static_cast<int>(name_width)) << a.username
            << std::setw(static_cast<int>(role_width)) << workflow::to_string(a.who)
            << std::setw(static_cast<int>(organisation_width)) << a.organisation << password
            << '\n';
    }
    out << '\n';
    const people p{actors["police"],        actors["police.night"], actors["social.worker"],
                   actors["second.worker"], actors["third.worker"], actors["manager"],
                   actors["champion"],      actors["host.worker"]};

    story s{env};
    std::vector<std::string> ids;
    int index = 0;
    for (const auto& [given, family] : children) {
        // Every third child is placed with the host authority: both must see their episodes.
        const bool hosted = index % 3 == 1;
        json::object body{{"given_name", given},
                          {"family_name", family},
                          {"date_of_birth", std::to_string(2009 + index % 7) + "-0" +
                                                std::to_string(1 + index % 9) + "-1" +
                                                std::to_string(index % 10)},
                          {"sex", index % 2 == 0 ? "female" : "male"},
                          {"looked_after", index % 4 != 3},
                          {"responsible_authority", "DEMO-NORTH"},
                          {"placement_type", hosted ? "residential" : "foster care"}};
        if (hosted) {
            body["host_authority"] = "DEMO-SOUTH";
        }
        ids.push_back(services::create_child(s.env(), p.worker, body).id);
        ++index;
    }

    // Missing now: one high-risk for longer than its 6 hours, one away, others recent.
    tell(s, p, ids[0], 9h, stage::missing);
    tell(s, p, ids[1], 2h, stage::missing);
    tell(s, p, ids[2], 30h, stage::missing);
    tell(s, p, ids[3], 1h, stage::missing);
    // Returned: the interview not yet offered (one late), one without its safe-and-well check,
    // one nobody has taken yet.
    tell(s, p, ids[4], 40h, stage::returned);
    tell(s, p, ids[5], 90h, stage::returned, "none", true, false);
    tell(s, p, ids[6], 8h, stage::returned, "none", false);
    tell(s, p, ids[7], 30h, stage::returned, "none", false);
    // Offered, the interview due.
    tell(s, p, ids[8], 60h, stage::offered);
    tell(s, p, ids[9], 20h, stage::offered);
    tell(s, p, ids[10], 100h, stage::offered);
    // Interviewed: two waiting for the CSE champion's sign-off.
    tell(s, p, ids[11], 5 * day, stage::interviewed, "none");
    tell(s, p, ids[12], 4 * day, stage::interviewed, "high");
    tell(s, p, ids[13], 6 * day, stage::interviewed, "medium");
    tell(s, p, ids[14], 3 * day, stage::interviewed, "low");
    // In follow-up, some actions overdue.
    tell(s, p, ids[15], 12 * day, stage::follow_up, "low");
    tell(s, p, ids[16], 9 * day, stage::follow_up, "medium");
    tell(s, p, ids[17], 5 * day, stage::follow_up, "none");
    tell(s, p, ids[18], 20 * day, stage::follow_up, "low");
    // Closed, one after the champion's sign-off; cancelled reports.
    tell(s, p, ids[19], 25 * day, stage::closed, "none");
    tell(s, p, ids[20], 40 * day, stage::closed, "medium");
    tell(s, p, ids[21], 15 * day, stage::closed, "low");
    tell(s, p, ids[22], 60 * day, stage::closed, "none");
    tell(s, p, ids[23], 3 * day, stage::cancelled);
    tell(s, p, ids[24], 12h, stage::cancelled);
    // A child missing repeatedly: three reports within the month open a multi-agency review.
    tell(s, p, ids[25], 24 * day, stage::closed, "low");
    tell(s, p, ids[25], 12 * day, stage::closed, "medium");
    tell(s, p, ids[25], 20h, stage::returned);
    // The child's refusal, with what the carers know.
    {
        const auto episode = s.report(p.police, ids[26], 4 * day, "Retail park", "medium");
        s.send(p.police, episode_event::record_return, episode, 3 * day,
               {{"returned_at", s.before(3 * day)},
                {"found_location", "Retail park"},
                {"returned_to", "Placement"}});
        s.send(p.second_worker, episode_event::assign, episode, 3 * day - 1h,
               {{"worker_id", p.second_worker.user_id}});
        s.send(p.second_worker, episode_event::record_decline, episode, 2 * day,
               {{"declined_at", s.before(2 * day)},
                {"reason", "Did not want to talk to anyone about it"},
                {"attempts", "Two visits and a phone call"},
                {"carers_account", "Came back by taxi at 2am; would not say from where"}});
    }
    // The rest: older episodes, closed, so that the lists and figures have a history.
    for (std::size_t i = 27; i < ids.size(); ++i) {
        tell(s, p, ids[i], std::chrono::hours{24 * static_cast<long>(30 + 7 * i)}, stage::closed,
             i % 4 == 0 ? "low" : "none");
    }

    // Announce what is due and overdue now, as serve's sweeper would on its first pass.
    const auto swept = services::sweep_clocks(env);
    out << "Demo cases loaded: " << ids.size() << " children; " << swept.overdue
        << " clocks overdue and " << swept.due_soon << " due soon announced.\n";
    return 0;
}

} // namespace homeward::api
