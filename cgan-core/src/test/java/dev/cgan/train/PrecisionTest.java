package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cgan.InvalidSettingException;
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
    assumeTrue(Precision.MIXED_BF16.supported(), "oneDNN has no bfloat16 matmul on this CPU");
    ConfigProto bf16 = Precision.MIXED_BF16.sessionConfig(threads);
    assertEquals(1, bf16.getIntraOpParallelismThreads());
    assertEquals(
        RewriterConfig.Toggle.ON,
        bf16.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionMkl());
  }

  /**
   * Where oneDNN has bfloat16 matmuls the mixed run trains; where it has not (AVX2, or the suite's
   * run under ONEDNN_MAX_CPU_ISA=AVX2) it is refused by name instead of aborting the JVM.
   */
  @Test
  void bf16TrainingRunsAndGivesFiniteLossesOrIsRefusedWhereOnednnCannot() throws Exception {
    if (!Precision.MIXED_BF16.supported()) {
      InvalidSettingException e =
          assertThrows(
              InvalidSettingException.class, () -> Precision.MIXED_BF16.sessionConfig(null));
      assertEquals("precision", e.setting());
      assertTrue(e.getMessage().contains("AVX-512"), e.getMessage());
      assertEquals(Precision.FP32, Precision.FP32.requireSupported());
      return;
    }
    Outcome outcome;
    try (TrainingRun run = TrainingRun.create(tmp.resolve("bf16"), TinyData.settings(2).build())) {
      outcome =
          run.withSessionConfig(Precision.MIXED_BF16.sessionConfig(null))
              .train(List.of(Listeners.checkpoints()));
    }
    assertEquals(2, outcome.iterations());
    assertTrue(outcome.lastMetrics().isFinite(), outcome.lastMetrics().toString());
  }
}
