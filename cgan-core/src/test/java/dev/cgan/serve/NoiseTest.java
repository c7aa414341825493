package dev.cgan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cgan.InvalidSettingException;
import org.junit.jupiter.api.Test;

class NoiseTest {
  /** A bound the float kernels flush to zero would mean "no truncation": refused, not ignored. */
  @Test
  void truncationBoundsThatVanishOrAreNotPositiveAreRefused() {
    for (float t : new float[] {0f, -1f, Float.NaN, 1e-40f, Float.MIN_VALUE}) {
      InvalidSettingException e =
          assertThrows(InvalidSettingException.class, () -> Noise.checkTruncation(t), "T " + t);
      assertEquals("truncation", e.setting());
    }
    Noise.checkTruncation(Float.MIN_NORMAL);
    assertEquals(0.7f, Noise.independent().withTruncation(0.7f).truncation());
  }
}
