#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "store/model.hpp"

namespace chatgate::store {

/// Adding or removing one user's emoji on a message.
enum class reaction_action { add, remove };

/// What apply_reaction did: `changed` (the list moved), `unchanged` (a repeat, or a removal of
/// what the user does not hold: no event), `too_many` (a new emoji past the limit: nothing
/// changed).
enum class reaction_outcome { changed, unchanged, too_many };

/// The reaction rules of contract §8 on a message's list, no I/O, so that both store backends
/// apply the same rules inside their transaction: entries stay in order of first use (a new
/// emoji goes last), user ids in the order they reacted, an emoji nobody holds any more leaves
/// the list, and at most `max_distinct` distinct emoji are held at once.
reaction_outcome apply_reaction(std::vector<reaction>& reactions, std::string_view user_id,
                                std::string_view emoji, reaction_action action,
                                std::size_t max_distinct);

}  // namespace chatgate::store
