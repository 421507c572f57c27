#include "auth/signature_checker.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

namespace chatgate::auth {
namespace {

const auto* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

/// JOSE ES256 signatures are R || S, 32 bytes each (RFC 7518 §3.4); OpenSSL wants DER.
std::string jose_to_der(std::string_view raw) {
  if (raw.size() != 64) return {};
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(bytes(raw), 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

signature_checker::signature_checker(algorithm alg, std::string secret,
                                     std::shared_ptr<EVP_PKEY> key)
    : alg_(alg), secret_(std::move(secret)), key_(std::move(key)) {}

signature_checker signature_checker::hmac_sha256(std::string secret) {
  return signature_checker(algorithm::hs256, std::move(secret), nullptr);
}

core::result<signature_checker> signature_checker::for_key(const public_key& key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(key.pem.data(), static_cast<int>(key.pem.size())), &BIO_free);
  EVP_PKEY* parsed = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!parsed)
    return core::make_error(core::error_code::internal_error, "JWT_PUBLIC_KEY: unreadable key");
  return signature_checker(key.alg, {}, std::shared_ptr<EVP_PKEY>(parsed, &EVP_PKEY_free));
}

signature_checker signature_checker::for_pkey(algorithm alg, std::shared_ptr<EVP_PKEY> key) {
  return signature_checker(alg, {}, std::move(key));
}

bool signature_checker::verify(std::string_view signing_input, std::string_view signature) const {
  switch (alg_) {
    case algorithm::hs256:
      return verify_hmac(signing_input, signature);
    case algorithm::rs256:
      return verify_digest(signing_input, signature);
    case algorithm::es256: {
      const auto der = jose_to_der(signature);
      return !der.empty() && verify_digest(signing_input, der);
    }
  }
  return false;
}

bool signature_checker::verify_hmac(std::string_view input, std::string_view signature) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), bytes(input),
            input.size(), mac, &len))
    return false;
  // Constant time, so the comparison does not tell an attacker how many bytes were right.
  return signature.size() == len && CRYPTO_memcmp(mac, signature.data(), len) == 0;
}

bool signature_checker::verify_digest(std::string_view input, std::string_view der) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), bytes(der), der.size(), bytes(input), input.size()) == 1;
}

}  // namespace chatgate::auth
