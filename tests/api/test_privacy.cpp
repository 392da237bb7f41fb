// The data-protection officer over real HTTPS: a role that sees no case content through the
// ordinary routes and has no notifications; who saw a child (GET /children/{id}/access), the
// subject-access export and the legal hold.

#include "command_output.hpp"
#include "csv_parse.hpp"
#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <utility>

#include <unistd.h>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using workflow::organisation_kind;
using workflow::role;

class privacy_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(organisation_kind::police);
        authority = make_org(organisation_kind::local_authority);
        host = make_org(organisation_kind::local_authority);
        other = make_org(organisation_kind::local_authority);
        police = make_user(role::police, force);
        worker = make_user(role::social_worker, authority);
        manager = make_user(role::manager, authority);
        champion = make_user(role::cse_champion, authority);
        dpo = make_user(role::data_protection_officer, authority);
        admin = make_user(role::admin, authority);
        host_worker = make_user(role::social_worker, host);
        host_champion = make_user(role::cse_champion, host);
        host_dpo = make_user(role::data_protection_officer, host);
        other_dpo = make_user(role::data_protection_officer, other);
        child = post_child(worker, {{"given_name", "Ellie"},
                                    {"family_name", "Marsh-Okafor"},
                                    {"date_of_birth", "2011-03-09"},
                                    {"sex", "female"},
                                    {"looked_after", true},
                                    {"responsible_authority", authority.code},
                                    {"host_authority", host.code}});
        episode = std::string{report(police, child).at("id").as_string()};
    }

    std::string access_path() const { return "/api/v1/children/" + child + "/access"; }

    // The access log's items, as this user reads them.
    json::array access(const test_user& who, const std::string& query = "") {
        const auto reply = get(who, access_path() + query);
        EXPECT_EQ(reply.status, 200U) << reply.body;
        return reply.status == 200 ? reply.json().at("items").as_array() : json::array{};
    }

    // The entry of this action by this user, or null.
    static const json::object* find(const json::array& items, const std::string& action,
                                    const test_user& by) {
        for (const auto& item : items) {
            const auto& o = item.as_object();
            if (o.at("action").as_string() == action && o.at("actor").at("id").is_string() &&
                o.at("actor").at("id").as_string() == by.id) {
                return &o;
            }
        }
        return nullptr;
    }

    https_reply put(const test_user& who, const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json") {
        request_options options;
        options.token = who.token;
        options.content_type = content_type;
        return https_call(port_, "PUT", target, body, options);
    }

    https_reply remove(const test_user& who, const std::string& target) {
        request_options options;
        options.token = who.token;
        return https_call(port_, "DELETE", target, "", options);
    }

    void send(const test_user& who, const std::string& path, const json::object& body,
              unsigned status = 200) {
        const auto reply = post(who, path, json::serialize(body));
        EXPECT_EQ(reply.status, status) << path << ": " << reply.body;
    }

    test_org force, authority, host, other;
    test_user police, worker, manager, champion, dpo, admin, host_worker, host_champion, host_dpo,
        other_dpo;
    std::string child, episode;
};

// ---- the role ------------------------------------------------------------------------------

TEST_F(privacy_over_https, a_data_protection_officer_sees_no_case_content_through_ordinary_routes) {
    for (const auto& target :
         {"/api/v1/children/" + child, std::string{"/api/v1/children?q=Marsh"},
          "/api/v1/children/" + child + "/profile", "/api/v1/children/" + child + "/photo",
          std::string{"/api/v1/episodes"}, "/api/v1/episodes/" + episode,
          "/api/v1/episodes/" + episode + "/history", "/api/v1/episodes/" + episode + "/report",
          std::string{"/api/v1/overdue"}, std::string{"/api/v1/stats"},
          std::string{"/api/v1/audit"}, std::string{"/api/v1/entities"}}) {
        const auto reply = get(dpo, target);
        EXPECT_EQ(reply.status, 403U) << target << ": " << reply.body;
    }
    const auto session = get(dpo, "/api/v1/session");
    ASSERT_EQ(session.status, 200U) << session.body;
    EXPECT_EQ(session.json().at("user").at("role").as_string(), "data_protection_officer");
}

TEST_F(privacy_over_https, a_data_protection_officer_has_no_notifications_and_no_alert_emails) {
    EXPECT_EQ(get(dpo, "/api/v1/notifications").status, 403U);
    EXPECT_EQ(get(dpo, "/api/v1/notifications/unread-count").status, 403U);
    // The report told the responsible authority (recipient_role null: everyone with case work);
    // a DPO with an address and alerts on is not emailed.
    execute("update users set email = 'dpo@test.example', email_alerts = true where id = " +
            literal(dpo.id));
    report(police, child);
    EXPECT_EQ(count_where("email_outbox", "user_id = " + literal(dpo.id)), 0);
}

// ---- who saw this child ------------------------------------------------------------------

TEST_F(privacy_over_https, the_access_log_shows_reads_by_police_the_host_authority_and_a_manager) {
    execute("insert into teams (organisation_id, name) values (" + literal(host.id) +
            ", 'Placements')");
    execute("update users set team_id = (select id from teams where organisation_id = " +
            literal(host.id) + ") where id = " + literal(host_worker.id));
    ASSERT_EQ(get(police, "/api/v1/episodes/" + episode).status, 200U);
    ASSERT_EQ(get(host_worker, "/api/v1/children/" + child).status, 200U);
    ASSERT_EQ(get(manager, "/api/v1/episodes/" + episode + "/history").status, 200U);
    // A list that returned the child: the manager's list of every child in scope.
    ASSERT_EQ(get(manager, "/api/v1/children?format=csv").status, 200U);
    // A write with a reason.
    const auto regrade = post(police, "/api/v1/episodes/" + episode + "/risk",
                              R"({"risk_level":"high","reason":"Seen getting into a car"})");
    ASSERT_EQ(regrade.status, 200U) << regrade.body;

    const auto items = access(champion);
    const auto* police_read = find(items, "episode.read", police);
    ASSERT_NE(police_read, nullptr) << json::serialize(items);
    EXPECT_EQ(police_read->at("actor").at("name").as_string(), police.username);
    EXPECT_EQ(police_read->at("actor").at("role").as_string(), "police");
    EXPECT_EQ(police_read->at("actor").at("organisation").at("code").as_string(), force.code);
    EXPECT_EQ(police_read->at("route").as_string(), "GET /api/v1/episodes/{id}");
    EXPECT_EQ(police_read->at("record").at("type").as_string(), "episode");
    EXPECT_EQ(police_read->at("record").at("id").as_string(), episode);
    EXPECT_FALSE(police_read->at("listed").as_bool());

    const auto* host_read = find(items, "child.read", host_worker);
    ASSERT_NE(host_read, nullptr) << json::serialize(items);
    EXPECT_EQ(host_read->at("actor").at("organisation").at("code").as_string(), host.code);
    EXPECT_EQ(host_read->at("actor").at("team").as_string(), "Placements");
    EXPECT_EQ(host_read->at("actor").at("role").as_string(), "social_worker");
    EXPECT_EQ(host_read->at("record").at("type").as_string(), "child");

    ASSERT_NE(find(items, "episode.history", manager), nullptr) << json::serialize(items);
    const auto* listed = find(items, "child.list", manager);
    ASSERT_NE(listed, nullptr) << json::serialize(items);
    EXPECT_TRUE(listed->at("listed").as_bool());
    EXPECT_EQ(listed->at("record").at("id").as_string(), child);
    EXPECT_EQ(listed->at("route").as_string(), "GET /api/v1/children");

    const auto* regraded = find(items, "episode.risk", police);
    ASSERT_NE(regraded, nullptr) << json::serialize(items);
    EXPECT_EQ(regraded->at("reason").as_string(), "Seen getting into a car");
    EXPECT_EQ(regraded->at("route").as_string(), "POST /api/v1/episodes/{id}/risk");
    const auto* reported = find(items, "episode.report", police);
    ASSERT_NE(reported, nullptr);
    EXPECT_TRUE(reported->at("reason").is_null());

    // Newest first; the read of the log is itself audited, and shows in the next read.
    EXPECT_GT(items.front().at("id").as_int64(), items.back().at("id").as_int64());
    const auto again = access(dpo);
    const auto* champion_read = find(again, "child.access", champion);
    ASSERT_NE(champion_read, nullptr);
    EXPECT_EQ(champion_read->at("route").as_string(), "GET /api/v1/children/{id}/access");
    EXPECT_EQ(
        count_where("audit_events", "action = 'child.access' and entity_id = " + literal(child) +
                                        " and actor_id = " + literal(dpo.id)),
        1);
}

TEST_F(privacy_over_https, another_childs_reads_never_show_in_the_access_log) {
    const auto other_child = make_child(worker, authority);
    const auto other_episode = std::string{report(police, other_child).at("id").as_string()};
    ASSERT_EQ(get(police, "/api/v1/episodes/" + other_episode).status, 200U);
    ASSERT_EQ(get(worker, "/api/v1/children/" + other_child).status, 200U);
    for (const auto& item : access(dpo)) {
        const auto& record = item.at("record").at("id").as_string();
        EXPECT_TRUE(record == child || record == episode) << json::serialize(item);
    }
}

TEST_F(privacy_over_https, only_the_champion_and_dpo_of_the_responsible_authority_read_the_log) {
    for (const auto* who : {&police, &worker, &manager, &admin, &host_worker}) {
        EXPECT_EQ(get(*who, access_path()).status, 403U) << who->username;
    }
    // The host authority's champion and DPO, and another authority's DPO: as if no such child.
    for (const auto* who : {&host_champion, &host_dpo, &other_dpo}) {
        EXPECT_EQ(get(*who, access_path()).status, 404U) << who->username;
    }
    EXPECT_EQ(get(dpo, "/api/v1/children/00000000-0000-0000-0000-000000000000/access").status,
              404U);
    EXPECT_EQ(get(champion, access_path()).status, 200U);
    EXPECT_EQ(get(dpo, access_path()).status, 200U);
    EXPECT_EQ(count_where("audit_events", "action = 'child.access' and outcome = 'not_found' and "
                                          "entity_id = " +
                                              literal(child)),
              3);
}

TEST_F(privacy_over_https, the_access_log_filters_by_period_organisation_and_person_and_pages) {
    ASSERT_EQ(get(police, "/api/v1/episodes/" + episode).status, 200U);
    ASSERT_EQ(get(host_worker, "/api/v1/children/" + child).status, 200U);
    ASSERT_EQ(get(host_worker, "/api/v1/episodes/" + episode).status, 200U);

    for (const auto& item : access(dpo, "?organisation=" + host.code)) {
        EXPECT_EQ(item.at("actor").at("organisation").at("code").as_string(), host.code);
    }
    EXPECT_EQ(access(dpo, "?organisation=" + host.code).size(), 2U);
    const auto police_only = access(dpo, "?user=" + police.id);
    ASSERT_EQ(police_only.size(), 2U); // the report and the read
    EXPECT_EQ(police_only[0].at("action").as_string(), "episode.read");
    EXPECT_EQ(police_only[1].at("action").as_string(), "episode.report");
    EXPECT_TRUE(access(dpo, "?from=" + at(1h)).empty());
    EXPECT_FALSE(access(dpo, "?from=" + at(-1h) + "&to=" + at(1h)).empty());
    EXPECT_TRUE(access(dpo, "?to=" + at(-1h)).empty());

    const auto first = get(dpo, access_path() + "?limit=2");
    ASSERT_EQ(first.status, 200U);
    const auto first_page = first.json();
    const auto& cursor = first_page.at("next_cursor");
    ASSERT_TRUE(cursor.is_string());
    const auto second =
        get(dpo, access_path() + "?limit=2&cursor=" + std::string{cursor.as_string()});
    ASSERT_EQ(second.status, 200U);
    ASSERT_FALSE(second.json().at("items").as_array().empty());
    EXPECT_LT(second.json().at("items").as_array().front().at("id").as_int64(),
              first.json().at("items").as_array().back().at("id").as_int64());

    for (const auto& [query, field] :
         {std::pair{"?from=yesterday", "from"}, std::pair{"?user=someone", "user"},
          std::pair{"?organisation=NO-SUCH-ORG", "organisation"}, std::pair{"?limit=0", "limit"},
          std::pair{"?cursor=abc", "cursor"}}) {
        const auto reply = get(dpo, access_path() + query);
        EXPECT_EQ(reply.status, 400U) << query;
        EXPECT_THAT(reply.body, ::testing::HasSubstr(field)) << query;
    }
}

TEST_F(privacy_over_https, the_access_log_as_csv_has_a_row_per_entry_with_who_and_what) {
    ASSERT_EQ(get(police, "/api/v1/episodes/" + episode).status, 200U);
    request_options options;
    options.token = dpo.token;
    options.headers["Accept"] = "text/csv";
    const auto reply = https_call(port_, "GET", access_path(), "", options);
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_THAT(reply.header("content-type"), ::testing::StartsWith("text/csv"));
    const auto rows = parse_csv(reply.body);
    ASSERT_GE(rows.size(), 3U); // the header, the read, the report
    const auto& header = rows.front();
    const auto column = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) -
                                        header.begin());
    };
    for (const std::string name : {"at", "actor.name", "actor.role", "actor.organisation.code",
                                   "actor.team", "action", "route", "record.id", "reason"}) {
        EXPECT_LT(column(name), header.size()) << name;
    }
    bool police_read = false;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i][column("action")] == "episode.read") {
            police_read = true;
            EXPECT_EQ(rows[i][column("actor.name")], police.username);
            EXPECT_EQ(rows[i][column("actor.organisation.code")], force.code);
            EXPECT_EQ(rows[i][column("record.id")], episode);
        }
    }
    EXPECT_TRUE(police_read);
}

// ---- the subject-access export ------------------------------------------------------------

// The archive unpacked by Info-ZIP's unzip into a fresh folder: each file's path and bytes.
std::map<std::string, std::string> unpack(const std::string& zip) {
    const auto folder =
        std::filesystem::temp_directory_path() / ("homeward-export-" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    {
        std::ofstream out{folder / "export.zip", std::ios::binary};
        out << zip;
    }
    output_of("unzip -q '" + (folder / "export.zip").string() + "' -d '" +
              (folder / "files").string() + "'");
    std::map<std::string, std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder / "files")) {
        if (entry.is_regular_file()) {
            files[std::filesystem::relative(entry.path(), folder / "files").string()] =
                read_file(entry.path());
        }
    }
    std::filesystem::remove_all(folder);
    return files;
}

TEST_F(privacy_over_https, the_export_holds_everything_about_the_child_as_json_and_a_pdf) {
    const auto profile = put(worker, "/api/v1/children/" + child + "/profile",
                             R"({"hair":"auburn, short","medical_needs":"asthma",
                                 "completed_by":"Ann Carer","completed_on":"2026-11-01"})");
    ASSERT_EQ(profile.status, 201U) << profile.body;
    const auto png_file = std::filesystem::temp_directory_path() /
                          ("homeward-photo-" + std::to_string(::getpid()) + ".png");
    output_of("vips black '" + png_file.string() + "' 24 16 --bands 3");
    const auto png = read_file(png_file);
    std::filesystem::remove(png_file);
    const auto photo = put(worker, "/api/v1/children/" + child + "/photo", png, "image/png");
    ASSERT_EQ(photo.status, 200U) << photo.body;
    const auto path = "/api/v1/episodes/" + episode;
    send(police, path + "/return",
         {{"returned_at", at(-1h)}, {"found_location", "Retail park"}, {"returned_to", "Carer"}});
    send(worker, path + "/interview",
         {{"conducted_at", at(-30min)},
          {"location", "School"},
          {"where_stayed", "A friend's flat"},
          {"with_whom", "Older friends"},
          {"push_factors", json::array{"arguments at home"}},
          {"pull_factors", json::array{"friends"}},
          {"harm_disclosed", false},
          {"indicators", json::array{"older_boyfriend_or_girlfriend"}},
          {"cse_risk", "low"},
          {"child_views", "Wants to see her sister more often"},
          {"police_intelligence", "Blue van outside the flat"}});
    advance(2min); // the second report is the later one
    const auto second = std::string{report(police, child).at("id").as_string()};
    ASSERT_EQ(get(police, path).status, 200U);

    const auto reply = get(dpo, "/api/v1/children/" + child + "/export");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/zip");
    EXPECT_THAT(reply.header("content-disposition"), ::testing::HasSubstr("attachment"));
    EXPECT_EQ(reply.header("cache-control"), "no-store");
    const auto files = unpack(reply.body);
    const auto folder = "child-" + child + "/";
    ASSERT_TRUE(files.contains(folder + "export.json")) << files.size();
    ASSERT_TRUE(files.contains(folder + "export.pdf"));
    ASSERT_TRUE(files.contains(folder + "photo.png"));
    EXPECT_EQ(files.at(folder + "photo.png").size(),
              static_cast<std::size_t>(scalar("select octet_length(data) from child_photos where "
                                              "child_id = " +
                                              literal(child))));

    const auto document = json::parse(files.at(folder + "export.json")).as_object();
    EXPECT_EQ(document.at("child").at("given_name").as_string(), "Ellie");
    EXPECT_EQ(document.at("child").at("family_name").as_string(), "Marsh-Okafor");
    EXPECT_EQ(document.at("exported_by").at("username").as_string(), dpo.username);
    EXPECT_EQ(document.at("profile_versions").as_array().at(0).at("hair").as_string(),
              "auburn, short");
    EXPECT_EQ(document.at("photo").at("file").as_string(), "photo.png");
    const auto& episodes = document.at("episodes").as_array();
    ASSERT_EQ(episodes.size(), 2U);
    EXPECT_EQ(episodes[0].at("episode").at("id").as_string(), episode);
    EXPECT_EQ(episodes[1].at("episode").at("id").as_string(), second);
    // Every field, the child's own account included, and the whole history.
    EXPECT_EQ(episodes[0].at("episode").at("interview").at("child_views").as_string(),
              "Wants to see her sister more often");
    EXPECT_EQ(episodes[0].at("history").at("items").as_array().size(), 3U);
    bool told = false;
    for (const auto& note : document.at("notifications").as_array()) {
        told = told || note.at("kind").as_string() == "episode_reported";
    }
    EXPECT_TRUE(told);
    bool police_read = false;
    for (const auto& entry : document.at("access_log").as_array()) {
        police_read = police_read || (entry.at("action").as_string() == "episode.read" &&
                                      entry.at("actor").at("id").as_string() == police.id);
    }
    EXPECT_TRUE(police_read);

    const auto text = read_pdf(files.at(folder + "export.pdf")).text;
    EXPECT_THAT(text, ::testing::HasSubstr("Subject-access export: Ellie Marsh-Okafor"));
    EXPECT_THAT(text, ::testing::HasSubstr("Episode 1 of 2"));
    EXPECT_THAT(text, ::testing::HasSubstr("Episode 2 of 2"));
    EXPECT_THAT(text, ::testing::HasSubstr("Wants to see her sister more often"));
    EXPECT_THAT(text, ::testing::HasSubstr("auburn, short"));
    EXPECT_THAT(text, ::testing::HasSubstr("Who read or changed the child's records"));
    EXPECT_THAT(text, ::testing::HasSubstr(police.username));

    EXPECT_EQ(count_where("audit_events", "action = 'child.export' and outcome = 'success' and "
                                          "entity_id = " +
                                              literal(child) +
                                              " and actor_id = " + literal(dpo.id)),
              1);
    // The export is a read of the child and of both episodes: it shows in the access log.
    const auto log = access(dpo);
    const auto* exported = find(log, "child.export", dpo);
    ASSERT_NE(exported, nullptr);
    EXPECT_EQ(exported->at("route").as_string(), "GET /api/v1/children/{id}/export");
}

TEST_F(privacy_over_https, only_the_dpo_of_the_responsible_authority_exports_a_child) {
    const auto path = "/api/v1/children/" + child + "/export";
    for (const auto* who : {&police, &worker, &manager, &champion, &admin}) {
        EXPECT_EQ(get(*who, path).status, 403U) << who->username;
    }
    for (const auto* who : {&host_dpo, &other_dpo}) {
        EXPECT_EQ(get(*who, path).status, 404U) << who->username;
    }
    EXPECT_EQ(count_where("audit_events", "action = 'child.export' and entity_id = " +
                                              literal(child) + " and outcome <> 'success'"),
              7);
}

// ---- the legal hold ----------------------------------------------------------------------

TEST_F(privacy_over_https, a_legal_hold_is_placed_shown_on_the_child_and_lifted_all_audited) {
    const auto path = "/api/v1/children/" + child + "/legal-hold";
    const auto placed = put(dpo, path, R"({"reason":"Civil claim about the placement"})");
    ASSERT_EQ(placed.status, 200U) << placed.body;
    EXPECT_EQ(placed.json().at("reason").as_string(), "Civil claim about the placement");
    EXPECT_EQ(placed.json().at("placed_by").at("id").as_string(), dpo.id);
    const auto placed_at = std::string{placed.json().at("placed_at").as_string()};

    const auto read = get(worker, "/api/v1/children/" + child);
    ASSERT_EQ(read.status, 200U);
    EXPECT_EQ(read.json().at("legal_hold").at("reason").as_string(),
              "Civil claim about the placement");
    EXPECT_EQ(get(host_worker, "/api/v1/children/" + child).json().at("legal_hold").at("placed_at"),
              json::value(placed_at));

    advance(1h);
    dpo.token = log_in(dpo.username);
    worker.token = log_in(worker.username);
    const auto changed = put(dpo, path, R"({"reason":"Civil claim and inquiry"})");
    ASSERT_EQ(changed.status, 200U) << changed.body;
    EXPECT_EQ(changed.json().at("placed_at").as_string(), placed_at);
    EXPECT_EQ(changed.json().at("reason").as_string(), "Civil claim and inquiry");

    const auto export_reply = get(dpo, "/api/v1/children/" + child + "/export");
    ASSERT_EQ(export_reply.status, 200U);
    const auto files = unpack(export_reply.body);
    const auto document = json::parse(files.at("child-" + child + "/export.json")).as_object();
    EXPECT_EQ(document.at("legal_hold").at("reason").as_string(), "Civil claim and inquiry");

    const auto lifted = remove(dpo, path);
    EXPECT_EQ(lifted.status, 204U) << lifted.body;
    EXPECT_TRUE(get(worker, "/api/v1/children/" + child).json().at("legal_hold").is_null());
    EXPECT_EQ(remove(dpo, path).status, 404U);

    const auto audited = [&](const std::string& action, const std::string& outcome) {
        return count_where("audit_events", "action = " + literal(action) +
                                               " and outcome = " + literal(outcome) +
                                               " and entity_id = " + literal(child) +
                                               " and actor_id = " + literal(dpo.id));
    };
    EXPECT_EQ(audited("child.legal_hold_set", "success"), 2);
    EXPECT_EQ(audited("child.legal_hold_clear", "success"), 1);
    EXPECT_EQ(audited("child.legal_hold_clear", "not_found"), 1);
    // The reason is free text: never in the trail.
    EXPECT_EQ(count_where("audit_events", "detail::text like '%Civil claim%'"), 0);
}

TEST_F(privacy_over_https, a_legal_hold_needs_a_reason_and_the_dpo_of_the_responsible_authority) {
    const auto path = "/api/v1/children/" + child + "/legal-hold";
    for (const std::string body : {R"({})", R"({"reason":""})", R"({"reason":"x","until":1})"}) {
        const auto reply = put(dpo, path, body);
        EXPECT_EQ(reply.status, 422U) << body << ": " << reply.body;
    }
    EXPECT_THAT(put(dpo, path, "{}").body, ::testing::HasSubstr("reason"));
    for (const auto* who : {&police, &worker, &manager, &champion, &admin}) {
        EXPECT_EQ(put(*who, path, R"({"reason":"r"})").status, 403U) << who->username;
        EXPECT_EQ(remove(*who, path).status, 403U) << who->username;
    }
    for (const auto* who : {&host_dpo, &other_dpo}) {
        EXPECT_EQ(put(*who, path, R"({"reason":"r"})").status, 404U) << who->username;
    }
    EXPECT_EQ(count_where("legal_holds", "child_id = " + literal(child)), 0);
}

// ---- finding the child ---------------------------------------------------------------------

TEST_F(privacy_over_https, the_dpo_finds_a_child_of_their_authority_by_exact_name_and_birth_date) {
    const auto path = [](const std::string& query) { return "/api/v1/privacy/children?" + query; };
    const auto found = get(dpo, path("q=%20marsh-okafor%20&date_of_birth=2011-03-09"));
    ASSERT_EQ(found.status, 200U) << found.body;
    const auto body = found.json();
    const auto& items = body.at("items").as_array();
    ASSERT_EQ(items.size(), 1U);
    const auto& item = items.at(0).as_object();
    EXPECT_EQ(item.at("id").as_string(), child);
    EXPECT_EQ(item.at("given_name").as_string(), "Ellie");
    EXPECT_EQ(item.at("date_of_birth").as_string(), "2011-03-09");
    EXPECT_EQ(item.at("responsible_authority").as_string(), authority.code);
    EXPECT_TRUE(item.at("legal_hold").is_null());
    // Nothing of the case: who the child is and whether a hold keeps the records.
    EXPECT_EQ(item.size(), 6U) << found.body;
    // Given and family names together find the child too.
    EXPECT_EQ(get(dpo, path("q=Ellie%20Marsh-Okafor&date_of_birth=2011-03-09"))
                  .json()
                  .at("items")
                  .as_array()
                  .size(),
              1U);

    // Exact: part of the name, or another day, finds no one.
    for (const std::string query :
         {"q=Marsh&date_of_birth=2011-03-09", "q=Marsh-Okafor&date_of_birth=2011-03-10"}) {
        const auto none = get(dpo, path(query));
        ASSERT_EQ(none.status, 200U) << query << ": " << none.body;
        EXPECT_TRUE(none.json().at("items").as_array().empty()) << query;
    }
    // Another authority's officers, and the host authority's, find nothing of it.
    for (const auto* who : {&host_dpo, &other_dpo}) {
        const auto none = get(*who, path("q=Marsh-Okafor&date_of_birth=2011-03-09"));
        ASSERT_EQ(none.status, 200U) << who->username << ": " << none.body;
        EXPECT_TRUE(none.json().at("items").as_array().empty()) << who->username;
    }
    for (const auto* who : {&police, &worker, &manager, &champion, &admin}) {
        EXPECT_EQ(get(*who, path("q=Marsh-Okafor&date_of_birth=2011-03-09")).status, 403U)
            << who->username;
    }
    const auto without_date = get(dpo, path("q=Marsh-Okafor"));
    EXPECT_EQ(without_date.status, 400U) << without_date.body;
    EXPECT_THAT(without_date.body, ::testing::HasSubstr("date_of_birth"));
    EXPECT_EQ(get(dpo, path("q=M&date_of_birth=2011-03-09")).status, 400U);
    EXPECT_EQ(get(dpo, path("q=Marsh-Okafor&date_of_birth=9%20March")).status, 400U);

    // The lookup is a read of the child: audited with the id, never the name asked about, and
    // shown in the child's access log.
    EXPECT_GE(count_where("audit_events",
                          "action = 'child.privacy_lookup' and actor_id = " + literal(dpo.id) +
                              " and detail -> 'child_ids' ? " + literal(child)),
              1);
    EXPECT_EQ(count_where("audit_events", "detail::text ilike '%marsh%'"), 0);
    EXPECT_NE(find(access(dpo), "child.privacy_lookup", dpo), nullptr);
}

TEST_F(privacy_over_https, the_dpo_reads_whether_a_legal_hold_keeps_the_childs_records) {
    const auto path = "/api/v1/children/" + child + "/legal-hold";
    const auto before = get(dpo, path);
    ASSERT_EQ(before.status, 200U) << before.body;
    EXPECT_TRUE(before.json().at("legal_hold").is_null());
    ASSERT_EQ(put(dpo, path, R"({"reason":"Inquiry"})").status, 200U);
    const auto held = get(dpo, path);
    ASSERT_EQ(held.status, 200U) << held.body;
    EXPECT_EQ(held.json().at("legal_hold").at("reason").as_string(), "Inquiry");
    const auto found = get(dpo, "/api/v1/privacy/children?q=Marsh-Okafor&date_of_birth=2011-03-09");
    EXPECT_EQ(found.json().at("items").at(0).at("legal_hold").at("reason").as_string(), "Inquiry");
    for (const auto* who : {&police, &worker, &champion, &admin}) {
        EXPECT_EQ(get(*who, path).status, 403U) << who->username;
    }
    for (const auto* who : {&host_dpo, &other_dpo}) {
        EXPECT_EQ(get(*who, path).status, 404U) << who->username;
    }
    EXPECT_EQ(count_where("audit_events",
                          "action = 'child.legal_hold_read' and entity_id = " + literal(child) +
                              " and actor_id = " + literal(dpo.id)),
              2);
}

} // namespace
} // namespace homeward::testing
