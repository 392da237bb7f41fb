// The figures (GET /api/v1/stats) over real HTTPS, against a scenario whose every figure was
// computed by hand: episodes reported either side of midnight in London's summer time, an episode
// reported in one month and returned in the next, an interview held exactly at 72 h, a child of
// one authority placed in another, an away episode and a cancelled report that counts nowhere.
// Also: who may read the figures, whose figures they are, malformed queries and the CSV.

#include "csv_parse.hpp"
#include "https_fixture.hpp"

#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <map>
#include <optional>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using std::nullopt;
using value = std::optional<double>;

workflow::time_point utc(const char* text) {
    const auto at = workflow::parse_rfc3339(text);
    EXPECT_TRUE(at) << text;
    return at.value_or(workflow::time_point{});
}

json::object interview_body(const char* at, const char* risk, json::array indicators,
                            const char* stayed) {
    return json::object{{"conducted_at", at},
                        {"location", "Placement"},
                        {"where_stayed", stayed},
                        {"with_whom", "Friends"},
                        {"push_factors", json::array{"placement_problems"}},
                        {"pull_factors", json::array{"gifts"}},
                        {"harm_disclosed", false},
                        {"indicators", std::move(indicators)},
                        {"cse_risk", risk},
                        {"risk_rationale", "Judged on the whole account"},
                        {"child_views", "Wants to stay"},
                        {"police_intelligence", "None"}};
}

class stats_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        // Sessions that outlive the scenario's months of injected time.
        auto rules = test_rules();
        rules.idle = std::chrono::hours{24 * 1000};
        rules.absolute = std::chrono::hours{24 * 1000};
        restart(rules, {});
        clock_.set(utc("2026-03-01T09:00:00Z"));
        force = make_org(workflow::organisation_kind::police);
        authority = make_org(workflow::organisation_kind::local_authority);
        host = make_org(workflow::organisation_kind::local_authority);
        police = make_user(workflow::role::police, force);
        worker = make_user(workflow::role::social_worker, authority);
        manager = make_user(workflow::role::manager, authority);
        champion = make_user(workflow::role::cse_champion, authority);
        admin = make_user(workflow::role::admin, authority);
        host_manager = make_user(workflow::role::manager, host);
        host_champion = make_user(workflow::role::cse_champion, host);
    }

    std::string child(const test_user& by, const test_org& responsible,
                      std::optional<test_org> placed_in, bool looked_after,
                      const char* family_name) {
        json::object body{
            {"given_name", "Sam"},           {"family_name", family_name},
            {"date_of_birth", "2011-05-04"}, {"sex", "unknown"},
            {"looked_after", looked_after},  {"responsible_authority", responsible.code}};
        if (placed_in) {
            body["host_authority"] = placed_in->code;
        }
        return post_child(by, body);
    }

    // Reported by police at `at` (the clock is moved there), last seen an hour before.
    std::string report(const std::string& child_id, const char* at, const char* place,
                       const char* kind = "missing") {
        clock_.set(utc(at));
        const auto reply =
            post(police, "/api/v1/episodes",
                 json::serialize(json::object{{"child_id", child_id},
                                              {"last_seen_at", clock_.at(-1h)},
                                              {"last_seen_location", place},
                                              {"circumstances", "Did not come home"},
                                              {"risk_level", "medium"},
                                              {"police_reference", "REF-" + random_hex(6)},
                                              {"missing_or_away", kind}}));
        EXPECT_EQ(reply.status, 201U) << reply.body;
        return reply.status == 201 ? std::string{reply.json().at("id").as_string()} : "";
    }

    // An event recorded at `at` (the clock is moved there).
    void event(const test_user& who, const std::string& episode, const char* name, const char* at,
               json::object body) {
        clock_.set(utc(at));
        const auto reply =
            post(who, "/api/v1/episodes/" + episode + "/" + name, json::serialize(body));
        EXPECT_EQ(reply.status, 200U) << name << " " << reply.body;
    }
    void returned(const std::string& episode, const char* at, const char* found) {
        event(police, episode, "return", at,
              {{"returned_at", at}, {"found_location", found}, {"returned_to", "Home"}});
    }
    void offered(const std::string& episode, const char* at) {
        event(worker, episode, "interview-offer", at,
              {{"offered_at", at}, {"scheduled_for", at}, {"independent", true}});
    }

    // The scenario. Period 2026-06-01..2026-07-31 in Europe/London (summer time, UTC+1): from
    // 2026-05-31T23:00Z to 2026-07-31T23:00Z; the previous period, 61 days before, 2026-04-01..
    // 2026-05-31: from 2026-03-31T23:00Z.
    void build_scenario() {
        repeat = child(worker, authority, nullopt, true, "Repeat"); // C1: three episodes in June
        away = child(worker, authority, nullopt, false, "Away");    // C2: not looked after
        placed = child(worker, authority, host, true, "Placed");    // C3: ours, placed in host
        hosted = child(host_manager, host, authority, false, "Hosted"); // C4: placed with us

        // The previous period: C2, three reports within 90 days (a repeat child then).
        const auto e10 = report(away, "2026-04-10T10:00:00Z", "market square.");
        returned(e10, "2026-04-10T12:00:00Z", "Market Square");
        event(worker, e10, "interview", "2026-04-11T00:00:00Z",
              interview_body("2026-04-11T00:00:00Z", "none", {}, "Friends house")); // 12 h
        const auto e8 = report(away, "2026-05-10T10:00:00Z", "Market Square");
        returned(e8, "2026-05-10T20:00:00Z", "Market Square");
        event(worker, e8, "interview", "2026-05-12T20:00:00Z",
              interview_body("2026-05-12T20:00:00Z", "low", {"going_missing_repeatedly"},
                             "kirk street flat")); // 48 h
        // 23:30 in London on 31 May: the previous period, though returned in this one.
        e9 = report(away, "2026-05-31T22:30:00Z", "bus station");
        // 00:30 in London on 1 June: this period.
        e1 = report(repeat, "2026-05-31T23:30:00Z", "Bus Station");
        returned(e9, "2026-06-01T08:00:00Z", "Park"); // never offered nor interviewed
        event(manager, e9, "assign", "2026-06-01T08:00:00Z", {{"worker_id", worker.id}});
        returned(e1, "2026-06-01T10:00:00Z", "Leeds Railway Station");
        offered(e1, "2026-06-01T12:00:00Z"); // 2 h: within the offer clock
        event(worker, e1, "interview", "2026-06-04T10:00:00Z",
              interview_body("2026-06-04T10:00:00Z", "medium",
                             {"going_missing_repeatedly", "older_boyfriend_or_girlfriend"},
                             "Kirk Street flat")); // exactly 72 h: within
        const auto cancelled = report(placed, "2026-06-05T10:00:00Z", "Bus Station");
        event(police, cancelled, "cancel", "2026-06-05T11:00:00Z", {{"reason", "In error"}});
        e2 = report(repeat, "2026-06-15T09:00:00Z", "bus station ");
        returned(e2, "2026-06-15T20:00:00Z", "leeds railway station");
        offered(e2, "2026-06-17T08:00:00Z"); // 36 h: late
        event(worker, e2, "interview", "2026-06-19T20:00:00Z",
              interview_body("2026-06-19T20:00:00Z", "high", {"going_missing_repeatedly"},
                             "Kirk Street Flat")); // 96 h: late
        const auto e7 = report(hosted, "2026-06-20T10:00:00Z", "Bus Station");
        returned(e7, "2026-06-20T18:00:00Z", "Park");
        // 23:30 in London on 30 June: June; returned in July.
        e3 = report(repeat, "2026-06-30T22:30:00Z", "The Bus Station");
        returned(e3, "2026-07-02T10:00:00Z", "Park");
        event(worker, e3, "interview-declined", "2026-07-03T10:00:00Z",
              {{"declined_at", "2026-07-03T10:00:00Z"}, {"reason", "Did not want to talk"}});
        // C1's third report in 30 days opened a review, due 7 days later: held on time.
        clock_.set(utc("2026-07-05T10:00:00Z"));
        EXPECT_EQ(post(manager, "/api/v1/children/" + repeat + "/repeat-missing-review",
                       json::serialize(
                           json::object{{"held_at", "2026-07-05T10:00:00Z"}, {"notes", "Met"}}))
                      .status,
                  200U);
        e4 = report(away, "2026-07-10T12:00:00Z", "Shopping Centre", "away");
        returned(e4, "2026-07-11T12:00:00Z", "Shopping Centre");
        offered(e4, "2026-07-11T13:00:00Z");
        event(worker, e4, "interview", "2026-07-12T12:00:00Z",
              interview_body("2026-07-12T12:00:00Z", "none", {}, "Friend's house")); // 24 h
        // 23:30 in London on 31 July: this period, still missing at its end.
        e5 = report(placed, "2026-07-31T22:30:00Z", "Bus Station");
        // 00:30 in London on 1 August: after the period.
        report(away, "2026-07-31T23:30:00Z", "Bus Station");
        clock_.set(utc("2026-08-05T09:00:00Z"));
    }

    using figure_map = std::map<std::string, std::pair<json::value, json::value>>;

    static figure_map figures_of(const json::value& body) {
        figure_map found;
        for (const auto& row : body.at("figures").as_array()) {
            const auto& r = row.as_object();
            const std::string key = std::string{r.at("figure").as_string()} + "|" +
                                    std::string{r.at("group").as_string()} + "|" +
                                    std::string{r.at("key").as_string()} + "|" +
                                    std::string{r.at("measure").as_string()};
            found[key] = {r.at("current"), r.at("previous")};
        }
        return found;
    }

    static void expect_value(const json::value& actual, value expected, const std::string& what) {
        if (!expected) {
            EXPECT_TRUE(actual.is_null()) << what << " is " << json::serialize(actual);
            return;
        }
        ASSERT_TRUE(actual.is_number()) << what << " is " << json::serialize(actual);
        EXPECT_NEAR(actual.to_number<double>(), *expected, 1e-9) << what;
    }

    static void expect(const figure_map& figures, const std::string& figure,
                       const std::string& group, const std::string& key, const std::string& measure,
                       value current, value previous) {
        const std::string name = figure + "|" + group + "|" + key + "|" + measure;
        const auto it = figures.find(name);
        ASSERT_NE(it, figures.end()) << name << " is missing";
        expect_value(it->second.first, current, name + " (current)");
        expect_value(it->second.second, previous, name + " (previous)");
    }

    static constexpr const char* period = "/api/v1/stats?from=2026-06-01&to=2026-07-31";

    test_org force, authority, host;
    test_user police, worker, manager, champion, admin, host_manager, host_champion;
    std::string repeat, away, placed, hosted, e1, e2, e3, e4, e5, e9;
};

TEST_F(stats_over_https, every_figure_matches_the_hand_computed_scenario) {
    build_scenario();
    const auto reply = get(champion, period);
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    EXPECT_EQ(body.at("period").at("from").as_string(), "2026-06-01");
    EXPECT_EQ(body.at("period").at("to").as_string(), "2026-07-31");
    EXPECT_EQ(body.at("previous_period").at("from").as_string(), "2026-04-01");
    EXPECT_EQ(body.at("previous_period").at("to").as_string(), "2026-05-31");
    EXPECT_EQ(body.at("time_zone").as_string(), "Europe/London");
    EXPECT_EQ(body.at("policy").at("interview_held_hours").as_int64(), 72);
    const auto f = figures_of(body);
    const std::string r = "responsible";
    const std::string h = "hosted";

    // Counted episodes: E1, E2, E3 (C1), E4 (C2, away), E5 (C3); not the cancelled report, not
    // the report of 00:30 on 1 August. Before: E10, E8, E9 (C2).
    expect(f, "episodes", r, "", "episodes", 5, 3);
    expect(f, "episodes", r, "", "children", 3, 1);
    expect(f, "episodes", h, "", "episodes", 1, 0); // E7: the host's child placed with us
    expect(f, "episodes", h, "", "children", 1, 0);
    // By month in London: E1 at 00:30 on 1 June and E3 at 23:30 on 30 June are June's.
    expect(f, "episodes_by_month", r, "2026-04", "episodes", nullopt, 1);
    expect(f, "episodes_by_month", r, "2026-05", "episodes", nullopt, 2);
    expect(f, "episodes_by_month", r, "2026-06", "episodes", 3, nullopt);
    expect(f, "episodes_by_month", r, "2026-06", "children", 1, nullopt);
    expect(f, "episodes_by_month", r, "2026-07", "episodes", 2, nullopt);
    expect(f, "episodes_by_month", r, "2026-07", "children", 2, nullopt);
    expect(f, "episodes_by_month", h, "2026-06", "episodes", 1, nullopt);
    expect(f, "absence", r, "missing", "episodes", 4, 3);
    expect(f, "absence", r, "away", "episodes", 1, 0);
    expect(f, "looked_after", r, "", "episodes", 4, 0);
    expect(f, "looked_after", r, "", "episodes_share", 0.8, 0);
    expect(f, "looked_after", r, "", "children", 2, 0);
    expect(f, "looked_after", r, "", "children_share", 2.0 / 3.0, 0);
    expect(f, "looked_after", h, "", "episodes_share", 0, nullopt);
    expect(f, "repeat_children", r, "", "children", 1, 1);
    expect(f, "repeat_child", r, repeat, "episodes", 3, 0);
    // Returns in the period: E9 (reported before it), E1, E2, E3, E4.
    expect(f, "returns", r, "", "episodes", 5, 2);
    expect(f, "returns", h, "", "episodes", 1, 0);
    expect(f, "interviews", r, "offered", "episodes", 3, 0);
    expect(f, "interviews", r, "held", "episodes", 3, 2);
    expect(f, "interviews", r, "declined", "episodes", 1, 0);
    // Offered within 24 h of return: E1 and E4 of the five returns.
    expect(f, "offered_within_standard", r, "", "episodes", 2, 0);
    expect(f, "offered_within_standard", r, "", "share", 0.4, 0);
    // Held within 72 h: E1 (exactly 72 h) and E4 (24 h), not E2 (96 h); before, 12 h and 48 h.
    expect(f, "held_within_standard", r, "", "interviews", 2, 2);
    expect(f, "held_within_standard", r, "", "share", 2.0 / 3.0, 1);
    // Hours 24, 72, 96: median 72, p90 72 + 0.8 × 24; before 12 and 48: median 30, p90 44.4.
    expect(f, "hours_to_interview", r, "", "median", 72, 30);
    expect(f, "hours_to_interview", r, "", "p90", 91.2, 44.4);
    expect(f, "hours_to_interview", h, "", "median", nullopt, nullopt);
    expect(f, "cse_risk", r, "none", "interviews", 1, 1);
    expect(f, "cse_risk", r, "low", "interviews", 0, 1);
    expect(f, "cse_risk", r, "medium", "interviews", 1, 0);
    expect(f, "cse_risk", r, "high", "interviews", 1, 0);
    expect(f, "indicators", r, "going_missing_repeatedly", "episodes", 2, 1);
    expect(f, "indicators", r, "older_boyfriend_or_girlfriend", "episodes", 1, 0);
    expect(f, "repeat_reviews", r, "", "due", 1, 0);
    expect(f, "repeat_reviews", r, "", "on_time", 1, 0);
    expect(f, "repeat_reviews", r, "", "share", 1, nullopt);
    // "Bus Station", "bus station ", "The Bus Station" are one place.
    expect(f, "hot_spots_last_seen", r, "bus station", "episodes", 4, 1);
    expect(f, "hot_spots_last_seen", r, "bus station", "children", 2, 1);
    expect(f, "hot_spots_last_seen", r, "shopping centre", "episodes", 1, 0);
    expect(f, "hot_spots_last_seen", r, "market square", "episodes", 0, 2);
    expect(f, "hot_spots_last_seen", h, "bus station", "episodes", 1, 0);
    expect(f, "hot_spots_found", r, "leeds railway station", "episodes", 2, 0);
    expect(f, "hot_spots_found", r, "leeds railway station", "children", 1, 0);
    expect(f, "hot_spots_found", r, "park", "episodes", 1, 1);
    expect(f, "hot_spots_found", r, "market square", "episodes", 0, 2);
    expect(f, "hot_spots_stayed", r, "kirk street flat", "episodes", 2, 1);
    expect(f, "hot_spots_stayed", r, "friends house", "episodes", 1, 1);
    // At the period's end E9's offer and interview were overdue (held by the assigned worker);
    // at the previous period's end nothing was.
    expect(f, "overdue_by_kind", r, "interview_offered", "clocks", 1, 0);
    expect(f, "overdue_by_kind", r, "interview_held", "clocks", 1, 0);
    expect(f, "overdue_by_worker", r, worker.id, "clocks", 2, 0);
    expect(f, "overdue_by_team", r, "", "clocks", 2, 0);

    // Ranks: places by episodes, then children; the label is the spelling used most.
    for (const auto& row : body.at("figures").as_array()) {
        const auto& o = row.as_object();
        if (o.at("figure").as_string() == "hot_spots_last_seen" && o.at("group").as_string() == r &&
            o.at("measure").as_string() == "episodes") {
            if (o.at("key").as_string() == "bus station") {
                EXPECT_EQ(o.at("rank").as_int64(), 1);
                EXPECT_EQ(o.at("label").as_string(), "Bus Station");
            }
            if (o.at("key").as_string() == "shopping centre") {
                EXPECT_EQ(o.at("rank").as_int64(), 2);
            }
        }
        if (o.at("figure").as_string() == "indicators" &&
            o.at("key").as_string() == "going_missing_repeatedly") {
            EXPECT_EQ(o.at("label").as_string(), "Going missing repeatedly");
            EXPECT_EQ(o.at("rank").as_int64(), 1);
        }
        if (o.at("figure").as_string() == "repeat_child") {
            EXPECT_EQ(o.at("label").as_string(), "Sam Repeat");
        }
    }

    // The same figures as CSV, parsed back by Python's csv module: one row per figure, equal.
    request_options csv_options;
    csv_options.token = champion.token;
    csv_options.headers["Accept"] = "text/csv";
    const auto csv = https_call(port_, "GET", period, "", csv_options);
    ASSERT_EQ(csv.status, 200U) << csv.body;
    EXPECT_THAT(csv.header("content-type"), ::testing::StartsWith("text/csv"));
    const auto rows = parse_csv(csv.body);
    ASSERT_EQ(rows.size(), body.at("figures").as_array().size() + 1);
    EXPECT_EQ(rows[0].at(0), "figure");
    std::size_t index = 1;
    for (const auto& row : body.at("figures").as_array()) {
        const auto& o = row.as_object();
        const auto& line = rows[index++];
        ASSERT_EQ(line.size(), 12U);
        EXPECT_EQ(line[0], o.at("figure").as_string());
        EXPECT_EQ(line[1], o.at("group").as_string());
        EXPECT_EQ(line[2], o.at("key").as_string());
        EXPECT_EQ(line[4], o.at("measure").as_string());
        for (const auto& [column, member] : {std::pair{5, "current"}, std::pair{6, "previous"}}) {
            const auto& expected = o.at(member);
            if (expected.is_null()) {
                EXPECT_EQ(line[static_cast<std::size_t>(column)], "");
            } else {
                EXPECT_NEAR(std::stod(line[static_cast<std::size_t>(column)]),
                            expected.to_number<double>(), 1e-9);
            }
        }
        EXPECT_EQ(line[8], "2026-06-01");
        EXPECT_EQ(line[11], "2026-05-31");
    }
    const auto by_format = get(champion, std::string{period} + "&format=csv");
    EXPECT_EQ(by_format.body, csv.body);

    // The champion's read named the repeat child: audited with the child's id.
    EXPECT_GE(count_where("audit_events",
                          "action = 'stats.read' and actor_id = " + literal(champion.id) +
                              "::uuid and detail::text like " + literal("%" + repeat + "%")),
              1);
}

TEST_F(stats_over_https, each_authority_has_its_own_figures_and_its_hosted_children_apart) {
    build_scenario();
    // The host: its own child's episode (E7) is its responsible figure; our child placed with it
    // (E5, reported 23:30 on 31 July) is its hosted figure.
    const auto reply = get(host_manager, period);
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto f = figures_of(reply.json());
    expect(f, "episodes", "responsible", "", "episodes", 1, 0);
    expect(f, "episodes", "hosted", "", "episodes", 1, 0);
    expect(f, "hot_spots_last_seen", "hosted", "bus station", "episodes", 1, 0);

    // The manager sees the counts but not the champion's list of repeat children by name.
    const auto managers = get(manager, period);
    ASSERT_EQ(managers.status, 200U);
    const auto m = figures_of(managers.json());
    expect(m, "repeat_children", "responsible", "", "children", 1, 1);
    EXPECT_EQ(m.count("repeat_child|responsible|" + repeat + "|episodes"), 0U);

    // Another authority's figures are not the caller's: asking for them gives nothing of them.
    const auto theirs = get(host_champion, std::string{period} + "&authority=" + authority.code);
    ASSERT_EQ(theirs.status, 200U) << theirs.body;
    const auto t = figures_of(theirs.json());
    expect(t, "episodes", "responsible", "", "episodes", 0, 0);
    expect(t, "episodes", "hosted", "", "episodes", 0, 0);
    EXPECT_EQ(t.count("repeat_child|responsible|" + repeat + "|episodes"), 0U);
    const auto own = get(manager, std::string{period} + "&authority=" + authority.code);
    expect(figures_of(own.json()), "episodes", "responsible", "", "episodes", 5, 3);

    // A team no one of ours is in: the episode figures of its workers' cases are none.
    const auto team =
        get(manager, std::string{period} + "&team=00000000-0000-4000-8000-000000000000");
    ASSERT_EQ(team.status, 200U) << team.body;
    expect(figures_of(team.json()), "episodes", "responsible", "", "episodes", 0, 0);
}

TEST_F(stats_over_https, only_managers_and_the_champion_read_the_figures) {
    for (const auto* who : {&police, &worker, &admin}) {
        const auto reply = get(*who, period);
        EXPECT_EQ(reply.status, 403U) << who->username;
        EXPECT_EQ(reply.header("content-type"), "application/problem+json");
        EXPECT_EQ(get(*who, std::string{period} + "&format=csv").status, 403U);
    }
    EXPECT_EQ(https_call(port_, "GET", period).status, 401U);
    EXPECT_EQ(get(manager, period).status, 200U);
    EXPECT_EQ(get(champion, period).status, 200U);
}

TEST_F(stats_over_https, malformed_queries_are_refused_naming_the_parameter) {
    for (const auto* query :
         {"from=2026-02-30", "to=yesterday", "authority=NOWHERE", "team=7", "format=pdf",
          "from=2026-03-01&to=2026-02-01", "from=2000-01-01&to=2026-01-01"}) {
        const auto reply = get(manager, std::string{"/api/v1/stats?"} + query);
        EXPECT_EQ(reply.status, 400U) << query << " " << reply.body;
        if (reply.status != 400) {
            continue;
        }
        const std::string text{query};
        const auto last = text.rfind('&');
        const auto parameter =
            text.substr(last == std::string::npos ? 0 : last + 1,
                        text.find('=', last == std::string::npos ? 0 : last + 1) -
                            (last == std::string::npos ? 0 : last + 1));
        EXPECT_EQ(reply.json().at("errors").at(0).at("field").as_string(), parameter) << query;
    }
}

TEST_F(stats_over_https, the_statutory_return_has_a_row_per_counted_episode_of_our_children) {
    build_scenario();
    const auto reply =
        get(manager, "/api/v1/exports/statutory-return?from=2026-06-01&to=2026-07-31");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_THAT(reply.header("content-type"), ::testing::StartsWith("text/csv"));
    EXPECT_THAT(reply.header("content-disposition"), ::testing::HasSubstr("statutory-return.csv"));
    const auto rows = parse_csv(reply.body);
    const std::vector<std::string> header{"child_reference",
                                          "date_of_birth",
                                          "episode_reference",
                                          "reported_at",
                                          "start",
                                          "end",
                                          "missing_or_away",
                                          "interview_offered",
                                          "interview_offered_at",
                                          "offered_within_standard",
                                          "interview_outcome",
                                          "interview_at",
                                          "hours_to_interview",
                                          "within_standard"};
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0], header);
    // In report order; not the cancelled report, not the host's child (E7), not 1 August's.
    const std::vector<std::vector<std::string>> expected{
        {repeat, "2011-05-04", e1, "2026-05-31T23:30:00Z", "2026-05-31T22:30:00Z",
         "2026-06-01T10:00:00Z", "missing", "yes", "2026-06-01T12:00:00Z", "yes", "held",
         "2026-06-04T10:00:00Z", "72", "yes"},
        {repeat, "2011-05-04", e2, "2026-06-15T09:00:00Z", "2026-06-15T08:00:00Z",
         "2026-06-15T20:00:00Z", "missing", "yes", "2026-06-17T08:00:00Z", "no", "held",
         "2026-06-19T20:00:00Z", "96", "no"},
        {repeat, "2011-05-04", e3, "2026-06-30T22:30:00Z", "2026-06-30T21:30:00Z",
         "2026-07-02T10:00:00Z", "missing", "no", "", "no", "declined", "2026-07-03T10:00:00Z", "",
         "declined"},
        {away, "2011-05-04", e4, "2026-07-10T12:00:00Z", "2026-07-10T11:00:00Z",
         "2026-07-11T12:00:00Z", "away", "yes", "2026-07-11T13:00:00Z", "yes", "held",
         "2026-07-12T12:00:00Z", "24", "yes"},
        {placed, "2011-05-04", e5, "2026-07-31T22:30:00Z", "2026-07-31T21:30:00Z", "", "missing",
         "no", "", "no", "none", "", "", "not_returned"},
    };
    ASSERT_EQ(rows.size(), expected.size() + 1) << reply.body;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(rows[i + 1], expected[i]) << "row " << i + 1;
    }
    // E9, reported at 23:30 on 31 May in London, is the previous period's; returned 1 June, its
    // interview never held: past its clock, "no".
    const auto before = parse_csv(
        get(champion, "/api/v1/exports/statutory-return?from=2026-05-31&to=2026-05-31").body);
    ASSERT_EQ(before.size(), 2U);
    EXPECT_EQ(before[1][2], e9);
    EXPECT_EQ(before[1][13], "no");

    // The host's manager returns the host's own child, not ours placed with it.
    const auto host_rows = parse_csv(
        get(host_manager, "/api/v1/exports/statutory-return?from=2026-06-01&to=2026-07-31").body);
    ASSERT_EQ(host_rows.size(), 2U);
    EXPECT_EQ(host_rows[1][0], hosted);

    for (const auto* who : {&police, &worker, &admin}) {
        EXPECT_EQ(get(*who, "/api/v1/exports/statutory-return").status, 403U) << who->username;
    }
    const auto bad = get(manager, "/api/v1/exports/statutory-return?from=June");
    EXPECT_EQ(bad.status, 400U);
    EXPECT_EQ(bad.json().at("errors").at(0).at("field").as_string(), "from");
}

TEST_F(stats_over_https, without_dates_the_period_is_the_thirty_days_ending_today_in_london) {
    clock_.set(utc("2026-06-30T23:30:00Z")); // 00:30 on 1 July in London
    manager.token = log_in(manager.username);
    const auto reply = get(manager, "/api/v1/stats");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto body = reply.json();
    EXPECT_EQ(body.at("period").at("from").as_string(), "2026-06-02");
    EXPECT_EQ(body.at("period").at("to").as_string(), "2026-07-01");
    EXPECT_EQ(body.at("previous_period").at("from").as_string(), "2026-05-03");
    EXPECT_EQ(body.at("previous_period").at("to").as_string(), "2026-06-01");
}

} // namespace
} // namespace homeward::testing
