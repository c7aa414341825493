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
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve a run or SavedModel over HTTP: TensorFlow Serving's REST API"
            + " (/v1/models/NAME, /metadata, :predict), :render (PNG), :interpolate (GIF) and a"
            + " web page at /. Ctrl-C or SIGTERM stops it after the requests in flight.",
    footer = {
      "",
      "Example:",
      "  java -jar cgan-cli.jar serve --model run/saved_model --port 8501",
      "  curl -d '{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [2, 0], \"seed\":"
          + " 7}}' localhost:8501/v1/models/cgan:predict"
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin Options.WeightsChoice weights;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "A training run folder or an exported SavedModel, served as version 1.")
  Path modelDir;

  @Option(
      names = "--model-base-path",
      paramLabel = "DIR",
      description =
          "TensorFlow Serving's layout instead of --model: numbered version folders DIR/1, DIR/2,"
              + " .., each a SavedModel or a run folder; new versions are loaded as they appear,"
              + " old ones unloaded once their requests finish.")
  Path basePath;

  @Option(
      names = "--versions",
      paramLabel = "POLICY",
      description =
          "With --model-base-path: latest (the highest version, default), all, or version"
              + " numbers between commas (2,3), as TF Serving's model_version_policy.")
  String versions;

  @Option(
      names = "--poll-seconds",
      paramLabel = "S",
      description =
          "With --model-base-path: look for new and removed versions every S seconds (default:"
              + " 1, as TF Serving's file_system_poll_wait_seconds; 0: only at start).")
  Long pollSeconds;

  @Option(
      names = "--host",
      paramLabel = "ADDR",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for all).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8501",
      description =
          "Port (default: ${DEFAULT-VALUE}, TensorFlow Serving's REST port; 0: any free).")
  int port;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      defaultValue = "cgan",
      description = "Model name in /v1/models/NAME (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--allowed-hosts",
      paramLabel = "HOST",
      split = ",",
      description =
          "Host names the server answers besides its own loopback names, comma-separated, for a"
              + " proxy or a name in /etc/hosts (default: none; a server on 127.0.0.1 then answers"
              + " only localhost, 127.x.x.x and [::1], against DNS rebinding; * for any).")
  List<String> allowedHosts = new ArrayList<>();

  @Option(
      names = "--no-metrics",
      description =
          "No Prometheus metrics at /monitoring/prometheus/metrics (default: on, TF Serving's"
              + " request_count and request_latency plus this server's own).")
  boolean noMetrics;

  @Option(
      names = "--access-log",
      arity = "0..1",
      paramLabel = "FILE",
      fallbackValue = STDERR,
      description =
          "One line per request (client, method, path, status, bytes, milliseconds) on stderr,"
              + " or appended to FILE, which then gets the server's warnings too (default: none).")
  String accessLog;

  @Option(
      names = "--drain-seconds",
      paramLabel = "S",
      defaultValue = "0",
      description =
          "On Ctrl-C or SIGTERM, answer /v2/health/ready with 503 and keep serving for S seconds"
              + " before closing the port, so a load balancer or Kubernetes stops sending first"
              + " (default: ${DEFAULT-VALUE}; at most 300).")
  long drainSeconds;

  @Option(
      names = "--batching",
      description =
          "Run the rows of concurrent predicts together, padded to --max-batch-size rows (TF"
              + " Serving's --enable_batching with one allowed batch size): each answer is what"
              + " the request gets alone from a batching server, bit for bit; it may differ from"
              + " the unbatched answer in the last bits.")
  boolean batching;

  @Option(
      names = "--max-batch-size",
      paramLabel = "N",
      description =
          "With --batching: the rows of every merged run, 1 to 1024 (default: 16); checked at"
              + " start to keep rows independent of each other on this machine.")
  Integer maxBatchSize;

  @Option(
      names = "--batch-timeout-micros",
      paramLabel = "US",
      description =
          "With --batching: how long the first request of a batch waits for others, in"
              + " microseconds (default: 0, no wait; at most 1000000).")
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
