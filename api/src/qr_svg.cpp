#include "qr_svg.hpp"

#include <qrencode.h>

#include <memory>
#include <stdexcept>

namespace homeward::api {

std::string qr_svg(std::string_view text) {
    const std::string data{text};
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code{
        QRcode_encodeString(data.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free};
    if (!code) {
        throw std::runtime_error("libqrencode could not encode the text");
    }
    constexpr int quiet = 4;
    const int width = code->width;
    const int size = width + 2 * quiet;
    std::string path;
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            // Bit 0 of each module is its colour (1: dark).
            if ((code->data[y * width + x] & 1) != 0) {
                path +=
                    "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h1v1h-1z";
            }
        }
    }
    const auto side = std::to_string(size);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side + " " + side +
           "\" width=\"" + std::to_string(size * 6) + "\" height=\"" + std::to_string(size * 6) +
           "\" shape-rendering=\"crispEdges\"><rect width=\"" + side + "\" height=\"" + side +
           "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

} // namespace homeward::api
