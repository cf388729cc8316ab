// test_mpi.c compiled as C++11: safenorm_mpi.h (extern "C", no C-only constructs) in C++.
#include "test_mpi.c"
