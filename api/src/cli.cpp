#include "homeward/api/cli.hpp"

#include "demo.hpp"

#include "homeward/api/email_client.hpp"
#include "homeward/api/log.hpp"
#include "homeward/api/router.hpp"
#include "homeward/api/server.hpp"
#include "homeward/api/settings.hpp"
#include "homeward/api/webhook_client.hpp"
#include "homeward/db/audit.hpp"
#include "homeward/db/identity.hpp"
#include "homeward/db/migrations.hpp"
#include "homeward/db/pool.hpp"
#include "homeward/db/replica.hpp"
#include "homeward/services/administration.hpp"
#include "homeward/services/audit.hpp"
#include "homeward/services/checkpoints.hpp"
#include "homeward/services/clocks.hpp"
#include "homeward/services/emails.hpp"
#include "homeward/services/errors.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/services/retention.hpp"
#include "homeward/services/sessions.hpp"
#include "homeward/services/two_factor.hpp"
#include "homeward/services/webhooks.hpp"
#include "homeward/workflow/time_text.hpp"

#include <pqxx/except>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string_view>
#include <thread>

#include <sys/resource.h>

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
  user add --username U --role ROLE --org CODE --password-stdin [--team NAME] [--email ADDR]
           [--deployment-wide]
                               add a user; the password is read from standard input
                               (roles: police, social_worker, manager, cse_champion, admin,
                               data_protection_officer);
                               --team puts them in their organisation's team of that name
                               (made if new), --email is where their email alerts go;
                               --deployment-wide (an admin) manages every organisation
  audit verify [--checkpoint FILE --public-key FILE]
                               check the audit trail end to end; exit 1 if any entry is broken,
                               or if it does not hold what the last checkpoint in FILE signed
  audit keygen --out FILE      make an Ed25519 key for signing checkpoints (FILE, mode 0600) and
                               print its public key
  two-factor keygen --out FILE make the key that seals two-step secrets at rest (32 random
                               bytes in FILE, mode 0600) for HOMEWARD_TWO_FACTOR_KEY
  retention run [--dry-run] [--as-of YYYY-MM-DD]
                               anonymise the records of every child past the retention schedule
                               on that day (default today, UTC) and not under a legal hold, one
                               audit entry each; --dry-run lists them (child, authority, due date,
                               rule) and changes nothing
  check-database               connect and print the server version
  demo                         add demo organisations, users (printing their passwords once)
                               and cases in every state, for trying Homeward; refused when the
                               demo organisations exist already

Options:
  --help                       print this help
  --version                    print the version

Settings come from the environment (HOMEWARD_CONFIG_FILE may name a file of NAME=value lines):
  HOMEWARD_DATABASE_URL   libpq connection string or URI (required)
  HOMEWARD_DB_POOL_SIZE   serve's database connections (default 8)
  HOMEWARD_REPLICA_URL    a streaming replica the figures and CSV exports read from
  HOMEWARD_REPLICA_MAX_LAG_SECONDS  the most it may be behind, else the primary (default 30)
  HOMEWARD_POLICY         england (default), scotland, or the path of a JSON policy file
  HOMEWARD_DATA_DIR       folder of cse_indicators.json
  HOMEWARD_SWEEP_SECONDS  how often serve's clock sweeper runs (default 60)
  HOMEWARD_RETENTION_SECONDS  how often serve runs the retention job (default 86400, daily)
  HOMEWARD_WEBHOOK_SECONDS       how often serve sends due webhook messages (default 5)
  HOMEWARD_WEBHOOK_MAX_ATTEMPTS  attempts before a message is dead (default 12)
  HOMEWARD_WEBHOOK_CA_FILE       extra CA certificates trusted for webhook receivers
  HOMEWARD_LISTEN         HOST:PORT to serve on (default 127.0.0.1:8443)
  HOMEWARD_TLS_CERT       PEM certificate chain
  HOMEWARD_TLS_KEY        PEM private key (SIGHUP makes serve read both files again)
  HOMEWARD_IO_THREADS     threads doing TLS and HTTP (default 2)
  HOMEWARD_WORKER_THREADS threads running request handlers (default HOMEWARD_DB_POOL_SIZE)
  HOMEWARD_MAX_CONNECTIONS              open connections in all (default 10000)
  HOMEWARD_MAX_CONNECTIONS_PER_ADDRESS  open connections from one address (default 2000)
  HOMEWARD_METRICS_TOKEN  bearer token a scraper must present for /metrics (unset: 404)

Every command logs JSON lines (ts, level, event, fields) on standard output; a command that
fails says why in one line on standard error.

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

// --name value pairs (and bare --flags listed in `flags` or `optional_flags`); every name must be
// known, and every one of `names` and `flags` given (`optional` names and `optional_flags` may be
// left out).
std::map<std::string, std::string> options(const std::vector<std::string>& args, std::size_t from,
                                           const std::set<std::string>& names,
                                           const std::set<std::string>& flags = {},
                                           const std::set<std::string>& optional = {},
                                           const std::set<std::string>& optional_flags = {}) {
    std::map<std::string, std::string> found;
    for (std::size_t i = from; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (!arg.starts_with("--") || (!names.contains(arg) && !flags.contains(arg) &&
                                       !optional.contains(arg) && !optional_flags.contains(arg))) {
            throw usage_error("unknown argument '" + arg + "'");
        }
        if (flags.contains(arg) || optional_flags.contains(arg)) {
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

double milliseconds_since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
        .count();
}

// Runs a pass at start and then every interval on a thread of its own, until stopped. The pass is
// given the stop flag, so that a long one can end early.
class periodic {
public:
    using pass_function = std::function<void(const std::atomic<bool>& stopping)>;
    periodic(std::chrono::milliseconds interval, pass_function pass)
        : interval_(interval), pass_(std::move(pass)) {}
    ~periodic() { stop(); }
    periodic(const periodic&) = delete;
    periodic& operator=(const periodic&) = delete;

    void start(std::string failure_event) {
        thread_ = std::thread{[this, failure_event = std::move(failure_event)] {
            std::unique_lock lock{mutex_};
            while (!stopping_) {
                lock.unlock();
                try {
                    pass_(stopping_);
                } catch (const std::exception& error) {
                    process_log().error(failure_event, {{"error", first_line(error.what())}});
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
    std::chrono::milliseconds interval_;
    pass_function pass_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// What every command that uses the database is wired with: settings, catalogue, pool and the
// services' environment. `serve` uses it too, with the configured pool size.
struct runtime {
    settings config;
    workflow::indicator_catalogue catalogue;
    db::connection_pool pool;
    services::environment env;

    // One-off commands need two connections; serve one per worker.
    runtime(settings loaded, std::size_t connections)
        : config(std::move(loaded)), catalogue(load_catalogue(config.data_dir)),
          pool(config.database_url, connections, std::chrono::seconds{5}, config.statement_timeout),
          env{pool, config.policy, catalogue, &services::system_now} {}
    explicit runtime(settings loaded) : runtime(std::move(loaded), 2) {}
};

// A new request id per command, so its audit entries can be found together.
std::string command_request_id(std::string_view command) {
    return "cli-" + std::string{command} + "-" +
           std::to_string(services::system_now().time_since_epoch().count());
}

// Open connections each hold a descriptor: the soft limit (often 1,024) is raised to the hard
// one, as servers commonly do, so that the connection caps rather than EMFILE bound them.
// Returns the limit now in force.
std::uint64_t raise_descriptor_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 0;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
        }
    }
    return limit.rlim_cur;
}

// A new key file, readable and writable by its owner only before the key is written into it;
// an existing file is never replaced.
void write_key_file(const std::string& path, std::string_view key) {
    if (std::filesystem::exists(path)) {
        throw usage_error("--out: " + path + " exists; refusing to replace a key");
    }
    {
        std::ofstream created{path, std::ios::binary};
        if (!created) {
            throw usage_error("--out: cannot write " + path);
        }
    }
    std::filesystem::permissions(path, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
    std::ofstream file{path, std::ios::binary | std::ios::trunc};
    file.write(key.data(), static_cast<std::streamsize>(key.size()));
    if (!file) {
        throw usage_error("--out: cannot write " + path);
    }
}

int serve() {
    auto config = load_settings(process_environment(), true);
    const int schema = db::current_schema_version(config.database_url);
    if (schema != db::latest_schema_version()) {
        throw std::runtime_error("the database schema is at version " + std::to_string(schema) +
                                 ", this homeward needs " +
                                 std::to_string(db::latest_schema_version()) +
                                 ": run homeward migrate");
    }
    // A line a request: gathered and written together, a few milliseconds at most after the first
    // (warnings and errors at once), rather than one write each under load.
    process_log().write_in_batches(std::chrono::milliseconds{2});
    const auto pool_size = config.pool_size;
    runtime rt{std::move(config), pool_size};
    const auto& cfg = rt.config;
    services::session_rules session_rules;
    session_rules.idle = cfg.session_idle;
    session_rules.two_factor = cfg.two_factor;
    session_rules.two_factor_key = cfg.two_factor_key;
    // Secrets stored before there was a key are sealed now; sealed ones the key cannot open (a
    // restore without its key file) stop the start, saying so.
    const auto sealing = services::seal_stored_secrets(rt.env, session_rules);
    if (sealing.sealed > 0) {
        process_log().info("two_factor_secrets_sealed", {{"users", sealing.sealed}});
    }
    if (sealing.unopened > 0) {
        process_log().warn("two_factor_secrets_unopened",
                           {{"secrets", sealing.unopened},
                            {"hint", "their users cannot sign in until an admin resets their "
                                     "password"}});
    }
    if (cfg.two_factor_key.empty() && cfg.two_factor != services::two_factor_mode::off) {
        process_log().warn("two_factor_secrets_not_sealed",
                           {{"hint", "set HOMEWARD_TWO_FACTOR_KEY to a key file (homeward "
                                     "two-factor keygen --out FILE) to seal them at rest"}});
    }
    // Reads' audit entries share durable commits (one flush serves many reads).
    db::audit::batcher audit_reads{rt.pool};
    rt.env.audit_reads = &audit_reads;
    // A session checked in the last few seconds is not read again, while this process hears every
    // change to sessions and accounts (its own writes, and others' through PostgreSQL's NOTIFY).
    db::identity::watch identity_watch{cfg.database_url};
    services::session_cache sessions{[&identity_watch] { return identity_watch.listening(); }};
    rt.env.sessions = &sessions;
    // The figures and exports read from the replica while it is current enough.
    std::unique_ptr<db::replica> replica;
    if (!cfg.replica_url.empty()) {
        replica = std::make_unique<db::replica>(cfg.replica_url, cfg.pool_size, cfg.replica_max_lag,
                                                cfg.statement_timeout);
        rt.env.replica = replica.get();
    }
    router handler{rt.env, session_rules};
    server_options options;
    options.host = cfg.listen_host;
    options.port = cfg.listen_port;
    options.tls_cert = cfg.tls_cert;
    options.tls_key = cfg.tls_key;
    options.io_threads = cfg.io_threads;
    options.worker_threads = cfg.worker_threads;
    // Every connection holds a descriptor. Capped below the descriptor limit, a flood is refused
    // at the cap, promptly, instead of exhausting descriptors: at EMFILE a pending connection
    // waits unanswered in the backlog, and the database pool, webhook delivery and a certificate
    // reload fail with it. What is kept back covers those, the standard streams, the listener and
    // the event loop's own descriptors.
    const std::uint64_t descriptors = raise_descriptor_limit();
    const std::uint64_t reserved = 32 + cfg.pool_size * (cfg.replica_url.empty() ? 1 : 2);
    options.max_connections = cfg.max_connections;
    if (descriptors != 0 && descriptors < cfg.max_connections + reserved) {
        options.max_connections =
            descriptors > reserved + 1 ? static_cast<std::size_t>(descriptors - reserved) : 1;
    }
    options.max_connections_per_address =
        std::min(cfg.max_connections_per_address, options.max_connections);
    options.metrics_token = cfg.metrics_token;
    std::unique_ptr<server> https;
    try {
        https = std::make_unique<server>(options, handler);
    } catch (const std::exception& bad) {
        throw setting_error("HOMEWARD_TLS_CERT/HOMEWARD_TLS_KEY: cannot use them: " +
                            first_line(bad.what()));
    }
    std::uint16_t port = 0;
    try {
        port = https->listen();
    } catch (const boost::system::system_error& bad) {
        throw setting_error("HOMEWARD_LISTEN: cannot listen on " + cfg.listen_host + ":" +
                            std::to_string(cfg.listen_port) + ": " + bad.code().message());
    }
    https->on_ready([&cfg, &options, port, descriptors, reserved] {
        process_log().info(
            "listening",
            {{"url", "https://" + cfg.listen_host + ":" + std::to_string(port)},
             {"policy", cfg.policy.name},
             {"io_threads", cfg.io_threads},
             {"worker_threads", cfg.worker_threads},
             {"db_pool_size", cfg.pool_size},
             {"max_connections", options.max_connections},
             {"max_connections_per_address", options.max_connections_per_address},
             {"descriptor_limit", descriptors},
             {"metrics", cfg.metrics_token.empty() ? "off" : "bearer token"},
             {"replica", cfg.replica_url.empty()
                             ? "off"
                             : "max lag " + std::to_string(cfg.replica_max_lag.count()) + " s"}});
        if (options.max_connections < cfg.max_connections) {
            process_log().warn("connection_cap_lowered",
                               {{"configured", cfg.max_connections},
                                {"in_force", options.max_connections},
                                {"descriptor_limit", descriptors},
                                {"reserved_descriptors", reserved},
                                {"hint", "raise the descriptor limit (ulimit -n, LimitNOFILE=)"}});
        }
    });
    // The clock sweeper and the webhook delivery worker: each at start and then every interval,
    // until the server has drained. A pass that fails (the database down) is logged and retried.
    periodic sweeper{cfg.sweep_interval, [&](const std::atomic<bool>&) {
                         const auto started = std::chrono::steady_clock::now();
                         const auto swept = services::sweep_clocks(rt.env);
                         process_log().info("sweep",
                                            {{"due_soon", swept.due_soon},
                                             {"overdue", swept.overdue},
                                             {"duration_ms", milliseconds_since(started)}});
                     }};
    // The retention job: daily (at start, then every interval). Two serve processes may both run
    // it: each child is claimed by locking its row, so it is anonymised once.
    periodic retainer{
        cfg.retention_interval, [&](const std::atomic<bool>& stopping) {
            const auto started = std::chrono::steady_clock::now();
            const auto done = services::run_retention(
                rt.env, std::chrono::floor<std::chrono::days>(rt.env.now()), false, &stopping);
            process_log().info("retention", {{"as_of", workflow::format_date(done.as_of)},
                                             {"children_anonymised",
                                              static_cast<std::int64_t>(done.children.size())},
                                             {"episodes_anonymised", done.episodes},
                                             {"duration_ms", milliseconds_since(started)}});
        }};
    services::delivery_rules delivery;
    delivery.max_attempts = cfg.webhook_max_attempts;
    webhook_client client{
        {cfg.webhook_ca_file, std::chrono::seconds{10}, cfg.webhook_allow_private}};
    periodic deliverer{
        cfg.webhook_interval, [&](const std::atomic<bool>& stopping) {
            const auto started = std::chrono::steady_clock::now();
            const auto sent = services::deliver_webhooks(
                rt.env, delivery,
                [&](const services::webhook_request& r) { return client.send(r); }, &stopping);
            if (sent.delivered + sent.retrying + sent.dead > 0) {
                process_log().info("webhooks", {{"delivered", sent.delivered},
                                                {"retrying", sent.retrying},
                                                {"dead", sent.dead},
                                                {"duration_ms", milliseconds_since(started)}});
            }
        }};
    // Email alerts, when a relay is configured: queued with their notifications, sent here.
    services::delivery_rules email_rules;
    email_rules.max_attempts = cfg.email_max_attempts;
    email_client mailer{{cfg.smtp_url, cfg.smtp_from, cfg.smtp_username, cfg.smtp_password,
                         cfg.smtp_ca_file, std::chrono::seconds{30}}};
    periodic emailer{
        cfg.email_interval, [&](const std::atomic<bool>& stopping) {
            const auto started = std::chrono::steady_clock::now();
            const auto sent = services::deliver_emails(
                rt.env, email_rules, cfg.public_url,
                [&](const services::email_message& m) { return mailer.send(m); }, &stopping);
            if (sent.sent + sent.retrying + sent.dead > 0) {
                process_log().info("emails", {{"sent", sent.sent},
                                              {"retrying", sent.retrying},
                                              {"dead", sent.dead},
                                              {"duration_ms", milliseconds_since(started)}});
            }
        }};
    // The sequencer chains committed audit entries several times a second; checkpoints sign the
    // chain's head at their interval and once more when serve stops.
    periodic sequencer{cfg.sequence_interval,
                       [&](const std::atomic<bool>&) { services::sequence_audit(rt.env); }};
    const services::checkpoint_witness witness{
        cfg.witness_file, cfg.witness_organisation.empty()
                              ? std::nullopt
                              : std::optional<std::string>{cfg.witness_organisation}};
    const auto sign = [&] {
        if (const auto made = services::sign_checkpoint(rt.env, cfg.audit_signing_key, witness)) {
            process_log().info("audit_checkpoint", {{"seq", made->seq}, {"hash", made->hash_hex}});
        }
    };
    periodic checkpointer{cfg.checkpoint_interval, [&](const std::atomic<bool>&) { sign(); }};
    sequencer.start("audit_sequencing_failed");
    if (!cfg.audit_signing_key.empty()) {
        checkpointer.start("audit_checkpoint_failed");
    }
    sweeper.start("sweep_failed");
    retainer.start("retention_failed");
    deliverer.start("webhook_delivery_failed");
    if (!cfg.smtp_url.empty()) {
        emailer.start("email_delivery_failed");
    }
    https->run(true);
    sweeper.request_stop();
    retainer.request_stop();
    deliverer.request_stop();
    emailer.request_stop();
    sequencer.request_stop();
    checkpointer.request_stop();
    sweeper.stop();
    retainer.stop();
    deliverer.stop();
    emailer.stop();
    sequencer.stop();
    checkpointer.stop();
    // What was read and written up to the end is chained, and signed for the witness.
    try {
        services::sequence_audit(rt.env);
        if (!cfg.audit_signing_key.empty()) {
            sign();
        }
    } catch (const std::exception& error) {
        process_log().error("audit_final_checkpoint_failed", {{"error", first_line(error.what())}});
    }
    process_log().info("stopped");
    return 0;
}

int migrate() {
    const auto config = load_settings(process_environment(), false);
    const auto report = db::migrate(config.database_url);
    for (const auto& name : report.applied) {
        process_log().info("migration_applied", {{"migration", name}});
    }
    process_log().info("schema_up_to_date",
                       {{"schema_version", report.to_version}, {"applied", report.applied.size()}});
    return 0;
}

int org_add(const std::vector<std::string>& args) {
    const auto given = options(args, 2, {"--code", "--name", "--kind"});
    runtime rt{load_settings(process_environment(), false)};
    const auto id = services::add_organisation(rt.env, given.at("--code"), given.at("--name"),
                                               given.at("--kind"), command_request_id("org-add"));
    process_log().info("organisation_added",
                       {{"code", given.at("--code")}, {"kind", given.at("--kind")}, {"id", id}});
    return 0;
}

int user_add(const std::vector<std::string>& args, std::istream& in) {
    const auto given = options(args, 2, {"--username", "--role", "--org"}, {"--password-stdin"},
                               {"--team", "--email"}, {"--deployment-wide"});
    const auto optional_value = [&](const std::string& name) {
        const auto it = given.find(name);
        return it == given.end() ? std::nullopt : std::optional<std::string>{it->second};
    };
    std::string password;
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') {
        password.pop_back();
    }
    if (password.empty()) {
        throw usage_error("--password-stdin: no password on standard input");
    }
    runtime rt{load_settings(process_environment(), false)};
    const auto id =
        services::add_user(rt.env, given.at("--username"), given.at("--role"), given.at("--org"),
                           password, command_request_id("user-add"), optional_value("--team"),
                           optional_value("--email"), given.contains("--deployment-wide"));
    // Never the password: it was read from standard input and goes nowhere but into the hash.
    process_log().info("user_added", {{"username", given.at("--username")},
                                      {"role", given.at("--role")},
                                      {"organisation", given.at("--org")},
                                      {"team", optional_value("--team")},
                                      {"deployment_wide", given.contains("--deployment-wide")},
                                      {"id", id}});
    return 0;
}

std::string read_whole_file(const std::string& path, const std::string& what) {
    std::ifstream file{path};
    if (!file) {
        throw usage_error(what + ": cannot read " + path);
    }
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

int audit_verify(const std::vector<std::string>& args, std::ostream& err) {
    const auto given = options(args, 2, {}, {}, {"--checkpoint", "--public-key"});
    if (given.contains("--checkpoint") != given.contains("--public-key")) {
        throw usage_error("--checkpoint and --public-key go together");
    }
    runtime rt{load_settings(process_environment(), false)};
    const auto verdict = services::verify_audit(rt.env);
    if (verdict.intact() && given.contains("--checkpoint")) {
        const auto checked = services::verify_checkpoint(
            rt.env, read_whole_file(given.at("--checkpoint"), "--checkpoint"),
            read_whole_file(given.at("--public-key"), "--public-key"));
        if (!checked.valid) {
            process_log().error("audit_checkpoint_refuted", {{"problem", checked.problem}});
            err << "homeward: the audit trail does not hold what the checkpoint signed: "
                << checked.problem << '\n';
            return 1;
        }
        process_log().info("audit_checkpoint_holds", {{"seq", checked.seq}});
    }
    if (verdict.intact()) {
        process_log().info("audit_trail_intact",
                           {{"entries", verdict.entries},
                            {"unchained", verdict.unchained},
                            {"oldest_unchained_ms",
                             verdict.oldest_unchained ? log_value{verdict.oldest_unchained->count()}
                                                      : log_value{nullptr}}});
        return 0;
    }
    process_log().error("audit_trail_broken",
                        {{"entry", *verdict.first_broken}, {"problem", verdict.problem}});
    err << "homeward: audit trail broken at entry " << *verdict.first_broken << ": "
        << verdict.problem << '\n';
    return 1;
}

// The retention job from the command line: the children it anonymised (or, in a dry run, would),
// one line each on standard output after the log, and a count.
// The retention job from the command line: one JSON line per child it anonymised (or, in a dry
// run, would: retention_due), then the count.
int retention_run(const std::vector<std::string>& args) {
    bool dry_run = false;
    std::vector<std::string> rest(args.begin(), args.begin() + 2);
    for (std::size_t i = 2; i < args.size(); ++i) {
        if (args[i] == "--dry-run") {
            dry_run = true;
        } else {
            rest.push_back(args[i]);
        }
    }
    const auto given = options(rest, 2, {}, {}, {"--as-of"});
    runtime rt{load_settings(process_environment(), false)};
    auto as_of = std::chrono::floor<std::chrono::days>(rt.env.now());
    if (given.contains("--as-of")) {
        const auto day = workflow::parse_date(given.at("--as-of"));
        if (!day) {
            throw usage_error("--as-of must be a date, YYYY-MM-DD");
        }
        as_of = *day;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto done = services::run_retention(rt.env, as_of, dry_run);
    for (const auto& child : done.children) {
        process_log().info(dry_run ? "retention_due" : "retention_anonymised",
                           {{"child_id", child.child_id},
                            {"authority", child.authority_code},
                            {"due_on", workflow::format_date(child.due_on)},
                            {"rule", child.rule}});
    }
    process_log().info("retention", {{"as_of", workflow::format_date(as_of)},
                                     {"dry_run", dry_run},
                                     {"children", static_cast<std::int64_t>(done.children.size())},
                                     {"episodes_anonymised", done.episodes},
                                     {"duration_ms", milliseconds_since(started)}});
    return 0;
}

int check_database() {
    runtime rt{load_settings(process_environment(), false)};
    const auto lease = rt.pool.acquire();
    process_log().info("database_reachable",
                       {{"schema_version", db::current_schema_version(rt.config.database_url)},
                        {"known_version", db::latest_schema_version()}});
    return 0;
}

int dispatch(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
             std::ostream& err) {
    // Every command logs through the process log, as JSON lines on its output.
    const log_redirect to_output{out};
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
        return serve();
    }
    if (command == "migrate") {
        options(args, 1, {});
        return migrate();
    }
    if (command == "org" && sub == "add") {
        return org_add(args);
    }
    if (command == "user" && sub == "add") {
        return user_add(args, in);
    }
    if (command == "audit" && sub == "verify") {
        return audit_verify(args, err);
    }
    if (command == "audit" && sub == "keygen") {
        const auto given = options(args, 2, {"--out"});
        const auto key = services::new_signing_key();
        write_key_file(given.at("--out"), key.private_pem);
        out << key.public_pem;
        return 0;
    }
    if (command == "two-factor" && sub == "keygen") {
        const auto given = options(args, 2, {"--out"});
        write_key_file(given.at("--out"), services::random_bytes(32));
        out << "wrote a 32-byte key to " << given.at("--out")
            << ": set HOMEWARD_TWO_FACTOR_KEY to it, and keep a copy apart from the database's "
               "backups\n";
        return 0;
    }
    if (command == "retention" && sub == "run") {
        return retention_run(args);
    }
    if (command == "check-database") {
        options(args, 1, {});
        return check_database();
    }
    if (command == "demo") {
        options(args, 1, {});
        runtime rt{load_settings(process_environment(), false)};
        return load_demo(rt.env, out);
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
