#include "test_tokens.hpp"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "core/base64.hpp"

namespace chatgate::auth::testing {

using core::base64url_encode;
namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

key_pair to_pems(EVP_PKEY* key) {
  if (!key) throw std::runtime_error("key generation failed");
  pkey_ptr owned(key, &EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub.get(), key);
  return {bio_text(priv.get()), bio_text(pub.get())};
}

void put_fixed(std::string& out, const BIGNUM* n) {
  unsigned char buf[32];
  BN_bn2binpad(n, buf, sizeof buf);
  out.append(reinterpret_cast<const char*>(buf), sizeof buf);
}

}  // namespace

key_pair make_rsa_key() {
  return to_pems(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
}

key_pair make_ec_key(const char* curve) {
  return to_pems(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

std::string sign(jwt_alg_t alg, const std::string& key, const std::string& claims_json) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new");
  std::unique_ptr<jwt_t, decltype(&jwt_free)> token(raw, &jwt_free);
  if (jwt_add_grants_json(token.get(), claims_json.c_str()) != 0)
    throw std::runtime_error("bad claims json");
  if (jwt_set_alg(token.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0)
    throw std::runtime_error("jwt_set_alg");
  std::unique_ptr<char, decltype(&std::free)> text(jwt_encode_str(token.get()), &std::free);
  if (!text) throw std::runtime_error("jwt_encode_str");
  return text.get();
}

std::string sign_es256_openssl(const std::string& private_pem, const std::string& claims_json) {
  const std::string input =
      base64url_encode(R"({"alg":"ES256","typ":"JWT"})") + "." + base64url_encode(claims_json);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())), &BIO_free);
  pkey_ptr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t len = 0;
  if (!key || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    throw std::runtime_error("ES256 sign init");
  std::string der(len, '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (EVP_DigestSign(ctx.get(), out, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    throw std::runtime_error("ES256 sign");
  const unsigned char* p = out;
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)), &ECDSA_SIG_free);
  std::string raw;
  put_fixed(raw, ECDSA_SIG_get0_r(sig.get()));
  put_fixed(raw, ECDSA_SIG_get0_s(sig.get()));
  return input + "." + base64url_encode(raw);
}

std::string sign_hs256_raw(const std::string& header_json, const std::string& claims_json,
                           const std::string& secret) {
  const std::string input = base64url_encode(header_json) + "." + base64url_encode(claims_json);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

std::string unsigned_token(const std::string& header_json, const std::string& claims_json) {
  return base64url_encode(header_json) + "." + base64url_encode(claims_json) + ".";
}

}  // namespace chatgate::auth::testing
