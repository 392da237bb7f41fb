// Email alerts: what each says (no case content) and the sending pass.

#include "homeward/services/emails.hpp"

#include "homeward/db/emails.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/workflow/policy.hpp"
#include "homeward/workflow/time_text.hpp"

#include <cmath>

namespace homeward::services {
namespace {

// The kind of work, in words, without anything about the child.
std::string work_of(const db::emails::outgoing& email) {
    if (email.clock_kind) {
        static const std::pair<std::string_view, std::string_view> clocks[] = {
            {"safe_and_well", "a police safe-and-well check"},
            {"interview_offered", "offering a return interview"},
            {"interview_held", "holding the return interview"},
            {"further_offer", "a further offer of a return interview"},
            {"follow_up_action", "a follow-up action"},
            {"long_missing", "a child still missing"},
            {"repeat_missing_review", "a repeat-missing review"},
            {"cse_reassessment", "a CSE risk reassessment"},
            {"profile_review", "reviewing a child's profile"},
        };
        for (const auto& [kind, words] : clocks) {
            if (kind == *email.clock_kind) {
                return std::string{words};
            }
        }
        return "a piece of work";
    }
    static const std::pair<std::string_view, std::string_view> kinds[] = {
        {"episode_reported", "A child has been reported missing"},
        {"child_returned", "A missing child has returned"},
        {"long_missing", "A child is still missing"},
        {"repeat_missing", "A child has gone missing repeatedly: a review is due"},
        {"cse_risk_raised", "A CSE risk has been recorded for your attention"},
        {"entity_linked", "A person, place or vehicle now links several children"},
        {"episode_assigned", "An episode has been given to you"},
        {"action_assigned", "A follow-up action has been given to you"},
    };
    for (const auto& [kind, words] : kinds) {
        if (kind == email.kind) {
            return std::string{words};
        }
    }
    return "Something needs your attention";
}

std::string lateness(workflow::time_point due, workflow::time_point now) {
    const auto minutes =
        std::chrono::duration_cast<std::chrono::minutes>(now > due ? now - due : due - now).count();
    const auto hours = minutes / 60;
    std::string amount = hours >= 48  ? std::to_string(hours / 24) + " days"
                         : hours >= 1 ? std::to_string(hours) + (hours == 1 ? " hour" : " hours")
                                      : std::to_string(minutes) + " minutes";
    return now > due ? amount + " overdue" : "due in " + amount;
}

} // namespace

email_message compose_email(const db::emails::outgoing& email, const std::string& public_url,
                            workflow::time_point now) {
    email_message message;
    message.to = email.address;
    std::string body;
    if (email.clock_kind && email.due_at) {
        const bool overdue = email.kind == "clock_overdue";
        message.subject =
            std::string{"Homeward: "} + (overdue ? "overdue" : "due soon") + ": " + work_of(email);
        body = "Work you hold in Homeward is " + std::string{overdue ? "overdue" : "due soon"} +
               ":\n\n  " + work_of(email) + ", " + lateness(*email.due_at, now) + " (due " +
               workflow::format_rfc3339(*email.due_at) + ").\n";
    } else {
        message.subject = "Homeward: " + work_of(email);
        body = work_of(email) + ".\n";
    }
    const std::string link = email.episode_id ? public_url + "/episodes/" + *email.episode_id
                             : email.child_id ? public_url + "/children/" + *email.child_id
                                              : public_url + "/notifications";
    body += "\nOpen it in Homeward (you will be asked to sign in):\n" + link +
            "\n\nThis email says nothing about the child on purpose.\nTo stop these emails, "
            "turn email alerts off in Homeward.\n";
    message.text = std::move(body);
    return message;
}

email_report deliver_emails(const environment& env, const delivery_rules& rules,
                            const std::string& public_url, const email_sender& send,
                            const std::atomic<bool>* stopping) {
    email_report report;
    while (true) {
        std::vector<db::emails::outgoing> claimed;
        {
            db::unit_of_work uow{env.pool};
            claimed = db::emails::claim(uow, env.now(), rules.lease, rules.batch);
            uow.commit();
        }
        for (const auto& email : claimed) {
            if (stopping != nullptr && stopping->load()) {
                db::unit_of_work uow{env.pool};
                db::emails::release(uow, email, env.now());
                uow.commit();
                continue;
            }
            // Sent outside any transaction: a slow relay holds no lock and no connection.
            const auto result = send(compose_email(email, public_url, env.now()));
            const auto now = env.now();
            db::unit_of_work uow{env.pool};
            if (result.sent) {
                db::emails::record_sent(uow, email, now);
                ++report.sent;
            } else {
                const bool last = email.attempt >= rules.max_attempts;
                const std::optional<workflow::time_point> retry_at =
                    last ? std::nullopt : std::optional{now + retry_delay(rules, email.attempt)};
                db::emails::record_failed(
                    uow, email, now, result.error.empty() ? "not sent" : result.error, retry_at);
                ++(last ? report.dead : report.retrying);
            }
            uow.commit();
        }
        if (static_cast<int>(claimed.size()) < rules.batch ||
            (stopping != nullptr && stopping->load())) {
            return report;
        }
    }
}

email_queue email_queue_state(const environment& env) {
    db::unit_of_work uow{env.pool};
    const auto state = db::emails::state(uow);
    return {state.pending, state.sent, state.dead, state.oldest_pending};
}

} // namespace homeward::services
