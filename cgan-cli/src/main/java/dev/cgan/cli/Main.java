package dev.cgan.cli;

import dev.cgan.Version;
import dev.cgan.internal.ErrorLine;
import dev.cgan.internal.QuietLauncher;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ResourceBundle;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar cgan-cli.jar <command>}: the entry point; maps every failure to an exit code.
 */
@Command(
    name = "cgan",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Versions.class,
    subcommands = {
      TrainCommand.class,
      GenerateCommand.class,
      InterpolateCommand.class,
      ServeCommand.class,
      ExportCommand.class,
      EvaluateCommand.class,
      BenchCommand.class,
      InfoCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    })
public final class Main {
  /** Exit codes: success, runtime failure, bad usage. */
  public static final int OK = 0, FAILED = 1, USAGE = 2;

  public static void main(String[] args) throws Exception {
    if (QuietLauncher.needed()) {
      System.exit(QuietLauncher.relaunch(Main.class, args));
    }
    QuietLauncher.followParent();
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** The command line of every command, with its help texts and number converters. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    // Loaded here rather than by @Command(resourceBundle): picocli's lookup runs in picocli's
    // module, which on the module path need not see this module's resources.
    ResourceBundle help = ResourceBundle.getBundle("dev.cgan.cli.Help");
    cli.getCommandSpec().resourceBundle(help);
    for (CommandLine command : cli.getSubcommands().values()) {
      if (command.getCommand().getClass().getPackage() == Main.class.getPackage()) {
        command.getCommandSpec().resourceBundle(help);
      }
    }
    for (String command : new String[] {"train", "generate", "interpolate"}) {
      Options.registerNumbers(cli.getSubcommands().get(command));
    }
    return cli;
  }

  /** Runs one command line; returns its exit code. Never throws for user errors. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          Throwable cause =
              e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
          err.println("error: " + ErrorLine.of(cause));
          if (System.getenv("CGAN_DEBUG") != null) {
            e.printStackTrace(err);
          }
          return cause instanceof IllegalArgumentException ? USAGE : FAILED;
        });
    cli.setParameterExceptionHandler(
        (e, parsed) -> {
          err.println("error: " + e.getMessage());
          err.println(
              "Try '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for usage.");
          return USAGE;
        });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands errors on; what was being built is garbage once the error is here.
      Runtime rt = Runtime.getRuntime();
      err.println(
          "error: out of memory ("
              + ErrorLine.of(e)
              + "); this JVM may use "
              + (rt.maxMemory() >> 20)
              + " MiB of heap: raise it with -Xmx, or give the command less to do");
      if (System.getenv("CGAN_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return FAILED;
    } catch (LinkageError e) {
      // TensorFlow's native library is unpacked into JavaCPP's cache (~/.javacpp/cache) and
      // java.io.tmpdir on first use; without a writable one, the JVM says so in 37 lines.
      err.println(
          "error: cannot load TensorFlow's native library ("
              + ErrorLine.of(e)
              + "); it is unpacked on first use into ~/.javacpp/cache or java.io.tmpdir: make one"
              + " of them writable, or point one elsewhere with"
              + " -Dorg.bytedeco.javacpp.cachedir=DIR or -Djava.io.tmpdir=DIR");
      if (System.getenv("CGAN_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return FAILED;
    }
  }

  /** {@code --version}: this project and the TensorFlow it runs on. */
  static final class Versions implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "cgan-java " + Version.project(),
        "TensorFlow " + Version.tensorflow() + " (TensorFlow Java 1.1.0)"
      };
    }
  }
}
