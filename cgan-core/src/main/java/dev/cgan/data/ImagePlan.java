package dev.cgan.data;

import dev.cgan.data.ImageFolderOptions.Resize;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * What becomes of each decoded image: the output's height, width and channels, the rule that makes
 * a non-square image square, and the background. One plan serves every image of a folder and every
 * thread (it holds no per-image state).
 */
final class ImagePlan {
  final int height, width, channels;
  private final int size; // 0: keep each image's own size (all equal, checked before)
  private final Resize resize;
  private final float[] background; // r, g, b in [0, 255]

  /**
   * @param size N, or 0 to keep the images' own size {@code width} × {@code height}
   * @param channels 1 or 3
   */
  ImagePlan(int size, int width, int height, int channels, Resize resize, int backgroundRgb) {
    this.size = size;
    this.width = size > 0 ? size : width;
    this.height = size > 0 ? size : height;
    this.channels = channels;
    this.resize = resize;
    this.background =
        new float[] {
          (backgroundRgb >> 16) & 0xFF, (backgroundRgb >> 8) & 0xFF, backgroundRgb & 0xFF
        };
  }

  /** Bytes of one output image. */
  int imageBytes() {
    return height * width * channels;
  }

  /**
   * Where an image of w × h goes: the source region (x, y, w, h) and the output rectangle inside
   * the height × width canvas (x, y, w, h).
   */
  record Geometry(int sx, int sy, int sw, int sh, int ox, int oy, int ow, int oh) {}

  Geometry geometry(int w, int h) {
    if (size == 0 || resize == Resize.STRETCH || w == h) {
      return new Geometry(0, 0, w, h, 0, 0, width, height);
    }
    if (resize == Resize.CROP) {
      int side = Math.min(w, h);
      return new Geometry((w - side) / 2, (h - side) / 2, side, side, 0, 0, size, size);
    }
    // PAD: the longer side becomes N, the shorter keeps the ratio (at least one pixel).
    int ow = w >= h ? size : Math.max(1, (int) Math.round((double) w * size / h));
    int oh = h >= w ? size : Math.max(1, (int) Math.round((double) h * size / w));
    return new Geometry(0, 0, w, h, (size - ow) / 2, (size - oh) / 2, ow, oh);
  }

  /**
   * Decodes {@code file} into {@code out} at {@code offset}: {@link #imageBytes()} bytes, rows of
   * width × C, rounded half up.
   *
   * @return whether the image has a pixel with colour (after compositing)
   */
  boolean decodeInto(Path file, byte[] out, int offset) throws ImageDecoder.BadImage {
    BufferedImage img = ImageDecoder.read(file);
    return render(img, out, offset);
  }

  /** {@link #decodeInto} of an image already decoded. */
  boolean render(BufferedImage img, byte[] out, int offset) throws ImageDecoder.BadImage {
    if (size == 0 && (img.getWidth() != width || img.getHeight() != height)) {
      throw new ImageDecoder.BadImage(
          "is "
              + img.getWidth()
              + "x"
              + img.getHeight()
              + " where its header said "
              + width
              + "x"
              + height);
    }
    Geometry g = geometry(img.getWidth(), img.getHeight());
    Resampler resampler = new Resampler(g.sw(), g.sh(), g.ow(), g.oh(), channels);
    boolean colour = false;
    for (int y = 0; y < g.sh(); y++) {
      float[] row = new float[g.sw() * channels];
      colour |= ImageDecoder.row(img, g.sy() + y, g.sx(), g.sw(), channels, background, row);
      resampler.addRow(row);
    }
    float[] pixels = resampler.result();
    fillBackground(out, offset, g);
    for (int y = 0; y < g.oh(); y++) {
      int to = offset + ((g.oy() + y) * width + g.ox()) * channels;
      int from = y * g.ow() * channels;
      for (int k = 0; k < g.ow() * channels; k++) {
        out[to + k] = Resampler.toByte(pixels[from + k]);
      }
    }
    return colour;
  }

  private void fillBackground(byte[] out, int offset, Geometry g) {
    if (g.ow() == width && g.oh() == height) {
      return;
    }
    float[] fill =
        channels == 1
            ? new float[] {
              background[0] == background[1] && background[1] == background[2]
                  ? background[0]
                  : ImageDecoder.luma(background[0], background[1], background[2])
            }
            : background;
    for (int i = 0; i < width * height * channels; i++) {
      out[offset + i] = Resampler.toByte(fill[i % channels]);
    }
  }
}
