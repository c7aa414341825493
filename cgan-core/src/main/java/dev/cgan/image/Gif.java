package dev.cgan.image;

import dev.cgan.InvalidSettingException;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes animated GIFs with {@code javax.imageio}'s GIF writer, looping for ever (the NETSCAPE2.0
 * extension), every frame shown for the same time. Frames of 8-bit grey keep each grey level
 * exactly (a palette of the 256 greys, palette index = grey level). Frames of 8-bit colour ({@link
 * Tiles}'s) share one palette of at most 256 colours: their own colours when they have that few,
 * else a median cut over all of their pixels, each pixel taking the nearest entry (see {@link
 * Palette}); a GIF holds no more colours than that, so write PNGs where every colour must stay.
 */
public final class Gif {
  /** The fastest frame rate a GIF can state: its frame delay counts hundredths of a second. */
  public static final int MAX_FPS = 100;

  private static final String FORMAT = "javax_imageio_gif_image_1.0";
  private static final IndexColorModel GREYS = greys();

  private Gif() {}

  /**
   * Writes {@code frames} as a looping animation to {@code target}, following the same rules as
   * {@link Png#write}: a new or regular file is replaced atomically, a symbolic link is written
   * through to its target, a FIFO or device is written to, a folder is refused.
   *
   * @param frames at least one 8-bit grey ({@link BufferedImage#TYPE_BYTE_GRAY}) or colour ({@link
   *     BufferedImage#TYPE_3BYTE_BGR}) image, all of one size and type
   * @param fps frames per second, 1 to {@link #MAX_FPS}; each frame is shown round(100 / fps)
   *     hundredths of a second
   * @throws IllegalArgumentException for no frames, frames of different sizes or of another type,
   *     or an fps out of range
   * @throws NoSuchFileException if the directory does not exist; the message names it
   * @throws NotDirectoryException if the parent path is not a directory
   * @throws AccessDeniedException if the directory is not writable
   * @throws IOException on any other failure; the message names {@code target}
   */
  public static void write(List<BufferedImage> frames, int fps, Path target) throws IOException {
    int delay = check(frames, fps);
    ImageFiles.write(target, () -> frames(frames, delay));
  }

  /** Checks the frames and rate of {@link #write}; returns the frame delay in 1/100 s. */
  private static int check(List<BufferedImage> frames, int fps) {
    checkFps(fps);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames to write");
    }
    int w = frames.get(0).getWidth(), h = frames.get(0).getHeight();
    int type = frames.get(0).getType();
    for (BufferedImage f : frames) {
      if (f.getType() != type
          || type != BufferedImage.TYPE_BYTE_GRAY && type != BufferedImage.TYPE_3BYTE_BGR) {
        throw new IllegalArgumentException(
            "frames must be 8-bit grey or 8-bit colour images of one type, got type "
                + f.getType());
      }
      if (f.getWidth() != w || f.getHeight() != h) {
        throw new IllegalArgumentException(
            "frames must be of one size: "
                + w
                + "x"
                + h
                + ", got "
                + f.getWidth()
                + "x"
                + f.getHeight());
      }
    }
    return Math.max(1, Math.round(100f / fps));
  }

  /**
   * Refuses a frame rate a GIF cannot state.
   *
   * @throws InvalidSettingException "fps must be 1 to 100 (…), got 0"
   */
  public static void checkFps(int fps) {
    if (fps < 1 || fps > MAX_FPS) {
      throw new InvalidSettingException(
          "fps", "must be 1 to " + MAX_FPS + " (a GIF's frame delay counts 1/100 s), got " + fps);
    }
  }

  /**
   * {@code frames} as the bytes of the looping GIF that {@link #write} writes, for a caller that
   * sends it rather than saves it.
   *
   * @throws IllegalArgumentException as {@link #write} does
   */
  public static byte[] encode(List<BufferedImage> frames, int fps) throws IOException {
    int delay = check(frames, fps);
    return frames(frames, delay);
  }

  private static byte[] frames(List<BufferedImage> frames, int delayCentiseconds)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // A memory stream: ImageIO's default cache would spill to java.io.tmpdir, which may be
    // read-only.
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      Palette palette =
          frames.get(0).getType() == BufferedImage.TYPE_BYTE_GRAY ? null : Palette.of(frames);
      for (int i = 0; i < frames.size(); i++) {
        BufferedImage frame =
            palette == null ? indexed(frames.get(i)) : palette.indexed(frames.get(i));
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(new ImageTypeSpecifier(frame), param);
        meta.mergeTree(FORMAT, frameMetadata(delayCentiseconds, i == 0));
        writer.writeToSequence(new IIOImage(frame, null, meta), param);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** The frame's delay, drawn over the previous one; the first frame also says "loop for ever". */
  private static IIOMetadataNode frameMetadata(int delayCentiseconds, boolean first) {
    IIOMetadataNode root = new IIOMetadataNode(FORMAT);
    IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
    control.setAttribute("disposalMethod", "none");
    control.setAttribute("userInputFlag", "FALSE");
    control.setAttribute("transparentColorFlag", "FALSE");
    control.setAttribute("delayTime", Integer.toString(delayCentiseconds));
    control.setAttribute("transparentColorIndex", "0");
    root.appendChild(control);
    if (first) {
      IIOMetadataNode apps = new IIOMetadataNode("ApplicationExtensions");
      IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
      loop.setAttribute("applicationID", "NETSCAPE");
      loop.setAttribute("authenticationCode", "2.0");
      // Sub-block 1, loop count 0 (little-endian): repeat for ever.
      loop.setUserObject(new byte[] {1, 0, 0});
      apps.appendChild(loop);
      root.appendChild(apps);
    }
    return root;
  }

  /** The grey image as palette indices into the 256 greys: the same bytes, nothing dithered. */
  private static BufferedImage indexed(BufferedImage grey) {
    BufferedImage out =
        new BufferedImage(
            grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, GREYS);
    out.getRaster().setRect(grey.getRaster());
    return out;
  }

  private static IndexColorModel greys() {
    byte[] level = new byte[256];
    for (int i = 0; i < 256; i++) {
      level[i] = (byte) i;
    }
    return new IndexColorModel(8, 256, level, level, level);
  }
}
