// The data-protection officer over real HTTPS: a role that sees no case content through the
// ordinary routes and has no notifications.

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

} // namespace
} // namespace homeward::testing
