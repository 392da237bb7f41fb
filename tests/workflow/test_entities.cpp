// The normal forms people, places and vehicles of concern are matched by.

#include "homeward/workflow/entities.hpp"

#include <gtest/gtest.h>

namespace homeward::workflow {
namespace {

TEST(entity_normal_forms, registrations_lose_spaces_hyphens_and_case) {
    EXPECT_EQ(normalise_registration("ab12 cde"), "AB12CDE");
    EXPECT_EQ(normalise_registration(" A B 1 2-C D E "), "AB12CDE");
    EXPECT_EQ(normalise_registration("AB12!CDE"), std::nullopt);
    EXPECT_EQ(normalise_registration("A"), std::nullopt);
    EXPECT_EQ(normalise_registration("ABCDEFGHIJK"), std::nullopt);
}

TEST(entity_normal_forms, postcodes_take_one_space_before_the_inward_code) {
    EXPECT_EQ(normalise_postcode("sw1a1aa"), "SW1A 1AA");
    EXPECT_EQ(normalise_postcode(" SW1A   1AA "), "SW1A 1AA");
    EXPECT_EQ(normalise_postcode("m1 1ae"), "M1 1AE");
    EXPECT_EQ(normalise_postcode("B33 8TH"), "B33 8TH");
    EXPECT_EQ(normalise_postcode("CR2 6XH"), "CR2 6XH");
    EXPECT_EQ(normalise_postcode("LS10 1AB"), "LS10 1AB");
    EXPECT_EQ(normalise_postcode("W1A0AX"), "W1A 0AX");
    EXPECT_EQ(normalise_postcode("NOT A CODE"), std::nullopt);
    EXPECT_EQ(normalise_postcode("12345"), std::nullopt);
    EXPECT_EQ(normalise_postcode("SW1A 1A1"), std::nullopt);
}

TEST(entity_normal_forms, phones_keep_their_digits_with_44_as_a_leading_zero) {
    EXPECT_EQ(normalise_phone("07700 900123"), "07700900123");
    EXPECT_EQ(normalise_phone("+44 (0)7700-900.123"), "07700900123");
    EXPECT_EQ(normalise_phone("+44 7700 900123"), "07700900123");
    EXPECT_EQ(normalise_phone("0044 7700 900123"), "07700900123");
    EXPECT_EQ(normalise_phone("+33 1 23 45 67 89"), "+33123456789");
    EXPECT_EQ(normalise_phone("call me"), std::nullopt);
    EXPECT_EQ(normalise_phone("123"), std::nullopt);
}

TEST(entity_normal_forms, names_are_lower_case_without_punctuation_or_extra_spaces) {
    EXPECT_EQ(normalise_name("  John   SMITH "), "john smith");
    EXPECT_EQ(normalise_name("O'Brien,John"), "obrien john");
    EXPECT_EQ(normalise_name("..."), "");
}

TEST(entity_normal_forms, kinds_and_links_have_stable_names) {
    EXPECT_EQ(parse_entity_kind("place"), entity_kind::place);
    EXPECT_EQ(parse_entity_kind("address"), std::nullopt);
    EXPECT_EQ(to_string(entity_link::picked_up_by), "picked_up_by");
    EXPECT_EQ(choices_of(entity_link{}),
              "seen_with, picked_up_by, stayed_at, found_at, gave_gifts, other");
}

} // namespace
} // namespace homeward::workflow
