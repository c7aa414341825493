package dev.cgan.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The web page at {@code /}: plain HTML and JavaScript from the jar, the model name filled in. */
final class Page {
  static final String RESOURCE = "/dev/cgan/server/index.html";

  private Page() {}

  static String html(String model) {
    try (InputStream in = Page.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the page " + RESOURCE + " is missing from the jar");
      }
      // The model name is [A-Za-z0-9_.-]+ (checked by the settings): safe in HTML and in a URL.
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("{{MODEL}}", model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
