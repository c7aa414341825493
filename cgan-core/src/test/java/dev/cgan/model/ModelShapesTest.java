package dev.cgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.layers.Dense;
import dev.cgan.model.layers.Sampling;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

class ModelShapesTest {
  private static final CganConfig REF = CganConfig.reference();

  @Test
  void generatorHasTheReferenceLayers() {
    try (Graph g = new Graph()) {
      Generator gen = new Generator(Ops.create(g), REF, 1);
      List<String> shapes =
          gen.trainableVariables().stream()
              .map(v -> v.op().name() + v.shape())
              .collect(Collectors.toList());
      assertEquals(
          List.of(
              "G_label_emb[10, 10]",
              "G_fc0_w[110, 128]",
              "G_fc0_b[128]",
              "G_fc1_w[128, 256]",
              "G_fc1_b[256]",
              "G_bn1_gamma[256]",
              "G_bn1_beta[256]",
              "G_fc2_w_part_0[128, 512]",
              "G_fc2_w_part_1[128, 512]",
              "G_fc2_b[512]",
              "G_bn2_gamma[512]",
              "G_bn2_beta[512]",
              "G_fc3_w_part_0[256, 1024]",
              "G_fc3_w_part_1[256, 1024]",
              "G_fc3_b[1024]",
              "G_bn3_gamma[1024]",
              "G_bn3_beta[1024]",
              "G_fc4_w_part_0[512, 1024]",
              "G_fc4_w_part_1[512, 1024]",
              "G_fc4_b[1024]"),
          shapes);
    }
  }

  @Test
  void discriminatorHasTheReferenceLayers() {
    try (Graph g = new Graph()) {
      Discriminator d = new Discriminator(Ops.create(g), REF, 1);
      List<String> shapes =
          d.trainableVariables().stream()
              .map(v -> v.op().name() + v.shape())
              .collect(Collectors.toList());
      assertEquals(
          List.of(
              "D_label_emb[10, 10]",
              "D_fc0_w_part_0[512, 512]",
              "D_fc0_w_part_1[512, 512]",
              "D_fc0_w_part_2[10, 512]",
              "D_fc0_b[512]",
              "D_fc1_w_part_0[256, 512]",
              "D_fc1_w_part_1[256, 512]",
              "D_fc1_b[512]",
              "D_fc2_w_part_0[256, 512]",
              "D_fc2_w_part_1[256, 512]",
              "D_fc2_b[512]",
              "D_fc3_w[512, 1]",
              "D_fc3_b[1]"),
          shapes);
    }
  }

  @Test
  void forwardPassShapesAndRanges() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Generator gen = new Generator(tf, REF, 3);
      Discriminator d = new Discriminator(tf, REF, 3);
      Operand<TInt32> labels = tf.constant(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1});
      Operand<TFloat32> z =
          tf.random.statelessRandomNormal(
              tf.constant(new int[] {12, 100}), tf.constant(new long[] {1, 2}), TFloat32.class);
      Operand<TFloat32> train = gen.apply(tf, z, labels, true);
      Operand<TFloat32> infer = gen.apply(tf, z, labels, false);
      Operand<TFloat32> scores = d.apply(tf, train, labels, tf.constant(new long[] {5, 6}));
      try (Session s = new Session(g);
          Result r = s.runner().fetch(train).fetch(infer).fetch(scores).run()) {
        TFloat32 img = (TFloat32) r.get(0);
        assertEquals(org.tensorflow.ndarray.Shape.of(12, 32, 32, 1), img.shape());
        assertEquals(org.tensorflow.ndarray.Shape.of(12, 32, 32, 1), r.get(1).shape());
        assertEquals(org.tensorflow.ndarray.Shape.of(12, 1), r.get(2).shape());
        img.scalars().forEach(x -> assertTrue(x.getFloat() > -1f && x.getFloat() < 1f));
      }
    }
  }

  @Test
  void denseStartsUniformWithinOneOverSqrtFanIn() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Dense dense = new Dense(tf, "fc", 400, 300, 9);
      try (Session s = new Session(g);
          Result r = s.runner().fetch(dense.fullKernel(tf)).fetch(dense.bias()).run()) {
        float[] w = floats((TFloat32) r.get(0));
        float bound = 1f / 20f;
        double mean = 0, max = 0;
        for (float x : w) {
          mean += x / w.length;
          max = Math.max(max, Math.abs(x));
        }
        assertTrue(max <= bound && max > 0.99 * bound, "max |w| " + max);
        assertEquals(0, mean, 1e-3);
        // A uniform on ±b has variance b²/3.
        double var = 0;
        for (float x : w) {
          var += (x - mean) * (x - mean) / w.length;
        }
        assertEquals(bound * bound / 3, var, 0.02 * bound * bound / 3);
        for (float x : floats((TFloat32) r.get(1))) {
          assertTrue(Math.abs(x) <= bound);
        }
      }
    }
  }

  @Test
  void aBlockedKernelOnTwoInputsStartsAndMultipliesAsTheWholeKernelOnTheirConcatenation() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      // Inputs of 1001 and 7 columns: the first one's 300,300 weights are cut in two blocks with an
      // odd row count (500 + 501), the second one's 2,100 are one block.
      Dense dense = new Dense(tf, "fc", new int[] {1001, 7}, 300, 9);
      assertEquals(
          List.of("fc_w_part_0[500, 300]", "fc_w_part_1[501, 300]", "fc_w_part_2[7, 300]"),
          dense.kernel().stream().map(v -> v.op().name() + v.shape()).toList());
      Operand<TFloat32> whole =
          new org.tensorflow.framework.initializers.RandomUniform<TFloat32>(
                  -1 / Math.sqrt(1008), 1 / Math.sqrt(1008), 9)
              .call(tf, tf.constant(new long[] {1008, 300}), TFloat32.class);
      Operand<TFloat32> a = normal(tf, 64, 1001, 3), b = normal(tf, 64, 7, 4);
      Operand<TFloat32> expected =
          tf.math.add(
              tf.linalg.matMul(tf.concat(List.of(a, b), tf.constant(1)), whole), dense.bias());
      try (Session s = new Session(g)) {
        s.initialize();
        try (Result r =
            s.runner()
                .fetch(dense.fullKernel(tf))
                .fetch(whole)
                .fetch(dense.apply(tf, List.of(a, b)))
                .fetch(expected)
                .run()) {
          assertArrayEquals(floats((TFloat32) r.get(1)), floats((TFloat32) r.get(0)));
          float[] y = floats((TFloat32) r.get(2)), want = floats((TFloat32) r.get(3));
          assertEquals(64 * 300, y.length);
          for (int i = 0; i < y.length; i++) {
            assertEquals(want[i], y[i], 1e-4f * (1 + Math.abs(want[i])), "element " + i);
          }
        }
      }
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> dense.apply(tf, a));
      assertEquals("the layer takes 2 inputs, got 1", e.getMessage());
    }
  }

  private static Operand<TFloat32> normal(Ops tf, int rows, int cols, long seed) {
    return tf.random.statelessRandomNormal(
        tf.constant(new int[] {rows, cols}), tf.constant(new long[] {seed, 0}), TFloat32.class);
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    float[] a = firstWeights(11), b = firstWeights(11), c = firstWeights(12);
    assertArrayEquals(a, b);
    assertTrue(a[0] != c[0] || a[1] != c[1]);
  }

  @Test
  void pixelsMapMinusOneToZeroAndOneTo255() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var px = Sampling.toPixels(tf, tf.constant(new float[] {-1f, -2f, 0f, 1f, 3f, 0.5f}));
      try (Session s = new Session(g);
          Result r = s.runner().fetch(px).run()) {
        org.tensorflow.types.TUint8 t = (org.tensorflow.types.TUint8) r.get(0);
        int[] got = new int[6];
        for (int i = 0; i < 6; i++) {
          got[i] = t.getByte(i) & 0xFF;
        }
        // round half away from zero would give 128 for 0; TF's Round is half-to-even: 127.5 → 128.
        assertArrayEquals(new int[] {0, 0, 128, 255, 255, 191}, got);
      }
    }
  }

  @Test
  void noiseDependsOnSeedOnly() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var seed = tf.placeholder(TInt64.class);
      var z = Sampling.noise(tf, tf.constant(new int[] {1, 2, 3}), seed, 100);
      try (Session s = new Session(g)) {
        float[] a = run(s, z, seed, 7), b = run(s, z, seed, 7), c = run(s, z, seed, 8);
        assertEquals(300, a.length);
        assertArrayEquals(a, b);
        assertTrue(a[0] != c[0]);
      }
    }
  }

  private static float[] run(Session s, Operand<TFloat32> z, Operand<TInt64> seed, long value) {
    try (TInt64 v = TInt64.scalarOf(value);
        Result r = s.runner().feed(seed, v).fetch(z).run()) {
      return floats((TFloat32) r.get(0));
    }
  }

  private static float[] firstWeights(long seed) {
    try (Graph g = new Graph()) {
      Generator gen = new Generator(Ops.create(g), REF, seed);
      Variable<TFloat32> w = gen.trainableVariables().get(1);
      try (Session s = new Session(g);
          Result r = s.runner().fetch(w).run()) {
        return floats((TFloat32) r.get(0));
      }
    }
  }

  static float[] floats(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
    return out;
  }
}
