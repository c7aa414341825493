package dev.cgan.data;

import dev.cgan.InvalidSettingException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How {@link ImageFolderReader} turns a folder of image files into a {@link LabeledImages}.
 *
 * <pre>{@code
 * ImageFolderOptions.defaults().withSize(64).withChannels(3).withResize(Resize.PAD)
 * }</pre>
 *
 * @param size the side N of the square output images, or 0 (the default) to keep the images' own
 *     size, which must then be the same for every image (the network's input resize then enlarges
 *     them in its graph, as it does MNIST's 28×28)
 * @param channels 1 (grey), 3 (RGB), or 0 (the default, "auto"): 3 when any image has a pixel whose
 *     red, green and blue differ once composited on the background, else 1
 * @param resize how a non-square image becomes square (only with {@code size > 0})
 * @param skipBadImages false (the default): any bad file stops the load with an error naming it;
 *     true: the bad files are left out and listed in {@link ImageFolderReader.Result#skipped()}
 * @param background the colour, 0xRRGGBB, that transparent pixels are composited on and that {@link
 *     Resize#PAD} fills with; white (0xFFFFFF) by default, because an image with transparency is
 *     drawn on white by browsers and viewers, and black ink on a transparent ground would vanish on
 *     black. (torchvision's and Keras's loaders drop the alpha channel instead, keeping whatever
 *     colour the transparent pixels have in the file.)
 * @param cacheDir where decoded sets are cached, or null for no cache; by default {@code
 *     $CGAN_CACHE_DIR/image-folders} or {@code ~/.cache/cgan-java/image-folders}. Never the image
 *     folder itself: nothing is written there.
 * @param threads decoding threads, or 0 (the default) for one per available processor
 */
public record ImageFolderOptions(
    int size,
    int channels,
    Resize resize,
    boolean skipBadImages,
    int background,
    Path cacheDir,
    int threads) {

  /** How a non-square image is made square. */
  public enum Resize {
    /** The centred square of side min(w, h), then resized: nothing is distorted, edges are lost. */
    CROP,
    /**
     * Resized so that the longer side is N, then centred on a background-coloured square: nothing
     * is lost, the short side gets bars (each side's offset rounded down).
     */
    PAD,
    /** Each axis resized on its own to N: nothing is lost, shapes are distorted. */
    STRETCH;

    /**
     * {@code crop}, {@code pad} or {@code stretch}, in any case.
     *
     * @throws InvalidSettingException naming {@code resize}, for any other name
     */
    public static Resize of(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(
            "resize", "must be crop, pad or stretch, got '" + name + "'");
      }
    }
  }

  /**
   * The largest image, in pixels (width × height read from its header), that is decoded: 2²⁶, an
   * 8192 × 8192 image, 256 MiB as 32-bit pixels per decoding thread. Larger declared sizes are
   * refused before decoding, so a small file that declares 50,000 × 50,000 (a decompression bomb)
   * costs nothing.
   */
  public static final long MAX_PIXELS = 1L << 26;

  /** The largest {@link #size()}. */
  public static final int MAX_SIZE = 1024;

  public ImageFolderOptions {
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "size must be 0 (keep) or 1.." + MAX_SIZE + ", got " + size);
    }
    if (channels != 0 && channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1, 3 or 0 (auto), got " + channels);
    }
    if (resize == null) {
      throw new IllegalArgumentException("resize must be one of crop, pad, stretch");
    }
    if ((background & ~0xFFFFFF) != 0) {
      throw new IllegalArgumentException(
          "background must be 0xRRGGBB, got 0x" + Integer.toHexString(background));
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (all) or positive, got " + threads);
    }
    cacheDir = cacheDir == null ? null : cacheDir.toAbsolutePath().normalize();
  }

  /** Own size, auto channels, crop, no skipping, white background, the default cache, all cores. */
  public static ImageFolderOptions defaults() {
    return new ImageFolderOptions(0, 0, Resize.CROP, false, 0xFFFFFF, defaultCacheDir(), 0);
  }

  /** {@code $CGAN_CACHE_DIR/image-folders}, else {@code ~/.cache/cgan-java/image-folders}. */
  public static Path defaultCacheDir() {
    return MnistDownloader.defaultCacheDir().resolveSibling("image-folders");
  }

  public ImageFolderOptions withSize(int n) {
    return new ImageFolderOptions(
        n, channels, resize, skipBadImages, background, cacheDir, threads);
  }

  public ImageFolderOptions withChannels(int c) {
    return new ImageFolderOptions(size, c, resize, skipBadImages, background, cacheDir, threads);
  }

  /**
   * Channels by name: {@code 1} (grey), {@code 3} (RGB) or {@code auto}.
   *
   * @throws InvalidSettingException naming {@code channels}, for any other name
   */
  public ImageFolderOptions withChannels(String name) {
    return switch (name) {
      case "1", "3" -> withChannels(Integer.parseInt(name));
      case "auto" -> withChannels(0);
      default ->
          throw new InvalidSettingException("channels", "must be 1, 3 or auto, got '" + name + "'");
    };
  }

  public ImageFolderOptions withResize(Resize r) {
    return new ImageFolderOptions(size, channels, r, skipBadImages, background, cacheDir, threads);
  }

  public ImageFolderOptions withSkipBadImages(boolean skip) {
    return new ImageFolderOptions(size, channels, resize, skip, background, cacheDir, threads);
  }

  public ImageFolderOptions withBackground(int rgb) {
    return new ImageFolderOptions(size, channels, resize, skipBadImages, rgb, cacheDir, threads);
  }

  /**
   * The background as a colour in hex, {@code RRGGBB} or {@code #RRGGBB}.
   *
   * @throws InvalidSettingException naming {@code background}, for anything else
   */
  public ImageFolderOptions withBackground(String rrggbb) {
    String hex = rrggbb.startsWith("#") ? rrggbb.substring(1) : rrggbb;
    if (!hex.matches("[0-9a-fA-F]{6}")) {
      throw new InvalidSettingException(
          "background", "must be a colour RRGGBB in hex (e.g. ffffff), got '" + rrggbb + "'");
    }
    return withBackground(Integer.parseInt(hex, 16));
  }

  /**
   * @param dir the cache folder, or null for no cache
   */
  public ImageFolderOptions withCacheDir(Path dir) {
    return new ImageFolderOptions(size, channels, resize, skipBadImages, background, dir, threads);
  }

  public ImageFolderOptions withThreads(int n) {
    return new ImageFolderOptions(size, channels, resize, skipBadImages, background, cacheDir, n);
  }

  /**
   * The options that decide the decoded pixels, as one line: a cache key's part and a data source
   * id's query, e.g. {@code size=32&channels=auto&resize=crop&background=ffffff&skip-bad=false}.
   * The cache folder and the thread count change nothing in the result and are not in it.
   */
  public String key() {
    return "size="
        + size
        + "&channels="
        + (channels == 0 ? "auto" : Integer.toString(channels))
        + "&resize="
        + resize.name().toLowerCase(Locale.ROOT)
        + "&background="
        + String.format(Locale.ROOT, "%06x", background)
        + "&skip-bad="
        + skipBadImages;
  }

  /** The options a {@link #key()} names, with this record's cache folder and threads. */
  ImageFolderOptions withKey(String key) {
    ImageFolderOptions o = this;
    for (String part : key.split("&")) {
      String[] kv = part.split("=", 2);
      String v = kv.length == 2 ? kv[1] : "";
      switch (kv[0]) {
        case "size" -> o = o.withSize(Integer.parseInt(v));
        case "channels" -> o = o.withChannels(v.equals("auto") ? 0 : Integer.parseInt(v));
        case "resize" -> o = o.withResize(Resize.valueOf(v.toUpperCase(Locale.ROOT)));
        case "background" -> o = o.withBackground(Integer.parseInt(v, 16));
        case "skip-bad" -> o = o.withSkipBadImages(Boolean.parseBoolean(v));
        default -> throw new IllegalArgumentException("unknown image folder option: " + part);
      }
    }
    return o;
  }
}
