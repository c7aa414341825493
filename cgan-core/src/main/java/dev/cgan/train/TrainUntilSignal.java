package dev.cgan.train;

import dev.cgan.internal.ShutdownSignal;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Training in a process that Ctrl-C or SIGTERM may end: the signal asks the run to stop, and the
 * JVM's shutdown waits until the checkpoint of the iteration reached is written, so that {@code
 * --resume} continues exactly where the signal came.
 */
public final class TrainUntilSignal {
  private TrainUntilSignal() {}

  /**
   * {@code run.train(listeners)}, stopped early by Ctrl-C or SIGTERM.
   *
   * @param onStopped called with the outcome of a stopped run before the JVM may halt: the place to
   *     tell the user how to go on
   */
  public static Outcome train(
      TrainingRun run, List<TrainingListener> listeners, Consumer<Outcome> onStopped)
      throws IOException {
    return ShutdownSignal.whileSignalWaits(
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
}
