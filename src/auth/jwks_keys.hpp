#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/jwks.hpp"
#include "auth/signature_checker.hpp"

namespace chatgate::auth {

/// The keys of a JWKS document by `kid` (contract §9 JWT_JWKS_URL), shared between the fetcher,
/// which replaces them on its io thread, and verifiers, which read them from any thread: the map
/// is behind a mutex and replaced whole, and a reader keeps the checker it found alive.
class jwks_keys {
 public:
  /// The checker for `kid`, or nullptr when no such key is loaded.
  std::shared_ptr<const signature_checker> find(std::string_view kid) const;
  /// Replaces every key (a fetched document).
  void replace(const std::vector<jwk_key>& keys);
  /// Whether a document has been loaded at least once (for /ready).
  bool loaded() const;
  std::size_t size() const;

  /// A token named a kid that is not loaded: calls the hook (the fetcher's refresh trigger,
  /// which must be cheap and thread-safe: it posts to its own executor).
  void report_unknown_kid() const;
  void on_unknown_kid(std::function<void()> hook);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const signature_checker>, std::less<>> keys_;
  bool loaded_ = false;
  std::function<void()> on_unknown_;
};

}  // namespace chatgate::auth
