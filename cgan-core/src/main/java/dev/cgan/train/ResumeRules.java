package dev.cgan.train;

import dev.cgan.InvalidSettingException;
import dev.cgan.run.RunSettings;
import java.nio.file.Path;

/**
 * What a resume may change of a run ({@link ResumeOptions}): its length, never below the iteration
 * it reached, its intervals and its checkpoints kept. What defines the run stays: there is no way
 * to ask otherwise.
 */
final class ResumeRules {
  private ResumeRules() {}

  /**
   * The run's settings with {@code changes} applied.
   *
   * @param perEpoch iterations per epoch of the run's data, for a length in epochs
   * @param reached the iteration of the run's newest checkpoint
   * @throws InvalidSettingException naming the length that would go back, or an interval out of
   *     range
   */
  static RunSettings apply(
      RunSettings stored, ResumeOptions changes, long perEpoch, long reached, Path folder) {
    RunSettings.Builder b = stored.toBuilder();
    if (changes.epochs() != null || changes.iterations() != null) {
      long total = SettingsResolution.length(changes.epochs(), changes.iterations(), perEpoch);
      if (total < reached) {
        throw new InvalidSettingException(
            changes.epochs() != null ? "epochs" : "iterations",
            (changes.epochs() != null ? changes.epochs() : total)
                + " would go back: "
                + folder
                + " is already at iteration "
                + reached);
      }
      b.iterations(total);
    }
    if (changes.sampleInterval() != null) {
      b.sampleInterval(changes.sampleInterval());
    }
    if (changes.checkpointInterval() != null) {
      b.checkpointInterval(changes.checkpointInterval());
    }
    if (changes.logInterval() != null) {
      b.logInterval(changes.logInterval());
    }
    if (changes.keep() != null) {
      b.keep(changes.keep());
    }
    return b.build();
  }
}
