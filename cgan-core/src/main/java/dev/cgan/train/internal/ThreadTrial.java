package dev.cgan.train.internal;

import dev.cgan.data.LabeledImages;
import dev.cgan.internal.TensorArrays;
import dev.cgan.run.RunSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
      double[] r = ratios.clone();
      Arrays.sort(r);
      return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }

    /** The median images/s over rounds. */
    public double medianImagesPerSecond() {
      double[] r = imagesPerSecond.clone();
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
    if (configs.isEmpty() || rounds < 1 || iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException(
          "a trial needs configurations, rounds and iterations: "
              + configs.size()
              + ", "
              + rounds
              + ", "
              + iterations);
    }
    List<Graph> graphs = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    List<TrainingGraph> trainingGraphs = new ArrayList<>();
    List<TrainingStep> steps = new ArrayList<>();
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
          step.run(false);
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
