package dev.cgan.image;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Draws training curves (for example D loss and G loss against the iteration) as a line plot.
 *
 * <p>Pure Java2D on a {@link BufferedImage}, so it runs headless. Non-finite values (NaN, ±∞) are
 * left out and break the line; a point with no finite neighbour is drawn as a dot.
 *
 * <p>Kept instead of a charting library (XChart 3.8.8 was weighed): one picture per run does not
 * justify four more jars (XChart and its VectorGraphics2D, graphics2d and animated-gif-lib) in
 * every library user's dependencies, and this plot's contract (gaps at NaN from a diverging run, an
 * empty frame for no data, the same bytes for the same metrics) would need wrapping anyway.
 */
public final class LossPlot {

  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
    new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b),
  };
  private static final Color GRID = new Color(0xe0e0e0);
  private static final int LEFT = 64, RIGHT = 16, TOP = 16, BOTTOM = 40;

  private LossPlot() {}

  /**
   * Renders the series against the iterations.
   *
   * @param iterations the x values, one per point, in training order
   * @param series name → y values, each array as long as {@code iterations}; drawn and listed in
   *     the legend in the map's iteration order (pass a {@code LinkedHashMap} for a stable order);
   *     colours cycle after six series
   * @param width image width in pixels
   * @param height image height in pixels
   * @return an RGB image of {@code width × height} on a white background
   * @throws IllegalArgumentException if a size is not positive or a series' length differs from
   *     {@code iterations.size()}
   */
  public static BufferedImage render(
      List<Long> iterations, Map<String, double[]> series, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("plot size must be positive, got " + width + "x" + height);
    }
    int n = iterations.size();
    double[] xs = new double[n];
    for (int i = 0; i < n; i++) {
      Long it = iterations.get(i);
      xs[i] = it == null ? Double.NaN : it;
    }
    double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      if (e.getValue().length != n) {
        throw new IllegalArgumentException(
            "series '"
                + e.getKey()
                + "' has "
                + e.getValue().length
                + " values but there are "
                + n
                + " iterations");
      }
      for (int i = 0; i < n; i++) {
        if (Double.isFinite(e.getValue()[i]) && !Double.isNaN(xs[i])) {
          yMin = Math.min(yMin, e.getValue()[i]);
          yMax = Math.max(yMax, e.getValue()[i]);
        }
      }
    }
    double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
    for (double x : xs) {
      if (!Double.isNaN(x)) {
        xMin = Math.min(xMin, x);
        xMax = Math.max(xMax, x);
      }
    }
    boolean hasData = yMin <= yMax;
    double[] xr = span(xMin, xMax);
    double[] yr = span(yMin, yMax);

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics fm = g.getFontMetrics();
      int pw = Math.max(1, width - LEFT - RIGHT), ph = Math.max(1, height - TOP - BOTTOM);
      Frame f = new Frame(LEFT, TOP, pw, ph, xr[0], xr[1], yr[0], yr[1]);

      axes(g, fm, f, hasData, height);
      lines(g, f, xs, series);
      g.setClip(null);
      legend(g, fm, series, LEFT + pw, TOP);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Ticks, grid, frame and the x label; "no data" when nothing finite is plotted. */
  private static void axes(Graphics2D g, FontMetrics fm, Frame f, boolean hasData, int height) {
    int pw = f.w(), ph = f.h();
    double[] xr = {f.x0(), f.x1()}, yr = {f.y0(), f.y1()};
    // Ticks and grid: x steps are whole iterations, so a single point does not get "4.5".
    double xStep = Math.max(1, niceStep((xr[1] - xr[0]) / 4));
    for (double v : ticks(xr, xStep)) {
      int px = (int) Math.round(f.px(v));
      g.setColor(GRID);
      g.drawLine(px, TOP, px, TOP + ph);
      g.setColor(Color.BLACK);
      String label = label(v, xStep);
      g.drawString(label, px - fm.stringWidth(label) / 2, TOP + ph + fm.getAscent() + 4);
    }
    double yStep = niceStep((yr[1] - yr[0]) / 4);
    for (double v : ticks(yr, yStep)) {
      int py = (int) Math.round(f.py(v));
      g.setColor(GRID);
      g.drawLine(LEFT, py, LEFT + pw, py);
      g.setColor(Color.BLACK);
      String label = label(v, yStep);
      g.drawString(label, LEFT - fm.stringWidth(label) - 6, py + fm.getAscent() / 2 - 1);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, pw, ph);
    g.drawString("iteration", LEFT + (pw - fm.stringWidth("iteration")) / 2, height - 6);
    if (!hasData) {
      g.drawString("no data", LEFT + (pw - fm.stringWidth("no data")) / 2, TOP + ph / 2);
    }
  }

  /** Each series as a line in the palette's colours; a point with no neighbour as a dot. */
  private static void lines(Graphics2D g, Frame f, double[] xs, Map<String, double[]> series) {
    int n = xs.length, pw = f.w(), ph = f.h();
    g.setClip(LEFT, TOP, pw + 1, ph + 1);
    g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    int c = 0;
    for (double[] ys : series.values()) {
      g.setColor(PALETTE[c++ % PALETTE.length]);
      Path2D.Double line = new Path2D.Double();
      for (int i = 0; i < n; i++) {
        if (!ok(xs, ys, i)) {
          continue;
        }
        boolean prev = i > 0 && ok(xs, ys, i - 1), next = i + 1 < n && ok(xs, ys, i + 1);
        if (prev) {
          line.lineTo(f.px(xs[i]), f.py(ys[i]));
        } else {
          line.moveTo(f.px(xs[i]), f.py(ys[i]));
        }
        if (!prev && !next) {
          g.fill(new Ellipse2D.Double(f.px(xs[i]) - 2.5, f.py(ys[i]) - 2.5, 5, 5));
        }
      }
      g.draw(line);
    }
  }

  private static void legend(
      Graphics2D g, FontMetrics fm, Map<String, double[]> series, int right, int top) {
    if (series.isEmpty()) {
      return;
    }
    int textWidth = series.keySet().stream().mapToInt(fm::stringWidth).max().orElse(0);
    int row = fm.getHeight(), w = textWidth + 34, h = row * series.size() + 8;
    int x = right - w - 8, y = top + 8;
    g.setColor(Color.WHITE);
    g.fillRect(x, y, w, h);
    g.setColor(Color.GRAY);
    g.drawRect(x, y, w, h);
    int c = 0;
    for (String name : series.keySet()) {
      int baseline = y + 4 + row * c + fm.getAscent();
      g.setColor(PALETTE[c++ % PALETTE.length]);
      g.drawLine(x + 6, baseline - fm.getAscent() / 3, x + 24, baseline - fm.getAscent() / 3);
      g.setColor(Color.BLACK);
      g.drawString(name, x + 28, baseline);
    }
  }

  private static boolean ok(double[] xs, double[] ys, int i) {
    return !Double.isNaN(xs[i]) && Double.isFinite(ys[i]);
  }

  /** A usable axis range: pads a zero-width span and falls back to [0, 1] when there is no data. */
  private static double[] span(double min, double max) {
    if (min > max) {
      return new double[] {0, 1};
    }
    double pad = min == max ? Math.max(1, Math.abs(min) * 0.1) : (max - min) * 0.05;
    return new double[] {min - pad, max + pad};
  }

  /** The 1-2-5 step nearest above {@code raw}, so tick labels are round numbers. */
  private static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double r = raw / magnitude;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
  }

  /** Multiples of {@code step} inside the range; counted, not accumulated, so it always ends. */
  private static double[] ticks(double[] range, double step) {
    double first = Math.ceil(range[0] / step);
    return IntStream.range(0, 12)
        .mapToDouble(k -> (first + k) * step)
        .filter(v -> v <= range[1])
        .toArray();
  }

  private static String label(double v, double step) {
    int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    double rounded = Math.round(v / step) * step; // also turns -0.0 into 0.0
    return String.format(Locale.ROOT, "%." + decimals + "f", rounded);
  }

  private record Frame(
      int left, int top, int w, int h, double x0, double x1, double y0, double y1) {
    double px(double x) {
      return left + (x - x0) / (x1 - x0) * w;
    }

    double py(double y) {
      return top + h - (y - y0) / (y1 - y0) * h;
    }
  }
}
