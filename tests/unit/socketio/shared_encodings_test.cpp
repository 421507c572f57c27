#include "socketio/shared_encodings.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "socketio/args.hpp"

namespace chatgate::socketio {
namespace {

packet event(std::string_view name, int v) {
  return make_event_packet("/", name, args{v});
}

TEST(shared_encodings, outside_a_scope_nothing_is_shared) {
  EXPECT_EQ(shared_encodings::next("m", [] { return event("m", 1); }), nullptr);
}

TEST(shared_encodings, the_second_run_of_an_event_reuses_the_first_ones_buffers) {
  shared_encodings cache;
  int built = 0;
  auto make = [&](int v) {
    return [&built, v] {
      ++built;
      return event("m", v);
    };
  };
  std::shared_ptr<const encoded_packet> first[2];
  std::shared_ptr<const encoded_packet> second[2];
  {
    shared_encodings::scope s(cache);  // thread 0's run of the event: two packets
    first[0] = shared_encodings::next("m", make(1));
    first[1] = shared_encodings::next("m", make(2));
  }
  {
    shared_encodings::scope s(cache);  // thread 1's run starts again at the first packet
    second[0] = shared_encodings::next("m", make(1));
    second[1] = shared_encodings::next("m", make(2));
  }
  EXPECT_EQ(built, 2);
  EXPECT_EQ(cache.encodings(), 2u);
  EXPECT_EQ(cache.reuses(), 2u);
  EXPECT_EQ(first[0], second[0]);
  EXPECT_EQ(first[1], second[1]);
  EXPECT_EQ(*first[0]->text, R"(2["m",1])");
  EXPECT_EQ(*first[1]->text, R"(2["m",2])");
  EXPECT_EQ(shared_encodings::next("m", make(3)), nullptr);  // the scopes are gone
}

TEST(shared_encodings, a_run_that_emits_another_event_gets_its_own_encoding) {
  shared_encodings cache;
  {
    shared_encodings::scope s(cache);
    shared_encodings::next("a", [] { return event("a", 1); });
  }
  shared_encodings::scope s(cache);
  auto other = shared_encodings::next("b", [] { return event("b", 1); });
  EXPECT_EQ(*other->text, R"(2["b",1])");
  EXPECT_EQ(cache.encodings(), 2u);
  EXPECT_EQ(cache.reuses(), 0u);
}

TEST(shared_encodings, scopes_nest) {
  shared_encodings outer;
  shared_encodings inner;
  shared_encodings::scope a(outer);
  shared_encodings::next("m", [] { return event("m", 1); });
  {
    shared_encodings::scope b(inner);
    shared_encodings::next("m", [] { return event("m", 2); });
  }
  shared_encodings::next("m", [] { return event("m", 3); });  // outer's second packet
  EXPECT_EQ(outer.encodings(), 2u);
  EXPECT_EQ(inner.encodings(), 1u);
}

TEST(shared_encodings, threads_racing_for_a_packet_encode_it_once) {
  constexpr int events = 200;
  constexpr int threads = 4;
  std::vector<shared_encodings> caches(events);
  std::atomic<int> built{0};
  std::vector<std::vector<const encoded_packet*>> got(threads);
  std::vector<std::thread> runs;
  for (int t = 0; t < threads; ++t) {
    runs.emplace_back([&, t] {
      for (int e = 0; e < events; ++e) {
        shared_encodings::scope s(caches[e]);
        got[t].push_back(shared_encodings::next("m", [&built, e] {
                           ++built;
                           return event("m", e);
                         }).get());
      }
    });
  }
  for (auto& r : runs) r.join();
  EXPECT_EQ(built.load(), events);
  for (int t = 1; t < threads; ++t) EXPECT_EQ(got[t], got[0]);
  for (const auto& c : caches) EXPECT_EQ(c.encodings(), 1u);
}

}  // namespace
}  // namespace chatgate::socketio
