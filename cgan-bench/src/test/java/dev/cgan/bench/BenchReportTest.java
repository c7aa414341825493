package dev.cgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cgan.model.CganConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's layout, on made-up numbers; no timing is taken here. */
class BenchReportTest {
  private static BenchReport sample() {
    FlopCount flops =
        new FlopCount(
            List.of(new FlopCount.Dense("g0", 2, 3)), List.of(new FlopCount.Dense("d0", 3, 1)));
    return new BenchReport(
        new BenchReport.Machine(
            "2.18.0",
            "17",
            2,
            "amd64",
            0.5,
            1.5,
            "default intra-op / default inter-op",
            "AMD EPYC 7B12, 2 processors; AVX2 FMA; oneDNN dispatch AVX2"),
        5,
        10,
        List.of(new MatmulBench.Result(2048, 2048, 2048, Stats.of(290, 300, 310), 1)),
        new BenchReport.Flops(flops),
        List.of(
            new BenchReport.Training(
                "fused", 64, 50, Stats.of(1000, 1100, 1200), Stats.of(27, 30, 33), 0.1)),
        "run/saved_model",
        List.of(new GenerationBench.Result(10, 100, Stats.of(5000, 6000, 7000))),
        List.of(
            new ColdStart.Result(
                "generate 0123456789",
                List.of("java"),
                "TF_CPP_MIN_LOG_LEVEL=2",
                Stats.of(1.5, 2, 2.5))),
        new BenchReport.Memory(true, 700L << 20, 650L << 20, 20, Benchmark.RSS_LIMIT_BYTES),
        List.of("a note"),
        "reference MLP");
  }

  @Test
  void theTableNamesTheNetworkItMeasured() {
    BenchReport mlp = sample();
    assertTrue(mlp.toTable().contains("Training (reference MLP, reference hyperparameters"));
    assertTrue(mlp.toTable().contains("(reference MLP: dense layers only)"));
    BenchReport r = mlp;
    BenchReport conv =
        new BenchReport(
            r.machine(),
            r.repeats(),
            r.warmupIterations(),
            r.matmul(),
            r.flops(),
            r.training(),
            r.generationModel(),
            r.generation(),
            r.coldStart(),
            r.memory(),
            r.notes(),
            Benchmark.describe(dev.cgan.model.CganConfig.conv(16)));
    String table = conv.toTable();
    assertTrue(table.contains("Training (conv, width 16, reference hyperparameters"), table);
    assertTrue(table.contains("(conv, width 16: convolutions and dense layers)"), table);
    assertTrue(conv.toJson().contains("\"network\": \"conv, width 16\""), conv.toJson());
  }

  @Test
  void tableShowsMediansWithTheirRange() {
    String table = sample().toTable();
    assertTrue(
        table.contains("CPU: AMD EPYC 7B12, 2 processors; AVX2 FMA; oneDNN dispatch AVX2"), table);
    assertTrue(table.contains("2048×2048×2048     300.0 [290.0–310.0]"), table);
    assertTrue(table.contains("fused         64     50  1100 [1000–1200]"), table);
    assertTrue(table.contains("10.0 %"), table);
    assertTrue(table.contains("Generation (CganGenerator.pixels; run/saved_model)"), table);
    assertTrue(table.contains("   10      100  6000 [5000–7000]"), table);
    assertTrue(table.contains("2.00 [1.50–2.50] s (3 runs)"), table);
    assertTrue(table.contains("700 MiB"), table);
    assertTrue(table.contains("within the 1 GiB budget              yes"), table);
    assertTrue(table.contains("- a note"), table);
  }

  @Test
  void jsonHoldsEveryNumber() {
    JsonObject json = JsonParser.parseString(sample().toJson()).getAsJsonObject();
    assertEquals(
        300.0,
        json.getAsJsonArray("matmul")
            .get(0)
            .getAsJsonObject()
            .getAsJsonObject("gflops")
            .get("median")
            .getAsDouble());
    assertEquals(
        2 * (3 * 6 + 8 * 3),
        json.getAsJsonObject("flops").get("referenceIterationFlops").getAsLong());
    assertEquals(
        64, json.getAsJsonArray("training").get(0).getAsJsonObject().get("batchSize").getAsInt());
    assertEquals(700L << 20, json.getAsJsonObject("memory").get("trainingBenchPeak").getAsLong());
  }

  @Test
  void optionsAskForSessionThreadsOnlyWhenSet() {
    assertNull(Benchmark.Options.standard().sessionConfig());
    Benchmark.Options o =
        new Benchmark.Options(5, 50, 10, 3, 20, null, null, 1, 2, CganConfig.reference());
    assertEquals(1, o.sessionConfig().getIntraOpParallelismThreads());
    assertEquals(2, o.sessionConfig().getInterOpParallelismThreads());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Benchmark.Options(0, 50, 10, 3, 20, null, null, 0, 0, CganConfig.reference()));
  }
}
