package dev.cgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cgan.model.layers.BatchNorm;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class BatchNormTest {
  // Two features over a batch of 4: feature 0 = {1, 2, 3, 6} (mean 3, biased var 3.5, unbiased
  // 14/3),
  // feature 1 = {0, 0, 4, 4} (mean 2, biased var 4, unbiased 16/3).
  private static final float[][] X = {{1, 0}, {2, 0}, {3, 4}, {6, 4}};

  @Test
  void trainingUsesBatchStatisticsAndUpdatesRunningOnesLikePyTorch() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      BatchNorm bn = new BatchNorm(tf, "bn", 2, 0.8f, 0.1f);
      Operand<TFloat32> y = bn.apply(tf, tf.constant(X), true);
      try (Session s = new Session(g)) {
        float[] out;
        try (Result r =
            s.runner()
                .fetch(y)
                .addTarget(bn.updates().get(0))
                .addTarget(bn.updates().get(1))
                .run()) {
          out = ModelShapesTest.floats((TFloat32) r.get(0));
        }
        double sd0 = Math.sqrt(3.5 + 0.8), sd1 = Math.sqrt(4 + 0.8);
        float[] expected = {
          (float) ((1 - 3) / sd0), (float) (-2 / sd1),
          (float) ((2 - 3) / sd0), (float) (-2 / sd1),
          (float) (0 / sd0), (float) (2 / sd1),
          (float) ((6 - 3) / sd0), (float) (2 / sd1)
        };
        assertArrayEquals(expected, out, 1e-6f);
        try (Result r = s.runner().fetch("bn_mean").fetch("bn_var").run()) {
          assertArrayEquals(
              new float[] {0.3f, 0.2f}, ModelShapesTest.floats((TFloat32) r.get(0)), 1e-6f);
          assertArrayEquals(
              new float[] {0.9f + 0.1f * 14 / 3f, 0.9f + 0.1f * 16 / 3f},
              ModelShapesTest.floats((TFloat32) r.get(1)),
              1e-6f);
        }
      }
    }
  }

  @Test
  void inferenceUsesRunningStatisticsAndIgnoresTheBatch() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      BatchNorm bn = new BatchNorm(tf, "bn", 2, 0.8f, 0.1f);
      Operand<TFloat32> y = bn.apply(tf, tf.constant(X), false);
      try (Session s = new Session(g);
          Result r = s.runner().fetch(y).run()) {
        // Fresh running stats: mean 0, var 1 → x / sqrt(1.8).
        float[] out = ModelShapesTest.floats((TFloat32) r.get(0));
        double k = 1 / Math.sqrt(1.8);
        assertArrayEquals(
            new float[] {
              (float) k,
              0,
              (float) (2 * k),
              0,
              (float) (3 * k),
              (float) (4 * k),
              (float) (6 * k),
              (float) (4 * k)
            },
            out,
            1e-6f);
      }
      assertEquals(0, bn.updates().size());
    }
  }

  /** d/dx of sum(w ⊙ BN(x)) from TensorFlow against central finite differences. */
  @Test
  void gradientMatchesFiniteDifferences() {
    float[][] weights = {{0.3f, -1.2f}, {2.0f, 0.5f}, {-0.7f, 1.1f}, {0.9f, -0.4f}};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      BatchNorm bn = new BatchNorm(tf, "bn", 2, 0.8f, 0.1f);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
      Operand<TFloat32> loss =
          tf.reduceSum(
              tf.math.mul(bn.apply(tf, x, true), tf.constant(weights)),
              tf.constant(new int[] {0, 1}));
      Output<?> grad = g.addGradients(loss.asOutput(), new Output<?>[] {x.asOutput()})[0];
      try (Session s = new Session(g)) {
        float[] analytic;
        try (TFloat32 xt = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(X));
            Result r = s.runner().feed(x, xt).fetch(grad).run()) {
          analytic = ModelShapesTest.floats((TFloat32) r.get(0));
        }
        float h = 1e-2f;
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 2; j++) {
            double numeric = (eval(s, x, loss, i, j, h) - eval(s, x, loss, i, j, -h)) / (2 * h);
            assertEquals(numeric, analytic[i * 2 + j], 2e-3, "d loss / d x[" + i + "][" + j + "]");
          }
        }
      }
    }
  }

  private static double eval(
      Session s, Placeholder<TFloat32> x, Operand<TFloat32> loss, int i, int j, float delta) {
    float[][] xs = new float[4][];
    for (int k = 0; k < 4; k++) {
      xs[k] = X[k].clone();
    }
    xs[i][j] += delta;
    try (TFloat32 xt = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(xs));
        Result r = s.runner().feed(x, xt).fetch(loss).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }
}
