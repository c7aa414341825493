package dev.cgan.data;

import dev.cgan.internal.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The image files of an image folder as found on disk, in label order: the class names (the
 * subfolders, sorted as torchvision's {@code ImageFolder} and Keras sort them) and, per file, its
 * path relative to the folder, its label, size and modification time. Nothing is decoded to make
 * one ({@link ImageFolderReader#scan}), so it is cheap enough to check on every resume: {@link
 * #fingerprint()} goes into a run's configuration, and {@link #changesSince} names what changed.
 *
 * @param dir the folder, absolute
 * @param classNames the class names, index = label
 * @param entries the files, sorted by label, then the folder they are in, then file name (each
 *     compared by Unicode code point, as Python's {@code sorted} compares {@code os.walk}'s roots
 *     and names), so their index is their sample index in torchvision's {@code ImageFolder}
 * @param problems what could not be listed, one {@code "<relative path>: <problem>"} each (a
 *     symbolic link loop, an unreadable folder); empty for a clean folder
 */
public record FolderListing(
    Path dir, List<String> classNames, List<Entry> entries, List<String> problems) {

  /**
   * One image file.
   *
   * @param path relative to the folder, {@code '/'}-separated, starting with the class name
   * @param label the index of its class
   * @param size bytes
   * @param modifiedMillis the modification time, milliseconds since the epoch
   */
  public record Entry(String path, int label, long size, long modifiedMillis) {}

  /**
   * A short identity of a folder's contents, as a run stores it.
   *
   * @param count the number of image files
   * @param sha256 hex SHA-256 of each file's relative path, size and modification time in order
   */
  public record Fingerprint(int count, String sha256) {
    /** {@code "<count>:<sha256>"}; {@link #parse} reads it back. */
    @Override
    public String toString() {
      return count + ":" + sha256;
    }

    /** The fingerprint {@link #toString()} wrote. */
    public static Fingerprint parse(String s) {
      int colon = s.indexOf(':');
      if (colon < 1 || !s.substring(colon + 1).matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("not a folder fingerprint: " + s);
      }
      return new Fingerprint(Integer.parseInt(s.substring(0, colon)), s.substring(colon + 1));
    }
  }

  /**
   * How a folder's files differ from an earlier listing: by relative path, a file is added,
   * removed, or modified (same path, other size or modification time).
   *
   * @param example one changed path with what happened to it, e.g. {@code "added cat/x.png"}, or
   *     empty when nothing changed
   */
  public record Changes(int added, int removed, int modified, String example) {
    /** Whether nothing changed. */
    public boolean isEmpty() {
      return added == 0 && removed == 0 && modified == 0;
    }

    /** One line, e.g. {@code "2 added, 0 removed, 1 modified (e.g. added cat/x.png)"}. */
    @Override
    public String toString() {
      return isEmpty()
          ? "no changes"
          : added
              + " added, "
              + removed
              + " removed, "
              + modified
              + " modified (e.g. "
              + example
              + ")";
    }
  }

  public FolderListing {
    dir = dir.toAbsolutePath().normalize();
    classNames = List.copyOf(classNames);
    entries = List.copyOf(entries);
    problems = List.copyOf(problems);
  }

  /** The number of image files. */
  public int count() {
    return entries.size();
  }

  /** The fingerprint of the file list: count and digest of paths, sizes and times. */
  public Fingerprint fingerprint() {
    MessageDigest digest = Sha256.newDigest();
    for (Entry e : entries) {
      String line = e.path() + "\t" + e.size() + "\t" + e.modifiedMillis() + "\n";
      digest.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return new Fingerprint(entries.size(), Sha256.hex(digest));
  }

  /** What changed from {@code before} to this listing; the example is the first in path order. */
  public Changes changesSince(FolderListing before) {
    Map<String, Entry> old = new HashMap<>();
    for (Entry e : before.entries()) {
      old.put(e.path(), e);
    }
    int added = 0, modified = 0;
    String firstAdded = null, firstModified = null;
    for (Entry e : entries) {
      Entry o = old.remove(e.path());
      if (o == null) {
        added++;
        firstAdded = first(firstAdded, e.path());
      } else if (o.size() != e.size() || o.modifiedMillis() != e.modifiedMillis()) {
        modified++;
        firstModified = first(firstModified, e.path());
      }
    }
    String firstRemoved = old.keySet().stream().reduce(null, FolderListing::first);
    String example =
        firstAdded != null
            ? "added " + firstAdded
            : firstRemoved != null
                ? "removed " + firstRemoved
                : firstModified != null ? "modified " + firstModified : "";
    return new Changes(added, old.size(), modified, example);
  }

  private static String first(String a, String b) {
    return a == null || FolderScanner.compareCodePoints(b, a) < 0 ? b : a;
  }

  /** Writes the listing to {@code file} atomically, e.g. into a run folder beside run.json. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, toBytes());
  }

  /** Reads a listing {@link #write} wrote. */
  public static FolderListing read(Path file) throws IOException {
    return fromBytes(Files.readAllBytes(file), file.toString());
  }

  private static final String MAGIC = "cgan-image-folder-listing 1";

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return bytes.toByteArray();
  }

  void writeTo(DataOutputStream out) throws IOException {
    out.writeUTF(MAGIC);
    out.writeUTF(dir.toString());
    writeStrings(out, classNames);
    writeStrings(out, problems);
    out.writeInt(entries.size());
    for (Entry e : entries) {
      out.writeUTF(e.path());
      out.writeInt(e.label());
      out.writeLong(e.size());
      out.writeLong(e.modifiedMillis());
    }
  }

  static FolderListing fromBytes(byte[] bytes, String source) throws InvalidDataException {
    try {
      return readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), source);
    } catch (IOException | RuntimeException e) {
      throw new InvalidDataException(source, "not a readable folder listing: " + e, e);
    }
  }

  static FolderListing readFrom(DataInputStream in, String source) throws IOException {
    if (!in.readUTF().equals(MAGIC)) {
      throw new InvalidDataException(source, "not a folder listing (expected " + MAGIC + ")");
    }
    Path dir = Path.of(in.readUTF());
    List<String> names = readStrings(in);
    List<String> problems = readStrings(in);
    int n = in.readInt();
    Entry[] entries = new Entry[n];
    for (int i = 0; i < n; i++) {
      entries[i] = new Entry(in.readUTF(), in.readInt(), in.readLong(), in.readLong());
    }
    return new FolderListing(dir, names, List.of(entries), problems);
  }

  private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String s : strings) {
      out.writeUTF(s);
    }
  }

  private static List<String> readStrings(DataInputStream in) throws IOException {
    String[] s = new String[in.readInt()];
    for (int i = 0; i < s.length; i++) {
      s[i] = in.readUTF();
    }
    return List.of(s);
  }
}
