package dev.cgan.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An append-only CSV file whose first column is the iteration, kept consistent with the checkpoint
 * a run resumes from: opening it drops the rows after that checkpoint (they will be computed
 * again), any row out of order, and a last line torn by a crash. The cleaned file replaces the old
 * one atomically, so a crash while opening loses nothing.
 */
public final class CsvLog implements AutoCloseable {
  private final BufferedWriter out;

  /**
   * @param isRow whether a complete line is a well-formed row (the header is not)
   */
  public CsvLog(Path file, String header, long resumedAt, Predicate<String> isRow)
      throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + " is a folder, where the run's log file was expected");
    }
    List<String> kept = new ArrayList<>(List.of(header));
    if (Files.exists(file)) {
      long previous = Long.MIN_VALUE;
      for (String line : completeLines(file)) {
        if (isRow.test(line)) {
          long iteration = Long.parseLong(line.substring(0, line.indexOf(',')));
          if (iteration <= resumedAt && iteration > previous) {
            kept.add(line);
            previous = iteration;
          }
        }
      }
    }
    AtomicFiles.write(file, (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
    // No following a link swapped in since the run was opened: the row goes into the run or
    // nowhere.
    out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
  }

  /** Appends one row and flushes it, so a crash loses at most the row being written. */
  public void append(String row) throws IOException {
    out.write(row);
    out.newLine();
    out.flush();
  }

  /** The lines that end in a newline: a last line without one was torn by a crash. */
  public static List<String> completeLines(Path file) throws IOException {
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

  @Override
  public void close() throws IOException {
    out.close();
  }
}
