// sqlite_store against another writer holding the file's lock: busy_timeout, failure as a value.
#include <thread>

#include <sqlite3.h>

#include "store_fixture.hpp"

namespace chatgate::store::testing {
namespace {

/// Another connection (as another process would have) holding the write lock until release().
class lock_holder {
 public:
  explicit lock_holder(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    ok_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~lock_holder() {
    release();
    sqlite3_close(db_);
  }
  bool ok() const { return ok_; }
  void release() {
    if (ok_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    ok_ = false;
  }

 private:
  sqlite3* db_ = nullptr;
  bool ok_ = false;
};

class locking : public store_fixture {
 protected:
  std::unique_ptr<sqlite::sqlite_store> open_with_timeout(std::chrono::milliseconds timeout) {
    return std::move(*sqlite::sqlite_store::open({.path = path_, .busy_timeout = timeout}));
  }
};

TEST_F(locking, write_past_busy_timeout_is_internal_error_and_consumes_no_seq) {
  auto conv = store_->create_conversation(group("a", {}, at(1))).value().id;
  auto impatient = open_with_timeout(std::chrono::milliseconds{50});
  lock_holder other(path_);
  ASSERT_TRUE(other.ok());
  auto r = impatient->insert_message(text(conv, "a", "x", at(2)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::error_code::internal_error);
  EXPECT_NE(r.error().message.find("locked"), std::string::npos) << r.error().message;
  EXPECT_TRUE(impatient->ping());  // WAL: reads go on while another connection writes
  EXPECT_TRUE(impatient->get_conversation(conv).value());
  other.release();
  EXPECT_EQ(impatient->insert_message(text(conv, "a", "x", at(3))).value().seq, 1);
}

TEST_F(locking, write_within_busy_timeout_waits_for_the_lock) {
  auto conv = store_->create_conversation(group("a", {}, at(1))).value().id;
  auto patient = open_with_timeout(std::chrono::milliseconds{5000});
  lock_holder other(path_);
  ASSERT_TRUE(other.ok());
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    other.release();
  });
  auto r = patient->insert_message(text(conv, "a", "x", at(2)));
  releaser.join();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->seq, 1);
}

}  // namespace
}  // namespace chatgate::store::testing
