#include "homeward/api/cli.hpp"

#include "homeward/api/router.hpp"
#include "homeward/api/server.hpp"
#include "homeward/api/settings.hpp"
#include "homeward/api/webhook_client.hpp"
#include "homeward/db/migrations.hpp"
#include "homeward/db/pool.hpp"
#include "homeward/services/administration.hpp"
#include "homeward/services/audit.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/webhooks.hpp"

#include <boost/json/serialize.hpp>

#include <pqxx/except>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>

namespace homeward::api {
namespace {

constexpr std::string_view usage = R"(usage: homeward COMMAND [OPTIONS]

Tracks episodes in which children go missing, from the police report to the closing of the
follow-up.

Commands:
  serve                        run the HTTPS server until SIGTERM or SIGINT, then drain and exit 0
  migrate                      bring the database schema up to date (safe to run again)
  org add --code CODE --name NAME --kind police|local_authority
                               add an organisation
  user add --username U --role ROLE --org CODE --password-stdin
                               add a user; the password is read from standard input
                               (roles: police, social_worker, manager, cse_champion, admin)
  audit verify                 check the audit trail end to end; exit 1 if any entry is broken
  check-database               connect and print the server version

Options:
  --help                       print this help
  --version                    print the version

Settings come from the environment (HOMEWARD_CONFIG_FILE may name a file of NAME=value lines):
  HOMEWARD_DATABASE_URL   libpq connection string or URI (required)
  HOMEWARD_DB_POOL_SIZE   database connections (default 8)
  HOMEWARD_POLICY         england (default), scotland, or the path of a JSON policy file
  HOMEWARD_DATA_DIR       folder of cse_indicators.json
  HOMEWARD_SWEEP_SECONDS  how often serve's clock sweeper runs (default 60)
  HOMEWARD_WEBHOOK_SECONDS       how often serve sends due webhook messages (default 5)
  HOMEWARD_WEBHOOK_MAX_ATTEMPTS  attempts before a message is dead (default 12)
  HOMEWARD_WEBHOOK_CA_FILE       extra CA certificates trusted for webhook receivers
  HOMEWARD_LISTEN         HOST:PORT to serve on (default 127.0.0.1:8443)
  HOMEWARD_TLS_CERT       PEM certificate chain
  HOMEWARD_TLS_KEY        PEM private key

Exit codes: 0 done, 1 failed, 2 bad argument or setting.
)";

// One line, whatever the library said.
std::string first_line(std::string_view text) {
    return std::string{text.substr(0, text.find('\n'))};
}

// A bad argument: the message names it; exit code 2.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// --name value pairs (and bare --flags listed in `flags`); every name must be known.
std::map<std::string, std::string> options(const std::vector<std::string>& args, std::size_t from,
                                           const std::set<std::string>& names,
                                           const std::set<std::string>& flags = {}) {
    std::map<std::string, std::string> found;
    for (std::size_t i = from; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (!arg.starts_with("--") || (!names.contains(arg) && !flags.contains(arg))) {
            throw usage_error("unknown argument '" + arg + "'");
        }
        if (flags.contains(arg)) {
            found[arg] = "";
            continue;
        }
        if (i + 1 >= args.size()) {
            throw usage_error(arg + " needs a value");
        }
        found[arg] = args[++i];
    }
    for (const auto& name : names) {
        if (!found.contains(name)) {
            throw usage_error(name + " is required");
        }
    }
    for (const auto& flag : flags) {
        if (!found.contains(flag)) {
            throw usage_error(flag + " is required");
        }
    }
    return found;
}

std::mutex log_mutex;

// One JSON line on the command's output.
void log(std::ostream& out, const boost::json::object& line) {
    const std::lock_guard lock{log_mutex};
    out << boost::json::serialize(line) << std::endl;
}

double milliseconds_since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
        .count();
}

// Runs a pass at start and then every interval on a thread of its own, until stopped. The pass is
// given the stop flag, so that a long one can end early.
class periodic {
public:
    using pass_function = std::function<void(const std::atomic<bool>& stopping)>;
    periodic(std::chrono::seconds interval, pass_function pass)
        : interval_(interval), pass_(std::move(pass)) {}
    ~periodic() { stop(); }
    periodic(const periodic&) = delete;
    periodic& operator=(const periodic&) = delete;

    void start(std::ostream& out, std::string failure_message) {
        thread_ = std::thread{[this, &out, failure_message = std::move(failure_message)] {
            std::unique_lock lock{mutex_};
            while (!stopping_) {
                lock.unlock();
                try {
                    pass_(stopping_);
                } catch (const std::exception& error) {
                    log(out, {{"level", "error"},
                              {"msg", failure_message},
                              {"error", first_line(error.what())}});
                }
                lock.lock();
                wake_.wait_for(lock, interval_, [this] { return stopping_.load(); });
            }
        }};
    }

    // Asks the thread to stop and returns at once.
    void request_stop() {
        {
            const std::lock_guard lock{mutex_};
            stopping_ = true;
        }
        wake_.notify_all();
    }

    // Stops the thread and waits for it.
    void stop() {
        request_stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

private:
    std::chrono::seconds interval_;
    pass_function pass_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

struct runtime {
    settings config;
    workflow::indicator_catalogue catalogue;
    db::connection_pool pool;
    services::environment env;

    explicit runtime(settings loaded)
        : config(std::move(loaded)), catalogue(load_catalogue(config.data_dir)),
          pool(config.database_url, 2), env{pool, config.policy, catalogue, &services::system_now} {
    }
};

// A new request id per command, so its audit entries can be found together.
std::string command_request_id(std::string_view command) {
    return "cli-" + std::string{command} + "-" +
           std::to_string(services::system_now().time_since_epoch().count());
}

int serve(std::ostream& out) {
    const auto config = load_settings(process_environment(), true);
    const auto catalogue = load_catalogue(config.data_dir);
    const int schema = db::current_schema_version(config.database_url);
    if (schema != db::latest_schema_version()) {
        throw std::runtime_error("the database schema is at version " + std::to_string(schema) +
                                 ", this homeward needs " +
                                 std::to_string(db::latest_schema_version()) +
                                 ": run homeward migrate");
    }
    db::connection_pool pool{config.database_url, config.pool_size};
    services::environment env{pool, config.policy, catalogue, &services::system_now};
    services::session_rules rules;
    rules.idle = config.session_idle;
    router handler{env, rules};
    server_options options;
    options.host = config.listen_host;
    options.port = config.listen_port;
    options.tls_cert = config.tls_cert;
    options.tls_key = config.tls_key;
    options.worker_threads = static_cast<int>(config.pool_size);
    std::unique_ptr<server> https;
    try {
        https = std::make_unique<server>(options, handler);
    } catch (const boost::system::system_error& bad) {
        throw setting_error("HOMEWARD_TLS_CERT/HOMEWARD_TLS_KEY: cannot use them: " +
                            std::string{bad.what()});
    }
    std::uint16_t port = 0;
    try {
        port = https->listen();
    } catch (const boost::system::system_error& bad) {
        throw setting_error("HOMEWARD_LISTEN: cannot listen on " + config.listen_host + ":" +
                            std::to_string(config.listen_port) + ": " + bad.code().message());
    }
    https->on_ready([&out, &config, port] {
        out << "{\"level\":\"info\",\"msg\":\"listening\",\"url\":\"https://" << config.listen_host
            << ":" << port << "\",\"policy\":\"" << config.policy.name << "\"}" << std::endl;
    });
    // The clock sweeper and the webhook delivery worker: each at start and then every interval,
    // until the server has drained. A pass that fails (the database down) is logged and retried.
    periodic sweeper{config.sweep_interval, [&](const std::atomic<bool>&) {
                         const auto started = std::chrono::steady_clock::now();
                         const auto swept = services::sweep_clocks(env);
                         log(out, {{"level", "info"},
                                   {"msg", "sweep"},
                                   {"due_soon", swept.due_soon},
                                   {"overdue", swept.overdue},
                                   {"duration_ms", milliseconds_since(started)}});
                     }};
    services::delivery_rules delivery;
    delivery.max_attempts = config.webhook_max_attempts;
    webhook_client client{{config.webhook_ca_file, std::chrono::seconds{10}}};
    periodic deliverer{config.webhook_interval, [&](const std::atomic<bool>& stopping) {
                           const auto started = std::chrono::steady_clock::now();
                           const auto sent = services::deliver_webhooks(
                               env, delivery,
                               [&](const services::webhook_request& r) { return client.send(r); },
                               &stopping);
                           if (sent.delivered + sent.retrying + sent.dead > 0) {
                               log(out, {{"level", "info"},
                                         {"msg", "webhooks"},
                                         {"delivered", sent.delivered},
                                         {"retrying", sent.retrying},
                                         {"dead", sent.dead},
                                         {"duration_ms", milliseconds_since(started)}});
                           }
                       }};
    sweeper.start(out, "sweep failed");
    deliverer.start(out, "webhook delivery failed");
    https->run(true);
    sweeper.request_stop();
    deliverer.request_stop();
    sweeper.stop();
    deliverer.stop();
    out << "{\"level\":\"info\",\"msg\":\"stopped\"}" << std::endl;
    return 0;
}

int migrate(std::ostream& out) {
    const auto config = load_settings(process_environment(), false);
    const auto report = db::migrate(config.database_url);
    for (const auto& name : report.applied) {
        out << "applied " << name << '\n';
    }
    out << "schema at version " << report.to_version
        << (report.applied.empty() ? " (already up to date)" : "") << '\n';
    return 0;
}

int org_add(const std::vector<std::string>& args, std::ostream& out) {
    const auto given = options(args, 2, {"--code", "--name", "--kind"});
    runtime rt{load_settings(process_environment(), false)};
    const auto id = services::add_organisation(rt.env, given.at("--code"), given.at("--name"),
                                               given.at("--kind"), command_request_id("org-add"));
    out << "organisation " << given.at("--code") << " added (id " << id << ")\n";
    return 0;
}

int user_add(const std::vector<std::string>& args, std::istream& in, std::ostream& out) {
    const auto given = options(args, 2, {"--username", "--role", "--org"}, {"--password-stdin"});
    std::string password;
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') {
        password.pop_back();
    }
    if (password.empty()) {
        throw usage_error("--password-stdin: no password on standard input");
    }
    runtime rt{load_settings(process_environment(), false)};
    const auto id = services::add_user(rt.env, given.at("--username"), given.at("--role"),
                                       given.at("--org"), password, command_request_id("user-add"));
    out << "user " << given.at("--username") << " added (id " << id << ")\n";
    return 0;
}

int audit_verify(std::ostream& out, std::ostream& err) {
    runtime rt{load_settings(process_environment(), false)};
    const auto verdict = services::verify_audit(rt.env);
    if (verdict.intact()) {
        out << "audit trail intact: " << verdict.entries << " entries\n";
        return 0;
    }
    err << "homeward: audit trail broken at entry " << *verdict.first_broken << ": "
        << verdict.problem << '\n';
    return 1;
}

int check_database(std::ostream& out) {
    runtime rt{load_settings(process_environment(), false)};
    const auto lease = rt.pool.acquire();
    out << "database reachable; schema at version "
        << db::current_schema_version(rt.config.database_url) << " (this homeward knows "
        << db::latest_schema_version() << ")\n";
    return 0;
}

int dispatch(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
             std::ostream& err) {
    const std::string command = args.empty() ? "" : args[0];
    const std::string sub = args.size() > 1 ? args[1] : "";
    if (command.empty()) {
        err << usage;
        return 2;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        out << usage;
        return 0;
    }
    if (command == "--version") {
        out << "homeward " << HOMEWARD_VERSION << '\n';
        return 0;
    }
    if (command == "serve") {
        options(args, 1, {});
        return serve(out);
    }
    if (command == "migrate") {
        options(args, 1, {});
        return migrate(out);
    }
    if (command == "org" && sub == "add") {
        return org_add(args, out);
    }
    if (command == "user" && sub == "add") {
        return user_add(args, in, out);
    }
    if (command == "audit" && sub == "verify") {
        options(args, 2, {});
        return audit_verify(out, err);
    }
    if (command == "check-database") {
        options(args, 1, {});
        return check_database(out);
    }
    throw usage_error("unknown command '" + command + (sub.empty() ? "" : " " + sub) +
                      "' (see homeward --help)");
}

} // namespace

int run_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err) {
    try {
        return dispatch(args, in, out, err);
    } catch (const usage_error& bad) {
        err << "homeward: " << bad.what() << '\n';
        return 2;
    } catch (const setting_error& bad) {
        err << "homeward: " << bad.what() << '\n';
        return 2;
    } catch (const services::failure& refused) {
        err << "homeward: " << refused.detail() << '\n';
        return refused.kind() == services::failure_kind::invalid_input ? 2 : 1;
    } catch (const db::schema_too_new& newer) {
        err << "homeward: " << newer.what() << '\n';
        return 1;
    } catch (const db::unavailable& down) {
        err << "homeward: " << first_line(down.what()) << '\n';
        return 1;
    } catch (const pqxx::broken_connection& down) {
        err << "homeward: cannot reach the database: " << first_line(down.what()) << '\n';
        return 1;
    } catch (const std::exception& error) {
        err << "homeward: " << first_line(error.what()) << '\n';
        return 1;
    }
}

} // namespace homeward::api
