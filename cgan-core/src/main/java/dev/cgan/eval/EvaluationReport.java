package dev.cgan.eval;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.List;
import java.util.Locale;

/**
 * How good a generator's digits are, next to the same measures on real held-out digits. Every
 * feature-space measure uses the digit classifier's 128 penultimate features.
 *
 * @param model what was evaluated (e.g. the run folder), or null when not known
 * @param iterations the generator's training iterations, or null when not known
 * @param seed the generation seed, or null when the images were given
 * @param samples generated images evaluated
 * @param conditionalAccuracy fraction of G(z, y) that the classifier labels y
 * @param frechetDistance Fréchet distance between generated and held-out real features (lower is
 *     better; compare with {@link Real#frechetFloor()})
 * @param classifierScore exp E[KL(p(y|x) ‖ p(y))] over the generated images, 1 to 10
 * @param diversityRatio mean over classes of generated / real diversity; well below 1 means mode
 *     collapse
 * @param classes per-class figures, in label order
 * @param real the reference figures of real held-out digits
 * @param seconds wall-clock time of the evaluation (generation included)
 */
public record EvaluationReport(
    String model,
    Long iterations,
    Long seed,
    int samples,
    double conditionalAccuracy,
    double frechetDistance,
    double classifierScore,
    double diversityRatio,
    List<ClassStats> classes,
    Real real,
    double seconds) {

  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  /**
   * Figures of one class.
   *
   * @param label the class
   * @param samples generated images of this class
   * @param accuracy fraction of them classified as {@code label}
   * @param diversity mean pairwise L2 distance between their features
   * @param realDiversity the same for the real held-out digits of this class
   * @param diversityRatio diversity / realDiversity
   */
  public record ClassStats(
      int label,
      int samples,
      double accuracy,
      double diversity,
      double realDiversity,
      double diversityRatio) {}

  /**
   * The same measures on real images: what a perfect generator would approach.
   *
   * @param heldOut real held-out images (never seen by the classifier)
   * @param classifierAccuracy the classifier's accuracy on them
   * @param frechetFloor Fréchet distance between two disjoint halves of them (1,000 vs 1,000 for
   *     the standard split): the distance sampling noise alone gives. The estimate shrinks as the
   *     sets grow, so compare generated distances only at equal sample counts
   * @param classifierScore classifier score of them
   * @param diversity mean over classes of their per-class diversity
   */
  public record Real(
      int heldOut,
      double classifierAccuracy,
      double frechetFloor,
      double classifierScore,
      double diversity) {}

  /** The same report naming what was evaluated. */
  public EvaluationReport withModel(String name) {
    return new EvaluationReport(
        name,
        iterations,
        seed,
        samples,
        conditionalAccuracy,
        frechetDistance,
        classifierScore,
        diversityRatio,
        classes,
        real,
        seconds);
  }

  /** Mean over classes of the generated per-class diversity. */
  public double diversity() {
    return classes.stream().mapToDouble(ClassStats::diversity).average().orElse(Double.NaN);
  }

  /** Pretty-printed JSON of every field. */
  public String toJson() {
    return GSON.toJson(this);
  }

  /** The four figures on one line, as training prints an evaluation at {@code iteration}. */
  public String toLine(long iteration) {
    return String.format(
        Locale.ROOT,
        "eval %6d  conditional accuracy %.2f %%  Frechet distance %.2f  classifier score"
            + " %.3f  diversity %.2f",
        iteration,
        100 * conditionalAccuracy,
        frechetDistance,
        classifierScore,
        diversityRatio);
  }

  /** A plain-text table: the summary against real digits, then one row per class. */
  public String toTable() {
    return toTable(null);
  }

  /**
   * {@link #toTable()} with each class row named by {@code classNames} (in label order; null, or a
   * list that does not name every class, for the labels' numbers).
   */
  public String toTable(List<String> classNames) {
    boolean named = classNames != null && classNames.size() >= classes.size();
    int width = 5;
    for (int i = 0; named && i < classNames.size(); i++) {
      width = Math.max(width, classNames.get(i).length());
    }
    // Numbers right-aligned as before; names left-aligned, as words read.
    String column = named ? "%-" + width + "s" : "%5s";
    StringBuilder s = new StringBuilder();
    s.append("Evaluation of ").append(model == null ? "generated images" : model);
    if (iterations != null) {
      s.append(" (").append(iterations).append(" iterations)");
    }
    s.append('\n');
    long perClass =
        classes.stream().mapToInt(ClassStats::samples).distinct().count() == 1
            ? classes.get(0).samples()
            : -1;
    s.append(
        f(
            "%d generated samples%s%s, %.1f s; classifier %.2f %% accurate on %d real held-out"
                + " images%n",
            samples,
            perClass < 0 ? "" : " (" + perClass + " per class)",
            seed == null ? "" : ", seed " + seed,
            seconds,
            100 * real.classifierAccuracy(),
            real.heldOut()));
    s.append('\n');
    s.append(f("%-30s %12s %12s%n", "", "generated", "real"));
    s.append(
        f(
            "%-30s %10.2f %% %10.2f %%%n",
            "conditional accuracy", 100 * conditionalAccuracy, 100 * real.classifierAccuracy()));
    s.append(
        f(
            "%-30s %12.3f %12.3f   (real: half vs half)%n",
            "Frechet distance (lower=better)", frechetDistance, real.frechetFloor()));
    s.append(
        f(
            "%-30s %12.3f %12.3f%n",
            "classifier score (1.." + classes.size() + ")",
            classifierScore,
            real.classifierScore()));
    s.append(
        f(
            "%-30s %12.3f %12.3f   (ratio %.2f)%n",
            "diversity (mean pairwise L2)", diversity(), real.diversity(), diversityRatio));
    s.append('\n');
    s.append(
        f(
            column + " %8s %10s %11s %11s %7s%n",
            "class",
            "samples",
            "accuracy",
            "diversity",
            "real div.",
            "ratio"));
    for (ClassStats c : classes) {
      s.append(
          f(
              column + " %8d %8.2f %% %11.3f %11.3f %7.2f%n",
              named ? classNames.get(c.label()) : Integer.toString(c.label()),
              c.samples(),
              100 * c.accuracy(),
              c.diversity(),
              c.realDiversity(),
              c.diversityRatio()));
    }
    return s.toString();
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
