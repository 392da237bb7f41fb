#pragma once
// People, places and vehicles of concern: their kinds, the nature of a link to an episode, and the
// normal forms their identifiers and names are matched by. Pure: no I/O.

#include <optional>
#include <string>
#include <string_view>

namespace homeward::workflow {

enum class entity_kind { person, place, vehicle };

// How an entity is linked to an episode.
enum class entity_link { seen_with, picked_up_by, stayed_at, found_at, gave_gifts, other };

std::string_view to_string(entity_kind value);
std::string_view to_string(entity_link value);
std::optional<entity_kind> parse_entity_kind(std::string_view text);
std::optional<entity_link> parse_entity_link(std::string_view text);
std::string_view choices_of(entity_kind);
std::string_view choices_of(entity_link);

// A vehicle registration without spaces or hyphens, in capitals ("ab12 cde" -> "AB12CDE"); unset
// unless 2 to 10 letters and digits remain.
std::optional<std::string> normalise_registration(std::string_view text);
// A UK postcode in capitals with one space before the inward code ("sw1a1aa" -> "SW1A 1AA");
// unset when it is not a postcode's shape.
std::optional<std::string> normalise_postcode(std::string_view text);
// A phone number's digits, a leading +44 or 0044 (and a "(0)" after it) written as one 0 ("+44 7700
// 900123" -> "07700900123"); unset unless 7 to 15 digits remain (spaces, hyphens, dots and brackets
// apart).
std::optional<std::string> normalise_phone(std::string_view text);
// A name in lower case (ASCII letters), punctuation dropped, runs of spaces made one, trimmed
// ("  O'Brien,  JOHN " -> "obrien john"); empty when nothing remains.
std::string normalise_name(std::string_view text);
// The normalised identifier of this kind (registration, postcode, phone); unset when malformed.
std::optional<std::string> normalise_identifier(entity_kind kind, std::string_view text);
// What a malformed identifier of this kind must be, for the problem naming the field.
std::string_view identifier_rule(entity_kind kind);

} // namespace homeward::workflow
