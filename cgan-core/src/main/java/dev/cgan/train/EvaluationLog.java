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
 * {@code eval.csv}: the quality figures of each evaluation during training. Like {@link
 * MetricsLog}, opening it for a resumed run keeps only complete rows up to the checkpoint.
 */
final class EvaluationLog implements AutoCloseable {
  static final String HEADER =
      "iteration,conditional_accuracy,frechet_distance,classifier_score,diversity_ratio";

  private final BufferedWriter out;

  EvaluationLog(Path file, long resumedAt) throws IOException {
    List<String> kept = new ArrayList<>(List.of(HEADER));
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      // The last element follows the last newline: empty, or a row torn by a crash.
      for (int i = 1; i < lines.length - 1; i++) {
        String[] f = lines[i].split(",", -1);
        if (f.length == 5 && f[0].matches("\\d+") && Long.parseLong(f[0]) <= resumedAt) {
          kept.add(lines[i]);
        }
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, kept, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  void append(long iteration, Trainer.Scores s) throws IOException {
    out.write(
        String.format(
            Locale.ROOT,
            "%d,%.5f,%.4f,%.4f,%.4f",
            iteration,
            s.conditionalAccuracy(),
            s.frechetDistance(),
            s.classifierScore(),
            s.diversityRatio()));
    out.newLine();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
