#pragma once
#include <string>
#include <string_view>

namespace chatgate::core {

/// 24-hex MongoDB-style ObjectId: 4-byte seconds, 5-byte random, 3-byte counter (contract §3).
/// Generated ids sort by creation second; the store never relies on that for ordering (seq does).
std::string make_object_id();

/// True when `s` is exactly 24 lowercase or uppercase hex digits (the seed's IsMongoId).
bool is_object_id(std::string_view s) noexcept;

}  // namespace chatgate::core
