// sqlite::checkpointer: the writer's WAL is checkpointed on the checkpointer's thread, PASSIVE at
// wal_pages, RESTART at writer_wal_pages (which bounds the WAL under writes that never pause).
#include "store/sqlite/checkpointer.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/sqlite/connection.hpp"
#include "store_fixture.hpp"

namespace chatgate::store::testing {
namespace {

using sqlite::checkpoint_settings;
using sqlite::checkpointer;
using sqlite::connection;

class checkpointing : public store_fixture {
 protected:
  /// The writer, as sqlite_store sets it up: WAL, synchronous=NORMAL, one table.
  std::unique_ptr<connection> open_writer() {
    auto db = std::make_unique<connection>(path_);
    db->exec("PRAGMA busy_timeout = 5000");
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    db->exec("PRAGMA wal_checkpoint(TRUNCATE)");  // the WAL starts empty
    return db;
  }

  /// One transaction per row, each about a page of WAL.
  static void insert_rows(connection& db, int n) {
    const std::string body(3000, 'x');
    for (int i = 0; i < n; ++i) {
      sqlite::transaction tx(db);
      db.prepare("INSERT INTO t (body) VALUES (?1)").bind(1, body).run();
      tx.commit();
    }
  }

  std::uintmax_t size_of(const std::string& file) const {
    std::error_code ec;
    const auto n = std::filesystem::file_size(file, ec);
    return ec ? 0 : n;
  }

  template <class Pred>
  static bool eventually(Pred p) {
    for (int i = 0; i < 500 && !p(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return p();
  }

  static constexpr std::uintmax_t frame_bytes = 4096 + 24;
};

TEST_F(checkpointing, copies_the_wal_into_the_database_on_its_own_thread_past_wal_pages) {
  auto writer = open_writer();
  const auto db_before = size_of(path_);
  checkpointer cp(path_, {.wal_pages = 16, .writer_wal_pages = 256});
  cp.attach(*writer);

  insert_rows(*writer, 3);  // a few pages each, under the threshold: nothing to do
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(cp.checkpoints(), 0u);
  EXPECT_EQ(size_of(path_), db_before);

  insert_rows(*writer, 40);
  ASSERT_TRUE(eventually([&] { return cp.checkpoints() >= 1; }));
  EXPECT_EQ(cp.writer_checkpoints(), 0u);
  // The rows' pages reached the database file: it grew by at least the rows checkpointed.
  EXPECT_TRUE(eventually([&] { return size_of(path_) >= db_before + 10 * 4096; }))
      << size_of(path_) << " vs " << db_before;
  EXPECT_EQ(writer->query_int("SELECT count(*) FROM t"), 43);
  checkpointer::detach(*writer);
}

TEST_F(checkpointing, bounds_the_wal_of_a_writer_that_never_pauses_by_its_own_checkpoints) {
  auto writer = open_writer();
  // The thread's checkpoints never due: what bounds the WAL here is the writer's own.
  checkpointer cp(path_, {.wal_pages = 1 << 30, .writer_wal_pages = 64});
  cp.attach(*writer);

  insert_rows(*writer, 1000);  // ~1,000 pages of WAL without a cap
  EXPECT_GE(cp.writer_checkpoints(), 1u);
  EXPECT_EQ(cp.checkpoints(), 0u);
  // Each of them lets the next commit write the WAL from its start: the file stays near the
  // limit (64 pages, plus one commit's).
  EXPECT_LT(size_of(path_ + "-wal"), 4 * 64 * frame_bytes) << size_of(path_ + "-wal");
  EXPECT_EQ(writer->query_int("SELECT count(*) FROM t"), 1000);
  checkpointer::detach(*writer);
}

TEST_F(checkpointing, bounds_the_wal_while_the_background_checkpoint_runs_all_the_time) {
  auto writer = open_writer();
  // A background checkpoint due after every commit: whenever the writer reaches its limit, one
  // is likely running and holds the checkpoint lock. The writer waits for it rather than
  // failing with SQLITE_BUSY and letting the WAL grow (as a slow disk under ASan once showed).
  checkpointer cp(path_, {.wal_pages = 1, .writer_wal_pages = 64});
  cp.attach(*writer);

  insert_rows(*writer, 1000);
  EXPECT_GE(cp.writer_checkpoints(), 1u);
  EXPECT_GE(cp.checkpoints(), 1u);
  EXPECT_LT(size_of(path_ + "-wal"), 4 * 64 * frame_bytes) << size_of(path_ + "-wal");
  EXPECT_EQ(writer->query_int("SELECT count(*) FROM t"), 1000);
  checkpointer::detach(*writer);
}

TEST_F(checkpointing, a_store_set_writer_checkpoints_in_the_background_and_keeps_every_row) {
  // Through sqlite_store: many small sends past a small threshold, read back by a reader.
  sqlite::sqlite_settings s{.path = path_,
                            .checkpoint = {.wal_pages = 64, .writer_wal_pages = 256},
                            .background_checkpoint = true};
  auto writer = std::move(*sqlite::sqlite_store::open(s));
  auto c = *writer->create_conversation(group("ann", {"bob"}, at(1)));
  std::string last_id;
  for (int i = 0; i < 300; ++i) {
    auto m = writer->insert_message(text(c.id, "ann", "m" + std::to_string(i), at(2 + i)));
    ASSERT_TRUE(m);
    last_id = m->id;
  }
  auto reader = std::move(*sqlite::sqlite_store::open({.path = path_}));
  const auto last = *reader->get_message(last_id);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->seq, 300);
  // Without a limit the WAL would hold every send's pages (several each: ~3,000 in all).
  EXPECT_LT(size_of(path_ + "-wal"), 1024 * frame_bytes) << size_of(path_ + "-wal");
}

}  // namespace
}  // namespace chatgate::store::testing
