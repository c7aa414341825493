package dev.cgan.server;

import dev.cgan.internal.ShutdownSignal;
import dev.cgan.serve.CganGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A server for a process that Ctrl-C or SIGTERM ends, as {@code cgan serve} runs it: it says on
 * {@code out} what it serves where once the port is open; the signal starts {@link
 * CganServer#close}'s graceful stop (drain, close the port, finish the requests in flight), and the
 * JVM's shutdown waits until the server has stopped. Serving writes nothing, so nothing is lost if
 * the process ends while the caller closes the model.
 */
public final class ServeUntilSignal {
  private ServeUntilSignal() {}

  /**
   * Serves {@code generator}, loaded from {@code source}, until a signal.
   *
   * @throws IOException when the server cannot start; a model that fails its warm-up request is
   *     reported naming {@code source}
   */
  public static void serve(
      PrintWriter out, Path source, CganGenerator generator, CganServer.Settings settings)
      throws IOException {
    serve(
        out,
        settings,
        () -> {
          try {
            return CganServer.start(generator, settings);
          } catch (ModelUnavailableException e) {
            // The server knows the generator, not where it came from: name the folder here.
            throw new IOException(source + ": " + e.getMessage(), e);
          }
        },
        server -> source + " (" + generator.weights().id() + " weights)");
  }

  /** Serves the versions of {@code base} until a signal; says which it found at start. */
  public static void serve(PrintWriter out, ModelBasePath base, CganServer.Settings settings)
      throws IOException {
    serve(
        out,
        settings,
        () -> CganServer.start(base, settings),
        server ->
            base.dir()
                + " (versions "
                + base.policy()
                + ": "
                + states(server)
                + (base.poll().isZero() ? "" : "; polled every " + base.poll().toSeconds() + " s")
                + ")");
  }

  private static void serve(
      PrintWriter out,
      CganServer.Settings settings,
      ShutdownSignal.Body<CganServer> start,
      Function<CganServer, String> what)
      throws IOException {
    try (CganServer server = start.run()) {
      ShutdownSignal.whileSignalWaits(
          server::close,
          () -> {
            out.println(
                "serving "
                    + what.apply(server)
                    + " as '"
                    + settings.model()
                    + "' at "
                    + server.uri()
                    + "  (REST: "
                    + server.uri()
                    + "v1/models/"
                    + settings.model()
                    + ")");
            out.flush();
            try {
              server.join();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return null;
            }
            out.println("stopped: the port is closed and the requests in flight were answered");
            out.flush();
            return null;
          });
    }
  }

  /** "2 AVAILABLE, 1 END": the versions as the server has them after its first look. */
  static String states(CganServer server) {
    if (server.versionStates().isEmpty()) {
      return "none yet";
    }
    StringBuilder out = new StringBuilder();
    server
        .versionStates()
        .forEach(
            (v, state) ->
                out.append(out.isEmpty() ? "" : ", ").append(v).append(' ').append(state));
    return out.toString();
  }
}
