// chat::async_chat without sockets: answers come back through the poster (never inside the
// call), a call's events are posted before its answer, expired and refused calls answer
// INTERNAL_ERROR without running; and pooled_runner on real SQLite connections with real threads:
// answers and message:new events of one conversation leave in seq order (run under TSan too).
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <mutex>

#include "chat/async_chat.hpp"
#include "chat/held_answers.hpp"
#include "chat/pooled_runner.hpp"
#include "chat/post_batch.hpp"
#include "chat/posting_events.hpp"
#include "core/object_id.hpp"
#include "fixture.hpp"
#include "store/store_factory.hpp"

using namespace chatgate;
using test_support::chat_fixture;

namespace {

/// A poster whose closures run when the test says (the io thread's queue).
struct manual_queue {
  std::deque<std::function<void()>> q;
  chat::poster poster() {
    return [this](std::function<void()> f) { q.push_back(std::move(f)); };
  }
  int run_all() {
    int n = 0;
    while (!q.empty()) {
      auto f = std::move(q.front());
      q.pop_front();
      f();
      ++n;
    }
    return n;
  }
};

/// A runner that expires (or refuses) every call instead of running it.
struct failing_runner final : chat::runner {
  bool refuse = false;
  int expired_calls = 0;
  bool submit(access, std::string_view, task, expired e) override {
    if (refuse) return false;
    ++expired_calls;
    e();
    return true;
  }
};

struct async_fixture : chat_fixture {
  manual_queue io;
  chat::posting_events posted{events, io.poster()};
  chat::inline_runner runner{chat};
  chat::async_chat async{runner, io.poster()};
  async_fixture() { chat.set_events(&posted); }
};

TEST_F(async_fixture, the_answer_comes_through_the_poster_after_the_events) {
  auto c = group("alice", {"bob"});
  io.run_all();
  events.log.clear();
  std::optional<core::result<store::message>> answer;
  std::size_t events_when_answered = 0;
  async.send_message("bob", c.id, j(R"({"content":"hi"})"), [&](core::result<store::message> m) {
    answer = std::move(m);
    events_when_answered = events.log.size();
  });
  EXPECT_FALSE(answer);  // never inside the call
  EXPECT_TRUE(events.log.empty());
  EXPECT_EQ(io.run_all(), 2);  // the event, then the answer
  ASSERT_TRUE(answer && *answer);
  EXPECT_EQ((*answer)->seq, 1);
  EXPECT_EQ(events_when_answered, 1u);
  EXPECT_EQ(events.log[0], "created:" + (*answer)->id);
}

TEST_F(async_fixture, errors_come_back_as_values) {
  auto c = group("alice", {"bob"});
  io.run_all();
  std::optional<core::result<store::message>> answer;
  async.send_message("mallory", c.id, j(R"({"content":"hi"})"),
                     [&](core::result<store::message> m) { answer = std::move(m); });
  io.run_all();
  ASSERT_TRUE(answer);
  EXPECT_CODE(*answer, forbidden);
}

TEST_F(async_fixture, a_refused_send_costs_no_rate_limit) {
  auto c = group("alice", {"bob"});
  for (int i = 0; i < 10; ++i)  // limit 5 per window: outsiders' sends are given back
    async.send_message("mallory", c.id, j(R"({"content":"x"})"), [](auto) {});
  for (int i = 0; i < 5; ++i) async.send_message("bob", c.id, j(R"({"content":"x"})"), [](auto) {});
  io.run_all();
  async.send_message("mallory", c.id, j(R"({"content":"x"})"), [](auto) {});
  std::optional<core::result<store::message>> sixth;
  async.send_message("bob", c.id, j(R"({"content":"x"})"),
                     [&](core::result<store::message> m) { sixth = std::move(m); });
  io.run_all();
  ASSERT_TRUE(sixth);
  EXPECT_CODE(*sixth, rate_limited);
  // mallory's refused sends did not count against her own limit either.
  std::size_t stored = 0;
  for (const auto& line : events.log) stored += line.starts_with("created:");
  EXPECT_EQ(stored, 5u);
}

/// A shared (cluster-wide) count whose verdicts the test gives; they come back on the test's
/// "Redis thread" queue, not inside the call.
struct fake_shared_limit final : chat::shared_rate_limit {
  manual_queue redis;
  verdict next{verdict::kind::allowed, 0};
  std::vector<std::string> consumed, refunded;
  void consume(std::string user, std::function<void(verdict)> done) override {
    consumed.push_back(user);
    redis.poster()([v = next, done = std::move(done)] { done(v); });
  }
  void refund(std::string user) override { refunded.push_back(std::move(user)); }
};

struct shared_limit_fixture : async_fixture {
  fake_shared_limit shared;
  shared_limit_fixture() { async.set_shared_limit(&shared); }
  std::optional<core::result<store::message>> send(const std::string& user, const std::string& c) {
    std::optional<core::result<store::message>> answer;
    async.send_message(user, c, j(R"({"content":"x"})"),
                       [&](core::result<store::message> m) { answer = std::move(m); });
    EXPECT_FALSE(answer);  // never inside the call
    while (shared.redis.run_all() + io.run_all() > 0) {
    }
    return answer;
  }
  std::size_t stored() const {
    std::size_t n = 0;
    for (const auto& line : events.log) n += line.starts_with("created:");
    return n;
  }
};

TEST_F(shared_limit_fixture, a_send_the_shared_count_refuses_never_reaches_the_store) {
  auto c = group("alice", {"bob"});
  io.run_all();
  shared.next = {fake_shared_limit::verdict::kind::refused, 1234};
  auto a = send("bob", c.id);
  ASSERT_TRUE(a);
  EXPECT_CODE(*a, rate_limited);
  EXPECT_EQ(a->error().retry_after_ms, 1234);
  EXPECT_EQ(stored(), 0u);
  EXPECT_TRUE(shared.refunded.empty());
  EXPECT_EQ(limiter.tracked_users(), 0u);  // nor the per-instance count
}

TEST_F(shared_limit_fixture, a_send_counted_but_not_stored_is_given_back) {
  auto c = group("alice", {"bob"});
  io.run_all();
  auto ok = send("bob", c.id);
  ASSERT_TRUE(ok && *ok);
  EXPECT_TRUE(shared.refunded.empty());
  auto outsider = send("mallory", c.id);  // the store refuses it: FORBIDDEN
  ASSERT_TRUE(outsider);
  EXPECT_CODE(*outsider, forbidden);
  EXPECT_EQ(shared.consumed, (std::vector<std::string>{"bob", "mallory"}));
  EXPECT_EQ(shared.refunded, (std::vector<std::string>{"mallory"}));
}

TEST_F(shared_limit_fixture, an_invalid_send_is_not_counted_and_answers_validation_error) {
  auto c = group("alice", {"bob"});
  io.run_all();
  shared.next = {fake_shared_limit::verdict::kind::refused, 1234};  // even when over the limit
  std::optional<core::result<store::message>> blank, bad_id;
  async.send_message("bob", c.id, j(R"({"content":"   "})"),
                     [&](core::result<store::message> m) { blank = std::move(m); });
  async.send_message("bob", "not-an-id", j(R"({"content":"x"})"),
                     [&](core::result<store::message> m) { bad_id = std::move(m); });
  io.run_all();
  ASSERT_TRUE(blank && bad_id);
  EXPECT_CODE(*blank, validation_error);
  EXPECT_CODE(*bad_id, validation_error);
  EXPECT_TRUE(shared.consumed.empty());
}

TEST_F(shared_limit_fixture, without_an_answer_the_per_instance_limit_decides_alone) {
  auto c = group("alice", {"bob"});
  io.run_all();
  shared.next = {fake_shared_limit::verdict::kind::unavailable, 0};
  for (int i = 0; i < 5; ++i) {  // the local limit, 5 per window: at the limit ...
    auto a = send("bob", c.id);
    ASSERT_TRUE(a && *a) << i;
  }
  auto sixth = send("bob", c.id);  // ... and one past it
  ASSERT_TRUE(sixth);
  EXPECT_CODE(*sixth, rate_limited);
  EXPECT_EQ(stored(), 5u);
  EXPECT_TRUE(shared.refunded.empty());  // nothing was counted there
}

TEST_F(chat_fixture, an_expired_call_answers_internal_error_and_stores_nothing) {
  manual_queue io;
  failing_runner expiring;
  chat::async_chat async{expiring, io.poster()};
  auto c = group("alice", {"bob"});
  std::optional<core::result<store::message>> answer;
  async.send_message("bob", c.id, j(R"({"content":"hi"})"),
                     [&](core::result<store::message> m) { answer = std::move(m); });
  io.run_all();
  ASSERT_TRUE(answer);
  EXPECT_CODE(*answer, internal_error);
  EXPECT_EQ(expiring.expired_calls, 1);
  EXPECT_TRUE(chat.sync("alice", c.id, {}).value().messages.empty());
}

TEST_F(chat_fixture, a_refused_call_answers_internal_error_through_the_poster) {
  manual_queue io;
  failing_runner full;
  full.refuse = true;
  chat::async_chat async{full, io.poster()};
  std::optional<core::result<void>> answer;
  async.check_participant("alice", core::make_object_id(),
                          [&](core::result<void> r) { answer = std::move(r); });
  EXPECT_FALSE(answer);
  io.run_all();
  ASSERT_TRUE(answer);
  EXPECT_CODE(*answer, internal_error);
}

/// Records how calls reach it: one by one (submit) or together (submit_all), then runs them.
struct recording_runner final : chat::runner {
  chat::chat_service& chat;
  std::vector<std::size_t> handovers;  // calls per hand-over
  bool refuse_second = false;
  explicit recording_runner(chat::chat_service& c) : chat(c) {}
  bool submit(access, std::string_view, task t, expired) override {
    handovers.push_back(1);
    t(chat);
    return true;
  }
  void submit_all(std::vector<call>& calls) override {
    handovers.push_back(calls.size());
    for (std::size_t i = 0; i < calls.size(); ++i) {
      calls[i].accepted = !(refuse_second && i == 1);
      if (calls[i].accepted) calls[i].t(chat);
    }
  }
};

TEST_F(chat_fixture, with_a_later_poster_the_calls_of_one_pass_reach_the_runner_together) {
  auto c = group("alice", {"bob"});
  manual_queue io;     // answers
  manual_queue later;  // the io thread's "after what runs now"
  recording_runner rec{chat};
  chat::async_chat async{rec, io.poster(), later.poster()};
  std::vector<std::string> answers;
  for (int i = 0; i < 3; ++i)
    async.send_message("bob", c.id, j(R"({"content":"x"})"), [&](core::result<store::message> m) {
      answers.push_back(m ? std::to_string(m->seq) : std::string(m.error().message));
    });
  EXPECT_TRUE(rec.handovers.empty());  // nothing submitted inside the pass
  EXPECT_EQ(later.q.size(), 1u);       // one hand-over scheduled for the three
  later.run_all();
  EXPECT_EQ(rec.handovers, (std::vector<std::size_t>{3}));
  io.run_all();
  EXPECT_EQ(answers, (std::vector<std::string>{"1", "2", "3"}));  // in call order

  // A call the runner refuses answers INTERNAL_ERROR; the others of its hand-over go on.
  rec.refuse_second = true;
  answers.clear();
  for (int i = 0; i < 3; ++i)
    async.send_message("bob", c.id, j(R"({"content":"y"})"), [&](core::result<store::message> m) {
      answers.push_back(m ? std::to_string(m->seq) : std::string(m.error().message));
    });
  later.run_all();
  io.run_all();
  // The accepted ones in order; the refusal is answered once the hand-over returns.
  EXPECT_EQ(answers, (std::vector<std::string>{"4", "5", "Store overloaded"}));
}

TEST(held_answers, after_a_commit_the_answers_leave_in_order_after_a_failure_only_failures) {
  std::vector<std::string> posted;
  chat::poster post = [&](std::function<void()> f) { f(); };
  chat::held_answers held;
  held.hold(
      post, [&] { posted.push_back("event"); }, nullptr);
  held.hold(
      post, [&] { posted.push_back("ack"); }, [&] { posted.push_back("ack failed"); });
  EXPECT_TRUE(posted.empty());
  held.release(true);
  EXPECT_EQ(posted, (std::vector<std::string>{"event", "ack"}));
  EXPECT_TRUE(held.empty());
  posted.clear();
  held.hold(
      post, [&] { posted.push_back("event"); }, nullptr);
  held.hold(
      post, [&] { posted.push_back("ack"); }, [&] { posted.push_back("ack failed"); });
  held.release(false);  // the commit failed: nothing was stored, nothing is announced
  EXPECT_EQ(posted, (std::vector<std::string>{"ack failed"}));
}

/// The io thread of the threaded test: a queue the workers post to, drained by the test.
struct locked_queue {
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::function<void()>> q;
  chat::poster poster() {
    return [this](std::function<void()> f) {
      {
        std::lock_guard lock(m);
        q.push_back(std::move(f));
      }
      cv.notify_one();
    };
  }
  /// Runs closures until `done()` holds (or 10 s pass).
  template <class P>
  void run_until(P done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < until) {
      std::unique_lock lock(m);
      cv.wait_for(lock, std::chrono::milliseconds(50), [this] { return !q.empty(); });
      while (!q.empty()) {
        auto f = std::move(q.front());
        q.pop_front();
        lock.unlock();
        f();
        lock.lock();
      }
    }
  }
};

/// A temporary folder for the threaded tests' SQLite file, removed when it goes out of scope.
struct temp_db_dir {
  std::filesystem::path path;
  explicit temp_db_dir(const std::string& tag)
      : path(std::filesystem::temp_directory_path() /
             ("chatgate-" + tag + "-" + core::make_object_id())) {
    std::filesystem::create_directories(path);
  }
  ~temp_db_dir() { std::filesystem::remove_all(path); }
  std::string url() const { return "sqlite://" + (path / "chat.db").string(); }
};

/// alice's group with bob, created through `async`; "" when `io` got no answer in time.
std::string create_group(chat::async_chat& async, locked_queue& io) {
  std::string conv;
  async.create_conversation(
      "alice", boost::json::parse(R"({"type":"group","name":"g","participantIds":["bob"]})"),
      [&](core::result<chat::created_conversation> c) { conv = c.value().conversation.id; });
  io.run_until([&] { return !conv.empty(); });
  return conv;
}

void answers_and_events_in_seq_order(std::size_t max_batch);

TEST(pooled_runner, one_conversations_answers_and_events_leave_in_seq_order) {
  answers_and_events_in_seq_order(1);
}

TEST(pooled_runner, with_group_commit_too) {
  answers_and_events_in_seq_order(64);
}

TEST(pooled_runner, a_call_after_deferred_sends_sees_them_stored) {
  // Group commit queues sends until the batch flushes them together; any other call of the
  // batch flushes first, so it sees the store as if the sends before it had run one by one.
  const temp_db_dir dir("defer");
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {0, std::chrono::seconds(1)}};
  test_support::recording_events seen;
  locked_queue io;
  chat::posting_events posted{seen, io.poster()};
  {
    auto stores = store::open_store_set(dir.url(), 1).value();
    chat::pooled_runner runner(std::move(stores.stores), stores.writers, clock, limiter, {}, posted,
                               store::worker_settings{});
    chat::async_chat async{runner, io.poster()};
    const std::string conv = create_group(async, io);
    ASSERT_FALSE(conv.empty());
    std::promise<void> go;
    std::shared_future<void> going = go.get_future().share();
    runner.submit(
        chat::runner::access::write, conv, [going](chat::chat_service&) { going.wait(); }, nullptr);
    std::vector<std::string> order;
    for (int i = 0; i < 3; ++i)
      async.send_message("alice", conv, boost::json::parse(R"({"content":"x"})"),
                         [&](core::result<store::message> m) {
                           order.push_back("ack " + std::to_string(m.value().seq));
                         });
    std::size_t seen_by_write = 99;
    runner.submit(
        chat::runner::access::write, conv,
        [&](chat::chat_service& c) {
          seen_by_write = c.sync("alice", conv, chat::sync_request{}).value().messages.size();
        },
        nullptr);
    async.send_message("bob", conv, boost::json::parse(R"({"content":"y"})"),
                       [&](core::result<store::message> m) {
                         order.push_back("ack " + std::to_string(m.value().seq));
                       });
    go.set_value();
    io.run_until([&] { return order.size() == 4; });
    EXPECT_EQ(seen_by_write, 3u);
    EXPECT_EQ(order, (std::vector<std::string>{"ack 1", "ack 2", "ack 3", "ack 4"}));
    EXPECT_GT(runner.pool().batched_jobs(), 0u);
    runner.stop();
  }
}

TEST(pooled_runner, a_group_commits_sends_reach_the_io_thread_in_two_posts) {
  // The batch's events leave in one post and its answers in another (chat::post_batch), each
  // answer after every event of the batch, so its own event has been broadcast first.
  const temp_db_dir dir("posts");
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {0, std::chrono::seconds(1)}};
  test_support::recording_events seen;
  locked_queue io;
  std::atomic<int> posts{0};
  chat::poster counted = [&io, &posts, post = io.poster()](std::function<void()> f) {
    ++posts;
    post(std::move(f));
  };
  // The server's destinations: events first (rank 0), answers after (rank 1).
  chat::batch_destination to_events{counted,
                                    [counted](std::vector<std::function<void()>> fs) {
                                      counted([fs = std::move(fs)] {
                                        for (const auto& f : fs) f();
                                      });
                                    },
                                    0};
  chat::batch_destination to_answers{to_events.one, to_events.all, 1};
  chat::posting_events posted{seen, chat::batching(to_events)};
  {
    auto stores = store::open_store_set(dir.url(), 1).value();
    chat::pooled_runner runner(std::move(stores.stores), stores.writers, clock, limiter, {}, posted,
                               store::worker_settings{});
    chat::async_chat async{runner, chat::batching(to_answers)};
    const std::string conv = create_group(async, io);
    ASSERT_FALSE(conv.empty());
    seen.log.clear();
    std::promise<void> go, started;
    std::shared_future<void> going = go.get_future().share();
    runner.submit(
        chat::runner::access::write, conv,
        [going, &started](chat::chat_service&) {
          started.set_value();
          going.wait();
        },
        nullptr);
    started.get_future().wait();  // the writer holds it: every send below waits in one queue
    constexpr int n = 20;
    std::vector<std::int64_t> acked;
    std::vector<std::size_t> events_seen_at_ack;
    for (int i = 0; i < n; ++i)
      async.send_message("alice", conv, boost::json::parse(R"({"content":"x"})"),
                         [&](core::result<store::message> m) {
                           acked.push_back(m.value().seq);
                           events_seen_at_ack.push_back(seen.log.size());
                         });
    const int before = posts.load();
    go.set_value();
    io.run_until([&] { return acked.size() == static_cast<std::size_t>(n); });
    ASSERT_EQ(acked.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(acked[i], i + 1);
    EXPECT_EQ(seen.log.size(), static_cast<std::size_t>(n));
    for (auto at : events_seen_at_ack) EXPECT_EQ(at, static_cast<std::size_t>(n));
    EXPECT_EQ(posts.load() - before, 2);  // one run of events, one of answers
    runner.stop();
  }
}

void answers_and_events_in_seq_order(std::size_t max_batch) {
  const temp_db_dir dir("async");
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {0, std::chrono::seconds(1)}};
  test_support::recording_events seen;
  std::vector<std::string> acked_ids;
  locked_queue io;
  chat::posting_events posted{seen, io.poster()};
  {
    auto stores = store::open_store_set(dir.url(), 2).value();
    ASSERT_EQ(stores.stores.size(), 3u);  // the writer and two readers
    store::worker_settings ws;
    ws.max_batch = max_batch;
    chat::pooled_runner runner(std::move(stores.stores), stores.writers, clock, limiter, {}, posted,
                               ws);
    chat::async_chat async{runner, io.poster()};
    const std::string conv = create_group(async, io);
    ASSERT_FALSE(conv.empty());
    constexpr int n = 300;
    // Hold the writer so that the sends queue up behind it (and batch, when batching is on).
    std::promise<void> go;
    std::shared_future<void> going = go.get_future().share();
    runner.submit(
        chat::runner::access::write, conv, [going](chat::chat_service&) { going.wait(); }, nullptr);
    std::vector<std::int64_t> acked;
    for (int i = 0; i < n; ++i)
      async.send_message(i % 2 ? "alice" : "bob", conv, boost::json::parse(R"({"content":"x"})"),
                         [&](core::result<store::message> m) {
                           acked.push_back(m.value().seq);
                           acked_ids.push_back("created:" + m.value().id);
                         });
    std::vector<std::int64_t> synced;
    go.set_value();
    io.run_until([&] { return acked.size() == n; });
    if (max_batch > 1) {
      EXPECT_GT(runner.pool().batch_count(), 0u);
    }
    ASSERT_EQ(acked.size(), static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) EXPECT_EQ(acked[static_cast<std::size_t>(i)], i + 1);
    // A read on a reader connection sees every acknowledged message.
    async.sync("alice", boost::json::parse(R"({"conversationId":")" + conv + R"(","limit":1000})"),
               [&](core::result<chat::sync_result> r) {
                 for (auto& m : r.value().messages) synced.push_back(m.seq);
               });
    io.run_until([&] { return synced.size() == n; });
    EXPECT_EQ(synced.size(), static_cast<std::size_t>(n));
    runner.stop();
  }
  std::vector<std::string> created;
  for (const auto& line : seen.log)
    if (line.starts_with("created:")) created.push_back(line);
  EXPECT_EQ(created, acked_ids);  // message:new in the same (seq) order as the acks
}

}  // namespace
