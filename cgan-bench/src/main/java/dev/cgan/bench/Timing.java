package dev.cgan.bench;

/** Wall-clock helpers shared by the benchmarks. */
final class Timing {
  private Timing() {}

  /** Seconds {@code body} took to run {@code times} times in a row. */
  static double seconds(int times, Runnable body) {
    long t0 = System.nanoTime();
    for (int i = 0; i < times; i++) {
      body.run();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * How many calls make one timed sample last about {@code targetSeconds}, from one timed call:
   * short calls are batched so that the clock's resolution and one-off hiccups do not dominate.
   */
  static int callsFor(double targetSeconds, Runnable body) {
    double once = seconds(1, body);
    return (int) Math.max(1, Math.min(1_000_000, Math.ceil(targetSeconds / Math.max(once, 1e-7))));
  }
}
