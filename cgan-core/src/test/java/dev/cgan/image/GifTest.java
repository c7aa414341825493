package dev.cgan.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.InvalidSettingException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class GifTest {
  @TempDir Path dir;

  /** Frame k: 16×16, every grey level once, shifted by 40·k. */
  private static List<BufferedImage> frames(int n) {
    List<BufferedImage> frames = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      byte[] pixels = new byte[256];
      for (int v = 0; v < 256; v++) {
        pixels[v] = (byte) (v + 40 * k);
      }
      frames.add(Tiles.strip(pixels, 1, 16, 16, 1));
    }
    return frames;
  }

  /** What ImageIO's GIF reader finds: the frames' grey levels, delays and loop extension. */
  private record ReadBack(List<int[]> greys, List<Integer> delays, byte[] loop) {}

  private static ReadBack read(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      List<int[]> greys = new ArrayList<>();
      List<Integer> delays = new ArrayList<>();
      byte[] loop = null;
      for (int i = 0; i < reader.getNumImages(true); i++) {
        BufferedImage img = reader.read(i);
        int[] g = new int[img.getWidth() * img.getHeight()];
        for (int p = 0; p < g.length; p++) {
          int rgb = img.getRGB(p % img.getWidth(), p / img.getWidth());
          assertEquals(rgb & 0xFF, (rgb >> 8) & 0xFF, "grey");
          g[p] = rgb & 0xFF;
        }
        greys.add(g);
        Node root = reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
          if (n.getNodeName().equals("GraphicControlExtension")) {
            delays.add(
                Integer.parseInt(n.getAttributes().getNamedItem("delayTime").getNodeValue()));
          }
          if (n.getNodeName().equals("ApplicationExtensions")) {
            IIOMetadataNode app = (IIOMetadataNode) n.getFirstChild();
            assertEquals("NETSCAPE", app.getAttribute("applicationID"));
            assertEquals("2.0", app.getAttribute("authenticationCode"));
            loop = (byte[]) app.getUserObject();
          }
        }
      }
      reader.dispose();
      return new ReadBack(greys, delays, loop);
    }
  }

  @Test
  void aLoopingAnimationOfEveryFrameWithItsDelayAndExactGreys() throws IOException {
    Path file = dir.resolve("anim.gif");
    List<BufferedImage> frames = frames(7);
    Gif.write(frames, 4, file);

    ReadBack back = read(file);
    assertEquals(7, back.greys().size());
    for (int k = 0; k < 7; k++) {
      int[] want = new int[256];
      for (int p = 0; p < 256; p++) {
        want[p] = frames.get(k).getRaster().getSample(p % 16, p / 16, 0);
      }
      assertArrayEquals(want, back.greys().get(k), "frame " + k);
    }
    assertEquals(List.of(25, 25, 25, 25, 25, 25, 25), back.delays(), "1/4 s = 25 cs each");
    assertArrayEquals(new byte[] {1, 0, 0}, back.loop(), "NETSCAPE2.0: loop for ever");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void sameFramesGiveIdenticalBytes() throws IOException {
    Path a = dir.resolve("a.gif"), b = dir.resolve("b.gif");
    Gif.write(frames(3), 10, a);
    Gif.write(frames(3), 10, b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void followsTheOutputRulesOfPng() throws IOException {
    Path missing = dir.resolve("nowhere/x.gif");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> Gif.write(frames(2), 5, missing));
    assertEquals(
        "cannot write " + missing + ": directory " + missing.getParent() + " does not exist",
        e.getMessage());

    Path folder = Files.createDirectories(dir.resolve("folder.gif"));
    IOException f = assertThrows(IOException.class, () -> Gif.write(frames(2), 5, folder));
    assertEquals(
        "cannot write " + folder + ": it is a folder, where a file was expected", f.getMessage());

    // A symbolic link is written through: the file it points to is replaced, the link stays.
    Path target = Files.writeString(dir.resolve("target.gif"), "old");
    Path link = Files.createSymbolicLink(dir.resolve("link.gif"), target);
    Gif.write(frames(2), 5, link);
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(2, read(target).greys().size());
  }

  @Test
  void badFramesAndRatesAreRefused() {
    Path file = dir.resolve("x.gif");
    assertThrows(IllegalArgumentException.class, () -> Gif.write(List.of(), 5, file));
    List<BufferedImage> mixed = new ArrayList<>(frames(1));
    mixed.add(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Gif.write(mixed, 5, file));
    assertEquals("frames must be of one size: 16x16, got 8x8", e.getMessage());
    InvalidSettingException fps =
        assertThrows(InvalidSettingException.class, () -> Gif.write(frames(2), 0, file));
    assertEquals(
        "fps must be 1 to 100 (a GIF's frame delay counts 1/100 s), got 0", fps.getMessage());
    assertThrows(InvalidSettingException.class, () -> Gif.checkFps(101));
    assertTrue(Files.notExists(file));
  }
}
