# MPI (issue 9): include/safenorm_mpi.h is header-only; with -DSAFENORM_MPI=ON this finds an
# MPI implementation, builds the example examples/mpi_norm.c and the test c_tests/test_mpi.c
# (C against the shared and the static library, and the same source as C++), and registers
# them with CTest, run under mpiexec with SAFENORM_MPI_NP ranks (names contain "mpi":
# `ctest -R mpi`).  Choose the implementation with its compiler wrapper and launcher, e.g.
#   -DMPI_C_COMPILER=mpicc.openmpi -DMPIEXEC_EXECUTABLE=/usr/bin/mpiexec.openmpi
#   -DMPI_C_COMPILER=mpicc.mpich   -DMPIEXEC_EXECUTABLE=/usr/bin/mpiexec.mpich
# (Debian installs both side by side; /usr/bin/mpicc and mpiexec are alternatives that may
# point to the other one; given only MPI_C_COMPILER=mpicc.X, the launcher mpiexec.X is looked
# for first).  The programs check that they run with SAFENORM_MPI_NP ranks, so a launcher of
# another implementation (which starts SAFENORM_MPI_NP single-rank jobs) fails instead of
# passing trivially.  Target safenorm_mpi_all builds only these programs.
if(MPI_C_COMPILER MATCHES "\\.([A-Za-z0-9_]+)$" AND NOT MPIEXEC_EXECUTABLE)
  find_program(MPIEXEC_EXECUTABLE NAMES mpiexec.${CMAKE_MATCH_1} mpirun.${CMAKE_MATCH_1})
endif()
find_package(MPI REQUIRED COMPONENTS C)

set(SAFENORM_MPI_NP 4 CACHE STRING "Number of ranks for the MPI example and test")
set(SAFENORM_MPIEXEC_EXTRA_FLAGS "" CACHE STRING
    "Extra mpiexec flags for the MPI tests (empty: --oversubscribe for Open MPI, none otherwise)")

# Open MPI refuses more ranks than cores without --oversubscribe; MPICH's hydra oversubscribes
# by itself and rejects that flag.  Open MPI also refuses to run as root unless told.
set(_safenorm_mpiexec_flags ${SAFENORM_MPIEXEC_EXTRA_FLAGS})
execute_process(COMMAND ${MPIEXEC_EXECUTABLE} --version
                OUTPUT_VARIABLE _safenorm_mpiexec_version ERROR_VARIABLE _safenorm_mpiexec_version
                RESULT_VARIABLE _safenorm_rc)
if(NOT SAFENORM_MPIEXEC_EXTRA_FLAGS AND _safenorm_mpiexec_version MATCHES "Open MPI|OpenRTE")
  set(_safenorm_mpiexec_flags --oversubscribe)
endif()
string(REGEX MATCH "[^\n]*" _safenorm_mpiexec_first "${_safenorm_mpiexec_version}")
message(STATUS "safenorm MPI: ${MPI_C_COMPILER}, MPI ${MPI_C_VERSION}; launcher: ${_safenorm_mpiexec_first}")
message(STATUS "safenorm MPI: ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${SAFENORM_MPI_NP} ${_safenorm_mpiexec_flags}")

# safenorm_mpi_program(NAME SOURCE LIB [ARGS...]): an MPI program against safenorm::LIB,
# warnings as errors, run with ARGS.
function(safenorm_mpi_program name source lib)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE safenorm::${lib} MPI::MPI_C m)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  set_target_properties(${name} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON
    CXX_STANDARD 11 CXX_STANDARD_REQUIRED ON BUILD_RPATH "${SAFENORM_LIB_DIR}")
  add_test(NAME ${name}
    COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${SAFENORM_MPI_NP} ${_safenorm_mpiexec_flags}
            ${MPIEXEC_PREFLAGS} $<TARGET_FILE:${name}> ${MPIEXEC_POSTFLAGS} ${ARGN})
  # A deadlock (a rank left alone in a collective) fails by the timeout.
  set_tests_properties(${name} PROPERTIES TIMEOUT 300
    ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;SAFENORM_MPI_EXPECT_RANKS=${SAFENORM_MPI_NP}")
  add_dependencies(safenorm_mpi_all ${name})
endfunction()

add_custom_target(safenorm_mpi_all)
enable_testing()
safenorm_mpi_program(safenorm_mpi_norm examples/mpi_norm.c shared)
safenorm_mpi_program(test_mpi_shared c_tests/test_mpi.c shared)
# The same test against the static library and as C++, one pass (seed 7, "quick").
safenorm_mpi_program(test_mpi_static c_tests/test_mpi.c static 7 quick)
safenorm_mpi_program(test_mpi_cxx c_tests/test_mpi_cxx.cpp shared 7 quick)
target_include_directories(test_mpi_cxx PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/c_tests)
