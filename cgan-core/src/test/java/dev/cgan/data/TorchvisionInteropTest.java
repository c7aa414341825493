package dev.cgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On one generated folder, the class order and the labels in sample order equal those of
 * torchvision's {@code datasets.ImageFolder}, run by {@code scripts/imagefolder_classes.py} with
 * the Python of {@code -Dcgan.torchvision.python=...}, else {@code .venv-ci/bin/python} of the
 * repository. Skipped, saying why, when neither has torchvision; nothing is installed. GIF files
 * are the one difference: torchvision does not list them, Keras and this reader do.
 */
class TorchvisionInteropTest {
  @TempDir Path tmp;

  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void classOrderAndLabelsEqualTorchvisionImageFolder() throws Exception {
    String python =
        System.getProperty(
            "cgan.torchvision.python", ROOT.resolve(".venv-ci/bin/python").toString());
    assumeTrue(
        Files.isExecutable(Path.of(python)),
        "no Python at " + python + " (set -Dcgan.torchvision.python)");
    Path script = ROOT.resolve("scripts/imagefolder_classes.py");
    Path dir = tmp.resolve("folder");
    List<String> classes =
        new ArrayList<>(List.of("Zeta", "alpha", "beta_2", "beta10", "b-c", "B"));
    if ("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
      // U+FF5A sorts before U+1F600 by code point, after it by UTF-16 unit; é after z.
      classes.addAll(List.of("\uFF5A", "\uD83D\uDE00", "\u00E9t\u00E9", "zoo"));
    }
    String[] files = {
      "a.png", "A.PNG", "sub/b.png", "sub b/c.jpg", "sub/deeper/d.bmp", "z.gif", "sub-1/e.png"
    };
    int k = 0;
    for (String c : classes) {
      for (String f : files) {
        if ((k++ % 3) == 0 && !f.equals("a.png")) {
          continue; // uneven classes
        }
        String format =
            f.endsWith("jpg") ? "jpeg" : f.substring(f.lastIndexOf('.') + 1).toLowerCase();
        BufferedImage img =
            TestImages.shape("square", 6, 6, Color.CYAN, BufferedImage.TYPE_3BYTE_BGR);
        TestImages.write(img, format, dir.resolve(c).resolve(f));
      }
    }
    Process p =
        new ProcessBuilder(python, script.toString(), dir.toString())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "torchvision took over 120 s");
    assumeTrue(
        p.exitValue() == 0 || !out.contains("ModuleNotFoundError"),
        "no torchvision in " + python + ": " + lastLine(out));
    assertEquals(0, p.exitValue(), out);

    ImageFolderReader.Result ours =
        ImageFolderReader.read(
            dir, ImageFolderOptions.defaults().withSize(4).withCacheDir(null), DecodeProgress.NONE);
    List<String> expected = new ArrayList<>();
    List<String> names = ours.images().classNames();
    for (int i = 0; i < names.size(); i++) {
      expected.add("class " + i + " " + names.get(i));
    }
    for (FolderListing.Entry e : ours.listing().entries()) {
      // torchvision's IMG_EXTENSIONS has no .gif (Keras's list, which ours equals, has): the
      // only files it does not list.
      if (!e.path().endsWith(".gif")) {
        expected.add("sample " + e.label() + " " + e.path());
      }
    }
    assertEquals(String.join("\n", expected), out.strip());
    int[] labels = ours.images().labels();
    for (int i = 0; i < labels.length; i++) {
      assertEquals(ours.listing().entries().get(i).label(), labels[i]);
    }
  }

  private static String lastLine(String s) {
    String[] lines = s.strip().split("\n");
    return lines[lines.length - 1];
  }
}
