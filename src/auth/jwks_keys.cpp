#include "auth/jwks_keys.hpp"

namespace chatgate::auth {

std::shared_ptr<const signature_checker> jwks_keys::find(std::string_view kid) const {
  std::lock_guard lock(mutex_);
  const auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : it->second;
}

void jwks_keys::replace(const std::vector<jwk_key>& keys) {
  std::map<std::string, std::shared_ptr<const signature_checker>, std::less<>> next;
  for (const auto& k : keys)
    next.emplace(k.kid, std::make_shared<const signature_checker>(
                            signature_checker::for_pkey(k.alg, k.key)));
  std::lock_guard lock(mutex_);
  keys_ = std::move(next);
  loaded_ = true;
}

bool jwks_keys::loaded() const {
  std::lock_guard lock(mutex_);
  return loaded_;
}

std::size_t jwks_keys::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

void jwks_keys::report_unknown_kid() const {
  std::function<void()> hook;
  {
    std::lock_guard lock(mutex_);
    hook = on_unknown_;
  }
  if (hook) hook();
}

void jwks_keys::on_unknown_kid(std::function<void()> hook) {
  std::lock_guard lock(mutex_);
  on_unknown_ = std::move(hook);
}

}  // namespace chatgate::auth
