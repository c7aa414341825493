package dev.cgan.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The web page at {@code /}: plain HTML and JavaScript from the jar, the model name filled in. */
final class Page {
  static final String RESOURCE = "/dev/cgan/server/index.html";

  private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
  private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

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

  /**
   * The Content-Security-Policy under which {@code html} works and nothing else runs: its own
   * inline script and style by their SHA-256 (so an injected one would not), images and requests to
   * this server only, no plugins, frames, forms or base URL. Hashed from the page as served, so an
   * edit of the page cannot leave a stale policy behind.
   */
  static String contentSecurityPolicy(String html) {
    return "default-src 'none'; script-src "
        + hashes(SCRIPT, html)
        + "; style-src "
        + hashes(STYLE, html)
        + "; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
        + " frame-ancestors 'none'";
  }

  private static String hashes(Pattern element, String html) {
    List<String> out = new ArrayList<>();
    Matcher m = element.matcher(html);
    while (m.find()) {
      out.add("'sha256-" + sha256(m.group(1)) + "'");
    }
    return out.isEmpty() ? "'none'" : String.join(" ", out);
  }

  private static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }
}
