package dev.cgan.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
    RunFolder run = RunFolder.create(tmp.resolve("bf16"), TinyData.run(TinyData.spec(2)));
    Trainer.Outcome outcome =
        new Trainer()
            .withSessionConfig(Precision.MIXED_BF16.sessionConfig(null))
            .train(run, TinyData.digits(), new Trainer.Listener() {});
    assertEquals(2, outcome.iterations());
    assertTrue(outcome.lastMetrics().isFinite(), outcome.lastMetrics().toString());
  }
}
