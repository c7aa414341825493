package dev.cgan.internal;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place ({@code \r}) on a terminal: done/total, rate, ETA and a
 * short status. Off a terminal (CI logs, pipes) it draws nothing, and callers print plain lines at
 * their own interval instead.
 */
public final class ProgressLine {
  private static final int WIDTH = 24;
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter out;
  private final boolean enabled;
  private final String unit;
  private final long startNanos = System.nanoTime();
  private long lastDraw;
  private int lastLength;

  /**
   * @param enabled false draws nothing (a log or pipe, where {@code \r} would pile up)
   * @param unit what {@code done} counts, e.g. "it"
   */
  public ProgressLine(PrintWriter out, boolean enabled, String unit) {
    this.out = out;
    this.enabled = enabled;
    this.unit = unit;
  }

  /** Whether stdout is an interactive terminal that can redraw a line. */
  public static boolean terminal() {
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  /** Redraws (at most five times a second, and always at the end). */
  public void update(
      long done, long from, long total, double ratePerSecond, String rateUnit, String status) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS && done < total) {
      return;
    }
    lastDraw = now;
    double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    double elapsed = (now - startNanos) / 1e9;
    double perItem = done > from ? elapsed / (done - from) : Double.NaN;
    String eta = Double.isNaN(perItem) ? "--:--" : duration((total - done) * perItem);
    String line =
        String.format(
            Locale.ROOT,
            "[%s%s] %d/%d %s  %.0f %s  ETA %s  %s",
            "=".repeat(filled),
            " ".repeat(WIDTH - filled),
            done,
            total,
            unit,
            ratePerSecond,
            rateUnit,
            eta,
            status);
    out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    out.flush();
    lastLength = line.length();
  }

  /** Ends the line so that later output starts on a fresh one. */
  public void finish() {
    if (enabled && lastLength > 0) {
      out.println();
      lastLength = 0;
    }
  }

  /** Clears the bar before a plain line is printed over it. */
  public void clear() {
    if (enabled && lastLength > 0) {
      out.print("\r" + " ".repeat(lastLength) + "\r");
      out.flush();
      lastLength = 0;
    }
  }

  /** {@code mm:ss}, or {@code h:mm:ss} from an hour. */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
