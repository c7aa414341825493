package dev.cgan.data;

/**
 * Resizes one image, one axis at a time, on float samples in [0, 255] with C interleaved channels.
 *
 * <p>Shrinking averages areas: output sample j of an axis covers the source interval [j·s, (j+1)·s)
 * with s = in/out, and each source sample weighs by the length of its overlap with that interval (a
 * box filter with fractional coverage), so a photo shrunk 10× does not alias as bilinear sampling
 * does. Enlarging is TensorFlow's {@code ResizeBilinear} with half-pixel centres, the operation
 * {@code dev.cgan.model.internal.Preprocessing} applies to MNIST's 28×28 in the graph: the same
 * float32 source coordinates, clamping, weights and order of operations, so that the two agree to
 * the last bit before rounding (tested in {@code ResamplerTest}). Equal sizes copy.
 *
 * <p>Rows are fed one at a time ({@link #addRow}) so that a large photo is never held as floats:
 * the horizontal pass runs on each row as it arrives, the vertical pass once all are in.
 */
final class Resampler {
  private final int inW, inH, outW, outH, channels;
  private final float[][] rows; // inH rows, each already resized horizontally: outW × C
  private int added;

  Resampler(int inW, int inH, int outW, int outH, int channels) {
    if (inW <= 0 || inH <= 0 || outW <= 0 || outH <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive: " + inW + "x" + inH + " -> " + outW + "x" + outH);
    }
    this.inW = inW;
    this.inH = inH;
    this.outW = outW;
    this.outH = outH;
    this.channels = channels;
    this.rows = new float[inH][];
  }

  /** Adds the next source row: inW × C samples from {@code row[0]}. */
  void addRow(float[] row) {
    float[] out = new float[outW * channels];
    resample(row, 0, channels, inW, out, 0, channels, outW, channels);
    rows[added++] = out;
  }

  /** The output, outH × outW × C samples, once all inH rows are added. */
  float[] result() {
    if (added != inH) {
      throw new IllegalStateException(added + " of " + inH + " rows added");
    }
    int stride = outW * channels;
    float[] column = new float[inH];
    float[] resized = new float[outH];
    float[] out = new float[outH * stride];
    for (int k = 0; k < stride; k++) {
      for (int y = 0; y < inH; y++) {
        column[y] = rows[y][k];
      }
      resample(column, 0, 1, inH, resized, 0, 1, outH, 1);
      for (int y = 0; y < outH; y++) {
        out[y * stride + k] = resized[y];
      }
    }
    return out;
  }

  /** Resizes a whole image at once: in is inH × inW × C. */
  static float[] resize(float[] in, int inW, int inH, int outW, int outH, int channels) {
    Resampler r = new Resampler(inW, inH, outW, outH, channels);
    int stride = inW * channels;
    for (int y = 0; y < inH; y++) {
      float[] row = new float[stride];
      System.arraycopy(in, y * stride, row, 0, stride);
      r.addRow(row);
    }
    return r.result();
  }

  /**
   * Resizes {@code n} samples of one axis to {@code m}, for each of {@code channels} interleaved
   * channels; samples of channel c at position i are at {@code off + i * step + c}.
   */
  static void resample(
      float[] in,
      int inOff,
      int inStep,
      int n,
      float[] out,
      int outOff,
      int outStep,
      int m,
      int channels) {
    if (m == n) {
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < channels; c++) {
          out[outOff + i * outStep + c] = in[inOff + i * inStep + c];
        }
      }
    } else if (m < n) {
      areaAverage(in, inOff, inStep, n, out, outOff, outStep, m, channels);
    } else {
      halfPixelBilinear(in, inOff, inStep, n, out, outOff, outStep, m, channels);
    }
  }

  private static void areaAverage(
      float[] in,
      int inOff,
      int inStep,
      int n,
      float[] out,
      int outOff,
      int outStep,
      int m,
      int ch) {
    double scale = (double) n / m;
    for (int j = 0; j < m; j++) {
      double start = j * scale, end = (j + 1) * scale;
      int first = (int) Math.floor(start), last = Math.min(n, (int) Math.ceil(end));
      for (int c = 0; c < ch; c++) {
        double sum = 0;
        for (int i = first; i < last; i++) {
          double cover = Math.min(end, i + 1) - Math.max(start, i);
          sum += cover * in[inOff + i * inStep + c];
        }
        out[outOff + j * outStep + c] = (float) (sum / scale);
      }
    }
  }

  /**
   * TensorFlow's {@code HalfPixelScaler} and {@code compute_interpolation_weights}: in float32,
   * x_in = (j + 0.5)·(n / m) − 0.5, lower = max(floor(x_in), 0), upper = min(ceil(x_in), n − 1),
   * lerp = x_in − floor(x_in), value = a + (b − a)·lerp. Applied to the rows first and the columns
   * after, it is TensorFlow's top/bottom/vertical order of the same operations.
   */
  private static void halfPixelBilinear(
      float[] in,
      int inOff,
      int inStep,
      int n,
      float[] out,
      int outOff,
      int outStep,
      int m,
      int ch) {
    float scale = (float) n / (float) m;
    for (int j = 0; j < m; j++) {
      float x = ((float) j + 0.5f) * scale - 0.5f;
      float floor = (float) Math.floor(x);
      int lower = Math.max((int) floor, 0);
      int upper = Math.min((int) Math.ceil(x), n - 1);
      float lerp = x - floor;
      for (int c = 0; c < ch; c++) {
        float a = in[inOff + lower * inStep + c];
        float b = in[inOff + upper * inStep + c];
        out[outOff + j * outStep + c] = a + (b - a) * lerp;
      }
    }
  }

  /** A float sample in [0, 255] as an unsigned byte: rounded half up, clamped. */
  static byte toByte(float v) {
    int i = Math.round(v);
    return (byte) (i < 0 ? 0 : Math.min(i, 255));
  }
}
