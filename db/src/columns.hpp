#pragma once
// Select lists read by more than one repository file, each matched by one reader in sql.hpp.

// An organisation's code, by a sub-query on its primary key: cheaper than a join in a read whose
// cost is mostly its executor's start-up.
#define ORGANISATION_CODE(id) "(select code from organisations o where o.id = " id ")"

// A child's columns, as read_child reads them: the child in table alias a.
// clang-format off
#define CHILD_COLUMNS(a)                                                                           \
    a ".id::text, " a ".given_name, " a ".family_name, (" a ".date_of_birth - date "               \
    "'1970-01-01'), " a ".sex, " a ".looked_after, "                                               \
    a ".responsible_authority_id::text, " ORGANISATION_CODE(a ".responsible_authority_id") ", "    \
    a ".host_authority_id::text, " ORGANISATION_CODE(a ".host_authority_id") ", "                  \
    a ".ethnicity, " a ".placement_type, extract(epoch from " a ".created_at)::bigint, "           \
    a ".version, extract(epoch from " a ".anonymised_at)::bigint"
// clang-format on

// An episode's list line, as read_summary reads it: episode alias e, its child c.
#define SUMMARY_COLUMNS(e, c)                                                                      \
    e ".id::text, " e ".child_id::text, " c ".given_name, " c ".family_name, " e ".state, " e      \
      ".version, extract(epoch from " e ".reported_at)::bigint, extract(epoch from " e             \
      ".last_seen_at)::bigint, " e ".last_seen_location, " e ".risk_level, " e ".absence_kind, "   \
      "extract(epoch from " e ".returned_at)::bigint, " e ".police_reference, " e                  \
      ".assigned_worker_id::text"

// A user's columns, as read_user reads them: the user u, their organisation o, their team t
// (left-joined).
#define USER_COLUMNS                                                                               \
    "u.id::text, u.username, u.role, u.organisation_id::text, o.code, u.active, u.team_id::text, " \
    "t.name, u.email, u.email_alerts, u.must_change_password, extract(epoch from "                 \
    "u.locked_until)::bigint, u.deployment_admin, exists (select from two_factor f where "         \
    "f.user_id = u.id and f.secret is not null)"
#define USER_FROM                                                                                  \
    "users u join organisations o on o.id = u.organisation_id left join teams t on t.id = "        \
    "u.team_id "
