#include "store/reaction_list.hpp"

#include <algorithm>
#include <string>

namespace chatgate::store {

reaction_outcome apply_reaction(std::vector<reaction>& reactions, std::string_view user_id,
                                std::string_view emoji, reaction_action action,
                                std::size_t max_distinct) {
  auto entry = std::find_if(reactions.begin(), reactions.end(),
                            [&](const reaction& r) { return r.emoji == emoji; });
  if (action == reaction_action::add) {
    if (entry == reactions.end()) {
      if (reactions.size() >= max_distinct) return reaction_outcome::too_many;
      reactions.push_back(reaction{std::string(emoji), {std::string(user_id)}});
      return reaction_outcome::changed;
    }
    auto& users = entry->user_ids;
    if (std::find(users.begin(), users.end(), user_id) != users.end())
      return reaction_outcome::unchanged;
    users.emplace_back(user_id);
    return reaction_outcome::changed;
  }
  if (entry == reactions.end()) return reaction_outcome::unchanged;
  auto& users = entry->user_ids;
  auto held = std::find(users.begin(), users.end(), user_id);
  if (held == users.end()) return reaction_outcome::unchanged;
  users.erase(held);
  if (users.empty()) reactions.erase(entry);
  return reaction_outcome::changed;
}

}  // namespace chatgate::store
