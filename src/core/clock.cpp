#include "core/clock.hpp"

#include <cstdio>

namespace chatgate::core {

sys_time_ms clock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string to_iso8601(sys_time_ms t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> hms{t - day};
  const int y = int(ymd.year());
  if (y < 0 || y > 9999) {  // outside what the fixed layout holds: the general path
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()), int(hms.subseconds().count()));
    return buf;
  }
  // Every message's createdAt goes through here: digits written directly (snprintf's format
  // parsing was ~4% of the io thread in the pairs benchmark).
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t at, unsigned v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10)
      out[at + static_cast<std::size_t>(i)] = char('0' + v % 10);
  };
  put(0, unsigned(y), 4);
  put(5, unsigned(ymd.month()), 2);
  put(8, unsigned(ymd.day()), 2);
  put(11, unsigned(hms.hours().count()), 2);
  put(14, unsigned(hms.minutes().count()), 2);
  put(17, unsigned(hms.seconds().count()), 2);
  put(20, unsigned(hms.subseconds().count()), 3);
  return out;
}

std::optional<sys_time_ms> parse_iso8601(std::string_view s) {
  using namespace std::chrono;
  if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[23] != 'Z')
    return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se, ms;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, se) || !num(20, 3, ms))
    return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{se} + milliseconds{ms};
}

std::int64_t to_epoch_ms(sys_time_ms t) {
  return t.time_since_epoch().count();
}

}  // namespace chatgate::core
