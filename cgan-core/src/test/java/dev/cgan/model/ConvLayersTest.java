package dev.cgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cgan.model.layers.BatchNorm;
import dev.cgan.model.layers.Conv2d;
import dev.cgan.model.layers.Upsample;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** The conv layers against values worked out by hand. */
class ConvLayersTest {
  /**
   * x = [[1, 2], [3, 4]] in channel 0 and zeros in channel 1, [1, 2, 2, 2]. Two input channels:
   * TensorFlow 2.18's oneDNN Conv2DBackpropInput gives wrong values for one channel in and one out
   * (checked against a naive transposed convolution, fed tensors; constants are folded by the
   * reference kernel and come out right). The networks never use that case: D's first convolution's
   * input gradient is w channels to C, G's transposed convolutions w·2ᵏ to g or C.
   */
  private static final float[][][][] X = {{{{1, 0}, {2, 0}}, {{3, 0}, {4, 0}}}};

  @Test
  void transposedConvolutionWithOnesScattersEachInputOverItsKernel() {
    // A 4×4 stride-2 "same" transpose pads one on each side: output row r gets input rows i with
    // r − 2i + 1 in [0, 3]: r0 ← {0}, r1 ← {0, 1}, r2 ← {0, 1}, r3 ← {1}, and likewise columns.
    float[][] expected = {
      {1, 3, 3, 2},
      {4, 10, 10, 6},
      {4, 10, 10, 6},
      {3, 7, 7, 4}
    };
    assertArrayEquals(
        expected, run(tf -> new Upsample(tf, "up", Upsample.Mode.TRANSPOSED, 2, 1, 1)));
  }

  @Test
  void resizeThenConvolutionSumsEachPixelsNearestNeighbours() {
    // Nearest ×2 gives [[1,1,2,2],[1,1,2,2],[3,3,4,4],[3,3,4,4]]; a 3×3 box of ones with zero
    // padding sums each pixel's neighbourhood.
    float[][] expected = {
      {4, 8, 10, 8},
      {10, 18, 21, 16},
      {14, 24, 27, 20},
      {12, 20, 22, 16}
    };
    assertArrayEquals(expected, run(tf -> new Upsample(tf, "up", Upsample.Mode.RESIZE, 2, 1, 1)));
  }

  /**
   * The resize mode runs as one transposed convolution with a kernel folded from the 3×3 one: on a
   * kernel with no symmetry, several channels and a picture that is not square, it equals nearest
   * ×2 followed by the 3×3 convolution, written out with TensorFlow's own ops.
   */
  @Test
  void resizeModeEqualsNearestDoublingThenTheConvolution() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Upsample up = new Upsample(tf, "up", Upsample.Mode.RESIZE, 3, 2, 5);
      org.tensorflow.op.core.Placeholder<TFloat32> x =
          tf.placeholder(
              TFloat32.class,
              org.tensorflow.op.core.Placeholder.shape(
                  org.tensorflow.ndarray.Shape.of(2, 3, 5, 3)));
      Operand<TFloat32> y = up.apply(tf, x);
      List<Variable<TFloat32>> vars = up.trainableVariables();
      Operand<TFloat32> expected =
          tf.nn.biasAdd(
              tf.nn.conv2d(
                  tf.image.resizeNearestNeighbor(
                      x,
                      tf.constant(new int[] {6, 10}),
                      new org.tensorflow.op.image.ResizeNearestNeighbor.Options[0]),
                  vars.get(0),
                  List.of(1L, 1L, 1L, 1L),
                  "SAME"),
              vars.get(1));
      s.initialize();
      float[][][][] in = new float[2][3][5][3];
      java.util.Random random = new java.util.Random(3);
      for (float[][][] image : in) {
        for (float[][] row : image) {
          for (float[] pixel : row) {
            for (int c = 0; c < pixel.length; c++) {
              pixel[c] = (float) random.nextGaussian();
            }
          }
        }
      }
      try (TFloat32 fed = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(in));
          Result r = s.runner().feed(x, fed).fetch(y).fetch(expected).run()) {
        TFloat32 got = (TFloat32) r.get(0);
        TFloat32 want = (TFloat32) r.get(1);
        assertEquals(want.shape(), got.shape());
        float[] a = new float[(int) got.size()];
        float[] b = new float[a.length];
        got.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(a, false, false));
        want.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(b, false, false));
        assertArrayEquals(b, a, 1e-5f);
      }
    }
  }

  @Test
  void stridedConvolutionHalvesTheSide() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Conv2d conv = Conv2d.of(tf, "c", 4, 3, 5, 2, 1);
      Operand<TFloat32> y =
          conv.apply(tf, tf.zeros(tf.constant(new int[] {2, 28, 28, 3}), TFloat32.class));
      assertEquals("[2, 14, 14, 5]", y.shape().toString());
    }
  }

  @Test
  void batchNormOnFeatureMapsTakesOneStatisticPerChannel() {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      BatchNorm bn = new BatchNorm(tf, "bn", 2, 0f + 1e-5f, 0.5f);
      // Channel 0 holds 1..8, channel 1 holds 10 everywhere: mean 4.5 / 10, variance 5.25 / 0.
      float[][][][] x = new float[2][2][2][2];
      for (int i = 0; i < 8; i++) {
        x[i / 4][(i / 2) % 2][i % 2][0] = i + 1;
        x[i / 4][(i / 2) % 2][i % 2][1] = 10;
      }
      Operand<TFloat32> y = bn.apply(tf, tf.constant(x), true);
      s.initialize();
      try (Result r = s.runner().fetch(y).addTarget(bn.updates().get(0)).run()) {
        TFloat32 out = (TFloat32) r.get(0);
        assertEquals((1 - 4.5) / Math.sqrt(5.25 + 1e-5), out.getFloat(0, 0, 0, 0), 1e-5);
        assertEquals((8 - 4.5) / Math.sqrt(5.25 + 1e-5), out.getFloat(1, 1, 1, 0), 1e-5);
        assertEquals(0, out.getFloat(1, 0, 1, 1), 1e-6);
      }
    }
  }

  /** The layer with every weight 1 and bias 0 on {@link #X}, channel 0 of image 0. */
  private static float[][] run(Function<Ops, Upsample> layer) {
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Upsample up = layer.apply(tf);
      // Fed, not a constant, so that the kernel that runs is the one training runs.
      org.tensorflow.op.core.Placeholder<TFloat32> x =
          tf.placeholder(
              TFloat32.class,
              org.tensorflow.op.core.Placeholder.shape(
                  org.tensorflow.ndarray.Shape.of(1, 2, 2, 2)));
      Operand<TFloat32> y = up.apply(tf, x);
      assertEquals("[1, 4, 4, 1]", y.shape().toString());
      s.initialize();
      List<Variable<TFloat32>> vars = up.trainableVariables();
      s.runner()
          .addTarget(tf.assign(vars.get(0), tf.onesLike(vars.get(0))))
          .addTarget(tf.assign(vars.get(1), tf.zerosLike(vars.get(1))))
          .run();
      try (TFloat32 in = TFloat32.tensorOf(org.tensorflow.ndarray.StdArrays.ndCopyOf(X));
          Result res = s.runner().feed(x, in).fetch(y).run()) {
        TFloat32 out = (TFloat32) res.get(0);
        float[][] img = new float[4][4];
        for (int r = 0; r < 4; r++) {
          for (int c = 0; c < 4; c++) {
            img[r][c] = out.getFloat(0, r, c, 0);
          }
        }
        return img;
      }
    }
  }
}
