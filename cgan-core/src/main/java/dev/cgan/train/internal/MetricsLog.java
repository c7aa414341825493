package dev.cgan.train.internal;

import dev.cgan.internal.CsvLog;
import dev.cgan.train.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: a header and one row per logged iteration. Opening it for a resumed run
 * drops the rows after the checkpoint being resumed (they will be computed again) and any torn last
 * line, so the file never holds duplicated or partial rows.
 */
public final class MetricsLog implements AutoCloseable {
  public static final String HEADER =
      "iteration,epoch,d_loss,g_loss,d_real,d_fake,images_per_sec,elapsed_sec";

  private final CsvLog log;

  /**
   * Opens {@code file}, keeping only complete rows with iteration ≤ {@code resumedAt}, in strictly
   * increasing order (see {@link CsvLog}).
   */
  public MetricsLog(Path file, long resumedAt) throws IOException {
    log = new CsvLog(file, HEADER, resumedAt, line -> parse(line) != null);
  }

  /** Appends one row and flushes it, so a crash loses at most the row being written. */
  public void append(Metrics m) throws IOException {
    log.append(format(m));
  }

  /** Reads every complete row of a metrics file. */
  public static List<Metrics> read(Path file) throws IOException {
    List<Metrics> rows = new ArrayList<>();
    for (String line : CsvLog.completeLines(file)) {
      Metrics m = parse(line);
      if (m != null) {
        rows.add(m);
      }
    }
    return rows;
  }

  static String format(Metrics m) {
    return String.format(
        Locale.ROOT,
        "%d,%d,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f",
        m.iteration(),
        m.epoch(),
        m.discriminatorLoss(),
        m.generatorLoss(),
        m.meanRealScore(),
        m.meanFakeScore(),
        m.imagesPerSecond(),
        m.elapsedSeconds());
  }

  private static Metrics parse(String line) {
    String[] f = line.split(",", -1);
    if (f.length != 8) {
      return null;
    }
    try {
      return new Metrics(
          Long.parseLong(f[0]),
          Long.parseLong(f[1]),
          Double.parseDouble(f[2]),
          Double.parseDouble(f[3]),
          Double.parseDouble(f[4]),
          Double.parseDouble(f[5]),
          Double.parseDouble(f[6]),
          Double.parseDouble(f[7]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
