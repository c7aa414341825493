package dev.cgan.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.InvalidSettingException;
import dev.cgan.image.Tiles;
import dev.cgan.internal.TensorArrays;
import dev.cgan.run.RunFolder;
import dev.cgan.train.TinyData;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * One hand per sequence, the truncation trick and the interpolations, from a run folder and from
 * its SavedModel; and that the default noise through the new graph paths is the old output.
 */
class StyleAndInterpolationTest {
  private static final int[] DIGITS = {2, 0, 2, 6, 1, 1, 2, 7, 0, 1};

  @TempDir static Path tmp;
  static Path run;
  static Path export;

  @BeforeAll
  static void trainAndExport() throws Exception {
    run = TinyData.trainedRun(tmp.resolve("run"), 4);
    export = SavedModelExport.export(run, tmp.resolve("exported"));
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void sameStyleGivesEqualTilesForEqualDigits() throws Exception {
    for (Path model : List.of(run, export)) {
      try (CganGenerator g = CganGenerator.load(model)) {
        byte[][] same = tiles(g.pixels(DIGITS, 7, Noise.oneStyle()));
        byte[][] independent = tiles(g.pixels(DIGITS, 7));
        for (int i = 0; i < DIGITS.length; i++) {
          for (int j = i + 1; j < DIGITS.length; j++) {
            if (DIGITS[i] == DIGITS[j]) {
              assertArrayEquals(same[i], same[j], model + ": tiles " + i + " and " + j);
              assertFalse(Arrays.equals(independent[i], independent[j]), "without it they differ");
            } else {
              assertFalse(Arrays.equals(same[i], same[j]), "other digits differ: " + i + ", " + j);
            }
          }
        }
        // One latent for the row: the one the seed draws for a single label.
        float[][] z = g.latents(DIGITS, 7, Noise.oneStyle());
        float[] single = g.latents(new int[] {5}, 7, Noise.independent())[0];
        for (float[] row : z) {
          assertArrayEquals(single, row, 0f);
        }
        assertFalse(Arrays.equals(z[0], g.latents(DIGITS, 8, Noise.oneStyle())[0]), "seeds differ");
      }
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void truncationKeepsEveryLatentEntryWithinTAndRedrawsOnlyTheOutliers() throws Exception {
    int[] labels = new int[400];
    try (CganGenerator g = CganGenerator.load(run);
        CganGenerator e = CganGenerator.load(export)) {
      float[][] plain = g.latents(labels, 3, Noise.independent());
      for (float t : new float[] {0.25f, 1f, 2.5f}) {
        Noise noise = Noise.independent().withTruncation(t);
        float[][] z = g.latents(labels, 3, noise);
        int redrawn = 0, redrawnInHalf = 0;
        for (int i = 0; i < z.length; i++) {
          for (int j = 0; j < z[i].length; j++) {
            assertTrue(Math.abs(z[i][j]) <= t, "entry " + z[i][j] + " beyond " + t);
            if (Math.abs(plain[i][j]) <= t) {
              assertEquals(plain[i][j], z[i][j], 0f, "an entry inside keeps its value");
            } else {
              redrawn++;
              redrawnInHalf += Math.abs(z[i][j]) <= t / 2 ? 1 : 0;
            }
          }
        }
        // Redrawn entries follow N(0, 1) conditioned on [-T, T], not a clamp to ±T:
        // P(|z| <= T/2 | |z| <= T) = erf(T/(2√2)) / erf(T/√2).
        double expected = erf(t / (2 * Math.sqrt(2))) / erf(t / Math.sqrt(2));
        double share = redrawnInHalf / (double) redrawn;
        assertTrue(redrawn > 300, "outliers at " + t + ": " + redrawn);
        assertEquals(expected, share, 0.05, "redrawn entries within T/2 at T = " + t);
        // Deterministic per seed, the same from the SavedModel, and a new draw for a new seed.
        assertArrayEquals(z, g.latents(labels, 3, noise));
        assertArrayEquals(z, e.latents(labels, 3, noise));
        assertFalse(Arrays.deepEquals(z, g.latents(labels, 4, noise)));
        assertArrayEquals(g.pixels(DIGITS, 3, noise), e.pixels(DIGITS, 3, noise));
      }
      // With one style, the one latent is truncated too.
      float[][] z = g.latents(DIGITS, 3, Noise.oneStyle().withTruncation(0.5f));
      for (float[] row : z) {
        assertArrayEquals(z[0], row, 0f);
        for (float v : row) {
          assertTrue(Math.abs(v) <= 0.5f, "entry " + v);
        }
      }
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  /**
   * Existing outputs are unchanged: the new signatures given the default inputs reproduce the old
   * ones bit for bit, and so does a truncation that cuts nothing.
   */
  @Test
  void theNewPathsWithDefaultInputsGiveTheOldOutputsBitForBit() throws Exception {
    try (SavedModelBundle b = SavedModelBundle.load(export.toString(), "serve")) {
      byte[] old;
      float[] oldImages;
      try (TInt32 l = TInt32.vectorOf(DIGITS);
          TInt64 s = TInt64.scalarOf(11L);
          Result r = b.function("generate").call(Map.of("labels", l, "seed", s))) {
        old = TensorArrays.bytes((TUint8) r.get("pixels").orElseThrow());
        oldImages = TensorArrays.floats((TFloat32) r.get("images").orElseThrow());
      }
      float[][] noise;
      try (TInt32 l = TInt32.vectorOf(DIGITS);
          TInt64 s = TInt64.scalarOf(11L);
          TBool same = TBool.scalarOf(false);
          TFloat32 t = TFloat32.scalarOf(0f);
          Result r =
              b.function("generate_styled")
                  .call(Map.of("labels", l, "seed", s, "same_style", same, "truncation", t))) {
        assertArrayEquals(old, TensorArrays.bytes((TUint8) r.get("pixels").orElseThrow()));
        assertArrayEquals(
            oldImages, TensorArrays.floats((TFloat32) r.get("images").orElseThrow()), 0f);
        noise = TensorArrays.rows((TFloat32) r.get("noise").orElseThrow());
      }
      float[] served;
      try (TInt32 l = TInt32.vectorOf(DIGITS);
          TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
          Result r = b.function("serving_default").call(Map.of("labels", l, "noise", z))) {
        served = TensorArrays.floats((TFloat32) r.get("images").orElseThrow());
      }
      assertArrayEquals(oldImages, served, 0f);
      // One-hot label weights are the label lookup.
      float[][] oneHot = new float[DIGITS.length][10];
      for (int i = 0; i < DIGITS.length; i++) {
        oneHot[i][DIGITS[i]] = 1f;
      }
      try (TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
          TFloat32 w = TFloat32.tensorOf(StdArrays.ndCopyOf(oneHot));
          Result r = b.function("generate_mixed").call(Map.of("noise", z, "label_weights", w))) {
        assertArrayEquals(
            served, TensorArrays.floats((TFloat32) r.get("images").orElseThrow()), 0f);
        assertArrayEquals(old, TensorArrays.bytes((TUint8) r.get("pixels").orElseThrow()));
      }
    }
    for (Path model : List.of(run, export)) {
      try (CganGenerator g = CganGenerator.load(model)) {
        byte[] old = g.pixels(DIGITS, 11);
        assertArrayEquals(old, g.pixels(DIGITS, 11, Noise.independent()));
        // Through generate_styled: no entry of 100 normal draws is beyond ±1000.
        assertArrayEquals(old, g.pixels(DIGITS, 11, Noise.independent().withTruncation(1000f)));
        assertArrayEquals(
            g.generate(DIGITS, 11),
            g.generate(DIGITS, 11, Noise.independent().withTruncation(1e6f)));
      }
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void styleInterpolationMovesSmoothlyFromOneSeedsStyleToTheOthers() throws Exception {
    int[] labels = {4, 2, 4};
    for (Path model : List.of(run, export)) {
      try (CganGenerator g = CganGenerator.load(model)) {
        List<BufferedImage> frames = g.interpolateStyle(labels, 7, 8, 10);
        assertEquals(10, frames.size());
        for (BufferedImage f : frames) {
          assertEquals(96, f.getWidth());
          assertEquals(32, f.getHeight());
          // One latent per frame: equal digits, equal tiles.
          byte[][] t = tiles(f);
          assertArrayEquals(t[0], t[2]);
        }
        assertArrayEquals(bytes(g.render(labels, 7, Noise.oneStyle())), bytes(frames.get(0)));
        assertArrayEquals(bytes(g.render(labels, 8, Noise.oneStyle())), bytes(frames.get(9)));
        assertSmooth(frames);
      }
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void classInterpolationMixesTheTwoLabelEmbeddings() throws Exception {
    for (Path model : List.of(run, export)) {
      try (CganGenerator g = CganGenerator.load(model)) {
        List<BufferedImage> frames = g.interpolateClasses(3, 8, 7, 12);
        assertEquals(12, frames.size());
        assertEquals(32, frames.get(0).getWidth());
        assertArrayEquals(
            bytes(g.render(new int[] {3}, 7, Noise.oneStyle())), bytes(frames.get(0)));
        assertArrayEquals(
            bytes(g.render(new int[] {8}, 7, Noise.oneStyle())), bytes(frames.get(11)));
        assertSmooth(frames);
        BufferedImage grid = Tiles.column(frames);
        assertEquals(32 * 12, grid.getHeight());
      }
    }
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() throws Exception {
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> Noise.independent().withTruncation(-1f));
    assertEquals("truncation must be positive, got -1.0", e.getMessage());
    assertEquals("--truncation must be positive, got -1.0", e.messageNaming("--truncation"));
    assertThrows(InvalidSettingException.class, () -> new Noise(false, 0f));
    assertThrows(InvalidSettingException.class, () -> new Noise(true, Float.NaN));

    e = assertThrows(InvalidSettingException.class, () -> CganGenerator.checkFrames(0));
    assertEquals(
        "frames must be 2 to 1000 (the two ends and the steps between), got 0", e.getMessage());
    assertThrows(InvalidSettingException.class, () -> CganGenerator.checkFrames(1));
    assertThrows(InvalidSettingException.class, () -> CganGenerator.checkFrames(1001));
    CganGenerator.checkFrames(2);

    // A SavedModel client that sends a negative truncation gets TensorFlow's error, naming it.
    try (SavedModelBundle b = SavedModelBundle.load(export.toString(), "serve");
        TInt32 l = TInt32.vectorOf(DIGITS);
        TInt64 s = TInt64.scalarOf(1L);
        TBool same = TBool.scalarOf(false);
        TFloat32 t = TFloat32.scalarOf(-1f)) {
      RuntimeException r =
          assertThrows(
              RuntimeException.class,
              () ->
                  b.function("generate_styled")
                      .call(Map.of("labels", l, "seed", s, "same_style", same, "truncation", t))
                      .close());
      assertTrue(
          r.getMessage().contains("truncation must be positive, or 0 for none"), r.getMessage());
    }

    try (CganGenerator g = CganGenerator.load(run)) {
      IllegalArgumentException c =
          assertThrows(IllegalArgumentException.class, () -> g.interpolateClasses(3, 99, 7, 10));
      assertEquals(
          "classes: class 99 at position 2 is not a class of this model (it has classes 0-9)",
          c.getMessage());
      assertThrows(IllegalArgumentException.class, () -> g.interpolateClasses(-1, 2, 7, 10));
      assertThrows(IllegalArgumentException.class, () -> g.interpolateStyle(new int[0], 1, 2, 5));
      assertThrows(
          IllegalArgumentException.class, () -> g.interpolateStyle(new int[] {10}, 1, 2, 5));
      assertThrows(IllegalArgumentException.class, () -> g.interpolateStyle(DIGITS, 1, 2, 1));
    }
  }

  /** An export of an earlier build (two signatures) still generates, and says what it lacks. */
  @Test
  void anExportWithoutTheNewSignaturesSaysWhatItLacks() throws Exception {
    Path old = tmp.resolve("old-export");
    RunFolder folder = RunFolder.open(run);
    try (Graph graph = new Graph()) {
      GeneratorGraph gg =
          new GeneratorGraph(graph, folder.settings().network(), dev.cgan.model.Weights.RAW);
      try (Session session = new Session(graph)) {
        RunCheckpoint.restore(folder, session);
        SavedModelBundle.exporter(old.toString())
            .withTags("serve")
            .withSession(session)
            .withFunction(SessionFunction.create(gg.servingDefault(), session))
            .withFunction(SessionFunction.create(gg.generate(), session))
            .export();
      }
    }
    new ModelMetadata(
            ModelMetadata.FORMAT,
            "0.1.0",
            TensorFlow.version(),
            folder.settings().network(),
            4,
            null,
            null,
            0f)
        .write(old);
    try (CganGenerator g = CganGenerator.load(old);
        CganGenerator fromRun = CganGenerator.load(run, dev.cgan.model.Weights.RAW)) {
      assertArrayEquals(fromRun.pixels(DIGITS, 7), g.pixels(DIGITS, 7, Noise.independent()));
      UnsupportedOperationException e =
          assertThrows(
              UnsupportedOperationException.class, () -> g.pixels(DIGITS, 7, Noise.oneStyle()));
      assertEquals(
          old
              + " has no 'generate_styled' signature (exported by an older cgan-java); export the"
              + " run again",
          e.getMessage());
      assertThrows(UnsupportedOperationException.class, () -> g.interpolateClasses(1, 2, 7, 3));
    }
  }

  @Test
  void slerpHitsTheEndsExactlyAndKeepsTheNormBetweenEqualNormEnds() {
    float[] a = {3, 0, 0, 4}, b = {0, 5, 0, 0};
    assertArrayEquals(a, CganGenerator.slerp(a, b, 0), 0f);
    assertArrayEquals(b, CganGenerator.slerp(a, b, 1), 0f);
    for (double t = 0.1; t < 1; t += 0.1) {
      assertEquals(5, norm(CganGenerator.slerp(a, b, t)), 1e-5);
    }
    // Halfway, a straight line would be at norm 5/√2; the arc is at 5, on the bisector.
    float[] mid = CganGenerator.slerp(a, b, 0.5);
    assertEquals(5 * Math.sqrt(0.5), mid[0] / 0.6, 1e-5);
    assertEquals(5 * Math.sqrt(0.5), mid[1], 1e-5);
    assertArrayEquals(a, CganGenerator.slerp(a, a, 0.3), 1e-6f);
  }

  /** Consecutive frames are closer to each other than the two end frames are. */
  private static void assertSmooth(List<BufferedImage> frames) {
    double ends = distance(frames.get(0), frames.get(frames.size() - 1));
    assertTrue(ends > 0, "the end frames differ");
    for (int k = 0; k + 1 < frames.size(); k++) {
      double step = distance(frames.get(k), frames.get(k + 1));
      assertTrue(step < ends, "frames " + k + "→" + (k + 1) + ": " + step + " >= ends " + ends);
    }
  }

  private static double distance(BufferedImage a, BufferedImage b) {
    byte[] x = bytes(a), y = bytes(b);
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double d = (x[i] & 0xFF) - (y[i] & 0xFF);
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  private static byte[] bytes(BufferedImage image) {
    return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
  }

  /** pixels() of n tiles (tile after tile) as n arrays of one tile each. */
  private static byte[][] tiles(byte[] pixels) {
    byte[][] out = new byte[pixels.length / 1024][1024];
    for (int i = 0; i < out.length; i++) {
      System.arraycopy(pixels, i * 1024, out[i], 0, 1024);
    }
    return out;
  }

  /** The tiles of a strip of 32×32 tiles, left to right. */
  private static byte[][] tiles(BufferedImage strip) {
    byte[][] out = new byte[strip.getWidth() / 32][];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte[]) strip.getRaster().getDataElements(i * 32, 0, 32, 32, new byte[1024]);
    }
    return out;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /** erf by Abramowitz and Stegun 7.1.26 (error below 1.5e-7), for the expected share. */
  private static double erf(double x) {
    double t = 1 / (1 + 0.3275911 * Math.abs(x));
    double y =
        1
            - t
                * (0.254829592
                    + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                * Math.exp(-x * x);
    return Math.copySign(y, x);
  }
}
