package dev.cgan.train;

import dev.cgan.InvalidSettingException;

/**
 * What a resumed run may change: its length (longer, or shorter down to the iteration reached), its
 * intervals and how many checkpoints it keeps; and whether it may go on with an image folder whose
 * files changed since the run began. Everything else that defines a run stays as its {@code
 * run.json} says. A null component keeps the run's own value.
 *
 * <pre>{@code
 * TrainingRun.resume(dir, ResumeOptions.none().iterations(20_000).keep(5), progress);
 * }</pre>
 *
 * @param epochs the new length in epochs, or null
 * @param iterations the new length in iterations, or null (at most one of the two is set)
 * @param sampleInterval iterations between sample grids, or null
 * @param checkpointInterval iterations between checkpoints, or null
 * @param logInterval iterations between metrics rows, or null
 * @param keep newest checkpoints kept, or null
 * @param allowChangedData whether a run on an image folder resumes although files were added,
 *     removed or modified since it began (refused by default, naming the changes); the number of
 *     images must still be the same, since the checkpoints hold an epoch order of that length
 */
public record ResumeOptions(
    Integer epochs,
    Long iterations,
    Integer sampleInterval,
    Integer checkpointInterval,
    Integer logInterval,
    Integer keep,
    boolean allowChangedData) {
  private static final ResumeOptions NONE =
      new ResumeOptions(null, null, null, null, null, null, false);

  /**
   * @throws InvalidSettingException naming a value out of range, or both lengths given
   */
  public ResumeOptions {
    if (epochs != null && iterations != null) {
      throw new InvalidSettingException("epochs", "and iterations cannot both be given");
    }
    atLeast(epochs, 0, "epochs");
    atLeast(iterations, 0, "iterations");
    atLeast(sampleInterval, 1, "sampleInterval");
    atLeast(checkpointInterval, 1, "checkpointInterval");
    atLeast(logInterval, 1, "logInterval");
    atLeast(keep, 1, "keep");
  }

  private static void atLeast(Number value, long min, String setting) {
    if (value != null && value.longValue() < min) {
      throw new InvalidSettingException(
          setting,
          (min == 0 ? "must not be negative" : "must be at least " + min) + ", got " + value);
    }
  }

  /** Changes nothing: the run continues to its own total. */
  public static ResumeOptions none() {
    return NONE;
  }

  /** The run's length in epochs over its data. */
  public ResumeOptions epochs(int n) {
    return new ResumeOptions(
        n, null, sampleInterval, checkpointInterval, logInterval, keep, allowChangedData);
  }

  /** The run's total iterations. */
  public ResumeOptions iterations(long n) {
    return new ResumeOptions(
        null, n, sampleInterval, checkpointInterval, logInterval, keep, allowChangedData);
  }

  public ResumeOptions sampleInterval(int n) {
    return new ResumeOptions(
        epochs, iterations, n, checkpointInterval, logInterval, keep, allowChangedData);
  }

  public ResumeOptions checkpointInterval(int n) {
    return new ResumeOptions(
        epochs, iterations, sampleInterval, n, logInterval, keep, allowChangedData);
  }

  public ResumeOptions logInterval(int n) {
    return new ResumeOptions(
        epochs, iterations, sampleInterval, checkpointInterval, n, keep, allowChangedData);
  }

  public ResumeOptions keep(int n) {
    return new ResumeOptions(
        epochs, iterations, sampleInterval, checkpointInterval, logInterval, n, allowChangedData);
  }

  /**
   * Resume although the run's image folder changed since it began (same number of images); its
   * listing in the run is then replaced by the folder's current one.
   */
  public ResumeOptions allowChangedData(boolean allow) {
    return new ResumeOptions(
        epochs, iterations, sampleInterval, checkpointInterval, logInterval, keep, allow);
  }
}
