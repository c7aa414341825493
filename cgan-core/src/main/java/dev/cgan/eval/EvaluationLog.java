package dev.cgan.eval;

import dev.cgan.train.internal.CsvLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code eval.csv}: the quality figures of each evaluation during training. Like {@code
 * metrics.csv}, opening it for a resumed run keeps only complete rows up to the checkpoint.
 */
final class EvaluationLog implements AutoCloseable {
  static final String HEADER =
      "iteration,conditional_accuracy,frechet_distance,classifier_score,diversity_ratio";

  private final CsvLog log;

  EvaluationLog(Path file, long resumedAt) throws IOException {
    log =
        new CsvLog(file, HEADER, resumedAt, line -> line.matches("\\d+(,[-+0-9.eEaNInfity]+){4}"));
  }

  void append(long iteration, EvaluationReport s) throws IOException {
    log.append(
        String.format(
            Locale.ROOT,
            "%d,%.5f,%.4f,%.4f,%.4f",
            iteration,
            s.conditionalAccuracy(),
            s.frechetDistance(),
            s.classifierScore(),
            s.diversityRatio()));
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
