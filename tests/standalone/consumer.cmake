# The CMakeLists.txt of a project that vendors framework/ (copied by check.sh).
cmake_minimum_required(VERSION 3.16)
project(consumer LANGUAGES C)
add_subdirectory(framework)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE twice::twice)
