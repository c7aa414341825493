package dev.cgan.eval;

/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in double precision:
 * A = V·diag(λ)·Vᵀ with V orthogonal. Jacobi is slow for large matrices but for the 128×128
 * covariances here it takes milliseconds, and it is accurate for small eigenvalues, which is what a
 * matrix square root of a nearly singular covariance needs.
 */
final class SymmetricEigen {
  private static final int MAX_SWEEPS = 100;

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
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      if (a[i].length != n) {
        throw new IllegalArgumentException(
            "not square: row " + i + " has " + a[i].length + " entries, expected " + n);
      }
      for (double x : a[i]) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException("matrix has a non-finite entry: " + x);
        }
      }
      m[i] = a[i].clone();
    }
    // Vᵀ, so that a rotation updates two contiguous rows rather than two strided columns.
    double[][] vt = new double[n][n];
    for (int i = 0; i < n; i++) {
      vt[i][i] = 1;
    }
    double norm = 0;
    for (double[] row : m) {
      for (double x : row) {
        norm += x * x;
      }
    }
    // Stop when the off-diagonal part is 1e-13 of the whole (Frobenius norms): just above the
    // n·ε rounding floor of a 128×128 rotation sequence, which a stricter bound could not reach.
    double tolerance = norm * 1e-26;
    for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(m) > tolerance; sweep++) {
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          if (m[p][q] != 0) {
            rotate(m, vt, p, q);
          }
        }
      }
    }
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int i = 0; i < n; i++) {
      values[i] = m[i][i];
      for (int k = 0; k < n; k++) {
        vectors[i][k] = vt[k][i];
      }
    }
    return new SymmetricEigen(values, vectors);
  }

  /**
   * One Jacobi rotation M ← Jᵀ·M·J that zeroes m[p][q] (J is the identity except J_pp = J_qq = c,
   * J_pq = s, J_qp = −s); Vᵀ ← Jᵀ·Vᵀ. M is kept symmetric, so only rows p and q are computed.
   */
  private static void rotate(double[][] m, double[][] vt, int p, int q) {
    double apq = m[p][q];
    double theta = (m[q][q] - m[p][p]) / (2 * apq);
    // t = tan φ, the smaller root of t² + 2θt − 1 = 0, so the rotation angle is at most π/4;
    // for huge θ, θ² would overflow and t ≈ 1/(2θ).
    double t =
        Math.abs(theta) > 1e150
            ? 1 / (2 * theta)
            : (theta < 0 ? -1 : 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    int n = m.length;
    double[] rowP = m[p];
    double[] rowQ = m[q];
    for (int k = 0; k < n; k++) {
      if (k == p || k == q) {
        continue;
      }
      double kp = rowP[k];
      double kq = rowQ[k];
      double newP = c * kp - s * kq;
      double newQ = s * kp + c * kq;
      rowP[k] = newP;
      m[k][p] = newP;
      rowQ[k] = newQ;
      m[k][q] = newQ;
    }
    // The 2×2 block in closed form; the zero is exact by the choice of t.
    rowP[p] -= t * apq;
    rowQ[q] += t * apq;
    rowP[q] = 0;
    rowQ[p] = 0;
    double[] vp = vt[p];
    double[] vq = vt[q];
    for (int k = 0; k < n; k++) {
      double a = vp[k];
      double b = vq[k];
      vp[k] = c * a - s * b;
      vq[k] = s * a + c * b;
    }
  }

  private static double offDiagonal(double[][] m) {
    double sum = 0;
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m.length; j++) {
        if (i != j) {
          sum += m[i][j] * m[i][j];
        }
      }
    }
    return sum;
  }
}
