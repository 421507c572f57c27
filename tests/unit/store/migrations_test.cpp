// Opening files: migrations, versions, reopening, killed writers, DATABASE_URL.
#include <csignal>

#include <sqlite3.h>
#include <sys/wait.h>

#include "store/sqlite/migrations.hpp"
#include "store/store_factory.hpp"
#include "store_fixture.hpp"

namespace chatgate::store::testing {
namespace {

class opening : public store_fixture {
 protected:
  void SetUp() override {
    store_fixture::SetUp();
    store_.reset();  // each test makes its own file
    remove_files();
  }

  /// Runs SQL on the file with the bare SQLite API, as an older build would have.
  void raw(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    const std::string message = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  std::int64_t raw_int(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    const std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }

  const std::int64_t latest = static_cast<std::int64_t>(sqlite::migrations().size());
};

TEST_F(opening, new_file_gets_the_latest_version) {
  store_ = open();
  store_.reset();
  EXPECT_EQ(raw_int("PRAGMA user_version"), latest);
  EXPECT_EQ(raw_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
}

TEST_F(opening, version_1_file_is_upgraded_and_keeps_its_data) {
  raw(std::string(sqlite::migrations()[0]) +
      "PRAGMA user_version = 1;"
      "INSERT INTO conversations (id, type, name, created_by, last_seq, created_at, updated_at)"
      " VALUES ('65a1b2c3d4e5f60718293a4b', 'group', 'old', 'alice', 1, 1000, 1000);"
      "INSERT INTO participants VALUES ('65a1b2c3d4e5f60718293a4b', 'alice', 'admin', 1000);"
      "INSERT INTO messages (id, conversation_id, seq, sender_id, content, created_at, updated_at)"
      " VALUES ('65a1b2c3d4e5f60718293a4c', '65a1b2c3d4e5f60718293a4b', 1, 'alice', 'kept',"
      " 2000, 2000);");
  store_ = open();
  auto m = store_->get_message("65a1b2c3d4e5f60718293a4c").value();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->content, "kept");
  auto next = store_->insert_message(text("65a1b2c3d4e5f60718293a4b", "alice", "new", at(3)));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->seq, 2);  // the counter carried over
  store_.reset();
  EXPECT_EQ(raw_int("PRAGMA user_version"), latest);
  EXPECT_EQ(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'conversations_by_activity'"),
            1);
}

TEST_F(opening, version_2_file_gets_read_state_counted_from_its_messages) {
  const std::string c = "65a1b2c3d4e5f60718293a4b";
  raw(std::string(sqlite::migrations()[0]) + std::string(sqlite::migrations()[1]) +
      "PRAGMA user_version = 2;"
      "INSERT INTO conversations (id, type, name, created_by, last_seq, created_at, updated_at)"
      " VALUES ('" +
      c +
      "', 'group', 'old', 'alice', 3, 1000, 1000);"
      "INSERT INTO participants VALUES ('" +
      c +
      "', 'alice', 'admin', 1000);"
      "INSERT INTO participants VALUES ('" +
      c +
      "', 'bob', 'member', 1000);"
      "INSERT INTO messages (id, conversation_id, seq, sender_id, content, is_deleted,"
      " created_at, updated_at) VALUES"
      " ('65a1b2c3d4e5f60718293a01', '" +
      c +
      "', 1, 'alice', 'a', 0, 2000, 2000),"
      " ('65a1b2c3d4e5f60718293a02', '" +
      c +
      "', 2, 'alice', '', 1, 2001, 2001),"
      " ('65a1b2c3d4e5f60718293a03', '" +
      c + "', 3, 'bob', 'b', 0, 2002, 2002);");
  store_ = open();
  auto conv = store_->get_conversation(c).value();
  ASSERT_TRUE(conv);
  ASSERT_EQ(conv->participants.size(), 2u);
  for (const auto& p : conv->participants) {
    EXPECT_EQ(p.last_read_seq, 0) << p.user_id;
    EXPECT_EQ(p.unread_count, 1) << p.user_id;  // the other's message that is not deleted
  }
  store_->insert_message(text(c, "alice", "new", at(3))).value();
  EXPECT_EQ(store_->find_participant(c, "bob").value()->unread_count, 2);
  EXPECT_EQ(store_->mark_read(c, "bob", 4).value()->unread_count, 0);
}

TEST_F(opening, file_from_a_newer_build_is_refused) {
  raw("PRAGMA user_version = " + std::to_string(latest + 1));
  auto opened = sqlite::sqlite_store::open({.path = path_});
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("newer than this build"), std::string::npos)
      << opened.error().message;
}

TEST_F(opening, file_at_the_latest_version_opens) {
  raw("PRAGMA user_version = " + std::to_string(latest));  // at the limit: nothing to apply
  EXPECT_TRUE(sqlite::sqlite_store::open({.path = path_}));
}

TEST_F(opening, reopened_file_keeps_messages) {
  store_ = open();
  auto c = store_->create_conversation(group("alice", {"bob"}, at(1))).value();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->insert_message(text(c.id, "bob", "m", at(i))));
  store_.reset();
  store_ = open();
  EXPECT_EQ(store_->list_messages(c.id, {.after_seq = 0, .limit = 10}).value().size(), 5u);
  EXPECT_EQ(store_->insert_message(text(c.id, "bob", "m", at(9))).value().seq, 6);
  EXPECT_EQ(store_->get_conversation(c.id).value()->participants.size(), 2u);
}

TEST_F(opening, acknowledged_inserts_survive_sigkill) {
  std::string conv_id;
  {
    auto s = open();
    conv_id = s->create_conversation(group("alice", {}, at(1))).value().id;
  }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto s = open();
    for (int i = 0; i < 50; ++i)
      if (!s->insert_message(text(conv_id, "alice", "m", at(i)))) _exit(2);
    std::raise(SIGKILL);  // no destructor, no checkpoint, no close
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  store_ = open();
  auto all = store_->list_messages(conv_id, {.after_seq = 0, .limit = 100}).value();
  ASSERT_EQ(all.size(), 50u);
  EXPECT_EQ(all.back().seq, 50);
}

TEST_F(opening, url_sqlite_path) {
  auto s = open_store("sqlite://" + path_);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE((*s)->ping());
}

TEST_F(opening, url_sqlite_memory_and_synchronous_option) {
  EXPECT_TRUE(open_store("sqlite://:memory:"));
  EXPECT_TRUE(open_store("sqlite://" + path_ + "?synchronous=full"));
  auto bad = open_store("sqlite://" + path_ + "?synchronous=sometimes");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("DATABASE_URL"), std::string::npos);
}

TEST_F(opening, url_missing_directory_is_refused) {
  auto s = open_store("sqlite:///nonexistent-dir-chatgate/x.db");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("does not exist"), std::string::npos) << s.error().message;
}

TEST_F(opening, url_postgresql_unreachable_server_is_refused) {
  for (const char* url : {"postgresql://u:p@127.0.0.1:1/chat", "postgres://u@127.0.0.1:1/chat"}) {
    auto s = open_store(url);
    ASSERT_FALSE(s) << url;
    EXPECT_NE(s.error().message.find("DATABASE_URL: cannot connect to PostgreSQL: "),
              std::string::npos)
        << s.error().message;
  }
}

TEST_F(opening, url_password_is_redacted_for_logs) {
  EXPECT_EQ(redact_database_url("postgresql://chat:s3cr@t@db:5432/chat"),
            "postgresql://chat:***@db:5432/chat");
  EXPECT_EQ(redact_database_url("postgres://chat@db/chat"), "postgres://chat@db/chat");
  EXPECT_EQ(redact_database_url("postgresql://db/chat?user=a"), "postgresql://db/chat?user=a");
  EXPECT_EQ(redact_database_url("sqlite://./chat.db"), "sqlite://./chat.db");
  EXPECT_EQ(redact_database_url("sqlite:///x/a@b.db"), "sqlite:///x/a@b.db");
}

TEST_F(opening, url_unknown_scheme_or_empty_path) {
  EXPECT_FALSE(open_store("mysql://x"));
  EXPECT_FALSE(open_store("sqlite://"));
  EXPECT_FALSE(open_store(""));
}

}  // namespace
}  // namespace chatgate::store::testing
