package dev.cgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.OptimizerOptions.GlobalJitLevel;

class ConfigTrialTest {
  @Test
  void plainConfigurationSetsThreadsAndLeavesXlaAlone() {
    ConfigProto c = ConfigTrial.config("1/2");
    assertEquals(1, c.getIntraOpParallelismThreads());
    assertEquals(2, c.getInterOpParallelismThreads());
    // DEFAULT, not OFF: the session then follows TF_XLA_FLAGS as the trainer's own session does.
    assertFalse(c.hasGraphOptions());
    assertEquals(
        GlobalJitLevel.DEFAULT, c.getGraphOptions().getOptimizerOptions().getGlobalJitLevel());
  }

  @Test
  void xlaPrefixesChooseTheJitLevel() {
    ConfigProto on1 = ConfigTrial.config("xla:2/1");
    assertEquals(
        GlobalJitLevel.ON_1, on1.getGraphOptions().getOptimizerOptions().getGlobalJitLevel());
    assertEquals(2, on1.getIntraOpParallelismThreads());
    assertEquals(1, on1.getInterOpParallelismThreads());
    assertEquals(
        GlobalJitLevel.ON_2,
        ConfigTrial.config("xla2:1/2").getGraphOptions().getOptimizerOptions().getGlobalJitLevel());
  }

  @Test
  void malformedNamesAreRefusedByName() {
    for (String bad : new String[] {"fast:1/2", "1/", "0/2", "1/2/3", "xla:a/b", "12", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ConfigTrial.config(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }
}
