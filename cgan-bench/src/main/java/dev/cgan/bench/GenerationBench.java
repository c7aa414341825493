package dev.cgan.bench;

import dev.cgan.serve.CganGenerator;

/**
 * Generation throughput of a loaded model through the library API, {@link CganGenerator#pixels}.
 */
public final class GenerationBench {
  /** Seconds each timed sample aims for; small batches are called repeatedly within a sample. */
  private static final double SAMPLE_SECONDS = 0.25;

  private GenerationBench() {}

  /**
   * One measured batch size.
   *
   * @param batchSize labels per call
   * @param callsPerSample calls timed together in one sample
   * @param imagesPerSecond batch·calls / seconds, per sample
   */
  public record Result(int batchSize, int callsPerSample, Stats imagesPerSecond) {}

  /**
   * Times {@code generator.pixels(labels, seed)} for {@code batchSize} labels cycling through the
   * classes, a new seed per call, after {@code warmup} untimed calls.
   */
  public static Result measure(CganGenerator generator, int batchSize, int warmup, int repeats) {
    if (batchSize < 1 || warmup < 0 || repeats < 1) {
      throw new IllegalArgumentException(
          "bad generation benchmark: batch " + batchSize + ", " + repeats + " repeats");
    }
    int[] labels = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      labels[i] = i % generator.config().numClasses();
    }
    long[] seed = {0};
    Runnable call = () -> generator.pixels(labels, seed[0]++);
    Timing.seconds(warmup, call);
    int calls = Timing.callsFor(SAMPLE_SECONDS, call);
    double[] ips = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      ips[r] = (double) batchSize * calls / Timing.seconds(calls, call);
    }
    return new Result(batchSize, calls, Stats.of(ips));
  }
}
