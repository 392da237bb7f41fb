#pragma once
// Photographs as Homeward keeps them: a JPEG or PNG decoded and re-encoded by libvips, so that
// nothing but the pixels survives (no EXIF, GPS, XMP, IPTC, ICC profile or comment, and nothing
// hidden before or after the image), with a thumbnail. Runs on the caller's thread: the request
// handlers run on the worker pool, never on the I/O threads.

#include <string>
#include <string_view>

namespace homeward::services {

inline constexpr int max_image_side = 10000;              // pixels, either side
inline constexpr long long max_image_pixels = 50'000'000; // 50 megapixels
inline constexpr int thumbnail_side = 320;                // the thumbnail's longer side

struct clean_image {
    std::string content_type; // the declared type, image/jpeg or image/png
    std::string data;
    std::string thumbnail;
    int width{0};
    int height{0};
};

// Throws failure(unsupported_media_type) when the bytes are not an image of the declared type
// (`content_type`: image/jpeg or image/png), and failure(invalid_input) naming "photo" when they
// are not one whole image (truncated, with data after its end, undecodable) or its header claims
// more than max_image_side a side or max_image_pixels in all: checked before any pixel is decoded.
clean_image reencode_image(std::string_view content_type, std::string_view bytes);

} // namespace homeward::services
