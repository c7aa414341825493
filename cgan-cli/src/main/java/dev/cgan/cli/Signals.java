package dev.cgan.cli;

import dev.cgan.server.CganServer;
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
  static TrainingRun.Outcome untilDoneOrStopped(
      TrainingRun run, List<TrainingListener> listeners, Consumer<TrainingRun.Outcome> onStopped)
      throws IOException {
    CountDownLatch finished = new CountDownLatch(1);
    Thread onSignal =
        new Thread(
            () -> {
              run.requestStop();
              try {
                finished.await(2, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      TrainingRun.Outcome outcome = run.train(listeners);
      if (outcome.stoppedEarly()) {
        // Before the latch: once it opens, the shutdown hook returns and the JVM halts.
        onStopped.accept(outcome);
      }
      return outcome;
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // The hook is already running; it returns now that training has ended.
      }
    }
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
    CountDownLatch finished = new CountDownLatch(1);
    try (CganServer server = start.start()) {
      Thread onSignal =
          new Thread(
              () -> {
                server.close();
                try {
                  finished.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(onSignal);
      try {
        onStarted.accept(server);
        server.join();
        onStopped.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running; it returns once the latch below opens.
        }
      }
    } finally {
      finished.countDown();
    }
  }
}
