#pragma once
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/object_id.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace chatgate::store::testing {

/// Records the store tests build (times in whole seconds, as at(seconds)).
struct test_records {
  static core::sys_time_ms at(std::int64_t seconds) {
    return core::sys_time_ms{std::chrono::seconds{seconds}};
  }

  static conversation group(std::string creator, std::vector<std::string> members,
                            core::sys_time_ms created) {
    conversation c;
    c.type = conversation_type::group;
    c.name = "group of " + creator;
    c.created_by = creator;
    c.participants.push_back({creator, participant_role::admin, created});
    for (auto& m : members) c.participants.push_back({m, participant_role::member, created});
    c.created_at = c.updated_at = created;
    return c;
  }

  static conversation direct(std::string a, std::string b, core::sys_time_ms created) {
    conversation c;
    c.type = conversation_type::direct;
    c.created_by = a;
    c.participants = {{a, participant_role::member, created},
                      {b, participant_role::member, created}};
    c.created_at = c.updated_at = created;
    return c;
  }

  static message text(const std::string& conversation_id, std::string sender, std::string content,
                      core::sys_time_ms created) {
    message m;
    m.conversation_id = conversation_id;
    m.sender_id = std::move(sender);
    m.content = std::move(content);
    m.created_at = m.updated_at = created;
    return m;
  }
};

/// A database file of its own per test, removed (with its -wal/-shm) afterwards. For the
/// SQLite-only tests (files, locks); the behaviour both backends share is in backend_fixture.hpp.
class store_fixture : public ::testing::Test, public test_records {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("chatgate_store_test_" + std::to_string(::getpid()) + "_" +
              std::to_string(counter++) + ".db"))
                .string();
    remove_files();
    store_ = open();
  }

  void TearDown() override {
    store_.reset();
    remove_files();
  }

  std::unique_ptr<sqlite::sqlite_store> open() {
    auto opened = sqlite::sqlite_store::open({.path = path_});
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(*opened);
  }

  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  std::string path_;
  std::unique_ptr<sqlite::sqlite_store> store_;
};

}  // namespace chatgate::store::testing
