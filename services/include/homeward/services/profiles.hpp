#pragma once
// The child's profile (the Philomena Protocol) and photograph: kept by social work of the child's
// responsible or host authority, seen by them and by police once their force has reported the
// child. Every read and write is audited as a read or write of the child.

#include "homeward/db/profiles.hpp"
#include "homeward/services/environment.hpp"
#include "homeward/services/views.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace homeward::services {

using db::photo_record;
using db::profile_record;

// A profile as it is answered: the version, and when its review falls due (the policy's
// profile_review_months after it was recorded).
struct profile_view {
    profile_record profile;
    time_point review_due_at{};
};

// The current profile; 404 when the child has none or is out of the caller's scope.
profile_view get_profile(const environment& env, const actor& who, std::string_view child_id);
// Every version of the profile, newest first (at most `limit`); 404 as get_profile.
page<profile_record> profile_versions(const environment& env, const actor& who,
                                      std::string_view child_id, int limit);
// Records a new version (social_worker, manager): body {completed_by, completed_on, and any of
// db::profile_text_fields}. `expected_version` (If-Match) must be the current version (412
// otherwise). Meets the open profile review and opens the next (policy profile_review_months).
profile_view save_profile(const environment& env, const actor& who, std::string_view child_id,
                          const boost::json::object& body, std::optional<int> expected_version);

// Stores the photograph (social_worker, manager) after re-encoding it: 415 for a body that is not
// a JPEG or PNG of its declared type, 422 for one that is not one whole, decodable image of at
// most 10,000 pixels a side and 50 megapixels. Answers the stored photo without its bytes.
photo_record save_photo(const environment& env, const actor& who, std::string_view child_id,
                        std::string_view content_type, std::string_view bytes);
// The photograph or its thumbnail; 404 when there is none or the child is out of scope.
photo_record get_photo(const environment& env, const actor& who, std::string_view child_id,
                       bool thumbnail);

} // namespace homeward::services
