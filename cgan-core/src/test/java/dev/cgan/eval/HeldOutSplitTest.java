package dev.cgan.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cgan.data.LabeledImages;
import org.junit.jupiter.api.Test;

/** The own-data classifier's split: 20 % of every class held out, fixed, disjoint, complete. */
class HeldOutSplitTest {
  @Test
  void everyClassLosesAFifthToTheHeldOutSetTheSameWayEveryTime() {
    int n = 103;
    byte[] px = new byte[n * 2 * 2 * 3];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i < 50 ? 0 : i < 90 ? 1 : 2; // 50, 40, 13
      px[i * 12] = (byte) i;
    }
    LabeledImages data = LabeledImages.of(px, labels, 2, 2, 3, 3);
    HeldOutSplit s = HeldOutSplit.of(data);
    assertArrayEquals(new int[] {10, 8, 3}, s.heldOut().classCounts());
    assertArrayEquals(new int[] {40, 32, 10}, s.train().classCounts());
    assertEquals(3, s.heldOut().channels());
    boolean[] seen = new boolean[n];
    for (LabeledImages part : new LabeledImages[] {s.train(), s.heldOut()}) {
      for (int i = 0; i < part.count(); i++) {
        int original = part.pixels()[i * 12] & 0xFF;
        assertEquals(false, seen[original], "image " + original + " is in one part only");
        seen[original] = true;
        assertEquals(labels[original], part.label(i));
      }
    }
    HeldOutSplit again = HeldOutSplit.of(data);
    assertArrayEquals(s.heldOut().pixels(), again.heldOut().pixels());
    int[] firstHalf = s.heldOut().subset(0, 10).classCounts();
    assertEquals(3, java.util.Arrays.stream(firstHalf).filter(c -> c > 0).count(), "mixed");
    assertEquals(ClassifierSpec.standard().epochs(), ClassifierSpec.forImages(8000).epochs());
  }
}
