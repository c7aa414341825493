package dev.cgan.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads one image file with javax.imageio: its header (size, whether it can hold colour) without
 * decoding the pixels, then its pixels as float rows in [0, 255], alpha composited on the
 * background, grey or RGB as asked. Every way a file can fail becomes a {@link BadImage} with a
 * one-line reason; errors of the JVM (out of memory) pass through.
 */
final class ImageDecoder {
  private ImageDecoder() {}

  /** A file that cannot be used; the message is the problem, without the file's name. */
  static final class BadImage extends Exception {
    private static final long serialVersionUID = 1L;

    BadImage(String problem) {
      super(problem, null, false, false);
    }
  }

  /**
   * What a header says.
   *
   * @param colourType whether the pixels can have colour: an RGB type, or a palette with a colour
   *     entry; grey and grey palettes cannot
   */
  record Header(int width, int height, boolean colourType) {}

  /** An open file with the reader that recognised it. */
  private record Opened(ImageInputStream in, ImageReader reader) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      reader.dispose();
      in.close();
    }
  }

  static Header readHeader(Path file, long maxPixels) throws BadImage {
    try (Opened o = open(file)) {
      int w = o.reader.getWidth(0), h = o.reader.getHeight(0);
      if ((long) w * h > maxPixels || w <= 0 || h <= 0) {
        throw new BadImage(
            String.format(
                Locale.ROOT,
                "declares %,d x %,d = %,d pixels, more than the limit of %,d"
                    + " (a decompression bomb?); not decoded",
                w,
                h,
                (long) w * h,
                maxPixels));
      }
      return new Header(w, h, colourType(o.reader));
    } catch (IOException | RuntimeException e) {
      throw failure(file, e);
    }
  }

  static BufferedImage read(Path file) throws BadImage {
    try (Opened o = open(file)) {
      BufferedImage img = o.reader.read(0);
      if (img == null) {
        throw new BadImage("the decoder returned no image");
      }
      return img;
    } catch (IOException | RuntimeException e) {
      throw failure(file, e);
    }
  }

  private static Opened open(Path file) throws IOException, BadImage {
    if (Files.size(file) == 0) {
      throw new BadImage("empty file (0 bytes)");
    }
    ImageInputStream in = new FileImageInputStream(file.toFile());
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      in.close();
      throw new BadImage(
          "not an image javax.imageio can decode: its bytes are not PNG, JPEG, BMP or GIF,"
              + " whatever its extension says");
    }
    ImageReader reader = readers.next();
    // Forward only and no metadata: the pixels are all that is used, and less is parsed.
    reader.setInput(in, true, true);
    return new Opened(in, reader);
  }

  private static BadImage failure(Path file, Exception e) {
    if (e instanceof NoSuchFileException) {
      return new BadImage("cannot be read: no such file (a broken symbolic link?)");
    }
    if (e instanceof AccessDeniedException
        || (e instanceof FileNotFoundException
            && String.valueOf(e.getMessage()).contains("ermission"))) {
      return new BadImage("cannot be read: permission denied");
    }
    String message = String.valueOf(e.getMessage());
    if (e instanceof IIOException && message.contains("Unsupported Image Type")) {
      return new BadImage(
          "a CMYK or YCCK JPEG, which javax.imageio cannot decode; save it as RGB or grey");
    }
    if (e instanceof IIOException || e instanceof RuntimeException) {
      // Decoders throw IIOException for what they recognise as broken, runtime exceptions for
      // what they trip over; both mean corrupt or truncated data.
      return new BadImage(
          "corrupt or truncated image: " + e.getClass().getSimpleName() + ": " + message);
    }
    return new BadImage("cannot be read: " + e);
  }

  private static boolean colourType(ImageReader reader) throws IOException {
    ImageTypeSpecifier type = reader.getRawImageType(0);
    if (type == null) {
      Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
      if (!types.hasNext()) {
        return true; // unknown: assume colour, which only costs memory until the pixels are seen
      }
      type = types.next();
    }
    ColorModel cm = type.getColorModel();
    if (cm instanceof IndexColorModel icm) {
      for (int i = 0; i < icm.getMapSize(); i++) {
        if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) {
          return true;
        }
      }
      return false;
    }
    return cm.getNumColorComponents() >= 3;
  }

  /**
   * Row {@code y} of {@code img}, columns {@code x0} to {@code x0 + w}, as floats in [0, 255]: C =
   * 1 grey or C = 3 RGB interleaved into {@code out}, alpha composited on {@code background} (r, g,
   * b in [0, 255]). Grey from colour is ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B; a pixel
   * with R = G = B keeps that value exactly.
   *
   * @return whether a pixel of the row has colour (R, G, B not all equal) after compositing
   */
  static boolean row(
      BufferedImage img, int y, int x0, int w, int channels, float[] background, float[] out) {
    ColorModel cm = img.getColorModel();
    boolean direct =
        cm instanceof ComponentColorModel
            && !cm.isAlphaPremultiplied()
            && (cm.getColorSpace().isCS_sRGB()
                || cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY);
    int colours = direct ? cm.getNumColorComponents() : 3;
    int bands = direct ? cm.getNumComponents() : 4;
    int[] samples = new int[w * bands];
    float[] scale = new float[bands];
    if (direct) {
      // Raw samples: getRGB would pass grey through the linear-grey to sRGB conversion and change
      // every value; PNG's and JPEG's grey samples are meant as they are, as PIL reads them.
      Raster raster = img.getRaster();
      raster.getPixels(x0, y, w, 1, samples);
      for (int b = 0; b < bands; b++) {
        scale[b] = 255f / ((1 << cm.getComponentSize(b)) - 1);
      }
    } else {
      int[] argb = new int[w];
      img.getRGB(x0, y, w, 1, argb, 0, w);
      for (int x = 0; x < w; x++) {
        samples[4 * x] = (argb[x] >> 16) & 0xFF;
        samples[4 * x + 1] = (argb[x] >> 8) & 0xFF;
        samples[4 * x + 2] = argb[x] & 0xFF;
        samples[4 * x + 3] = argb[x] >>> 24;
      }
      java.util.Arrays.fill(scale, 1f);
    }
    boolean alpha = direct ? cm.hasAlpha() : true;
    boolean colour = false;
    for (int x = 0; x < w; x++) {
      int s = x * bands;
      float r = samples[s] * scale[0];
      float g = colours == 3 ? samples[s + 1] * scale[1] : r;
      float b = colours == 3 ? samples[s + 2] * scale[2] : r;
      float a = alpha ? samples[s + colours] * scale[colours] / 255f : 1f;
      if (a < 1f) {
        r = r * a + background[0] * (1f - a);
        g = g * a + background[1] * (1f - a);
        b = b * a + background[2] * (1f - a);
      }
      boolean grey = r == g && g == b;
      colour |= !grey;
      if (channels == 1) {
        out[x] = grey ? r : luma(r, g, b);
      } else {
        out[3 * x] = r;
        out[3 * x + 1] = g;
        out[3 * x + 2] = b;
      }
    }
    return colour;
  }

  /** ITU-R BT.601 luma of r, g, b in [0, 255]. */
  static float luma(float r, float g, float b) {
    return (float) (0.299 * r + 0.587 * g + 0.114 * b);
  }
}
