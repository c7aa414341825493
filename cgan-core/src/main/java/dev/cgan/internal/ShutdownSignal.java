package dev.cgan.internal;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM for work that must end cleanly: the JVM runs its shutdown hooks and then
 * halts, so a hook that only asked the work to stop would let the JVM halt mid-save. Here the hook
 * asks, then holds the shutdown until the work has returned.
 */
public final class ShutdownSignal {
  private ShutdownSignal() {}

  /** What runs while a signal would be handled; its own IOException passes through. */
  public interface Body<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code body} with a shutdown hook that, on Ctrl-C or SIGTERM, calls {@code stop} and then
   * holds the JVM's shutdown until {@code body} has returned (at most two minutes).
   */
  public static <T> T whileSignalWaits(Runnable stop, Body<T> body) throws IOException {
    CountDownLatch finished = new CountDownLatch(1);
    Thread onSignal =
        new Thread(
            () -> {
              stop.run();
              try {
                finished.await(2, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      return body.run();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // The hook is already running; it returns now that the body has.
      }
    }
  }
}
