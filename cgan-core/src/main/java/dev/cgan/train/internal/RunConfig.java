package dev.cgan.train.internal;

import java.util.List;

/**
 * How a run was started, stored as {@code run.json} in its folder so that a resumed run and the
 * readers of the run ({@code generate}, {@code export}) rebuild exactly the same graph. The field
 * names are the file format: runs of earlier releases read back unchanged.
 *
 * @param spec the training hyperparameters and the network's shape
 * @param data the data source's id (see {@link dev.cgan.data.DataSource#id()})
 * @param sampleInterval iterations between sample grids
 * @param checkpointInterval iterations between checkpoints
 * @param logInterval iterations between metrics rows
 * @param keep checkpoints kept
 * @param digits the label sequence rendered into result.png at the end
 * @param classNames optional names of the classes, index order; {@code null} for digits
 * @param mirrors base URLs for downloading MNIST; {@code null} for the defaults
 */
public record RunConfig(
    TrainingSpec spec,
    String data,
    int sampleInterval,
    int checkpointInterval,
    int logInterval,
    int keep,
    String digits,
    List<String> classNames,
    List<String> mirrors) {

  public RunConfig {
    require(spec != null && spec.model() != null, "spec", "is missing");
    require(data != null && !data.isBlank(), "data", "is missing");
    require(sampleInterval >= 1, "sampleInterval", "must be at least 1, got " + sampleInterval);
    require(
        checkpointInterval >= 1,
        "checkpointInterval",
        "must be at least 1, got " + checkpointInterval);
    require(logInterval >= 1, "logInterval", "must be at least 1, got " + logInterval);
    require(keep >= 1, "keep", "must be at least 1, got " + keep);
    require(digits != null && !digits.isBlank(), "digits", "is missing");
  }

  private static void require(boolean ok, String field, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(field + " " + problem);
    }
  }

  public RunConfig withSpec(TrainingSpec s) {
    return new RunConfig(
        s,
        data,
        sampleInterval,
        checkpointInterval,
        logInterval,
        keep,
        digits,
        classNames,
        mirrors);
  }

  public RunConfig withIntervals(int sample, int checkpoint, int log, int keepCount) {
    return new RunConfig(
        spec, data, sample, checkpoint, log, keepCount, digits, classNames, mirrors);
  }
}
