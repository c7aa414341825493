package dev.cgan.cli;

import dev.cgan.Version;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar cgan-cli.jar <command>}: the entry point; maps every failure to an exit code. */
@Command(
    name = "cgan",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Versions.class,
    description = "Conditional GAN for MNIST-style digits on TensorFlow Java.",
    subcommands = {
      TrainCommand.class,
      GenerateCommand.class,
      ExportCommand.class,
      BenchCommand.class,
      InfoCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Example:", "  java -jar cgan-cli.jar train --out run", "  java -jar cgan-cli.jar generate --model run --digits 2026112701 -o result.png"})
public final class Main {
  /** Exit codes: success, runtime failure, bad usage. */
  public static final int OK = 0, FAILED = 1, USAGE = 2;

  public static void main(String[] args) throws Exception {
    if (QuietLauncher.needed()) {
      System.exit(QuietLauncher.relaunch(args));
    }
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; returns its exit code. Never throws for user errors. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        err.println("error: " + e.getMessage());
        return USAGE;
      }
      err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      if (System.getenv("CGAN_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return FAILED;
    });
    cli.setParameterExceptionHandler((e, parsed) -> {
      err.println("error: " + e.getMessage());
      err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
      return USAGE;
    });
    return cli.execute(args);
  }

  /** {@code --version}: this project and the TensorFlow it runs on. */
  static final class Versions implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cgan-java " + Version.project(), "TensorFlow " + Version.tensorflow() + " (TensorFlow Java 1.1.0)"};
    }
  }
}
