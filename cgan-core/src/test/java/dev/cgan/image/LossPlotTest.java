package dev.cgan.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {

  private static final int WHITE = 0xffffff;
  private static final int D_COLOUR = 0x1f77b4;
  private static final int G_COLOUR = 0xd62728;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  private static int count(BufferedImage image, java.util.function.IntPredicate rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (rgb.test(image.getRGB(x, y) & 0xffffff)) {
          n++;
        }
      }
    }
    return n;
  }

  private static Map<String, double[]> losses(double[] d, double[] g) {
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("D loss", d);
    series.put("G loss", g);
    return series;
  }

  @Test
  void drawsBothCurvesInTheirColours(@TempDir Path dir) throws Exception {
    int n = 200;
    List<Long> its = LongStream.range(0, n).map(i -> i * 50).boxed().toList();
    double[] d = new double[n], g = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = 0.7 + 0.2 * Math.sin(i / 10.0);
      g[i] = 1.5 - i / 400.0;
    }
    BufferedImage plot = LossPlot.render(its, losses(d, g), 640, 400);

    assertEquals(640, plot.getWidth());
    assertEquals(400, plot.getHeight());
    assertEquals(WHITE, plot.getRGB(0, 0) & 0xffffff, "white background");
    assertTrue(count(plot, c -> c != WHITE) > 1000, "axes, labels and lines drawn");
    assertTrue(count(plot, c -> c == D_COLOUR) > 100, "D loss line in the first colour");
    assertTrue(count(plot, c -> c == G_COLOUR) > 100, "G loss line in the second colour");
    // Writes as a PNG like losses.png will be.
    Png.write(plot, dir.resolve("losses.png"));
    assertEquals(640, Png.read(dir.resolve("losses.png")).getWidth());
  }

  @Test
  void emptyInputGivesAnEmptyFrame() {
    BufferedImage empty = LossPlot.render(List.of(), Map.of(), 320, 240);
    assertEquals(320, empty.getWidth());
    assertEquals(240, empty.getHeight());
    assertTrue(count(empty, c -> c != WHITE) > 0, "frame and 'no data' drawn");

    BufferedImage noPoints =
        LossPlot.render(List.of(), losses(new double[0], new double[0]), 320, 240);
    assertEquals(320, noPoints.getWidth());
  }

  @Test
  void singlePointIsDrawnAsADot() {
    BufferedImage plot =
        LossPlot.render(List.of(100L), losses(new double[] {0.69}, new double[] {0.8}), 300, 200);
    assertEquals(300, plot.getWidth());
    // The point sits mid-x and, being the lower series, near the bottom of the plot area
    // (x 64..284, y 16..160); this window excludes the legend swatch at the top right.
    assertTrue(
        count(plot.getSubimage(150, 100, 50, 60), c -> c == D_COLOUR) > 3, "D point visible");
  }

  @Test
  void nonFiniteValuesAreSkipped() {
    List<Long> its = List.of(0L, 10L, 20L, 30L, 40L);
    double[] d = {Double.NaN, 0.5, Double.POSITIVE_INFINITY, 0.7, 0.6};
    double[] g = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    BufferedImage plot = LossPlot.render(its, losses(d, g), 400, 300);
    assertTrue(count(plot, c -> c == D_COLOUR) > 10);

    BufferedImage allNaN = LossPlot.render(its, losses(g, g), 400, 300);
    assertEquals(400, allNaN.getWidth());
  }

  @Test
  void tinyAndFlatInputsDoNotThrow() {
    LossPlot.render(List.of(5L, 5L), losses(new double[] {1, 1}, new double[] {1, 1}), 10, 10);
    LossPlot.render(
        List.of(0L, 1L), losses(new double[] {1e-12, 2e-12}, new double[] {-1e9, 1e9}), 1, 1);
    LossPlot.render(
        List.of(0L, 1L), losses(new double[] {1e300, -1e300}, new double[] {0, 0}), 200, 100);
  }

  @Test
  void rejectsMismatchedLengthsAndBadSizes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LossPlot.render(
                    List.of(1L, 2L), losses(new double[] {1, 2}, new double[] {1}), 100, 100));
    assertTrue(e.getMessage().contains("G loss"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> LossPlot.render(List.of(), Map.of(), 0, 100));
  }
}
