# Project-wide warnings, applied per target with chatgate_warnings(target).
function(chatgate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
    -Wno-missing-field-initializers $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)
endfunction()

# chatgate_module(name SOURCES ... DEPS ...): a static library chatgate_<name>, include root src/.
function(chatgate_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(chatgate_${name} STATIC ${M_SOURCES})
  target_include_directories(chatgate_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(chatgate_${name} PUBLIC ${M_DEPS})
  chatgate_warnings(chatgate_${name})
endfunction()

# chatgate_test(name SOURCES ... DEPS ...): a GoogleTest binary registered with CTest.
function(chatgate_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  chatgate_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "unit;${T_LABELS}")
endfunction()
