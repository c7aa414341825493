package dev.cgan.train.internal;

import dev.cgan.data.LabeledImages;
import dev.cgan.internal.TensorArrays;
import dev.cgan.run.RunSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleToIntFunction;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Session options for one training step, side by side in one process: every configuration gets its
 * own graph and session (its own thread pools, when {@value TrainingThreads#PER_SESSION_POOLS} is
 * set), all open at once, and the rounds take turns, so that a busy spell of the machine hits them
 * alike. Every session trains the same iterations from the same initial weights on the same data,
 * and at the end each one's weights are compared bit for bit with the first configuration's.
 */
public final class ThreadTrial {
  /**
   * One configuration's result.
   *
   * @param config the session options measured
   * @param imagesPerSecond one figure per round
   * @param ratios this configuration's images/s over the first's, round by round
   * @param sameWeights whether its weights equal the first configuration's, bit for bit
   * @param weightsHash a hash of its weights (equal hashes of two sessions of one configuration
   *     show that it is deterministic)
   */
  public record Outcome(
      ConfigProto config,
      double[] imagesPerSecond,
      double[] ratios,
      boolean sameWeights,
      int weightsHash) {
    /** "intra/inter". */
    public String threads() {
      return config.getIntraOpParallelismThreads() + "/" + config.getInterOpParallelismThreads();
    }

    /** The median of the per-round ratios to the first configuration. */
    public double medianRatio() {
      return median(ratios);
    }

    /** The median images/s over rounds. */
    public double medianImagesPerSecond() {
      return median(imagesPerSecond);
    }

    private static double median(double[] values) {
      double[] r = values.clone();
      Arrays.sort(r);
      return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }
  }

  private ThreadTrial() {}

  /**
   * Runs the trial: {@code warmup} iterations per session, then {@code rounds} rounds of {@code
   * iterations} each, taking turns.
   *
   * @param configs the first is the reference the others' weights and speed are compared with
   */
  public static List<Outcome> run(
      RunSettings spec,
      LabeledImages data,
      List<ConfigProto> configs,
      int warmup,
      int rounds,
      int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("a trial needs iterations, got " + iterations);
    }
    return run(spec, data, configs, warmup, rounds, secondsPerIteration -> iterations);
  }

  /**
   * As {@link #run(RunSettings, LabeledImages, List, int, int, int)}, with as many iterations per
   * round as make one configuration's round last about {@code secondsPerRound} (2 to 200), judged
   * by the first configuration's last warm-up iteration.
   *
   * @param warmup at least 2: the first iteration of a session pays for its set-up
   */
  public static List<Outcome> runFor(
      RunSettings spec,
      LabeledImages data,
      List<ConfigProto> configs,
      int warmup,
      int rounds,
      double secondsPerRound) {
    if (warmup < 2) {
      throw new IllegalArgumentException("a timed trial needs 2 warm-up iterations, got " + warmup);
    }
    return run(
        spec,
        data,
        configs,
        warmup,
        rounds,
        secondsPerIteration ->
            (int) Math.max(2, Math.min(200, Math.ceil(secondsPerRound / secondsPerIteration))));
  }

  private static List<Outcome> run(
      RunSettings spec,
      LabeledImages data,
      List<ConfigProto> configs,
      int warmup,
      int rounds,
      DoubleToIntFunction iterationsPerRound) {
    if (configs.isEmpty() || rounds < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "a trial needs configurations and rounds: " + configs.size() + ", " + rounds);
    }
    List<Graph> graphs = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    List<TrainingGraph> trainingGraphs = new ArrayList<>();
    List<TrainingStep> steps = new ArrayList<>();
    double lastWarmup = Double.NaN;
    int iterations = 0;
    try {
      for (ConfigProto config : configs) {
        Graph g = new Graph();
        graphs.add(g);
        TrainingGraph tg = new TrainingGraph(g, spec, data);
        trainingGraphs.add(tg);
        Session s = new Session(g, config);
        sessions.add(s);
        s.initialize();
        TrainingStep step = new TrainingStep(s, tg, spec.twoStep(), 0);
        steps.add(step);
        for (int i = 0; i < warmup; i++) {
          long t0 = System.nanoTime();
          step.run(false);
          lastWarmup = (System.nanoTime() - t0) / 1e9;
        }
        if (steps.size() == 1) {
          iterations = iterationsPerRound.applyAsInt(lastWarmup);
        }
      }
      double[][] ips = new double[configs.size()][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < configs.size(); c++) {
          TrainingStep step = steps.get(c);
          long t0 = System.nanoTime();
          for (int i = 0; i < iterations; i++) {
            step.run(false);
          }
          ips[c][r] = iterations * (double) spec.batchSize() / ((System.nanoTime() - t0) / 1e9);
        }
      }
      float[][] reference = weights(sessions.get(0), trainingGraphs.get(0));
      List<Outcome> outcomes = new ArrayList<>();
      for (int c = 0; c < configs.size(); c++) {
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = ips[c][r] / ips[0][r];
        }
        float[][] w = c == 0 ? reference : weights(sessions.get(c), trainingGraphs.get(c));
        outcomes.add(
            new Outcome(
                configs.get(c),
                ips[c],
                ratios,
                Arrays.deepEquals(reference, w),
                Arrays.deepHashCode(w)));
      }
      return outcomes;
    } finally {
      sessions.forEach(Session::close);
      graphs.forEach(Graph::close);
    }
  }

  /** Every trainable variable of G and D, as floats. */
  public static float[][] weights(Session s, TrainingGraph tg) {
    List<Variable<TFloat32>> vars = new ArrayList<>(tg.generator.trainableVariables());
    vars.addAll(tg.discriminator.trainableVariables());
    float[][] out = new float[vars.size()][];
    Session.Runner r = s.runner();
    vars.forEach(r::fetch);
    try (Result res = r.run()) {
      for (int i = 0; i < out.length; i++) {
        out[i] = TensorArrays.floats((TFloat32) res.get(i));
      }
    }
    return out;
  }
}
