package dev.cgan.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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

  private final BufferedWriter out;

  /**
   * Opens {@code file}, keeping only complete rows with iteration ≤ {@code resumedAt}, in strictly
   * increasing order. A last line without its newline was torn by a crash and is dropped even if it
   * happens to parse. The file is replaced atomically, so a crash here loses nothing.
   */
  public MetricsLog(Path file, long resumedAt) throws IOException {
    List<String> kept = new ArrayList<>();
    kept.add(HEADER);
    if (Files.exists(file)) {
      long previous = Long.MIN_VALUE;
      for (String line : completeLines(file)) {
        Metrics m = parse(line);
        if (m != null && m.iteration() <= resumedAt && m.iteration() > previous) {
          kept.add(line);
          previous = m.iteration();
        }
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, kept, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** Appends one row and flushes it, so a crash loses at most the row being written. */
  public void append(Metrics m) throws IOException {
    out.write(format(m));
    out.newLine();
    out.flush();
  }

  /** Reads every complete row of a metrics file. */
  public static List<Metrics> read(Path file) throws IOException {
    List<Metrics> rows = new ArrayList<>();
    for (String line : completeLines(file)) {
      Metrics m = parse(line);
      if (m != null) {
        rows.add(m);
      }
    }
    return rows;
  }

  /** The lines that end in a newline; the header does not parse as a row and falls out later. */
  private static List<String> completeLines(Path file) throws IOException {
    // Rows are ASCII; Latin-1 decodes any bytes a crash may leave, where UTF-8 would throw.
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      lines.add(text.substring(start, nl).stripTrailing());
      start = nl + 1;
    }
    return lines;
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
    out.close();
  }
}
