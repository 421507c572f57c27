#pragma once
#include <boost/system/result.hpp>

#include "core/error.hpp"

namespace chatgate::core {

/// A value or an expected failure (style: expected failures are values, not exceptions).
template <class T>
using result = boost::system::result<T, error>;

/// Lets result<T>::value() throw when it holds an error (a broken invariant at the call site).
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

}  // namespace chatgate::core
