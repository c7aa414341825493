package dev.cgan.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * TensorFlow checkpoints of a run, {@code ckpt-<iteration>.index} and
 * {@code ckpt-<iteration>.data-00000-of-00001}, published the way {@code tf.train} does: the
 * files are written under a temporary prefix, renamed, and only then named in the small
 * {@code checkpoint} index file, itself replaced by an atomic rename. A crash at any moment leaves
 * the index pointing at a complete checkpoint.
 */
public final class Checkpoints {
  private static final String INDEX = "checkpoint";
  private static final Pattern ENTRY = Pattern.compile("^ckpt-(\\d+)$");
  private static final String DATA_SUFFIX = ".data-00000-of-00001";

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

  /** Saves every variable of {@code session}'s graph as the checkpoint of {@code iteration}. */
  public Path save(Session session, long iteration) throws IOException {
    Files.createDirectories(dir);
    String name = "ckpt-" + iteration;
    String tmp = name + ".tmp" + ProcessHandle.current().pid();
    session.save(dir.resolve(tmp).toString());
    // The data file first: an index file never names missing data.
    move(dir.resolve(tmp + DATA_SUFFIX), dir.resolve(name + DATA_SUFFIX));
    move(dir.resolve(tmp + ".index"), dir.resolve(name + ".index"));
    List<String> names = new ArrayList<>(list());
    names.remove(name);
    names.add(name);
    List<String> kept = names.subList(Math.max(0, names.size() - keep), names.size());
    writeIndex(kept);
    for (String old : names.subList(0, names.size() - kept.size())) {
      Files.deleteIfExists(dir.resolve(old + ".index"));
      Files.deleteIfExists(dir.resolve(old + DATA_SUFFIX));
    }
    return dir.resolve(name);
  }

  /** The prefix of the newest complete checkpoint, if any. */
  public Optional<Path> latest() throws IOException {
    List<String> names = list();
    for (int i = names.size() - 1; i >= 0; i--) {
      Path prefix = dir.resolve(names.get(i));
      if (Files.isRegularFile(Path.of(prefix + ".index")) && Files.isRegularFile(Path.of(prefix + DATA_SUFFIX))) {
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
      lines.map(l -> l.replaceAll("^all_model_checkpoint_paths: \"(.*)\"$", "$1"))
          .filter(l -> ENTRY.matcher(l).matches())
          .forEach(names::add);
    } catch (NoSuchFileException e) {
      return names;
    }
    return names;
  }

  /** Removes temporary files a killed save may have left behind. */
  public void cleanUp() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.contains(".tmp")) {
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
    Path tmp = dir.resolve(INDEX + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    move(tmp, dir.resolve(INDEX));
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
