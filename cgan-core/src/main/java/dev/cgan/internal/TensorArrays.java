package dev.cgan.internal;

import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/** Copies of tensors into Java arrays; the tensors stay owned (and closed) by the caller. */
public final class TensorArrays {
  private TensorArrays() {}

  /** Every byte of a uint8 tensor, row-major. */
  public static byte[] bytes(TUint8 t) {
    byte[] out = new byte[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** Every value of a float32 tensor, row-major. */
  public static float[] floats(TFloat32 t) {
    float[] out = new float[(int) t.size()];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  /** A float32 tensor [n, ...] as n rows of its remaining values, e.g. images [n][H·W·C]. */
  public static float[][] rows(TFloat32 t) {
    int n = (int) t.shape().get(0);
    int per = n == 0 ? 0 : (int) (t.size() / n);
    float[][] out = new float[n][per];
    for (int i = 0; i < n; i++) {
      t.slice(Indices.at(i)).copyTo(DataBuffers.of(out[i], false, false));
    }
    return out;
  }

  /** The first line of a (TensorFlow) error message, for one-line errors; never null. */
  public static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
