#include "homeward/workflow/entities.hpp"

#include "name_table.hpp"

#include <cctype>

namespace homeward::workflow {
namespace {

constexpr name_table<entity_kind, 3> kind_names{{
    {entity_kind::person, "person"},
    {entity_kind::place, "place"},
    {entity_kind::vehicle, "vehicle"},
}};

constexpr name_table<entity_link, 6> link_names{{
    {entity_link::seen_with, "seen_with"},
    {entity_link::picked_up_by, "picked_up_by"},
    {entity_link::stayed_at, "stayed_at"},
    {entity_link::found_at, "found_at"},
    {entity_link::gave_gifts, "gave_gifts"},
    {entity_link::other, "other"},
}};

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
char upper(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

// The text's letters and digits in capitals, if nothing else but spaces and hyphens is in it.
std::optional<std::string> letters_and_digits(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == ' ' || c == '-' || c == '\t') {
            continue;
        }
        if (!is_alpha(c) && !is_digit(c)) {
            return std::nullopt;
        }
        out += upper(c);
    }
    return out;
}

// A UK postcode's outward code: A9, A99, AA9, AA99, A9A or AA9A.
bool is_outward(std::string_view o) {
    if (o.size() < 2 || o.size() > 4 || !is_alpha(o[0])) {
        return false;
    }
    const std::size_t letters = is_alpha(o[1]) ? 2 : 1;
    if (o.size() <= letters || !is_digit(o[letters])) {
        return false;
    }
    const auto rest = o.substr(letters + 1);
    return rest.empty() || (rest.size() == 1 && (is_digit(rest[0]) || is_alpha(rest[0])));
}

} // namespace

std::string_view to_string(entity_kind value) { return name_of(kind_names, value); }
std::string_view to_string(entity_link value) { return name_of(link_names, value); }
std::optional<entity_kind> parse_entity_kind(std::string_view text) {
    return value_of(kind_names, text);
}
std::optional<entity_link> parse_entity_link(std::string_view text) {
    return value_of(link_names, text);
}
std::string_view choices_of(entity_kind) {
    static const std::string text = choices_text(kind_names);
    return text;
}
std::string_view choices_of(entity_link) {
    static const std::string text = choices_text(link_names);
    return text;
}

std::optional<std::string> normalise_registration(std::string_view text) {
    auto plate = letters_and_digits(text);
    if (!plate || plate->size() < 2 || plate->size() > 10) {
        return std::nullopt;
    }
    return plate;
}

std::optional<std::string> normalise_postcode(std::string_view text) {
    auto code = letters_and_digits(text);
    if (!code || code->size() < 5 || code->size() > 7) {
        return std::nullopt;
    }
    // The inward code is the last three: a digit and two letters.
    const std::string inward = code->substr(code->size() - 3);
    const std::string outward = code->substr(0, code->size() - 3);
    if (!is_digit(inward[0]) || !is_alpha(inward[1]) || !is_alpha(inward[2]) ||
        !is_outward(outward)) {
        return std::nullopt;
    }
    return outward + " " + inward;
}

std::optional<std::string> normalise_phone(std::string_view text) {
    std::string digits;
    bool plus = false;
    for (const char c : text) {
        if (is_digit(c)) {
            digits += c;
        } else if (c == '+' && digits.empty() && !plus) {
            plus = true;
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
            return std::nullopt;
        }
    }
    // +44 and 0044 are the UK's 0 (and "+44 (0)7700 ..." writes that 0 as well).
    const auto national = [](std::string rest) {
        return rest.starts_with('0') ? rest : "0" + rest;
    };
    if (plus && digits.starts_with("44")) {
        digits = national(digits.substr(2));
    } else if (!plus && digits.starts_with("0044")) {
        digits = national(digits.substr(4));
    } else if (plus) {
        digits = "+" + digits;
    }
    const auto count = digits.size() - (digits.starts_with('+') ? 1 : 0);
    if (count < 7 || count > 15) {
        return std::nullopt;
    }
    return digits;
}

std::string normalise_name(std::string_view text) {
    std::string out;
    bool space = false;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isspace(byte) != 0) {
            space = !out.empty();
        } else if (std::isalnum(byte) != 0 || byte >= 0x80) {
            if (space) {
                out += ' ';
                space = false;
            }
            out += static_cast<char>(std::tolower(byte));
        } else if (c == ',' || c == '/' || c == '&') {
            space = !out.empty(); // "Smith,John" is two words
        }
    }
    return out;
}

std::optional<std::string> normalise_identifier(entity_kind kind, std::string_view text) {
    switch (kind) {
    case entity_kind::person:
        return normalise_phone(text);
    case entity_kind::place:
        return normalise_postcode(text);
    case entity_kind::vehicle:
        return normalise_registration(text);
    }
    return std::nullopt;
}

std::string_view identifier_rule(entity_kind kind) {
    switch (kind) {
    case entity_kind::person:
        return "must be a phone number of 7 to 15 digits";
    case entity_kind::place:
        return "must be a UK postcode, such as SW1A 1AA";
    case entity_kind::vehicle:
        return "must be a registration of 2 to 10 letters and digits";
    }
    return "";
}

} // namespace homeward::workflow
