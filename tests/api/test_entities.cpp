// People, places and vehicles of concern over real HTTPS: matching on link (registrations without
// spaces or case, postcodes normalised, people by name or alias and phone), the possible match
// offered and never merged, choosing one, the view across children (counted in any scope, named
// only in the caller's), the champion told once per new child, the champion's merge, and every
// refusal leaving nothing stored.

#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using workflow::organisation_kind;
using workflow::role;

// A JSON value as text: a string's own text, anything else serialised.
std::string str(const json::value& v) {
    return v.is_string() ? std::string{v.as_string()} : json::serialize(v);
}

// Capital letters no other test uses (from random hex digits: 0-9 and A-F become A-P).
std::string letters(std::size_t n) {
    auto text = random_hex(n);
    for (auto& c : text) {
        c = static_cast<char>('A' + (c <= '9' ? c - '0' : c - 'A' + 10));
    }
    return text;
}
std::string digits(std::size_t n) {
    auto text = random_hex(n);
    for (auto& c : text) {
        c = static_cast<char>('0' + (c <= '9' ? c - '0' : c - 'A') % 10);
    }
    return text;
}

class entities_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(organisation_kind::police);
        authority = make_org(organisation_kind::local_authority);
        other = make_org(organisation_kind::local_authority);
        bystander = make_org(organisation_kind::local_authority);
        police = make_user(role::police, force);
        worker = make_user(role::social_worker, authority);
        manager = make_user(role::manager, authority);
        champion = make_user(role::cse_champion, authority);
        admin = make_user(role::admin, authority);
        other_worker = make_user(role::social_worker, other);
        other_manager = make_user(role::manager, other);
        other_champion = make_user(role::cse_champion, other);
        bystander_manager = make_user(role::manager, bystander);
        child1 = make_child(worker, authority);
        child2 = make_child(worker, authority);
        child3 = make_child(other_worker, other);
        execute("update children set given_name = 'Outofscope', family_name = 'Childthree' "
                "where id = " +
                literal(child3));
        episode1 = std::string{report(police, child1).at("id").as_string()};
        episode2 = std::string{report(police, child2).at("id").as_string()};
        episode3 = std::string{report(police, child3).at("id").as_string()};
        registration = letters(2) + digits(2) + letters(3);
        postcode_out = "Z" + letters(1) + digits(1) + letters(1);
        postcode_in = digits(1) + letters(2);
        phone = "07700" + digits(6);
        tag = letters(6);
    }

    https_reply link(const test_user& who, const std::string& episode, const json::object& body) {
        return post(who, "/api/v1/episodes/" + episode + "/entities", json::serialize(body));
    }
    // Links and expects success (201 or 200); answers the body.
    json::object linked(const test_user& who, const std::string& episode,
                        const json::object& body) {
        const auto reply = link(who, episode, body);
        EXPECT_TRUE(reply.status == 201U || reply.status == 200U) << reply.body;
        return reply.status < 300 ? reply.json().as_object() : json::object{};
    }
    static std::string id_of(const json::object& answer) {
        return answer.contains("entity") ? std::string{answer.at("entity").at("id").as_string()}
                                         : std::string{};
    }
    json::object vehicle(const std::string& label, const std::string& plate,
                         const std::string& nature = "picked_up_by") const {
        return {{"kind", "vehicle"},
                {"label", label},
                {"identifier", plate},
                {"details", {{"make", "Ford"}, {"colour", "black"}}},
                {"link", nature}};
    }
    long long notifications_to(const test_org& org) {
        return count_where("notifications",
                           "kind = 'entity_linked' and organisation_id = " + literal(org.id) +
                               " and recipient_role = 'cse_champion'");
    }
    long long stored() { return count("entities") + count("episode_entities"); }

    test_org force, authority, other, bystander;
    test_user police, worker, manager, champion, admin, other_worker, other_manager, other_champion,
        bystander_manager;
    std::string child1, child2, child3, episode1, episode2, episode3;
    std::string registration, postcode_out, postcode_in, phone, tag;
};

// ---- matching ------------------------------------------------------------------------------

TEST_F(entities_over_https, a_registration_matches_whatever_its_spacing_and_case) {
    const auto first = linked(worker, episode1, vehicle("Black Ford Focus", registration));
    EXPECT_EQ(first.at("matched"), "created");
    EXPECT_EQ(str(first.at("entity").at("identifier_normalised")), registration);
    EXPECT_EQ(first.at("link").at("link"), "picked_up_by");

    std::string spaced;
    for (const char c : registration) {
        spaced += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        spaced += ' ';
    }
    const auto second = linked(police, episode2, vehicle("Ford, black", " " + spaced));
    EXPECT_EQ(second.at("matched"), "existing");
    EXPECT_EQ(id_of(second), id_of(first));
    const auto third =
        linked(police, episode2,
               vehicle("Focus", registration.substr(0, 4) + "-" + registration.substr(4)));
    EXPECT_EQ(id_of(third), id_of(first));
    EXPECT_EQ(count_where("entities", "identifier_normalised = " + literal(registration)), 1);
    EXPECT_EQ(third.at("entity").at("children"), 2);
}

TEST_F(entities_over_https, a_postcode_is_normalised_and_a_place_under_another_name_is_offered) {
    const auto first = linked(worker, episode1,
                              {{"kind", "place"},
                               {"label", "Flat 3, Mill Court " + tag},
                               {"identifier", " " + postcode_out + postcode_in},
                               {"details", {{"address", "3 Mill Court, Town"}}},
                               {"link", "stayed_at"}});
    const auto postcode = postcode_out + " " + postcode_in;
    EXPECT_EQ(str(first.at("entity").at("identifier_normalised")), postcode);

    std::string lower = postcode_out + "  " + postcode_in;
    for (auto& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto same = linked(manager, episode2,
                             {{"kind", "place"},
                              {"label", "flat 3 mill court " + tag},
                              {"identifier", lower},
                              {"link", "found_at"}});
    EXPECT_EQ(same.at("matched"), "existing");
    EXPECT_EQ(id_of(same), id_of(first));

    const auto shop = linked(manager, episode2,
                             {{"kind", "place"},
                              {"label", "Corner shop " + tag},
                              {"identifier", postcode},
                              {"link", "other"}});
    EXPECT_EQ(shop.at("matched"), "created");
    EXPECT_NE(id_of(shop), id_of(first));
    const auto& offered = shop.at("possible_matches").as_array();
    ASSERT_EQ(offered.size(), 1U) << shop;
    EXPECT_EQ(str(offered[0].at("id")), id_of(first));
    EXPECT_EQ(offered[0].at("reason"), "the same postcode under another name");
    // Offered, never merged.
    EXPECT_EQ(count_where("entities", "identifier_normalised = " + literal(postcode) +
                                          " and merged_into is null"),
              2);
}

TEST_F(entities_over_https, a_person_matches_by_alias_and_phone_and_a_name_alone_is_offered) {
    const auto first = linked(worker, episode1,
                              {{"kind", "person"},
                               {"label", "John Smith " + tag},
                               {"identifier", phone},
                               {"details",
                                {{"aliases", json::array{"Johnny " + tag}},
                                 {"approximate_age", 35},
                                 {"description", "older man, tattoo on the neck"}}},
                               {"link", "seen_with"}});
    EXPECT_EQ(first.at("matched"), "created");
    EXPECT_EQ(first.at("entity").at("details").at("approximate_age"), 35);

    // The alias and the phone written another way: the same person.
    const auto by_alias =
        linked(police, episode2,
               {{"kind", "person"},
                {"label", "JOHNNY  " + tag},
                {"identifier", "+44 " + phone.substr(1, 4) + " " + phone.substr(5)},
                {"link", "gave_gifts"}});
    EXPECT_EQ(by_alias.at("matched"), "existing");
    EXPECT_EQ(id_of(by_alias), id_of(first));

    // The name without a phone: a new person, with the first offered as a possible match.
    const auto by_name =
        linked(worker, episode1,
               {{"kind", "person"}, {"label", "john smith " + tag}, {"link", "seen_with"}});
    EXPECT_EQ(by_name.at("matched"), "created");
    EXPECT_NE(id_of(by_name), id_of(first));
    const auto& offered = by_name.at("possible_matches").as_array();
    ASSERT_EQ(offered.size(), 1U) << by_name;
    EXPECT_EQ(str(offered[0].at("id")), id_of(first));

    // The phone under another name: offered, not taken.
    const auto other_name = linked(worker, episode1,
                                   {{"kind", "person"},
                                    {"label", "Dave " + tag},
                                    {"identifier", phone},
                                    {"link", "seen_with"}});
    EXPECT_EQ(other_name.at("matched"), "created");
    EXPECT_EQ(other_name.at("possible_matches").as_array().size(), 1U);
}

TEST_F(entities_over_https, a_possible_match_can_be_chosen_by_its_id) {
    const auto first = linked(
        worker, episode1,
        {{"kind", "person"}, {"label", "Mo " + tag}, {"identifier", phone}, {"link", "seen_with"}});
    const auto chosen =
        linked(worker, episode2, {{"entity_id", id_of(first)}, {"link", "picked_up_by"}});
    EXPECT_EQ(chosen.at("matched"), "chosen");
    EXPECT_EQ(id_of(chosen), id_of(first));
    EXPECT_EQ(chosen.at("entity").at("children"), 2);

    // The same link again: 200, nothing new.
    const auto again =
        link(worker, episode2, {{"entity_id", id_of(first)}, {"link", "picked_up_by"}});
    EXPECT_EQ(again.status, 200U) << again.body;
    EXPECT_EQ(again.json().at("linked"), false);
    EXPECT_EQ(count_where("episode_entities", "entity_id = " + literal(id_of(first))), 2);
}

// ---- the view across children ----------------------------------------------------------------

TEST_F(entities_over_https, a_child_out_of_scope_is_counted_but_never_named) {
    const auto first = linked(worker, episode1, vehicle("Silver van", registration));
    const auto id = id_of(first);
    linked(other_worker, episode3, vehicle("Van", registration, "seen_with"));

    const auto list = get(manager, "/api/v1/entities?kind=vehicle&min_children=2&limit=500");
    ASSERT_EQ(list.status, 200U) << list.body;
    bool found = false;
    const auto listed = list.json();
    for (const auto& item : listed.at("items").as_array()) {
        if (str(item.at("id")) == id) {
            found = true;
            EXPECT_EQ(item.at("children"), 2);
            // Counted for one entity only: the list would read every link of each.
            EXPECT_FALSE(item.as_object().contains("children_in_scope"));
        }
    }
    EXPECT_TRUE(found) << list.body;

    const auto one = get(manager, "/api/v1/entities/" + id);
    ASSERT_EQ(one.status, 200U) << one.body;
    EXPECT_EQ(one.json().at("children"), 2);
    EXPECT_EQ(one.json().at("children_in_scope"), 1);
    ASSERT_EQ(one.json().at("links").as_array().size(), 1U);
    EXPECT_EQ(str(one.json().at("links").at(0).at("child").at("id")), child1);
    EXPECT_THAT(one.body, ::testing::Not(::testing::HasSubstr(child3)));
    EXPECT_THAT(one.body, ::testing::Not(::testing::HasSubstr("Outofscope")));
    EXPECT_THAT(one.body, ::testing::Not(::testing::HasSubstr(episode3)));
    EXPECT_EQ(count_where("audit_events", "action = 'entity.read' and entity_id = " + literal(id) +
                                              " and detail::text like " +
                                              literal("%" + episode1 + "%")),
              1);

    // The other authority sees its own child, not the first.
    const auto theirs = get(other_manager, "/api/v1/entities/" + id);
    ASSERT_EQ(theirs.status, 200U) << theirs.body;
    EXPECT_EQ(str(theirs.json().at("links").at(0).at("child").at("id")), child3);
    EXPECT_THAT(theirs.body, ::testing::Not(::testing::HasSubstr(child1)));
    // The force reported both: police see both.
    EXPECT_EQ(get(police, "/api/v1/entities/" + id).json().at("links").as_array().size(), 2U);
    // An authority with no link sees nothing of it.
    EXPECT_EQ(get(bystander_manager, "/api/v1/entities/" + id).status, 404U);
    const auto none = get(bystander_manager, "/api/v1/entities?min_children=1");
    EXPECT_THAT(none.body, ::testing::Not(::testing::HasSubstr(id)));
    // The list below the threshold leaves it out.
    EXPECT_THAT(get(manager, "/api/v1/entities?min_children=3&limit=500").body,
                ::testing::Not(::testing::HasSubstr(id)));
}

TEST_F(entities_over_https, the_episode_lists_its_entities_for_whoever_sees_the_episode) {
    const auto first = linked(police, episode1, vehicle("Taxi", registration));
    const auto reply = get(worker, "/api/v1/episodes/" + episode1 + "/entities");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    ASSERT_EQ(reply.json().at("items").as_array().size(), 1U);
    EXPECT_EQ(str(reply.json().at("items").at(0).at("entity").at("id")), id_of(first));
    EXPECT_EQ(get(other_worker, "/api/v1/episodes/" + episode1 + "/entities").status, 404U);
}

// ---- the champion told -----------------------------------------------------------------------

TEST_F(entities_over_https, the_champion_is_told_once_per_new_child_and_not_on_a_repeat_link) {
    execute("update users set email = 'champion-" + tag +
            "@example.org', email_alerts = true "
            "where id = " +
            literal(champion.id));
    execute("update organisations set webhook_url = 'https://127.0.0.1:9/hook', webhook_secret = "
            "'secret-secret-secret' where id = " +
            literal(authority.id));
    const auto webhooks = [&] {
        return count_where("outbox", "topic = 'notification.entity_linked' and organisation_id = " +
                                         literal(authority.id));
    };
    const auto first = linked(worker, episode1, vehicle("Blue BMW", registration));
    EXPECT_EQ(notifications_to(authority), 0); // one child: nothing to tell
    linked(worker, episode2, vehicle("BMW", registration));
    EXPECT_EQ(notifications_to(authority), 1);
    EXPECT_EQ(webhooks(), 1);
    EXPECT_EQ(count_where("email_outbox", "user_id = " + literal(champion.id)), 1);

    // The same child again, in the same way and in another: not told again.
    linked(worker, episode2, vehicle("BMW", registration));
    linked(police, episode2, vehicle("BMW", registration, "gave_gifts"));
    linked(police, episode1, vehicle("BMW", registration, "seen_with"));
    EXPECT_EQ(notifications_to(authority), 1);
    EXPECT_EQ(webhooks(), 1);

    // A third child, of another authority: both champions are told, once.
    linked(police, episode3, vehicle("BMW", registration));
    EXPECT_EQ(notifications_to(authority), 2);
    EXPECT_EQ(notifications_to(other), 1);
    EXPECT_EQ(count_where("email_outbox", "user_id = " + literal(champion.id)), 2);

    const auto inbox = get(champion, "/api/v1/notifications");
    ASSERT_EQ(inbox.status, 200U) << inbox.body;
    int told = 0;
    const auto items = inbox.json();
    for (const auto& item : items.at("items").as_array()) {
        if (item.at("kind") == "entity_linked") {
            ++told;
        }
    }
    EXPECT_EQ(told, 2);
    // The other authority's champion is not given the first authority's child.
    EXPECT_EQ(count_where("notifications",
                          "kind = 'entity_linked' and organisation_id = " + literal(other.id) +
                              " and child_id is not null and "
                              "child_id <> " +
                              literal(child3)),
              0);
    EXPECT_EQ(id_of(first).empty(), false);
}

// ---- merge -----------------------------------------------------------------------------------

TEST_F(entities_over_https, the_champion_merges_two_entities_and_the_merged_one_is_kept) {
    const auto a = id_of(linked(worker, episode1, vehicle("Red car", registration)));
    const auto b = id_of(linked(
        worker, episode2, vehicle("Red Vauxhall", "Q" + letters(1) + digits(2) + letters(3))));
    EXPECT_EQ(post(manager, "/api/v1/entities/" + a + "/merge",
                   json::serialize(json::object{{"into", b}}))
                  .status,
              403U);
    const auto reply = post(champion, "/api/v1/entities/" + a + "/merge",
                            json::serialize(json::object{{"into", b}}));
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(str(reply.json().at("id")), b);
    EXPECT_EQ(reply.json().at("children"), 2);
    EXPECT_EQ(count_where("episode_entities", "entity_id = " + literal(a)), 0);
    EXPECT_EQ(count_where("episode_entities",
                          "entity_id = " + literal(b) + " and moved_from = " + literal(a)),
              1);
    const auto merged = get(champion, "/api/v1/entities/" + a);
    ASSERT_EQ(merged.status, 200U) << merged.body;
    EXPECT_EQ(str(merged.json().at("merged_into")), b);
    EXPECT_EQ(
        count_where("entity_history", "entity_id = " + literal(a) + " and action = 'merged_into'"),
        1);
    EXPECT_EQ(
        count_where("entity_history", "entity_id = " + literal(b) + " and action = 'merged_from'"),
        1);
    for (const auto& id : {a, b}) {
        EXPECT_EQ(count_where("audit_events", "action = 'entity.merge' and outcome = 'success' "
                                              "and entity_id = " +
                                                  literal(id)),
                  1);
    }
    // The merge brought a second child to b: the champion is told.
    EXPECT_EQ(notifications_to(authority), 1);
    // Merged already: 409; into itself or another kind: 422 naming into.
    EXPECT_EQ(post(champion, "/api/v1/entities/" + a + "/merge",
                   json::serialize(json::object{{"into", b}}))
                  .status,
              409U);
    const auto self = post(champion, "/api/v1/entities/" + b + "/merge",
                           json::serialize(json::object{{"into", b}}));
    EXPECT_EQ(self.status, 422U);
    EXPECT_EQ(self.json().at("errors").at(0).at("field"), "into");
    const auto place = id_of(linked(
        worker, episode1, {{"kind", "place"}, {"label", "Park " + tag}, {"link", "found_at"}}));
    const auto kinds = post(champion, "/api/v1/entities/" + place + "/merge",
                            json::serialize(json::object{{"into", b}}));
    EXPECT_EQ(kinds.status, 422U) << kinds.body;
    EXPECT_EQ(kinds.json().at("errors").at(0).at("field"), "into");
}

TEST_F(entities_over_https, the_count_of_children_stays_right_after_a_repeat_link_and_a_merge) {
    // The count kept on each entity (entities.children) against a count of its links' children.
    const auto recounted = [&](const std::string& id) {
        return count_where("entities n", "n.id = " + literal(id) +
                                             " and n.children = (select count(distinct e.child_id) "
                                             "from episode_entities l join episodes e on e.id = "
                                             "l.episode_id where l.entity_id = n.id)");
    };
    const auto listed_children = [&](const std::string& id) -> long long {
        const auto list = get(champion, "/api/v1/entities?kind=vehicle&min_children=1&limit=500");
        EXPECT_EQ(list.status, 200U) << list.body;
        const auto listed = list.json();
        for (const auto& item : listed.at("items").as_array()) {
            if (str(item.at("id")) == id) {
                return item.at("children").as_int64();
            }
        }
        return -1;
    };
    const auto a = id_of(linked(worker, episode1, vehicle("Blue car", registration)));
    // The same link again, and the same child in another way: still one child.
    EXPECT_EQ(link(worker, episode1, {{"entity_id", a}, {"link", "picked_up_by"}}).status, 200U);
    EXPECT_EQ(linked(worker, episode1, {{"entity_id", a}, {"link", "seen_with"}})
                  .at("entity")
                  .at("children"),
              1);
    EXPECT_EQ(recounted(a), 1);
    EXPECT_EQ(listed_children(a), 1);

    // b links both children; a's only child is one of them, so the merge leaves b at 2.
    const auto b = id_of(
        linked(worker, episode1, vehicle("Blue Ford", "Q" + letters(1) + digits(2) + letters(3))));
    linked(worker, episode2, {{"entity_id", b}, {"link", "seen_with"}});
    const auto merged = post(champion, "/api/v1/entities/" + a + "/merge",
                             json::serialize(json::object{{"into", b}}));
    ASSERT_EQ(merged.status, 200U) << merged.body;
    EXPECT_EQ(merged.json().at("children"), 2);
    EXPECT_EQ(get(champion, "/api/v1/entities/" + a).json().at("children"), 0);
    EXPECT_EQ(recounted(a), 1);
    EXPECT_EQ(recounted(b), 1);
    EXPECT_EQ(listed_children(b), 2);
    EXPECT_EQ(listed_children(a), -1); // merged: no longer listed
    EXPECT_EQ(count_where("entity_children", "entity_id = " + literal(a)), 0);

    // A third child (another authority's) counts across authorities.
    linked(other_worker, episode3, {{"entity_id", b}, {"link", "seen_with"}});
    EXPECT_EQ(recounted(b), 1);
    EXPECT_EQ(get(champion, "/api/v1/entities/" + b).json().at("children"), 3);
    EXPECT_EQ(listed_children(b), 3);
}

// ---- the figures ----------------------------------------------------------------------------

TEST_F(entities_over_https, a_place_of_concern_counts_under_its_own_id_in_the_hot_spots) {
    const auto place = id_of(linked(worker, episode1,
                                    {{"kind", "place"},
                                     {"label", "Flat above the takeaway " + tag},
                                     {"identifier", postcode_out + postcode_in},
                                     {"link", "stayed_at"}}));
    // Written another way on the second child's episode: the same entity, so the same spot.
    linked(police, episode2,
           {{"kind", "place"},
            {"label", "flat above the TAKEAWAY " + tag},
            {"identifier", postcode_out + " " + postcode_in},
            {"link", "found_at"}});
    const auto reply = get(manager, "/api/v1/stats");
    ASSERT_EQ(reply.status, 200U) << reply.body;
    int seen = 0;
    const auto figures = reply.json();
    for (const auto& row : figures.at("figures").as_array()) {
        if (row.at("figure") == "hot_spots_place_of_concern" && str(row.at("key")) == place &&
            row.at("group") == "responsible") {
            ++seen;
            EXPECT_EQ(str(row.at("label")), "Flat above the takeaway " + tag);
            EXPECT_EQ(row.at("current"), 2) << row.at("measure"); // two episodes, two children
        }
    }
    EXPECT_EQ(seen, 2) << reply.body; // the episodes and the children measures
}

// ---- refusals --------------------------------------------------------------------------------

TEST_F(entities_over_https, roles_and_scopes_are_refused) {
    const auto before = stored();
    EXPECT_EQ(link(admin, episode1, vehicle("Car", registration)).status, 403U);
    EXPECT_EQ(link(other_worker, episode1, vehicle("Car", registration)).status, 404U);
    EXPECT_EQ(get(worker, "/api/v1/entities").status, 403U);
    EXPECT_EQ(stored(), before);
}

TEST_F(entities_over_https, bad_input_names_the_field_and_stores_nothing) {
    const auto before = stored();
    const auto expect_field = [&](const json::object& body, const std::string& field) {
        const auto reply = link(worker, episode1, body);
        EXPECT_EQ(reply.status, 422U) << reply.body;
        if (reply.status == 422U) {
            bool named = false;
            const auto problem = reply.json();
            for (const auto& error : problem.at("errors").as_array()) {
                named = named || str(error.at("field")) == field;
            }
            EXPECT_TRUE(named) << field << ": " << reply.body;
        }
    };
    expect_field(
        {{"kind", "place"}, {"label", "Flat"}, {"identifier", "NOT A CODE"}, {"link", "stayed_at"}},
        "identifier");
    expect_field(vehicle("Car", "AB!12"), "identifier");
    expect_field(
        {{"kind", "person"}, {"label", "Al"}, {"identifier", "call me"}, {"link", "seen_with"}},
        "identifier");
    expect_field({{"kind", "boat"}, {"label", "Boat"}, {"link", "other"}}, "kind");
    expect_field({{"kind", "person"}, {"label", "Al"}, {"link", "met"}}, "link");
    expect_field({{"kind", "person"}, {"label", "Al"}}, "link");
    expect_field({{"kind", "person"}, {"label", "  "}, {"link", "other"}}, "label");
    expect_field({{"kind", "person"},
                  {"label", "Al"},
                  {"link", "other"},
                  {"details", {{"approximate_age", 300}}}},
                 "details.approximate_age");
    expect_field({{"kind", "vehicle"},
                  {"label", "Car"},
                  {"link", "other"},
                  {"details", {{"aliases", json::array{"x"}}}}},
                 "details.aliases");
    expect_field({{"kind", "person"}, {"label", "Al"}, {"link", "other"}, {"colour", "red"}},
                 "colour");
    expect_field({{"entity_id", "not-an-id"}, {"link", "other"}}, "entity_id");
    expect_field({{"entity_id", "00000000-0000-4000-8000-000000000000"}, {"link", "other"}},
                 "entity_id");
    EXPECT_EQ(get(manager, "/api/v1/entities?kind=boat").status, 400U);
    EXPECT_EQ(get(manager, "/api/v1/entities?min_children=0").status, 400U);
    EXPECT_EQ(stored(), before);
}

} // namespace
} // namespace homeward::testing
