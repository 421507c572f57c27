// send_batch over real sockets (Unix stream socket pairs): each write behaves as a non-blocking
// sendmsg, whether it went through io_uring or one sendmsg at a time.
#include "engineio/transports/send_batch.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

using chatgate::engineio::send_batch;

struct socket_pair {
  int ours = -1;
  int peer = -1;
  socket_pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ours = fds[0];
    peer = fds[1];
    ::fcntl(ours, F_SETFL, O_NONBLOCK);
    ::fcntl(peer, F_SETFL, O_NONBLOCK);
  }
  ~socket_pair() {
    if (ours >= 0) ::close(ours);
    if (peer >= 0) ::close(peer);
  }
  socket_pair(const socket_pair&) = delete;
  socket_pair& operator=(const socket_pair&) = delete;
  /// Everything the peer can read now.
  std::string drain() const {
    std::string out;
    char buf[65536];
    for (ssize_t n; (n = ::read(peer, buf, sizeof buf)) > 0;)
      out.append(buf, static_cast<std::size_t>(n));
    return out;
  }
  /// Writes until the socket buffer is full; returns the bytes written.
  std::size_t fill() const {
    std::string chunk(65536, 'x');
    std::size_t total = 0;
    for (ssize_t n; (n = ::write(ours, chunk.data(), chunk.size())) > 0;)
      total += static_cast<std::size_t>(n);
    return total;
  }
};

iovec iov(const std::string& s) {
  return iovec{const_cast<char*>(s.data()), s.size()};
}

class send_batch_test : public ::testing::Test {
 protected:
  void TearDown() override { send_batch::set_enabled(true); }
};

TEST_F(send_batch_test, writes_every_request_to_its_own_socket_in_one_system_call) {
  constexpr int n = 20;
  std::vector<std::unique_ptr<socket_pair>> pairs;
  std::vector<std::string> heads, bodies;
  for (int i = 0; i < n; ++i) {
    pairs.push_back(std::make_unique<socket_pair>());
    heads.push_back("h" + std::to_string(i) + ":");
    bodies.push_back(std::string(100 + i, static_cast<char>('a' + i)));
  }
  std::vector<std::array<iovec, 2>> iovs(n);
  std::vector<send_batch::request> requests;
  for (int i = 0; i < n; ++i) {
    iovs[i] = {iov(heads[i]), iov(bodies[i])};
    requests.push_back({pairs[i]->ours, iovs[i], -1});
  }
  const auto calls = send_batch::submissions();
  const auto writes = send_batch::writes();
  send_batch::run(requests);
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(requests[i].result, static_cast<ssize_t>(heads[i].size() + bodies[i].size())) << i;
    EXPECT_EQ(pairs[i]->drain(), heads[i] + bodies[i]) << i;
  }
  EXPECT_EQ(send_batch::writes() - writes, static_cast<std::uint64_t>(n));
  // With io_uring (Linux >= 5.1, not refused by a seccomp profile) the 20 writes are one
  // io_uring_enter; without it, 20 sendmsg.
  EXPECT_EQ(send_batch::submissions() - calls, send_batch::uses_io_uring() ? 1u : 20u);
}

TEST_F(send_batch_test, a_full_socket_gets_eagain_and_a_write_larger_than_the_buffer_is_partial) {
  socket_pair full, roomy, empty;
  full.fill();
  const std::string big(8 << 20, 'b');  // more than any socket buffer takes at once
  const std::string small = "small";
  iovec a = iov(small), b = iov(big), c = iov(small);
  std::vector<send_batch::request> requests{
      {full.ours, {&a, 1}, 0}, {roomy.ours, {&b, 1}, 0}, {empty.ours, {&c, 1}, 0}};
  send_batch::run(requests);
  EXPECT_EQ(requests[0].result, -EAGAIN);
  EXPECT_GT(requests[1].result, 0);
  EXPECT_LT(requests[1].result, static_cast<ssize_t>(big.size()));
  EXPECT_EQ(requests[2].result, static_cast<ssize_t>(small.size()));
  EXPECT_EQ(empty.drain(), small);
}

TEST_F(send_batch_test, a_bad_descriptor_fails_alone) {
  socket_pair one, two;
  const std::string text = "hello";
  iovec v = iov(text);
  std::vector<send_batch::request> requests{
      {one.ours, {&v, 1}, 0}, {-1, {&v, 1}, 0}, {two.ours, {&v, 1}, 0}};
  send_batch::run(requests);
  EXPECT_EQ(requests[0].result, 5);
  EXPECT_EQ(requests[1].result, -EBADF);
  EXPECT_EQ(requests[2].result, 5);
  EXPECT_EQ(one.drain(), text);
  EXPECT_EQ(two.drain(), text);
}

TEST_F(send_batch_test, a_closed_peer_is_epipe_without_a_signal) {
  socket_pair gone, alive;
  ::close(gone.peer);
  gone.peer = -1;
  const std::string text = "x";
  iovec v = iov(text);
  std::vector<send_batch::request> requests{{gone.ours, {&v, 1}, 0}, {alive.ours, {&v, 1}, 0}};
  send_batch::run(requests);  // MSG_NOSIGNAL: no SIGPIPE kills the test
  EXPECT_EQ(requests[0].result, -EPIPE);
  EXPECT_EQ(requests[1].result, 1);
}

TEST_F(send_batch_test, switched_off_it_makes_one_sendmsg_per_request) {
  send_batch::set_enabled(false);
  EXPECT_FALSE(send_batch::uses_io_uring());
  socket_pair one, two, three;
  const std::string text = "abc";
  iovec v = iov(text);
  std::vector<send_batch::request> requests{
      {one.ours, {&v, 1}, 0}, {two.ours, {&v, 1}, 0}, {three.ours, {&v, 1}, 0}};
  const auto calls = send_batch::submissions();
  send_batch::run(requests);
  EXPECT_EQ(send_batch::submissions() - calls, 3u);
  for (auto* p : {&one, &two, &three}) EXPECT_EQ(p->drain(), text);
}

TEST_F(send_batch_test, more_requests_than_the_ring_holds_are_all_written) {
  constexpr int n = 300;  // more than a ring holds (256 entries); 600 descriptors
  std::vector<std::unique_ptr<socket_pair>> pairs;
  for (int i = 0; i < n; ++i) pairs.push_back(std::make_unique<socket_pair>());
  std::vector<std::string> texts;
  for (int i = 0; i < n; ++i) texts.push_back(std::to_string(i));
  std::vector<iovec> iovs;
  iovs.reserve(n);
  std::vector<send_batch::request> requests;
  for (int i = 0; i < n; ++i) {
    iovs.push_back(iov(texts[i]));
    requests.push_back({pairs[i]->ours, {&iovs.back(), 1}, 0});
  }
  const auto calls = send_batch::submissions();
  send_batch::run(requests);
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(requests[i].result, static_cast<ssize_t>(texts[i].size())) << i;
    ASSERT_EQ(pairs[i]->drain(), texts[i]) << i;
  }
  EXPECT_EQ(send_batch::submissions() - calls, send_batch::uses_io_uring() ? 2u : 300u);
}

}  // namespace
