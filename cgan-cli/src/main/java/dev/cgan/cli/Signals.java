package dev.cgan.cli;

import dev.cgan.server.CganServer;
import dev.cgan.train.Outcome;
import dev.cgan.train.TrainingListener;
import dev.cgan.train.TrainingRun;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Ctrl-C and SIGTERM: during training a stop request and an exit that waits for the save; while
 * serving a graceful stop and an exit that waits for it.
 */
final class Signals {
  private Signals() {}

  /**
   * Trains; Ctrl-C or SIGTERM asks the run to stop, and the JVM's shutdown waits until the
   * checkpoint of the iteration reached is written.
   */
  static Outcome untilDoneOrStopped(
      TrainingRun run, List<TrainingListener> listeners, Consumer<Outcome> onStopped)
      throws IOException {
    return whileSignalWaits(
        run::requestStop,
        () -> {
          Outcome outcome = run.train(listeners);
          if (outcome.stoppedEarly()) {
            // Inside: once the body returns, the shutdown hook returns and the JVM halts.
            onStopped.accept(outcome);
          }
          return outcome;
        });
  }

  /** Starts a server; may throw the start's IOException. */
  interface ServerStart {
    CganServer start() throws IOException;
  }

  /**
   * Serves until Ctrl-C or SIGTERM: the signal closes the port, lets the requests in flight finish
   * (the server's stop timeout), and the JVM's shutdown waits until the server has stopped. Serving
   * writes nothing, so nothing is lost if the process ends while the caller closes the model.
   */
  static void serveUntilStopped(
      ServerStart start, Consumer<CganServer> onStarted, Runnable onStopped) throws IOException {
    try (CganServer server = start.start()) {
      whileSignalWaits(
          server::close,
          () -> {
            onStarted.accept(server);
            try {
              server.join();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return null;
            }
            onStopped.run();
            return null;
          });
    }
  }

  /** What runs while a signal would be handled; its own IOException passes through. */
  private interface Body<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code body} with a shutdown hook that, on Ctrl-C or SIGTERM, calls {@code stop} and then
   * holds the JVM's shutdown until {@code body} has returned (at most two minutes).
   */
  private static <T> T whileSignalWaits(Runnable stop, Body<T> body) throws IOException {
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
