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
@Command(name = "evaluate", mixinStandardHelpOptions = true)
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.WeightsChoice weights;

  @Mixin Options.Model model;

  @Option(
      names = "--samples",
      paramLabel = "N",
      defaultValue = "" + Evaluator.DEFAULT_SAMPLES_PER_CLASS)
  int samples;

  @Mixin Options.Seed seed;

  @Option(names = "--json")
  boolean json;

  @Option(names = "--cache-dir", paramLabel = "DIR")
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
