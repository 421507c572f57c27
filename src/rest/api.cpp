#include "rest/api.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "chat/body_reader.hpp"
#include "chat/json.hpp"

namespace chatgate::rest {

namespace json = boost::json;

namespace {

std::optional<std::string> query_text(const call& c, std::string_view name) {
  auto it = c.query.find(name);
  if (it == c.query.end()) return std::nullopt;
  return it->second;
}

/// An integer query parameter: absent is nullopt, anything but digits is VALIDATION_ERROR.
core::result<std::optional<std::int64_t>> query_int(const call& c, std::string_view name) {
  auto text = query_text(c, name);
  if (!text) return std::optional<std::int64_t>{};
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || p != text->data() + text->size())
    return core::validation_error(std::string(name), "must be an integer");
  return std::optional{v};
}

/// A result as the caller sees it: a conversation carries the caller's read state (contract §8).
json::value view(const store::message& m, std::string_view) {
  return chat::to_json(m);
}
json::value view(const store::conversation& c, std::string_view viewer) {
  return chat::to_json(c, viewer);
}
json::value view(const store::read_state& s, std::string_view) {
  return chat::to_json(s);
}

template <class T>
json::value page_json(const chat::page<T>& p, std::string_view viewer) {
  json::array items;
  items.reserve(p.items.size());
  for (const auto& item : p.items) items.push_back(view(item, viewer));
  json::object out;
  out["items"] = std::move(items);
  out["nextCursor"] = p.next_cursor ? json::value(*p.next_cursor) : json::value(nullptr);
  return out;
}

/// Answers `done` with `status` and the JSON of a successful result, or the error.
/// Answers `done` with `status` and the JSON of a successful result as `viewer` sees it, or the
/// error.
template <class T>
chat::async_chat::callback<T> ok(int status, api::answer done, std::string viewer = {}) {
  return [status, done = std::move(done), viewer = std::move(viewer)](core::result<T> r) {
    if (!r) return done(r.error());
    done(reply{status, view(*r, viewer)});
  };
}

}  // namespace

api::api(chat::async_chat& chat, chat::presence& presence) : chat_(chat), presence_(presence) {}

void api::create_conversation(const call& c, answer done) {
  chat_.create_conversation(
      c.user, c.body,
      [done = std::move(done), user = c.user](core::result<chat::created_conversation> r) {
        if (!r) return done(r.error());
        done(reply{r->created ? 201 : 200, chat::to_json(r->conversation, user)});
      });
}

void api::list_conversations(const call& c, answer done) {
  auto limit = query_int(c, "limit");
  if (!limit) return done(limit.error());
  chat_.list_conversations(
      c.user, *limit, query_text(c, "before"),
      [done = std::move(done), user = c.user](core::result<chat::page<store::conversation>> r) {
        if (!r) return done(r.error());
        done(reply{200, page_json(*r, user)});
      });
}

void api::get_conversation(const call& c, answer done) {
  chat_.get_conversation(c.user, c.params.at(0),
                         ok<store::conversation>(200, std::move(done), c.user));
}

void api::update_conversation(const call& c, answer done) {
  chat_.update_conversation(c.user, c.params.at(0), c.body,
                            ok<store::conversation>(200, std::move(done), c.user));
}

void api::add_participant(const call& c, answer done) {
  chat_.add_participant(c.user, c.params.at(0), c.body,
                        ok<store::conversation>(201, std::move(done), c.user));
}

void api::remove_participant(const call& c, answer done) {
  chat_.remove_participant(c.user, c.params.at(0), c.params.at(1),
                           ok<store::conversation>(200, std::move(done), c.user));
}

void api::leave(const call& c, answer done) {
  chat_.leave(c.user, c.params.at(0), [done = std::move(done)](core::result<void> r) {
    if (!r) return done(r.error());
    done(reply{204, nullptr});
  });
}

void api::send_message(const call& c, answer done) {
  chat_.send_message(c.user, c.params.at(0), c.body, ok<store::message>(201, std::move(done)));
}

void api::list_messages(const call& c, answer done) {
  auto limit = query_int(c, "limit");
  if (!limit) return done(limit.error());
  chat::message_query q{query_text(c, "before"), query_text(c, "after"), *limit};
  chat_.list_messages(c.user, c.params.at(0), std::move(q),
                      [done = std::move(done)](core::result<chat::page<store::message>> r) {
                        if (!r) return done(r.error());
                        done(reply{200, page_json(*r, {})});
                      });
}

void api::get_message(const call& c, answer done) {
  chat_.get_message(c.user, c.params.at(0), ok<store::message>(200, std::move(done)));
}

void api::edit_message(const call& c, answer done) {
  chat_.edit_message(c.user, c.params.at(0), c.body, ok<store::message>(200, std::move(done)));
}

void api::add_reaction(const call& c, answer done) {
  chat_.add_reaction(c.user, c.params.at(0), c.body, ok<store::message>(201, std::move(done)));
}

void api::remove_reaction(const call& c, answer done) {
  chat_.remove_reaction(c.user, c.params.at(0), c.params.at(1),
                        ok<store::message>(200, std::move(done)));
}

void api::delete_message(const call& c, answer done) {
  chat_.delete_message(c.user, c.params.at(0),
                       [done = std::move(done)](core::result<store::message> r) {
                         if (!r) return done(r.error());
                         done(reply{200, json::object{{"success", true}}});
                       });
}

void api::presence(const call& c, answer done) {
  chat::body_reader in(c.body);
  auto ids = in.user_ids("userIds", true);
  if (ids && ids->size() > presence_max)
    in.fail("userIds", "must contain at most " + std::to_string(presence_max) + " ids");
  if (!in.ok()) return done(in.error());
  presence_.query_online(*ids, [done = std::move(done)](std::vector<std::string> ids_online) {
    json::array online;
    for (auto& id : ids_online) online.emplace_back(std::move(id));
    done(reply{200, json::object{{"online", std::move(online)}}});
  });
}

void api::admin_connections(const call& c, answer done) {
  if (std::find(c.roles.begin(), c.roles.end(), "admin") == c.roles.end())
    return done(core::make_error(core::error_code::forbidden, "Admin role required"));
  std::optional<std::string> user;
  if (auto it = c.query.find("userId"); it != c.query.end()) {
    if (it->second.empty() || it->second.size() > max_user_id_length)
      return done(core::validation_error(
          "userId", "must be 1-" + std::to_string(max_user_id_length) + " characters"));
    user = it->second;
  }
  if (!directory_) return done(reply{200, json::object{{"items", json::array()}}});
  directory_->list_connections(
      user, [done = std::move(done)](std::vector<chat::connection_record> records) {
        std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
          return std::tie(a.connected_at, a.id) < std::tie(b.connected_at, b.id);
        });
        json::array items;
        items.reserve(records.size());
        for (auto& r : records) {
          json::array rooms(r.rooms.begin(), r.rooms.end());
          items.push_back(json::object{{"id", r.id},
                                       {"userId", r.user_id},
                                       {"instance", r.instance},
                                       {"transport", r.transport},
                                       {"connectedAt", core::to_iso8601(r.connected_at)},
                                       {"rooms", std::move(rooms)}});
        }
        done(reply{200, json::object{{"items", std::move(items)}}});
      });
}

void api::mark_read(const call& c, answer done) {
  chat_.mark_read(c.user, c.params.at(0), c.body, ok<store::read_state>(200, std::move(done)));
}

}  // namespace chatgate::rest
