package dev.cgan.server;

import java.util.function.Supplier;

/**
 * What the Open Inference Protocol's probes answer: live while the process serves HTTP; ready while
 * a model version is loaded and warmed up and no stop has begun. A stop goes through two phases:
 * draining (still serving, not ready, so that a load balancer moves away) and refusing (every
 * request but the liveness probe gets 503 until the port closes).
 */
final class Health {
  private enum Phase {
    SERVING,
    DRAINING,
    REFUSING
  }

  /** Why no version can answer, or null when one can. */
  private final Supplier<String> modelNotReady;

  private volatile Phase phase = Phase.SERVING;

  /**
   * @param modelNotReady why the model cannot answer yet (e.g. no version loaded), or null when a
   *     warmed-up version is available
   */
  Health(Supplier<String> modelNotReady) {
    this.modelNotReady = modelNotReady;
  }

  /** Null when ready; else the one-line reason for the 503. */
  String notReady() {
    return switch (phase) {
      case SERVING -> modelNotReady.get();
      case DRAINING -> "not ready: the server is stopping (draining the requests in flight)";
      case REFUSING -> "not ready: the server is stopping";
    };
  }

  /** A stop has begun: readiness fails, requests are still answered. */
  void drain() {
    if (phase == Phase.SERVING) {
      phase = Phase.DRAINING;
    }
  }

  /** The port is about to close: every request but the liveness probe gets 503. */
  void refuse() {
    phase = Phase.REFUSING;
  }

  boolean refusing() {
    return phase == Phase.REFUSING;
  }
}
