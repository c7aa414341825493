package dev.cgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.layers.Dense;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The conv D's written-out backward pass, shared by two losses, against TensorFlow's autodiff of
 * each loss on its own: every variable's gradient and the images' gradient.
 */
class SharedBackwardTest {
  private static final int BATCH = 5;

  @ParameterizedTest
  @CsvSource({
    "16, 1, channel, 0",
    "16, 3, channel, 0",
    "16, 1, projection, 0",
    "28, 3, projection, 0",
    "16, 1, channel, 0.3",
    "16, 3, projection, 0.3"
  })
  void oneBackwardPassGivesWhatAutodiffGivesForEachLoss(
      int size, int channels, String conditioning, float dropout) {
    CganConfig config =
        new CganConfig(10, 16, size, channels, 1e-5f, 0.1f, dropout, 0.2f, Architecture.CONV, 4)
            .withConditioning(ConvPlan.Conditioning.of(conditioning));
    Random random = new Random(size * 31 + channels);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ConvDiscriminator d = new ConvDiscriminator(tf, ConvPlan.of(config), 7);
      Operand<TFloat32> images = constant(tf, random, Shape.of(BATCH, size, size, channels), 1.0);
      Operand<TInt32> labels = tf.constant(new int[] {3, 0, 3, 9, 5});
      Operand<TInt64> seed = tf.constant(new long[] {11, 4});
      SharedBackward pass = d.applyWithSharedBackward(tf, images, labels, seed);
      Operand<TFloat32> w = constant(tf, random, Shape.of(BATCH, 1), 1.0);
      Operand<TFloat32> v = constant(tf, random, Shape.of(BATCH, 1), 1.0);
      SharedBackward.Gradients shared = pass.gradients(tf, w, v);

      List<Variable<TFloat32>> vars = d.trainableVariables();
      Output<?>[] byVars =
          g.addGradients(
              weighted(tf, w, pass.scores()).asOutput(),
              vars.stream().map(Variable::asOutput).toArray(Output<?>[]::new));
      Output<?> byImages =
          g.addGradients(
                  weighted(tf, v, pass.scores()).asOutput(), new Output<?>[] {images.asOutput()})[
              0];
      Operand<TFloat32> applied = d.apply(tf, images, labels, seed);
      s.initialize();

      assertEquals(vars.size(), shared.variables().size());
      assertClose(values(s, applied.asOutput()), values(s, pass.scores().asOutput()), "scores");
      for (int i = 0; i < vars.size(); i++) {
        assertClose(
            values(s, byVars[i]),
            values(s, shared.variables().get(i).asOutput()),
            vars.get(i).op().name());
      }
      assertClose(values(s, byImages), values(s, shared.images().asOutput()), "images");
    }
  }

  @Test
  void theMlpOffersNoSharedPass() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      DiscriminatorNetwork d = new Discriminator(tf, CganConfig.reference(), 1);
      assertNull(
          d.applyWithSharedBackward(
              tf,
              tf.zeros(tf.constant(new int[] {2, 32, 32, 1}), TFloat32.class),
              tf.constant(new int[] {1, 2}),
              null));
    }
  }

  @Test
  void aBlockedDenseLayerDifferentiatesAsAutodiffDoes() {
    int in = (int) Dense.BLOCKED_FROM_WEIGHTS + 3;
    Random random = new Random(5);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Dense dense = new Dense(tf, "dense", in, 1, 3);
      assertEquals(Dense.BLOCKS + 1, dense.trainableVariables().size(), "blocked");
      Operand<TFloat32> x = constant(tf, random, Shape.of(2, in), 1.0);
      Operand<TFloat32> u = constant(tf, random, Shape.of(2, 1), 1.0);
      Operand<TFloat32> loss = weighted(tf, u, dense.apply(tf, x));
      List<Variable<TFloat32>> vars = dense.trainableVariables();
      List<Output<?>> wrt = new ArrayList<>();
      vars.forEach(var -> wrt.add(var.asOutput()));
      wrt.add(x.asOutput());
      Output<?>[] auto = g.addGradients(loss.asOutput(), wrt.toArray(Output<?>[]::new));
      List<Operand<TFloat32>> written = dense.gradients(tf, x, u);
      Operand<TFloat32> dx = dense.inputGradient(tf, u);
      s.initialize();
      for (int i = 0; i < vars.size(); i++) {
        assertClose(values(s, auto[i]), values(s, written.get(i).asOutput()), "var " + i);
      }
      assertClose(values(s, auto[vars.size()]), values(s, dx.asOutput()), "x");
    }
  }

  /** Σᵢ uᵢ sᵢ: the loss whose upstream gradient is u. */
  private static Operand<TFloat32> weighted(Ops tf, Operand<TFloat32> u, Operand<TFloat32> s) {
    return tf.reduceSum(tf.math.mul(u, s), tf.constant(new int[] {0, 1}));
  }

  private static Operand<TFloat32> constant(Ops tf, Random random, Shape shape, double scale) {
    float[] a = new float[(int) shape.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (scale * random.nextGaussian());
    }
    return tf.constant(shape, DataBuffers.of(a, true, false));
  }

  /** Equal up to float32 rounding of sums taken in another order; and not all zero. */
  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    assertTrue(scale > 0, what + " is all zero");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 2e-5 * scale, what + "[" + i + "]");
    }
  }

  private static float[] values(Session s, Output<?> out) {
    try (Result r = s.runner().fetch(out).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] a = new float[(int) t.shape().size()];
      t.asRawTensor().data().asFloats().read(a);
      return a;
    }
  }
}
