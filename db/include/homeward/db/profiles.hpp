#pragma once
// The child's profile (the Philomena Protocol), every version of it, and the child's photograph,
// read in the caller's scope: the child's scope (police once their force has reported the child,
// social work of the responsible or host authority).

#include "homeward/db/records.hpp"
#include "homeward/db/unit_of_work.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace homeward::db {

// The profile's free-text fields, by their column (and JSON) names, with their longest length.
struct profile_field {
    std::string_view name;
    std::size_t max_length;
};
inline constexpr std::array<profile_field, 14> profile_text_fields{{
    {"height", 100},
    {"build", 200},
    {"hair", 200},
    {"eyes", 200},
    {"distinguishing_marks", 2000},
    {"clothing", 2000},
    {"languages", 500},
    {"medical_needs", 4000},
    {"medication", 4000},
    {"phone_numbers", 500},
    {"social_media", 2000},
    {"places", 4000},
    {"associates", 4000},
    {"missing_history", 4000},
}};

struct profile_content {
    // In the order of profile_text_fields; unset where nothing is known.
    std::array<std::optional<std::string>, profile_text_fields.size()> texts;
    std::string completed_by; // who completed it: usually the carer, by name
    std::chrono::sys_days completed_on{};
};

// One version of a child's profile.
struct profile_record {
    std::string child_id;
    int version{0};
    profile_content content;
    time_point recorded_at{};
    std::string recorded_by; // the user's id
    std::string recorded_by_username;
};

// The child's photograph as Homeward re-encoded it.
struct photo_record {
    std::string child_id;
    std::string content_type; // image/jpeg or image/png
    std::string data;         // the image, or its thumbnail
    int width{0};
    int height{0};
    time_point updated_at{};
    std::string updated_by;
};

namespace profiles {

// The child's profile versions in the caller's scope, newest first (at most `limit`); empty when
// the child has none or is out of scope.
std::vector<profile_record> versions(unit_of_work& uow, std::string_view child_id, const scope& who,
                                     int limit);
// Records a version; throws db::duplicate when that version exists already (a concurrent change).
void insert(unit_of_work& uow, std::string_view child_id, int version,
            const profile_content& content, time_point recorded_at, std::string_view recorded_by);

// Stores the child's photograph (replacing any earlier one) with its thumbnail.
void save_photo(unit_of_work& uow, const photo_record& photo, const std::string& thumbnail);
// The child's photograph, or its thumbnail, in the caller's scope.
std::optional<photo_record> photo(unit_of_work& uow, std::string_view child_id, const scope& who,
                                  bool thumbnail);

} // namespace profiles
} // namespace homeward::db
