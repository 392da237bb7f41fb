#pragma once
// Email alerts for people away from the screen: every notification addressed to a user who gave
// an address and left alerts on is also sent by email, through the deployment's SMTP relay. An
// email carries no case content: only the kind of work, how late it is, and a link into the
// application. Sending runs in `homeward serve` apart from the change that raised the
// notification (queued in its transaction, like a webhook), retried with back-off, exactly once.

#include "homeward/db/emails.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/webhooks.hpp"

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace homeward::services {

struct email_message {
    std::string to;
    std::string subject;
    std::string text; // plain text, lines of at most 78 characters
};

struct email_result {
    bool sent{false};
    std::string error; // why, when not sent
};
using email_sender = std::function<email_result(const email_message&)>;

// What the email for one queued alert says, to whom, at `now`.
email_message compose_email(const db::emails::outgoing& email, const std::string& public_url,
                            workflow::time_point now);

struct email_report {
    int sent{0};
    int retrying{0};
    int dead{0};
};

// One pass: claims the due emails and sends each, until none is due. `public_url` is where the
// application is reached (links in the email). When `stopping` becomes true the pass ends after
// the email in hand, giving back what it claimed but did not send.
email_report deliver_emails(const environment& env, const delivery_rules& rules,
                            const std::string& public_url, const email_sender& send,
                            const std::atomic<bool>* stopping = nullptr);

struct email_queue {
    long long pending{0};
    long long sent{0};
    long long dead{0};
    std::optional<workflow::time_point> oldest_pending;
};
email_queue email_queue_state(const environment& env);

} // namespace homeward::services
