package dev.cgan.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import dev.cgan.data.LabeledImages;
import dev.cgan.model.CganConfig;
import dev.cgan.model.layers.Preprocessing;
import dev.cgan.serve.CganGenerator;
import dev.cgan.train.TinyData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class EvaluatorTest {
  @TempDir static Path tmp;
  static Evaluator evaluator;
  static LabeledImages heldOut;
  static float[][] heldOutImages;

  @BeforeAll
  static void open() throws Exception {
    heldOut = TinyClassifier.heldOut();
    evaluator =
        Evaluator.open(
            new ClassifierCache(tmp.resolve("cache")),
            TinyClassifier.SPEC,
            TinyClassifier.train(),
            heldOut,
            line -> {});
    heldOutImages = modelInputs(heldOut);
  }

  @AfterAll
  static void close() {
    evaluator.close();
  }

  @Test
  void realHeldOutDigitsMatchTheRealReference() {
    EvaluationReport r = evaluator.evaluate(heldOutImages, heldOut.labels());
    EvaluationReport.Real real = r.real();
    assertEquals(200, real.heldOut());
    assertEquals(real.classifierAccuracy(), r.conditionalAccuracy(), 1e-12);
    assertEquals(real.classifierScore(), r.classifierScore(), 1e-6);
    assertEquals(0, r.frechetDistance(), 1e-6 * real.frechetFloor());
    assertEquals(1, r.diversityRatio(), 1e-6);
    assertTrue(real.frechetFloor() > 0, "two different halves of real digits differ");
  }

  @Test
  void imagesLabelledAsTheClassifierSeesThemAreAllCorrect() {
    int[] labels = evaluator.classifier().predict(heldOutImages).classes();
    EvaluationReport r = evaluator.evaluate(heldOutImages, labels);
    assertEquals(1.0, r.conditionalAccuracy());
    for (EvaluationReport.ClassStats c : r.classes()) {
      assertTrue(c.samples() == 0 || c.accuracy() == 1.0, c.toString());
    }
  }

  @Test
  void oneRepeatedImageHasNoDiversity() {
    int index = firstOf(3);
    float[][] images = new float[50][];
    int[] labels = new int[50];
    Arrays.fill(images, heldOutImages[index]);
    Arrays.fill(labels, 3);
    EvaluationReport r = evaluator.evaluate(images, labels);
    EvaluationReport.ClassStats three = r.classes().get(3);
    assertEquals(50, three.samples());
    // Not exactly 0 on every CPU: oneDNN's AVX2 kernels can round one row differently by its
    // position in the batch, a few float32 ulps (2^-23 relative) per feature. Over the features
    // that is ~1e-7 of their norm (1.7e-7 measured on AVX2); 1e-5 of the real diversity is a
    // hundredfold margin, and still ten thousand times below what two different images give.
    assertTrue(three.realDiversity() > 0);
    assertEquals(0.0, three.diversity(), 1e-5 * three.realDiversity());
    assertEquals(0.0, three.diversityRatio(), 1e-5);
    assertTrue(
        r.frechetDistance() > 10 * r.real().frechetFloor(),
        r.frechetDistance() + " vs " + r.real().frechetFloor());
    assertEquals(1.0, r.classifierScore(), 1e-6, "one image: p(y|x) = p(y)");
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void aGeneratorIsScoredDeterministically() throws Exception {
    Path run = TinyData.trainedRun(tmp.resolve("run"), 2);
    try (CganGenerator g = CganGenerator.load(run)) {
      EvaluationReport a = evaluator.evaluate(g, 6, 7);
      EvaluationReport b = evaluator.evaluate(g, 6, 7);
      EvaluationReport c = evaluator.evaluate(g, 6, 8);
      assertEquals(60, a.samples());
      assertEquals(2L, a.iterations());
      assertEquals(7L, a.seed());
      assertEquals(a.frechetDistance(), b.frechetDistance());
      assertEquals(a.classes(), b.classes());
      assertNotEquals(a.frechetDistance(), c.frechetDistance());
      assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(g, 1, 7));
      // Any sampler is drawn from the same way: the generator's own method gives its report.
      EvaluationReport d = evaluator.evaluate(g::generate, 6, 7);
      assertEquals(a.frechetDistance(), d.frechetDistance());
      assertEquals(a.classes(), d.classes());
      assertEquals(null, d.iterations());
      assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(g::generate, 1, 7));
    }
  }

  @Test
  void onlyTenClassThirtyTwoPixelGreyModelsAreAccepted() {
    Evaluator.requireDigitModel(CganConfig.reference());
    for (CganConfig other :
        new CganConfig[] {
          CganConfig.reference().withNumClasses(5), CganConfig.reference().withImageSize(28)
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Evaluator.requireDigitModel(other));
      assertTrue(e.getMessage().contains("needs a 10-class 32x32"), e.getMessage());
    }
  }

  @Test
  void badLabelsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> evaluator.evaluate(heldOutImages, new int[3]));
    int[] labels = heldOut.labels().clone();
    labels[5] = 10;
    assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(heldOutImages, labels));
  }

  @Test
  void theReportRendersAsATableAndRoundTripsThroughJson() {
    EvaluationReport r =
        evaluator.evaluate(heldOutImages, heldOut.labels()).withModel("real digits");
    String table = r.toTable();
    assertTrue(table.startsWith("Evaluation of real digits\n"), table);
    for (String row :
        new String[] {
          "conditional accuracy", "Frechet distance", "classifier score", "diversity"
        }) {
      assertTrue(table.contains(row), row);
    }
    assertEquals(1 + 10, table.lines().dropWhile(l -> !l.startsWith("class ")).count(), table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("    7 ")), table);
    // Named classes name their rows, left-aligned to the longest name; the rest is the same.
    List<String> names =
        List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine");
    String named = r.toTable(names);
    List<String> rows = named.lines().dropWhile(l -> !l.startsWith("class ")).toList();
    assertEquals(1 + 10, rows.size(), named);
    assertTrue(rows.get(8).startsWith("seven "), named);
    assertEquals(
        table.lines().takeWhile(l -> !l.startsWith("class ")).toList(),
        named.lines().takeWhile(l -> !l.startsWith("class ")).toList());
    assertEquals(table, r.toTable(List.of("too", "few")));
    assertEquals(r, new Gson().fromJson(r.toJson(), EvaluationReport.class));
  }

  /** Real digits as the generator's format, through the same preprocessing as training. */
  static float[][] modelInputs(LabeledImages real) {
    int n = real.count();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x =
          Preprocessing.toModelInput(
              tf,
              tf.constant(
                  Shape.of(n, real.height(), real.width()),
                  DataBuffers.of(real.pixels(), true, false)),
              real.height(),
              real.width(),
              32);
      try (Session s = new Session(g);
          Result r = s.runner().fetch(x).run()) {
        float[] flat = new float[n * 1024];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(flat, false, false));
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
          out[i] = Arrays.copyOfRange(flat, i * 1024, (i + 1) * 1024);
        }
        return out;
      }
    }
  }

  private static int firstOf(int label) {
    for (int i = 0; i < heldOut.count(); i++) {
      if (heldOut.label(i) == label) {
        return i;
      }
    }
    throw new IllegalStateException("no " + label);
  }
}
