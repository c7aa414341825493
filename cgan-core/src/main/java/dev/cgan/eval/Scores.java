package dev.cgan.eval;

/**
 * Per-sample metrics computed from the classifier's outputs, in double precision: conditional
 * accuracy, the classifier ("Inception") score and feature-space diversity.
 */
final class Scores {
  private Scores() {}

  /** Index of the largest value (the first one on ties). */
  public static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Fraction of samples whose predicted class equals the requested label.
   *
   * @param predicted n predicted classes
   * @param labels n requested classes
   * @return in [0, 1]; NaN when n = 0
   */
  public static double accuracy(int[] predicted, int[] labels) {
    requireSameLength(predicted.length, labels.length);
    int hits = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        hits++;
      }
    }
    return (double) hits / labels.length;
  }

  /**
   * Accuracy restricted to each requested class.
   *
   * @return numClasses fractions; NaN for a class with no sample
   */
  public static double[] accuracyPerClass(int[] predicted, int[] labels, int numClasses) {
    requireSameLength(predicted.length, labels.length);
    int[] hits = new int[numClasses];
    int[] counts = new int[numClasses];
    for (int i = 0; i < labels.length; i++) {
      counts[labels[i]]++;
      if (predicted[i] == labels[i]) {
        hits[labels[i]]++;
      }
    }
    double[] out = new double[numClasses];
    for (int k = 0; k < numClasses; k++) {
      out[k] = (double) hits[k] / counts[k];
    }
    return out;
  }

  /**
   * The classifier score of TF-GAN's {@code classifier_score} / {@code mnist_score} (the Inception
   * score with an MNIST classifier): exp(mean over samples of KL(p(y|x) ‖ p(y))), where p(y) is the
   * mean of p(y|x) over the samples. 1 when every sample gets the same distribution; the number of
   * classes when every sample is classified with certainty and the classes are used equally.
   *
   * @param probabilities n × k class probabilities, each row summing to 1
   */
  public static double classifierScore(float[][] probabilities) {
    int n = probabilities.length;
    if (n == 0) {
      throw new IllegalArgumentException("no samples");
    }
    int k = probabilities[0].length;
    double[] marginal = new double[k];
    for (float[] p : probabilities) {
      for (int j = 0; j < k; j++) {
        marginal[j] += p[j];
      }
    }
    for (int j = 0; j < k; j++) {
      marginal[j] /= n;
    }
    double klSum = 0;
    for (float[] p : probabilities) {
      for (int j = 0; j < k; j++) {
        // 0 · log 0 = 0; p(y) > 0 wherever some p(y|x) > 0.
        if (p[j] > 0) {
          klSum += p[j] * (Math.log(p[j]) - Math.log(marginal[j]));
        }
      }
    }
    return Math.exp(klSum / n);
  }

  /**
   * Mean Euclidean distance over all pairs of distinct rows: how spread out a set of feature
   * vectors is. Near 0 when a generator draws (almost) the same image every time (mode collapse).
   *
   * @param features m × d vectors, m ≥ 2
   */
  public static double meanPairwiseDistance(float[][] features) {
    int m = features.length;
    if (m < 2) {
      throw new IllegalArgumentException("need at least 2 vectors, got " + m);
    }
    double sum = 0;
    for (int i = 0; i < m; i++) {
      float[] a = features[i];
      for (int j = i + 1; j < m; j++) {
        float[] b = features[j];
        double d2 = 0;
        for (int c = 0; c < a.length; c++) {
          double d = a[c] - b[c];
          d2 += d * d;
        }
        sum += Math.sqrt(d2);
      }
    }
    return sum / ((double) m * (m - 1) / 2);
  }

  private static void requireSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException(a + " predictions for " + b + " labels");
    }
  }
}
