package dev.cgan.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrechetTest {
  private final SplittableRandom rnd = new SplittableRandom(42);

  @Test
  void identicalFeatureSetsAreAtDistanceZero() {
    // Correlated, partly dead (all-zero) features, as a ReLU layer gives: a singular covariance.
    float[][] f = new float[600][128];
    for (float[] row : f) {
      double shared = rnd.nextGaussian();
      for (int j = 0; j < 100; j++) {
        row[j] = (float) Math.max(0, shared * (j % 7) + rnd.nextGaussian() * (1 + j % 3));
      }
    }
    assertEquals(0, Frechet.distance(f, f), 1e-6);
  }

  @Test
  void diagonalGaussiansMatchTheClosedForm() {
    int d = 128;
    double[] mu1 = new double[d], mu2 = new double[d], s1 = new double[d], s2 = new double[d];
    double expected = 0;
    for (int i = 0; i < d; i++) {
      mu1[i] = rnd.nextGaussian();
      mu2[i] = rnd.nextGaussian();
      s1[i] = 0.1 + 3 * rnd.nextDouble();
      s2[i] = i % 10 == 0 ? 0 : 0.1 + 3 * rnd.nextDouble(); // some zero variances: a singular Σ₂
      expected += sq(mu1[i] - mu2[i]) + sq(s1[i] - s2[i]);
    }
    double fd =
        Frechet.distance(new Frechet.Gaussian(mu1, diag(s1)), new Frechet.Gaussian(mu2, diag(s2)));
    assertEquals(expected, fd, 1e-9 * expected);
  }

  @Test
  void aRotationOfBothGaussiansDoesNotChangeTheDistance() {
    // Non-diagonal covariances: Q·diag·Qᵀ for a random orthogonal Q, and means Q·μ.
    int d = 24;
    double[] mu1 = new double[d], mu2 = new double[d], s1 = new double[d], s2 = new double[d];
    double expected = 0;
    for (int i = 0; i < d; i++) {
      mu1[i] = rnd.nextGaussian();
      mu2[i] = rnd.nextGaussian();
      s1[i] = 0.5 + rnd.nextDouble();
      s2[i] = 0.5 + rnd.nextDouble();
      expected += sq(mu1[i] - mu2[i]) + sq(s1[i] - s2[i]);
    }
    double[][] q = SymmetricEigen.of(randomSymmetric(d)).vectors;
    Frechet.Gaussian g1 = new Frechet.Gaussian(times(q, mu1), conjugate(q, diag(s1)));
    Frechet.Gaussian g2 = new Frechet.Gaussian(times(q, mu2), conjugate(q, diag(s2)));
    assertEquals(expected, Frechet.distance(g1, g2), 1e-9 * expected);
  }

  @Test
  void samplesOfTwoGaussiansApproachTheClosedForm() {
    int n = 20_000, d = 4;
    double[] mu1 = {0, 1, 2, 3}, mu2 = {1, 1, 0, 3}, s1 = {1, 2, 0.5, 1}, s2 = {1, 1, 0.5, 3};
    double expected = 0;
    for (int i = 0; i < d; i++) {
      expected += sq(mu1[i] - mu2[i]) + sq(s1[i] - s2[i]);
    }
    assertEquals(
        expected, Frechet.distance(sample(n, mu1, s1), sample(n, mu2, s2)), 0.05 * expected);
  }

  @Test
  void matrixSquareRootSquaresBackEvenWhenSingular() {
    // S = B·Bᵀ with B 128×64: symmetric PSD of rank 64.
    int n = 128;
    double[][] b = new double[n][64];
    for (double[] row : b) {
      for (int j = 0; j < 64; j++) {
        row[j] = rnd.nextGaussian();
      }
    }
    double[][] s = Frechet.multiply(b, transpose(b));
    double[][] r = Frechet.sqrtPsd(s);
    double[][] rr = Frechet.multiply(r, r);
    double scale = maxAbs(s);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(s[i][j], rr[i][j], 1e-9 * scale, "R·R at " + i + "," + j);
        assertEquals(r[i][j], r[j][i], 0.0, "R symmetric");
      }
    }
  }

  @Test
  void jacobiGivesOrthonormalEigenvectors() {
    int n = 64;
    double[][] a = randomSymmetric(n);
    SymmetricEigen e = SymmetricEigen.of(a);
    double[][] av = Frechet.multiply(a, e.vectors);
    double[][] vtv = Frechet.multiply(transpose(e.vectors), e.vectors);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        assertEquals(e.vectors[i][k] * e.values[k], av[i][k], 1e-10, "A·v = λ·v");
        assertEquals(i == k ? 1 : 0, vtv[i][k], 1e-12, "VᵀV = I");
      }
    }
  }

  @Test
  void traceOfTheSquareRootOfAProductOfCommutingMatrices() {
    // diag(a)·diag(b) = diag(ab), whose square root has trace Σ √(a·b); zeros make both singular.
    double[][] a = diag(sqrtAll(new double[] {4, 9, 0, 1}));
    double[][] b = diag(sqrtAll(new double[] {1, 4, 5, 0}));
    assertEquals(2 + 6, Frechet.traceSqrtProduct(a, b), 1e-12);
  }

  private float[][] sample(int n, double[] mu, double[] sigma) {
    float[][] out = new float[n][mu.length];
    for (float[] row : out) {
      for (int i = 0; i < mu.length; i++) {
        row[i] = (float) (mu[i] + sigma[i] * rnd.nextGaussian());
      }
    }
    return out;
  }

  private double[][] randomSymmetric(int n) {
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        a[i][j] = a[j][i] = rnd.nextGaussian();
      }
    }
    return a;
  }

  /** σ → diag(σ²). */
  private static double[][] diag(double[] sigma) {
    double[][] m = new double[sigma.length][sigma.length];
    for (int i = 0; i < sigma.length; i++) {
      m[i][i] = sigma[i] * sigma[i];
    }
    return m;
  }

  private static double[] sqrtAll(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.sqrt(v[i]);
    }
    return out;
  }

  private static double[][] conjugate(double[][] q, double[][] m) {
    return Frechet.multiply(Frechet.multiply(q, m), transpose(q));
  }

  private static double[] times(double[][] q, double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < v.length; j++) {
        out[i] += q[i][j] * v[j];
      }
    }
    return out;
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  private static double maxAbs(double[][] a) {
    double m = 0;
    for (double[] row : a) {
      for (double x : row) {
        m = Math.max(m, Math.abs(x));
      }
    }
    return m;
  }

  private static double sq(double x) {
    return x * x;
  }
}
