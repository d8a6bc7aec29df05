# The CMakeLists.txt of a project built against an installed Twice (copied by check.sh):
# one program on the shared library, one on the static one.
cmake_minimum_required(VERSION 3.16)
project(installed_consumer LANGUAGES C)
find_package(twice 0.1 REQUIRED)
add_executable(consumer-shared consumer.c)
target_link_libraries(consumer-shared PRIVATE twice::twice)
add_executable(consumer-static consumer.c)
target_link_libraries(consumer-static PRIVATE twice::twice_static)
