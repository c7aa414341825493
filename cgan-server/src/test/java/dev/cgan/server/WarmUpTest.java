package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.serve.CganGenerator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A model that loads but cannot generate is refused at start, never reported AVAILABLE. */
@Timeout(60)
@ExtendWith(TinyModel.Prepared.class)
class WarmUpTest {
  @Test
  void anExportWithoutItsVariablesIndexIsRefusedAtStartAndNothingListens(@TempDir Path tmp)
      throws Exception {
    Path broken = tmp.resolve("saved_model");
    Path source = TinyModel.savedModel();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.copy(p, broken.resolve(source.relativize(p).toString()));
      }
    }
    Files.delete(broken.resolve("variables/variables.index"));
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // TensorFlow loads it without a word; only running it fails.
    try (CganGenerator g = CganGenerator.load(broken)) {
      CganServer.Settings settings = CganServer.Settings.defaults().withPort(port);
      ModelUnavailableException e =
          assertThrows(ModelUnavailableException.class, () -> CganServer.start(g, settings));
      String prefix =
          "the model cannot generate, so it is not served: its warm-up request (one image of class"
              + " 0) failed: Attempting to use uninitialized value G_";
      assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
      assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
      assertTrue(e instanceof IOException);
    }
    assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
  }
}
