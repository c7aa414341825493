package dev.cgan.serve;

import dev.cgan.internal.AtomicFiles;
import dev.cgan.model.Weights;
import dev.cgan.train.internal.Checkpoints;
import dev.cgan.train.internal.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
   * <p>{@code target} is created, or replaced as a whole (atomically) when it is an earlier export
   * (it has {@code assets.extra/cgan.json}) or an empty folder; anything else there is refused and
   * left as it is, and so is the run itself, a folder that contains it, or a folder inside it other
   * than {@code RUN/saved_model}.
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
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IOException(
          "cannot export to " + target + ": directory " + parent + " does not exist");
    }
    Path tmp = AtomicFiles.tempSibling(target.toAbsolutePath().normalize(), ".export");
    try (Graph graph = new Graph()) {
      GeneratorGraph gg = new GeneratorGraph(graph, run.config().spec().model(), chosen);
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
              run.config().spec().model(),
              Checkpoints.iterationOf(prefix),
              run.config().classNames(),
              chosen.id(),
              run.config().spec().emaDecay())
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
    if (t.startsWith(runReal) && !t.equals(runReal.resolve("saved_model"))) {
      throw refused(
          target,
          "is inside the run "
              + run.root()
              + "; the run's own export is "
              + run.root().resolve("saved_model"));
    }
    if (!Files.exists(target)) {
      return;
    }
    if (!Files.isDirectory(target)) {
      throw refused(target, "is a file, where a SavedModel folder was expected");
    }
    if (Files.isRegularFile(target.resolve(ModelMetadata.FILE))) {
      return; // an earlier export: replaced as a whole
    }
    try (Stream<Path> entries = Files.list(target)) {
      if (entries.findAny().isPresent()) {
        throw refused(
            target,
            "is not empty and is not a cgan-java SavedModel (no "
                + ModelMetadata.FILE
                + "); choose a new or empty folder");
      }
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
