package dev.cgan.data;

import dev.cgan.NotEnoughMemoryException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a folder of image files, one subfolder per class, into a {@link LabeledImages}: the
 * library's counterpart of torchvision's {@code datasets.ImageFolder} and Keras's {@code
 * image_dataset_from_directory}, with the same class order and sample order.
 *
 * <pre>{@code
 * DIR/cat/0001.png          label 0, class "cat"
 * DIR/cat/more/0002.jpg     label 0 (any depth)
 * DIR/dog/a.gif             label 1, class "dog"
 * DIR/.thumbs/x.png         ignored (hidden)
 * }</pre>
 *
 * <p>Decoding uses {@code javax.imageio}, which reads PNG (1 to 16 bits, grey, RGB, palette, with
 * alpha), JPEG (grey, RGB), BMP and GIF (its first frame) with no dependency. TwelveMonkeys'
 * plugins would add CMYK JPEG, WebP and TIFF, but also half a dozen jars to every user of
 * cgan-core, for files that are rare in training sets; those files are refused by name instead (a
 * CMYK JPEG says so), and the converted file is one {@code convert} away.
 *
 * <p>Loading: list the folder ({@link #scan}), look for a cached decoded set ({@link
 * ImageFolderOptions#cacheDir()}), else read every header (sizes, colour, the pixel limit), check
 * that the decoded set fits the heap, decode on all cores into one array in listing order, and
 * cache the result. Nothing is ever written into the image folder.
 *
 * <p>Bad files (empty, unreadable, not an image, corrupt, too large, a symbolic link loop) stop the
 * load with an {@link InvalidDataException} naming the first and counting the others, after all
 * were tried, so that one run of the loader names every file to fix; with {@link
 * ImageFolderOptions#skipBadImages()} they are left out and listed in {@link Result#skipped()}.
 */
public final class ImageFolderReader {
  private ImageFolderReader() {}

  /**
   * A loaded folder.
   *
   * @param images the images in listing order, bad files left out, with the class names
   * @param listing the folder's files as found (bad ones included): its {@link
   *     FolderListing#fingerprint()} identifies the data a run was trained on
   * @param skipped the left-out files, {@code "<relative path>: <problem>"}, in listing order
   * @param fromCache whether the images came from the cache
   * @param notes what a user may want to know that did not stop the load, one line each (a damaged
   *     cache file replaced, a cache that could not be written)
   */
  public record Result(
      LabeledImages images,
      FolderListing listing,
      List<String> skipped,
      boolean fromCache,
      List<String> notes) {
    public Result {
      skipped = List.copyOf(skipped);
      notes = List.copyOf(notes);
    }
  }

  /** Test hook: the free heap to assume, or -1 for this JVM's. */
  static volatile long freeHeapOverride = -1;

  /**
   * Lists the folder without decoding anything: the class names and each image file's path, size
   * and modification time.
   *
   * @throws java.nio.file.NoSuchFileException if {@code dir} is not a folder
   * @throws InvalidDataException naming the folder when it has no images, one class only, or a
   *     class folder with no image files
   */
  public static FolderListing scan(Path dir) throws IOException {
    return FolderScanner.scan(dir);
  }

  /**
   * Reads the folder as {@code options} say, reporting the decoding to {@code progress}.
   *
   * @throws InvalidDataException naming a bad file and how many others are bad, or the folder when
   *     its structure is wrong, or the first image whose size differs when {@code size} is 0
   * @throws NotEnoughMemoryException when the decoded set would not fit the heap; nothing is
   *     decoded
   * @throws IOException when the folder cannot be listed
   */
  public static Result read(Path dir, ImageFolderOptions options, DecodeProgress progress)
      throws IOException {
    FolderListing listing = scan(dir);
    List<String> notes = new ArrayList<>();
    Path cache =
        options.cacheDir() == null ? null : ImageCache.file(options.cacheDir(), listing, options);
    if (cache != null) {
      try {
        ImageCache.Entry hit = ImageCache.read(cache);
        if (hit != null) {
          return new Result(hit.images(), listing, hit.skipped(), true, notes);
        }
      } catch (IOException e) {
        notes.add(
            "the cache file "
                + cache
                + " could not be read ("
                + e.getMessage()
                + "); decoded again");
      }
    }
    Decoded d = decode(listing, options, progress);
    if (cache != null) {
      try {
        ImageCache.write(cache, listing, new ImageCache.Entry(d.images, d.skipped));
      } catch (IOException e) {
        notes.add("the decoded images could not be cached in " + cache + ": " + e);
      }
    }
    return new Result(d.images, listing, d.skipped, false, notes);
  }

  /**
   * The size {@link #read} will produce, from the listing and the headers (or the cache), before
   * anything is decoded: for a memory check ahead of loading. With automatic channels and any image
   * of a colour type this says 3, the most the set can need.
   */
  static DataSource.DataShape shape(Path dir, ImageFolderOptions options) throws IOException {
    FolderListing listing = scan(dir);
    if (options.cacheDir() != null) {
      ImageCache.Entry hit = null;
      try {
        hit = ImageCache.read(ImageCache.file(options.cacheDir(), listing, options));
      } catch (IOException e) {
        // A damaged cache is decoded again by read(); size it as if there were none.
      }
      if (hit != null) {
        LabeledImages d = hit.images();
        return new DataSource.DataShape(
            listing.dir().toString(), d.count(), d.height(), d.width(), d.channels(), 1);
      }
    }
    Headers h = Headers.read(listing, options);
    ImagePlan plan = h.plan(options);
    return new DataSource.DataShape(
        listing.dir().toString(), listing.count(), plan.height, plan.width, plan.channels, 1);
  }

  private record Decoded(LabeledImages images, List<String> skipped) {}

  private static Decoded decode(
      FolderListing listing, ImageFolderOptions options, DecodeProgress progress)
      throws IOException {
    Headers headers = Headers.read(listing, options);
    ImagePlan plan = headers.plan(options);
    int n = listing.count();
    checkMemory(listing, plan, headers, options);
    int each = plan.imageBytes();
    byte[] pixels = new byte[Math.multiplyExact(n, each)];
    boolean[] colour = new boolean[n];
    String[] problems =
        ParallelWork.run(
            n,
            headers.threads,
            i -> {
              if (headers.problems[i] != null) {
                throw new ImageDecoder.BadImage(headers.problems[i]);
              }
              colour[i] = plan.decodeInto(headers.files[i], pixels, i * each);
            },
            progress);
    List<String> bad = new ArrayList<>();
    int[] keep = new int[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      if (problems[i] != null) {
        bad.add(listing.entries().get(i).path() + ": " + problems[i]);
      } else {
        keep[kept++] = i;
      }
    }
    bad.addAll(listing.problems());
    if (!bad.isEmpty() && !options.skipBadImages()) {
      throw badFiles(listing, bad);
    }
    int[] labels = new int[kept];
    boolean anyColour = false;
    for (int k = 0; k < kept; k++) {
      int i = keep[k];
      labels[k] = listing.entries().get(i).label();
      anyColour |= colour[i];
      if (k != i) {
        System.arraycopy(pixels, i * each, pixels, k * each, each);
      }
    }
    requireEveryClass(listing, labels, bad);
    int channels = plan.channels;
    if (options.channels() == 0 && channels == 3 && !anyColour) {
      // Colour files with grey pixels only: keep one of the three equal channels.
      for (int p = 0; p < kept * each / 3; p++) {
        pixels[p] = pixels[3 * p];
      }
      channels = 1;
    }
    int length = kept * plan.height * plan.width * channels;
    byte[] exact = length == pixels.length ? pixels : Arrays.copyOf(pixels, length);
    LabeledImages images =
        LabeledImages.owning(
            exact, labels, plan.height, plan.width, channels, listing.classNames());
    return new Decoded(images, bad);
  }

  private static InvalidDataException badFiles(FolderListing listing, List<String> bad) {
    String first = bad.get(0);
    int colon = first.indexOf(": ");
    String path = listing.dir().resolve(first.substring(0, colon)).toString();
    int others = bad.size() - 1;
    return new InvalidDataException(
        path,
        first.substring(colon + 2)
            + "; "
            + (others == 0
                ? "no other file is bad"
                : others + " other file" + (others == 1 ? " is" : "s are") + " bad")
            + " (skip bad images to train on the rest)");
  }

  private static void requireEveryClass(FolderListing listing, int[] labels, List<String> bad)
      throws InvalidDataException {
    int[] counts = new int[listing.classNames().size()];
    for (int label : labels) {
      counts[label]++;
    }
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] == 0) {
        String name = listing.classNames().get(c);
        throw new InvalidDataException(
            listing.dir().resolve(name).toString(),
            "class folder '"
                + name
                + "' has no good images once the bad are skipped ("
                + bad.size()
                + " bad in all, first: "
                + bad.get(0)
                + ")");
      }
    }
  }

  private static void checkMemory(
      FolderListing listing, ImagePlan plan, Headers headers, ImageFolderOptions options)
      throws NotEnoughMemoryException {
    long n = listing.count();
    long data = n * plan.imageBytes();
    // Automatic channels on colour files that turn out grey: the grey copy beside the colour one.
    long shrink = options.channels() == 0 && plan.channels == 3 ? data / 3 : 0;
    // Each thread holds one decoded image (up to 4 bytes a pixel) and its resized rows as floats.
    long working =
        headers.threads
            * (4 * headers.maxPixels + 4L * headers.maxHeight * plan.width * plan.channels * 2);
    long need = data + shrink + working + 8 * n;
    String what = n + " images of " + plan.height + "x" + plan.width + "x" + plan.channels;
    if (data > Integer.MAX_VALUE - 8) {
      throw new NotEnoughMemoryException(
          listing.dir()
              + ": "
              + what
              + " are "
              + (data >> 20)
              + " MiB, more than one Java array holds (2 GiB); choose a smaller size, or grey",
          data,
          Integer.MAX_VALUE - 8);
    }
    long free = freeHeap(need);
    if (need > free) {
      throw new NotEnoughMemoryException(
          String.format(
              Locale.ROOT,
              "%s: %s need about %,d MiB of Java heap to decode (%,d MiB of pixels, %,d MiB for"
                  + " %d decoding threads), and this JVM has %,d MiB free of its %,d MiB maximum;"
                  + " raise it with -Xmx, or choose a smaller size or grey",
              listing.dir(),
              what,
              need >> 20,
              data >> 20,
              working >> 20,
              headers.threads,
              free >> 20,
              Runtime.getRuntime().maxMemory() >> 20),
          need,
          free);
    }
  }

  private static long freeHeap(long need) {
    if (freeHeapOverride >= 0) {
      return freeHeapOverride;
    }
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (need > free) {
      // Garbage counts as used until collected; only what stays is a reason to refuse.
      System.gc();
      free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }
    return free;
  }

  /** The headers of every file, read in parallel: sizes, colour types, the bad ones. */
  private static final class Headers {
    final Path[] files;
    final ImageDecoder.Header[] headers;
    final String[] problems;
    final int threads;
    long maxPixels;
    int maxHeight;

    private Headers(FolderListing listing, int threads) {
      int n = listing.count();
      this.files = new Path[n];
      for (int i = 0; i < n; i++) {
        files[i] = listing.dir().resolve(listing.entries().get(i).path());
      }
      this.headers = new ImageDecoder.Header[n];
      this.problems = new String[n];
      this.threads = threads;
    }

    static Headers read(FolderListing listing, ImageFolderOptions options) throws IOException {
      int threads =
          options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
      Headers h = new Headers(listing, threads);
      String[] bad =
          ParallelWork.run(
              h.files.length,
              threads,
              i ->
                  h.headers[i] = ImageDecoder.readHeader(h.files[i], ImageFolderOptions.MAX_PIXELS),
              DecodeProgress.NONE);
      System.arraycopy(bad, 0, h.problems, 0, bad.length);
      for (ImageDecoder.Header header : h.headers) {
        if (header != null) {
          h.maxPixels = Math.max(h.maxPixels, (long) header.width() * header.height());
          h.maxHeight = Math.max(h.maxHeight, header.height());
        }
      }
      return h;
    }

    /** The output's shape: the options' size, or the images' one size; the channels. */
    ImagePlan plan(ImageFolderOptions options) throws InvalidDataException {
      int first = -1;
      boolean colourType = false;
      for (int i = 0; i < headers.length; i++) {
        if (headers[i] == null) {
          continue;
        }
        colourType |= headers[i].colourType();
        if (first < 0) {
          first = i;
        } else if (options.size() == 0
            && (headers[i].width() != headers[first].width()
                || headers[i].height() != headers[first].height())) {
          throw new InvalidDataException(
              files[i].toString(),
              "is "
                  + headers[i].width()
                  + "x"
                  + headers[i].height()
                  + " but "
                  + files[first]
                  + " is "
                  + headers[first].width()
                  + "x"
                  + headers[first].height()
                  + "; images of different sizes need an output size (img-size) to be resized to");
        }
      }
      int w = first < 0 ? 1 : headers[first].width(), h = first < 0 ? 1 : headers[first].height();
      int channels = options.channels() != 0 ? options.channels() : colourType ? 3 : 1;
      return new ImagePlan(options.size(), w, h, channels, options.resize(), options.background());
    }
  }

  /**
   * Refuses a folder whose class folders are not the {@code numClasses} asked for (0: any).
   *
   * @throws InvalidDataException naming the folder, its classes and the count asked for
   */
  public static void requireClasses(Path dir, LabeledImages data, int numClasses)
      throws InvalidDataException {
    if (numClasses > 0 && numClasses != data.numClasses()) {
      throw new InvalidDataException(
          dir.toString(),
          "has "
              + data.numClasses()
              + " class folders "
              + data.classNames()
              + ", but "
              + numClasses
              + " classes were asked for");
    }
  }
}
