package dev.cgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void oddCountTakesTheMiddleSampleWhateverTheOrder() {
    Stats s = Stats.of(5, 1, 4, 2, 3);
    assertEquals(new Stats(3, 1, 5, 5), s);
  }

  @Test
  void evenCountAveragesTheTwoMiddleSamples() {
    assertEquals(new Stats(2.5, 1, 10, 4), Stats.of(10, 2, 1, 3));
  }

  @Test
  void oneSampleIsItsOwnMedianMinAndMax() {
    assertEquals(new Stats(7, 7, 7, 1), Stats.of(7));
  }

  @Test
  void doesNotReorderTheCallersArray() {
    double[] samples = {3, 1, 2};
    Stats.of(samples);
    assertEquals(3, samples[0]);
  }

  @Test
  void scalesEveryStatistic() {
    assertEquals(new Stats(6, 2, 10, 3), Stats.of(1, 3, 5).times(2));
    assertEquals(0.8, Stats.of(4, 5, 8).relativeSpread(), 1e-12);
  }

  @Test
  void refusesNoSamplesAndNaN() {
    assertThrows(IllegalArgumentException.class, Stats::of);
    assertThrows(IllegalArgumentException.class, () -> Stats.of(1, Double.NaN, 2));
    assertThrows(IllegalArgumentException.class, () -> Stats.of(1).times(-1));
  }
}
