// The child's profile (the Philomena Protocol) and photograph over real HTTPS: versions and
// If-Match, field errors, who sees them exactly when (police from their force's first report),
// and photographs re-encoded so that no metadata survives, with every bad upload refused and
// nothing stored.

#include "https_fixture.hpp"

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <vips/vips.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>

namespace homeward::testing {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using workflow::organisation_kind;
using workflow::role;

json::object full_profile() {
    return {{"height", "152 cm"},
            {"build", "slim"},
            {"hair", "dark brown, shoulder length"},
            {"eyes", "brown"},
            {"distinguishing_marks", "small scar above the left eyebrow"},
            {"clothing", "black puffer jacket, white trainers"},
            {"languages", "English, Polish"},
            {"medical_needs", "asthma"},
            {"medication", "salbutamol inhaler"},
            {"phone_numbers", "07700 900123"},
            {"social_media", "Snapchat: example_handle"},
            {"places", "Central bus station; the retail park"},
            {"associates", "J. (older, drives a blue hatchback)"},
            {"missing_history", "Two episodes last year, found in the town centre"},
            {"completed_by", "Ann Carer (foster carer)"},
            {"completed_on", "2026-01-10"}};
}

// ---- images ------------------------------------------------------------------------------

void start_vips() {
    static std::once_flag started;
    std::call_once(started, [] { ASSERT_EQ(vips_init("homeward-tests"), 0); });
}

// A noisy image of this size, encoded as JPEG or PNG by libvips.
std::string make_image(int width, int height, bool png) {
    start_vips();
    VipsImage* noise = nullptr;
    EXPECT_EQ(vips_gaussnoise(&noise, width, height, "mean", 128.0, "sigma", 40.0, nullptr), 0);
    VipsImage* bands = nullptr;
    EXPECT_EQ(vips_bandjoin_const1(noise, &bands, 0.0, nullptr), 0);
    VipsImage* colour = nullptr;
    EXPECT_EQ(vips_bandjoin_const1(bands, &colour, 200.0, nullptr), 0);
    VipsImage* uchar = nullptr;
    EXPECT_EQ(vips_cast_uchar(colour, &uchar, nullptr), 0);
    VipsImage* bytes = nullptr;
    EXPECT_EQ(vips_copy(uchar, &bytes, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr), 0);
    void* buffer = nullptr;
    std::size_t length = 0;
    EXPECT_EQ(png ? vips_pngsave_buffer(bytes, &buffer, &length, nullptr)
                  : vips_jpegsave_buffer(bytes, &buffer, &length, nullptr),
              0);
    std::string encoded{static_cast<const char*>(buffer), length};
    g_free(buffer);
    for (auto* image : {noise, bands, colour, uchar, bytes}) {
        g_object_unref(image);
    }
    return encoded;
}

// The image's width and height, read by libvips.
std::pair<int, int> dimensions(const std::string& encoded) {
    start_vips();
    VipsImage* image = vips_image_new_from_buffer(encoded.data(), encoded.size(), "", nullptr);
    if (image == nullptr) {
        ADD_FAILURE() << "libvips cannot read the image: " << vips_error_buffer();
        vips_error_clear();
        return {0, 0};
    }
    const std::pair<int, int> size{vips_image_get_width(image), vips_image_get_height(image)};
    g_object_unref(image);
    return size;
}

std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / ("profile-" + random_hex(8) + "-" + name)).string();
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out{path, std::ios::binary};
    out << bytes;
}

std::string read_file(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// What a command prints on its standard output.
std::string output_of(const std::string& command) {
    std::string out;
    const std::unique_ptr<FILE, int (*)(FILE*)> pipe{popen(command.c_str(), "r"), &pclose};
    if (!pipe) {
        ADD_FAILURE() << "cannot run " << command;
        return out;
    }
    std::array<char, 4096> chunk{};
    while (const auto n = std::fread(chunk.data(), 1, chunk.size(), pipe.get())) {
        out.append(chunk.data(), n);
    }
    return out;
}

// Every tag exiftool finds in the image, one "[group] name: value" a line, numbers as numbers.
std::string exif_tags(const std::string& image) {
    const auto path = temp_path("read.jpg");
    write_file(path, image);
    auto tags = output_of("exiftool -a -G1 -n -s '" + path + "' 2>&1");
    fs::remove(path);
    return tags;
}

// A JPEG carrying EXIF GPS, a camera make, an XMP title and a comment, written by exiftool.
std::string with_metadata(const std::string& jpeg) {
    const auto in = temp_path("plain.jpg");
    const auto out = temp_path("tagged.jpg");
    write_file(in, jpeg);
    const auto result =
        output_of("exiftool -q -GPSLatitude=51.501 -GPSLatitudeRef=N -GPSLongitude=0.1246 "
                  "-GPSLongitudeRef=W -Make=HomewardTestCam -XMP-dc:Title=secret-title "
                  "-Comment=secret-comment -o '" +
                  out + "' '" + in + "' 2>&1");
    EXPECT_EQ(result, "");
    auto tagged = read_file(out);
    fs::remove(in);
    fs::remove(out);
    return tagged;
}

std::uint32_t crc32(std::string_view bytes) {
    std::uint32_t crc = 0xFFFFFFFFU;
    for (const char c : bytes) {
        crc ^= static_cast<unsigned char>(c);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1U) ^ (0xEDB88320U & (0U - (crc & 1U)));
        }
    }
    return ~crc;
}

std::string big_endian(std::uint32_t value) {
    return {static_cast<char>(value >> 24U), static_cast<char>(value >> 16U),
            static_cast<char>(value >> 8U), static_cast<char>(value)};
}

std::string png_chunk(std::string_view type, std::string_view data) {
    const std::string body = std::string{type} + std::string{data};
    return big_endian(static_cast<std::uint32_t>(data.size())) + body + big_endian(crc32(body));
}

// A well-formed PNG whose header claims 20,000 x 20,000 pixels, with almost no pixel data.
std::string huge_png() {
    const std::string ihdr =
        big_endian(20000) + big_endian(20000) + std::string{"\x08\x02", 2} + std::string(3, '\0');
    return std::string{"\x89PNG\r\n\x1a\n", 8} + png_chunk("IHDR", ihdr) +
           png_chunk("IDAT", std::string{"\x78\x9c\x03\x00\x00\x00\x00\x01", 8}) +
           png_chunk("IEND", "");
}

// A real JPEG whose frame header is edited to claim 20,000 x 20,000 pixels.
std::string huge_jpeg(std::string jpeg) {
    const auto sof = jpeg.find("\xFF\xC0", 2);
    EXPECT_NE(sof, std::string::npos);
    // FF C0, length (2), precision (1), height (2), width (2).
    jpeg.replace(sof + 5, 4, std::string{"\x4E\x20\x4E\x20", 4});
    return jpeg;
}

// ---- the fixture ---------------------------------------------------------------------------

class profile_over_https : public https_test {
protected:
    void SetUp() override {
        https_test::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        force = make_org(organisation_kind::police);
        other_force = make_org(organisation_kind::police);
        authority = make_org(organisation_kind::local_authority);
        host = make_org(organisation_kind::local_authority);
        other = make_org(organisation_kind::local_authority);
        police = make_user(role::police, force);
        other_police = make_user(role::police, other_force);
        worker = make_user(role::social_worker, authority);
        manager = make_user(role::manager, authority);
        champion = make_user(role::cse_champion, authority);
        admin = make_user(role::admin, authority);
        host_worker = make_user(role::social_worker, host);
        outsider = make_user(role::social_worker, other);
        outside_manager = make_user(role::manager, other);
        child = make_child(worker, authority, host);
        profile_path = "/api/v1/children/" + child + "/profile";
        photo_path = "/api/v1/children/" + child + "/photo";
    }

    https_reply put(const test_user& who, const std::string& target, const std::string& body,
                    const std::string& content_type = "application/json",
                    std::map<std::string, std::string> headers = {}) {
        request_options options;
        options.token = who.token;
        options.content_type = content_type;
        options.headers = std::move(headers);
        return https_call(port_, "PUT", target, body, options);
    }

    https_reply put_profile(const test_user& who, const json::object& body,
                            std::map<std::string, std::string> headers = {}) {
        return put(who, profile_path, json::serialize(body), "application/json",
                   std::move(headers));
    }

    https_reply put_photo(const test_user& who, const std::string& image,
                          const std::string& type = "image/jpeg") {
        return put(who, photo_path, image, type);
    }

    long long audited(const std::string& action, const std::string& outcome = "success") {
        return count_where("audit_events", "entity_id = " + literal(child) +
                                               " and action = " + literal(action) +
                                               " and outcome = " + literal(outcome));
    }

    long long photos() { return count_where("child_photos", "child_id = " + literal(child)); }

    test_org force, other_force, authority, host, other;
    test_user police, other_police, worker, manager, champion, admin, host_worker, outsider,
        outside_manager;
    std::string child, profile_path, photo_path;
};

// ---- the profile ---------------------------------------------------------------------------

TEST_F(profile_over_https, a_profile_round_trips_with_every_field_and_who_recorded_it) {
    const auto made = put_profile(worker, full_profile());
    ASSERT_EQ(made.status, 201U) << made.body;
    EXPECT_EQ(made.header("etag"), "\"1\"");
    const auto reply = get(worker, profile_path);
    ASSERT_EQ(reply.status, 200U) << reply.body;
    EXPECT_EQ(reply.header("etag"), "\"1\"");
    const auto profile = reply.json().as_object();
    for (const auto& [field, value] : full_profile()) {
        EXPECT_EQ(profile.at(field), value) << field;
    }
    EXPECT_EQ(profile.at("version").as_int64(), 1);
    EXPECT_EQ(profile.at("child_id").as_string(), child);
    EXPECT_EQ(profile.at("recorded_by").at("id").as_string(), worker.id);
    EXPECT_EQ(profile.at("recorded_by").at("username").as_string(), worker.username);
    EXPECT_EQ(profile.at("recorded_at").as_string(), at(0s));
    EXPECT_EQ(audited("child.profile_update"), 1);
    EXPECT_EQ(audited("child.profile_read"), 1);
}

TEST_F(profile_over_https, every_change_is_a_new_version_kept_with_who_made_it_and_when) {
    ASSERT_EQ(put_profile(worker, full_profile()).status, 201U);
    advance(1h); // past the sessions' idle limit: log in again
    worker.token = log_in(worker.username);
    manager.token = log_in(manager.username);
    auto changed = full_profile();
    changed["hair"] = "dyed red, short";
    changed.erase("medication");
    const auto second = put_profile(manager, changed, {{"If-Match", "\"1\""}});
    ASSERT_EQ(second.status, 200U) << second.body;
    EXPECT_EQ(second.header("etag"), "\"2\"");
    EXPECT_EQ(second.json().at("hair").as_string(), "dyed red, short");
    EXPECT_TRUE(second.json().at("medication").is_null());

    const auto versions = get(worker, profile_path + "/versions");
    ASSERT_EQ(versions.status, 200U) << versions.body;
    const auto items = versions.json().at("items").as_array();
    ASSERT_EQ(items.size(), 2U);
    EXPECT_EQ(items[0].at("version").as_int64(), 2);
    EXPECT_EQ(items[0].at("recorded_by").at("username").as_string(), manager.username);
    EXPECT_EQ(items[0].at("recorded_at").as_string(), at(0s));
    EXPECT_EQ(items[1].at("version").as_int64(), 1);
    EXPECT_EQ(items[1].at("hair").as_string(), "dark brown, shoulder length");
    EXPECT_EQ(items[1].at("medication").as_string(), "salbutamol inhaler");
    EXPECT_EQ(items[1].at("recorded_by").at("username").as_string(), worker.username);
    EXPECT_EQ(items[1].at("recorded_at").as_string(), at(-1h));
    EXPECT_EQ(audited("child.profile_versions"), 1);
}

TEST_F(profile_over_https, if_match_naming_an_old_version_is_412_and_changes_nothing) {
    ASSERT_EQ(put_profile(worker, full_profile()).status, 201U);
    ASSERT_EQ(put_profile(worker, full_profile(), {{"If-Match", "\"1\""}}).status, 200U);
    auto stale = full_profile();
    stale["hair"] = "blond";
    const auto refused = put_profile(worker, stale, {{"If-Match", "\"1\""}});
    EXPECT_EQ(refused.status, 412U) << refused.body;
    EXPECT_EQ(refused.header("content-type"), "application/problem+json");
    EXPECT_EQ(get(worker, profile_path).json().at("hair").as_string(),
              "dark brown, shoulder length");
    EXPECT_EQ(count_where("child_profiles", "child_id = " + literal(child)), 2);
    // If-Match on a child with no profile yet names no current version either.
    const auto second_child = make_child(worker, authority);
    EXPECT_EQ(put(worker, "/api/v1/children/" + second_child + "/profile",
                  json::serialize(full_profile()), "application/json", {{"If-Match", "\"1\""}})
                  .status,
              412U);
    // A malformed If-Match is a 400 naming it, as for episodes.
    const auto malformed = put_profile(worker, stale, {{"If-Match", "\"one\""}});
    EXPECT_EQ(malformed.status, 400U);
    EXPECT_EQ(malformed.json().at("errors").at(0).at("field").as_string(), "If-Match");
}

TEST_F(profile_over_https, invalid_fields_are_422_naming_each_field_and_store_nothing) {
    auto body = full_profile();
    body.erase("completed_by");
    body["height"] = std::string(101, 'x');
    body["completed_on"] = at(48h).substr(0, 10);
    body["shoe_size"] = "5";
    body["eyes"] = 7;
    const auto refused = put_profile(worker, body);
    ASSERT_EQ(refused.status, 422U) << refused.body;
    std::set<std::string> fields;
    const auto problem = refused.json();
    for (const auto& error : problem.at("errors").as_array()) {
        fields.insert(std::string{error.at("field").as_string()});
    }
    EXPECT_EQ(fields, (std::set<std::string>{"completed_by", "height", "completed_on", "shoe_size",
                                             "eyes"}));
    EXPECT_EQ(count_where("child_profiles", "child_id = " + literal(child)), 0);
    EXPECT_EQ(get(worker, profile_path).status, 404U);
    EXPECT_EQ(put_profile(worker, {{"completed_by", "x"}, {"completed_on", "2026-02-30"}}).status,
              422U);
}

TEST_F(profile_over_https, only_social_work_of_the_childs_authorities_edits_the_profile) {
    EXPECT_EQ(put_profile(police, full_profile()).status, 403U);
    EXPECT_EQ(put_profile(champion, full_profile()).status, 403U);
    EXPECT_EQ(put_profile(admin, full_profile()).status, 403U);
    EXPECT_EQ(put_profile(outsider, full_profile()).status, 404U);
    EXPECT_EQ(put_profile(outside_manager, full_profile()).status, 404U);
    EXPECT_EQ(count_where("child_profiles", "child_id = " + literal(child)), 0);
    EXPECT_EQ(put_profile(manager, full_profile()).status, 201U);
    EXPECT_EQ(put_profile(host_worker, full_profile()).status, 200U);
}

TEST_F(profile_over_https, police_see_the_profile_exactly_from_their_forces_first_report) {
    ASSERT_EQ(put_profile(worker, full_profile()).status, 201U);
    EXPECT_EQ(get(police, profile_path).status, 404U);
    EXPECT_EQ(get(police, profile_path + "/versions").status, 404U);
    EXPECT_EQ(audited("child.profile_read", "not_found"), 1);
    report(police, child);
    const auto seen = get(police, profile_path);
    ASSERT_EQ(seen.status, 200U) << seen.body;
    EXPECT_EQ(seen.json().at("medical_needs").as_string(), "asthma");
    EXPECT_EQ(get(other_police, profile_path).status, 404U);
    EXPECT_EQ(audited("child.profile_read"), 1);
}

TEST_F(profile_over_https, social_work_of_the_responsible_and_host_authority_see_it_others_not) {
    ASSERT_EQ(put_profile(worker, full_profile()).status, 201U);
    EXPECT_EQ(get(worker, profile_path).status, 200U);
    EXPECT_EQ(get(manager, profile_path).status, 200U);
    EXPECT_EQ(get(champion, profile_path).status, 200U);
    EXPECT_EQ(get(host_worker, profile_path).status, 200U);
    EXPECT_EQ(get(outsider, profile_path).status, 404U);
    EXPECT_EQ(get(outside_manager, profile_path).status, 404U);
    EXPECT_EQ(get(admin, profile_path).status, 403U);
    EXPECT_EQ(get(worker, "/api/v1/children/not-an-id/profile").status, 404U);
}

// ---- the profile review clock ----------------------------------------------------------------

TEST_F(profile_over_https, a_profile_not_reviewed_for_six_months_is_overdue_for_its_social_worker) {
    ASSERT_EQ(put_profile(worker, full_profile()).status, 201U);
    const auto review_due = get(worker, profile_path).json().at("review_due_at");
    const auto in_queue = [&](const test_user& who) {
        const auto reply = get(who, "/api/v1/overdue?kind=profile_review&limit=500");
        EXPECT_EQ(reply.status, 200U) << reply.body;
        int found = 0;
        const auto queue = reply.json();
        for (const auto& item : queue.at("items").as_array()) {
            if (item.at("child").at("id").as_string() == child) {
                EXPECT_EQ(item.at("kind").as_string(), "profile_review");
                EXPECT_EQ(item.at("holder").at("user_id").as_string(), worker.id);
                ++found;
            }
        }
        return found;
    };
    advance(std::chrono::days{180}); // six calendar months are 181 to 184 days: not yet due
    worker.token = log_in(worker.username);
    manager.token = log_in(manager.username);
    EXPECT_EQ(in_queue(worker), 0);
    advance(std::chrono::days{5}); // past six months, whatever the months
    worker.token = log_in(worker.username);
    manager.token = log_in(manager.username);
    EXPECT_EQ(in_queue(worker), 1);
    EXPECT_EQ(in_queue(manager), 1);
    const auto clocks = get(worker, "/api/v1/children/" + child).json().at("clocks").as_array();
    ASSERT_EQ(clocks.size(), 1U);
    EXPECT_EQ(clocks[0].at("kind").as_string(), "profile_review");
    EXPECT_EQ(clocks[0].at("due_at"), review_due);
    // Reviewing it (recording the profile again) meets the clock and opens the next.
    ASSERT_EQ(put_profile(worker, full_profile(), {{"If-Match", "\"1\""}}).status, 200U);
    EXPECT_EQ(in_queue(worker), 0);
    EXPECT_EQ(count_where("clocks", "child_id = " + literal(child) +
                                        " and kind = 'profile_review' and met_at is null"),
              1);
}

// ---- the photograph --------------------------------------------------------------------------

TEST_F(profile_over_https, a_jpeg_and_a_png_round_trip_with_a_thumbnail_never_cached) {
    const auto jpeg = make_image(800, 600, false);
    const auto stored = put_photo(worker, jpeg);
    ASSERT_EQ(stored.status, 200U) << stored.body;
    EXPECT_EQ(stored.json().at("width").as_int64(), 800);
    EXPECT_EQ(stored.json().at("content_type").as_string(), "image/jpeg");
    const auto full = get(worker, photo_path);
    ASSERT_EQ(full.status, 200U);
    EXPECT_EQ(full.header("content-type"), "image/jpeg");
    EXPECT_EQ(full.header("cache-control"), "no-store");
    EXPECT_EQ(dimensions(full.body), (std::pair{800, 600}));
    const auto small = get(worker, photo_path + "?size=thumbnail");
    ASSERT_EQ(small.status, 200U);
    EXPECT_EQ(small.header("cache-control"), "no-store");
    EXPECT_EQ(dimensions(small.body), (std::pair{320, 240}));
    EXPECT_EQ(get(worker, photo_path + "?size=huge").status, 400U);

    const auto png = make_image(300, 500, true);
    ASSERT_EQ(put_photo(manager, png, "image/png").status, 200U);
    const auto again = get(worker, photo_path);
    EXPECT_EQ(again.header("content-type"), "image/png");
    EXPECT_EQ(again.body.substr(1, 3), "PNG");
    EXPECT_EQ(dimensions(again.body), (std::pair{300, 500}));
    EXPECT_EQ(dimensions(get(worker, photo_path + "?size=thumbnail").body), (std::pair{192, 320}));
    EXPECT_EQ(audited("child.photo_update"), 2);
    EXPECT_EQ(audited("child.photo_read"), 4);
}

TEST_F(profile_over_https, exif_gps_and_every_other_metadata_is_gone_from_the_stored_photo) {
    const auto tagged = with_metadata(make_image(640, 480, false));
    // The input carries them, as exiftool reads it.
    const auto before = exif_tags(tagged);
    EXPECT_THAT(before, ::testing::HasSubstr("GPSLatitude"));
    EXPECT_THAT(before, ::testing::HasSubstr("51.501"));
    EXPECT_THAT(before, ::testing::HasSubstr("HomewardTestCam"));
    EXPECT_THAT(before, ::testing::HasSubstr("secret-title"));
    EXPECT_THAT(before, ::testing::HasSubstr("secret-comment"));
    ASSERT_EQ(put_photo(worker, tagged).status, 200U);
    for (const std::string size : {"", "?size=thumbnail"}) {
        const auto image = get(worker, photo_path + size);
        ASSERT_EQ(image.status, 200U);
        const auto after = exif_tags(image.body);
        EXPECT_THAT(after, ::testing::HasSubstr("ImageWidth")) << "exiftool read it: " << after;
        for (const auto* gone : {"GPS", "51.501", "HomewardTestCam", "secret", "[IFD0]",
                                 "[ExifIFD]", "[XMP", "Comment", "ICC"}) {
            EXPECT_THAT(after, ::testing::Not(::testing::HasSubstr(gone))) << size << after;
        }
        EXPECT_EQ(image.body.find("secret"), std::string::npos);
    }
}

TEST_F(profile_over_https, anything_but_one_whole_sane_image_is_refused_and_nothing_is_stored) {
    const auto jpeg = make_image(200, 100, false);
    const auto png = make_image(200, 100, true);
    const std::string zip_tail = std::string{"PK\x05\x06", 4} + std::string(18, '\0');
    const struct {
        const char* what;
        std::string body;
        std::string type;
        unsigned status;
    } cases[] = {
        {"a JPEG with a ZIP archive appended", jpeg + zip_tail, "image/jpeg", 422},
        {"a JPEG with HTML appended", jpeg + "<html><script>alert(1)</script></html>", "image/jpeg",
         422},
        {"a PNG with a script appended", png + "/*\n*/alert(1)//", "image/png", 422},
        {"a truncated JPEG", jpeg.substr(0, jpeg.size() / 2), "image/jpeg", 422},
        {"a truncated PNG", png.substr(0, png.size() - 20), "image/png", 422},
        {"a PNG header claiming 20,000 x 20,000", huge_png(), "image/png", 422},
        {"a JPEG header claiming 20,000 x 20,000", huge_jpeg(jpeg), "image/jpeg", 422},
        {"a text file sent as a JPEG", "just some text, not an image\n", "image/jpeg", 415},
        {"a PNG sent as a JPEG", png, "image/jpeg", 415},
        {"a text file as text", "just some text\n", "text/plain", 415},
        {"a JPEG sent as JSON", jpeg, "application/json", 415},
        {"a GIF", "GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif", 415},
    };
    for (const auto& c : cases) {
        const auto reply = put_photo(worker, c.body, c.type);
        EXPECT_EQ(reply.status, c.status) << c.what << ": " << reply.body;
        EXPECT_EQ(reply.header("content-type"), "application/problem+json") << c.what;
        if (c.status == 422) {
            EXPECT_EQ(reply.json().at("errors").at(0).at("field").as_string(), "photo") << c.what;
        }
        EXPECT_EQ(photos(), 0) << c.what;
    }
    EXPECT_EQ(get(worker, photo_path).status, 404U);
    // A photo already kept is left exactly as it was by a refused upload.
    ASSERT_EQ(put_photo(worker, jpeg).status, 200U);
    const auto kept = get(worker, photo_path).body;
    EXPECT_EQ(put_photo(worker, jpeg + zip_tail).status, 422U);
    EXPECT_EQ(put_photo(worker, huge_png(), "image/png").status, 422U);
    EXPECT_EQ(get(worker, photo_path).body, kept);
}

TEST_F(profile_over_https, a_photo_above_5_mib_is_413_and_one_just_under_is_read) {
    const std::string too_big(5 * 1024 * 1024 + 1, 'x');
    const auto refused = put_photo(worker, too_big);
    EXPECT_EQ(refused.status, 413U);
    EXPECT_THAT(refused.body, ::testing::HasSubstr("5 MiB"));
    EXPECT_EQ(photos(), 0);
    // Just under the limit the body is read, and judged as an image (this one is not).
    const auto read = put_photo(worker, std::string(5 * 1024 * 1024, 'x'));
    EXPECT_EQ(read.status, 415U);
    // JSON keeps its own 1 MiB limit.
    EXPECT_EQ(put(worker, profile_path, std::string(1024 * 1024 + 1, ' ')).status, 413U);
}

TEST_F(profile_over_https, police_see_the_photo_exactly_from_their_forces_first_report) {
    ASSERT_EQ(put_photo(worker, make_image(120, 160, false)).status, 200U);
    EXPECT_EQ(put_photo(police, make_image(120, 160, false)).status, 403U);
    EXPECT_EQ(put_photo(outsider, make_image(120, 160, false)).status, 404U);
    // Who may upload is judged before what was sent: not 415 for a body that is not an image.
    EXPECT_EQ(put_photo(police, "just some text\n", "text/plain").status, 403U);
    EXPECT_EQ(put_photo(champion, "just some text\n", "image/jpeg").status, 403U);
    EXPECT_EQ(put_photo(outsider, "just some text\n", "text/plain").status, 404U);
    EXPECT_EQ(get(police, photo_path).status, 404U);
    EXPECT_EQ(get(police, photo_path + "?size=thumbnail").status, 404U);
    report(police, child);
    EXPECT_EQ(get(police, photo_path).status, 200U);
    EXPECT_EQ(get(police, photo_path + "?size=thumbnail").status, 200U);
    EXPECT_EQ(get(other_police, photo_path).status, 404U);
    EXPECT_EQ(get(host_worker, photo_path).status, 200U);
    EXPECT_EQ(get(outsider, photo_path).status, 404U);
    EXPECT_EQ(get(admin, photo_path).status, 403U);
}

} // namespace
} // namespace homeward::testing
