package dev.cgan.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.CganConfig;
import dev.cgan.run.RunSettings;
import dev.cgan.train.TinyData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class TrainingGraphTest {
  @Test
  void generatorStepMovesOnlyGeneratorWeightsAndDiscriminatorStepOnlyDiscriminatorWeights() {
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec(1).twoStep(true).build(), TinyData.digits());
      try (Session s = new Session(g)) {
        s.run(tg.reshuffle);
        List<float[]> g0 = values(s, tg.generator.trainableVariables()),
            d0 = values(s, tg.discriminator.trainableVariables());
        try (Result fake = s.runner().addTarget(tg.generatorStep).fetch(tg.fakeImages).run()) {
          List<float[]> g1 = values(s, tg.generator.trainableVariables()),
              d1 = values(s, tg.discriminator.trainableVariables());
          assertAllChanged(g0, g1, "G step, G variables");
          assertNoneChanged(d0, d1, "G step, D variables");
          assertEquals(0, step(s, tg));
          s.runner().feed(tg.fakeImages, fake.get(0)).addTarget(tg.discriminatorStep).run().close();
          assertNoneChanged(
              g1, values(s, tg.generator.trainableVariables()), "D step, G variables");
          assertAllChanged(
              d1, values(s, tg.discriminator.trainableVariables()), "D step, D variables");
          assertEquals(1, step(s, tg));
        }
      }
    }
  }

  @Test
  void oneFusedStepChangesBothNetworksAndCountsOneIteration() {
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec(1).build(), TinyData.digits());
      try (Session s = new Session(g)) {
        s.run(tg.reshuffle);
        List<float[]> g0 = values(s, tg.generator.trainableVariables()),
            d0 = values(s, tg.discriminator.trainableVariables());
        s.run(tg.trainStep);
        assertAllChanged(g0, values(s, tg.generator.trainableVariables()), "G variables");
        assertAllChanged(d0, values(s, tg.discriminator.trainableVariables()), "D variables");
        assertEquals(1, step(s, tg));
      }
    }
  }

  /** The fused single run is the reference's G-then-D iteration: same weights after a few steps. */
  @Test
  void fusedAndTwoStepOrdersGiveTheSameWeights() {
    for (float dropout : new float[] {0f, 0.4f}) {
      RunSettings.Builder spec =
          spec(3)
              .network(CganConfig.reference().withDropoutRate(dropout))
              .seed(9)
              .emaDecay(dropout == 0f ? 0f : 0.9f);
      List<float[]> fused = trainAndRead(spec.build(), 3);
      List<float[]> literal = trainAndRead(spec.twoStep(true).build(), 3);
      for (int i = 0; i < fused.size(); i++) {
        assertArrayEquals(
            fused.get(i), literal.get(i), 1e-5f, "variable " + i + " with dropout " + dropout);
      }
    }
  }

  /**
   * Variables are updated in place while the fused step runs ops side by side, so every update must
   * come after every op of the step that reads the variable it overwrites: checked on the graph
   * itself, which is what the schedule obeys, since a race need not show in a short run.
   */
  @Test
  void everyFusedUpdateWaitsForEveryReadOfItsVariable() {
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec(3).build(), TinyData.digits());
      Set<GraphOperation> step = ancestors((GraphOperation) tg.trainStep.op());
      int updates = 0;
      for (GraphOperation op : step) {
        if (!op.type().equals("ApplyAdam")) {
          continue;
        }
        updates++;
        GraphOperation variable = (GraphOperation) op.input(0).op();
        Set<GraphOperation> before = ancestors(op);
        for (GraphOperation reader : readers(variable)) {
          if (!reader.equals(op) && step.contains(reader)) {
            assertTrue(
                before.contains(reader),
                op.name()
                    + " may overwrite "
                    + variable.name()
                    + " before "
                    + reader.name()
                    + " reads it");
          }
        }
      }
      assertEquals(
          tg.generator.trainableVariables().size() + tg.discriminator.trainableVariables().size(),
          updates);
    }
  }

  /**
   * The average follows the weights Adam has just written: each averaged variable's update comes
   * after the update of the raw variable it reads.
   */
  @Test
  void everyAverageUpdateReadsItsWeightAfterAdamWroteIt() {
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec(3).emaDecay(0.999f).build(), TinyData.digits());
      Set<GraphOperation> step = ancestors((GraphOperation) tg.trainStep(0).op());
      int updates = 0;
      for (GraphOperation op : step) {
        if (!op.type().equals("ApplyGradientDescent")) {
          continue;
        }
        updates++;
        String averagedName = op.input(0).op().name();
        assertTrue(averagedName.startsWith("G_ema_"), averagedName);
        String rawName = "G_" + averagedName.substring("G_ema_".length());
        boolean afterAdam =
            ancestors(op).stream()
                .anyMatch(
                    a -> a.type().equals("ApplyAdam") && a.input(0).op().name().equals(rawName));
        assertTrue(afterAdam, op.name() + " may read " + rawName + " before Adam updates it");
      }
      assertEquals(tg.generator.trainableVariables().size(), updates);
    }
  }

  /**
   * w̄ ← w̄ − (1 − d⁴)(w̄ − w) after the steps t = 0, 4, 8, …, from w̄ = w at the start, with d =
   * min(decay, (1 + t) / (10 + t)): checked against the rule on the values read back over six steps
   * (the average stays put in between).
   */
  @Test
  void theAverageFollowsTheWeightsByTheWarmedUpDecay() {
    float decay = 0.2f;
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec(3).emaDecay(decay).build(), TinyData.digits());
      try (Session s = new Session(g)) {
        s.initialize();
        List<float[]> expected = values(s, tg.averaged.trainableVariables());
        List<float[]> start = values(s, tg.generator.trainableVariables());
        for (int i = 0; i < start.size(); i++) {
          assertArrayEquals(start.get(i), expected.get(i), "the average starts at the weights");
        }
        TrainingStep step = new TrainingStep(s, tg, false, 0);
        for (int t = 0; t < 6; t++) {
          step.run(false);
          float rate =
              t % TrainingGraph.AVERAGE_EVERY == 0
                  ? 1f - (float) Math.pow(Math.min(decay, (1f + t) / (10f + t)), 4)
                  : 0f;
          List<float[]> raw = values(s, tg.generator.trainableVariables());
          for (int i = 0; i < raw.size(); i++) {
            float[] e = expected.get(i);
            for (int j = 0; j < e.length; j++) {
              e[j] -= rate * (e[j] - raw.get(i)[j]);
            }
          }
          List<float[]> actual = values(s, tg.averaged.trainableVariables());
          for (int i = 0; i < raw.size(); i++) {
            assertArrayEquals(
                expected.get(i), actual.get(i), 1e-6f, "variable " + i + ", step " + t);
          }
        }
      }
    }
  }

  /**
   * The average's BatchNorm statistics are recomputed for its own weights, not carried along:
   * refreshing twice gives the same values, and they are not the raw generator's.
   */
  @Test
  void theAveragesStatisticsAreRecomputedForItsOwnWeights() {
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec(5).emaDecay(0.9f).build(), TinyData.digits());
      try (Session s = new Session(g)) {
        s.initialize();
        TrainingStep step = new TrainingStep(s, tg, false, 0);
        for (int t = 0; t < 5; t++) {
          step.run(false);
        }
        List<Variable<TFloat32>> rawStats = statistics(g, "G_");
        List<Variable<TFloat32>> avgStats = statistics(g, "G_ema_");
        assertEquals(6, avgStats.size());
        List<float[]> before = values(s, avgStats);
        s.run(tg.refreshAverageStatistics);
        List<float[]> once = values(s, avgStats);
        s.run(tg.refreshAverageStatistics);
        List<float[]> twice = values(s, avgStats);
        List<float[]> raw = values(s, rawStats);
        for (int i = 0; i < once.size(); i++) {
          assertArrayEquals(once.get(i), twice.get(i), avgStats.get(i).op().name());
          assertFalse(java.util.Arrays.equals(before.get(i), once.get(i)), "refreshed " + i);
          assertFalse(java.util.Arrays.equals(raw.get(i), once.get(i)), "not the raw statistics");
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Variable<TFloat32>> statistics(Graph g, String prefix) {
    List<Variable<TFloat32>> vars = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      for (String stat : new String[] {"_mean", "_var"}) {
        GraphOperation op = g.operation(prefix + "bn" + i + stat);
        vars.add(new Variable<>(op));
      }
    }
    return vars;
  }

  /** The ops that read a variable, looking through the Identity ops that pass its reference on. */
  private static Set<GraphOperation> readers(GraphOperation variable) {
    Set<GraphOperation> readers = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>(variable.consumers());
    while (!todo.isEmpty()) {
      GraphOperation op = todo.pop();
      if (readers.add(op) && op.type().equals("Identity")) {
        todo.addAll(op.consumers());
      }
    }
    return readers;
  }

  /** Every op that must run before {@code op}: data and control inputs, transitively. */
  private static Set<GraphOperation> ancestors(GraphOperation op) {
    Set<GraphOperation> seen = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>();
    todo.push(op);
    while (!todo.isEmpty()) {
      GraphOperation o = todo.pop();
      for (int i = 0; i < o.numInputs(); i++) {
        GraphOperation in = (GraphOperation) o.input(i).op();
        if (seen.add(in)) {
          todo.push(in);
        }
      }
      for (GraphOperation in : o.controlInputs()) {
        if (seen.add(in)) {
          todo.push(in);
        }
      }
    }
    return seen;
  }

  @Test
  void epochOrderIsAPermutationThatChangesEachEpoch() {
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec(30).build(), TinyData.digits());
      try (Session s = new Session(g)) {
        s.run(tg.reshuffle);
        int[] first = order(s, tg);
        for (int i = 0; i < tg.iterationsPerEpoch; i++) {
          s.run(tg.trainStep);
        }
        s.run(tg.reshuffle);
        int[] second = order(s, tg);
        assertFalse(java.util.Arrays.equals(first, second));
        int[] sorted = second.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
          assertEquals(i, sorted[i]);
        }
      }
    }
  }

  private static int[] order(Session s, TrainingGraph tg) {
    try (Result r = s.runner().fetch(tg.epochOrder).run()) {
      org.tensorflow.types.TInt32 t = (org.tensorflow.types.TInt32) r.get(0);
      int[] a = new int[(int) t.size()];
      t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(a, false, false));
      return a;
    }
  }

  private static List<float[]> trainAndRead(RunSettings spec, int iterations) {
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec, TinyData.digits());
      try (Session s = new Session(g)) {
        s.initialize();
        TrainingStep step = new TrainingStep(s, tg, spec.twoStep(), 0);
        for (int i = 0; i < iterations; i++) {
          step.run(false);
        }
        List<Variable<TFloat32>> all = new ArrayList<>(tg.generator.trainableVariables());
        all.addAll(tg.discriminator.trainableVariables());
        if (tg.averaged != null) {
          all.addAll(tg.averaged.trainableVariables());
        }
        return values(s, all);
      }
    }
  }

  /** The reference network and optimiser at batch 32 for {@code iterations}. */
  static RunSettings.Builder spec(long iterations) {
    return RunSettings.builder(TinyData.source())
        .classes(10)
        .batchSize(32)
        .seed(5)
        .iterations(iterations)
        .emaDecay(0f);
  }

  static List<float[]> values(Session s, List<Variable<TFloat32>> vars) {
    List<float[]> out = new ArrayList<>();
    for (Variable<TFloat32> v : vars) {
      try (Result r = s.runner().fetch(v).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] a = new float[(int) t.size()];
        t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(a, false, false));
        out.add(a);
      }
    }
    return out;
  }

  private static long step(Session s, TrainingGraph tg) {
    try (Result r = s.runner().fetch(tg.step).run()) {
      return ((TInt64) r.get(0)).getLong();
    }
  }

  private static void assertAllChanged(List<float[]> before, List<float[]> after, String what) {
    for (int i = 0; i < before.size(); i++) {
      assertFalse(
          java.util.Arrays.equals(before.get(i), after.get(i)),
          what + ": variable " + i + " did not change");
    }
  }

  private static void assertNoneChanged(List<float[]> before, List<float[]> after, String what) {
    for (int i = 0; i < before.size(); i++) {
      assertTrue(
          java.util.Arrays.equals(before.get(i), after.get(i)),
          what + ": variable " + i + " changed");
    }
  }
}
