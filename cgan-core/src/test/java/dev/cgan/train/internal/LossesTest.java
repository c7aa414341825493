package dev.cgan.train.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class LossesTest {
  @Test
  void discriminatorLossIsHalfTheSumOfBothMeanSquares() {
    // real scores {0.5, 2, -1, 1}: (1 - d)² = {0.25, 1, 4, 0} → mean 1.3125
    // fake scores {0.1, -0.3, 0.6, 0}: d² = {0.01, 0.09, 0.36, 0} → mean 0.115
    // L_D = ½ (0.115 + 1.3125) = 0.71375
    assertEquals(
        0.71375,
        eval(
            tf ->
                Losses.discriminator(
                    tf,
                    tf.constant(new float[][] {{0.5f}, {2f}, {-1f}, {1f}}),
                    tf.constant(new float[][] {{0.1f}, {-0.3f}, {0.6f}, {0f}}))),
        1e-6);
  }

  @Test
  void generatorLossIsTheMeanSquareDistanceFromOne() {
    // (1 - d)² for {0.1, -0.3, 0.6, 0} = {0.81, 1.69, 0.16, 1} → mean 0.915
    assertEquals(
        0.915,
        eval(
            tf -> Losses.generator(tf, tf.constant(new float[][] {{0.1f}, {-0.3f}, {0.6f}, {0f}}))),
        1e-6);
  }

  @Test
  void perfectScoresGiveZeroLoss() {
    assertEquals(
        0,
        eval(
            tf ->
                Losses.discriminator(
                    tf, tf.constant(new float[] {1f, 1f}), tf.constant(new float[] {0f, 0f}))),
        0);
    assertEquals(0, eval(tf -> Losses.generator(tf, tf.constant(new float[] {1f, 1f, 1f}))), 0);
  }

  private static double eval(java.util.function.Function<Ops, Operand<TFloat32>> loss) {
    try (Graph g = new Graph()) {
      Operand<TFloat32> l = loss.apply(Ops.create(g));
      try (Session s = new Session(g);
          Result r = s.runner().fetch(l).run()) {
        return ((TFloat32) r.get(0)).getFloat();
      }
    }
  }
}
