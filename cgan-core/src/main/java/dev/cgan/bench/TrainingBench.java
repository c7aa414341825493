package dev.cgan.bench;

import dev.cgan.data.LabeledImages;
import dev.cgan.train.TrainingGraph;
import dev.cgan.train.TrainingSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * Training throughput: the {@link TrainingGraph} run as {@link dev.cgan.train.Trainer} runs it
 * (reshuffle at each epoch start, one fused run per iteration, or a G run and a D run with the
 * fakes fed back in two-step mode), without the Trainer's logging, samples and checkpoints.
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

  /** {@code spec} with another batch size; everything else, including the seed, unchanged. */
  public static TrainingSpec withBatchSize(TrainingSpec spec, int batchSize) {
    return new TrainingSpec(
        spec.model(),
        batchSize,
        spec.seed(),
        spec.iterations(),
        spec.learningRate(),
        spec.beta1(),
        spec.beta2(),
        spec.twoStep());
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
      TrainingSpec spec,
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
        Loop loop = new Loop(session, tg, spec.twoStep());
        loop.run(warmup);
        double[] ips = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          ips[r] =
              (double) iterations
                  * spec.batchSize()
                  / Timing.seconds(1, () -> loop.run(iterations));
        }
        return new Result(spec.batchSize(), spec.twoStep(), iterations, Stats.of(ips));
      }
    }
  }

  /** The Trainer's iteration loop, reduced to what every iteration must do. */
  private static final class Loop {
    private final Session session;
    private final TrainingGraph tg;
    private final boolean twoStep;
    private long iteration;

    Loop(Session session, TrainingGraph tg, boolean twoStep) {
      this.session = session;
      this.tg = tg;
      this.twoStep = twoStep;
    }

    void run(int iterations) {
      for (int i = 0; i < iterations; i++) {
        if (iteration % tg.iterationsPerEpoch == 0) {
          session.run(tg.reshuffle);
        }
        if (twoStep) {
          try (org.tensorflow.Result g =
              session.runner().addTarget(tg.generatorStep).fetch(tg.fakeImages).run()) {
            session
                .runner()
                .feed(tg.fakeImages, g.get(0))
                .addTarget(tg.discriminatorStep)
                .run()
                .close();
          }
        } else {
          session.runner().addTarget(tg.trainStep).run().close();
        }
        iteration++;
      }
    }
  }
}
