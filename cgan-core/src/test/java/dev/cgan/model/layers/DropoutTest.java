package dev.cgan.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class DropoutTest {
  private static final int N = 20_000;

  private static float[] run(Session s, Operand<TFloat32> x) {
    try (TFloat32 t = (TFloat32) s.runner().fetch(x).run().get(0)) {
      float[] out = new float[(int) t.shape().size()];
      t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
      return out;
    }
  }

  @Test
  void keepsOneMinusRateScaledAndDrawsByLayerAndSeed() {
    float rate = 0.4f;
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> ones = tf.fill(tf.constant(Shape.of(N, 1).asArray()), tf.constant(1f));
      Operand<TInt64> seed = tf.constant(new long[] {7, 0});
      float[] a = run(s, Dropout.apply(tf, ones, rate, seed, 1));
      float[] again = run(s, Dropout.apply(tf, ones, rate, seed, 1));
      float[] otherLayer = run(s, Dropout.apply(tf, ones, rate, seed, 2));
      float[] otherSeed = run(s, Dropout.apply(tf, ones, rate, tf.constant(new long[] {8, 0}), 1));
      int dropped = 0;
      for (float v : a) {
        // Inverted dropout: a kept value is scaled so that the expectation stays 1.
        assertTrue(v == 0f || v == 1f / (1f - rate), "value " + v);
        dropped += v == 0f ? 1 : 0;
      }
      // Binomial(20000, 0.4): standard deviation 69, so ±400 is far outside chance.
      assertEquals(rate * N, dropped, 400);
      assertArrayEquals(a, again, "a stateless mask repeats for the same seed and layer");
      assertFalse(java.util.Arrays.equals(a, otherLayer), "each layer draws its own mask");
      assertFalse(java.util.Arrays.equals(a, otherSeed), "each step's seed draws its own mask");
    }
  }

  @Test
  void isTheIdentityForInferenceOrRateZero() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.constant(new float[] {1f, -2f, 3f});
      assertSame(x, Dropout.apply(tf, x, 0.4f, null, 1));
      assertSame(x, Dropout.apply(tf, x, 0f, tf.constant(new long[] {7, 0}), 1));
    }
  }
}
