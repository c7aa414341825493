package dev.cgan.cli;

import dev.cgan.serve.CganGenerator;
import dev.cgan.server.CganServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
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

  @Mixin Options.Model model;

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

  @Override
  public Integer call() throws IOException {
    CganServer.Settings settings;
    try {
      settings = CganServer.Settings.defaults().withHost(host).withPort(port).withModel(name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), (port < 0 || port > 65535 ? "--port " : "--name ") + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (CganGenerator g = CganGenerator.load(model.dir, weights.value)) {
      Signals.serveUntilStopped(
          () -> CganServer.start(g, settings),
          server -> {
            out.println(
                "serving "
                    + model.dir
                    + " ("
                    + g.weights().id()
                    + " weights) as '"
                    + name
                    + "' at "
                    + server.uri()
                    + "  (REST: "
                    + server.uri()
                    + "v1/models/"
                    + name
                    + ")");
            out.flush();
          },
          () -> {
            out.println("stopped: the port is closed and the requests in flight were answered");
            out.flush();
          });
    }
    return Main.OK;
  }
}
