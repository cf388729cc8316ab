/* Row and column norms of a matrix, and its Frobenius norm, with one call each.
 * Build: cc batch.c -lsafenorm -lm */
#include <stdio.h>

#include "safenorm.h"

int main(void) {
    /* The 2 x 3 matrix [[3, 0, 4], [0, 5, 12]] in column-major order, lda = 2. */
    const double a[6] = {3, 0, 0, 5, 4, 12};
    double rows[2], cols[3];
    int st;

    /* Column norms: 3 vectors of 2 contiguous elements, 2 apart. */
    st = safenorm_dnrm2_batch(2, a, 1, 2, 3, cols, 1);
    if (st != SAFENORM_OK) return fprintf(stderr, "%s\n", safenorm_strerror(st)), 1;
    /* Row norms: 2 vectors of 3 elements at stride lda = 2, 1 apart (vectorized across
     * the rows). */
    st = safenorm_dnrm2_batch(3, a, 2, 1, 2, rows, 1);
    if (st != SAFENORM_OK) return fprintf(stderr, "%s\n", safenorm_strerror(st)), 1;

    printf("column norms: %g %g %g\n", cols[0], cols[1], cols[2]); /* 3 5 12.6491 */
    printf("row norms:    %g %g\n", rows[0], rows[1]);             /* 5 13 */
    printf("Frobenius:    %g\n", safenorm_dnrm2_matrix(2, 3, a, 2)); /* 13.9284 */

    /* Each result is bitwise what safenorm_dnrm2 gives for that vector alone. */
    return !(rows[1] == 13.0 && rows[1] == safenorm_dnrm2(3, a + 1, 2) &&
             cols[2] == safenorm_dnrm2(2, a + 4, 1) &&
             safenorm_dnrm2_matrix(2, 3, a, 2) == safenorm_dnrm2(6, a, 1));
}
