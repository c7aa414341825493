package dev.cgan.bench;

import dev.cgan.data.DataSource;
import dev.cgan.data.LabeledImages;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.TrainingGraph;
import dev.cgan.train.internal.TrainingStep;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * Training throughput: the {@link TrainingGraph} run as the trainer runs it, through the same
 * {@link TrainingStep} (reshuffle at each epoch start, one fused run per iteration, or a G run and
 * a D run with the fakes fed back in two-step mode), without the Trainer's logging, samples and
 * checkpoints.
 */
public final class TrainingBench {
  private TrainingBench() {}

  /**
   * One measured training configuration.
   *
   * @param batchSize images per iteration
   * @param twoStep whether each iteration was two session runs
   * @param iterationsPerRepeat iterations timed together in one sample
   * @param imagesPerSecond batch·iterations / seconds, per sample
   */
  public record Result(
      int batchSize, boolean twoStep, int iterationsPerRepeat, Stats imagesPerSecond) {
    /** "fused" or "two-step". */
    public String mode() {
      return twoStep ? "two-step" : "fused";
    }
  }

  /**
   * The step that every benchmark times: the reference hyperparameters and seed on {@code network}
   * and the embedded digits at batch {@code batchSize}, with or without the averaged generator.
   */
  static RunSettings step(CganConfig network, int batchSize, boolean averaged) {
    return RunSettings.builder(DataSource.embedded())
        .network(network)
        .classes(network.numClasses())
        .batchSize(batchSize)
        .iterations(0)
        .emaDecay(averaged ? RunSettings.DEFAULT_EMA_DECAY : 0f)
        .build();
  }

  /** {@code spec} with another batch size; everything else, including the seed, unchanged. */
  public static RunSettings withBatchSize(RunSettings spec, int batchSize) {
    return spec.toBuilder().batchSize(batchSize).build();
  }

  /**
   * Builds the training graph of {@code spec} on {@code data}, initialises it, runs {@code warmup}
   * iterations untimed (the first runs optimise the graph and build the oneDNN kernels), then times
   * {@code repeats} samples of {@code iterations} iterations each. {@code spec.iterations()} is not
   * used.
   *
   * @param config session options, or null for TensorFlow's defaults (what the Trainer uses)
   */
  public static Result measure(
      RunSettings spec,
      LabeledImages data,
      int warmup,
      int iterations,
      int repeats,
      ConfigProto config) {
    if (warmup < 0 || iterations < 1 || repeats < 1) {
      throw new IllegalArgumentException(
          "bad training benchmark: "
              + warmup
              + " warm-up, "
              + iterations
              + " iterations, "
              + repeats
              + " repeats");
    }
    try (Graph graph = new Graph()) {
      TrainingGraph tg = new TrainingGraph(graph, spec, data);
      try (Session session = new Session(graph, config)) {
        session.initialize();
        TrainingStep step = new TrainingStep(session, tg, spec.twoStep(), 0);
        run(step, warmup);
        double[] ips = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          ips[r] =
              (double) iterations
                  * spec.batchSize()
                  / Timing.seconds(1, () -> run(step, iterations));
        }
        return new Result(spec.batchSize(), spec.twoStep(), iterations, Stats.of(ips));
      }
    }
  }

  private static void run(TrainingStep step, int iterations) {
    for (int i = 0; i < iterations; i++) {
      step.run(false);
    }
  }
}
