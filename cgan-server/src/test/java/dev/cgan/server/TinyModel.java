package dev.cgan.server;

import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunSettings;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.RunProducts;
import dev.cgan.train.TrainingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One tiny trained run per test JVM (4 iterations on 320 embedded digits, exported), its generator
 * loaded from the SavedModel, and a server on a free loopback port; plus an HTTP client.
 */
final class TinyModel {
  private static Path savedModel;
  private static CganGenerator generator;
  private static CganServer server;

  static final HttpClient HTTP = HttpClient.newHttpClient();

  private TinyModel() {}

  /**
   * Trains, exports and loads the tiny model before a test class's first test, so that its cost
   * (seconds, several times more on a loaded machine) does not count against the {@code @Timeout}
   * of whichever test happens to run first in the JVM: JUnit applies a class's timeout to its test
   * methods, not to its {@code @BeforeAll} callbacks.
   */
  static final class Prepared implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      generator().pixels(new int[] {0}, 0);
    }
  }

  /** The exported SavedModel of the tiny run. */
  static synchronized Path savedModel() {
    if (savedModel == null) {
      savedModel = export(CganConfig.reference());
    }
    return savedModel;
  }

  /**
   * The SavedModel of a tiny run of {@code network} (4 iterations on 320 embedded digits, seed 5),
   * in a fresh temporary folder.
   */
  static Path export(CganConfig network) {
    try {
      Path root = Files.createTempDirectory("cgan-server-test");
      Path data = EmbeddedMnist.load().subset(0, 320).writeIdx(root.resolve("data"));
      Path run = root.resolve("run");
      RunSettings settings =
          RunSettings.builder(DataSource.idxFolder(data))
              .network(network)
              .iterations(4)
              .batchSize(32)
              .seed(5)
              .sampleInterval(4)
              .checkpointInterval(4)
              .logInterval(2)
              .build();
      try (TrainingRun r = TrainingRun.create(run, settings)) {
        r.train();
      }
      RunProducts.write(run);
      return run.resolve("saved_model");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The generator every server of these tests shares. Closed when the JVM exits. */
  static synchronized CganGenerator generator() {
    if (generator == null) {
      try {
        generator = CganGenerator.load(savedModel());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return generator;
  }

  /** A server with the default settings on a free port, shared by the tests that only ask. */
  static synchronized CganServer server() {
    if (server == null) {
      server = start(CganServer.Settings.defaults().withPort(0));
    }
    return server;
  }

  static CganServer start(CganServer.Settings settings) {
    try {
      return CganServer.start(generator(), settings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static URI uri(String path) {
    return server().uri().resolve(path.startsWith("/") ? path.substring(1) : path);
  }
}
