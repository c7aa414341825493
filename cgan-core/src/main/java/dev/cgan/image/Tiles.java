package dev.cgan.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.List;

/**
 * Lays out a batch of images, as the generator returns them, into one picture.
 *
 * <p>Input is always a {@code byte[]} of uint8 pixels in NHWC order (image after image, each
 * row-major), the layout TensorFlow hands back for a {@code [N, H, W, C]} tensor. One channel gives
 * an 8-bit grey picture ({@link BufferedImage#TYPE_BYTE_GRAY}), three (RGB) an 8-bit colour one
 * ({@link BufferedImage#TYPE_3BYTE_BGR}); either way every byte is kept exactly. Tiles touch: there
 * is no padding between them.
 */
public final class Tiles {

  private Tiles() {}

  /**
   * Places {@code count} images side by side, left to right.
   *
   * @param pixels uint8 pixels, shape {@code [count, height, width, channels]}, NHWC
   * @param count number of images N
   * @param height image height H
   * @param width image width W
   * @param channels channels C: 1 (grey) or 3 (RGB)
   * @return a grey or colour image of {@code width*count × height}
   * @throws IllegalArgumentException if a size is not positive, C is not 1 or 3, or {@code
   *     pixels.length != count*height*width*channels}
   */
  public static BufferedImage strip(byte[] pixels, int count, int height, int width, int channels) {
    return grid(pixels, 1, count, height, width, channels);
  }

  /**
   * Places {@code rows*cols} images in a grid, row-major: row {@code r} holds images {@code r*cols}
   * to {@code r*cols + cols - 1}, left to right. The caller chooses the order.
   *
   * @param pixels uint8 pixels, shape {@code [rows*cols, height, width, channels]}, NHWC
   * @param rows tiles per column
   * @param cols tiles per row
   * @param height image height H
   * @param width image width W
   * @param channels channels C: 1 (grey) or 3 (RGB)
   * @return a grey or colour image of {@code width*cols × height*rows}
   * @throws IllegalArgumentException if a size is not positive, C is not 1 or 3, or {@code
   *     pixels.length != rows*cols*height*width*channels}
   */
  public static BufferedImage grid(
      byte[] pixels, int rows, int cols, int height, int width, int channels) {
    if (pixels == null) {
      throw new IllegalArgumentException("pixels must not be null");
    }
    requirePositive("rows", rows);
    requirePositive("cols", cols);
    requirePositive("height", height);
    requirePositive("width", width);
    requirePositive("channels", channels);
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "channels must be 1 (grey) or 3 (RGB), got channels = " + channels);
    }
    long expected = (long) rows * cols * height * width * channels;
    if (pixels.length != expected) {
      throw new IllegalArgumentException(
          String.format(
              "pixel array has %d bytes, expected %d for %d images of %dx%dx%d",
              pixels.length, expected, (long) rows * cols, height, width, channels));
    }
    // Guard the output size too: BufferedImage takes int dimensions and an int-indexed buffer.
    long outWidth = (long) width * cols;
    long outHeight = (long) height * rows;
    if (outWidth > Integer.MAX_VALUE
        || outHeight > Integer.MAX_VALUE
        || expected > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "output image " + outWidth + "x" + outHeight + " is too large");
    }

    BufferedImage image =
        new BufferedImage(
            (int) outWidth,
            (int) outHeight,
            channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    // Copy into the backing array, not through setRGB/getRGB: those go through the grey
    // colour space's gamma conversion and would not keep the bytes exact.
    byte[] out = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int stride = (int) outWidth * channels;
    int row = width * channels;
    for (int i = 0; i < rows * cols; i++) {
      int x0 = (i % cols) * row;
      int y0 = (i / cols) * height;
      int src = i * height * row;
      for (int y = 0; y < height; y++) {
        int from = src + y * row, to = (y0 + y) * stride + x0;
        if (channels == 1) {
          System.arraycopy(pixels, from, out, to, width);
        } else {
          for (int x = 0; x < row; x += 3) { // RGB in, BGR in the picture's buffer
            out[to + x] = pixels[from + x + 2];
            out[to + x + 1] = pixels[from + x + 1];
            out[to + x + 2] = pixels[from + x];
          }
        }
      }
    }
    return image;
  }

  /** C of a picture this class makes: 1 for 8-bit grey, 3 for 8-bit colour. */
  public static int channels(BufferedImage image) {
    return switch (image.getType()) {
      case BufferedImage.TYPE_BYTE_GRAY -> 1;
      case BufferedImage.TYPE_3BYTE_BGR -> 3;
      default ->
          throw new IllegalArgumentException(
              "expected an 8-bit grey or colour picture, got type " + image.getType());
    };
  }

  /**
   * The pixels of a picture this class makes, [H, W, C] row-major, RGB order for colour: the
   * inverse of {@link #grid} for one tile, e.g. for a TensorBoard image.
   */
  public static byte[] pixels(BufferedImage image) {
    int c = channels(image);
    byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    byte[] out = data.clone();
    for (int p = 0; c == 3 && p < out.length; p += 3) {
      out[p] = data[p + 2];
      out[p + 2] = data[p];
    }
    return out;
  }

  /**
   * Stacks pictures of one size top to bottom, e.g. the frames of an interpolation, one row of
   * tiles per frame.
   *
   * @param rows at least one 8-bit grey or colour picture ({@link #grid}'s), all of one size and
   *     type
   * @return a picture of that type, {@code width × height*rows.size()}
   * @throws IllegalArgumentException for no rows, or rows of different sizes or of another type
   */
  public static BufferedImage column(List<BufferedImage> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no rows to stack");
    }
    int width = rows.get(0).getWidth(), height = rows.get(0).getHeight();
    if ((long) height * rows.size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("output image is too large");
    }
    int type = rows.get(0).getType();
    channels(rows.get(0));
    BufferedImage out = new BufferedImage(width, height * rows.size(), type);
    for (int i = 0; i < rows.size(); i++) {
      BufferedImage row = rows.get(i);
      if (row.getType() != type) {
        throw new IllegalArgumentException(
            "rows must be 8-bit images of one type ("
                + type
                + "), got type "
                + row.getType()
                + " at row "
                + i);
      }
      if (row.getWidth() != width || row.getHeight() != height) {
        throw new IllegalArgumentException(
            String.format(
                "rows must be of one size: %dx%d, got %dx%d at row %d",
                width, height, row.getWidth(), row.getHeight(), i));
      }
      // Raster to raster: the bytes stay exact (no colour conversion).
      out.getRaster().setRect(0, i * height, row.getRaster());
    }
    return out;
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
