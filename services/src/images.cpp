#include "images.hpp"

#include "homeward/services/errors.hpp"

#include <vips/vips.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace homeward::services {
namespace {

constexpr std::string_view jpeg_type = "image/jpeg";
constexpr std::string_view png_type = "image/png";
constexpr std::string_view png_signature = "\x89PNG\r\n\x1a\n";

// libvips is started once per process, with a small operation cache and one thread per image:
// each request already runs on a worker of the pool, so vips's own threads would only compete
// with the other requests for the same cores.
void start_vips() {
    static std::once_flag started;
    std::call_once(started, [] {
        if (vips_init("homeward") != 0) {
            throw std::runtime_error("libvips could not start: " +
                                     std::string{vips_error_buffer()});
        }
        vips_concurrency_set(1);
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
        vips_cache_set_max_files(0);
        // Only the loaders libvips trusts with untrusted input (it never reaches others anyway:
        // we name the JPEG and PNG loaders ourselves).
        vips_block_untrusted_set(TRUE);
    });
}

struct image_unref {
    void operator()(VipsImage* image) const { g_object_unref(image); }
};
using image_ptr = std::unique_ptr<VipsImage, image_unref>;

struct buffer_free {
    void operator()(void* buffer) const { g_free(buffer); }
};

[[noreturn]] void refuse_photo(std::string message) {
    vips_error_clear();
    throw failure(failure_kind::invalid_input, "invalid fields: photo " + message,
                  {{"photo", std::move(message)}});
}

std::uint32_t big_endian(std::string_view bytes, std::size_t at, std::size_t width) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    }
    return value;
}

// Where a JPEG's EOI marker ends, walking its segments and entropy-coded data; nullopt when the
// bytes end first (a truncated image).
std::optional<std::size_t> jpeg_end(std::string_view bytes) {
    std::size_t at = 2; // after SOI
    while (true) {
        if (at >= bytes.size() || static_cast<unsigned char>(bytes[at]) != 0xFF) {
            return std::nullopt;
        }
        while (at < bytes.size() && static_cast<unsigned char>(bytes[at]) == 0xFF) {
            ++at; // fill bytes
        }
        if (at >= bytes.size()) {
            return std::nullopt;
        }
        const auto marker = static_cast<unsigned char>(bytes[at++]);
        if (marker == 0xD9) { // EOI
            return at;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
            continue; // markers without a length
        }
        if (at + 2 > bytes.size()) {
            return std::nullopt;
        }
        const auto length = big_endian(bytes, at, 2);
        if (length < 2 || at + length > bytes.size()) {
            return std::nullopt;
        }
        at += length;
        if (marker == 0xDA) { // SOS: entropy-coded data up to the next marker
            while (true) {
                if (at + 1 >= bytes.size()) {
                    return std::nullopt;
                }
                const auto next = static_cast<unsigned char>(bytes[at + 1]);
                if (static_cast<unsigned char>(bytes[at]) == 0xFF && next != 0x00 &&
                    !(next >= 0xD0 && next <= 0xD7) && next != 0xFF) {
                    break;
                }
                ++at;
            }
        }
    }
}

// Where a PNG's IEND chunk ends, walking its chunks; nullopt when the bytes end first or the
// first chunk is not IHDR.
std::optional<std::size_t> png_end(std::string_view bytes) {
    std::size_t at = png_signature.size();
    bool first = true;
    while (at + 12 <= bytes.size()) {
        const std::size_t length = big_endian(bytes, at, 4);
        const auto type = bytes.substr(at + 4, 4);
        if (length > 0x7FFFFFFF || (first && type != "IHDR")) {
            return std::nullopt;
        }
        first = false;
        if (length > bytes.size() - at - 12) {
            return std::nullopt;
        }
        at += 12 + length;
        if (type == "IEND") {
            return at;
        }
    }
    return std::nullopt;
}

// The image's header, read without decoding any pixel (libvips loads lazily).
image_ptr load_header(std::string_view type, std::string_view bytes, VipsAccess access) {
    VipsImage* raw = nullptr;
    // Errors, not only truncation, refuse the image: a photo that decodes with damage is better
    // taken again than kept half grey.
    const int result =
        type == jpeg_type
            ? vips_jpegload_buffer(const_cast<char*>(bytes.data()), bytes.size(), &raw, "access",
                                   access, "fail_on", VIPS_FAIL_ON_ERROR, nullptr)
            : vips_pngload_buffer(const_cast<char*>(bytes.data()), bytes.size(), &raw, "access",
                                  access, "fail_on", VIPS_FAIL_ON_ERROR, nullptr);
    if (result != 0) {
        refuse_photo("cannot be decoded as " + std::string{type == jpeg_type ? "a JPEG" : "a PNG"} +
                     " image");
    }
    return image_ptr{raw};
}

// The image encoded afresh in its own format, with no metadata at all.
std::string encode(VipsImage* image, std::string_view type, int quality) {
    void* raw = nullptr;
    std::size_t length = 0;
    const int result =
        type == jpeg_type
            ? vips_jpegsave_buffer(image, &raw, &length, "strip", TRUE, "Q", quality,
                                   "optimize_coding", TRUE, "interlace", FALSE, nullptr)
            : vips_pngsave_buffer(image, &raw, &length, "strip", TRUE, "compression", 6,
                                  "interlace", FALSE, nullptr);
    const std::unique_ptr<void, buffer_free> buffer{raw};
    if (result != 0) {
        refuse_photo("cannot be decoded: the image data is damaged");
    }
    return std::string{static_cast<const char*>(raw), length};
}

} // namespace

clean_image reencode_image(std::string_view content_type, std::string_view bytes) {
    const bool jpeg = content_type == jpeg_type;
    const bool png = content_type == png_type;
    if (!jpeg && !png) {
        throw failure(failure_kind::unsupported_media,
                      "a photo must be sent as image/jpeg or image/png");
    }
    // The bytes must be what the type says: a text file, or a PNG sent as a JPEG, is refused
    // before any decoder sees it.
    const bool looks_jpeg = bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
                            static_cast<unsigned char>(bytes[1]) == 0xD8 &&
                            static_cast<unsigned char>(bytes[2]) == 0xFF;
    const bool looks_png = bytes.starts_with(png_signature);
    if ((jpeg && !looks_jpeg) || (png && !looks_png)) {
        throw failure(failure_kind::unsupported_media,
                      std::string{"the body is not "} + (jpeg ? "a JPEG" : "a PNG") + " image");
    }
    // One whole image and nothing after it: a file that is also a ZIP archive, an HTML page or a
    // script (a polyglot) carries it after the image's end.
    const auto end = jpeg ? jpeg_end(bytes) : png_end(bytes);
    if (!end) {
        refuse_photo("is truncated: the image ends before its end marker");
    }
    if (*end != bytes.size()) {
        refuse_photo("has " + std::to_string(bytes.size() - *end) +
                     " bytes after the end of the image (a file that is also another kind of "
                     "file is refused)");
    }

    start_vips();
    auto image = load_header(content_type, bytes, VIPS_ACCESS_SEQUENTIAL);
    const int width = vips_image_get_width(image.get());
    const int height = vips_image_get_height(image.get());
    if (width > max_image_side || height > max_image_side ||
        static_cast<long long>(width) * height > max_image_pixels) {
        refuse_photo("is " + std::to_string(width) + " x " + std::to_string(height) +
                     " pixels: at most " + std::to_string(max_image_side) + " a side and " +
                     std::to_string(max_image_pixels / 1'000'000) + " megapixels");
    }
    // A camera's orientation tag would be lost with the rest of the metadata: the pixels are
    // turned upright first (which needs the whole image, so it is read again at random access).
    if (vips_image_get_orientation(image.get()) > 1) {
        image = load_header(content_type, bytes, VIPS_ACCESS_RANDOM);
        VipsImage* upright = nullptr;
        if (vips_autorot(image.get(), &upright, nullptr) != 0) {
            refuse_photo("cannot be decoded: the image data is damaged");
        }
        image.reset(upright);
    }

    clean_image clean;
    clean.content_type = std::string{content_type};
    clean.data = encode(image.get(), content_type, 90);
    image.reset();

    // The thumbnail, from the clean image (JPEG shrinks on load, so this is cheap).
    VipsImage* small = nullptr;
    if (vips_thumbnail_buffer(clean.data.data(), clean.data.size(), &small, thumbnail_side,
                              "height", thumbnail_side, "size", VIPS_SIZE_DOWN, nullptr) != 0) {
        refuse_photo("cannot be decoded: the image data is damaged");
    }
    const image_ptr thumbnail{small};
    clean.thumbnail = encode(thumbnail.get(), content_type, 80);

    const auto upright = load_header(content_type, clean.data, VIPS_ACCESS_SEQUENTIAL);
    clean.width = vips_image_get_width(upright.get());
    clean.height = vips_image_get_height(upright.get());
    return clean;
}

} // namespace homeward::services
