package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class EmbeddedMnistTest {

  /** The resources on the class path are the bytes whose checksums testdata/ records. */
  @Test
  void theResourcesAreTheFilesOfTestdataChecksums() throws Exception {
    java.util.List<String> sums =
        java.nio.file.Files.readAllLines(
            java.nio.file.Path.of("..", "testdata", "mnist10k", "SHA256SUMS"));
    assertEquals(2, sums.size());
    for (String line : sums) {
      String[] hashAndName = line.split(" +");
      byte[] bytes;
      try (java.io.InputStream in =
          EmbeddedMnist.class.getResourceAsStream("mnist10k/" + hashAndName[1])) {
        assertTrue(in != null, hashAndName[1] + " is not a resource of cgan-core");
        bytes = in.readAllBytes();
      }
      assertEquals(
          hashAndName[0],
          java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)),
          hashAndName[1]);
    }
    assertEquals(EmbeddedMnist.IMAGES_SHA256, sums.get(0).split(" +")[0]);
    assertEquals(EmbeddedMnist.LABELS_SHA256, sums.get(1).split(" +")[0]);
  }

  @Test
  void loadsTheTenThousandDigitsFromTheReadme() throws IOException {
    LabeledImages set = EmbeddedMnist.load();
    assertEquals(10_000, set.count());
    assertEquals(28, set.height());
    assertEquals(28, set.width());
    assertEquals(10, set.numClasses());
    assertEquals(10_000 * 28 * 28, set.pixels().length);
    // Class counts as listed in testdata/mnist10k/README.md.
    assertArrayEquals(
        new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, set.classCounts());

    // Real digits: mostly background, some full ink, ink in the middle and little at the edges.
    int ink = 0;
    int full = 0;
    long edgeSum = 0;
    long middleSum = 0;
    byte[] px = set.pixels();
    for (int i = 0; i < px.length; i++) {
      int v = px[i] & 0xFF;
      ink += v > 0 ? 1 : 0;
      full += v == 255 ? 1 : 0;
      int x = i % 28;
      int y = (i / 28) % 28;
      if (x == 0 || y == 0 || x == 27 || y == 27) {
        edgeSum += v;
      } else if (x >= 10 && x < 18 && y >= 10 && y < 18) {
        middleSum += v;
      }
    }
    double inkShare = ink / (double) px.length;
    assertTrue(inkShare > 0.1 && inkShare < 0.3, "share of inked pixels " + inkShare);
    assertTrue(full > 0, "some pixels are 255");
    double edgeMean = edgeSum / (10_000.0 * 108);
    double middleMean = middleSum / (10_000.0 * 64);
    assertTrue(
        edgeMean < 1 && middleMean > 50, "edge mean " + edgeMean + ", middle mean " + middleMean);
  }

  @Test
  void splitsIntoTrainAndHeldOut() throws IOException {
    LabeledImages set = EmbeddedMnist.load();
    LabeledImages train = set.subset(0, 8000);
    LabeledImages held = set.subset(8000, 10_000);
    assertEquals(8000, train.count());
    assertEquals(2000, held.count());
    int[] all = set.classCounts();
    int[] a = train.classCounts();
    int[] b = held.classCounts();
    for (int c = 0; c < 10; c++) {
      assertEquals(all[c], a[c] + b[c]);
      assertTrue(b[c] > 100, "the shuffled held-out set has every class; class " + c + ": " + b[c]);
    }
  }
}
