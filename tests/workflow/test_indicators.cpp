#include "homeward/workflow/indicators.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace homeward::workflow {
namespace {

std::string read_shipped_catalogue() {
    std::ifstream file{HOMEWARD_SOURCE_DATA_DIR "/cse_indicators.json"};
    EXPECT_TRUE(file.good()) << "cannot open " << HOMEWARD_SOURCE_DATA_DIR "/cse_indicators.json";
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// Weights: significant 5, moderate 1; SERAF bands.
constexpr std::string_view small_catalogue = R"({
  "indicators": [
    {"code": "sig_a", "category": "warning_sign", "label": "Significant A", "weight": 5},
    {"code": "sig_b", "category": "warning_sign", "label": "Significant B", "weight": 5},
    {"code": "sig_c", "category": "warning_sign", "label": "Significant C", "weight": 5},
    {"code": "vul_a", "category": "vulnerability", "label": "Vulnerability A", "weight": 1},
    {"code": "beh_a", "category": "behavioural", "label": "Behaviour A", "weight": 1},
    {"code": "beh_b", "category": "behavioural", "label": "Behaviour B", "weight": 1}
  ],
  "bands": [
    {"min_score": 0, "level": "none"},
    {"min_score": 6, "level": "low"},
    {"min_score": 11, "level": "medium"},
    {"min_score": 16, "level": "high"}
  ]
})";

indicator_catalogue small() { return indicator_catalogue::parse(small_catalogue); }

scoring score_of(std::vector<std::string> codes) { return small().score(codes); }

// The catalogue_error message, or "" when the text parses.
std::string catalogue_error_of(std::string_view text) {
    try {
        (void)indicator_catalogue::parse(text);
    } catch (const catalogue_error& error) {
        return error.what();
    }
    return "";
}

// A catalogue whose only indicator is the given JSON object.
std::string with_indicator(std::string_view entry) {
    return R"({"indicators": [{"code": "ok", "category": "behavioural", "label": "Ok", "weight": 1}, )" +
           std::string{entry} + R"(], "bands": [{"min_score": 0, "level": "none"}]})";
}

// A catalogue with the given bands.
std::string with_bands(std::string_view bands) {
    return R"({"indicators": [{"code": "ok", "category": "behavioural", "label": "Ok", "weight": 1}], "bands": )" +
           std::string{bands} + "}";
}

TEST(shipped_catalogue, loads_with_at_least_25_unique_indicators_in_all_three_categories) {
    const auto catalogue = indicator_catalogue::parse(read_shipped_catalogue());
    EXPECT_GE(catalogue.indicators().size(), 25U);
    std::set<std::string> codes;
    std::set<indicator_category> categories;
    for (const auto& entry : catalogue.indicators()) {
        EXPECT_TRUE(codes.insert(entry.code).second) << "duplicate " << entry.code;
        categories.insert(entry.category);
        EXPECT_TRUE(entry.weight == 1 || entry.weight == 5) << entry.code;
        EXPECT_FALSE(entry.label.empty()) << entry.code;
    }
    EXPECT_EQ(categories.size(), 3U);
}

TEST(shipped_catalogue, uses_the_seraf_bands) {
    const auto catalogue = indicator_catalogue::parse(read_shipped_catalogue());
    ASSERT_EQ(catalogue.bands().size(), 4U);
    EXPECT_EQ(catalogue.level_for(5), cse_risk::none);
    EXPECT_EQ(catalogue.level_for(6), cse_risk::low);
    EXPECT_EQ(catalogue.level_for(11), cse_risk::medium);
    EXPECT_EQ(catalogue.level_for(16), cse_risk::high);
}

TEST(shipped_catalogue, weighs_significant_warning_signs_5_and_vulnerabilities_1) {
    const auto catalogue = indicator_catalogue::parse(read_shipped_catalogue());
    for (const std::string_view code :
         {"sti_or_pregnancy", "found_in_hotels_or_unknown_addresses",
          "older_boyfriend_or_girlfriend", "picked_up_by_unknown_adults_or_cars",
          "disclosure_of_assault_withdrawn", "unexplained_money_gifts_or_phones",
          "going_missing_repeatedly"}) {
        const indicator* entry = catalogue.find(code);
        ASSERT_NE(entry, nullptr) << code;
        EXPECT_EQ(entry->weight, 5) << code;
        EXPECT_EQ(entry->category, indicator_category::warning_sign) << code;
    }
    for (const auto& entry : catalogue.indicators()) {
        if (entry.category == indicator_category::vulnerability) {
            EXPECT_EQ(entry.weight, 1) << entry.code;
        }
    }
}

TEST(indicator_category, text_form_round_trips_and_unknown_text_is_rejected) {
    for (const auto category : {indicator_category::warning_sign, indicator_category::vulnerability,
                                indicator_category::behavioural}) {
        EXPECT_EQ(parse_indicator_category(to_string(category)), category);
    }
    EXPECT_EQ(to_string(indicator_category::warning_sign), "warning_sign");
    EXPECT_EQ(to_string(indicator_category::vulnerability), "vulnerability");
    EXPECT_EQ(to_string(indicator_category::behavioural), "behavioural");
    EXPECT_FALSE(parse_indicator_category("behavioral").has_value());
    EXPECT_FALSE(parse_indicator_category("").has_value());
}

TEST(indicator_catalogue, find_returns_the_indicator_or_null) {
    const auto catalogue = small();
    const indicator* entry = catalogue.find("vul_a");
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->label, "Vulnerability A");
    EXPECT_EQ(entry->category, indicator_category::vulnerability);
    EXPECT_EQ(catalogue.find("nope"), nullptr);
    EXPECT_EQ(catalogue.find("VUL_A"), nullptr);
}

TEST(indicator_catalogue, keeps_the_file_order) {
    const auto catalogue = small();
    ASSERT_EQ(catalogue.indicators().size(), 6U);
    EXPECT_EQ(catalogue.indicators().front().code, "sig_a");
    EXPECT_EQ(catalogue.indicators().back().code, "beh_b");
}

TEST(indicator_catalogue, level_for_each_band_at_its_edges) {
    const auto catalogue = small();
    EXPECT_EQ(catalogue.level_for(0), cse_risk::none);
    EXPECT_EQ(catalogue.level_for(5), cse_risk::none);
    EXPECT_EQ(catalogue.level_for(6), cse_risk::low);
    EXPECT_EQ(catalogue.level_for(10), cse_risk::low);
    EXPECT_EQ(catalogue.level_for(11), cse_risk::medium);
    EXPECT_EQ(catalogue.level_for(15), cse_risk::medium);
    EXPECT_EQ(catalogue.level_for(16), cse_risk::high);
    EXPECT_EQ(catalogue.level_for(1000), cse_risk::high);
}

TEST(indicator_catalogue, score_5_is_none_and_6_is_low) {
    EXPECT_EQ(score_of({"sig_a"}).score, 5);
    EXPECT_EQ(score_of({"sig_a"}).suggested, cse_risk::none);
    EXPECT_EQ(score_of({"sig_a", "vul_a"}).score, 6);
    EXPECT_EQ(score_of({"sig_a", "vul_a"}).suggested, cse_risk::low);
}

TEST(indicator_catalogue, score_10_is_low_and_11_is_medium) {
    EXPECT_EQ(score_of({"sig_a", "sig_b"}).score, 10);
    EXPECT_EQ(score_of({"sig_a", "sig_b"}).suggested, cse_risk::low);
    EXPECT_EQ(score_of({"sig_a", "sig_b", "beh_a"}).score, 11);
    EXPECT_EQ(score_of({"sig_a", "sig_b", "beh_a"}).suggested, cse_risk::medium);
}

TEST(indicator_catalogue, score_15_is_medium_and_16_is_high) {
    EXPECT_EQ(score_of({"sig_a", "sig_b", "sig_c"}).score, 15);
    EXPECT_EQ(score_of({"sig_a", "sig_b", "sig_c"}).suggested, cse_risk::medium);
    EXPECT_EQ(score_of({"sig_a", "sig_b", "sig_c", "beh_b"}).score, 16);
    EXPECT_EQ(score_of({"sig_a", "sig_b", "sig_c", "beh_b"}).suggested, cse_risk::high);
}

TEST(indicator_catalogue, no_indicators_scores_zero_and_none) {
    EXPECT_EQ(score_of({}).score, 0);
    EXPECT_EQ(score_of({}).suggested, cse_risk::none);
}

TEST(indicator_catalogue, unknown_and_repeated_codes_are_reported_once_each) {
    const auto catalogue = small();
    const std::vector<std::string> observed{"sig_a", "made_up", "vul_a",
                                            "sig_a", "made_up", "sig_a"};
    EXPECT_EQ(catalogue.unknown_or_repeated(observed),
              (std::vector<std::string>{"made_up", "sig_a"}));
    const std::vector<std::string> fine{"sig_a", "vul_a", "beh_b"};
    EXPECT_TRUE(catalogue.unknown_or_repeated(fine).empty());
}

TEST(indicator_catalogue, score_ignores_unknown_codes_and_counts_repeats_once) {
    EXPECT_EQ(score_of({"sig_a", "sig_a", "made_up", "vul_a"}).score, 6);
}

TEST(indicator_catalogue, bands_need_not_follow_seraf) {
    const auto catalogue =
        indicator_catalogue::parse(with_bands(R"([{"min_score": 0, "level": "low"},
                                                  {"min_score": 3, "level": "high"}])"));
    EXPECT_EQ(catalogue.level_for(2), cse_risk::low);
    EXPECT_EQ(catalogue.level_for(3), cse_risk::high);
}

TEST(catalogue_error, names_a_bad_weight_by_its_entry) {
    EXPECT_EQ(catalogue_error_of(with_indicator(
                  R"({"code": "x", "category": "behavioural", "label": "X", "weight": -1})")),
              "catalogue: indicators[1].weight must be an integer from 0 to 100");
    EXPECT_NE(catalogue_error_of(with_indicator(
                                     R"({"code": "x", "category": "behavioural", "label": "X",
                                         "weight": "5"})"))
                  .find("indicators[1].weight"),
              std::string::npos);
}

TEST(catalogue_error, names_a_missing_key_by_its_entry) {
    EXPECT_EQ(catalogue_error_of(
                  with_indicator(R"({"code": "x", "category": "behavioural", "weight": 1})")),
              "catalogue: indicators[1].label is missing");
}

TEST(catalogue_error, rejects_an_unknown_category) {
    EXPECT_NE(catalogue_error_of(with_indicator(
                                     R"({"code": "x", "category": "other", "label": "X",
                                         "weight": 1})"))
                  .find("indicators[1].category must be one of"),
              std::string::npos);
}

TEST(catalogue_error, rejects_codes_that_are_not_lowercase_snake_case) {
    for (const std::string_view code :
         {R"("Bad")", R"("has space")", R"("dash-ed")", R"("")", "7"}) {
        const std::string entry = R"({"code": )" + std::string{code} +
                                  R"(, "category": "behavioural", "label": "X", "weight": 1})";
        EXPECT_NE(catalogue_error_of(with_indicator(entry)).find("indicators[1].code must be"),
                  std::string::npos)
            << code;
    }
}

TEST(catalogue_error, rejects_a_duplicate_code) {
    EXPECT_EQ(catalogue_error_of(with_indicator(
                  R"({"code": "ok", "category": "warning_sign", "label": "Again", "weight": 5})")),
              R"(catalogue: indicators[1].code "ok" duplicates indicators[0].code)");
}

TEST(catalogue_error, rejects_an_unknown_key_in_an_entry_and_at_the_top) {
    EXPECT_EQ(
        catalogue_error_of(with_indicator(
            R"({"code": "x", "category": "behavioural", "label": "X", "weight": 1, "w": 2})")),
        R"(catalogue: indicators[1] has unknown key "w")");
    EXPECT_EQ(catalogue_error_of(R"({"indicators": [], "bands": [], "extra": 1})"),
              R"(catalogue: unknown key "extra")");
}

TEST(catalogue_error, rejects_bands_that_do_not_start_at_zero) {
    EXPECT_NE(catalogue_error_of(with_bands(R"([{"min_score": 1, "level": "none"}])"))
                  .find("bands[0].min_score must be 0"),
              std::string::npos);
}

TEST(catalogue_error, rejects_bands_that_are_not_strictly_increasing) {
    EXPECT_EQ(catalogue_error_of(with_bands(R"([{"min_score": 0, "level": "none"},
                                                {"min_score": 6, "level": "low"},
                                                {"min_score": 6, "level": "medium"}])")),
              "catalogue: bands[2].min_score must be greater than bands[1].min_score");
    EXPECT_EQ(catalogue_error_of(with_bands(R"([{"min_score": 0, "level": "medium"},
                                                {"min_score": 6, "level": "low"}])")),
              "catalogue: bands[1].level must not be lower than bands[0].level");
}

TEST(catalogue_error, rejects_an_unknown_band_level) {
    EXPECT_NE(catalogue_error_of(with_bands(R"([{"min_score": 0, "level": "severe"}])"))
                  .find("bands[0].level must be one of"),
              std::string::npos);
}

TEST(catalogue_error, rejects_missing_or_empty_sections) {
    EXPECT_EQ(catalogue_error_of(R"({"bands": [{"min_score": 0, "level": "none"}]})"),
              R"(catalogue: "indicators" is missing)");
    EXPECT_EQ(catalogue_error_of(with_bands("[]")),
              R"(catalogue: "bands" must be a non-empty array)");
    EXPECT_EQ(catalogue_error_of(with_bands("{}")),
              R"(catalogue: "bands" must be a non-empty array)");
    EXPECT_EQ(catalogue_error_of("[]"), "catalogue: the document must be a JSON object");
}

TEST(catalogue_error, an_entry_that_is_not_an_object_is_named) {
    EXPECT_EQ(catalogue_error_of(with_indicator(R"("sti_or_pregnancy")")),
              "catalogue: indicators[1] must be an object");
}

TEST(catalogue_error, malformed_json_says_so_and_where) {
    const std::string message = catalogue_error_of("{\n  \"indicators\": [\n    {\"code\": }\n");
    EXPECT_NE(message.find("catalogue: the JSON is malformed at line 3"), std::string::npos)
        << message;
}

} // namespace
} // namespace homeward::workflow
