// The figures (GET /api/v1/stats) as JSON or CSV.

#include "../csv.hpp"
#include "../csv_export.hpp"
#include "../http.hpp"
#include "../representation.hpp"

#include "homeward/services/stats.hpp"
#include "homeward/workflow/time_text.hpp"

namespace homeward::api {
namespace {

using v = boost::beast::http::verb;

// One row per figure, as the JSON's `figures`, below the period it is of.
std::string stats_csv(const services::stats_view& view) {
    std::string out;
    csv_writer csv{out};
    csv.row({"figure", "group", "key", "label", "measure", "current", "previous", "rank",
             "period_from", "period_to", "previous_from", "previous_to"});
    for (const auto& row : view.figures) {
        csv.text(row.figure)
            .text(row.group)
            .text(row.key)
            .optional_text(row.label)
            .text(row.measure)
            .number_text(row.current)
            .number_text(row.previous)
            .number(std::int64_t{row.rank})
            .text(workflow::format_date(view.current.from))
            .text(workflow::format_date(view.current.to))
            .text(workflow::format_date(view.previous.from))
            .text(workflow::format_date(view.previous.to));
        csv.end_row();
    }
    return out;
}

http_response stats(request_context& c) {
    const bool csv = wants_csv(c);
    services::stats_query query;
    query.from = c.query_text("from");
    query.to = c.query_text("to");
    query.authority = c.query_text("authority");
    query.team = c.query_text("team");
    const auto reads = replica_reads(c);
    const auto view = services::figures(reads->env, c.caller(), query);
    if (csv) {
        return with_read_source(csv_response(c, stats_csv(view), "stats.csv"), *reads);
    }
    return with_read_source(json_response(c, 200, view), *reads);
}

// The statutory return: always CSV, every line of the period, streamed page by page.
http_response statutory_return(request_context& c) {
    const auto format = c.query_text("format");
    if (format && *format != "csv") {
        throw refusal{400, "the statutory return is CSV only", {{"format", "must be csv"}}};
    }
    services::statutory_return_query query;
    query.from = c.query_text("from");
    query.to = c.query_text("to");
    query.authority = c.query_text("authority");
    const auto reads = replica_reads(c);
    auto response = csv_export(
        c, "statutory-return.csv",
        {"child_reference", "date_of_birth", "episode_reference", "reported_at", "start", "end",
         "missing_or_away", "interview_offered", "interview_offered_at", "offered_within_standard",
         "interview_outcome", "interview_at", "hours_to_interview", "within_standard"},
        [reads, who = c.caller(), query](const std::optional<std::string>& cursor) mutable {
            query.cursor = cursor;
            return services::statutory_return(reads->env, who, query);
        },
        [](csv_writer& csv, const services::statutory_line& line) {
            const auto& e = line.episode;
            const char* outcome = e.held_at ? "held" : e.declined_at ? "declined" : "none";
            csv.text(e.child_id)
                .text(workflow::format_date(e.date_of_birth))
                .text(e.episode_id)
                .time(e.reported_at)
                .time(e.last_seen_at)
                .time(e.returned_at)
                .text(e.absence_kind)
                .text(e.offered_at ? "yes" : "no")
                .time(e.offered_at)
                .text(line.offered_within_standard ? "yes" : "no")
                .text(outcome)
                .time(e.held_at ? e.held_at : e.declined_at)
                .number(line.hours_to_interview)
                .text(line.within_standard);
        });
    return with_read_source(std::move(response), *reads);
}

} // namespace

std::vector<route> stats_routes() {
    return {
        {v::get, {"api", "v1", "stats"}, "/api/v1/stats", true, &stats},
        {v::get,
         {"api", "v1", "exports", "statutory-return"},
         "/api/v1/exports/statutory-return",
         true,
         &statutory_return},
    };
}

} // namespace homeward::api
