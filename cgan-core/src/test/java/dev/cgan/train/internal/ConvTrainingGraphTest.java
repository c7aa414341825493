package dev.cgan.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cgan.data.DataSource;
import dev.cgan.model.CganConfig;
import dev.cgan.model.ConvPlan;
import dev.cgan.run.RunSettings;
import dev.cgan.train.TinyData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

class ConvTrainingGraphTest {
  private static final CganConfig CONV = CganConfig.conv(4).withImageSize(16);

  @Test
  void fusedAndTwoStepOrdersGiveTheSameConvWeights() {
    RunSettings.Builder spec = TrainingGraphTest.spec(3).network(CONV).seed(9).emaDecay(0.9f);
    List<float[]> fused = trainAndRead(spec.build(), 3);
    List<float[]> literal = trainAndRead(spec.twoStep(true).build(), 3);
    assertEquals(fused.size(), literal.size());
    for (int i = 0; i < fused.size(); i++) {
      assertArrayEquals(fused.get(i), literal.get(i), 1e-5f, "variable " + i);
    }
  }

  @Test
  void theMemoryEstimateCountsTheConvNetworksVariables() {
    ConvPlan plan = ConvPlan.of(CONV);
    assertEquals(plan.generatorVariables(), TrainingMemory.generatorVariables(CONV));
    assertEquals(plan.discriminatorVariables(), TrainingMemory.discriminatorVariables(CONV));
    DataSource.DataShape shape = new DataSource.DataShape("test", 1000, 28, 28, 1);
    TrainingMemory conv = TrainingMemory.of(CONV, 64, true, shape);
    // Each weight with Adam's two slots, its gradient and the average's copy: at least 4 floats.
    long weights = plan.generatorVariables() + plan.discriminatorVariables();
    assertEquals(true, conv.networkBytes() >= 4 * 4 * weights, conv.toString());
    long perImage = plan.generatorActivations() + plan.discriminatorActivations();
    assertEquals(true, conv.activationBytes() >= 4L * 64 * perImage, conv.toString());
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
        all.addAll(tg.averaged.trainableVariables());
        return TrainingGraphTest.values(s, all);
      }
    }
  }
}
