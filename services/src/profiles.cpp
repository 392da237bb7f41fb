// The child's profile and photograph: versions kept, scope in SQL (the child's), every read and
// write audited as the child's.

#include "images.hpp"
#include "queries.hpp"
#include "use_case.hpp"

#include "homeward/db/children.hpp"
#include "homeward/db/clocks.hpp"
#include "homeward/db/profiles.hpp"
#include "homeward/services/profiles.hpp"
#include "homeward/workflow/policy.hpp"

#include <array>

namespace homeward::services {
namespace {

using workflow::role;

constexpr auto readers = {role::police, role::social_worker, role::manager, role::cse_champion};

// The body's fields: the free-text ones, who completed the profile and on which day.
constexpr auto known_fields = [] {
    std::array<std::string_view, db::profile_text_fields.size() + 2> names{};
    for (std::size_t i = 0; i < db::profile_text_fields.size(); ++i) {
        names[i] = db::profile_text_fields[i].name;
    }
    names[db::profile_text_fields.size()] = "completed_by";
    names[db::profile_text_fields.size() + 1] = "completed_on";
    return names;
}();

profile_view view_of(const environment& env, profile_record record) {
    const auto review = workflow::profile_review_deadline(env.policy, record.recorded_at);
    return {std::move(record), review.due_at};
}

db::profile_content read_content(const environment& env, const boost::json::object& body) {
    workflow::input_reader input{body, known_fields};
    db::profile_content content;
    for (std::size_t i = 0; i < db::profile_text_fields.size(); ++i) {
        const auto& field = db::profile_text_fields[i];
        content.texts[i] = input.optional_text(field.name, field.max_length);
    }
    content.completed_by = input.text("completed_by", 200);
    content.completed_on = input.date("completed_on");
    if (!input.has_error("completed_on") &&
        content.completed_on > std::chrono::floor<std::chrono::days>(env.now())) {
        input.add("completed_on", "must not be in the future");
    }
    finish(input);
    return content;
}

} // namespace

profile_view get_profile(const environment& env, const actor& who, std::string_view child_id) {
    const audit_target target{"child.profile_read", "child", std::string{child_id}};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, readers, "read a child's profile");
        auto versions = db::profiles::versions(uow, child_id, scope_of(who), 1);
        if (versions.empty()) {
            throw failure(failure_kind::not_found, "no profile for this child");
        }
        audit.read(target, {{"version", versions.front().version}});
        return view_of(env, std::move(versions.front()));
    });
}

page<profile_record> profile_versions(const environment& env, const actor& who,
                                      std::string_view child_id, int limit) {
    const audit_target target{"child.profile_versions", "child", std::string{child_id}};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, readers, "read a child's profile");
        check_limit(limit);
        page<profile_record> result;
        result.items = db::profiles::versions(uow, child_id, scope_of(who), limit);
        if (result.items.empty()) {
            throw failure(failure_kind::not_found, "no profile for this child");
        }
        audit.read(target, {{"versions", static_cast<int>(result.items.size())}});
        return result;
    });
}

profile_view save_profile(const environment& env, const actor& who, std::string_view child_id,
                          const boost::json::object& body, std::optional<int> expected_version) {
    const audit_target target{"child.profile_update", "child", std::string{child_id}};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, {role::social_worker, role::manager}, "keep a child's profile");
        const auto scope = scope_of(who);
        const auto child = db::children::find(uow, child_id, scope);
        if (!child) {
            throw failure(failure_kind::not_found, "no such child");
        }
        const auto current = db::profiles::versions(uow, child_id, scope, 1);
        const int current_version = current.empty() ? 0 : current.front().version;
        if (expected_version && *expected_version != current_version) {
            throw failure(failure_kind::stale_version,
                          "the profile is at version " + std::to_string(current_version) +
                              ", not " + std::to_string(*expected_version) +
                              ": reload it and try again");
        }
        const auto content = read_content(env, body);
        const auto now = env.now();
        try {
            db::profiles::insert(uow, child_id, current_version + 1, content, now, who.user_id);
        } catch (const db::duplicate&) {
            throw failure(failure_kind::stale_version, "the profile changed meanwhile");
        }

        // The review: recording the profile is reviewing it. Only clocks started before this
        // second are met, so that two saves in one second leave the new clock open.
        const auto kind = workflow::to_string(workflow::clock_kind::profile_review);
        db::clocks::meet_child_clocks(uow, child_id, kind, now - std::chrono::seconds{1});
        const auto next = workflow::profile_review_deadline(env.policy, now);
        db::clocks::save_child_clock(
            uow, child_id,
            {std::string{kind}, "", next.starts_at, next.due_at, std::nullopt, std::nullopt,
             child->responsible_authority_id,
             who.role == role::social_worker ? std::optional{who.user_id} : std::nullopt});

        audit_success(uow, who, target, {{"version", current_version + 1}});
        auto saved = db::profiles::versions(uow, child_id, scope, 1);
        return view_of(env, std::move(saved.front()));
    });
}

photo_record save_photo(const environment& env, const actor& who, std::string_view child_id,
                        std::string_view content_type, std::string_view bytes) {
    const audit_target target{"child.photo_update", "child", std::string{child_id}};
    return run_audited(env, who, target, [&](db::unit_of_work& uow) {
        require_role(who, {role::social_worker, role::manager}, "keep a child's photo");
        if (!db::children::find(uow, child_id, scope_of(who))) {
            throw failure(failure_kind::not_found, "no such child");
        }
        // Decoding holds the transaction's connection meanwhile; a photo is rare, and the image
        // is bounded (5 MiB, 50 megapixels) so the time is too.
        const auto clean = reencode_image(content_type, bytes);
        photo_record photo;
        photo.child_id = std::string{child_id};
        photo.content_type = clean.content_type;
        photo.data = clean.data;
        photo.width = clean.width;
        photo.height = clean.height;
        photo.updated_at = env.now();
        photo.updated_by = who.user_id;
        db::profiles::save_photo(uow, photo, clean.thumbnail);
        audit_success(uow, who, target,
                      {{"width", clean.width},
                       {"height", clean.height},
                       {"bytes", static_cast<std::int64_t>(clean.data.size())}});
        photo.data.clear();
        return photo;
    });
}

photo_record get_photo(const environment& env, const actor& who, std::string_view child_id,
                       bool thumbnail) {
    const audit_target target{"child.photo_read", "child", std::string{child_id}};
    return run_read(env, who, target, [&](db::unit_of_work& uow, read_audit& audit) {
        require_role(who, readers, "see a child's photo");
        auto photo = db::profiles::photo(uow, child_id, scope_of(who), thumbnail);
        if (!photo) {
            throw failure(failure_kind::not_found, "no photo for this child");
        }
        audit.read(target, {{"size", thumbnail ? "thumbnail" : "full"}});
        return std::move(*photo);
    });
}

} // namespace homeward::services
