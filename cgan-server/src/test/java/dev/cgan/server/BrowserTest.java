package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The page in a real headless Chromium (Debian's {@code chromium}; {@code CGAN_CHROMIUM} names
 * another): the default strip on load, digits typed, the strip of the right size, the style
 * toggles. Skipped, saying so, where no Chromium is installed.
 */
@ExtendWith(TinyModel.Prepared.class)
class BrowserTest {
  static Path chromium() {
    String env = System.getenv("CGAN_CHROMIUM");
    return Path.of(env != null ? env : "/usr/bin/chromium");
  }

  /**
   * Resolves with [width, height, src] once the strip shows an image whose URL has {@code part}.
   */
  private static String stripWith(String part, int width) {
    return """
           new Promise((resolve, reject) => {
             const img = document.getElementById('strip');
             const ok = () => img.complete && img.naturalWidth === %d && img.src.includes(%s);
             const done = () => resolve([img.naturalWidth, img.naturalHeight, img.src]);
             if (ok()) { done(); return; }
             img.addEventListener('load', () => { if (ok()) done(); });
             img.addEventListener('error', () => reject(new Error('strip failed: ' + img.src)));
           })
           """
        .formatted(width, Json.string(part));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void typedDigitsShowAStripOfTheirSize() throws Exception {
    Skip.unless(
        Files.isExecutable(chromium()),
        "BrowserTest: no Chromium at "
            + chromium()
            + " (apt-get install chromium, or set CGAN_CHROMIUM): the browser test is skipped");
    try (DevTools page = DevTools.start(chromium())) {
      page.send("Page.enable", null);
      JsonObject metrics = new JsonObject();
      metrics.addProperty("width", 412);
      metrics.addProperty("height", 640);
      metrics.addProperty("deviceScaleFactor", 1);
      metrics.addProperty("mobile", true);
      page.send("Emulation.setDeviceMetricsOverride", metrics);
      page.navigate(TinyModel.server().uri().toString());

      // The page's own style and script run under its Content-Security-Policy (by their hashes).
      assertEquals("768px", page.eval("getComputedStyle(document.body).maxWidth").getAsString());

      // The default strip, 2026112701, on load: ten tiles of 32 × 32.
      JsonArray first = page.eval(stripWith("digits=2026112701", 320)).getAsJsonArray();
      assertEquals(32, first.get(1).getAsInt());

      // Typed digits replace it.
      page.eval(
          "document.getElementById('digits').focus(); document.getElementById('digits').select();"
              + " true");
      JsonObject text = new JsonObject();
      text.addProperty("text", "31415");
      page.send("Input.insertText", text);
      JsonArray typed = page.eval(stripWith("digits=31415", 160)).getAsJsonArray();
      assertEquals(160, typed.get(0).getAsInt());
      assertEquals(32, typed.get(1).getAsInt());

      // The style toggles go into the request.
      page.eval("document.getElementById('same').click(); true");
      page.eval(stripWith("same_style=true", 160));
      page.eval("document.getElementById('trunc').click(); true");
      String src =
          page.eval(stripWith("truncation=0.7", 160)).getAsJsonArray().get(2).getAsString();
      assertTrue(src.contains("seed=7"), src);
      assertEquals("", page.eval("document.getElementById('status').textContent").getAsString());

      byte[] png =
          Base64.getDecoder()
              .decode(page.send("Page.captureScreenshot", null).get("data").getAsString());
      Path shot = Path.of(System.getProperty("cgan.screenshot", "target/page.png"));
      Files.createDirectories(shot.toAbsolutePath().getParent());
      Files.write(shot, png);
    }
  }
}
