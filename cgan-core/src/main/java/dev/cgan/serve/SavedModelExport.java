package dev.cgan.serve;

import dev.cgan.internal.AtomicFiles;
import dev.cgan.model.Weights;
import dev.cgan.run.Checkpoints;
import dev.cgan.run.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.TensorFlow;

/**
 * Exports a run's generator as a SavedModel (tag {@code serve}) that TensorFlow Serving, Python
 * {@code tf.saved_model.load} and TF Java load: a generator-only inference graph restored from the
 * newest checkpoint, with the signatures {@code serving_default}, {@code generate}, {@code
 * generate_styled} and {@code generate_mixed} (see {@link GeneratorGraph}) and {@code
 * assets.extra/cgan.json}. Written to a hidden temporary sibling folder, then renamed into place.
 */
public final class SavedModelExport {
  private SavedModelExport() {}

  /**
   * Exports the newest checkpoint of the run in {@code runDir} that restores into {@code target}.
   *
   * <p>{@code target} is created, or replaced as a whole (atomically: the path holds the old export
   * or the new one at every moment) when it is an empty folder or an earlier export: a readable
   * {@code assets.extra/cgan.json} of this project and nothing but what an export writes. Anything
   * else there is refused, naming the first foreign entry, and left as it is; so is the run itself,
   * a folder that contains it, or a folder inside it other than {@code RUN/saved_model}. Hidden
   * leftovers of an export of {@code target} that was killed ({@code .NAME.*.export}, {@code
   * .NAME.*.old}) are deleted. Missing parent folders are created ({@code models/cgan/2}).
   *
   * @throws IOException naming {@code target} when it may not be replaced, and the run when it has
   *     no checkpoint that restores
   */
  public static Path export(Path runDir, Path target) throws IOException {
    return export(runDir, target, null);
  }

  /**
   * As {@link #export(Path, Path)}, with the generator weights to export: {@link Weights#RAW} or
   * {@link Weights#EMA}; null for the run's default (the average when it keeps one).
   *
   * @throws IOException also when the average is asked of a run that keeps none
   */
  public static Path export(Path runDir, Path target, Weights weights) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    Weights chosen = RunCheckpoint.choose(run, weights);
    checkTarget(run, target);
    Path parent = target.toAbsolutePath().normalize().getParent();
    Path existing = parent;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new IOException(
          "cannot export to " + target + ": " + existing + " is a file, not a folder");
    }
    if (!Files.isWritable(existing)) {
      throw new IOException(
          "cannot export to " + target + ": folder " + existing + " is not writable");
    }
    // Missing parents are made, as `mkdir -p` would: TensorFlow Serving's layout is
    // models/NAME/VERSION, and a first export there should not need a step of its own.
    Files.createDirectories(parent);
    // What an export killed before it finished left next to the target: ours by name.
    for (Path leftover : AtomicFiles.leftovers(target, ".export", ".old")) {
      AtomicFiles.deleteRecursively(leftover);
    }
    Path tmp = AtomicFiles.tempSibling(target.toAbsolutePath().normalize(), ".export");
    try (Graph graph = new Graph()) {
      GeneratorGraph gg = new GeneratorGraph(graph, run.settings().network(), chosen);
      Path prefix;
      try (Session session = new Session(graph)) {
        prefix = RunCheckpoint.restore(run, session);
        SavedModelBundle.exporter(tmp.toString())
            .withTags("serve")
            .withSession(session)
            .withFunction(SessionFunction.create(gg.servingDefault(), session))
            .withFunction(SessionFunction.create(gg.generate(), session))
            .withFunction(SessionFunction.create(gg.generateStyled(), session))
            .withFunction(SessionFunction.create(gg.generateMixed(), session))
            .export();
      }
      new ModelMetadata(
              ModelMetadata.FORMAT,
              dev.cgan.Version.project(),
              TensorFlow.version(),
              run.settings().network(),
              Checkpoints.iterationOf(prefix),
              run.settings().classNames(),
              chosen.id(),
              run.settings().emaDecay())
          .write(tmp);
      AtomicFiles.replaceDirectory(tmp, target);
      return target;
    } catch (IOException | RuntimeException e) {
      AtomicFiles.deleteQuietly(tmp);
      throw e;
    }
  }

  /** The rules of the class comment, checked before anything is written. */
  static void checkTarget(RunFolder run, Path target) throws IOException {
    Path runReal = run.root().toRealPath();
    if (Files.isSymbolicLink(target)) {
      throw refused(target, "is a symbolic link; give the folder it points to");
    }
    Path t = realish(target);
    if (t.equals(runReal)) {
      throw refused(target, "is the run folder itself");
    }
    if (runReal.startsWith(t)) {
      throw refused(target, "contains the run " + run.root());
    }
    if (t.startsWith(runReal) && !t.equals(runReal.resolve(run.savedModelDir().getFileName()))) {
      throw refused(
          target,
          "is inside the run " + run.root() + "; the run's own export is " + run.savedModelDir());
    }
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw refused(target, "is a file, where a SavedModel folder was expected");
    }
    try (Stream<Path> entries = Files.list(target)) {
      if (entries.findAny().isEmpty()) {
        return;
      }
    }
    if (!Files.isRegularFile(target.resolve(ModelMetadata.FILE), LinkOption.NOFOLLOW_LINKS)) {
      throw refused(
          target,
          "is not empty and is not a cgan-java SavedModel (no "
              + ModelMetadata.FILE
              + "); choose a new or empty folder");
    }
    try {
      ModelMetadata.read(target);
    } catch (IOException e) {
      throw refused(target, "is not a cgan-java SavedModel: " + e.getMessage());
    }
    Path foreign = firstForeignEntry(target);
    if (foreign != null) {
      throw refused(
          target,
          "holds "
              + target.relativize(foreign)
              + ", which an export does not write; move it away or choose another folder");
    }
  }

  /**
   * The first entry (in name order, depth first) of {@code export} that an export does not write:
   * replacing the folder deletes everything in it, so it may hold nothing of the user's.
   */
  private static Path firstForeignEntry(Path export) throws IOException {
    for (Path p : sorted(export)) {
      Pattern files =
          switch (p.getFileName().toString()) {
            case "saved_model.pb" -> null;
            case "variables" -> VARIABLE_FILE;
            case "assets.extra" -> METADATA_FILE;
            default -> NOTHING;
          };
      if (files == null) {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          return p;
        }
      } else if (files == NOTHING || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        return p;
      } else {
        for (Path q : sorted(p)) {
          if (!files.matcher(q.getFileName().toString()).matches()
              || !Files.isRegularFile(q, LinkOption.NOFOLLOW_LINKS)) {
            return q;
          }
        }
      }
    }
    return null;
  }

  private static final Pattern VARIABLE_FILE =
      Pattern.compile("variables\\.(index|data-\\d{5}-of-\\d{5})");
  private static final Pattern METADATA_FILE = Pattern.compile("cgan\\.json");
  private static final Pattern NOTHING = Pattern.compile("(?!)");

  private static List<Path> sorted(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  private static IOException refused(Path target, String why) {
    return new IOException("cannot export to " + target + ": it " + why);
  }

  /** The real path of {@code p}'s nearest existing ancestor, with the rest appended. */
  private static Path realish(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    return existing.toRealPath().resolve(existing.relativize(abs));
  }
}
