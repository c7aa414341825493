package dev.cgan.bench;

import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Dense float32 matmul throughput of this machine through TensorFlow's own MatMul kernel: the
 * ceiling that training GFLOP/s is compared with.
 */
public final class MatmulBench {
  /**
   * Seconds each timed sample aims for; small products are repeated within a sample to get there.
   */
  private static final double SAMPLE_SECONDS = 0.25;

  private MatmulBench() {}

  /**
   * One measured product shape and its GFLOP/s.
   *
   * @param m rows of A and C
   * @param k columns of A, rows of B
   * @param n columns of B and C
   * @param gflops 2·m·k·n / seconds / 10⁹ per sample
   * @param callsPerSample products timed together in one sample
   */
  public record Result(int m, int k, int n, Stats gflops, int callsPerSample) {
    /** e.g. "2048×2048×2048". */
    public String shape() {
      return String.format(Locale.ROOT, "%d×%d×%d", m, k, n);
    }
  }

  /**
   * Times C = A·B with A [m, k] and B [k, n] held in variables (so that nothing is constant-folded)
   * and C computed as a run target (so that no result is copied out).
   *
   * @param warmup untimed products first (oneDNN builds its kernels on the first calls)
   * @param repeats timed samples, each of about a quarter second
   * @param config session options, or null for TensorFlow's defaults
   */
  public static Result measure(int m, int k, int n, int warmup, int repeats, ConfigProto config) {
    if (m < 1 || k < 1 || n < 1 || repeats < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "bad matmul benchmark " + m + "×" + k + "×" + n + ", " + repeats + " repeats");
    }
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Operand<TFloat32> c = tf.linalg.matMul(randomMatrix(tf, m, k, 1), randomMatrix(tf, k, n, 2));
      try (Session session = new Session(graph, config)) {
        session.initialize();
        Runnable product = () -> session.runner().addTarget(c.op()).run().close();
        Timing.seconds(warmup, product);
        int calls = Timing.callsFor(SAMPLE_SECONDS, product);
        double flop = 2.0 * m * k * n * calls;
        double[] gflops = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          gflops[r] = flop / Timing.seconds(calls, product) / 1e9;
        }
        return new Result(m, k, n, Stats.of(gflops), calls);
      }
    }
  }

  /** A [rows, cols] variable of uniform values in [0, 1). */
  private static Variable<TFloat32> randomMatrix(Ops tf, int rows, int cols, long seed) {
    Ops init = tf.withInitScope();
    Operand<TInt64> key = init.constant(new long[] {seed, 0});
    return tf.variable(
        init.random.statelessRandomUniform(
            init.constant(new int[] {rows, cols}), key, TFloat32.class));
  }
}
