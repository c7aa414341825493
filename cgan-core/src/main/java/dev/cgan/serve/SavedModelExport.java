package dev.cgan.serve;

import dev.cgan.train.Checkpoints;
import dev.cgan.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.TensorFlow;

/**
 * Exports a run's generator as a SavedModel (tag {@code serve}) that TensorFlow Serving, Python
 * {@code tf.saved_model.load} and TF Java load: a generator-only inference graph restored from the
 * newest checkpoint, with the signatures {@code serving_default} and {@code generate} and {@code
 * assets.extra/cgan.json}. Written to a temporary sibling folder, then renamed into place.
 */
public final class SavedModelExport {
  private SavedModelExport() {}

  /** Exports {@code run}'s newest checkpoint into {@code target} (replacing an older export). */
  public static Path export(RunFolder run, Path target) throws IOException {
    Path prefix =
        run.checkpoints()
            .latest()
            .orElseThrow(
                () ->
                    new IOException(run.root() + " has no checkpoint to export (train it first)"));
    Path parent = target.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IOException(
          "cannot export to " + target + ": directory " + parent + " does not exist");
    }
    Path tmp = parent.resolve(target.getFileName() + ".tmp" + ProcessHandle.current().pid());
    deleteRecursively(tmp);
    try (Graph graph = new Graph()) {
      GeneratorGraph gg = new GeneratorGraph(graph, run.config().spec().model());
      try (Session session = new Session(graph)) {
        session.restore(prefix.toString());
        SavedModelBundle.exporter(tmp.toString())
            .withTags("serve")
            .withSession(session)
            .withFunction(SessionFunction.create(gg.servingDefault(), session))
            .withFunction(SessionFunction.create(gg.generate(), session))
            .export();
      }
      new ModelMetadata(
              ModelMetadata.FORMAT,
              dev.cgan.Version.project(),
              TensorFlow.version(),
              run.config().spec().model(),
              Checkpoints.iterationOf(prefix),
              run.config().classNames())
          .write(tmp);
      publish(tmp, target);
      return target;
    } catch (IOException | RuntimeException e) {
      deleteRecursively(tmp);
      throw e;
    }
  }

  /** Moves the finished export into place; an older export is removed only after that. */
  private static void publish(Path tmp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling(target.getFileName() + ".old" + ProcessHandle.current().pid());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteRecursively(old);
    }
  }

  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(q);
      }
    }
  }
}
