package dev.cgan.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Eigen-decomposition of a real symmetric matrix in double precision, A = V·diag(λ)·Vᵀ with V
 * orthogonal, by EJML's symmetric QR algorithm (a kept library instead of the hand-written Jacobi
 * solver this class once was); this class only adapts arrays to EJML's matrices.
 */
final class SymmetricEigen {
  /** The eigenvalues, in no particular order. */
  final double[] values;

  /** The eigenvectors as columns: {@code vectors[i][k]} is component i of the k-th vector. */
  final double[][] vectors;

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /**
   * Decomposes {@code a} (n × n, symmetric; not modified). Only symmetric input gives a meaningful
   * result; callers symmetrise (A + Aᵀ)/2 first when rounding may have broken the symmetry.
   *
   * @throws IllegalArgumentException if {@code a} is not square or has a non-finite entry
   */
  static SymmetricEigen of(double[][] a) {
    int n = a.length;
    DMatrixRMaj m = new DMatrixRMaj(n, n);
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException(
            "not square: row " + i + " has " + a[i].length + " entries, expected " + n);
      }
      for (int j = 0; j < n; j++) {
        if (!Double.isFinite(a[i][j])) {
          throw new IllegalArgumentException("matrix has a non-finite entry: " + a[i][j]);
        }
        m.unsafe_set(i, j, a[i][j]);
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
    if (!eig.decompose(m.copy())) {
      return bySvd(m);
    }
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int k = 0; k < n; k++) {
      values[k] = eig.getEigenvalue(k).getReal();
      DMatrixRMaj v = eig.getEigenVector(k);
      for (int i = 0; i < n; i++) {
        vectors[i][k] = v.get(i, 0);
      }
    }
    return new SymmetricEigen(values, vectors);
  }

  /**
   * The same from the singular value decomposition A = U·Σ·Vᵀ, whose U holds A's eigenvectors when
   * A is symmetric; each eigenvalue, with its sign, is the Rayleigh quotient uᵀ·A·u. EJML's
   * symmetric QR gives up on some nearly null, sparse covariances (a generator that draws one image
   * again and again, whose features differ in a few last bits: about one in 25 such 128 × 128
   * matrices), where the SVD converges.
   */
  static SymmetricEigen bySvd(DMatrixRMaj a) {
    int n = a.numRows;
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(n, n, true, false, false);
    if (!svd.decompose(a.copy())) {
      throw new IllegalArgumentException("the eigen-decomposition did not converge");
    }
    DMatrixRMaj u = svd.getU(null, false);
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int k = 0; k < n; k++) {
      double rayleigh = 0;
      for (int i = 0; i < n; i++) {
        double row = 0;
        for (int j = 0; j < n; j++) {
          row += a.get(i, j) * u.get(j, k);
        }
        rayleigh += u.get(i, k) * row;
        vectors[i][k] = u.get(i, k);
      }
      values[k] = rayleigh;
    }
    return new SymmetricEigen(values, vectors);
  }
}
