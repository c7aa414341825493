package dev.cgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.InvalidSettingException;
import dev.cgan.model.layers.Sampling;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class ConvNetworkShapesTest {
  private static CganConfig config(int size, int channels, int width) {
    return new CganConfig(10, 16, size, channels, 1e-5f, 0.1f, 0f, 0.2f, Architecture.CONV, width);
  }

  @ParameterizedTest
  @CsvSource({
    "16, 1, 4, 2",
    "16, 3, 4, 2",
    "28, 1, 7, 2",
    "28, 3, 7, 2",
    "32, 1, 4, 3",
    "32, 3, 4, 3",
    "64, 1, 4, 4",
    "64, 3, 4, 4"
  })
  void everySizeAndChannelCountRunsThroughBothNetworks(
      int size, int channels, int base, int doublings) {
    for (ConvPlan.Upsampling up : ConvPlan.Upsampling.values()) {
      for (ConvPlan.Conditioning cond : ConvPlan.Conditioning.values()) {
        ConvPlan plan = ConvPlan.of(config(size, channels, 4).withConditioning(cond), up);
        assertEquals(base, plan.baseSide());
        assertEquals(doublings, plan.doublings());
        try (Graph g = new Graph();
            Session s = new Session(g)) {
          Ops tf = Ops.create(g);
          ConvGenerator gen = new ConvGenerator(tf, plan, 1, Weights.RAW);
          ConvDiscriminator d = new ConvDiscriminator(tf, plan, 1);
          Operand<TInt32> labels = tf.constant(new int[] {0, 3, 9});
          Operand<TFloat32> z = Sampling.noise(tf, labels, tf.constant(5L), 16);
          Operand<TFloat32> img = gen.apply(tf, z, labels, true);
          Operand<TFloat32> score = d.apply(tf, img, labels, null);
          Operand<TFloat32> mixed =
              gen.applyMixed(
                  tf, z, tf.oneHot(labels, tf.constant(10), tf.constant(1f), tf.constant(0f)));
          assertEquals(
              List.of(-1L, (long) size, (long) size, (long) channels).toString(),
              List.of(-1L, img.shape().get(1), img.shape().get(2), img.shape().get(3)).toString());
          s.initialize();
          try (Result r = s.runner().fetch(img).fetch(score).fetch(mixed).run()) {
            assertEquals(3L * size * size * channels, r.get(0).shape().size(), plan + "");
            assertEquals("[3, 1]", r.get(1).shape().toString());
            assertEquals(r.get(0).shape(), r.get(2).shape());
          }
          assertEquals(plan.generatorVariables(), count(gen.trainableVariables()), up + " G");
          assertEquals(plan.discriminatorVariables(), count(d.trainableVariables()), cond + " D");
        }
      }
    }
  }

  @Test
  void theAveragedCopyHasTheSameVariablesUnderItsOwnNames() {
    ConvPlan plan = ConvPlan.of(config(28, 1, 4));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Variable<TFloat32>> raw =
          new ConvGenerator(tf, plan, 1, Weights.RAW).trainableVariables();
      List<Variable<TFloat32>> ema =
          new ConvGenerator(tf, plan, 1, Weights.EMA).trainableVariables();
      assertEquals(raw.size(), ema.size());
      for (int i = 0; i < raw.size(); i++) {
        assertEquals(raw.get(i).op().name().replace("G_", "G_ema_"), ema.get(i).op().name());
        assertEquals(raw.get(i).shape(), ema.get(i).shape());
      }
      assertTrue(raw.get(0).op().name().equals("G_label_emb"));
    }
  }

  @Test
  void sizesTheNetworkCannotMakeAndBadWidthsAreRefusedNamingTheSetting() {
    for (int size : new int[] {8, 30, 17, 60}) {
      InvalidSettingException e =
          assertThrows(InvalidSettingException.class, () -> config(size, 1, 8));
      assertEquals("imageSize", e.setting(), e.getMessage());
    }
    assertEquals(
        "width", assertThrows(InvalidSettingException.class, () -> config(32, 1, 0)).setting());
    InvalidSettingException one =
        assertThrows(InvalidSettingException.class, () -> config(32, 1, 1));
    assertEquals("width must be 2 to 1024 base channels, got 1", one.getMessage());
    assertEquals(
        "width",
        assertThrows(InvalidSettingException.class, () -> config(32, 1, CganConfig.MAX_WIDTH + 1))
            .setting());
    assertEquals(
        "width",
        assertThrows(
                InvalidSettingException.class,
                () -> new CganConfig(10, 16, 32, 1, 0.8f, 0.1f, 0f, 0.2f, Architecture.MLP, 8))
            .setting());
    assertEquals(
        "dropoutRate",
        assertThrows(InvalidSettingException.class, () -> CganConfig.conv(8).withDropoutRate(1f))
            .setting());
  }

  @Test
  void theDiscriminatorDropsOutOnlyWhileTrainingAndOnlyWithARate() {
    float[] inference = scores(0.5f, false);
    float[] training = scores(0.5f, true);
    assertEquals(java.util.Arrays.toString(inference), java.util.Arrays.toString(scores(0f, true)));
    assertEquals(
        java.util.Arrays.toString(inference), java.util.Arrays.toString(scores(0f, false)));
    for (int i = 0; i < inference.length; i++) {
      assertTrue(inference[i] != training[i], "image " + i + ": a training mask changes its score");
    }
    // The masks are the memory estimate's too: three more copies of each dropped layer's maps.
    ConvPlan plain = ConvPlan.of(config(32, 1, 4));
    ConvPlan dropped = ConvPlan.of(config(32, 1, 4).withDropoutRate(0.5f));
    assertEquals(
        plain.discriminatorActivations() + 3L * (8 * 8 * 8 + 4 * 4 * 16),
        dropped.discriminatorActivations());
  }

  /** D's scores of three fixed images, weights from seed 1, with or without a mask seed. */
  private static float[] scores(float rate, boolean training) {
    ConvPlan plan = ConvPlan.of(config(32, 1, 4).withDropoutRate(rate));
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      ConvDiscriminator d = new ConvDiscriminator(tf, plan, 1);
      Operand<TInt32> labels = tf.constant(new int[] {0, 3, 9});
      Operand<TFloat32> images = tf.math.tanh(Sampling.noise(tf, labels, tf.constant(5L), 32 * 32));
      Operand<TFloat32> score =
          d.apply(tf, images, labels, training ? tf.constant(new long[] {11, 0}) : null);
      s.initialize();
      try (TFloat32 t = (TFloat32) s.runner().fetch(score).run().get(0)) {
        return new float[] {t.getFloat(0, 0), t.getFloat(1, 0), t.getFloat(2, 0)};
      }
    }
  }

  private static long count(List<Variable<TFloat32>> vars) {
    return vars.stream().mapToLong(v -> v.shape().size()).sum();
  }
}
