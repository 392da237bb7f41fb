// Measures the persistence layer: the latency of one transition (a full use case: lock, decide,
// write state + history + clocks + audit, commit), transitions per second from 8 threads, and the
// audit rows one whole episode lifecycle writes. Run by ops/bench/transitions.

#include "homeward/db/migrations.hpp"
#include "homeward/db/organisations.hpp"
#include "homeward/db/pool.hpp"
#include "homeward/services/children.hpp"
#include "homeward/services/episodes.hpp"
#include "homeward/services/passwords.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace {

using namespace homeward;
using namespace std::chrono_literals;
namespace json = boost::json;
using clock_type = std::chrono::steady_clock;
using workflow::episode_event;
using workflow::role;

struct world {
    services::actor police;
    services::actor worker;
    services::actor champion;
    std::string child_id;
};

services::actor make_actor(db::connection_pool& pool, const std::string& hash, role r,
                           const std::string& org_id, const std::string& name) {
    db::unit_of_work uow{pool};
    const auto id = db::users::insert(uow, name, hash, r, org_id);
    uow.commit();
    return {id, name, r, org_id, "", "bench"};
}

world make_world(const services::environment& env, const std::string& suffix) {
    const auto hash = services::hash_password("benchmark password");
    db::unit_of_work uow{env.pool};
    const auto force = db::organisations::insert(uow, "BP" + suffix, "Bench Police",
                                                 workflow::organisation_kind::police);
    const auto council = db::organisations::insert(uow, "BC" + suffix, "Bench Council",
                                                   workflow::organisation_kind::local_authority);
    uow.commit();
    world w;
    w.police = make_actor(env.pool, hash, role::police, force, "bench-police-" + suffix);
    w.worker = make_actor(env.pool, hash, role::social_worker, council, "bench-worker-" + suffix);
    w.champion =
        make_actor(env.pool, hash, role::cse_champion, council, "bench-champion-" + suffix);
    const auto child = services::create_child(
        env, w.worker,
        json::parse(R"({"given_name":"Bench","family_name":"Child","date_of_birth":"2012-01-01",
                       "sex":"unknown","looked_after":true,"responsible_authority":"BC)" +
                    suffix + R"("})")
            .as_object());
    w.child_id = child.id;
    return w;
}

std::string report(const services::environment& env, const world& w) {
    const auto last_seen = workflow::format_rfc3339(env.now() - 2h);
    json::object body{{"child_id", w.child_id},       {"last_seen_at", last_seen},
                      {"last_seen_location", "Here"}, {"circumstances", "Benchmark"},
                      {"risk_level", "low"},          {"police_reference", "B"},
                      {"missing_or_away", "missing"}};
    return services::report_episode(env, w.police, body, std::nullopt).episode.id;
}

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    return values[index];
}

std::int64_t audit_rows(const std::string& url) {
    pqxx::connection connection{url};
    pqxx::read_transaction tx{connection};
    return tx.exec1("select count(*) from audit_log")[0].as<std::int64_t>();
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: transition_bench DATABASE_URL DATA_DIR [iterations] [seconds]\n";
        return 2;
    }
    const std::string url = argv[1];
    const int iterations = argc > 3 ? std::stoi(argv[3]) : 1000;
    const int seconds = argc > 4 ? std::stoi(argv[4]) : 10;
    db::migrate(url);
    std::ifstream file{std::string{argv[2]} + "/cse_indicators.json"};
    std::stringstream text;
    text << file.rdbuf();
    const auto catalogue = workflow::indicator_catalogue::parse(text.str());
    db::connection_pool pool{url, 9};
    const services::environment env{pool, workflow::england_policy(), catalogue,
                                    &services::system_now};
    const auto suffix = std::to_string(services::system_now().time_since_epoch().count() % 100000);
    const auto w = make_world(env, suffix);

    // 1. One transition at a time: regrade the risk of one episode, 1,000 times.
    const auto episode = report(env, w);
    std::vector<double> latencies;
    for (int i = 0; i < iterations; ++i) {
        json::object body{{"risk_level", i % 2 == 0 ? "high" : "low"}, {"reason", "bench"}};
        const auto started = clock_type::now();
        services::send_event(env, w.police,
                             {episode_event::regrade_risk, episode, std::nullopt, body, ""});
        latencies.push_back(
            std::chrono::duration<double, std::milli>(clock_type::now() - started).count());
    }
    std::cout << "transition_latency_ms p50=" << percentile(latencies, 0.5)
              << " p99=" << percentile(latencies, 0.99) << " n=" << iterations << '\n';

    // 2. 8 threads, each on its own episode, for `seconds`.
    std::atomic<long> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    const auto started = clock_type::now();
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, own = report(env, w)] {
            for (int i = 0; !stop; ++i) {
                json::object body{{"risk_level", i % 2 == 0 ? "high" : "low"}, {"reason", "bench"}};
                services::send_event(env, w.police,
                                     {episode_event::regrade_risk, own, std::nullopt, body, ""});
                ++done;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds{seconds});
    stop = true;
    for (auto& thread : threads) {
        thread.join();
    }
    const double elapsed = std::chrono::duration<double>(clock_type::now() - started).count();
    std::cout << "transitions_per_second_8_threads=" << static_cast<double>(done) / elapsed
              << " total=" << done << " seconds=" << elapsed << '\n';

    // 3. Audit rows written by one whole lifecycle, report to close.
    const auto before = audit_rows(url);
    const auto id = report(env, w);
    const auto now = [&](std::chrono::minutes ago) {
        return json::value(workflow::format_rfc3339(env.now() - ago));
    };
    const auto send = [&](episode_event event, const services::actor& who, json::object body,
                          std::string action_id = "") {
        return services::send_event(env, who,
                                    {event, id, std::nullopt, std::move(body), action_id});
    };
    send(episode_event::record_return, w.police,
         {{"returned_at", now(90min)}, {"found_location", "Park"}, {"returned_to", "Carer"}});
    send(episode_event::safe_and_well, w.police, {{"conducted_at", now(80min)}, {"notes", "ok"}});
    send(episode_event::assign, w.worker, {{"worker_id", w.worker.user_id}});
    send(episode_event::offer_interview, w.worker,
         {{"offered_at", now(70min)}, {"scheduled_for", now(60min)}, {"independent", true}});
    send(episode_event::record_interview, w.worker,
         {{"conducted_at", now(50min)},
          {"location", "School"},
          {"where_stayed", "Friend"},
          {"with_whom", "Friend"},
          {"harm_disclosed", false},
          {"indicators", json::array{"staying_out_late"}},
          {"cse_risk", "medium"},
          {"child_views", "ok"}});
    const auto raised = send(episode_event::raise_action, w.worker,
                             {{"type", "safety_plan"},
                              {"description", "Plan"},
                              {"owner_id", w.worker.user_id},
                              {"due_at", json::value(workflow::format_rfc3339(env.now() + 48h))}});
    send(episode_event::complete_action, w.worker, {{"outcome", "done"}},
         raised.created_action->id);
    send(episode_event::sign_off, w.champion, {{"note", "ok"}});
    send(episode_event::close, w.worker, {{"summary", "ok"}});
    services::get_episode(env, w.worker, id);
    const auto after = audit_rows(url);
    std::cout << "audit_rows_per_lifecycle=" << (after - before)
              << " (report, return, safe-and-well, assign, offer, interview, action, "
                 "action-complete, sign-off, close, and one read of the episode)\n";
    return 0;
}
