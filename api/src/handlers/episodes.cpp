// Episodes: the report, reads, and every event. An event is resolved by its name through the
// workflow's own parser, on an episode or on one of its actions; none is special here.

#include "../csv_export.hpp"
#include "../episode_report.hpp"
#include "../http.hpp"
#include "../metrics.hpp"
#include "../representation.hpp"

#include "homeward/services/episodes.hpp"

#include <boost/beast/http/field.hpp>

namespace homeward::api {
namespace {

namespace http = boost::beast::http;
using v = http::verb;

http_response report(request_context& c) {
    // An Idempotency-Key sent empty is not one left out: the service refuses it (422, 1-200
    // characters) rather than making an episode no retry could find again.
    const auto key = c.request.find("Idempotency-Key");
    auto episode = services::report_episode(
        c.env, c.caller(), c.body(),
        key == c.request.end() ? std::nullopt
                               : std::optional<std::string>{std::string(key->value())});
    c.counters.record_transition("report");
    auto response = with_etag(json_response(c, 201, episode), episode.episode.version);
    response.set(http::field::location, "/api/v1/episodes/" + episode.episode.id);
    return response;
}

http_response list(request_context& c) {
    services::episode_query query;
    query.state = c.query_text("state");
    query.child_id = c.query_text("child_id");
    query.authority = c.query_text("authority");
    query.assigned = c.query_text("assigned");
    query.awaiting_sign_off = c.query_text("awaiting_sign_off");
    query.team = c.query_text("team");
    if (wants_csv(c)) {
        query.limit = 500; // not paged (api.md): every row, a page of the most at a time
        return replica_csv_export<db::episode_summary>(
            c, "episodes.csv",
            [who = c.caller(), query](const services::environment& env,
                                      const std::optional<std::string>& cursor) mutable {
                query.cursor = cursor;
                return services::list_episodes(env, who, query);
            });
    }
    query.cursor = c.query_text("cursor");
    query.limit = c.limit();
    return json_response(c, 200, services::list_episodes(c.env, c.caller(), query));
}

http_response read(request_context& c) {
    const auto episode = services::get_episode(c.env, c.caller(), c.segment(3));
    return with_etag(json_response(c, 200, episode), episode.episode.version);
}

http_response history(request_context& c) {
    if (!wants_csv(c)) {
        return json_response(c, 200, services::episode_history(c.env, c.caller(), c.segment(3)));
    }
    const auto reads = replica_reads(c);
    const auto view = services::episode_history(reads->env, c.caller(), c.segment(3));
    // One episode's transitions: few, written whole. The columns are an entry's JSON members.
    const services::history_view template_view{{db::history_record{}}, view.audience};
    const json_columns columns{
        boost::json::value_from(template_view).at("items").at(0).as_object()};
    std::string out;
    csv_writer writer{out};
    columns.header(writer);
    const auto document = boost::json::value_from(view);
    for (const auto& entry : document.at("items").as_array()) {
        columns.row(writer, entry.as_object());
        writer.end_row();
    }
    return with_read_source(csv_response(c, std::move(out), "history.csv"), *reads);
}

// The episode as a printable PDF, with what the caller may read; no-store like every read.
http_response printable_report(request_context& c) {
    const auto report = services::report_of_episode(c.env, c.caller(), c.segment(3));
    http_response response{http::status::ok, c.request.version()};
    response.set(http::field::content_type, "application/pdf");
    response.set(http::field::content_disposition,
                 "inline; filename=\"episode-" + report.episode.episode.id + ".pdf\"");
    response.body() = render_episode_report(report, c.env.catalogue);
    return response;
}

// POST /episodes/{id}/{event} and /episodes/{id}/actions/{action_id}/{event}.
http_response event(request_context& c) {
    const bool on_action = c.segments.size() == 7;
    const auto& name = c.segments.back();
    const auto event = workflow::event_for_path(
        on_action ? workflow::event_target::action : workflow::event_target::episode, name);
    if (!event) {
        throw refusal{404, "no such event: " + name};
    }
    services::event_call call{*event, c.segment(3), c.if_match(), c.body(),
                              on_action ? c.segment(5) : std::string{}};
    const auto result = services::send_event(c.env, c.caller(), call);
    c.counters.record_transition(std::string{workflow::to_string(*event)});
    const int version = result.episode.episode.version;
    if (result.created_action) {
        return with_etag(json_response(c, 201, *result.created_action), version);
    }
    return with_etag(json_response(c, 200, result.episode), version);
}

} // namespace

std::vector<route> episode_routes() {
    std::vector<route> routes{
        {v::post, {"api", "v1", "episodes"}, "/api/v1/episodes", true, &report},
        {v::get, {"api", "v1", "episodes"}, "/api/v1/episodes", true, &list},
        {v::get, {"api", "v1", "episodes", "{id}"}, "/api/v1/episodes/{id}", true, &read},
        {v::get,
         {"api", "v1", "episodes", "{id}", "history"},
         "/api/v1/episodes/{id}/history",
         true,
         &history},
        {v::get,
         {"api", "v1", "episodes", "{id}", "report"},
         "/api/v1/episodes/{id}/report",
         true,
         &printable_report},
        {v::post,
         {"api", "v1", "episodes", "{id}", "{event}"},
         "/api/v1/episodes/{id}/{event}",
         true,
         &event},
    };
    // Each event on an action has a path of its own, from its declaration.
    static const std::vector<std::string> action_paths = [] {
        std::vector<std::string> paths;
        for (const auto id : workflow::all_events()) {
            const auto& traits = workflow::traits_of(id);
            if (traits.target == workflow::event_target::action) {
                paths.push_back(std::string{traits.path});
            }
        }
        return paths;
    }();
    static const std::vector<std::string> action_templates = [] {
        std::vector<std::string> templates;
        for (const auto& path : action_paths) {
            templates.push_back("/api/v1/episodes/{id}/actions/{action_id}/" + path);
        }
        return templates;
    }();
    for (std::size_t i = 0; i < action_paths.size(); ++i) {
        routes.push_back(
            {v::post,
             {"api", "v1", "episodes", "{id}", "actions", "{action_id}", action_paths[i]},
             action_templates[i],
             true,
             &event});
    }
    return routes;
}

} // namespace homeward::api
