// Fuzz target: the request path. The input is a raw HTTP/1.1 request, parsed by Beast's
// request_parser as the server parses it (the same header and body limits) and handed to the real
// router on the real PostgreSQL of the test database (HOMEWARD_TEST_DATABASE_URL, which ops/fuzz
// and ops/test provide), so that every handler, JSON body reader, use case and statement behind it
// is reached.
//
// A world is made once: a police force and a local authority, one user of each role signed in,
// a child and an episode. In the input, @police@, @social_worker@, @manager@, @champion@ and
// @admin@ stand for those users' session tokens, @child@ and @episode@ for the ids, @la@ and
// @force@ for the organisations' codes. A request without an Authorization or Cookie header gets
// a Bearer token of a role chosen by the input's length, so that most inputs reach the
// authenticated routes.
//
// Findings besides crashes and sanitizer reports: a 500 (an unexpected failure: whatever a client
// sends must be answered by a refusal, never by an internal error), and an exception escaping the
// router.

#include "homeward/api/log.hpp"
#include "homeward/api/router.hpp"
#include "homeward/api/server.hpp"
#include "homeward/api/settings.hpp"
#include "homeward/db/migrations.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/db/pool.hpp"
#include "homeward/db/unit_of_work.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/sessions.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>
#include <pqxx/pqxx>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace homeward;
namespace http = boost::beast::http;

constexpr std::string_view password = "fuzzing is believing, twice over";

struct world {
    std::string url;
    std::unique_ptr<db::connection_pool> pool;
    workflow::indicator_catalogue catalogue;
    std::unique_ptr<services::environment> env;
    std::unique_ptr<api::router> router;
    std::vector<std::pair<std::string, std::string>> placeholders; // "@name@" → text
    std::vector<std::string> tokens;                               // one per role
    std::ostringstream log;
    std::unique_ptr<pqxx::connection> admin_connection;
};

world* the_world = nullptr;

std::string random_code(std::string_view prefix) {
    static std::mt19937_64 random{std::random_device{}()};
    std::ostringstream code;
    code << prefix << std::hex << std::uppercase << (random() & 0xFFFFFFFFFFULL);
    return code.str();
}

std::string make_org(world& w, std::string_view prefix, workflow::organisation_kind kind) {
    const auto code = random_code(prefix);
    db::unit_of_work uow{*w.pool};
    db::organisations::insert(uow, code, "Fuzzing " + code, kind);
    uow.commit();
    return code;
}

services::session_view make_user(world& w, workflow::role role, const std::string& org_code,
                                 const std::string& hash) {
    const auto username = "fuzz-" + random_code(workflow::to_string(role));
    {
        db::unit_of_work uow{*w.pool};
        const auto organisation = db::organisations::by_code(uow, org_code);
        db::users::insert(uow, username, hash, role, organisation->id);
        uow.commit();
    }
    return services::log_in(*w.env, username, password, "127.0.0.1", "fuzz-setup");
}

services::actor actor_of(const services::session_view& session) {
    return {session.user.id,
            session.user.username,
            session.user.user_role,
            session.user.organisation_id,
            session.user.organisation_code,
            "fuzz-setup"};
}

void make_world(world& w) {
    const char* url = std::getenv("HOMEWARD_TEST_DATABASE_URL");
    if (url == nullptr || *url == '\0') {
        std::cerr << "HOMEWARD_TEST_DATABASE_URL is not set: run through ops/fuzz or ops/test\n";
        std::exit(1);
    }
    w.url = url;
    db::migrate(w.url);
    w.pool = std::make_unique<db::connection_pool>(w.url, 2);
    w.catalogue = api::load_catalogue(HOMEWARD_SOURCE_DATA_DIR);
    // The clock stands still: sessions never go idle, and every run sees the same "now".
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    w.env = std::make_unique<services::environment>(services::environment{
        *w.pool, workflow::england_policy(), w.catalogue, [now] { return now; }});
    services::session_rules rules;
    rules.failures_per_address = 1'000'000; // the fuzzer's log-ins must not lock out the world
    w.router = std::make_unique<api::router>(*w.env, rules);

    const auto force = make_org(w, "FZP", workflow::organisation_kind::police);
    const auto authority = make_org(w, "FZL", workflow::organisation_kind::local_authority);
    const auto hash = services::hash_password(password);
    const auto police = make_user(w, workflow::role::police, force, hash);
    const auto worker = make_user(w, workflow::role::social_worker, authority, hash);
    const auto manager = make_user(w, workflow::role::manager, authority, hash);
    const auto champion = make_user(w, workflow::role::cse_champion, authority, hash);
    const auto admin = make_user(w, workflow::role::admin, authority, hash);

    const auto police_actor = actor_of(police);
    const auto child =
        services::create_child(*w.env, police_actor,
                               boost::json::object{{"given_name", "Robin"},
                                                   {"family_name", "Fuzz"},
                                                   {"date_of_birth", "2011-02-03"},
                                                   {"sex", "unknown"},
                                                   {"looked_after", true},
                                                   {"responsible_authority", authority}});
    const auto episode = services::report_episode(
        *w.env, police_actor,
        boost::json::object{{"child_id", child.id},
                            {"last_seen_at", workflow::format_rfc3339(now - std::chrono::hours{3})},
                            {"last_seen_location", "Market Street"},
                            {"circumstances", "Left the placement at night"},
                            {"risk_level", "medium"},
                            {"police_reference", "FZ-1"},
                            {"missing_or_away", "missing"}},
        std::nullopt);

    w.tokens = {police.token, worker.token, manager.token, champion.token, admin.token};
    w.placeholders = {{"@police@", police.token},
                      {"@social_worker@", worker.token},
                      {"@manager@", manager.token},
                      {"@champion@", champion.token},
                      {"@admin@", admin.token},
                      {"@child@", child.id},
                      {"@episode@", episode.episode.id},
                      {"@la@", authority},
                      {"@force@", force}};
    w.admin_connection = std::make_unique<pqxx::connection>(w.url);
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

// Does the request bring a credential of its own (a Bearer token or the web application's cookie)?
bool has_credential(std::string_view request) {
    const auto end = request.find("\r\n\r\n");
    std::string head{request.substr(0, end)};
    for (auto& c : head) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return head.find("\nauthorization:") != std::string::npos ||
           head.find("\ncookie:") != std::string::npos;
}

// The request as the input gives it, placeholders replaced, with a session when it names none.
std::string request_text(const world& w, std::string_view input) {
    std::string text{input};
    for (const auto& [name, value] : w.placeholders) {
        replace_all(text, name, value);
    }
    if (!has_credential(text)) {
        const auto line_end = text.find("\r\n");
        if (line_end != std::string::npos) {
            text.insert(line_end + 2, "Authorization: Bearer " +
                                          w.tokens[input.size() % w.tokens.size()] + "\r\n");
        }
    }
    return text;
}

// A request may end the world's sessions (DELETE /api/v1/session): they are made valid again, so
// that every input runs against the same world.
void revive_sessions(world& w) {
    pqxx::work tx{*w.admin_connection};
    tx.exec0("update sessions set revoked_at = null where revoked_at is not null and user_id in "
             "(select id from users where username like 'fuzz-%')");
    tx.commit();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    the_world = new world;
    api::process_log().redirect(the_world->log);
    make_world(*the_world);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    world& w = *the_world;
    const auto text = request_text(w, {reinterpret_cast<const char*>(data), size});

    http::request_parser<http::string_body> parser;
    parser.eager(true);
    const api::server_options serve; // serve's own limits
    parser.header_limit(serve.header_limit);
    parser.body_limit(serve.body_limit);
    boost::beast::error_code ec;
    std::size_t used = 0;
    while (used < text.size() && !parser.is_done()) {
        const auto n = parser.put(boost::asio::buffer(text.data() + used, text.size() - used), ec);
        if (ec || n == 0) {
            break;
        }
        used += n;
    }
    if (!parser.got_some()) {
        return 0; // nothing a server would answer
    }
    if (ec == http::error::need_more || (!ec && !parser.is_done())) {
        ec = {};
        parser.put_eof(ec);
    }
    if (ec || !parser.is_done()) {
        return 0; // Beast refuses it before the router sees it
    }
    const auto request = parser.release();
    w.log.str({});
    const auto response = w.router->handle(request, "127.0.0.1");
    if (response.result_int() == 500) {
        std::cerr << "500 for " << request.method_string() << ' ' << request.target() << "\n"
                  << w.log.str() << response.body() << '\n';
        std::abort();
    }
    if (request.method() == http::verb::delete_) {
        revive_sessions(w);
    }
    return 0;
}
