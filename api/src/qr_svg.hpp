#pragma once
// A QR code (libqrencode, error correction M) as a standalone SVG document: one path of dark
// modules on a white square with the standard four-module quiet zone, scaled by the viewer.

#include <string>
#include <string_view>

namespace homeward::api {

std::string qr_svg(std::string_view text);

} // namespace homeward::api
