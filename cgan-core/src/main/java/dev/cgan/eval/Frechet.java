package dev.cgan.eval;

/**
 * The Fréchet distance between two sets of feature vectors, each summarised by a Gaussian (mean and
 * covariance), as TF-GAN's {@code frechet_classifier_distance} (FID with another classifier):
 *
 * <pre>d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2·(Σ₁Σ₂)^½)</pre>
 *
 * <p>Σ₁Σ₂ is not symmetric, but it is similar to A = Σ₁^½·Σ₂·Σ₁^½, which is symmetric positive
 * semi-definite, so Tr (Σ₁Σ₂)^½ = Tr A^½ = Σ √λᵢ(A). Both square roots come from a symmetric
 * eigen-decomposition ({@link SymmetricEigen}) with eigenvalues that rounding pushed slightly below
 * zero clamped to zero; no general (complex) matrix square root is needed. All arithmetic is double
 * precision.
 */
final class Frechet {
  private Frechet() {}

  /**
   * A Gaussian fitted to feature vectors.
   *
   * @param mean d values
   * @param covariance d × d, symmetric positive semi-definite
   */
  public record Gaussian(double[] mean, double[][] covariance) {
    /**
     * Sample mean and unbiased sample covariance (divided by n − 1, as {@code numpy.cov}).
     *
     * @param features n × d vectors, n ≥ 2
     */
    public static Gaussian fit(float[][] features) {
      int n = features.length;
      if (n < 2) {
        throw new IllegalArgumentException("need at least 2 feature vectors, got " + n);
      }
      int d = features[0].length;
      double[] mean = new double[d];
      for (float[] f : features) {
        if (f.length != d) {
          throw new IllegalArgumentException(
              "feature vectors of different lengths: " + f.length + " and " + d);
        }
        for (int i = 0; i < d; i++) {
          mean[i] += f[i];
        }
      }
      for (int i = 0; i < d; i++) {
        mean[i] /= n;
      }
      double[][] cov = new double[d][d];
      double[] centred = new double[d];
      for (float[] f : features) {
        for (int i = 0; i < d; i++) {
          centred[i] = f[i] - mean[i];
        }
        for (int i = 0; i < d; i++) {
          double ci = centred[i];
          double[] row = cov[i];
          for (int j = i; j < d; j++) {
            row[j] += ci * centred[j];
          }
        }
      }
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          cov[i][j] /= n - 1;
          cov[j][i] = cov[i][j];
        }
      }
      return new Gaussian(mean, cov);
    }
  }

  /** The Fréchet distance between Gaussians fitted to two sets of n × d feature vectors. */
  public static double distance(float[][] a, float[][] b) {
    return distance(Gaussian.fit(a), Gaussian.fit(b));
  }

  /**
   * ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2·Tr (Σ₁Σ₂)^½; never negative (a rounding residue below zero is
   * reported as 0).
   */
  public static double distance(Gaussian g1, Gaussian g2) {
    int d = g1.mean().length;
    if (g2.mean().length != d) {
      throw new IllegalArgumentException("dimensions differ: " + d + " and " + g2.mean().length);
    }
    double meanTerm = 0;
    for (int i = 0; i < d; i++) {
      double diff = g1.mean()[i] - g2.mean()[i];
      meanTerm += diff * diff;
    }
    double traces = trace(g1.covariance()) + trace(g2.covariance());
    return Math.max(0, meanTerm + traces - 2 * traceSqrtProduct(g1.covariance(), g2.covariance()));
  }

  /** Tr (S₁S₂)^½ for symmetric PSD S₁, S₂: Σ √λ of S₁^½·S₂·S₁^½. */
  static double traceSqrtProduct(double[][] s1, double[][] s2) {
    double[][] root = sqrtPsd(s1);
    SymmetricEigen e = SymmetricEigen.of(symmetrised(multiply(multiply(root, s2), root)));
    double sum = 0;
    for (double lambda : e.values) {
      sum += Math.sqrt(Math.max(0, lambda));
    }
    return sum;
  }

  /**
   * The symmetric PSD square root R of a symmetric PSD matrix S (R·R = S): V·diag(√max(λ, 0))·Vᵀ.
   */
  static double[][] sqrtPsd(double[][] s) {
    SymmetricEigen e = SymmetricEigen.of(symmetrised(s));
    int n = s.length;
    double[] roots = new double[n];
    for (int k = 0; k < n; k++) {
      roots[k] = Math.sqrt(Math.max(0, e.values[k]));
    }
    double[][] r = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += e.vectors[i][k] * roots[k] * e.vectors[j][k];
        }
        r[i][j] = sum;
        r[j][i] = sum;
      }
    }
    return r;
  }

  static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    int m = b[0].length;
    int inner = b.length;
    double[][] c = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < inner; k++) {
        double aik = a[i][k];
        double[] bk = b[k];
        double[] ci = c[i];
        for (int j = 0; j < m; j++) {
          ci[j] += aik * bk[j];
        }
      }
    }
    return c;
  }

  private static double[][] symmetrised(double[][] a) {
    int n = a.length;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = (a[i][j] + a[j][i]) / 2;
      }
    }
    return s;
  }

  private static double trace(double[][] a) {
    double t = 0;
    for (int i = 0; i < a.length; i++) {
      t += a[i][i];
    }
    return t;
  }
}
