package dev.cgan.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

class TensorBoardLogTest {
  @TempDir Path tmp;

  /**
   * The values logged at step {@code step}: distinct per tag and step, some not exact in decimal.
   */
  private static Map<String, Float> values(long step) {
    Map<String, Float> v = new LinkedHashMap<>();
    v.put(TensorBoardLog.DISCRIMINATOR_LOSS, 1.3862944f / step);
    v.put(TensorBoardLog.GENERATOR_LOSS, 0.6931472f * step);
    v.put(TensorBoardLog.REAL_SCORE, 0.1f * step);
    v.put(TensorBoardLog.FAKE_SCORE, Float.MIN_VALUE * step);
    v.put(TensorBoardLog.IMAGES_PER_SECOND, 12345.678f + step);
    return v;
  }

  /** A grey test image whose every pixel is known: a diagonal ramp. */
  private static byte[] ramp(int height, int width) {
    byte[] p = new byte[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        p[y * width + x] = (byte) (x + 3 * y);
      }
    }
    return p;
  }

  /** A scalar as written to the file: a legacy simple_value, or a scalar float tensor. */
  private static float scalarOf(Summary.Value v) {
    if (v.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
      return v.getSimpleValue();
    }
    assertEquals(Summary.Value.ValueCase.TENSOR, v.getValueCase(), v.toString());
    return v.getTensor().getFloatVal(0);
  }

  // Same-machine promise, compared exactly (docs/quality.md#exact-results-and-cpus).
  @Test
  void writesScalarsAndAnImageThatReadBackExactly() throws IOException {
    Path dir = tmp.resolve("run/tensorboard");
    byte[] pixels = ramp(320, 320);
    try (TensorBoardLog log = new TensorBoardLog(dir)) {
      assertEquals(dir, log.dir());
      log.scalars(1, values(1));
      log.scalars(2, values(2));
      log.image(2, TensorBoardLog.SAMPLES, pixels, 320, 320, 1);
      // A tag first seen at step 3 adds a write op to a graph whose session has already run.
      Map<String, Float> three = values(3);
      three.put("extra/late_tag", -2.5f);
      log.scalars(3, three);
    }

    List<Path> files = TensorBoardEvents.files(dir);
    assertEquals(1, files.size(), files.toString());
    List<Event> events = TensorBoardEvents.read(files.get(0));
    // The first record names the format, as TensorBoard expects.
    assertEquals("brain.Event:2", events.get(0).getFileVersion());

    Map<String, Float> scalars = new LinkedHashMap<>();
    List<Summary.Value> images = new ArrayList<>();
    List<Long> imageSteps = new ArrayList<>();
    for (Event e : events.subList(1, events.size())) {
      assertTrue(e.hasSummary(), e.toString());
      assertTrue(e.getWallTime() > 1.6e9, "wall time in seconds since 1970: " + e.getWallTime());
      for (Summary.Value v : e.getSummary().getValueList()) {
        if (v.hasImage()) {
          images.add(v);
          imageSteps.add(e.getStep());
        } else {
          assertEquals(
              null,
              scalars.put(v.getTag() + "@" + e.getStep(), scalarOf(v)),
              "duplicate " + v.getTag());
        }
      }
    }
    Map<String, Float> expected = new LinkedHashMap<>();
    for (long step = 1; step <= 3; step++) {
      for (Map.Entry<String, Float> kv : values(step).entrySet()) {
        expected.put(kv.getKey() + "@" + step, kv.getValue());
      }
    }
    expected.put("extra/late_tag@3", -2.5f);
    assertEquals(expected.keySet(), scalars.keySet());
    for (String key : expected.keySet()) {
      // Bit-exact: float32 in, float32 out.
      assertEquals(
          Float.floatToIntBits(expected.get(key)), Float.floatToIntBits(scalars.get(key)), key);
    }

    assertEquals(List.of(2L), imageSteps);
    Summary.Value image = images.get(0);
    assertEquals("samples/image", image.getTag());
    assertEquals(320, image.getImage().getHeight());
    assertEquals(320, image.getImage().getWidth());
    assertEquals(1, image.getImage().getColorspace());
    BufferedImage png =
        ImageIO.read(
            new ByteArrayInputStream(image.getImage().getEncodedImageString().toByteArray()));
    assertEquals(320, png.getWidth());
    assertEquals(320, png.getHeight());
    assertEquals(1, png.getRaster().getNumBands());
    for (int[] xy :
        new int[][] {{0, 0}, {1, 0}, {0, 1}, {319, 0}, {0, 319}, {200, 100}, {319, 319}}) {
      int x = xy[0];
      int y = xy[1];
      assertEquals(
          pixels[y * 320 + x] & 0xff, png.getRaster().getSample(x, y, 0), "pixel " + x + "," + y);
    }
  }

  @Test
  void flushMakesEventsVisibleBeforeClose() throws IOException {
    Path dir = tmp.resolve("tb");
    long opened = System.nanoTime();
    try (TensorBoardLog log = new TensorBoardLog(dir)) {
      log.scalars(7, Map.of(TensorBoardLog.GENERATOR_LOSS, 0.25f));
      // Queued, not yet written: unless the test machine stalled past the writer's flush period,
      // the file holds only its version record.
      if (System.nanoTime() - opened < TensorBoardLog.FLUSH_MILLIS / 2 * 1_000_000L) {
        assertEquals(1, TensorBoardEvents.readAll(dir).size());
      }
      log.flush();
      List<Event> events = TensorBoardEvents.readAll(dir);
      Event last = events.get(events.size() - 1);
      assertEquals(7, last.getStep());
      assertEquals(0.25f, scalarOf(last.getSummary().getValue(0)));
    }
  }

  /**
   * A resumed run appends a second file and leaves the first as it was. Read in name order, the
   * resumed run's step 4 comes after the old step 5, which TensorBoard takes as a restart: it drops
   * the old step 5 of that tag.
   */
  @Test
  void aSecondLogInTheSameFolderStartsANewFile() throws IOException {
    Path dir = tmp.resolve("tb");
    try (TensorBoardLog log = new TensorBoardLog(dir)) {
      log.scalars(5, Map.of(TensorBoardLog.GENERATOR_LOSS, 1f));
    }
    Path first = TensorBoardEvents.files(dir).get(0);
    byte[] before = Files.readAllBytes(first);
    // File names start with the creation second; TensorBoard orders files by name, so a later
    // file must come from a later second (a resumed run is always a new, later process).
    long second = System.currentTimeMillis() / 1000;
    while (System.currentTimeMillis() / 1000 == second) {
      Thread.onSpinWait();
    }
    ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).build();
    try (TensorBoardLog log = new TensorBoardLog(dir, config)) {
      log.scalars(4, Map.of(TensorBoardLog.GENERATOR_LOSS, 2f));
    }
    List<Path> files = TensorBoardEvents.files(dir);
    assertEquals(2, files.size(), files.toString());
    assertTrue(files.contains(first));
    assertArrayEquals(before, Files.readAllBytes(first));
    List<Long> steps =
        TensorBoardEvents.readAll(dir).stream()
            .filter(Event::hasSummary)
            .map(Event::getStep)
            .toList();
    assertEquals(List.of(5L, 4L), steps);
  }

  @Test
  void refusesBadArgumentsAndUseAfterClose() throws IOException {
    TensorBoardLog log = new TensorBoardLog(tmp.resolve("tb"));
    assertThrows(IllegalArgumentException.class, () -> log.image(1, "x", new byte[5], 2, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> log.image(1, "x", new byte[8], 2, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> log.image(1, "", new byte[4], 2, 2, 1));
    assertThrows(IllegalArgumentException.class, () -> log.scalars(-1, Map.of("a", 1f)));
    Map<String, Float> nullValue = new LinkedHashMap<>();
    nullValue.put("a", null);
    assertThrows(IllegalArgumentException.class, () -> log.scalars(1, nullValue));
    // Still usable after refused calls.
    log.scalars(1, Map.of());
    log.image(1, "x", new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 2, 3);
    log.close();
    log.close();
    assertThrows(IllegalStateException.class, () -> log.scalars(1, Map.of("a", 1f)));
    assertThrows(IllegalStateException.class, log::flush);
  }

  @Test
  void constructorNamesAFolderItCannotUse() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
    IOException e = assertThrows(IOException.class, () -> new TensorBoardLog(file.resolve("tb")));
    assertTrue(e.getMessage().contains("not-a-folder"), e.getMessage());
  }
}
