package dev.cgan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Adam's steps against the update rule computed by hand, in double. */
class AdamTest {
  private static final float LR = 0.1f, BETA1 = 0.5f, BETA2 = 0.999f, EPS = 1e-8f;
  private static final float[] START = {1f, -2f, 0.5f};
  private static final float[][] GRADIENTS = {
    {0.3f, -1f, 2f}, {-0.2f, -0.5f, 1f}, {0.1f, 0.4f, -3f}, {1f, 1f, 1f}, {-0.7f, 0.2f, 0.05f}
  };

  @Test
  void everyStepUsesTheBiasCorrectionOfItsOwnStep() {
    // The gradient arrives only after a slow product, while the old power update was ready at
    // once: with the framework's unordered update every step here read the next step's powers.
    for (int repeat = 0; repeat < 3; repeat++) {
      try (Graph g = new Graph()) {
        Ops tf = Ops.create(g);
        Variable<TFloat32> x = tf.withName("x").variable(tf.constant(START));
        Placeholder<TFloat32> fed = tf.placeholder(TFloat32.class);
        Operand<TFloat32> m = tf.fill(tf.constant(new int[] {384, 384}), tf.constant(1e-3f));
        Operand<TFloat32> slow = tf.linalg.matMul(tf.linalg.matMul(m, m), tf.linalg.matMul(m, m));
        Operand<TFloat32> zero =
            tf.math.mul(tf.constant(0f), tf.sum(slow, tf.constant(new int[] {0, 1})));
        Op step =
            new Adam(g, LR, BETA1, BETA2, EPS)
                .apply(List.of(tf.math.add(fed, zero)), List.of(x), "step");
        try (Session s = new Session(g)) {
          s.initialize();
          double[] expected = {START[0], START[1], START[2]};
          double[] m1 = new double[3], v = new double[3];
          for (int t = 1; t <= GRADIENTS.length; t++) {
            float[] grad = GRADIENTS[t - 1];
            try (TFloat32 gt = TFloat32.vectorOf(grad)) {
              s.runner().feed(fed, gt).addTarget(step).run();
            }
            double lrT = LR * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
            for (int i = 0; i < 3; i++) {
              m1[i] += (grad[i] - m1[i]) * (1 - BETA1);
              v[i] += (grad[i] * (double) grad[i] - v[i]) * (1 - BETA2);
              expected[i] -= lrT * m1[i] / (Math.sqrt(v[i]) + EPS);
            }
            try (Result r = s.runner().fetch(x).run()) {
              float[] actual = TensorArrays.floats((TFloat32) r.get(0));
              for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], actual[i], 2e-6, "x[" + i + "] after step " + t);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void itsStateHasTheNamesOfTheFrameworksOptimizerSoOldCheckpointsRestore() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> a = tf.withName("a").variable(tf.constant(new float[] {1f}));
      Variable<TFloat32> b = tf.withName("b").variable(tf.constant(new float[] {2f}));
      new Adam(g, LR, BETA1, BETA2, EPS).minimize(tf.sum(a, tf.constant(0)), List.of(a), "A");
      new Adam(g, LR, BETA1, BETA2, EPS).minimize(tf.sum(b, tf.constant(0)), List.of(b), "B");
      for (String name :
          List.of(
              "a-m",
              "a-v",
              "b-m",
              "b-v",
              "beta1_power",
              "beta2_power",
              "beta1_power_1",
              "beta2_power_1")) {
        assertNotNull(g.operation(name), name);
        assertEquals("VariableV2", g.operation(name).type(), name);
      }
      assertEquals(Shape.of(1), g.operation("b-v").output(0).shape());
    }
  }
}
