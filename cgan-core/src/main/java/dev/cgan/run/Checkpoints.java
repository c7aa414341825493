package dev.cgan.run;

import dev.cgan.internal.AtomicFiles;
import dev.cgan.internal.TensorArrays;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * TensorFlow checkpoints of a run, {@code ckpt-<iteration>.index} and {@code
 * ckpt-<iteration>.data-00000-of-00001}, published the way {@code tf.train} does: the files are
 * written under a temporary prefix, renamed, and only then named in the small {@code checkpoint}
 * index file, itself replaced by an atomic rename.
 *
 * <p>The index is a cache of what is on disk, not the only truth. {@link #restoreNewest} tries the
 * complete checkpoints on disk from the newest down, whatever the index says (it may be missing,
 * hand-written or name files that are gone), skips one that fails to restore (a CRC error, a
 * truncated file) with a warning, and leaves it on disk. A save rotates out every complete
 * checkpoint older than the ones it keeps, whether the index names it or not (a crash between
 * publishing and rotating leaves one that the index forgot); newer unnamed ones, skipped as
 * unreadable, stay.
 */
public final class Checkpoints {
  /** The index file's name, as {@code tf.train} calls it. */
  public static final String INDEX = "checkpoint";

  // An iteration as this project writes it: a long, without leading zeros. Other names that look
  // alike (ckpt-007, ckpt-99999999999999999999) are someone else's and are ignored.
  private static final String ITERATION = "(0|[1-9]\\d{0,17})";
  private static final Pattern ENTRY = Pattern.compile("^ckpt-" + ITERATION + "$");
  static final Pattern INDEX_FILE = Pattern.compile("^(ckpt-" + ITERATION + ")\\.index$");
  static final Pattern LOOKALIKE = Pattern.compile("^ckpt-\\d+\\.index$");
  private static final Pattern INDEX_LINE =
      Pattern.compile("^(?:all_)?model_checkpoint_paths?: \"(.*)\"$");
  static final String DATA_SUFFIX = ".data-00000-of-00001";

  /**
   * Writes every variable of a graph under a prefix: {@code <prefix>.index} and {@code
   * <prefix>.data-00000-of-00001}, as {@link Session#save} does. Tests substitute one that fails
   * halfway, as a full disk does.
   */
  @FunctionalInterface
  public interface Writer {
    void save(String prefix) throws IOException;
  }

  /** Restores the variables of a checkpoint prefix into a graph, as {@link Session#restore}. */
  @FunctionalInterface
  public interface Restorer {
    void restore(String prefix);
  }

  /** A checkpoint that failed to restore for another reason than its files vanishing. */
  public static final class UnfitCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    UnfitCheckpointException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Path dir;
  private final int keep;

  /**
   * @param dir folder holding the checkpoints (created on first save)
   * @param keep how many of the newest checkpoints to keep (at least 1)
   */
  public Checkpoints(Path dir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    this.dir = dir;
    this.keep = keep;
  }

  public Path dir() {
    return dir;
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
            // IllegalArgumentException and UnsupportedOperationException; the first line of the
            // message has the errno.
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
    setAsideUnlisted(name, before);
    List<String> kept;
    try {
      writer.save(dir.resolve(tmp).toString());
      // The data file first: an index file never names missing data.
      AtomicFiles.move(dir.resolve(tmp + DATA_SUFFIX), dir.resolve(name + DATA_SUFFIX));
      AtomicFiles.move(dir.resolve(tmp + ".index"), dir.resolve(name + ".index"));
      List<String> names = new ArrayList<>(before);
      names.remove(name);
      names.add(name);
      kept = List.copyOf(names.subList(Math.max(0, names.size() - keep), names.size()));
      writeIndex(kept);
    } catch (IOException | RuntimeException e) {
      deleteStartingWith(tmp);
      deleteStartingWith(INDEX + ".tmp");
      if (!before.contains(name)) {
        // Renamed but never published: this save made these files, and nothing names them.
        AtomicFiles.deleteQuietly(dir.resolve(name + DATA_SUFFIX));
        AtomicFiles.deleteQuietly(dir.resolve(name + ".index"));
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
    // Rotated out by the index just written: every complete checkpoint older than the oldest kept,
    // listed or not (a crash between publishing and rotating leaves one the index forgot). Newer
    // ones that the index does not name were skipped as unreadable on resume: they stay, for
    // whoever wants to look at them, until a save of their name sets them aside.
    long oldestKept = iterationOf(dir.resolve(kept.get(0)));
    for (Path old : onDisk()) {
      if (iterationOf(old) < oldestKept) {
        AtomicFiles.deleteQuietly(Path.of(old + ".index"));
        AtomicFiles.deleteQuietly(Path.of(old + DATA_SUFFIX));
      }
    }
    return dir.resolve(name);
  }

  /**
   * Files under the name about to be written that the index does not list (a checkpoint skipped as
   * corrupt, a user's copy) are renamed to {@code <name>-unlisted-<n>.*}, never overwritten.
   */
  private void setAsideUnlisted(String name, List<String> listed) throws IOException {
    if (listed.contains(name)) {
      return;
    }
    Path index = dir.resolve(name + ".index");
    Path data = dir.resolve(name + DATA_SUFFIX);
    if (!Files.exists(index) && !Files.exists(data)) {
      return;
    }
    int n = 1;
    while (Files.exists(dir.resolve(name + "-unlisted-" + n + ".index"))
        || Files.exists(dir.resolve(name + "-unlisted-" + n + DATA_SUFFIX))) {
      n++;
    }
    String aside = name + "-unlisted-" + n;
    if (Files.exists(data)) {
      Files.move(data, dir.resolve(aside + DATA_SUFFIX));
    }
    if (Files.exists(index)) {
      Files.move(index, dir.resolve(aside + ".index"));
    }
  }

  /**
   * The prefix of the newest checkpoint whose two files are on disk, whatever the index says; it is
   * not read, so it may still fail to restore (see {@link #restoreNewest}).
   */
  public Optional<Path> latest() throws IOException {
    List<Path> all = onDisk();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** Complete checkpoints on disk (both files present), newest first. */
  public List<Path> onDisk() throws IOException {
    TreeSet<Long> iterations = new TreeSet<>(Comparator.reverseOrder());
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Matcher m = INDEX_FILE.matcher(f.getFileName().toString());
          if (m.matches() && Files.isRegularFile(dir.resolve(m.group(1) + DATA_SUFFIX))) {
            iterations.add(iterationOf(dir.resolve(m.group(1))));
          }
        }
      }
    }
    return iterations.stream().map(i -> dir.resolve("ckpt-" + i)).toList();
  }

  /**
   * What {@link #restoreNewest} found.
   *
   * @param restored the prefix restored, or null when there is no checkpoint on disk at all
   * @param skipped checkpoints that failed to restore, newest first; left on disk
   */
  public record Resolution(Path restored, List<Path> skipped) {
    public Optional<Path> prefix() {
      return Optional.ofNullable(restored);
    }
  }

  /**
   * Restores the newest checkpoint that restores: tries the complete checkpoints on disk from the
   * newest down. One whose files vanish meanwhile (a trainer rotating them) makes it look again,
   * once, so that the newer one is found; one that fails otherwise is skipped with a warning.
   *
   * @param fits what the checkpoint must fit, for the message when it does not ("the model in
   *     run/run.json")
   * @throws UnfitCheckpointException when a checkpoint has the wrong shapes for the graph (another
   *     network), or when every checkpoint on disk fails to restore
   */
  public Resolution restoreNewest(Restorer restorer, String fits, Consumer<String> warn)
      throws IOException {
    return new CheckpointResolver(this, warn).restoreNewest(restorer, fits);
  }

  /**
   * Rewrites the index after a resume from {@code restored}: it names the complete checkpoints on
   * disk up to {@code restored} (newest last, at most {@code keep}), and no longer names the ones
   * that were skipped or that are newer. Files are not touched.
   */
  public void reindex(Path restored, List<Path> skipped) throws IOException {
    long upTo = iterationOf(restored);
    List<String> names = new ArrayList<>();
    for (Path p : onDisk()) {
      if (iterationOf(p) <= upTo && !skipped.contains(p)) {
        names.add(0, p.getFileName().toString());
      }
    }
    names = names.subList(Math.max(0, names.size() - keep), names.size());
    if (!names.equals(list())) {
      writeIndex(names);
    }
  }

  /** The iteration a checkpoint prefix was saved at. */
  public static long iterationOf(Path prefix) {
    Matcher m = ENTRY.matcher(prefix.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a checkpoint name: " + prefix.getFileName());
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Names listed in the index file, oldest first, each once; empty if there is no index or it
   * cannot be read as text (it is then ignored, not trusted).
   */
  public List<String> list() throws IOException {
    Path index = dir.resolve(INDEX);
    List<String> names = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(index, StandardCharsets.UTF_8);
    } catch (NoSuchFileException | CharacterCodingException e) {
      return names;
    }
    String newest = null;
    for (String line : lines) {
      Matcher m = INDEX_LINE.matcher(line.strip());
      if (m.matches() && ENTRY.matcher(m.group(1)).matches()) {
        if (line.strip().startsWith("all_")) {
          if (!names.contains(m.group(1))) {
            names.add(m.group(1));
          }
        } else {
          newest = m.group(1);
        }
      }
    }
    if (newest != null && !names.contains(newest)) {
      // A hand-written index may have only the model_checkpoint_path line.
      names.add(newest);
    }
    return names;
  }

  /**
   * Removes what a killed save left behind: its temporary files ({@code ckpt-N.tmp<pid>.*}, {@code
   * checkpoint.tmp<pid>}). Nothing else is removed.
   */
  public void cleanUp() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Pattern temporary = Pattern.compile("^(ckpt-\\d+|" + INDEX + ")\\.tmp\\d+.*$");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (temporary.matcher(f.getFileName().toString()).matches()) {
          AtomicFiles.deleteRecursively(f);
        }
      }
    }
  }

  private void writeIndex(List<String> names) throws IOException {
    StringBuilder text = new StringBuilder();
    if (!names.isEmpty()) {
      text.append("model_checkpoint_path: \"").append(names.get(names.size() - 1)).append("\"\n");
    }
    for (String n : names) {
      text.append("all_model_checkpoint_paths: \"").append(n).append("\"\n");
    }
    Path tmp = dir.resolve(INDEX + ".tmp" + ProcessHandle.current().pid());
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    AtomicFiles.move(tmp, dir.resolve(INDEX));
  }

  /** Deletes the files of {@link #dir} whose name starts with {@code prefix}. */
  private void deleteStartingWith(String prefix) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith(prefix)) {
          AtomicFiles.deleteQuietly(f);
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
}
