package dev.cgan.train;

import dev.cgan.TensorArrays;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * TensorFlow checkpoints of a run, {@code ckpt-<iteration>.index} and {@code
 * ckpt-<iteration>.data-00000-of-00001}, published the way {@code tf.train} does: the files are
 * written under a temporary prefix, renamed, and only then named in the small {@code checkpoint}
 * index file, itself replaced by an atomic rename. The index is the truth: a process killed at any
 * moment, or a save that fails (a full disk), leaves the index naming only complete checkpoints,
 * and {@link #cleanUp} removes whatever a killed save left behind.
 */
public final class Checkpoints {
  private static final String INDEX = "checkpoint";
  private static final Pattern ENTRY = Pattern.compile("^ckpt-(\\d+)$");
  private static final Pattern FILE = Pattern.compile("^(ckpt-\\d+)\\.(index|data-\\d+-of-\\d+)$");
  private static final String DATA_SUFFIX = ".data-00000-of-00001";

  /**
   * Writes every variable of a graph under a prefix: {@code <prefix>.index} and {@code
   * <prefix>.data-00000-of-00001}, as {@link Session#save} does. Tests substitute one that fails
   * halfway, as a full disk does.
   */
  @FunctionalInterface
  public interface Writer {
    void save(String prefix) throws IOException;
  }

  private final Path dir;
  private final int keep;

  /**
   * @param dir folder holding the checkpoints (created on first save)
   * @param keep how many of the newest checkpoints to keep (at least 1)
   */
  public Checkpoints(Path dir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
    }
    this.dir = dir;
    this.keep = keep;
  }

  /**
   * Saves every variable of {@code session}'s graph as the checkpoint of {@code iteration}.
   *
   * @throws IOException when the files cannot be written; the index and the earlier checkpoints are
   *     then unchanged and no partial file is left
   */
  public Path save(Session session, long iteration) throws IOException {
    return save(
        prefix -> {
          try {
            session.save(prefix);
          } catch (RuntimeException e) {
            // TensorFlow's errors are TensorFlowExceptions or, for some codes,
            // IllegalArgumentException
            // and UnsupportedOperationException; the first line of the message has the errno.
            throw new IOException(TensorArrays.firstLine(e.getMessage()), e);
          }
        },
        iteration);
  }

  /** {@link #save(Session, long)} with the files written by {@code writer}. */
  public Path save(Writer writer, long iteration) throws IOException {
    Files.createDirectories(dir);
    String name = "ckpt-" + iteration;
    String tmp = name + ".tmp" + ProcessHandle.current().pid();
    List<String> before = list();
    List<String> kept;
    try {
      writer.save(dir.resolve(tmp).toString());
      // The data file first: an index file never names missing data.
      move(dir.resolve(tmp + DATA_SUFFIX), dir.resolve(name + DATA_SUFFIX));
      move(dir.resolve(tmp + ".index"), dir.resolve(name + ".index"));
      List<String> names = new ArrayList<>(before);
      names.remove(name);
      names.add(name);
      kept = List.copyOf(names.subList(Math.max(0, names.size() - keep), names.size()));
      writeIndex(kept);
    } catch (IOException | RuntimeException e) {
      deleteStartingWith(tmp);
      deleteStartingWith(INDEX + ".tmp");
      if (!before.contains(name)) {
        // Renamed but never published: nothing names these files.
        deleteStartingWith(name + ".");
      }
      if (e instanceof RuntimeException bug) {
        throw bug;
      }
      String previous =
          before.isEmpty()
              ? "there is no earlier checkpoint"
              : "the previous checkpoint " + before.get(before.size() - 1) + " is intact";
      throw new IOException(
          "cannot save checkpoint " + name + " in " + dir + ": " + reason(e) + "; " + previous, e);
    }
    for (String old : before) {
      if (!kept.contains(old)) {
        // The new index no longer names it; a failure here leaves garbage for cleanUp, not damage.
        deleteQuietly(dir.resolve(old + ".index"));
        deleteQuietly(dir.resolve(old + DATA_SUFFIX));
      }
    }
    return dir.resolve(name);
  }

  /** The prefix of the newest complete checkpoint, if any. */
  public Optional<Path> latest() throws IOException {
    List<String> names = list();
    for (int i = names.size() - 1; i >= 0; i--) {
      Path prefix = dir.resolve(names.get(i));
      if (Files.isRegularFile(Path.of(prefix + ".index"))
          && Files.isRegularFile(Path.of(prefix + DATA_SUFFIX))) {
        return Optional.of(prefix);
      }
    }
    return Optional.empty();
  }

  /** The iteration a checkpoint prefix was saved at. */
  public static long iterationOf(Path prefix) {
    Matcher m = ENTRY.matcher(prefix.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a checkpoint name: " + prefix.getFileName());
    }
    return Long.parseLong(m.group(1));
  }

  /** Names listed in the index file, oldest first; empty if there is no index yet. */
  public List<String> list() throws IOException {
    Path index = dir.resolve(INDEX);
    List<String> names = new ArrayList<>();
    try (Stream<String> lines = Files.lines(index, StandardCharsets.UTF_8)) {
      lines
          .map(l -> l.replaceAll("^all_model_checkpoint_paths: \"(.*)\"$", "$1"))
          .filter(l -> ENTRY.matcher(l).matches())
          .forEach(names::add);
    } catch (NoSuchFileException e) {
      return names;
    }
    return names;
  }

  /**
   * Removes what a killed save may have left behind: temporary files, and checkpoint files the
   * index does not name (renamed just before the kill, or pruned just after the index moved on).
   * Without an index nothing was ever published, and only temporary files are removed.
   */
  public void cleanUp() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    boolean indexed = Files.isRegularFile(dir.resolve(INDEX));
    Set<String> named = new HashSet<>(list());
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        Matcher m = FILE.matcher(n);
        if (n.contains(".tmp") || (indexed && m.matches() && !named.contains(m.group(1)))) {
          deleteRecursively(f);
        }
      }
    }
  }

  private void writeIndex(List<String> names) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append("model_checkpoint_path: \"").append(names.get(names.size() - 1)).append("\"\n");
    for (String n : names) {
      text.append("all_model_checkpoint_paths: \"").append(n).append("\"\n");
    }
    Path tmp = dir.resolve(INDEX + ".tmp" + ProcessHandle.current().pid());
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    move(tmp, dir.resolve(INDEX));
  }

  /** Deletes every file or folder of {@link #dir} whose name starts with {@code prefix}. */
  private void deleteStartingWith(String prefix) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith(prefix)) {
          deleteRecursively(f);
        }
      }
    } catch (IOException e) {
      // Best effort while reporting another failure; cleanUp retries on the next start.
    }
  }

  private static String reason(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : TensorArrays.firstLine(m);
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Left for cleanUp.
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (Stream<Path> children = Files.list(p)) {
        for (Path c : (Iterable<Path>) children::iterator) {
          deleteRecursively(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
