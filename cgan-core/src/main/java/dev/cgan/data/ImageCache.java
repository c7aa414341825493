package dev.cgan.data;

import dev.cgan.internal.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decoded set of an image folder on disk, so that a second load of the same folder with the
 * same options reads one file instead of decoding thousands.
 *
 * <p>The file's name is the SHA-256 of what decides its content: the folder's path, every image
 * file's relative path, size and modification time (the listing's fingerprint), the options of
 * {@link ImageFolderOptions#key()} and the pixel limit. A changed file or option names another
 * cache file, so a stale one is never read. The file holds the listing, the shape, labels, class
 * names, the skipped files and the uint8 pixels, then the SHA-256 of all of that, checked on every
 * load; it is written atomically ({@link AtomicFiles}), so a killed writer leaves none.
 */
final class ImageCache {
  private static final String MAGIC = "cgan-image-folder-cache 1";
  private static final int DIGEST_BYTES = 32;

  /** What a cache file holds. */
  record Entry(LabeledImages images, List<String> skipped) {}

  private ImageCache() {}

  static Path file(Path cacheDir, FolderListing listing, ImageFolderOptions options) {
    String what =
        MAGIC
            + "\n"
            + listing.dir()
            + "\n"
            + listing.fingerprint()
            + "\n"
            + options.key()
            + "\n"
            + ImageFolderOptions.MAX_PIXELS;
    return cacheDir.resolve(Sha256.of(what.getBytes(StandardCharsets.UTF_8)) + ".cache");
  }

  static void write(Path file, FolderListing listing, Entry entry) throws IOException {
    Files.createDirectories(file.getParent());
    LabeledImages d = entry.images();
    AtomicFiles.write(
        file,
        raw -> {
          DigestOutputStream digesting = new DigestOutputStream(raw, Sha256.newDigest());
          DataOutputStream out = new DataOutputStream(digesting);
          out.writeUTF(MAGIC);
          listing.writeTo(out);
          out.writeInt(d.count());
          out.writeInt(d.height());
          out.writeInt(d.width());
          out.writeInt(d.channels());
          writeStrings(out, d.classNames());
          writeStrings(out, entry.skipped());
          for (int label : d.labels()) {
            out.writeInt(label);
          }
          out.write(d.pixels());
          out.flush();
          raw.write(digesting.getMessageDigest().digest());
        });
  }

  /**
   * The cached set, or null when the file is missing.
   *
   * @throws InvalidDataException when the file is damaged: its digest or its structure is wrong
   */
  static Entry read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    long length = Files.size(file);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      MessageDigest digest = Sha256.newDigest();
      DataInputStream in = new DataInputStream(new DigestInputStream(raw, digest));
      if (!in.readUTF().equals(MAGIC)) {
        throw new InvalidDataException(file.toString(), "not an image folder cache file");
      }
      FolderListing.readFrom(in, file.toString());
      int n = in.readInt(), h = in.readInt(), w = in.readInt(), c = in.readInt();
      long pixels = (long) n * h * w * c;
      if (n < 0 || h <= 0 || w <= 0 || (c != 1 && c != 3) || pixels + 4L * n > length) {
        throw new InvalidDataException(
            file.toString(), "shape " + n + "x" + h + "x" + w + "x" + c + " does not fit the file");
      }
      List<String> names = readStrings(in);
      List<String> skipped = readStrings(in);
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = in.readInt();
        if (labels[i] < 0 || labels[i] >= names.size()) {
          throw new InvalidDataException(file.toString(), "label " + labels[i] + " out of range");
        }
      }
      byte[] bytes = new byte[(int) pixels];
      in.readFully(bytes);
      byte[] expected = digest.digest();
      byte[] found = raw.readNBytes(DIGEST_BYTES + 1);
      if (!Arrays.equals(expected, found)) {
        throw new InvalidDataException(
            file.toString(), "SHA-256 of the content does not match the one stored after it");
      }
      return new Entry(LabeledImages.owning(bytes, labels, h, w, c, names), skipped);
    } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
      throw new InvalidDataException(file.toString(), "truncated or malformed: " + e, e);
    }
  }

  private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      out.writeUTF(s);
    }
  }

  private static List<String> readStrings(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 1 << 24) {
      throw new java.io.UTFDataFormatException("a list of " + n + " strings");
    }
    List<String> s = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      s.add(in.readUTF());
    }
    return List.copyOf(s);
  }
}
