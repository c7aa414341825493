package dev.cgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.CganConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlopCountTest {
  /** The reference layer widths, multiplied out by hand. */
  @Test
  void referenceNetworkMatchesTheHandCount() {
    FlopCount c = FlopCount.of(CganConfig.reference());
    // G: (10 labels + 100 noise) → 128 → 256 → 512 → 1024 → 32·32·1.
    long g = 110 * 128 + 128 * 256 + 256 * 512 + 512 * 1024 + 1024 * 1024;
    // D: (32·32·1 pixels + 10 labels) → 512 → 512 → 512 → 1.
    long d = 1034 * 512 + 512 * 512 + 512 * 512 + 512;
    assertEquals(1_750_784, g);
    assertEquals(1_054_208, d);
    assertEquals(g, c.generatorForwardMacs());
    assertEquals(d, c.discriminatorForwardMacs());
    assertEquals(13_686_016, c.referenceIterationMacs());
    assertEquals(27_372_032, c.referenceIterationFlops());
    assertEquals(12_631_808, c.fusedGraphMacs());
  }

  @Test
  void layerShapesAreReadInNetworkOrder() {
    FlopCount c = FlopCount.of(CganConfig.reference());
    assertEquals(
        List.of(
            new FlopCount.Dense("G_fc0_w", 110, 128),
            new FlopCount.Dense("G_fc1_w", 128, 256),
            new FlopCount.Dense("G_fc2_w", 256, 512),
            new FlopCount.Dense("G_fc3_w", 512, 1024),
            new FlopCount.Dense("G_fc4_w", 1024, 1024)),
        c.generatorLayers());
    assertEquals(
        List.of(
            new FlopCount.Dense("D_fc0_w", 1034, 512),
            new FlopCount.Dense("D_fc1_w", 512, 512),
            new FlopCount.Dense("D_fc2_w", 512, 512),
            new FlopCount.Dense("D_fc3_w", 512, 1)),
        c.discriminatorLayers());
  }

  /** 3 G passes (forward, weight and input gradients) and 8 D passes, per image. */
  @Test
  void formulaOnASmallHandMadeNetwork() {
    FlopCount c =
        new FlopCount(
            List.of(new FlopCount.Dense("g0", 2, 3), new FlopCount.Dense("g1", 3, 4)),
            List.of(new FlopCount.Dense("d0", 4, 5), new FlopCount.Dense("d1", 5, 1)));
    assertEquals(6 + 12, c.generatorForwardMacs());
    assertEquals(20 + 5, c.discriminatorForwardMacs());
    assertEquals(3 * 18 + 8 * 25, c.referenceIterationMacs());
    assertEquals(2 * (3 * 18 + 8 * 25), c.referenceIterationFlops());
    assertEquals(3 * 18 + 7 * 25, c.fusedGraphMacs());
    FlopCount shared = new FlopCount(c.generatorLayers(), c.discriminatorLayers(), true);
    assertEquals(3 * 18 + 8 * 25, shared.referenceIterationMacs());
    assertEquals(3 * 18 + 6 * 25, shared.fusedGraphMacs());
    assertTrue(shared.derivation().contains("3G + 6D = 204 MAC"), shared.derivation());
  }

  @Test
  void otherImageSizesAndClassCountsChangeTheOuterLayers() {
    FlopCount c = FlopCount.of(CganConfig.reference().withImageSize(28).withNumClasses(3));
    assertEquals(
        103 * 128 + 128 * 256 + 256 * 512 + 512 * 1024 + 1024 * 784, c.generatorForwardMacs());
    assertEquals(787 * 512 + 2 * 512 * 512 + 512, c.discriminatorForwardMacs());
  }

  @Test
  void derivationPrintsTheTermsAndTheTotal() {
    String text = FlopCount.of(CganConfig.reference()).derivation();
    assertEquals(
        true,
        text.contains("110·128 + 128·256 + 256·512 + 512·1024 + 1024·1024 = 1,750,784 MAC"),
        text);
    assertEquals(true, text.contains("27,372,032 FLOP per image (27.37 MFLOP)"), text);
  }
}
