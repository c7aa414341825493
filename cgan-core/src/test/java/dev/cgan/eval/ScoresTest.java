package dev.cgan.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScoresTest {
  @Test
  void predictionsThatMatchTheLabelsScoreOne() {
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 3};
    float[][] p = new float[labels.length][10];
    for (int i = 0; i < labels.length; i++) {
      Arrays.fill(p[i], 0.01f);
      p[i][labels[i]] = 0.91f;
    }
    int[] predicted = new DigitClassifier.Predictions(new float[labels.length][1], p).classes();
    assertEquals(1.0, Scores.accuracy(predicted, labels));
    double[] perClass = Scores.accuracyPerClass(predicted, labels, 10);
    for (double a : perClass) {
      assertEquals(1.0, a);
    }
  }

  @Test
  void accuracyPerClassCountsEachClassApart() {
    int[] labels = {0, 0, 0, 0, 1, 1};
    int[] predicted = {0, 0, 0, 1, 1, 0};
    assertEquals(4.0 / 6, Scores.accuracy(predicted, labels), 1e-12);
    double[] perClass = Scores.accuracyPerClass(predicted, labels, 3);
    assertArrayEquals(new double[] {0.75, 0.5}, Arrays.copyOf(perClass, 2), 1e-12);
    assertEquals(Double.NaN, perClass[2], "a class with no sample has no accuracy");
  }

  @Test
  void uniformPredictionsScoreOne() {
    float[][] p = new float[50][10];
    for (float[] row : p) {
      Arrays.fill(row, 0.1f);
    }
    assertEquals(1.0, Scores.classifierScore(p), 1e-6);
  }

  @Test
  void confidentBalancedPredictionsScoreTheNumberOfClasses() {
    float[][] p = new float[100][10];
    for (int i = 0; i < p.length; i++) {
      p[i][i % 10] = 1;
    }
    assertEquals(10.0, Scores.classifierScore(p), 1e-9);
  }

  @Test
  void confidentPredictionsOfOneClassScoreOne() {
    // Mode collapse: certain, but always the same class.
    float[][] p = new float[30][10];
    for (float[] row : p) {
      row[4] = 1;
    }
    assertEquals(1.0, Scores.classifierScore(p), 1e-9);
  }

  @Test
  void meanPairwiseDistanceOfAKnownTriangle() {
    // Sides 3, 4 and 5.
    float[][] points = {{0, 0}, {3, 0}, {0, 4}};
    assertEquals(4.0, Scores.meanPairwiseDistance(points), 1e-12);
  }

  @Test
  void aCollapsedSetHasNoDiversity() {
    float[][] same = new float[20][];
    for (int i = 0; i < same.length; i++) {
      same[i] = new float[] {1, 2, 3, 4};
    }
    assertEquals(0.0, Scores.meanPairwiseDistance(same));
    assertThrows(
        IllegalArgumentException.class, () -> Scores.meanPairwiseDistance(new float[1][4]));
  }
}
