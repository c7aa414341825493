package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cgan.cli.CliTest.Outcome;
import dev.cgan.image.Png;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --images-dir} as a user meets it: a folder of coloured shapes of odd sizes trains,
 * resumes, generates, interpolates, exports and evaluates in colour with its class names; the
 * folder is never written to; bad options, bad files and a changed folder get one line each.
 */
class ImageFolderCliTest {
  @TempDir static Path tmp;
  static Path images;
  static Path cache;
  static Path run;
  static Map<String, String> before;
  static Outcome trained;

  @BeforeAll
  static void trainOnColouredShapes() throws Exception {
    images = writeShapes(tmp.resolve("shapes"), 8);
    before = snapshot(images);
    cache = tmp.resolve("cache");
    run = tmp.resolve("run");
    trained = CliTest.cgan(train(images, run, "--iterations", "4"));
    assertEquals(0, trained.code(), trained.err());
  }

  static String[] train(Path dir, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--images-dir",
                dir.toString(),
                "--img-size",
                "16",
                "--cache-dir",
                cache.toString(),
                "--batch",
                "8",
                "--sample-interval",
                "2",
                "--log-interval",
                "2",
                "--out",
                out.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void theRunIsInColourWithTheFoldersClassNames() throws Exception {
    assertTrue(trained.out().contains("decoding images: 24/24"), trained.out());
    assertTrue(trained.out().contains("24 images of 16x16x3, 3 classes"), trained.out());
    JsonObject config =
        JsonParser.parseString(Files.readString(run.resolve("run.json"))).getAsJsonObject();
    assertEquals("[\"circle\",\"square\",\"triangle\"]", config.get("classNames").toString());
    assertEquals(
        3, config.getAsJsonObject("spec").getAsJsonObject("model").get("channels").getAsInt());
    assertTrue(Files.isRegularFile(run.resolve("data-files")));
    JsonObject meta =
        JsonParser.parseString(Files.readString(run.resolve("saved_model/assets.extra/cgan.json")))
            .getAsJsonObject();
    assertEquals(3, meta.getAsJsonObject("model").get("channels").getAsInt());
    assertEquals("[\"circle\",\"square\",\"triangle\"]", meta.get("classNames").toString());
    BufferedImage grid = Png.read(run.resolve("samples/4.png"));
    assertEquals(48, grid.getWidth());
    assertTrue(hasColour(grid), "the grid is in colour");
    assertTrue(hasColour(Png.read(run.resolve("result.png"))));
    assertEquals(before, snapshot(images), "nothing was written into the image folder");
  }

  @Test
  void generateAndInterpolateWriteColour() throws Exception {
    Path png = tmp.resolve("strip.png");
    Outcome g =
        CliTest.cgan(
            "generate",
            "--model",
            run.resolve("saved_model").toString(),
            "--labels",
            "0,1,2",
            "-o",
            png.toString());
    assertEquals(0, g.code(), g.err());
    BufferedImage strip = Png.read(png);
    assertEquals(48, strip.getWidth());
    assertTrue(hasColour(strip));
    Path gif = tmp.resolve("morph.gif");
    Outcome i =
        CliTest.cgan(
            "interpolate",
            "--model",
            run.toString(),
            "--classes",
            "0,2",
            "--steps",
            "5",
            "-o",
            gif.toString());
    assertEquals(0, i.code(), i.err());
    List<BufferedImage> frames = gifFrames(gif);
    assertEquals(5, frames.size());
    assertTrue(frames.stream().anyMatch(ImageFolderCliTest::hasColour), "the GIF is in colour");
  }

  @Test
  void resumeGoesOnAndAChangedFolderIsRefusedNamingTheChange() throws Exception {
    Path images2 = writeShapes(tmp.resolve("shapes2"), 6);
    Path run2 = tmp.resolve("run2");
    assertEquals(0, CliTest.cgan(train(images2, run2, "--iterations", "2")).code());
    Outcome resumed = CliTest.cgan("train", "--resume", run2.toString(), "--iterations", "3");
    assertEquals(0, resumed.code(), resumed.err());
    Files.copy(images2.resolve("circle/000.png"), images2.resolve("circle/extra.png"));
    Outcome refused = CliTest.cgan("train", "--resume", run2.toString(), "--iterations", "4");
    assertEquals(Main.FAILED, refused.code());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertTrue(
        refused.err().contains("1 added, 0 removed, 0 modified (e.g. added circle/extra.png)"),
        refused.err());
    assertTrue(refused.err().contains("--allow-changed-data"), refused.err());
    Files.delete(images2.resolve("circle/extra.png"));
    Files.setLastModifiedTime(
        images2.resolve("square/001.png"), java.nio.file.attribute.FileTime.fromMillis(5_000));
    assertEquals(
        Main.FAILED,
        CliTest.cgan("train", "--resume", run2.toString(), "--iterations", "4").code());
    Outcome allowed =
        CliTest.cgan(
            "train", "--resume", run2.toString(), "--iterations", "4", "--allow-changed-data");
    assertEquals(0, allowed.code(), allowed.err());
  }

  @Test
  void badOptionsAreUsageErrorsAndWriteNothing() {
    String[][] cases = {
      {"--channels", "2"},
      {"--resize", "squash"},
      {"--background", "white"},
      {"--class-names", "a,b"},
      {"--allow-changed-data"},
    };
    for (String[] more : cases) {
      Path out = tmp.resolve("bad-" + more[0].substring(2));
      Outcome o = CliTest.cgan(train(images, out, more));
      assertEquals(Main.USAGE, o.code(), String.join(" ", more) + ": " + o.err());
      assertTrue(o.err().startsWith("error: "), o.err());
      assertFalse(Files.exists(out), "nothing written for " + String.join(" ", more));
    }
    Outcome alone = CliTest.cgan("train", "--channels", "3", "--out", tmp.resolve("x").toString());
    assertEquals(Main.USAGE, alone.code());
    assertTrue(alone.err().contains("--channels goes with --images-dir"), alone.err());
  }

  @Test
  void aBadFileStopsTheRunUnlessSkipped() throws Exception {
    Path dir = writeShapes(tmp.resolve("with-bad"), 6);
    Files.writeString(dir.resolve("square/broken.png"), "not a png");
    Path out = tmp.resolve("bad-run");
    Outcome o = CliTest.cgan(train(dir, out, "--iterations", "1"));
    assertEquals(Main.FAILED, o.code());
    assertEquals(1, o.err().strip().lines().count(), o.err());
    assertTrue(o.err().contains("broken.png"), o.err());
    assertFalse(Files.exists(out));
    Outcome skipped = CliTest.cgan(train(dir, out, "--iterations", "1", "--skip-bad-images"));
    assertEquals(0, skipped.code(), skipped.err());
    assertTrue(
        skipped.err().contains("skipped 1 bad image file: square/broken.png"), skipped.err());
  }

  @Test
  void evaluateTrainsAClassifierOfTheRunsOwnDataAndSaysHowGoodItIs() {
    Outcome o =
        CliTest.cgan(
            "evaluate",
            "--model",
            run.resolve("saved_model").toString(),
            "--samples",
            "4",
            "--cache-dir",
            cache.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("trained a classifier of the run's 3 classes"), o.err());
    assertTrue(o.out().contains("% accurate on 6 real held-out images"), o.out());
    assertTrue(o.out().contains("classifier score (1..3)"), o.out());
  }

  static Path writeShapes(Path dir, int perClass) throws IOException {
    Random random = new Random(dir.getFileName().toString().hashCode());
    String[] shapes = {"circle", "square", "triangle"};
    for (int s = 0; s < shapes.length; s++) {
      Path classDir = Files.createDirectories(dir.resolve(shapes[s]));
      for (int i = 0; i < perClass; i++) {
        int w = 13 + random.nextInt(12), h = 11 + random.nextInt(12), m = Math.min(w, h) / 5;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(20, 20, 40));
        g.fillRect(0, 0, w, h);
        g.setColor(Color.getHSBColor(random.nextFloat(), 0.8f, 0.95f));
        switch (s) {
          case 0 -> g.fillOval(m, m, w - 2 * m, h - 2 * m);
          case 1 -> g.fillRect(m, m, w - 2 * m, h - 2 * m);
          default -> g.fillPolygon(new int[] {w / 2, m, w - m}, new int[] {m, h - m, h - m}, 3);
        }
        g.dispose();
        String format = i % 3 == 2 ? "jpg" : "png";
        ImageIO.write(img, format, classDir.resolve(String.format("%03d.%s", i, format)).toFile());
      }
    }
    return dir;
  }

  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String content =
            a.isRegularFile()
                ? Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p)))
                : "";
        m.put(dir.relativize(p).toString(), a.size() + " " + a.lastModifiedTime() + " " + content);
      }
    }
    return m;
  }

  static boolean hasColour(BufferedImage img) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
        if (Math.abs(r - g) > 8 || Math.abs(g - b) > 8) {
          return true;
        }
      }
    }
    return false;
  }

  static List<BufferedImage> gifFrames(Path gif) throws IOException {
    List<BufferedImage> frames = new ArrayList<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      for (int i = 0; i < reader.getNumImages(true); i++) {
        frames.add(reader.read(i));
      }
      reader.dispose();
    }
    return frames;
  }
}
