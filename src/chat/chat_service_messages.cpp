// chat_service: sending, reading, editing, deleting and syncing messages (contract §4-6).
#include "chat/body_reader.hpp"
#include "chat/chat_service.hpp"
#include "core/object_id.hpp"

#include <exception>
#include <utility>

namespace chatgate::chat {

namespace json = boost::json;
using core::error_code;
using core::make_error;

namespace {

core::error message_not_found() {
  return make_error(error_code::not_found, "Message not found");
}

constexpr std::int64_t list_default = 50, list_max = 100;
constexpr std::int64_t sync_default = 100, sync_max = 1000;

}  // namespace

core::result<store::message> chat_service::prepare_send(std::string_view user,
                                                        std::string_view conversation_id,
                                                        const json::value& body) {
  body_reader in(body);
  auto content = in.content();
  auto attachments = in.attachments();
  auto reply_to = in.id("replyTo", false);
  auto metadata = in.metadata();
  if (!in.ok()) return in.error();
  if (auto ok = check_id(conversation_id, "conversationId"); !ok) return ok.error();
  // Counted before the store's checks, which run in the same round trip as the insert; a send
  // the store refuses is given back, so a rejected send costs nothing.
  if (auto allowed = limiter_.consume(user); !allowed) return allowed.error();

  const auto now = clock_.now();
  store::message m;
  m.id = core::make_object_id();
  m.conversation_id = std::string(conversation_id);
  m.sender_id = std::string(user);
  m.content = std::move(*content);
  m.attachments = std::move(attachments);
  m.reply_to = std::move(reply_to);
  m.metadata = metadata.value_or(json::object());
  m.created_at = m.updated_at = now;
  return m;
}

core::result<store::message> chat_service::finish_send(const store::message& sent,
                                                       core::result<store::checked_insert> stored) {
  if (!stored || stored->outcome != store::send_check::stored) limiter_.refund(sent.sender_id);
  if (!stored) return stored.error();
  if (stored->outcome == store::send_check::not_participant)
    return make_error(error_code::forbidden, "Not a participant of this conversation");
  if (stored->outcome == store::send_check::bad_reply)
    return core::validation_error("replyTo", "must be a message of this conversation");
  log_event("message:new", stored->stored);
  events_->message_created(stored->stored);
  return std::move(stored->stored);
}

core::result<store::message> chat_service::send_message(std::string_view user,
                                                        std::string_view conversation_id,
                                                        const json::value& body) {
  auto m = prepare_send(user, conversation_id, body);
  if (!m) return m.error();
  return finish_send(*m, store_.insert_message_checked(*m));
}

void chat_service::send_message(std::string_view user, std::string_view conversation_id,
                                const json::value& body, send_done done) {
  auto m = prepare_send(user, conversation_id, body);
  if (!m) return done(m.error());
  if (!defer_sends_) return done(finish_send(*m, store_.insert_message_checked(*m)));
  pending_sends_.push_back({std::move(*m), std::move(done)});
}

void chat_service::flush_sends() {
  if (pending_sends_.empty()) return;
  auto sends = std::exchange(pending_sends_, {});
  std::vector<store::message> messages;
  messages.reserve(sends.size());
  for (auto& s : sends) messages.push_back(std::move(s.message));
  std::vector<core::result<store::checked_insert>> stored;
  try {
    stored = store_.insert_messages_checked(messages);
  } catch (const std::exception&) {  // every queued send is answered, whatever happens
    stored.clear();
  }
  // Every event first, then every answer: each answer still follows its own event, and inside a
  // group commit the held events and answers leave as two runs (two posts, see held_answers).
  std::vector<core::result<store::message>> answers;
  answers.reserve(sends.size());
  for (std::size_t i = 0; i < sends.size(); ++i) {
    auto answer = i < stored.size() ? std::move(stored[i])
                                    : core::result<store::checked_insert>(make_error(
                                          error_code::internal_error, "store: send unanswered"));
    answers.push_back(finish_send(messages[i], std::move(answer)));
  }
  for (std::size_t i = 0; i < sends.size(); ++i) sends[i].done(std::move(answers[i]));
}

core::result<store::message> chat_service::load_message_for(std::string_view user,
                                                            std::string_view message_id,
                                                            error_code when_absent) {
  if (auto ok = check_id(message_id, "messageId"); !ok) return ok.error();
  auto m = store_.get_message(message_id);
  if (!m) return m.error();
  if (!*m) return make_error(when_absent, "Message not found");
  auto p = store_.find_participant((*m)->conversation_id, user);
  if (!p) return p.error();
  // Someone outside the conversation learns nothing about its messages.
  if (!*p) return message_not_found();
  return std::move(**m);
}

core::result<store::message> chat_service::get_message(std::string_view user,
                                                       std::string_view message_id) {
  return load_message_for(user, message_id, error_code::not_found);
}

core::result<page<store::message>> chat_service::list_messages(std::string_view user,
                                                               std::string_view conversation_id,
                                                               const message_query& query) {
  auto n = check_limit(query.limit, list_default, list_max);
  if (!n) return n.error();
  if (query.before && query.after)
    return core::validation_error("before", "before and after cannot be used together");
  auto a = load_access(user, conversation_id, error_code::not_found);
  if (!a) return a.error();

  store::message_range range;
  range.limit = static_cast<int>(*n) + 1;
  const auto& cursor = query.before ? query.before : query.after;
  if (cursor) {
    const char* field = query.before ? "before" : "after";
    if (auto ok = check_id(*cursor, field); !ok) return ok.error();
    auto m = store_.get_message(*cursor);
    if (!m) return m.error();
    if (!*m || (*m)->conversation_id != conversation_id)
      return core::validation_error(field, "must be a message of this conversation");
    (query.before ? range.before_seq : range.after_seq) = (*m)->seq;
  }
  auto items = store_.list_messages(conversation_id, range);
  if (!items) return items.error();
  page<store::message> out;
  if (items->size() > static_cast<std::size_t>(*n)) {
    items->resize(static_cast<std::size_t>(*n));
    out.next_cursor = items->back().id;
  }
  out.items = std::move(*items);
  return out;
}

core::result<store::message> chat_service::edit_message(std::string_view user,
                                                        std::string_view message_id,
                                                        const json::value& body) {
  body_reader in(body);
  auto content = in.content();
  if (!in.ok()) return in.error();
  auto m = load_message_for(user, message_id, error_code::not_found);
  if (!m) return m.error();
  if (m->is_deleted) return message_not_found();
  if (m->sender_id != user)
    return make_error(error_code::forbidden, "Only the sender may edit a message");
  auto edited = store_.edit_message(message_id, *content, clock_.now());
  if (!edited) return edited.error();
  if (!*edited) return message_not_found();
  log_event("message:updated", **edited);
  events_->message_updated(**edited);
  return std::move(**edited);
}

core::result<store::message> chat_service::delete_message(std::string_view user,
                                                          std::string_view message_id) {
  auto m = load_message_for(user, message_id, error_code::not_found);
  if (!m) return m.error();
  if (m->is_deleted) return message_not_found();
  if (m->sender_id != user) {
    auto c = store_.get_conversation(m->conversation_id);
    if (!c) return c.error();
    bool admin = false;
    if (*c && (*c)->type == store::conversation_type::group)
      for (const auto& p : (*c)->participants)
        admin = admin || (p.user_id == user && p.role == store::participant_role::admin);
    if (!admin)
      return make_error(error_code::forbidden,
                        "Only the sender or a group admin may delete a message");
  }
  auto deleted = store_.delete_message(message_id, clock_.now());
  if (!deleted) return deleted.error();
  if (!*deleted) return message_not_found();
  log_event("message:deleted", **deleted);
  events_->message_deleted(**deleted);
  return std::move(**deleted);
}

core::result<sync_result> chat_service::sync(std::string_view user,
                                             std::string_view conversation_id,
                                             const sync_request& request) {
  if (auto ok = check_participant(user, conversation_id); !ok) return ok.error();
  auto n = check_limit(request.limit, sync_default, sync_max);
  if (!n) return n.error();
  std::int64_t after = 0;
  if (request.last_message_id) {
    if (auto ok = check_id(*request.last_message_id, "lastMessageId"); !ok) return ok.error();
    auto m = store_.get_message(*request.last_message_id);
    if (!m) return m.error();
    if (!*m || (*m)->conversation_id != conversation_id)
      return core::validation_error("lastMessageId", "must be a message of this conversation");
    after = (*m)->seq;
  } else if (request.last_seq) {
    if (*request.last_seq < 0)
      return core::validation_error("lastSeq", "must be a non-negative integer");
    after = *request.last_seq;
  }
  store::message_range range;
  range.after_seq = after;
  range.limit = static_cast<int>(*n) + 1;
  auto items = store_.list_messages(conversation_id, range);
  if (!items) return items.error();
  sync_result out;
  out.has_more = items->size() > static_cast<std::size_t>(*n);
  if (out.has_more) items->resize(static_cast<std::size_t>(*n));
  out.messages = std::move(*items);
  return out;
}

core::result<sync_result> chat_service::sync(std::string_view user, const json::value& payload) {
  body_reader in(payload);
  auto conversation_id = in.id("conversationId", true);
  auto last_id = in.id("lastMessageId", false);
  auto last_seq = in.integer("lastSeq", 0, INT64_MAX, false);
  auto limit = in.integer("limit", 1, sync_max, false);
  if (!in.ok()) return in.error();
  return sync(user, *conversation_id, sync_request{last_id, last_seq, limit});
}

}  // namespace chatgate::chat
