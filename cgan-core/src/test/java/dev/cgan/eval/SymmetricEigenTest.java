package dev.cgan.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
  /**
   * Covariances of fifty nearly equal feature vectors that differ in a few entries by a few float32
   * ulps, as an AVX2 CPU gives for one image drawn fifty times: EJML's symmetric QR gives up on
   * some of them; every one must still decompose, A = V·diag(λ)·Vᵀ with V orthogonal.
   */
  @Test
  void nearlyNullSparseCovariancesDecomposeWhereTheSymmetricQrGivesUp() {
    Random random = new Random(1);
    int d = 128, n = 50, qrFailures = 0;
    for (int trial = 0; trial < 120; trial++) {
      double[][] x = new double[n][d];
      for (int k = 0, changed = 1 + trial % 12; k < changed; k++) {
        x[random.nextInt(n)][random.nextInt(d)] =
            Math.ulp(1f) * (1 + random.nextInt(3)) * (random.nextBoolean() ? 1 : -1);
      }
      double[][] cov = covariance(x);
      DMatrixRMaj m = new DMatrixRMaj(cov);
      if (!DecompositionFactory_DDRM.eig(d, true, true).decompose(m)) {
        qrFailures++;
      }
      SymmetricEigen e = SymmetricEigen.of(cov);
      double scale = 0;
      for (double[] row : cov) {
        for (double v : row) {
          scale = Math.max(scale, Math.abs(v));
        }
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double back = 0, dot = 0;
          for (int k = 0; k < d; k++) {
            back += e.vectors[i][k] * e.values[k] * e.vectors[j][k];
            dot += e.vectors[k][i] * e.vectors[k][j];
          }
          assertEquals(cov[i][j], back, 1e-9 * scale, "A[" + i + "][" + j + "], trial " + trial);
          assertEquals(i == j ? 1 : 0, dot, 1e-9, "VᵀV[" + i + "][" + j + "], trial " + trial);
        }
      }
    }
    assertTrue(
        qrFailures > 0, "the fallback was exercised: the QR failed " + qrFailures + " times");
  }

  private static double[][] covariance(double[][] x) {
    int n = x.length, d = x[0].length;
    double[] mean = new double[d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / n;
      }
    }
    double[][] c = new double[d][d];
    for (double[] row : x) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) / (n - 1);
        }
      }
    }
    return c;
  }
}
