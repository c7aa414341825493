package dev.cgan.cli;

import dev.cgan.train.TrainingListener;
import dev.cgan.train.TrainingRun;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Ctrl-C and SIGTERM during training: a stop request, and an exit that waits for the save. */
final class Signals {
  private Signals() {}

  /**
   * Trains; Ctrl-C or SIGTERM asks the run to stop, and the JVM's shutdown waits until the
   * checkpoint of the iteration reached is written and {@code onStopped} has said so (the JVM halts
   * as soon as the shutdown hook returns, so a message printed after this method returns may be
   * lost).
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
}
