package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

class PrecisionTest {
  @TempDir Path tmp;

  @Test
  void fp32KeepsTheSessionOptionsAndBf16TurnsOnTheMixedPrecisionRewrite() {
    assertNull(Precision.FP32.sessionConfig(null));
    ConfigProto threads = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).build();
    assertEquals(threads, Precision.FP32.sessionConfig(threads));
    ConfigProto bf16 = Precision.MIXED_BF16.sessionConfig(threads);
    assertEquals(1, bf16.getIntraOpParallelismThreads());
    assertEquals(
        RewriterConfig.Toggle.ON,
        bf16.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionMkl());
  }

  @Test
  void bf16TrainingRunsAndGivesFiniteLosses() throws Exception {
    TrainingRun.Outcome outcome;
    try (TrainingRun run = TrainingRun.create(tmp.resolve("bf16"), TinyData.settings(2).build())) {
      outcome =
          run.withSessionConfig(Precision.MIXED_BF16.sessionConfig(null))
              .train(List.of(Listeners.checkpoints()));
    }
    assertEquals(2, outcome.iterations());
    assertTrue(outcome.lastMetrics().isFinite(), outcome.lastMetrics().toString());
  }
}
