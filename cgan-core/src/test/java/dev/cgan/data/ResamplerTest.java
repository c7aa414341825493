package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;

class ResamplerTest {
  private static float[] resize1d(float[] in, int m) {
    float[] out = new float[m];
    Resampler.resample(in, 0, 1, in.length, out, 0, 1, m, 1);
    return out;
  }

  @Test
  void areaAverageWeighsFractionalCoverage() {
    // 4 -> 2: halves; 3 -> 2: out0 = (1*0 + 0.5*30) / 1.5, out1 = (0.5*30 + 1*60) / 1.5.
    assertArrayEquals(new float[] {15f, 35.5f}, resize1d(new float[] {10, 20, 30, 41}, 2));
    assertArrayEquals(new float[] {10f, 50f}, resize1d(new float[] {0, 30, 60}, 2));
    // 5 -> 2: out0 = (10 + 20 + 0.5*30) / 2.5 = 18, out1 = (0.5*30 + 40 + 50) / 2.5 = 42.
    assertArrayEquals(new float[] {18f, 42f}, resize1d(new float[] {10, 20, 30, 40, 50}, 2), 1e-5f);
    // 2D: a 4x4 checkerboard of 0/255 shrinks to uniform grey, where bilinear would alias.
    float[] board = new float[16];
    for (int i = 0; i < 16; i++) {
      board[i] = ((i / 4 + i % 4) % 2) * 255f;
    }
    assertArrayEquals(
        new float[] {127.5f, 127.5f, 127.5f, 127.5f}, Resampler.resize(board, 4, 4, 2, 2, 1));
  }

  @Test
  void enlargingIsHalfPixelBilinear() {
    // 2 -> 4, scale 0.5: x_in = -0.25, 0.25, 0.75, 1.25 -> 0, 0.25, 0.75, 1 of the way.
    assertArrayEquals(new float[] {0f, 25f, 75f, 100f}, resize1d(new float[] {0, 100}, 4));
  }

  @Test
  void roundsHalfUpAndClamps() {
    assertEquals(36, Resampler.toByte(35.5f));
    assertEquals(35, Resampler.toByte(35.49f));
    assertEquals(0, Resampler.toByte(-3f));
    assertEquals((byte) 255, Resampler.toByte(300f));
  }

  @Test
  void channelsStayApart() {
    // Two pixels of RGB (interleaved) -> one: each channel averaged alone.
    float[] out = Resampler.resize(new float[] {10, 100, 200, 20, 110, 0}, 2, 1, 1, 1, 3);
    assertArrayEquals(new float[] {15, 105, 100}, out);
  }

  /** MNIST's 28 -> 32 in the graph and here agree bit for bit, before rounding. */
  @Test
  void enlargingEqualsTensorFlowsResizeBilinearBitForBit() {
    Random random = new Random(7);
    int[][] sizes = {{28, 28, 32, 32}, {5, 7, 32, 32}, {28, 20, 32, 45}};
    for (int[] s : sizes) {
      int h = s[0], w = s[1], oh = s[2], ow = s[3];
      float[] in = new float[h * w * 3];
      for (int i = 0; i < in.length; i++) {
        in[i] = random.nextInt(256);
      }
      float[] java = Resampler.resize(in, w, h, ow, oh, 3);
      float[] tf = new float[oh * ow * 3];
      try (Graph g = new Graph()) {
        Ops ops = Ops.create(g);
        Operand<TFloat32> x =
            ops.constant(NdArrays.wrap(Shape.of(1, h, w, 3), DataBuffers.of(in, true, false)));
        Operand<TFloat32> y =
            ops.image.resizeBilinear(
                x, ops.constant(new int[] {oh, ow}), ResizeBilinear.halfPixelCenters(true));
        try (Session session = new Session(g);
            Result r = session.runner().fetch(y).run()) {
          ((TFloat32) r.get(0)).copyTo(DataBuffers.of(tf, false, false));
        }
      }
      for (int i = 0; i < tf.length; i++) {
        assertEquals(
            Float.floatToIntBits(tf[i]),
            Float.floatToIntBits(java[i]),
            "sample " + i + " of " + h + "x" + w + " -> " + oh + "x" + ow);
      }
    }
  }
}
