package dev.cgan.cli;

import dev.cgan.serve.CganGenerator;
import dev.cgan.server.CganServer;
import dev.cgan.server.ModelBasePath;
import dev.cgan.server.ServeUntilSignal;
import dev.cgan.server.VersionPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code serve}: TensorFlow Serving's REST API, PNG/GIF endpoints and a web page, over HTTP. */
@Command(name = "serve", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.WeightsChoice weights;

  @Option(names = "--model", paramLabel = "DIR")
  Path modelDir;

  @Option(names = "--model-base-path", paramLabel = "DIR")
  Path basePath;

  @Option(names = "--versions", paramLabel = "POLICY")
  String versions;

  @Option(names = "--poll-seconds", paramLabel = "S")
  Long pollSeconds;

  @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8501")
  int port;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "cgan")
  String name;

  @Option(names = "--allowed-hosts", paramLabel = "HOST", split = ",")
  List<String> allowedHosts = new ArrayList<>();

  @Option(names = "--no-metrics")
  boolean noMetrics;

  @Option(names = "--access-log", arity = "0..1", paramLabel = "FILE", fallbackValue = STDERR)
  String accessLog;

  @Option(names = "--drain-seconds", paramLabel = "S", defaultValue = "0")
  long drainSeconds;

  @Option(names = "--batching")
  boolean batching;

  @Option(names = "--max-batch-size", paramLabel = "N")
  Integer maxBatchSize;

  @Option(names = "--batch-timeout-micros", paramLabel = "US")
  Long batchTimeoutMicros;

  private static final String STDERR = "-";

  @Override
  public Integer call() throws IOException {
    CganServer.Settings settings = settings();
    ModelBasePath base = basePath();
    configureLogging();
    PrintWriter out = spec.commandLine().getOut();
    if (base != null) {
      // One line per version loaded, refused or unloaded, on stderr.
      System.setProperty("org.slf4j.simpleLogger.log." + CganServer.VERSIONS_LOGGER, "info");
      ServeUntilSignal.serve(out, base, settings);
      return Main.OK;
    }
    try (CganGenerator g = CganGenerator.load(modelDir, weights.value)) {
      ServeUntilSignal.serve(out, modelDir, g, settings);
    }
    return Main.OK;
  }

  /** {@code --model-base-path} with its policy and poll interval; null for {@code --model}. */
  private ModelBasePath basePath() {
    if (modelDir != null && basePath != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--model and --model-base-path exclude each other: give one folder (--model) or a"
              + " folder of numbered versions (--model-base-path)");
    }
    if (modelDir == null && basePath == null) {
      throw new ParameterException(
          spec.commandLine(),
          "give --model DIR (a run or SavedModel) or --model-base-path DIR (numbered versions)");
    }
    if (basePath == null) {
      for (String[] o :
          new String[][] {
            {"--versions", versions}, {"--poll-seconds", pollSeconds == null ? null : ""}
          }) {
        if (o[1] != null) {
          throw new ParameterException(
              spec.commandLine(),
              o[0] + " is for --model-base-path; --model serves its one folder as version 1");
        }
      }
      return null;
    }
    long maxPoll = ModelBasePath.MAX_POLL.toSeconds();
    if (pollSeconds() < 0 || pollSeconds() > maxPoll) {
      throw new ParameterException(
          spec.commandLine(),
          "--poll-seconds must be 0 (no polling) to " + maxPoll + ", got " + pollSeconds());
    }
    VersionPolicy policy;
    try {
      policy = versions == null ? VersionPolicy.latest() : VersionPolicy.parse(versions);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    return ModelBasePath.of(basePath)
        .withPolicy(policy)
        .withPoll(Duration.ofSeconds(pollSeconds()))
        .withWeights(weights.value);
  }

  private long pollSeconds() {
    return pollSeconds == null ? 1 : pollSeconds;
  }

  /** The server's settings from the options, each refusal naming its own option. */
  private CganServer.Settings settings() {
    CganServer.Settings settings = CganServer.Settings.defaults();
    settings = option("--host", "host", settings, s -> s.withHost(host));
    settings = option("--port", "port", settings, s -> s.withPort(port));
    settings = option("--name", "model name", settings, s -> s.withModel(name));
    settings =
        option(
            "--allowed-hosts", null, settings, s -> s.withAllowedHosts(List.copyOf(allowedHosts)));
    if (drainSeconds < 0 || drainSeconds > CganServer.MAX_DRAIN.toSeconds()) {
      throw new ParameterException(
          spec.commandLine(),
          "--drain-seconds must be 0 to "
              + CganServer.MAX_DRAIN.toSeconds()
              + ", got "
              + drainSeconds);
    }
    if (!batching && (maxBatchSize != null || batchTimeoutMicros != null)) {
      throw new ParameterException(
          spec.commandLine(),
          (maxBatchSize != null ? "--max-batch-size" : "--batch-timeout-micros")
              + " is for --batching, which is off");
    }
    if (batching) {
      int size = maxBatchSize == null ? settings.maxBatchSize() : maxBatchSize;
      long micros = batchTimeoutMicros == null ? settings.batchTimeoutMicros() : batchTimeoutMicros;
      if (size < 1 || size > 1024) {
        throw new ParameterException(
            spec.commandLine(), "--max-batch-size must be 1 to 1024, got " + size);
      }
      if (micros < 0 || micros > 1_000_000) {
        throw new ParameterException(
            spec.commandLine(), "--batch-timeout-micros must be 0 to 1000000, got " + micros);
      }
      settings = settings.withBatching(size, micros);
    }
    return settings
        .withDrainTime(Duration.ofSeconds(drainSeconds))
        .withMetrics(!noMetrics)
        .withAccessLog(accessLog != null);
  }

  /**
   * {@code settings} with one option applied. A refusal is that option's: it is named {@code
   * option} whatever the setting's message says, with the setting's own name ({@code setting}, null
   * for none) replaced when the message starts with it, and nothing guessed from the values.
   */
  private CganServer.Settings option(
      String option,
      String setting,
      CganServer.Settings settings,
      UnaryOperator<CganServer.Settings> apply) {
    try {
      return apply.apply(settings);
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      throw new ParameterException(
          spec.commandLine(),
          setting != null && message.startsWith(setting + " ")
              ? option + message.substring(setting.length())
              : option + ": " + message);
    }
  }

  /**
   * SLF4J's simple binding reads its settings when the first logger is made, which is when the
   * server starts: the access log's level and file are set here, before.
   */
  private void configureLogging() {
    if (accessLog == null) {
      return;
    }
    System.setProperty("org.slf4j.simpleLogger.log.dev.cgan.server.access", "info");
    if (!accessLog.equals(STDERR)) {
      Path file = Path.of(accessLog);
      try (OutputStream probe =
          Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        // It opens for appending: the logger can write to it.
      } catch (IOException | RuntimeException e) {
        throw new ParameterException(
            spec.commandLine(),
            "--access-log "
                + accessLog
                + " cannot be opened for appending ("
                + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such folder"
                    : e.getClass().getSimpleName().replace("Exception", ""))
                + ")");
      }
      System.setProperty("org.slf4j.simpleLogger.logFile", file.toAbsolutePath().toString());
    }
  }
}
