package dev.cgan.eval;

import dev.cgan.internal.CsvLog;
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

  /** The averaged generator's four figures, after the raw one's, in a run that keeps it. */
  static final String AVERAGED_COLUMNS =
      ",ema_conditional_accuracy,ema_frechet_distance,ema_classifier_score,ema_diversity_ratio";

  private static final String NUMBER = ",[-+0-9.eEaNInfity]+";

  private final CsvLog log;

  /**
   * @param averaged whether rows carry the averaged generator's figures too (rows of a run without
   *     them, or written before them, are kept as they are)
   */
  EvaluationLog(Path file, long resumedAt, boolean averaged) throws IOException {
    log =
        new CsvLog(
            file,
            averaged ? HEADER + AVERAGED_COLUMNS : HEADER,
            resumedAt,
            line -> line.matches("\\d+(" + NUMBER + "){4}((" + NUMBER + "){4})?"));
  }

  /** One row: the raw generator's figures, then the average's when {@code ema} is not null. */
  void append(long iteration, EvaluationReport raw, EvaluationReport ema) throws IOException {
    log.append(iteration + figures(raw) + (ema == null ? "" : figures(ema)));
  }

  private static String figures(EvaluationReport s) {
    return String.format(
        Locale.ROOT,
        ",%.5f,%.4f,%.4f,%.4f",
        s.conditionalAccuracy(),
        s.frechetDistance(),
        s.classifierScore(),
        s.diversityRatio());
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
