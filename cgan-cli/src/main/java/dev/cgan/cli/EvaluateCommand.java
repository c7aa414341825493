package dev.cgan.cli;

import dev.cgan.InvalidSettingException;
import dev.cgan.eval.EvaluationReport;
import dev.cgan.eval.Evaluator;
import dev.cgan.serve.CganGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code evaluate}: scores a model against real images with a classifier: the digit classifier for
 * digits, one trained on the run's own data otherwise.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Score a model against real images: conditional accuracy (is G(z, y) read as y?), Frechet"
          + " distance in a classifier's features, classifier score, and per-class diversity (low ="
          + " mode collapse), each next to the same measure on real held-out images.",
      "A digit model (MNIST) is read by a digit classifier; a model trained on other data (an image"
          + " folder) by a classifier of the same kind trained on 80 %% of every class of the run's"
          + " own images (a fixed split) and measured on the rest: its accuracy there says how far"
          + " to trust the scores. A SavedModel of such a run is evaluated as the run's"
          + " saved_model/ (the data is the run's). Classifiers are trained on first use and cached."
    },
    footer = {
      "",
      "Examples:",
      "  java -jar cgan-cli.jar evaluate --model run",
      "  java -jar cgan-cli.jar evaluate --model run/saved_model --samples 200 --json"
    })
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.WeightsChoice weights;

  @Mixin Options.Model model;

  @Option(
      names = "--samples",
      paramLabel = "N",
      defaultValue = "" + Evaluator.DEFAULT_SAMPLES_PER_CLASS,
      description =
          "Generated samples per class, so K x N in all for K classes (default: ${DEFAULT-VALUE}).")
  int samples;

  @Mixin Options.Seed seed;

  @Option(names = "--json", description = "Print the report as JSON instead of a table.")
  boolean json;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Cache root; the classifier is kept in DIR/classifiers"
              + " (default: $CGAN_CACHE_DIR or ~/.cache/cgan-java).")
  Path cacheDir;

  @Override
  public Integer call() throws IOException {
    try {
      Evaluator.checkSamplesPerClass(samples);
    } catch (InvalidSettingException e) {
      throw new ParameterException(spec.commandLine(), e.messageNaming("--samples"));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (CganGenerator g = CganGenerator.load(model.dir, weights.value)) {
      Evaluator evaluator;
      try {
        evaluator =
            Evaluator.forModel(
                cacheDir != null ? cacheDir : Evaluator.defaultCacheRoot(),
                model.dir,
                g.config(),
                err::println);
      } catch (IllegalArgumentException e) {
        // Checked before the classifier is loaded or trained, so a wrong model fails at once.
        throw new ParameterException(spec.commandLine(), e.getMessage() + ": " + model.dir);
      }
      try (evaluator) {
        EvaluationReport report =
            evaluator.evaluate(g, samples, seed.value).withModel(model.dir.toString());
        out.print(json ? report.toJson() + "\n" : report.toTable(g.classNames()));
        out.flush();
      }
    }
    return Main.OK;
  }
}
