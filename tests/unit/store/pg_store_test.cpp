// pg_store only: migrations racing, versions, reconnecting, several instances, no leaked errors.
// Needs CHATGATE_TEST_PG_URL (scripts/test.sh sets it); skipped without.
#include <set>
#include <thread>

#include "backend_fixture.hpp"
#include "store/postgres/pg_migrations.hpp"
#include "store/store_factory.hpp"

namespace chatgate::store::testing {
namespace {

class pg_store_test : public ::testing::Test, public test_records {
 protected:
  void SetUp() override {
    url_ = pg_test_url();
    if (url_.empty()) GTEST_SKIP() << "CHATGATE_TEST_PG_URL is not set";
    static std::atomic<int> counter{0};
    schema_ = "pgstore_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin_ = pg_admin(url_);
    admin_->exec("CREATE SCHEMA " + schema_);
    admin_->exec("SET search_path TO " + schema_);
  }

  void TearDown() override {
    if (admin_) admin_->exec("DROP SCHEMA " + schema_ + " CASCADE");
  }

  postgres::pg_settings settings() const { return {.conninfo = url_, .schema = schema_}; }

  std::unique_ptr<postgres::pg_store> open() {
    auto opened = postgres::pg_store::open(settings());
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(*opened);
  }

  std::int64_t scalar(const std::string& sql) { return admin_->query(sql).int64(0, 0); }

  const std::int64_t latest = static_cast<std::int64_t>(postgres::migrations().size());
  std::string url_, schema_;
  std::unique_ptr<postgres::pg_connection> admin_;
};

TEST_F(pg_store_test, opens_racing_on_a_new_schema_migrate_once) {
  constexpr int instances = 6;
  std::vector<std::unique_ptr<postgres::pg_store>> stores(instances);
  std::vector<std::string> errors(instances);
  std::vector<std::thread> pool;
  pool.reserve(instances);
  for (int i = 0; i < instances; ++i)
    pool.emplace_back([&, i] {
      auto opened = postgres::pg_store::open(settings());
      if (opened)
        stores[i] = std::move(*opened);
      else
        errors[i] = opened.error().message;
    });
  for (auto& t : pool) t.join();
  for (int i = 0; i < instances; ++i) EXPECT_TRUE(stores[i]) << errors[i];
  EXPECT_EQ(scalar("SELECT count(*) FROM schema_migrations"), latest);
  EXPECT_EQ(scalar("SELECT max(version) FROM schema_migrations"), latest);
  EXPECT_EQ(scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()"
                   " AND indexname = 'conversations_by_activity'"),
            1);
  auto c = stores[0]->create_conversation(group("a", {}, at(1))).value();
  EXPECT_TRUE(stores[instances - 1]->get_conversation(c.id).value());
}

TEST_F(pg_store_test, version_1_schema_is_upgraded_and_keeps_its_data) {
  admin_->exec(std::string(postgres::migrations()[0]));
  admin_->exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);"
      "INSERT INTO schema_migrations VALUES (1, 0);"
      "INSERT INTO conversations (id, type, name, created_by, last_seq, created_at, updated_at)"
      " VALUES ('65a1b2c3d4e5f60718293a4b', 'group', 'old', 'alice', 1, 1000, 1000);"
      "INSERT INTO participants (conversation_id, user_id, role, joined_at)"
      " VALUES ('65a1b2c3d4e5f60718293a4b', 'alice', 'admin', 1000);"
      "INSERT INTO messages (id, conversation_id, seq, sender_id, content, created_at, updated_at)"
      " VALUES ('65a1b2c3d4e5f60718293a4c', '65a1b2c3d4e5f60718293a4b', 1, 'alice', 'kept',"
      " 2000, 2000);");
  auto s = open();
  EXPECT_EQ(s->get_message("65a1b2c3d4e5f60718293a4c").value()->content, "kept");
  EXPECT_EQ(s->insert_message(text("65a1b2c3d4e5f60718293a4b", "alice", "new", at(3))).value().seq,
            2);
  EXPECT_EQ(scalar("SELECT max(version) FROM schema_migrations"), latest);
}

TEST_F(pg_store_test, schema_at_the_latest_version_opens_and_a_newer_one_is_refused) {
  open();  // at the limit: reopening applies nothing
  EXPECT_TRUE(postgres::pg_store::open(settings()));
  EXPECT_EQ(scalar("SELECT count(*) FROM schema_migrations"), latest);
  admin_->exec("INSERT INTO schema_migrations VALUES (" + std::to_string(latest + 1) + ", 0)");
  auto refused = postgres::pg_store::open(settings());
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("newer than this build"), std::string::npos)
      << refused.error().message;
}

TEST_F(pg_store_test, seq_gapless_across_four_instances) {
  constexpr int instances = 4, each = 40;
  std::vector<std::unique_ptr<postgres::pg_store>> stores;
  stores.reserve(instances);
  for (int i = 0; i < instances; ++i) stores.push_back(open());
  auto conv = stores[0]->create_conversation(group("a", {}, at(1))).value().id;
  std::vector<std::thread> pool;
  pool.reserve(instances);
  for (int i = 0; i < instances; ++i)
    pool.emplace_back([&, i] {
      for (int n = 0; n < each; ++n)
        ASSERT_TRUE(stores[i]->insert_message(text(conv, "u" + std::to_string(i), "x", at(n))));
    });
  for (auto& t : pool) t.join();
  auto all = stores[1]->list_messages(conv, {.after_seq = 0, .limit = 1000}).value();
  ASSERT_EQ(all.size(), static_cast<std::size_t>(instances * each));
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].seq, std::int64_t(i + 1));
  // The last message is the one with the highest seq, whoever wrote it.
  EXPECT_EQ(stores[2]->get_conversation(conv).value()->last_message->id, all.back().id);
}

TEST_F(pg_store_test, direct_pairs_racing_across_four_instances_are_created_once) {
  constexpr int instances = 4, pairs = 10;
  std::vector<std::unique_ptr<postgres::pg_store>> stores;
  stores.reserve(instances);
  for (int i = 0; i < instances; ++i) stores.push_back(open());
  std::vector<std::vector<std::pair<std::string, bool>>> got(instances);
  std::vector<std::thread> pool;
  pool.reserve(instances);
  for (int i = 0; i < instances; ++i)
    pool.emplace_back([&, i] {
      for (int p = 0; p < pairs; ++p) {
        const std::string a = "a" + std::to_string(p), b = "b" + std::to_string(p);
        auto r = stores[i]->create_direct_conversation(i % 2 ? direct(a, b, at(p))
                                                             : direct(b, a, at(p)));
        ASSERT_TRUE(r) << r.error().message;
        got[i].emplace_back(r->first.id, r->second);
      }
    });
  for (auto& t : pool) t.join();
  for (int p = 0; p < pairs; ++p) {
    int created = 0;
    for (int i = 0; i < instances; ++i) {
      EXPECT_EQ(got[i][p].first, got[0][p].first) << "pair " << p;
      created += got[i][p].second ? 1 : 0;
    }
    EXPECT_EQ(created, 1) << "pair " << p;
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM conversations"), pairs);
  EXPECT_EQ(scalar("SELECT count(*) FROM participants"), 2 * pairs);
}

TEST_F(pg_store_test, broken_connection_is_reset_and_the_call_retried) {
  auto s =
      postgres::pg_store::open({.conninfo = url_, .schema = schema_, .application_name = schema_});
  ASSERT_TRUE(s);
  auto conv = (*s)->create_conversation(group("a", {}, at(1))).value().id;
  EXPECT_EQ(scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                   " WHERE application_name = '" +
                   schema_ + "'"),
            1);
  auto m = (*s)->insert_message(text(conv, "a", "after the reset", at(2)));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->seq, 1);
  EXPECT_TRUE((*s)->ping());
}

TEST_F(pg_store_test, a_send_retried_after_its_connection_broke_is_answered_as_stored_once) {
  auto s =
      postgres::pg_store::open({.conninfo = url_, .schema = schema_, .application_name = schema_});
  ASSERT_TRUE(s);
  auto conv = (*s)->create_conversation(group("a", {}, at(1))).value().id;
  auto m = text(conv, "a", "maybe lost", at(2));
  m.id = core::make_object_id();
  // The first try committed, but its answer is lost with the connection.
  ASSERT_EQ((*s)->insert_message_checked(m).value().outcome, send_check::stored);
  EXPECT_EQ(scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                   " WHERE application_name = '" +
                   schema_ + "'"),
            1);
  auto again = (*s)->insert_message_checked(m);  // reconnects, then finds the row by id
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->outcome, send_check::stored);
  EXPECT_EQ(again->stored.seq, 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), 1);
  EXPECT_EQ(scalar("SELECT last_seq FROM conversations"), 1);
}

TEST_F(pg_store_test, a_batch_commits_its_calls_together) {
  auto s = open();
  auto conv = s->create_conversation(group("a", {"b"}, at(1))).value().id;
  ASSERT_TRUE(s->begin_batch());
  for (int i = 0; i < 3; ++i) {
    auto m = text(conv, "a", "m" + std::to_string(i), at(2 + i));
    m.id = core::make_object_id();
    EXPECT_EQ(s->insert_message_checked(m).value().stored.seq, i + 1);
  }
  auto added = s->add_participant(conv, {"c", participant_role::member, at(9)}, at(9));
  EXPECT_TRUE(added && *added);  // its own transaction is a savepoint of the batch
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), 0);  // nothing visible before the commit
  ASSERT_TRUE(s->end_batch());
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM participants"), 3);
  EXPECT_EQ(scalar("SELECT last_seq FROM conversations"), 3);
}

TEST_F(pg_store_test, a_batch_whose_connection_broke_fails_whole_and_stores_nothing) {
  auto s =
      postgres::pg_store::open({.conninfo = url_, .schema = schema_, .application_name = schema_});
  ASSERT_TRUE(s);
  auto conv = (*s)->create_conversation(group("a", {}, at(1))).value().id;
  ASSERT_TRUE((*s)->begin_batch());
  auto first = text(conv, "a", "before the break", at(2));
  first.id = core::make_object_id();
  ASSERT_TRUE((*s)->insert_message_checked(first));  // answered, but only held until the commit
  EXPECT_EQ(scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                   " WHERE application_name = '" +
                   schema_ + "'"),
            1);
  auto second = text(conv, "a", "after the break", at(3));
  second.id = core::make_object_id();
  // No reset and no retry inside a batch: that would commit this call alone.
  EXPECT_FALSE((*s)->insert_message_checked(second));
  EXPECT_FALSE((*s)->end_batch());
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), 0);
  // Outside the batch the store reconnects by itself.
  auto third = text(conv, "a", "later", at(4));
  third.id = core::make_object_id();
  auto r = (*s)->insert_message_checked(third);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stored.seq, 1);
}

TEST_F(pg_store_test, a_pipelined_batch_with_a_failing_send_fails_whole_and_stays_usable) {
  auto s = open();
  auto conv = s->create_conversation(group("a", {}, at(1))).value().id;
  std::vector<message> sends;
  for (const char* content : {"fine", "bad \xff utf-8", "fine too"}) {
    sends.push_back(text(conv, "a", content, at(2)));
    sends.back().id = core::make_object_id();
  }
  ASSERT_TRUE(s->begin_batch());
  auto answers = s->insert_messages_checked(sends);  // the server refuses the second statement
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& a : answers) EXPECT_FALSE(a);
  EXPECT_FALSE(s->end_batch());
  EXPECT_EQ(scalar("SELECT count(*) FROM messages"), 0);
  // The pipeline was left cleanly: the same connection takes the next batch.
  sends.erase(sends.begin() + 1);
  ASSERT_TRUE(s->begin_batch());
  answers = s->insert_messages_checked(sends);
  ASSERT_TRUE(s->end_batch());
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].value().stored.seq, 1);
  EXPECT_EQ(answers[1].value().stored.seq, 2);
}

TEST_F(pg_store_test, database_errors_are_internal_and_not_leaked) {
  auto s = open();
  auto conv = s->create_conversation(group("a", {}, at(1))).value().id;
  admin_->exec("DROP TABLE messages CASCADE");
  auto r = s->insert_message(text(conv, "a", "x", at(2)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::error_code::internal_error);
  EXPECT_EQ(r.error().message, "store: database error");  // the libpq text is only logged
  EXPECT_EQ(s->get_conversation(conv).value()->last_message_at, std::nullopt);  // rolled back
  EXPECT_TRUE(s->ping());
}

TEST_F(pg_store_test, url_postgresql_and_postgres_schemes_open) {
  const std::string rest = url_.substr(url_.find("://"));
  for (const std::string scheme : {"postgresql", "postgres"}) {
    auto s = open_store(scheme + rest + "?options=-csearch_path%3D" + schema_);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE((*s)->ping());
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM schema_migrations"), latest);
}

TEST_F(pg_store_test, unknown_database_is_refused_with_the_reason) {
  const std::string server = url_.substr(0, url_.rfind('/'));
  auto s = open_store(server + "/chatgate_no_such_db");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("DATABASE_URL: cannot connect to PostgreSQL: "),
            std::string::npos);
  EXPECT_NE(s.error().message.find("chatgate_no_such_db"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace chatgate::store::testing
