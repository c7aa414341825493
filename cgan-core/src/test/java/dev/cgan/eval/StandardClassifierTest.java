package dev.cgan.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim the evaluation rests on: the standard classifier reads real held-out digits at least 98
 * % correctly. Trains it from scratch (about half a minute on two cores), so it runs only with
 * {@code -Dcgan.slowTests=true}.
 */
@EnabledIfSystemProperty(named = "cgan.slowTests", matches = "true")
class StandardClassifierTest {
  @TempDir Path cache;

  @Test
  void readsAtLeastNinetyEightPercentOfHeldOutDigits() throws Exception {
    List<String> log = new ArrayList<>();
    try (Evaluator ev = Evaluator.open(cache, log::add)) {
      System.out.println(String.join("\n", log));
      double accuracy = ev.real().classifierAccuracy();
      assertTrue(accuracy >= 0.98, "held-out accuracy " + accuracy);
      assertTrue(ev.real().heldOut() == 2000);
    }
    log.clear();
    try (Evaluator ev = Evaluator.open(cache, log::add)) {
      assertFalse(
          log.stream().anyMatch(l -> l.contains("training")),
          "the second open uses the cache: " + log);
    }
  }
}
