// libFuzzer target for the reaction inputs: chat/emoji (an emoji from a JSON string or a
// percent-decoded URL path segment, so any bytes) and store/record_text's reactions column
// reader. An accepted emoji must be 1-16 code points of valid UTF-8 with no ASCII white space;
// a reactions list read from any text must write and read back to the same list.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "chat/emoji.hpp"
#include "store/reaction_list.hpp"
#include "store/record_text.hpp"

using namespace chatgate;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (!chat::emoji_problem(in)) {
    std::size_t points = 0;
    for (char c : in) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') std::abort();
      if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++points;
    }
    if (points < 1 || points > chat::reaction_limits::emoji_max) std::abort();
  }
  auto list = store::reactions_from_text(in);
  const auto text = store::reactions_to_text(list);
  if (store::reactions_to_text(store::reactions_from_text(text)) != text) std::abort();
  // the rules keep their invariants on whatever list was read
  const auto before = list.size();
  auto outcome = store::apply_reaction(list, "u", in.substr(0, 16), store::reaction_action::add, 20);
  if (outcome == store::reaction_outcome::too_many && list.size() != before) std::abort();
  if (list.size() > before + 1) std::abort();
  return 0;
}
