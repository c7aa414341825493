package dev.cgan.train;

/**
 * How a run was started, stored as {@code run.json} in its folder so that {@code --resume} and
 * {@code generate} rebuild exactly the same graph.
 *
 * @param spec the training hyperparameters and the network's shape
 * @param data where the training images came from: {@code embedded:mnist10k}, or a folder or file
 *     path
 * @param sampleInterval iterations between sample grids
 * @param checkpointInterval iterations between checkpoints
 * @param logInterval iterations between metrics rows
 * @param keep checkpoints kept
 * @param digits the label sequence rendered into result.png at the end
 * @param classNames optional names of the classes, index order; {@code null} for digits
 */
public record RunConfig(
    TrainingSpec spec,
    String data,
    int sampleInterval,
    int checkpointInterval,
    int logInterval,
    int keep,
    String digits,
    java.util.List<String> classNames) {

  public static final String EMBEDDED = dev.cgan.data.DataSources.EMBEDDED;

  public RunConfig {
    if (sampleInterval < 1 || checkpointInterval < 1 || logInterval < 1) {
      throw new IllegalArgumentException(
          "intervals must be positive (sample "
              + sampleInterval
              + ", checkpoint "
              + checkpointInterval
              + ", log "
              + logInterval
              + ")");
    }
  }

  public RunConfig withSpec(TrainingSpec s) {
    return new RunConfig(
        s, data, sampleInterval, checkpointInterval, logInterval, keep, digits, classNames);
  }
}
