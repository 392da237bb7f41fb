#pragma once
// The printed episode report and the subject-access export: PDFs on A4, drawn by the server itself
// with cairo, its text laid out by pango (episode_report.cpp is the only file that includes
// either). It shows what the reader may read and nothing else: the episode and its history go
// through the same writer as the two JSON reads (representation.cpp), which leaves out what the
// reader's role may not read.

#include <boost/json/fwd.hpp>

#include <string>

namespace homeward::services {
struct episode_report;
struct child_export;
} // namespace homeward::services

namespace homeward::workflow {
class indicator_catalogue;
} // namespace homeward::workflow

namespace homeward::api {

// The PDF's bytes. The catalogue gives the indicators their labels and weights.
std::string render_episode_report(const services::episode_report& report,
                                  const workflow::indicator_catalogue& catalogue);

// The subject-access export as a readable PDF: the same sections as the episode report for each
// episode, after the child, their profile and photograph, and before the notifications and the
// access log. `document` is the export's JSON document (the same writer), which the PDF lays out.
std::string render_child_export(const services::child_export& record,
                                const boost::json::object& document,
                                const workflow::indicator_catalogue& catalogue);

} // namespace homeward::api
