package dev.cgan.cli;

import dev.cgan.serve.SavedModelExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code export}: writes a run's generator as a SavedModel. */
@Command(name = "export", mixinStandardHelpOptions = true)
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.WeightsChoice weights;

  @Mixin Options.Run model;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Override
  public Integer call() throws IOException {
    SavedModelExport.export(model.dir, out, weights.value);
    spec.commandLine()
        .getOut()
        .println(
            "exported "
                + out
                + " (signatures: serving_default, generate, generate_styled, generate_mixed)");
    return Main.OK;
  }
}
