// The printed episode report (GET /api/v1/episodes/{id}/report) over real HTTPS: a PDF whose text,
// read back by poppler's pdftotext, shows every section with the episode's own values; police read
// in it only what the JSON lets them read; a long episode flows onto further A4 pages (pdfinfo);
// scope answers 404 as the JSON read does; every report printed is audited.

#include "command_output.hpp"
#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>

namespace homeward::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

class episode_report_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(workflow::organisation_kind::police);
        other_force = make_org(workflow::organisation_kind::police);
        authority = make_org(workflow::organisation_kind::local_authority);
        other = make_org(workflow::organisation_kind::local_authority);
        police = make_user(workflow::role::police, force);
        other_police = make_user(workflow::role::police, other_force);
        worker = make_user(workflow::role::social_worker, authority);
        champion = make_user(workflow::role::cse_champion, authority);
        outsider = make_user(workflow::role::social_worker, other);
        admin = make_user(workflow::role::admin, authority);
        child = post_child(worker, {{"given_name", "Ruby"},
                                    {"family_name", "Ashcroft"},
                                    {"date_of_birth", "2010-09-14"},
                                    {"sex", "female"},
                                    {"looked_after", true},
                                    {"responsible_authority", authority.code}});
    }

    // The clock moves on; everyone signs in again (their sessions would be idle past the limit).
    void later(std::chrono::seconds by) {
        advance(by);
        for (auto* who : {&police, &other_police, &worker, &champion, &outsider, &admin}) {
            who->token = log_in(who->username);
        }
    }

    void send(const test_user& who, const std::string& path, const json::object& body,
              unsigned status = 200) {
        const auto reply = post(who, path, json::serialize(body));
        EXPECT_EQ(reply.status, status) << path << ": " << reply.body;
    }

    std::string raise(const std::string& episode, const std::string& description,
                      std::chrono::seconds due) {
        const auto reply = post(worker, "/api/v1/episodes/" + episode + "/actions",
                                json::serialize(json::object{{"type", "cse_referral"},
                                                             {"description", description},
                                                             {"owner_id", worker.id},
                                                             {"due_at", at(due)}}));
        EXPECT_EQ(reply.status, 201U) << reply.body;
        return reply.status == 201 ? std::string{reply.json().at("id").as_string()} : "";
    }

    void interview(const std::string& path, const std::string& child_views) {
        send(worker, path + "/interview",
             {{"conducted_at", at(-30min)},
              {"location", "The library"},
              {"where_stayed", "A flat above the takeaway on Roundhay Road"},
              {"with_whom", "Two older men she met online"},
              {"push_factors", json::array{"arguments with her carer"}},
              {"pull_factors", json::array{"older adults offering lifts"}},
              {"harm_disclosed", false},
              {"indicators",
               json::array{"older_boyfriend_or_girlfriend", "unexplained_money_gifts_or_phones"}},
              {"cse_risk", "medium"},
              {"child_views", child_views},
              {"police_intelligence", "Silver Astra seen outside the flat"}});
    }

    // Reported now with this circumstances text, last seen 3 h before.
    std::string report_with(const std::string& circumstances) {
        const auto reply =
            post(police, "/api/v1/episodes",
                 json::serialize(json::object{{"child_id", child},
                                              {"last_seen_at", at(-3h)},
                                              {"last_seen_location", "Kirkgate bus station"},
                                              {"circumstances", circumstances},
                                              {"risk_level", "medium"},
                                              {"police_reference", "WY-2026-4471"},
                                              {"missing_or_away", "missing"}}));
        EXPECT_EQ(reply.status, 201U) << reply.body;
        return reply.status == 201 ? std::string{reply.json().at("id").as_string()} : "";
    }

    // An episode with something in every section, and clocks met and missed by known hours:
    // reported at T; returned at T+28 h (long missing, due T+24 h: 4.0 h late); safe and well at
    // T+29 h (due T+52 h: 23.0 h early); offered at T+59 h (due T+52 h: 7.0 h late); interviewed
    // at T+59.5 h (due T+100 h: 40.5 h early); one action done, one due at T+61 h and open when
    // printed at T+63 h (2.0 h overdue).
    std::string full_episode() {
        const auto id = report_with("Did not come back from the youth club");
        const auto path = "/api/v1/episodes/" + id;
        later(30h);
        send(police, path + "/return",
             {{"returned_at", at(-2h)},
              {"found_location", "Harehills Lane car park"},
              {"returned_to", "Foster carer"},
              {"found_by", "PC Mirza"}});
        send(police, path + "/safe-and-well",
             {{"conducted_at", at(-1h)}, {"notes", "Tired and hungry, no injuries seen"}});
        send(worker, path + "/assign", {{"worker_id", worker.id}});
        later(30h);
        send(worker, path + "/interview-offer",
             {{"offered_at", at(-1h)}, {"scheduled_for", at(-40min)}, {"independent", true}});
        interview(path, "Wants to keep seeing her friends at the club");
        const auto done = raise(id, "Refer to the CSE panel", 24h);
        send(worker, path + "/actions/" + done + "/complete",
             {{"outcome", "Panel met and agreed a safety plan"}});
        raise(id, "Visit the placement with the carer", 1h);
        send(champion, path + "/sign-off", {{"note", "Reviewed: the safety plan is sound"}});
        later(3h);
        return id;
    }

    https_reply report_of(const test_user& who, const std::string& episode) {
        return get(who, "/api/v1/episodes/" + episode + "/report");
    }

    long long report_audits(const test_user& who, const std::string& episode) {
        return count_where("audit_log", "action = 'episode.print' and outcome = 'success' and "
                                        "entity_id = " +
                                            literal(episode) +
                                            " and actor_id::text = " + literal(who.id));
    }

    test_org force, other_force, authority, other;
    test_user police, other_police, worker, champion, outsider, admin;
    std::string child;
};

TEST_F(episode_report_over_https, the_pdf_shows_every_section_with_the_episodes_own_values) {
    const auto episode = full_episode();
    const auto reply = report_of(worker, episode);
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/pdf");
    EXPECT_EQ(reply.header("cache-control"), "no-store");
    EXPECT_THAT(reply.header("content-disposition"), HasSubstr("episode-" + episode + ".pdf"));
    ASSERT_EQ(reply.body.substr(0, 5), "%PDF-");
    const auto pdf = read_pdf(reply.body);
    const auto& text = pdf.text;

    for (const char* section :
         {"Child", "Episode", "Return interview", "CSE indicators and score",
          "Actions and outcomes", "CSE champion's sign-off", "Clocks", "Timeline"}) {
        EXPECT_THAT(text, HasSubstr(section)) << section;
    }
    // The header names the episode; the footer who printed it, and the page of how many.
    EXPECT_THAT(text, HasSubstr("Episode report: Ruby Ashcroft, born 2010-09-14"));
    EXPECT_THAT(text, HasSubstr("Episode " + episode));
    EXPECT_THAT(text, HasSubstr("by " + worker.username + " (social worker, " + authority.code));
    EXPECT_THAT(text, HasSubstr("Page 1 of " + std::to_string(pdf.pages)));
    // The child and the episode.
    for (const char* value :
         {"Ruby Ashcroft", "2010-09-14", "Kirkgate bus station", "WY-2026-4471",
          "Did not come back from the youth club", "Harehills Lane car park", "Foster carer",
          "PC Mirza", "Tired and hungry, no injuries seen",
          // The interview, every field the social worker may read.
          "The library", "A flat above the takeaway on Roundhay Road",
          "Two older men she met online", "arguments with her carer", "older adults offering lifts",
          "Wants to keep seeing her friends at the club", "Silver Astra seen outside the flat",
          // Indicators by their catalogue labels, the score and the risk.
          "Older boyfriend or girlfriend", "Unexplained money, gifts or mobile phones",
          "Indicator score 10", "CSE risk medium",
          // Actions and outcomes, the sign-off.
          "Refer to the CSE panel", "Panel met and agreed a safety plan",
          "Visit the placement with the carer", "Reviewed: the safety plan is sound"}) {
        EXPECT_THAT(text, HasSubstr(value)) << value;
    }
    // Every clock, met or missed and by how much.
    EXPECT_THAT(text, HasSubstr("Long missing Due"));
    EXPECT_THAT(text, HasSubstr("4.0 h late"));                 // long missing
    EXPECT_THAT(text, HasSubstr("23.0 h before the deadline")); // safe and well
    EXPECT_THAT(text, HasSubstr("7.0 h late"));                 // the offer
    EXPECT_THAT(text, HasSubstr("40.5 h before the deadline")); // the interview held
    EXPECT_THAT(text, HasSubstr("Missed: not met, 2.0 h overdue when printed"));
    // The timeline, by whom.
    EXPECT_THAT(text, HasSubstr("Sign off"));
    EXPECT_THAT(text, HasSubstr(champion.username + ", CSE champion"));
}

TEST_F(episode_report_over_https, police_read_in_it_only_what_the_json_lets_them_read) {
    const auto episode = full_episode();
    const auto as_worker = report_of(worker, episode);
    const auto as_police = report_of(police, episode);
    ASSERT_EQ(as_worker.status, 200U) << as_worker.body;
    ASSERT_EQ(as_police.status, 200U) << as_police.body;
    const auto worker_text = read_pdf(as_worker.body).text;
    const auto police_text = read_pdf(as_police.body).text;
    // What the JSON hides from police (the child's own account, social work's own writing).
    for (const char* hidden :
         {"A flat above the takeaway on Roundhay Road", "Two older men she met online",
          "Wants to keep seeing her friends at the club", "arguments with her carer",
          "older adults offering lifts", "The library", "Older boyfriend or girlfriend",
          "Panel met and agreed a safety plan", "Reviewed: the safety plan is sound"}) {
        EXPECT_THAT(worker_text, HasSubstr(hidden)) << hidden;
        EXPECT_THAT(police_text, Not(HasSubstr(hidden))) << hidden;
    }
    // What police read: the outcome, the CSE risk, their intelligence, the actions raised.
    for (const char* shown :
         {"Ruby Ashcroft", "Harehills Lane car park", "Silver Astra seen outside the flat",
          "CSE risk medium", "Refer to the CSE panel", "Return interview", "Timeline"}) {
        EXPECT_THAT(police_text, HasSubstr(shown)) << shown;
    }
    EXPECT_THAT(police_text, HasSubstr("(police, " + force.code));
}

TEST_F(episode_report_over_https, a_long_episode_flows_onto_further_a4_pages) {
    std::string circumstances;
    while (circumstances.size() < 9000) {
        circumstances += "She was seen near the canal towpath and then on the late bus. ";
    }
    circumstances += "That is the whole of the circumstances.";
    const auto episode = report_with(circumstances);
    const auto path = "/api/v1/episodes/" + episode;
    send(police, path + "/return",
         {{"returned_at", at(-1h)}, {"found_location", "Canal basin"}, {"returned_to", "Carer"}});
    send(worker, path + "/assign", {{"worker_id", worker.id}});
    std::string views;
    while (views.size() < 6000) {
        views += "She says the older men gave her lifts and a phone, and she wants it to stop. ";
    }
    interview(path, views + "That is all the child said.");
    for (int i = 1; i <= 30; ++i) {
        raise(episode,
              "Action number " + std::to_string(i) +
                  ": speak with the school, the carer and the youth worker about who collects "
                  "her, and record what each says in the case notes",
              48h);
    }
    const auto reply = report_of(worker, episode);
    ASSERT_EQ(reply.status, 200U) << reply.body;
    const auto pdf = read_pdf(reply.body);
    EXPECT_GE(pdf.pages, 4);
    // Nothing is lost at a page break: the long text ends, and every action is there.
    EXPECT_THAT(pdf.text, HasSubstr("That is the whole of the circumstances."));
    EXPECT_THAT(pdf.text, HasSubstr("That is all the child said."));
    EXPECT_THAT(pdf.text, HasSubstr("Action number 1:"));
    EXPECT_THAT(pdf.text, HasSubstr("Action number 30:"));
    EXPECT_THAT(pdf.text, HasSubstr("Page " + std::to_string(pdf.pages) + " of " +
                                    std::to_string(pdf.pages)));

    // A short episode fits on fewer pages.
    const auto short_episode = report_with("Late home");
    const auto short_reply = report_of(police, short_episode);
    ASSERT_EQ(short_reply.status, 200U) << short_reply.body;
    EXPECT_LT(read_pdf(short_reply.body).pages, pdf.pages);
}

TEST_F(episode_report_over_https, out_of_scope_answers_404_and_audits_no_read_of_content) {
    const auto episode = report_with("Did not come home");
    for (const auto* who : {&outsider, &other_police}) {
        const auto reply = report_of(*who, episode);
        EXPECT_EQ(reply.status, 404U) << reply.body;
        EXPECT_EQ(reply.header("content-type"), "application/problem+json");
        EXPECT_THAT(reply.body, Not(HasSubstr("Ruby")));
        EXPECT_EQ(report_audits(*who, episode), 0);
    }
    // Exactly as an episode that does not exist.
    const auto missing = report_of(worker, "00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(missing.status, 404U);
    // Admins see no case content.
    EXPECT_EQ(report_of(admin, episode).status, 403U);
    EXPECT_EQ(report_audits(admin, episode), 0);
    // Without a session, nothing.
    EXPECT_EQ(https_call(port_, "GET", "/api/v1/episodes/" + episode + "/report").status, 401U);
}

TEST_F(episode_report_over_https, printing_the_report_is_audited_as_a_read_of_the_episode) {
    const auto episode = report_with("Did not come home");
    ASSERT_EQ(report_of(worker, episode).status, 200U);
    EXPECT_EQ(text("select actor_id || '|' || actor_username || '|' || actor_role || '|' || "
                   "entity_type || '|' || entity_id || '|' || outcome || '|' || "
                   "(detail->>'route') from audit_log where action = 'episode.print' and "
                   "entity_id = " +
                   literal(episode)),
              worker.id + "|" + worker.username + "|social_worker|episode|" + episode +
                  "|success|/api/v1/episodes/{id}/report");
    ASSERT_EQ(report_of(police, episode).status, 200U);
    EXPECT_EQ(report_audits(police, episode), 1);
}

} // namespace
} // namespace homeward::testing
