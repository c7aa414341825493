package dev.cgan.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Reads and writes PNG files with {@code javax.imageio}.
 *
 * <p>{@link #write} is atomic: the picture appears complete under its name or not at all. The
 * output depends on the pixels only (the JDK's PNG writer adds no timestamp), so the same image
 * always gives the same bytes.
 */
public final class Png {

  private Png() {}

  /**
   * Writes {@code image} as a PNG to {@code target}.
   *
   * <p>A new or regular file is replaced atomically: the bytes go to a hidden temporary file in the
   * target's directory, are flushed to disk, and are then renamed onto {@code target}; on failure
   * the temporary file is removed. A symbolic link is followed (the file it points to is replaced,
   * the link stays); a FIFO or a device is written through; a folder is refused.
   *
   * @param image the picture; a {@link BufferedImage#TYPE_BYTE_GRAY} image is stored as 8-bit grey
   * @param target the file to write; its directory must already exist
   * @throws NoSuchFileException if the directory does not exist; the message names it
   * @throws NotDirectoryException if the parent path is not a directory
   * @throws AccessDeniedException if the directory is not writable
   * @throws IOException on any other failure; the message names {@code target}
   */
  public static void write(BufferedImage image, Path target) throws IOException {
    Objects.requireNonNull(image, "image");
    ImageFiles.write(target, () -> encode(image));
  }

  /**
   * Reads a PNG (or any format {@code javax.imageio} knows) into an image. An 8-bit grey PNG comes
   * back as {@link BufferedImage#TYPE_BYTE_GRAY} with its bytes unchanged.
   *
   * @param source the file to read
   * @return the decoded image
   * @throws NoSuchFileException if {@code source} does not exist
   * @throws IOException if it cannot be read or is not an image
   */
  public static BufferedImage read(Path source) throws IOException {
    byte[] bytes = Files.readAllBytes(source);
    // Memory streams: ImageIO's default cache would spill to java.io.tmpdir, which may be
    // read-only.
    ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    BufferedImage image = ImageIO.read(in); // closes the stream itself, except when it returns null
    if (image == null) {
      in.close();
      throw new IOException("cannot read " + source + ": not a PNG image");
    }
    return image;
  }

  /** {@code image} as the bytes of a PNG file, for a caller that sends it rather than saves it. */
  public static byte[] encode(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer for image type " + image.getType());
      }
    }
    return bytes.toByteArray();
  }
}
