package dev.cgan.train.internal;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * One training iteration of a {@link TrainingGraph} in a session: the epoch's reshuffle when an
 * epoch begins, then one fused run, or the reference's G run and D run with the fakes fed back in
 * two-step mode. The trainer, the benchmark and the tests all step through this class.
 */
public final class TrainingStep {
  private final Session session;
  private final TrainingGraph graph;
  private final boolean twoStep;
  private long iteration;
  private boolean ordered;

  /**
   * @param iteration the iteration the session's variables are at (0, or a restored checkpoint's)
   */
  public TrainingStep(Session session, TrainingGraph graph, boolean twoStep, long iteration) {
    this.session = session;
    this.graph = graph;
    this.twoStep = twoStep;
    this.iteration = iteration;
  }

  /** Iterations completed. */
  public long iteration() {
    return iteration;
  }

  /**
   * Runs one iteration.
   *
   * @param fetchMetrics whether to fetch this iteration's losses and scores
   * @return {d_loss, g_loss, mean D(x), mean D(G(z))} of the batch, or null when not fetched
   */
  public float[] run(boolean fetchMetrics) {
    // The epoch order lives in a variable that a checkpoint does not reorder, so it is drawn again
    // on the first iteration of a session, whatever the iteration.
    if (!ordered || iteration % graph.iterationsPerEpoch == 0) {
      session.run(graph.reshuffle);
      ordered = true;
    }
    float[] metrics;
    if (!twoStep) {
      Session.Runner r = session.runner().addTarget(graph.trainStep(iteration));
      metrics = fetchMetrics ? fetchScalars(addMetrics(r)) : runTargets(r);
    } else {
      try (Result g =
          session
              .runner()
              .addTarget(graph.generatorStep(iteration))
              .fetch(graph.fakeImages)
              .run()) {
        Session.Runner r =
            session.runner().feed(graph.fakeImages, g.get(0)).addTarget(graph.discriminatorStep);
        metrics = fetchMetrics ? fetchScalars(addMetrics(r)) : runTargets(r);
      }
    }
    iteration++;
    return metrics;
  }

  /** {d_loss, g_loss, mean D(x), mean D(G(z))} of the current weights on this iteration's batch. */
  public float[] currentMetrics() {
    return fetchScalars(addMetrics(session.runner()));
  }

  /** The iteration counter stored in the graph (restored with a checkpoint). */
  public static long storedIteration(Session session, TrainingGraph graph) {
    try (Result r = session.runner().fetch(graph.step).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  private Session.Runner addMetrics(Session.Runner r) {
    return r.fetch(graph.discriminatorLoss)
        .fetch(graph.generatorLoss)
        .fetch(graph.meanRealScore)
        .fetch(graph.meanFakeScore);
  }

  private static float[] runTargets(Session.Runner r) {
    r.run().close();
    return null;
  }

  private static float[] fetchScalars(Session.Runner r) {
    try (Result res = r.run()) {
      float[] out = new float[res.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = ((TFloat32) res.get(i)).getFloat();
      }
      return out;
    }
  }
}
