// Case notifications and the reads that show case content (issue 12, findings 3, 4 and 14): admins
// are refused case notifications; the notification list, marking one read, the episode list, the
// overdue queue and the children search are audited with the ids they showed, and a search's text
// (names people typed) never reaches the audit trail.

#include "fixture.hpp"

#include "homeward/services/children.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/oversight.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

namespace homeward::testing {
namespace {

using namespace std::chrono_literals;
using services::failure_kind;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using workflow::episode_state;
namespace json = boost::json;

class audited_reads : public services_test {
protected:
    // The newest audit entry of this caller with this action: its entity and detail.
    struct entry {
        std::string entity_id;
        std::string outcome;
        json::object detail;
    };
    static entry latest(const services::actor& who, std::string_view action) {
        const auto where = " from audit_events where actor_id = " + literal(who.user_id) +
                           "::uuid and action = " + literal(action) + " order by id desc limit 1";
        const auto detail = text("select detail::text" + where);
        return {text("select coalesce(entity_id, '')" + where), text("select outcome" + where),
                detail.empty() ? json::object{} : json::parse(detail).as_object()};
    }
    static std::vector<std::string> ids_in(const json::object& detail, std::string_view key) {
        std::vector<std::string> ids;
        if (const auto* list = detail.if_contains(key)) {
            for (const auto& id : list->as_array()) {
                ids.emplace_back(id.as_string());
            }
        }
        return ids;
    }
};

TEST_F(audited_reads, an_admin_is_refused_case_notifications_listed_counted_or_marked_read) {
    report(make_child());
    const auto& admin = w_.admin;
    EXPECT_EQ(
        failure_of([&] { services::list_notifications(env_, admin, 50, std::nullopt); }).kind(),
        failure_kind::forbidden);
    EXPECT_EQ(failure_of([&] { services::unread_notifications(env_, admin); }).kind(),
              failure_kind::forbidden);
    const auto any = text("select id::text from notifications where organisation_id = " +
                          literal(w_.authority.id) + "::uuid limit 1");
    ASSERT_FALSE(any.empty());
    EXPECT_EQ(failure_of([&] { services::mark_notification_read(env_, admin, any); }).kind(),
              failure_kind::forbidden);
    EXPECT_EQ(count_where("notification_reads", "notification_id = " + literal(any) + "::uuid"), 0);
    EXPECT_EQ(latest(admin, "notification.list").outcome, "denied");
    EXPECT_EQ(latest(admin, "notification.read").outcome, "denied");
}

TEST_F(audited_reads, the_notification_list_is_audited_with_the_episodes_and_children_it_showed) {
    const auto child = make_child();
    const auto episode = report(child);
    const auto listed = services::list_notifications(env_, w_.manager, 50, std::nullopt);
    std::vector<std::string> shown_episodes;
    for (const auto& item : listed.items) {
        if (item.episode_id) {
            shown_episodes.push_back(*item.episode_id);
        }
    }
    ASSERT_THAT(shown_episodes, Contains(episode)) << "the manager is told of the report";
    const auto audited = latest(w_.manager, "notification.list");
    EXPECT_EQ(audited.outcome, "success");
    EXPECT_EQ(ids_in(audited.detail, "episode_ids"), shown_episodes);
    EXPECT_THAT(ids_in(audited.detail, "child_ids"), Contains(child));
}

TEST_F(audited_reads, marking_a_notification_read_is_audited_with_its_id) {
    report(make_child());
    const auto listed = services::list_notifications(env_, w_.manager, 50, std::nullopt);
    ASSERT_FALSE(listed.items.empty());
    const auto& id = listed.items.front().id;
    services::mark_notification_read(env_, w_.manager, id);
    const auto audited = latest(w_.manager, "notification.read");
    EXPECT_EQ(audited.outcome, "success");
    EXPECT_EQ(audited.entity_id, id);
}

TEST_F(audited_reads, the_episode_list_is_audited_with_the_ids_it_showed) {
    const auto episode = report(make_child());
    services::episode_query query;
    query.limit = 500;
    const auto listed = services::list_episodes(env_, w_.manager, query);
    std::vector<std::string> shown;
    for (const auto& item : listed.items) {
        shown.push_back(item.id);
    }
    ASSERT_THAT(shown, Contains(episode));
    EXPECT_EQ(ids_in(latest(w_.manager, "episode.list").detail, "episode_ids"), shown);
}

TEST_F(audited_reads, the_overdue_queue_is_audited_with_the_episodes_it_showed) {
    const auto episode = episode_in(episode_state::returned);
    advance(100h);
    services::overdue_query query;
    query.limit = 500;
    const auto queue = services::overdue_queue(env_, w_.manager, query);
    std::vector<std::string> shown;
    for (const auto& line : queue.items) {
        if (line.item.episode_id) {
            shown.push_back(*line.item.episode_id);
        }
    }
    ASSERT_THAT(shown, Contains(episode));
    const auto audited = ids_in(latest(w_.manager, "overdue.read").detail, "episode_ids");
    for (const auto& id : shown) {
        EXPECT_THAT(audited, Contains(id));
    }
}

// Finding 14: the trail is hash-chained and insert-only, so no retention can ever remove what it
// holds; a name someone typed into a search must never be written there.
TEST_F(audited_reads, a_child_search_is_audited_with_the_ids_found_never_the_text_searched_for) {
    const std::string family = "Zq" + unique_code().substr(1);
    const auto child = make_child(family);
    report(child);
    const auto found = services::search_children(env_, w_.social_worker, family, 50, std::nullopt);
    ASSERT_EQ(found.items.size(), 1U);
    const auto by_worker = latest(w_.social_worker, "child.search");
    EXPECT_EQ(by_worker.outcome, "success");
    EXPECT_EQ(ids_in(by_worker.detail, "child_ids"), std::vector<std::string>{child});
    EXPECT_EQ(by_worker.entity_id, "");

    // Police look the child up by exact name and date of birth: audited the same way.
    services::search_children(env_, w_.police, "Alex " + family, 50, "2011-05-17");
    EXPECT_EQ(ids_in(latest(w_.police, "child.search").detail, "child_ids"),
              std::vector<std::string>{child});
    // A refused search (police without a date of birth) is audited, and without its text too.
    failure_of([&] { services::search_children(env_, w_.police, family, 50, std::nullopt); });
    EXPECT_EQ(latest(w_.police, "child.search").outcome, "invalid");

    const auto lower = [](std::string text) {
        for (auto& c : text) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return text;
    };
    EXPECT_EQ(count_where("audit_events", "lower(detail::text) like " +
                                              literal("%" + lower(family) + "%") +
                                              " or lower(coalesce(entity_id, '')) like " +
                                              literal("%" + lower(family) + "%")),
              0);
}

} // namespace
} // namespace homeward::testing
