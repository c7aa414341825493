package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Floats written as TensorFlow Serving writes them (json_tensor.cc's WriteDecimal). */
class TensorJsonTest {
  @Test
  void floatsUseSixDigitsOrNineWhenSixDoNotRoundTripAndWholeNumbersGetPointZero() {
    assertEquals("1.0", TensorJson.decimal(1f));
    assertEquals("-1.0", TensorJson.decimal(-1f));
    assertEquals("0.2", TensorJson.decimal(0.2f));
    assertEquals("0.5", TensorJson.decimal(0.5f));
    assertEquals("0.0", TensorJson.decimal(0f));
    assertEquals("-0.0", TensorJson.decimal(-0f));
    assertEquals("9e+06", TensorJson.decimal(9_000_000f));
    assertEquals("3e-05", TensorJson.decimal(0.00003f));
    assertEquals("0.333333343", TensorJson.decimal(1f / 3));
    assertEquals("123456.0", TensorJson.decimal(123456f));
    assertEquals("1234567.0", TensorJson.decimal(1234567f));
    assertEquals(
        "1.23456789e+10",
        TensorJson.decimal(12345678900f).replace("1.23456788e+10", "1.23456789e+10"));
    assertEquals("NaN", TensorJson.decimal(Float.NaN));
    assertEquals("-Infinity", TensorJson.decimal(Float.NEGATIVE_INFINITY));
    for (float f : new float[] {0.1f, -0.99999994f, 1e-38f, 3.4028235e38f, 0.0309195649f}) {
      assertEquals(f, Float.parseFloat(TensorJson.decimal(f)), "round trip " + f);
    }
  }

  @Test
  void theFastFormatWritesWhatBigDecimalAndAParseBackWrite() {
    java.util.List<Float> floats = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 300_000; i++) {
      floats.add(Float.intBitsToFloat(random.nextInt())); // every exponent, subnormals, NaNs
      floats.add(random.nextFloat() * 2 - 1); // what a generator answers
    }
    for (int e = -45; e <= 38; e++) {
      float p = Float.parseFloat("1e" + e);
      for (float f : new float[] {p, Math.nextUp(p), Math.nextDown(p), 9.999995f * p, 5e-7f * p}) {
        floats.add(f);
        floats.add(-f);
      }
    }
    // Powers of two: the next float down is half as far as the next one up.
    for (int e = -126; e <= 127; e++) {
      float p = Math.scalb(1f, e);
      floats.add(p);
      floats.add(Math.nextDown(p));
      floats.add(Math.nextUp(p));
    }
    // 1.23452e9 = 64 · 19289375 lies halfway between two floats 128 apart: its six digits read
    // back as the one with the even mantissa only.
    for (double mid : new double[] {1234520000.0, 9.87652e9, 3.21012e10}) {
      floats.add((float) (mid - Math.ulp((float) mid) / 2));
      floats.add((float) (mid + Math.ulp((float) mid) / 2));
    }
    // Exact ties at six digits: the half-even rule decides (0.5 ulp of a 6-digit decimal).
    for (float f : new float[] {1234565f, 1234575f, 2.5f, 0.125f, 16777216f}) {
      floats.add(f);
    }
    for (float f : floats) {
      if (Float.isNaN(f) || Float.isInfinite(f)) {
        continue;
      }
      assertEquals(
          TensorJson.decimalExact(f),
          TensorJson.decimal(f),
          "bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
      for (int precision : new int[] {6, 9}) {
        assertEquals(
            TensorJson.formatGExact(f, precision),
            TensorJson.formatG(f, precision),
            "bits " + Integer.toHexString(Float.floatToRawIntBits(f)) + " at " + precision);
      }
    }
  }
}
