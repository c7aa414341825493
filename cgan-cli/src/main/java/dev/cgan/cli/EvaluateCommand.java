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

/** {@code evaluate}: scores a digit model against real MNIST digits with a digit classifier. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Score a 10-class 32x32 digit model against real MNIST digits: conditional accuracy (is G(z,"
          + " y) read as y?), Frechet distance in a digit classifier's features, classifier score,"
          + " and per-class diversity (low = mode collapse), each next to the same measure on real"
          + " held-out digits.",
      "The classifier is trained on first use (about half a minute) and cached."
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
      description = "Generated samples per class, so 10 x N in all (default: ${DEFAULT-VALUE}).")
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
      try {
        Evaluator.requireDigitModel(g.config());
      } catch (IllegalArgumentException e) {
        // Checked before the classifier is loaded or trained, so a wrong model fails at once.
        throw new ParameterException(spec.commandLine(), e.getMessage() + ": " + model.dir);
      }
      try (Evaluator evaluator =
          Evaluator.open(
              cacheDir != null ? cacheDir : Evaluator.defaultCacheRoot(), err::println)) {
        EvaluationReport report =
            evaluator.evaluate(g, samples, seed.value).withModel(model.dir.toString());
        out.print(json ? report.toJson() + "\n" : report.toTable());
        out.flush();
      }
    }
    return Main.OK;
  }
}
