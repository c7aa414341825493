package dev.cgan.cli;

import dev.cgan.serve.SavedModelExport;
import dev.cgan.train.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: writes a run's generator as a SavedModel. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Export a run's generator (inference mode) as a TensorFlow SavedModel, tag 'serve'.",
    footer = {"", "Example:", "  java -jar cgan-cli.jar export --model run --out exported"})
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "RUN",
      description = "The training run folder.")
  Path model;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "SavedModel folder to write (replaced atomically).")
  Path out;

  @Override
  public Integer call() throws IOException {
    SavedModelExport.export(RunFolder.open(model), out);
    spec.commandLine()
        .getOut()
        .println("exported " + out + " (signatures: serving_default, generate)");
    return Main.OK;
  }
}
