package dev.cgan.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.model.CganConfig;
import dev.cgan.model.Weights;
import dev.cgan.run.RunSettings;
import dev.cgan.train.TinyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

class SavedModelExportTest {
  @TempDir static Path tmp;
  static Path run;
  static Path export;

  @BeforeAll
  static void trainAndExport() throws Exception {
    run = TinyData.trainedRun(tmp.resolve("run"), 4);
    export = SavedModelExport.export(run, tmp.resolve("exported"));
  }

  @Test
  void metaGraphHasTheServingTagSignaturesNamesDtypesAndShapes() {
    try (SavedModelBundle b = SavedModelBundle.load(export.toString(), "serve")) {
      MetaGraphDef meta = b.metaGraphDef();
      assertEquals(List.of("serve"), meta.getMetaInfoDef().getTagsList());
      assertEquals(
          Set.of("serving_default", "generate", "generate_styled", "generate_mixed"),
          meta.getSignatureDefMap().keySet());

      SignatureDef serving = meta.getSignatureDefOrThrow("serving_default");
      assertEquals(GeneratorGraph.PREDICT, serving.getMethodName());
      assertTensor(serving.getInputsOrThrow("labels"), DataType.DT_INT32, -1);
      assertTensor(serving.getInputsOrThrow("noise"), DataType.DT_FLOAT, -1, 100);
      assertTensor(serving.getOutputsOrThrow("images"), DataType.DT_FLOAT, -1, 32, 32, 1);
      assertEquals(Set.of("labels", "noise"), serving.getInputsMap().keySet());
      assertEquals(Set.of("images"), serving.getOutputsMap().keySet());

      SignatureDef generate = meta.getSignatureDefOrThrow("generate");
      assertTensor(generate.getInputsOrThrow("labels"), DataType.DT_INT32, -1);
      assertTensor(generate.getInputsOrThrow("seed"), DataType.DT_INT64);
      assertTensor(generate.getOutputsOrThrow("pixels"), DataType.DT_UINT8, -1, 32, 32, 1);
      assertEquals(Set.of("labels", "seed"), generate.getInputsMap().keySet());
      assertEquals(Set.of("pixels", "images"), generate.getOutputsMap().keySet());

      SignatureDef styled = meta.getSignatureDefOrThrow("generate_styled");
      assertEquals(GeneratorGraph.PREDICT, styled.getMethodName());
      assertTensor(styled.getInputsOrThrow("labels"), DataType.DT_INT32, -1);
      assertTensor(styled.getInputsOrThrow("seed"), DataType.DT_INT64);
      assertTensor(styled.getInputsOrThrow("same_style"), DataType.DT_BOOL);
      assertTensor(styled.getInputsOrThrow("truncation"), DataType.DT_FLOAT);
      assertTensor(styled.getOutputsOrThrow("pixels"), DataType.DT_UINT8, -1, 32, 32, 1);
      assertTensor(styled.getOutputsOrThrow("images"), DataType.DT_FLOAT, -1, 32, 32, 1);
      assertTensor(styled.getOutputsOrThrow("noise"), DataType.DT_FLOAT, -1, 100);
      assertEquals(
          Set.of("labels", "seed", "same_style", "truncation"), styled.getInputsMap().keySet());

      SignatureDef mixed = meta.getSignatureDefOrThrow("generate_mixed");
      assertEquals(GeneratorGraph.PREDICT, mixed.getMethodName());
      assertTensor(mixed.getInputsOrThrow("noise"), DataType.DT_FLOAT, -1, 100);
      assertTensor(mixed.getInputsOrThrow("label_weights"), DataType.DT_FLOAT, -1, 10);
      assertTensor(mixed.getOutputsOrThrow("pixels"), DataType.DT_UINT8, -1, 32, 32, 1);
      assertEquals(Set.of("noise", "label_weights"), mixed.getInputsMap().keySet());
      assertEquals(Set.of("pixels", "images"), mixed.getOutputsMap().keySet());
    }
  }

  @Test
  void holdsTheGeneratorAloneInInferenceMode() throws Exception {
    try (SavedModelBundle b = SavedModelBundle.load(export.toString(), "serve")) {
      Set<String> types = new HashSet<>();
      List<GraphOperation> variables = new ArrayList<>();
      b.graph()
          .operations()
          .forEachRemaining(
              op -> {
                types.add(op.type());
                if (op.type().equals("VariableV2")) {
                  variables.add(op);
                }
              });
      for (String banned :
          List.of("ApplyAdam", "AssignAdd", "RandomUniform", "StatelessRandomUniformV2")) {
        assertFalse(types.contains(banned), banned);
      }
      assertTrue(variables.stream().allMatch(v -> v.name().startsWith("G_")), variables.toString());
      long params = 0;
      Set<String> names = new HashSet<>();
      for (GraphOperation v : variables) {
        names.add(v.name());
        params += v.output(0).shape().size();
      }
      // The averaged generator's variables (the run keeps an average, so it is what is
      // exported) plus its BatchNorm running statistics, nothing else.
      Set<String> expected = new HashSet<>();
      try (Graph g = new Graph()) {
        new dev.cgan.model.Generator(
                Ops.create(g), CganConfig.reference(), 0, dev.cgan.model.Weights.EMA)
            .trainableVariables()
            .forEach(v -> expected.add(v.op().name()));
      }
      for (int i = 1; i <= 3; i++) {
        expected.add("G_ema_bn" + i + "_mean");
        expected.add("G_ema_bn" + i + "_var");
      }
      assertEquals(expected, names);
      long onDisk;
      try (Stream<Path> files = Files.list(export.resolve("variables"))) {
        onDisk =
            files
                .filter(f -> f.getFileName().toString().startsWith("variables.data"))
                .mapToLong(f -> f.toFile().length())
                .sum();
      }
      assertEquals(
          4 * params, onDisk, "variables.data holds the generator's float32 parameters only");
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void servingDefaultMatchesTheLibraryGeneratorBitForBit() throws Exception {
    int[] labels = {3, 1, 4, 1, 5};
    // The noise the library draws for seed 11, fed to serving_default, must reproduce its images.
    float[][] noise = noiseFor(labels, 11);
    float[][] expected;
    try (CganGenerator lib = CganGenerator.load(run)) {
      expected = lib.generate(labels, 11);
    }
    try (SavedModelBundle b = SavedModelBundle.load(export.toString(), "serve");
        TInt32 l = TInt32.vectorOf(labels);
        TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        Result r = b.function("serving_default").call(Map.of("labels", l, "noise", z))) {
      TFloat32 images = (TFloat32) r.get("images").orElseThrow();
      assertEquals(Shape.of(5, 32, 32, 1), images.shape());
      for (int i = 0; i < labels.length; i++) {
        float[] got = new float[1024];
        images
            .slice(org.tensorflow.ndarray.index.Indices.at(i))
            .copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(got, false, false));
        assertArrayEquals(expected[i], got, 0f);
      }
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void generateSignatureGivesPixelsReproduciblyPerSeed() throws Exception {
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    byte[] fromRun;
    try (CganGenerator lib = CganGenerator.fromRun(run)) {
      fromRun = lib.pixels(labels, 7);
    }
    try (SavedModelBundle b = SavedModelBundle.load(export.toString(), "serve")) {
      byte[] a = call(b, labels, 7), again = call(b, labels, 7), other = call(b, labels, 8);
      assertArrayEquals(fromRun, a);
      assertArrayEquals(a, again);
      assertFalse(java.util.Arrays.equals(a, other));
    }
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void runFolderAndItsExportRenderByteIdenticalPngs() throws Exception {
    Path a = tmp.resolve("from-run.png"), b = tmp.resolve("from-export.png");
    try (CganGenerator g = CganGenerator.load(run)) {
      dev.cgan.image.Png.write(g.renderDigits("2026112701", 7), a);
    }
    try (CganGenerator g = CganGenerator.load(export)) {
      dev.cgan.image.Png.write(g.renderDigits("2026112701", 7), b);
      assertEquals(4, g.iterations());
      assertEquals(CganConfig.reference(), g.config());
    }
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void concurrentGenerateCallsAgreeWithSerialOnes() throws Exception {
    try (CganGenerator g = CganGenerator.load(export)) {
      int threads = 6;
      byte[][] serial = new byte[threads][];
      for (int t = 0; t < threads; t++) {
        serial[t] = g.pixels(new int[] {t % 10, (t + 3) % 10}, 100 + t);
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<byte[]>> results = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
          for (int t = 0; t < threads; t++) {
            int k = t;
            results.add(pool.submit(() -> g.pixels(new int[] {k % 10, (k + 3) % 10}, 100 + k)));
          }
        }
        for (int i = 0; i < results.size(); i++) {
          assertArrayEquals(serial[i % threads], results.get(i).get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void metadataDescribesTheModel() throws Exception {
    ModelMetadata meta = ModelMetadata.read(export);
    assertEquals(ModelMetadata.FORMAT, meta.format());
    assertEquals(100, meta.model().latentDim());
    assertEquals(10, meta.model().numClasses());
    assertEquals(32, meta.model().imageSize());
    assertEquals(4, meta.iterations());
    assertFalse(meta.projectVersion().isBlank());
    assertTrue(meta.tensorflowVersion().startsWith("2."), meta.tensorflowVersion());
  }

  @Test
  void reExportReplacesTheOldExportAndLeavesNoTemporaryFolder() throws Exception {
    Path target = tmp.resolve("again");
    SavedModelExport.export(run, target);
    SavedModelExport.export(run, target);
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertTrue(
          siblings.noneMatch(p -> p.getFileName().toString().matches("again\\.(tmp|old).*")));
    }
    assertTrue(Files.isRegularFile(target.resolve("saved_model.pb")));
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void rawAndAveragedWeightsExportApartAndEachMatchesTheRun() throws Exception {
    Path raw = SavedModelExport.export(run, tmp.resolve("raw"), Weights.RAW);
    Path ema = SavedModelExport.export(run, tmp.resolve("ema"), Weights.EMA);
    assertEquals("raw", ModelMetadata.read(raw).weights());
    assertEquals("ema", ModelMetadata.read(ema).weights());
    assertEquals(RunSettings.DEFAULT_EMA_DECAY, ModelMetadata.read(ema).emaDecay());
    int[] labels = {2, 0, 2, 6, 1, 1, 2, 7, 0, 1};
    byte[] rawPixels, emaPixels;
    try (CganGenerator fromExport = CganGenerator.load(raw);
        CganGenerator fromRun = CganGenerator.load(run, Weights.RAW)) {
      assertEquals(Weights.RAW, fromExport.weights());
      rawPixels = fromExport.pixels(labels, 7);
      assertArrayEquals(fromRun.pixels(labels, 7), rawPixels);
    }
    try (CganGenerator fromExport = CganGenerator.load(ema);
        CganGenerator fromRun = CganGenerator.load(run)) {
      assertEquals(Weights.EMA, fromRun.weights(), "the average is the default");
      emaPixels = fromExport.pixels(labels, 7);
      assertArrayEquals(fromRun.pixels(labels, 7), emaPixels);
    }
    assertFalse(java.util.Arrays.equals(rawPixels, emaPixels));
    java.io.IOException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class, () -> CganGenerator.load(raw, Weights.EMA));
    assertEquals(
        raw + " holds the raw weights, not the ema ones; export the run again with those",
        e.getMessage());
  }

  @Test
  void aRunWithoutAverageAndAnExportFromBeforeItLoadTheirRawWeights() throws Exception {
    Path plain = tmp.resolve("plain");
    try (dev.cgan.train.TrainingRun r =
        dev.cgan.train.TrainingRun.create(plain, TinyData.settings(2).emaDecay(0f).build())) {
      r.train();
    }
    try (CganGenerator g = CganGenerator.load(plain)) {
      assertEquals(Weights.RAW, g.weights());
    }
    java.io.IOException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class, () -> CganGenerator.load(plain, Weights.EMA));
    assertTrue(e.getMessage().startsWith(plain + " keeps no averaged generator"), e.getMessage());
    // An export written before the average has no "weights" in its metadata: raw.
    Path old = SavedModelExport.export(plain, tmp.resolve("old-export"));
    Path meta = old.resolve(ModelMetadata.FILE);
    String json = Files.readString(meta).replaceAll("(?m)^\\s*\"(weights|emaDecay)\".*\\n", "");
    Files.writeString(meta, json.replaceAll(",(\\s*})", "$1"));
    assertEquals(null, ModelMetadata.read(old).weights());
    try (CganGenerator g = CganGenerator.load(old)) {
      assertEquals(Weights.RAW, g.weights());
    }
  }

  private static byte[] call(SavedModelBundle b, int[] labels, long seed) {
    try (TInt32 l = TInt32.vectorOf(labels);
        TInt64 s = TInt64.scalarOf(seed);
        Result r = b.function("generate").call(Map.of("labels", l, "seed", s))) {
      TUint8 px = (TUint8) r.get("pixels").orElseThrow();
      assertEquals(Shape.of(labels.length, 32, 32, 1), px.shape());
      return dev.cgan.internal.TensorArrays.bytes(px);
    }
  }

  private static float[][] noiseFor(int[] labels, long seed) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var z = dev.cgan.model.layers.Sampling.noise(tf, tf.constant(labels), tf.constant(seed), 100);
      try (Session s = new Session(g);
          Result r = s.runner().fetch(z).run()) {
        float[][] out = new float[labels.length][100];
        StdArrays.copyFrom((TFloat32) r.get(0), out);
        return out;
      }
    }
  }

  private static void assertTensor(TensorInfo info, DataType type, long... dims) {
    assertEquals(type, info.getDtype(), info.getName());
    List<Long> got = info.getTensorShape().getDimList().stream().map(d -> d.getSize()).toList();
    List<Long> want = new ArrayList<>();
    for (long d : dims) {
      want.add(d);
    }
    assertEquals(want, got, info.getName());
  }
}
