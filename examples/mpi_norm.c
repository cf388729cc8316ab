/* safenorm example: the norm of a vector distributed over MPI ranks (safenorm_mpi.h).
 *
 * Each rank holds a block of a vector of 1000 values from 1e300 to 2e300 (blocks of unequal
 * sizes; some ranks may hold nothing) and calls safenorm_mpi_dnrm2 with its block.  Every
 * rank gets the same bits, and they are the bits of safenorm_dnrm2 on the whole vector,
 * which every rank recomputes here from the same formula to compare.  A second vector is an
 * exact rounding tie ((2^53 + 1)^2 = (2^53)^2 + (2^27)^2 + 1, spread over the ranks), where
 * the fast state cannot decide and the exact round runs.
 *
 * Build and run (see README, "Norms of distributed vectors (MPI)"):
 *   cmake -S . -B build/mpi -DSAFENORM_MPI=ON && cmake --build build/mpi --target safenorm_mpi_norm
 *   mpiexec -n 4 ./build/mpi/safenorm_mpi_norm      (Open MPI: add --oversubscribe on few cores) */
static long exact_rounds = 0;
#define SAFENORM_MPI_EXACT_ROUND_HOOK() (exact_rounds++) /* optional: count exact rounds */
#include "safenorm_mpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1000

static double element(size_t i) { return 1e300 * (1.0 + (double)i / (N - 1)); }

/* Block of rank r of `size` ranks: unequal sizes (rank r gets a share proportional to r + 1,
 * rank 1 of 3 or more gets none). */
static void block(int r, int size, size_t *start, size_t *len) {
    size_t total = 0, before = 0;
    for (int q = 0; q < size; q++) {
        size_t w = (size >= 3 && q == 1) ? 0 : (size_t)q + 1;
        total += w;
        if (q < r) before += w;
    }
    size_t w = (size >= 3 && r == 1) ? 0 : (size_t)r + 1;
    *start = N * before / total;
    *len = N * (before + w) / total - *start;
}

int main(int argc, char **argv) {
    int rank, size, bad = 0, any_bad = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char *expect = getenv("SAFENORM_MPI_EXPECT_RANKS"); /* set by the CTest run */
    if (expect && atoi(expect) != size) {
        fprintf(stderr, "mpi_norm: %d rank(s), expected %s: wrong mpiexec for this MPI?\n", size, expect);
        MPI_Finalize();
        return 1;
    }

    /* 1. A vector whose naive sum of squares overflows. */
    size_t start, len;
    block(rank, size, &start, &len);
    double *mine = (double *)malloc((len ? len : 1) * sizeof(double));
    double *whole = (double *)malloc(N * sizeof(double));
    if (!mine || !whole) MPI_Abort(MPI_COMM_WORLD, 2);
    for (size_t i = 0; i < len; i++) mine[i] = element(start + i);
    for (size_t i = 0; i < N; i++) whole[i] = element(i);

    double norm = 0.0;
    int status = safenorm_mpi_dnrm2(MPI_COMM_WORLD, len, mine, 1, &norm);
    if (status != SAFENORM_OK) {
        fprintf(stderr, "rank %d: safenorm_mpi_dnrm2: %d (%s)\n", rank, status, safenorm_mpi_strerror(status));
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    double single = safenorm_dnrm2(N, whole, 1);
    double naive = 0.0;
    for (size_t i = 0; i < N; i++) naive += whole[i] * whole[i];
    naive = sqrt(naive);
    bad |= memcmp(&norm, &single, sizeof norm) != 0;
    if (rank == 0) {
        printf("%d ranks, %d values from 1e300 to 2e300, rank 0 holds %lu of them\n", size, N,
               (unsigned long)len);
        printf("  naive sqrt(sum x_i^2)                      %.17g\n", naive);
        printf("  safenorm_mpi_dnrm2 (distributed)           %.17g\n", norm);
        printf("  safenorm_dnrm2 (whole vector, one process) %.17g  %s\n", single,
               bad ? "[MISMATCH]" : "[same bits]");
    }

    /* 2. An exact tie: sqrt((2^53)^2 + (2^27)^2 + 1^2) = 2^53 + 1, halfway between two
     * doubles; the fast state cannot decide, the exact round does (ties to even: 2^53).
     * Element j goes to rank j % size: rank r's piece is every size-th element from tie[r]
     * (a strided piece; ranks 3 and above hold nothing). */
    const double tie[3] = {ldexp(1.0, 53), ldexp(1.0, 27), 1.0};
    size_t tn = rank < 3 ? (size_t)((3 - rank + size - 1) / size) : 0;
    const double *tx = rank < 3 ? tie + rank : tie;
    double tnorm = 0.0;
    status = safenorm_mpi_dnrm2(MPI_COMM_WORLD, tn, tx, (ptrdiff_t)size, &tnorm);
    double tsingle = safenorm_dnrm2(3, tie, 1);
    int tbad = status != SAFENORM_OK || memcmp(&tnorm, &tsingle, sizeof tnorm) != 0;
    bad |= tbad;
    if (rank == 0) {
        printf("a rounding tie, 2^53 + 1 exactly, spread over the ranks (exact rounds taken: %ld)\n",
               exact_rounds);
        printf("  safenorm_mpi_dnrm2 (distributed)           %.17g\n", tnorm);
        printf("  safenorm_dnrm2 (whole vector, one process) %.17g  %s\n", tsingle,
               tbad ? "[MISMATCH]" : "[same bits]");
    }

    MPI_Allreduce(&bad, &any_bad, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    if (rank == 0) printf("%s\n", any_bad ? "MISMATCH on some rank" : "every rank got the same bits");
    free(mine);
    free(whole);
    MPI_Finalize();
    return any_bad ? 1 : 0;
}
