// Retention over real HTTPS and PostgreSQL: the schedule as policy data, what falls due
// (GET /api/v1/retention/due, the data-protection officer's), and the job that anonymises what has
// passed it (`homeward retention run`, and serve's daily run) on a database with children on both
// sides of the line: a dry run that changes nothing, a real run that leaves nothing identifying in
// a dump of the whole database and the figures as they were, a legal hold that stops it, a second
// run that changes nothing, and two runs at once that anonymise a child once.
//
// The scenario's cases are recorded in March 2026 and the job is run as of 1 June 2033: the child
// born in 2001 whose last episode closed more than six years before is past the line (25 and 6
// years after, whichever is later). Every other test's children are born in 2010 or later and so
// are not, and a serve started by another test (the job as of today) finds no child of this one's
// past the line.

#include "command_output.hpp"
#include "csv_parse.hpp"
#include "https_fixture.hpp"
#include "test_database.hpp"

#include "homeward/api/cli.hpp"
#include "homeward/services/retention.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using workflow::organisation_kind;
using workflow::role;

constexpr const char* as_of = "2033-06-01";

// What is written about the due child, each of which must be gone from the whole database (each
// test adds its own tag: the tests of this file run at once on one database).
constexpr const char* born = "2001-02-03";
constexpr std::array<const char*, 14> free_texts{{
    "Vanished after the harbour fireworks",    // circumstances
    "Pier Arcade",                             // found (a place no other child was)
    "Nan's house on Juniper Close",            // returned to
    "Flat 3, 12 Acacia Avenue",                // where the child stayed (a private address)
    "Uncle Tobias Renwick",                    // with whom
    "Wants to live with nan in Margate",       // the child's views
    "Referral to Lantern Project counselling", // an action
    "Attended Lantern Project sessions",       // its outcome
    "Settled with kinship carer Mrs Okonjo",   // the close summary
    "Found asleep at Juniper Close",           // a cancel's reason
    "Crescent scar on left wrist",             // the profile
    "Wexley Road skate park",                  // the profile's places
    "Darius Vantongeren",                      // a person of concern linked to the episode
    "drives a maroon van with a dented door",  // that person's description
}};

workflow::time_point utc(const char* text) {
    const auto at = workflow::parse_rfc3339(text);
    EXPECT_TRUE(at) << text;
    return at.value_or(workflow::time_point{});
}

struct outcome {
    int code;
    std::string out;
    std::string err;
};

// `homeward ARGS...` against the test database, in this process.
outcome homeward(const std::vector<std::string>& args) {
    ::setenv("HOMEWARD_DATABASE_URL", test_database_url().c_str(), 1);
    ::unsetenv("HOMEWARD_POLICY");
    ::unsetenv("HOMEWARD_CONFIG_FILE");
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    const int code = api::run_command(args, in, out, err);
    return {code, out.str(), err.str()};
}

// The lines of a dump that hold this text, whatever its case ("" when none).
std::string lines_with(const std::string& dump, const std::string& text) {
    const auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    const auto needle = lower(text);
    std::string found;
    std::istringstream lines{dump};
    std::string line;
    while (std::getline(lines, line)) {
        if (lower(line).find(needle) != std::string::npos) {
            found += line.substr(0, 300) + "\n";
        }
    }
    return found;
}

// The child ids of the log lines of this event.
std::set<std::string> children_logged(const std::string& output, const std::string& event) {
    std::set<std::string> ids;
    std::istringstream lines{output};
    std::string line;
    while (std::getline(lines, line)) {
        const auto entry = json::parse(line).as_object();
        if (entry.at("event").as_string() == event) {
            ids.insert(std::string{entry.at("child_id").as_string()});
        }
    }
    return ids;
}

class retention_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        tag = "QX" + random_hex(8);
        given_name = "Zephyrine-" + tag;
        family_name = "Quillfeather-" + tag;
        for (const char* text : free_texts) {
            free_text.push_back(std::string{text} + " " + tag);
        }
        // Sessions that outlive the scenario's months of injected time.
        auto rules = test_rules();
        rules.idle = std::chrono::hours{24 * 1000};
        rules.absolute = std::chrono::hours{24 * 1000};
        restart(rules, {});
        clock_.set(utc("2026-03-02T09:00:00Z"));
        force = make_org(organisation_kind::police);
        authority = make_org(organisation_kind::local_authority);
        other = make_org(organisation_kind::local_authority);
        police = make_user(role::police, force);
        worker = make_user(role::social_worker, authority);
        manager = make_user(role::manager, authority);
        champion = make_user(role::cse_champion, authority);
        dpo = make_user(role::data_protection_officer, authority);
        admin = make_user(role::admin, authority);
        other_dpo = make_user(role::data_protection_officer, other);
        // Webhook messages are queued for the authority: their copies of the notifications must be
        // scrubbed too.
        execute("update organisations set webhook_url = 'https://127.0.0.1:9/hook', "
                "webhook_secret = 'secret' where id = " +
                literal(authority.id));
    }

    std::string child(const std::string& given, const std::string& family,
                      const char* date_of_birth) {
        return post_child(worker, {{"given_name", given},
                                   {"family_name", family},
                                   {"date_of_birth", date_of_birth},
                                   {"sex", "female"},
                                   {"looked_after", true},
                                   {"responsible_authority", authority.code}});
    }

    std::string report_at(const std::string& child_id, const char* place,
                          const std::string& circumstances) {
        const auto reply =
            post(police, "/api/v1/episodes",
                 json::serialize(json::object{{"child_id", child_id},
                                              {"last_seen_at", at(-2h)},
                                              {"last_seen_location", place},
                                              {"circumstances", circumstances},
                                              {"risk_level", "medium"},
                                              {"police_reference", "REF-" + random_hex(6)},
                                              {"missing_or_away", "missing"}}));
        EXPECT_EQ(reply.status, 201U) << reply.body;
        return reply.status == 201 ? std::string{reply.json().at("id").as_string()} : "";
    }

    void send(const test_user& who, const std::string& episode, const std::string& event,
              const json::object& body, unsigned status = 200) {
        const auto reply =
            post(who, "/api/v1/episodes/" + episode + "/" + event, json::serialize(body));
        EXPECT_EQ(reply.status, status) << event << ": " << reply.body;
    }

    struct lifecycle_texts {
        std::string found;
        std::string returned_to;
        std::string stayed;
        std::string with_whom;
        std::string views;
        std::string action;
        std::string action_outcome;
        std::string summary;
    };

    // Returned, interviewed, an action raised and done, closed: each step an hour after the last.
    void close_episode(const std::string& episode, const lifecycle_texts& t) {
        advance(1h);
        send(
            police, episode, "return",
            {{"returned_at", at(0s)}, {"found_location", t.found}, {"returned_to", t.returned_to}});
        advance(1h);
        send(worker, episode, "interview-offer",
             {{"offered_at", at(0s)}, {"scheduled_for", at(2h)}, {"independent", true}});
        advance(2h);
        send(worker, episode, "interview",
             {{"conducted_at", at(0s)},
              {"location", "Placement"},
              {"where_stayed", t.stayed},
              {"with_whom", t.with_whom},
              {"push_factors", json::array{"placement_problems"}},
              {"pull_factors", json::array{"older_adults"}},
              {"harm_disclosed", false},
              {"indicators", json::array{}},
              {"cse_risk", "none"},
              {"child_views", t.views},
              {"police_intelligence", "Nothing known"}});
        advance(1h);
        const auto raised = post(worker, "/api/v1/episodes/" + episode + "/actions",
                                 json::serialize(json::object{{"type", "health"},
                                                              {"description", t.action},
                                                              {"owner_id", worker.id},
                                                              {"due_at", at(72h)}}));
        ASSERT_EQ(raised.status, 201U) << raised.body;
        const std::string action{raised.json().at("id").as_string()};
        advance(1h);
        send(worker, episode, "actions/" + action + "/complete", {{"outcome", t.action_outcome}});
        advance(1h);
        send(worker, episode, "close", {{"summary", t.summary}});
    }

    // The due child, with every kind of record: two episodes (one closed, one cancelled), an
    // interview, an action, a person of concern, a profile and a photograph.
    void record_due_child() {
        due = child(given_name, family_name, born);
        due_episode = report_at(due, "Harbour Bus Station", free_text[0]);
        const auto linked =
            post(worker, "/api/v1/episodes/" + due_episode + "/entities",
                 json::serialize(json::object{{"kind", "person"},
                                              {"label", free_text[12]},
                                              {"details", {{"description", free_text[13]}}},
                                              {"link", "seen_with"}}));
        ASSERT_TRUE(linked.status == 201U || linked.status == 200U) << linked.body;
        close_episode(due_episode, {free_text[1], free_text[2], free_text[3], free_text[4],
                                    free_text[5], free_text[6], free_text[7], free_text[8]});
        advance(1h);
        const auto second = report_at(due, "Harbour Bus Station", "Left the placement at night");
        send(police, second, "cancel", {{"reason", free_text[9]}});
        request_options options;
        options.token = worker.token;
        const auto profile =
            https_call(port_, "PUT", "/api/v1/children/" + due + "/profile",
                       json::serialize(json::object{{"distinguishing_marks", free_text[10]},
                                                    {"places", free_text[11]},
                                                    {"completed_by", "Ann Fosterling"},
                                                    {"completed_on", "2026-03-01"}}),
                       options);
        ASSERT_EQ(profile.status, 201U) << profile.body;
        execute("insert into child_photos (child_id, content_type, data, thumbnail, width, "
                "height, updated_at, updated_by) values (" +
                literal(due) + ", 'image/png', '\\x89504e47', '\\x89504e47', 1, 1, now(), " +
                literal(worker.id) + ")");
    }

    // A second child, 17 in March 2026, seen at the same bus station (a public place): not due
    // until their 25th birthday.
    void record_young_child() {
        clock_.set(utc("2026-03-05T09:00:00Z"));
        young = child("Orrin", "Castellane", "2009-01-10");
        young_episode = report_at(young, "Harbour Bus Station", "Missed the last bus home");
        close_episode(young_episode,
                      {"Harbour Bus Station", "Placement", "Friends house", "Friends",
                       "Wants to stay", "School nurse", "Seen", "Home and settled"});
    }

    // Born in 2001 like the due child, but under a legal hold (one cancelled report), and one
    // with an episode still open: neither is anonymised.
    void record_held_and_open_children() {
        held = child("Held", "Tamsin-Okoro", born);
        const auto held_episode = report_at(held, "Market Square", "Walked out of school");
        send(police, held_episode, "cancel", {{"reason", "Reported twice"}});
        request_options options;
        options.token = dpo.token;
        const auto hold = https_call(port_, "PUT", "/api/v1/children/" + held + "/legal-hold",
                                     R"({"reason":"Civil claim about the placement"})", options);
        ASSERT_EQ(hold.status, 200U) << hold.body;
        open = child("Still", "Missing-Okoro", born);
        report_at(open, "Market Square", "Not seen since Friday");
    }

    void record_scenario() {
        record_due_child();
        record_young_child();
        record_held_and_open_children();
    }

    // A child's rows, as a digest: what a run must leave exactly as it was.
    static std::string digest_of(const std::string& child_id) {
        return text("select md5(concat((select row(c.*)::text from children c where c.id = " +
                    literal(child_id) +
                    "), (select string_agg(row(e.*)::text, ',' order by e.id) from episodes e "
                    "where e.child_id = " +
                    literal(child_id) +
                    "), (select string_agg(row(i.*)::text, ',' order by i.episode_id) from "
                    "interviews i join episodes e on e.id = i.episode_id where e.child_id = " +
                    literal(child_id) +
                    "), (select string_agg(row(a.*)::text, ',' order by a.id) from actions a "
                    "join episodes e on e.id = a.episode_id where e.child_id = " +
                    literal(child_id) +
                    "), (select string_agg(row(h.*)::text, ',' order by h.episode_id, h.version) "
                    "from episode_history h join episodes e on e.id = h.episode_id where "
                    "e.child_id = " +
                    literal(child_id) +
                    "), (select string_agg(row(p.*)::text, ',' order by p.version) from "
                    "child_profiles p where p.child_id = " +
                    literal(child_id) + ")))");
    }

    long long anonymised_entries(const std::string& child_id) {
        return count_where("audit_events",
                           "action = 'child.anonymised' and entity_id = " + literal(child_id));
    }

    // The figures of March 2026 as lines (rank apart: a tie between places is broken by their
    // names), a pseudonymised place's key and label written as the job writes them.
    std::vector<std::string> figures(const std::map<std::string, std::string>& renamed = {}) {
        const auto reply = get(manager, "/api/v1/stats?from=2026-03-01&to=2026-03-31");
        EXPECT_EQ(reply.status, 200U) << reply.body;
        std::vector<std::string> lines;
        if (reply.status != 200) {
            return lines;
        }
        const auto body = reply.json();
        for (const auto& figure : body.at("figures").as_array()) {
            auto o = figure.as_object();
            o.erase("rank");
            for (const char* name : {"key", "label"}) {
                if (o.contains(name) && o.at(name).is_string()) {
                    const std::string value{o.at(name).as_string()};
                    if (const auto found = renamed.find(value); found != renamed.end()) {
                        o[name] = found->second;
                    }
                }
            }
            lines.push_back(json::serialize(o));
        }
        std::sort(lines.begin(), lines.end());
        return lines;
    }

    std::string statutory_return() {
        const auto reply =
            get(manager, "/api/v1/exports/statutory-return?from=2026-03-01&to=2026-03-31");
        EXPECT_EQ(reply.status, 200U) << reply.body;
        return reply.body;
    }

    // The authority's own rule: 25 years of age or `years` after the last episode closed.
    void keep_for_years(int years) {
        request_options options;
        options.token = dpo.token;
        const auto set = https_call(port_, "PUT", "/api/v1/retention/policy",
                                    R"({"keep_until_age":25,"years_after_last_closed":)" +
                                        std::to_string(years) + "}",
                                    options);
        ASSERT_EQ(set.status, 200U) << set.body;
    }

    json::array due_items(const test_user& who, const std::string& query) {
        const auto reply = get(who, "/api/v1/retention/due" + query);
        EXPECT_EQ(reply.status, 200U) << reply.body;
        return reply.status == 200 ? reply.json().at("items").as_array() : json::array{};
    }

    static const json::object* item_of(const json::array& items, const std::string& child_id) {
        for (const auto& item : items) {
            if (item.at("child_id").as_string() == child_id) {
                return &item.as_object();
            }
        }
        return nullptr;
    }

    std::string tag, given_name, family_name;
    std::vector<std::string> free_text;
    test_org force, authority, other;
    test_user police, worker, manager, champion, dpo, admin, other_dpo;
    std::string due, due_episode, young, young_episode, held, open;
};

// ---- what falls due ------------------------------------------------------------------------

TEST_F(retention_over_https, the_due_list_shows_each_child_by_its_rule_and_holds_as_held) {
    // The authority keeps records 9 years after the last episode closed (so that the job another
    // test runs as of 2033 finds none of this test's children due).
    keep_for_years(9);
    record_scenario();
    ASSERT_FALSE(HasFatalFailure());
    // A child with no episode: due at 25.
    const auto never_missing = child("Nova", "Castellane", "2010-06-01");
    // Within ten years of March 2026: the due child at 9 years after their last episode closed
    // (later than their 25th birthday), the held child the same but held, the 17-year-old too
    // (their 25th birthday is earlier), the child with no episode at 25; the child with an
    // episode open never.
    const auto items = due_items(dpo, "?days=3650&limit=500");
    const auto* d = item_of(items, due);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->at("due_on").as_string(), "2035-03-02");
    EXPECT_EQ(d->at("rule").as_string(), "after_last_closed");
    EXPECT_EQ(d->at("status").as_string(), "due");
    EXPECT_FALSE(d->at("legal_hold").as_bool());
    EXPECT_EQ(d->at("keep_until_age").as_int64(), 25);
    EXPECT_EQ(d->at("years_after_last_closed").as_int64(), 9);
    EXPECT_EQ(d->at("authority").at("code").as_string(), authority.code);
    const auto* h = item_of(items, held);
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->at("status").as_string(), "held");
    EXPECT_TRUE(h->at("legal_hold").as_bool());
    EXPECT_EQ(h->at("due_on").as_string(), "2035-03-05");
    const auto* y = item_of(items, young);
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(y->at("due_on").as_string(), "2035-03-05");
    EXPECT_EQ(y->at("rule").as_string(), "after_last_closed");
    const auto* n = item_of(items, never_missing);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->at("due_on").as_string(), "2035-06-01");
    EXPECT_EQ(n->at("rule").as_string(), "age");
    EXPECT_EQ(item_of(items, open), nullptr);
    EXPECT_EQ(items.size(), 4U);
    // 90 days, the default: none of them.
    EXPECT_TRUE(due_items(dpo, "").empty());
    EXPECT_TRUE(due_items(dpo, "?days=90").empty());
    // Paged like the other lists: one at a time, soonest first (the due child, then the other two
    // on the same day).
    const auto first = get(dpo, "/api/v1/retention/due?days=3650&limit=1");
    ASSERT_EQ(first.status, 200U) << first.body;
    ASSERT_TRUE(first.json().at("next_cursor").is_string());
    const auto second = get(dpo, "/api/v1/retention/due?days=3650&limit=1&cursor=" +
                                     std::string{first.json().at("next_cursor").as_string()});
    ASSERT_EQ(second.status, 200U) << second.body;
    EXPECT_EQ(first.json().at("items").at(0).at("child_id").as_string(), due);
    ASSERT_TRUE(second.json().at("next_cursor").is_string());
    const auto third = get(dpo, "/api/v1/retention/due?days=3650&limit=1&cursor=" +
                                    std::string{second.json().at("next_cursor").as_string()});
    ASSERT_EQ(third.status, 200U) << third.body;
    std::set<std::string> paged{
        std::string{second.json().at("items").at(0).at("child_id").as_string()},
        std::string{third.json().at("items").at(0).at("child_id").as_string()}};
    EXPECT_EQ(paged, (std::set<std::string>{young, held}));
    // Audited as a read of the children listed.
    EXPECT_GE(
        count_where("audit_events", "action = 'retention.due' and actor_id = " + literal(dpo.id) +
                                        " and detail -> 'child_ids' ? " + literal(due)),
        1);
}

TEST_F(retention_over_https, the_due_list_is_the_data_protection_officers_of_their_own_authority) {
    keep_for_years(9);
    record_scenario();
    ASSERT_FALSE(HasFatalFailure());
    EXPECT_TRUE(due_items(other_dpo, "?days=3650").empty());
    for (const auto* who : {&police, &worker, &manager, &champion, &admin}) {
        const auto reply = get(*who, "/api/v1/retention/due?days=3650");
        EXPECT_EQ(reply.status, 403U) << who->username << ": " << reply.body;
    }
    for (const char* days : {"-1", "3651", "ninety", "9.5", "1e3"}) {
        const auto reply = get(dpo, std::string{"/api/v1/retention/due?days="} + days);
        ASSERT_EQ(reply.status, 400U) << days << ": " << reply.body;
        EXPECT_EQ(reply.json().at("errors").at(0).at("field").as_string(), "days");
    }
}

TEST_F(retention_over_https, an_authority_sets_its_own_rule_and_it_governs_its_children) {
    const auto deployment = get(dpo, "/api/v1/retention/policy");
    ASSERT_EQ(deployment.status, 200U) << deployment.body;
    EXPECT_EQ(deployment.json().at("source").as_string(), "deployment");
    EXPECT_EQ(deployment.json().at("keep_until_age").as_int64(), 25);
    EXPECT_EQ(deployment.json().at("years_after_last_closed").as_int64(), 6);
    request_options options;
    options.token = dpo.token;
    const auto set = https_call(port_, "PUT", "/api/v1/retention/policy",
                                R"({"keep_until_age":21,"years_after_last_closed":8})", options);
    ASSERT_EQ(set.status, 200U) << set.body;
    EXPECT_EQ(set.json().at("source").as_string(), "authority");
    record_scenario();
    ASSERT_FALSE(HasFatalFailure());
    const auto listed = due_items(dpo, "?days=3650");
    const auto* d = item_of(listed, due);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->at("due_on").as_string(), "2034-03-02");
    EXPECT_EQ(d->at("years_after_last_closed").as_int64(), 8);
    EXPECT_EQ(count_where("audit_events",
                          "action = 'retention.policy_set' and actor_id = " + literal(dpo.id)),
              1);
    // Another authority's rule is untouched: still the deployment's.
    const auto theirs = get(other_dpo, "/api/v1/retention/policy");
    EXPECT_EQ(theirs.json().at("source").as_string(), "deployment");
    // Bad values name their field and change nothing; other roles may not.
    const auto bad =
        https_call(port_, "PUT", "/api/v1/retention/policy",
                   R"({"keep_until_age":-1,"years_after_last_closed":"six"})", options);
    ASSERT_EQ(bad.status, 422U) << bad.body;
    EXPECT_THAT(bad.body, HasSubstr("keep_until_age"));
    EXPECT_THAT(bad.body, HasSubstr("years_after_last_closed"));
    options.token = worker.token;
    EXPECT_EQ(https_call(port_, "PUT", "/api/v1/retention/policy",
                         R"({"keep_until_age":18,"years_after_last_closed":0})", options)
                  .status,
              403U);
    EXPECT_EQ(get(dpo, "/api/v1/retention/policy").json().at("keep_until_age").as_int64(), 21);
}

// ---- the job -------------------------------------------------------------------------------
// One test runs the job (it anonymises every child past the line, whichever test made it): the
// other tests' children are not past it as of 2033.

TEST_F(retention_over_https,
       the_job_anonymises_exactly_the_child_past_the_line_and_leaves_nothing_identifying) {
    record_scenario();
    ASSERT_FALSE(HasFatalFailure());
    // The figures as they are, a private place's key and label written as its pseudonym.
    const auto pseudonym = [](const std::string& place) {
        return text("select 'place ' || left(md5(hw_place_key(" + literal(place) + ")), 12)");
    };
    const auto key_of = [](const std::string& place) {
        return text("select hw_place_key(" + literal(place) + ")");
    };
    const auto figures_before = figures({{key_of(free_text[1]), pseudonym(free_text[1])},
                                         {free_text[1], pseudonym(free_text[1])},
                                         {key_of(free_text[3]), pseudonym(free_text[3])},
                                         {free_text[3], pseudonym(free_text[3])}});
    ASSERT_FALSE(figures_before.empty());
    const auto return_before = statutory_return();
    const std::set<std::string> ours{due, young, held, open};
    std::map<std::string, std::string> before;
    for (const auto& id : ours) {
        before[id] = digest_of(id);
    }

    // The dry run lists the due child alone (of this scenario's) and changes nothing.
    const auto dry = homeward({"retention", "run", "--dry-run", "--as-of", as_of});
    ASSERT_EQ(dry.code, 0) << dry.err;
    std::set<std::string> listed;
    for (const auto& id : children_logged(dry.out, "retention_due")) {
        if (ours.contains(id)) {
            listed.insert(id);
        }
    }
    EXPECT_EQ(listed, std::set<std::string>{due});
    EXPECT_THAT(dry.out, HasSubstr("\"rule\":\"after_last_closed\""));
    for (const auto& id : ours) {
        EXPECT_EQ(digest_of(id), before[id]) << id;
    }
    EXPECT_EQ(anonymised_entries(due), 0);
    EXPECT_EQ(count_where("child_photos", "child_id = " + literal(due)), 1);
    const auto kept = get(worker, "/api/v1/children/" + due);
    ASSERT_EQ(kept.status, 200U) << kept.body;
    EXPECT_TRUE(kept.json().at("anonymised_at").is_null()) << kept.body;

    // The real run anonymises it, writes its one audit entry and leaves the others as they were.
    const auto real = homeward({"retention", "run", "--as-of", as_of});
    ASSERT_EQ(real.code, 0) << real.err;
    EXPECT_TRUE(children_logged(real.out, "retention_anonymised").contains(due)) << real.out;
    EXPECT_EQ(anonymised_entries(due), 1);
    const auto entry = text("select detail::text || coalesce(actor_id::text, '-') || "
                            "organisation_id::text from audit_events where action = "
                            "'child.anonymised' and entity_id = " +
                            literal(due));
    EXPECT_THAT(entry, HasSubstr("\"rule\": \"after_last_closed\""));
    EXPECT_THAT(entry, HasSubstr(authority.id));
    EXPECT_THAT(entry, Not(HasSubstr(tag)));
    for (const auto& id : {young, held, open}) {
        EXPECT_EQ(digest_of(id), before[id]) << id;
        EXPECT_EQ(anonymised_entries(id), 0) << id;
    }
    EXPECT_EQ(text("select given_name || ' ' || family_name || ' ' || (anonymised_at is not "
                   "null) from children where id = " +
                   literal(due)),
              "Anonymised Anonymised true");
    // The child's answer says when, for the social worker who opens it afterwards.
    const auto read_after = get(worker, "/api/v1/children/" + due);
    ASSERT_EQ(read_after.status, 200U) << read_after.body;
    const auto body = read_after.json();
    EXPECT_EQ(body.at("given_name").as_string(), "Anonymised");
    EXPECT_EQ(std::string{body.at("anonymised_at").as_string()},
              text("select to_char(anonymised_at at time zone 'UTC', "
                   "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from children where id = " +
                   literal(due)));
    EXPECT_EQ(count_where("child_photos", "child_id = " + literal(due)), 0);
    EXPECT_EQ(count_where(
                  "episode_entities",
                  "episode_id in (select id from episodes where child_id = " + literal(due) + ")"),
              0);
    EXPECT_EQ(count_where("entity_children", "child_id = " + literal(due)), 0);
    // Counts, states, times and clocks are kept.
    EXPECT_EQ(count_where("episodes", "child_id = " + literal(due)), 2);
    EXPECT_EQ(state_of(due_episode), "closed");
    // The public place is kept as written; the private ones under a pseudonym.
    EXPECT_EQ(text("select last_seen_location from episodes where id = " + literal(due_episode)),
              "Harbour Bus Station");
    EXPECT_EQ(text("select found_location from episodes where id = " + literal(due_episode)),
              pseudonym(free_text[1]));

    // The figures are those of before: the private places counted as they were, under their
    // pseudonyms.
    EXPECT_EQ(figures(), figures_before);
    EXPECT_EQ(statutory_return(), return_before);

    // Nothing identifying is left anywhere in the database.
    const auto dump = output_of("pg_dump --no-owner '" + database_url() + "'");
    ASSERT_THAT(dump, HasSubstr("CREATE TABLE public.children"));
    EXPECT_EQ(lines_with(dump, given_name), "");
    EXPECT_EQ(lines_with(dump, family_name), "");
    EXPECT_EQ(lines_with(dump, given_name + "\t" + family_name + "\t" + born), "");
    // Nor, whatever its case, anything written about them (the tag alone is in no other row).
    EXPECT_EQ(lines_with(dump, tag), "");
    for (const auto& text : free_text) {
        EXPECT_EQ(lines_with(dump, text), "") << text;
    }
    // The held child is kept whole.
    EXPECT_THAT(dump, HasSubstr("Tamsin-Okoro"));

    // Running again changes nothing.
    const auto after = digest_of(due);
    const auto again = homeward({"retention", "run", "--as-of", as_of});
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_FALSE(children_logged(again.out, "retention_anonymised").contains(due));
    EXPECT_EQ(digest_of(due), after);
    EXPECT_EQ(anonymised_entries(due), 1);
    // And what is due no longer lists it.
    const auto still_due = due_items(dpo, "?days=3650");
    EXPECT_EQ(item_of(still_due, due), nullptr);

    // Two runs at once (as two serve processes would) anonymise a child once.
    record_due_child();
    ASSERT_FALSE(HasFatalFailure());
    const auto day = *workflow::parse_date(as_of);
    std::vector<std::size_t> anonymised(2, 0);
    std::vector<std::thread> runs;
    for (std::size_t i = 0; i < 2; ++i) {
        runs.emplace_back([&, i] {
            const auto report = services::run_retention(*env_, day, false);
            anonymised[i] = static_cast<std::size_t>(std::count_if(
                report.children.begin(), report.children.end(),
                [&](const db::retention::due_child& c) { return c.child_id == due; }));
        });
    }
    for (auto& run : runs) {
        run.join();
    }
    EXPECT_EQ(anonymised[0] + anonymised[1], 1U);
    EXPECT_EQ(anonymised_entries(due), 1);
}

TEST_F(retention_over_https, the_command_line_refuses_a_malformed_date) {
    const auto bad = homeward({"retention", "run", "--as-of", "June"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_THAT(bad.err, HasSubstr("--as-of"));
}

} // namespace
} // namespace homeward::testing
