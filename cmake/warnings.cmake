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
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  # gtest_discover_tests flattens list-valued PROPERTIES (LABELS "unit;x" would reach CTest as
  # "unit" only), so the discovered tests are labelled by a script that runs after discovery.
  set(labels "unit;${T_LABELS}")
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake
    "foreach(t IN LISTS ${name}_TESTS)\n"
    "  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${labels}\")\n"
    "endforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES
    ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
endfunction()
