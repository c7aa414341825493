package dev.cgan.train.internal;

import org.tensorflow.proto.ConfigProto;

/**
 * TensorFlow's thread pools for the training step: two inter-op threads, each running its op on
 * half the cores. The step is a few hundred small ops (64-row matmuls, Adam updates), and one such
 * matmul split across two threads runs barely faster than on one; two independent ops side by side,
 * such as the two row blocks of a {@link dev.cgan.model.layers.Dense} kernel or D's update next to
 * G's backward pass, keep both cores busy. On the 2-core reference machine this is 1 intra-op and 2
 * inter-op threads (README, performance section, for the measurement).
 *
 * <p>TensorFlow sizes one intra-op pool per process, from the options of the first session it
 * creates, unless the environment variable {@value #PER_SESSION_POOLS} is set when the native
 * library loads; then every session gets the pool its own options ask for. The CLI sets it.
 */
public final class TrainingThreads {
  /** The environment variable that gives each session its own intra-op pool. */
  public static final String PER_SESSION_POOLS = "TF_OVERRIDE_GLOBAL_THREADPOOL";

  private TrainingThreads() {}

  /** {@link #config(int)} for the processors this JVM may use. */
  public static ConfigProto config() {
    return config(Runtime.getRuntime().availableProcessors());
  }

  /** Session options for training on {@code cores} cores: max(1, cores/2) intra, 2 inter. */
  public static ConfigProto config(int cores) {
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be positive, got " + cores);
    }
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(Math.max(1, cores / 2))
        .setInterOpParallelismThreads(2)
        .build();
  }

  /**
   * Why {@link #config(int)} is what it is, for reports ({@code bench}). It is the default and the
   * reference: {@code train} measures every core in one op against it once per CPU, network and
   * batch ({@link ThreadTuning}) and keeps a candidate only if it trains the same weights bit for
   * bit and is faster. The intra-op count can change how oneDNN partitions its sums, and with it
   * the last bits of the weights (on an AVX-512 EPYC 1 and 2 intra-op threads trained different
   * weights from the same start; capped at AVX2 they did not), so no fixed rule can take more.
   */
  public static String rule(int cores) {
    ConfigProto c = config(cores);
    return c.getIntraOpParallelismThreads()
        + " intra-op / "
        + c.getInterOpParallelismThreads()
        + " inter-op threads on "
        + cores
        + " cores, by rule (half the cores per op, two ops side by side); train measures every"
        + " core per op against it once per CPU, network and batch, and keeps what is faster and"
        + " trains the same weights bit for bit";
  }

  /** Whether this process's sessions each get their own intra-op pool. */
  public static boolean perSessionPools() {
    String v = System.getenv(PER_SESSION_POOLS);
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }
}
