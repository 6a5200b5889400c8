# Unit tests of the specification: the descriptor syntax (with a RapidCheck
# round-trip property over random legal problems, fast enough to run with
# the units) and the problem model's validation. Included from this folder's
# CMakeLists.txt.
add_executable(descriptor_test ${CMAKE_CURRENT_LIST_DIR}/descriptor_test.cpp)
target_link_libraries(descriptor_test PRIVATE convt_reference GTest::gtest_main rapidcheck_gtest)
gtest_discover_tests(descriptor_test PROPERTIES LABELS unit)

add_executable(problem_test ${CMAKE_CURRENT_LIST_DIR}/problem_test.cpp)
target_link_libraries(problem_test PRIVATE convt_reference GTest::gtest_main)
gtest_discover_tests(problem_test PROPERTIES LABELS unit)
