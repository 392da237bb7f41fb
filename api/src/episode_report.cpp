// The printed episode report (see episode_report.hpp): cairo's PDF surface, pango's layout. Text is
// wrapped to the column and placed line by line, so a long text flows onto the next A4 page; every
// page has a header naming the episode and a footer saying who printed it, when, and the page
// number of how many.
//
// What the reader may read comes from representation.cpp, the one writer of the JSON reads: the
// report lays out those same objects, and a field the JSON leaves out or writes as null is not
// printed. Only the clocks are read from the typed view (their times, to say by how much each was
// met or missed): they are the same for every reader.

#include "episode_report.hpp"

#include "representation.hpp"

#include "homeward/services/episodes.hpp"
#include "homeward/services/privacy.hpp"
#include "homeward/workflow/indicators.hpp"
#include "homeward/workflow/time_text.hpp"

#include <boost/json.hpp>
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace homeward::api {
namespace {

namespace json = boost::json;
using workflow::time_point;

// A4 in PostScript points, and the page's frame.
constexpr double page_width = 595.276;
constexpr double page_height = 841.890;
constexpr double margin = 50.0;
constexpr double content_width = page_width - 2 * margin;
constexpr double body_top = 96.0;                  // below the header
constexpr double body_bottom = page_height - 64.0; // above the footer
constexpr double label_width = 150.0;              // a field's label column
constexpr double value_x = margin + label_width + 10.0;
constexpr double value_width = page_width - margin - value_x;

struct layout_deleter {
    void operator()(PangoLayout* layout) const { g_object_unref(layout); }
};
using layout_ptr = std::unique_ptr<PangoLayout, layout_deleter>;

enum class style { heading, subheading, label, body, small };

const char* font_of(style s) {
    switch (s) {
    case style::heading:
        return "DejaVu Sans Bold 13";
    case style::subheading:
        return "DejaVu Sans Bold 10.5";
    case style::label:
        return "DejaVu Sans Bold 9";
    case style::body:
        return "DejaVu Sans 9.5";
    case style::small:
        return "DejaVu Sans 8";
    }
    return "DejaVu Sans 9.5";
}

// One line of a laid-out text placed on a page (at its baseline), or a whole layout (line -1, at
// its top).
struct placed_line {
    PangoLayout* layout;
    int line;
    double x;
    double y;
    int page;
};

// Lays out the report's blocks one after another, a line at a time, opening a page whenever the
// next line would cross the bottom of the body.
class typesetter {
public:
    explicit typesetter(cairo_t* cr) : cr_(cr) {}

    void heading(const std::string& text) {
        space(14.0);
        keep_room(60.0); // a heading is not left alone at the foot of a page
        flow(make(text, style::heading, content_width), margin);
        space(4.0);
    }

    void subheading(const std::string& text) {
        space(7.0);
        keep_room(40.0);
        flow(make(text, style::subheading, content_width), margin);
        space(2.0);
    }

    void paragraph(const std::string& text, style s = style::body) {
        flow(make(text, s, content_width), margin);
        space(3.0);
    }

    // A label in the left column and its value, wrapped, in the right.
    void field(const std::string& label, const std::string& value) {
        auto label_layout = make(label, style::label, label_width);
        auto value_layout = make(value, style::body, value_width);
        keep_room(line_height(value_layout.get()));
        const auto first = lines_.size();
        const auto label_height = height_of(label_layout.get());
        const auto top = y_;
        flow(std::move(value_layout), value_x);
        // The label sits beside the value's first line (their baselines level), on its page.
        const auto& anchor = lines_[first];
        labels_.push_back({label_layout.get(), -1, margin,
                           anchor.y - baseline_of_first(label_layout.get()), anchor.page});
        if (anchor.page == page_ && y_ < top + label_height) {
            y_ = top + label_height;
        }
        layouts_.push_back(std::move(label_layout));
        space(3.0);
    }

    void space(double points) { y_ += points; }

    int pages() const { return page_ + 1; }
    const std::vector<placed_line>& lines() const { return lines_; }
    const std::vector<placed_line>& labels() const { return labels_; }

    layout_ptr make(const std::string& text, style s, double width) const {
        layout_ptr layout{pango_cairo_create_layout(cr_)};
        auto* font = pango_font_description_from_string(font_of(s));
        pango_layout_set_font_description(layout.get(), font);
        pango_font_description_free(font);
        pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
        pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
        return layout;
    }

private:
    static double height_of(PangoLayout* layout) {
        int width = 0;
        int height = 0;
        pango_layout_get_size(layout, &width, &height);
        return static_cast<double>(height) / PANGO_SCALE;
    }

    static double line_height(PangoLayout* layout) {
        PangoRectangle logical;
        pango_layout_line_get_extents(pango_layout_get_line_readonly(layout, 0), nullptr, &logical);
        return static_cast<double>(logical.height) / PANGO_SCALE;
    }

    static double baseline_of_first(PangoLayout* layout) {
        return static_cast<double>(pango_layout_get_baseline(layout)) / PANGO_SCALE;
    }

    void keep_room(double points) {
        if (y_ + points > body_bottom) {
            new_page();
        }
    }

    void new_page() {
        ++page_;
        y_ = body_top;
    }

    // Places every line of the layout, moving to a new page where the next line does not fit.
    void flow(layout_ptr layout, double x) {
        PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
        int index = 0;
        do {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(iter, nullptr, &logical);
            const double top = static_cast<double>(logical.y) / PANGO_SCALE;
            const double height = static_cast<double>(logical.height) / PANGO_SCALE;
            const double baseline =
                static_cast<double>(pango_layout_iter_get_baseline(iter)) / PANGO_SCALE;
            if (y_ + height > body_bottom) {
                new_page();
            }
            lines_.push_back({layout.get(), index, x, y_ + (baseline - top), page_});
            y_ += height;
            ++index;
        } while (pango_layout_iter_next_line(iter));
        pango_layout_iter_free(iter);
        layouts_.push_back(std::move(layout));
    }

    cairo_t* cr_;
    int page_{0};
    double y_{body_top};
    std::vector<layout_ptr> layouts_;
    std::vector<placed_line> lines_;
    std::vector<placed_line> labels_;
};

// ---- words ------------------------------------------------------------------------------------

// "2026-11-29T17:30:00Z" as "2026-11-29 17:30 UTC".
std::string when(std::string_view rfc3339) {
    if (rfc3339.size() >= 16 && rfc3339[10] == 'T') {
        std::string out{rfc3339.substr(0, 10)};
        out += ' ';
        out += rfc3339.substr(11, 5);
        out += " UTC";
        return out;
    }
    return std::string{rfc3339};
}

std::string when(time_point at) { return when(workflow::format_rfc3339(at)); }

std::string hours_text(std::chrono::seconds span) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f h", static_cast<double>(span.count()) / 3600.0);
    return text;
}

// A stored name ("cse_referral", "interview_held") in words ("CSE referral", "interview held").
std::string words(std::string_view name) {
    std::string out{name};
    for (auto& c : out) {
        if (c == '_' || c == '-') {
            c = ' ';
        }
    }
    for (std::size_t at = 0; (at = out.find("cse", at)) != std::string::npos; at += 3) {
        const bool starts = at == 0 || out[at - 1] == ' ';
        const bool ends = at + 3 == out.size() || out[at + 3] == ' ';
        if (starts && ends) {
            out.replace(at, 3, "CSE");
        }
    }
    return out;
}

std::string sentence(std::string_view name) {
    auto out = words(name);
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') {
        out[0] = static_cast<char>(out[0] - 'a' + 'A');
    }
    return out;
}

// Labels where the field's name in words would not do.
std::string label_of(std::string_view key) {
    static const std::map<std::string_view, std::string_view> labels{
        {"cse_risk", "CSE risk"},
        {"suggested_cse_risk", "Suggested CSE risk"},
        {"child_views", "Child's views"},
        {"interviewer_id", "Interviewer"},
        {"assigned_worker_id", "Assigned worker"},
        {"owner_id", "Owner"},
        {"worker_id", "Worker"},
        {"action_id", "Action"},
        {"recorded_by", "Recorded by"},
        {"by", "By"},
        {"independent", "Independent interviewer"},
        {"further_offer_at", "Further offer"},
        {"missing_or_away", "Missing or away"},
        {"date_of_birth", "Date of birth"},
        {"police_force", "Police force"},
        {"police_reference", "Police reference"},
    };
    if (const auto found = labels.find(key); found != labels.end()) {
        return std::string{found->second};
    }
    auto text = sentence(key);
    if (text.size() > 3 && text.ends_with(" at")) {
        text.resize(text.size() - 3);
    }
    return text;
}

bool is_time_key(std::string_view key) { return key.ends_with("_at") || key == "scheduled_for"; }

bool is_user_key(std::string_view key) {
    return key == "recorded_by" || key == "interviewer_id" || key == "reported_by" || key == "by" ||
           key == "owner_id" || key == "raised_by" || key == "assigned_worker_id" ||
           key == "worker_id" || key == "actor";
}

// Who is who: the usernames the history gives the ids of those who acted on the episode.
class people {
public:
    explicit people(const services::history_view& history) {
        for (const auto& item : history.items) {
            names_[item.actor_id] = item.actor_username;
        }
    }
    std::string name(const std::string& id) const {
        const auto found = names_.find(id);
        return found == names_.end() ? id : found->second;
    }

private:
    std::map<std::string, std::string> names_;
};

// A value as printed, or nothing for one the reader may not read or that is not recorded.
std::optional<std::string> printed(std::string_view key, const json::value& value,
                                   const people& who) {
    switch (value.kind()) {
    case json::kind::null:
    case json::kind::object:
        return std::nullopt;
    case json::kind::bool_:
        return value.get_bool() ? "Yes" : "No";
    case json::kind::int64:
        return std::to_string(value.get_int64());
    case json::kind::uint64:
        return std::to_string(value.get_uint64());
    case json::kind::double_:
        return json::serialize(value);
    case json::kind::array: {
        std::string out;
        for (const auto& item : value.get_array()) {
            if (const auto text = printed("", item, who)) {
                out += out.empty() ? "" : "; ";
                out += *text;
            }
        }
        return out.empty() ? std::nullopt : std::optional{out};
    }
    case json::kind::string: {
        const std::string text{value.get_string()};
        if (text.empty()) {
            return std::nullopt;
        }
        if (is_time_key(key)) {
            return when(text);
        }
        if (is_user_key(key)) {
            return who.name(text);
        }
        return text;
    }
    }
    return std::nullopt;
}

// The fields of an object, by name, in this order, those present only.
void fields(typesetter& out, const json::object& object,
            std::initializer_list<std::string_view> keys, const people& who) {
    for (const auto key : keys) {
        if (const auto* value = object.if_contains(key)) {
            if (const auto text = printed(key, *value, who)) {
                out.field(label_of(key), *text);
            }
        }
    }
}

// Every field of an object but these, in the writer's order.
void fields_except(typesetter& out, const json::object& object,
                   std::initializer_list<std::string_view> skipped, const people& who) {
    for (const auto& [key, value] : object) {
        bool skip = false;
        for (const auto name : skipped) {
            skip = skip || key == name;
        }
        if (!skip) {
            if (const auto text = printed(key, value, who)) {
                out.field(label_of(key), *text);
            }
        }
    }
}

const json::object* object_at(const json::object& parent, std::string_view key) {
    const auto* value = parent.if_contains(key);
    return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

std::string text_at(const json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string{value->get_string()}
                                                  : std::string{};
}

// ---- the sections -----------------------------------------------------------------------------

void child_section(typesetter& out, const json::object& episode, const people& who) {
    out.heading("Child");
    const auto& child = episode.at("child").as_object();
    out.field("Name", text_at(child, "given_name") + " " + text_at(child, "family_name"));
    fields(out, child,
           {"date_of_birth", "sex", "looked_after", "responsible_authority", "host_authority",
            "ethnicity", "placement_type"},
           who);
}

void episode_section(typesetter& out, const json::object& episode, const people& who) {
    out.heading("Episode");
    out.field("State", words(text_at(episode, "state")));
    out.field("Missing or away", words(text_at(episode, "missing_or_away")));
    out.field("Risk level", words(text_at(episode, "risk_level")));
    fields(out, episode,
           {"police_force",  "police_reference",   "responsible_authority", "host_authority",
            "reported_at",   "reported_by",        "last_seen_at",          "last_seen_location",
            "circumstances", "returned_at",        "found_location",        "returned_to",
            "found_by",      "assigned_worker_id", "assigned_at",           "closed_at",
            "close_summary", "cancelled_at",       "cancel_reason",         "reopened_at",
            "reopen_reason"},
           who);
    if (const auto* check = object_at(episode, "safe_and_well")) {
        out.subheading("Safe and well check");
        fields(out, *check, {"conducted_at", "by", "notes", "concerns"}, who);
    }
}

void interview_section(typesetter& out, const json::object& episode, const people& who) {
    out.heading("Return interview");
    if (const auto* offer = object_at(episode, "interview_offer")) {
        out.subheading("Offer");
        fields(out, *offer,
               {"offered_at", "scheduled_for", "interviewer_id", "independent", "further_offer_at"},
               who);
    }
    const auto* interview = object_at(episode, "interview");
    if (interview == nullptr) {
        out.paragraph("No interview is recorded.");
        return;
    }
    out.subheading(words(text_at(*interview, "outcome")) == "declined" ? "Declined"
                                                                       : "Interview held");
    // The indicators, the score and the risk have their own section.
    fields_except(
        out, *interview,
        {"indicators", "indicator_score", "suggested_cse_risk", "cse_risk", "risk_rationale"}, who);
}

void indicator_section(typesetter& out, const json::object& episode, const people& who,
                       const workflow::indicator_catalogue& catalogue) {
    out.heading("CSE indicators and score");
    const auto* interview = object_at(episode, "interview");
    if (interview == nullptr) {
        out.paragraph("No interview is recorded.");
        return;
    }
    if (const auto* observed = interview->if_contains("indicators");
        observed != nullptr && observed->is_array()) {
        if (observed->get_array().empty()) {
            out.field("Indicators", "None observed");
        }
        for (const auto& code : observed->get_array()) {
            const std::string text{code.as_string()};
            const auto* known = catalogue.find(text);
            out.field("Indicator", known != nullptr
                                       ? known->label + " (" + words(to_string(known->category)) +
                                             ", weight " + std::to_string(known->weight) + ")"
                                       : text);
        }
    }
    fields(out, *interview, {"indicator_score", "suggested_cse_risk", "cse_risk", "risk_rationale"},
           who);
}

void action_section(typesetter& out, const json::object& episode, const people& who) {
    out.heading("Actions and outcomes");
    const auto& actions = episode.at("actions").as_array();
    if (actions.empty()) {
        out.paragraph("No actions have been raised.");
    }
    for (const auto& value : actions) {
        const auto& action = value.as_object();
        out.subheading(sentence(text_at(action, "type")) + ": " + text_at(action, "description"));
        fields(
            out, action,
            {"status", "owner_id", "raised_by", "raised_at", "due_at", "completed_at", "outcome"},
            who);
    }
}

void sign_off_section(typesetter& out, const json::object& episode, const people& who) {
    out.heading("CSE champion's sign-off");
    if (const auto* sign_off = object_at(episode, "sign_off")) {
        fields(out, *sign_off, {"signed_off_at", "by", "note"}, who);
    } else {
        out.paragraph("Not signed off.");
    }
}

// Each clock, met or missed, and by how much.
std::string clock_verdict(const services::clock_view& clock, time_point printed_at) {
    using workflow::clock_status;
    if (clock.met_at) {
        const auto late = *clock.met_at - clock.due_at;
        return late > std::chrono::seconds{0}
                   ? "Missed: met " + when(*clock.met_at) + ", " + hours_text(late) + " late"
                   : "Met " + when(*clock.met_at) + ", " + hours_text(-late) +
                         " before the deadline";
    }
    switch (clock.status) {
    case clock_status::overdue:
        return "Missed: not met, " + hours_text(printed_at - clock.due_at) +
               " overdue when printed";
    case clock_status::stopped:
        return "Stopped: no longer needed";
    default:
        return "Open: due in " + hours_text(clock.due_at - printed_at);
    }
}

void clock_section(typesetter& out, const services::episode_report& report,
                   const json::object& episode) {
    out.heading("Clocks");
    if (report.episode.deadlines.empty()) {
        out.paragraph("No clocks.");
    }
    for (const auto& clock : report.episode.deadlines) {
        // An action's clock says which action; the label stays short.
        std::string what;
        if (clock.subject) {
            for (const auto& value : episode.at("actions").as_array()) {
                if (text_at(value.as_object(), "id") == *clock.subject) {
                    what = text_at(value.as_object(), "description") + ". ";
                }
            }
        }
        out.field(sentence(clock.kind), what + "Due " + when(clock.due_at) + ". " +
                                            clock_verdict(clock, report.printed_at));
    }
}

void timeline_section(typesetter& out, const json::object& history, const people& who) {
    out.heading("Timeline");
    for (const auto& value : history.at("items").as_array()) {
        const auto& item = value.as_object();
        std::string heading = when(text_at(item, "at")) + "  " + sentence(text_at(item, "event"));
        const auto to = text_at(item, "to_state");
        heading +=
            " (" +
            (item.at("from_state").is_string() ? words(item.at("from_state").as_string()) + " to "
                                               : std::string{}) +
            words(to) + ")";
        out.subheading(heading);
        out.field("By", text_at(item, "actor_username") + ", " + words(text_at(item, "role")));
        if (const auto* detail = object_at(item, "detail")) {
            fields_except(out, *detail, {}, who);
        }
    }
}

// ---- the document -----------------------------------------------------------------------------

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

void show_line(cairo_t* cr, const placed_line& line) {
    cairo_move_to(cr, line.x, line.y);
    if (line.line < 0) {
        pango_cairo_show_layout(cr, line.layout);
    } else {
        pango_cairo_show_layout_line(cr, pango_layout_get_line_readonly(line.layout, line.line));
    }
}

void show_at(cairo_t* cr, const typesetter& set, const std::string& text, style s, double x,
             double y, double width) {
    auto layout = set.make(text, s, width);
    // One line: a header or footer that wrapped would run into the page's body.
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout.get());
}

// What each page repeats: two header lines and a footer line.
struct page_frame {
    std::string header;
    std::string subheader;
    std::string footer;
};

// A PDF on A4: `body` typesets the document's blocks and says what each page repeats; every page
// then gets that header and footer and "Page N of M".
std::string render_pdf(const std::string& title,
                       const std::function<page_frame(typesetter&)>& body) {
    std::string pdf;
    cairo_surface_t* surface =
        cairo_pdf_surface_create_for_stream(&append, &pdf, page_width, page_height);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Homeward");
    cairo_t* cr = cairo_create(surface);

    typesetter set{cr};
    const auto frame = body(set);
    const int pages = set.pages();
    for (int page = 0; page < pages; ++page) {
        // Each line of the header and the footer is alone on its line, so that text read back
        // from the PDF (pdftotext, a screen reader) keeps each whole.
        cairo_set_source_rgb(cr, 0, 0, 0);
        show_at(cr, set, frame.header, style::subheading, margin, 36.0, content_width);
        show_at(cr, set, frame.subheader, style::small, margin, 54.0, content_width);
        cairo_set_line_width(cr, 0.7);
        cairo_move_to(cr, margin, 72.0);
        cairo_line_to(cr, page_width - margin, 72.0);
        cairo_move_to(cr, margin, body_bottom + 14.0);
        cairo_line_to(cr, page_width - margin, body_bottom + 14.0);
        cairo_stroke(cr);
        show_at(cr, set, frame.footer, style::small, margin, body_bottom + 20.0, content_width);
        show_at(cr, set,
                "Page " + std::to_string(page + 1) + " of " + std::to_string(pages) +
                    ". Personal data: keep it secure.",
                style::small, margin, body_bottom + 32.0, content_width);
        for (const auto& line : set.lines()) {
            if (line.page == page) {
                show_line(cr, line);
            }
        }
        for (const auto& label : set.labels()) {
            if (label.page == page) {
                show_line(cr, label);
            }
        }
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    const auto status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        throw std::runtime_error(std::string{"the PDF could not be made: "} +
                                 cairo_status_to_string(status));
    }
    return pdf;
}

std::string name_of_child(const json::object& child) {
    return text_at(child, "given_name") + " " + text_at(child, "family_name");
}

// One episode's sections, as the printed report lays them out (the child apart).
void episode_sections(typesetter& set, const services::episode_report& report,
                      const json::object& episode, const json::object& history, const people& who,
                      const workflow::indicator_catalogue& catalogue) {
    episode_section(set, episode, who);
    interview_section(set, episode, who);
    indicator_section(set, episode, who, catalogue);
    action_section(set, episode, who);
    sign_off_section(set, episode, who);
    clock_section(set, report, episode);
    timeline_section(set, history, who);
}

} // namespace

std::string render_episode_report(const services::episode_report& report,
                                  const workflow::indicator_catalogue& catalogue) {
    // The reader's own view of the episode and its history: the JSON reads' writer.
    const auto episode_value = boost::json::value_from(report.episode);
    const auto history_value = boost::json::value_from(report.history);
    const auto& episode = episode_value.as_object();
    const auto& history = history_value.as_object();
    const people who{report.history};
    const auto& child = episode.at("child").as_object();
    const auto child_name = name_of_child(child);
    return render_pdf("Episode report: " + child_name, [&](typesetter& set) {
        child_section(set, episode, who);
        episode_sections(set, report, episode, history, who, catalogue);
        return page_frame{
            "Episode report: " + child_name + ", born " + text_at(child, "date_of_birth"),
            "Episode " + report.episode.episode.id + " · " + words(text_at(episode, "state")) +
                " · ref. " + text_at(episode, "police_reference"),
            "Printed " + when(report.printed_at) + " by " + report.printed_by + " (" +
                words(workflow::to_string(report.printed_by_role)) + ", " +
                report.printed_by_organisation + ")"};
    });
}

std::string render_child_export(const services::child_export& record,
                                const boost::json::object& document,
                                const workflow::indicator_catalogue& catalogue) {
    const auto& child = document.at("child").as_object();
    const auto child_name = name_of_child(child);
    return render_pdf("Subject-access export: " + child_name, [&](typesetter& set) {
        const people nobody{services::history_view{}};
        set.heading("Child");
        set.field("Name", child_name);
        fields(set, child,
               {"id", "date_of_birth", "sex", "looked_after", "responsible_authority",
                "host_authority", "ethnicity", "placement_type", "created_at"},
               nobody);
        if (const auto* hold = object_at(document, "legal_hold")) {
            set.subheading("Legal hold");
            fields(set, *hold, {"placed_at", "reason"}, nobody);
            if (const auto* by = object_at(*hold, "placed_by")) {
                set.field("Placed by", text_at(*by, "username"));
            }
        }
        for (const auto& value : document.at("reviews").as_array()) {
            const auto& review = value.as_object();
            set.subheading(sentence(text_at(review, "kind")));
            fields_except(set, review, {"child_id", "kind"}, nobody);
        }

        set.heading("Profile");
        const auto& versions = document.at("profile_versions").as_array();
        if (versions.empty()) {
            set.paragraph("No profile is recorded.");
        }
        for (const auto& value : versions) {
            const auto& version = value.as_object();
            set.subheading("Version " + std::to_string(version.at("version").as_int64()));
            fields_except(set, version, {"child_id", "version"}, nobody);
        }
        set.heading("Photograph");
        if (const auto* photo = object_at(document, "photo")) {
            set.paragraph("Held: " + text_at(*photo, "file") + " in this archive (" +
                          std::to_string(photo->at("width").as_int64()) + " x " +
                          std::to_string(photo->at("height").as_int64()) + " pixels), recorded " +
                          when(text_at(*photo, "updated_at")) + ".");
        } else {
            set.paragraph("No photograph is held.");
        }

        const auto& episodes = document.at("episodes").as_array();
        if (episodes.empty()) {
            set.heading("Episodes");
            set.paragraph("No episodes are recorded.");
        }
        for (std::size_t i = 0; i < record.episodes.size() && i < episodes.size(); ++i) {
            const auto& both = episodes[i].as_object();
            set.heading("Episode " + std::to_string(i + 1) + " of " +
                        std::to_string(episodes.size()) + ": reported " +
                        when(text_at(both.at("episode").as_object(), "reported_at")));
            const people who{record.episodes[i].history};
            episode_sections(set, record.episodes[i], both.at("episode").as_object(),
                             both.at("history").as_object(), who, catalogue);
        }

        set.heading("Notifications about the child");
        const auto& notes = document.at("notifications").as_array();
        if (notes.empty()) {
            set.paragraph("None.");
        }
        for (const auto& value : notes) {
            const auto& note = value.as_object();
            set.field(when(text_at(note, "created_at")),
                      sentence(text_at(note, "kind")) + ": " + text_at(note, "title"));
        }

        set.heading("Who read or changed the child's records");
        const auto& log = document.at("access_log").as_array();
        for (const auto& value : log) {
            const auto& entry = value.as_object();
            const auto& actor = entry.at("actor").as_object();
            const auto* organisation = object_at(actor, "organisation");
            std::string by = text_at(actor, "name");
            by += " (" + words(text_at(actor, "role"));
            if (organisation != nullptr) {
                by += ", " + text_at(*organisation, "name");
            }
            if (!text_at(actor, "team").empty()) {
                by += ", " + text_at(actor, "team");
            }
            by += ")";
            const auto& target = entry.at("record").as_object();
            std::string what = text_at(entry, "route").empty() ? text_at(entry, "action")
                                                               : text_at(entry, "route");
            what += ": the " + text_at(target, "type") + " " + text_at(target, "id");
            if (entry.at("listed").as_bool()) {
                what += ", in a list";
            }
            if (text_at(entry, "outcome") != "success") {
                what += " (" + words(text_at(entry, "outcome")) + ")";
            }
            if (!text_at(entry, "reason").empty()) {
                what += ". Reason: " + text_at(entry, "reason");
            }
            set.field(when(text_at(entry, "at")), by + ". " + what);
        }
        return page_frame{"Subject-access export: " + child_name + ", born " +
                              text_at(child, "date_of_birth"),
                          "Child " + record.child.id + " · " + std::to_string(episodes.size()) +
                              " episode(s) · for review before release",
                          "Exported " + when(record.exported_at) + " by " + record.exported_by +
                              " (" + words(workflow::to_string(record.exported_by_role)) + ", " +
                              record.exported_by_organisation + ")"};
    });
}

} // namespace homeward::api
