package dev.cgan.run;

import dev.cgan.internal.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * The folder a training run owns, recognisable by its {@code run.json}: {@code data-files} (for a
 * run on an image folder), {@code checkpoints/}, {@code samples/}, {@code metrics.csv}, {@code
 * eval.csv}, {@code losses.png}, {@code tensorboard/}, {@code result.png} and {@code saved_model/}.
 * The one place that spells these names: everyone else asks a {@code RunFolder} where a file of the
 * run is.
 */
public final class RunFolder {
  public static final String CONFIG = "run.json";
  private static final String LOCK = ".lock";

  private final Path root;
  private final RunSettings settings;

  private RunFolder(Path root, RunSettings settings) {
    this.root = root;
    this.settings = settings;
  }

  /**
   * Refuses a folder that a new run may not be created in: an existing run, a file, or a folder
   * that holds anything. Nothing is written.
   */
  public static void checkCanCreate(Path root) throws IOException {
    if (isRun(root)) {
      throw new IOException(
          root + " already holds a run; resume it, or choose another folder for a new run");
    }
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new IOException(root + " is a file, where a folder for the run was expected");
    }
    if (Files.isDirectory(root)) {
      try (Stream<Path> entries = Files.list(root)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(
              root
                  + " is not empty and is not a run (no "
                  + CONFIG
                  + "); choose a new or empty folder");
        }
      }
    }
  }

  /**
   * Creates {@code root} (or takes an empty one), locks it and writes its {@code run.json}; the
   * caller closes the lock when the run is done with.
   */
  public static Locked create(Path root, RunSettings settings) throws IOException {
    checkCanCreate(root);
    Files.createDirectories(root);
    RunFolder run = new RunFolder(root, settings);
    Locked locked = run.lock();
    try {
      // Checked again under the lock: another process may have created a run meanwhile.
      if (isRun(root)) {
        throw new IOException(root + " already holds a run");
      }
      run.save(settings);
      return locked;
    } catch (IOException | RuntimeException e) {
      locked.close();
      throw e;
    }
  }

  /** Opens an existing run folder for reading; nothing is written. */
  public static RunFolder open(Path root) throws IOException {
    Path file = root.resolve(CONFIG);
    if (!Files.exists(root)) {
      throw new IOException(root + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new IOException(file + " is a folder, where the run's configuration file was expected");
    }
    try {
      return new RunFolder(root, RunJson.read(file));
    } catch (NoSuchFileException e) {
      throw new IOException(root + " is not a training run (no " + CONFIG + ")");
    }
  }

  /** Whether {@code dir} is a run folder. */
  public static boolean isRun(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /** A run folder whose lock this process holds; close releases it. */
  public static final class Locked implements AutoCloseable {
    private RunFolder run;
    private final FileChannel channel;
    private final FileLock lock;

    private Locked(RunFolder run, FileChannel channel, FileLock lock) {
      this.run = run;
      this.channel = channel;
      this.lock = lock;
    }

    public RunFolder run() {
      return run;
    }

    /** Replaces {@code run.json} atomically; only a lock holder changes a run. */
    public RunFolder update(RunSettings changed) throws IOException {
      run.save(changed);
      run = new RunFolder(run.root, changed);
      return run;
    }

    @Override
    public void close() throws IOException {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  /**
   * Takes the folder's lock: one trainer per run folder, two would interleave checkpoints and
   * metrics. The operating system releases it when the process dies, so a crash never leaves the
   * run locked.
   */
  public Locked lock() throws IOException {
    refuseLinks();
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              root.resolve(LOCK),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
    } catch (AccessDeniedException e) {
      throw new IOException(root + ": permission denied (cannot lock the run folder)", e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          root + " is being trained by another process; wait for it to finish or stop it first");
    }
    return new Locked(this, channel, lock);
  }

  /**
   * Refuses a run folder that holds a symbolic link anywhere inside it (the folder itself may be
   * one): every file of a run is written by cgan-java, so a link is someone else's, and writing
   * through it would put metrics, images or checkpoints outside the run (a run shared as a tarball
   * could aim them at any file of the user's). Called before anything is written into the run.
   */
  public void refuseLinks() throws IOException {
    Path real = root.toRealPath();
    try (Stream<Path> walk = Files.walk(real)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isSymbolicLink(p)) {
          throw new IOException(
              root.resolve(real.relativize(p))
                  + " is a symbolic link (to "
                  + Files.readSymbolicLink(p)
                  + "); a run folder holds only what cgan-java wrote, so it will not write"
                  + " through it: replace it with the file or folder itself");
        }
      }
    }
  }

  private void save(RunSettings s) throws IOException {
    AtomicFiles.write(root.resolve(CONFIG), RunJson.write(s));
  }

  /** The folder itself. */
  public Path root() {
    return root;
  }

  /** The settings in its {@code run.json}. */
  public RunSettings settings() {
    return settings;
  }

  /**
   * {@code data-files}: the listing of the image folder the run trains on (each file's path, size
   * and modification time, {@link dev.cgan.data.FolderListing#write}), so that a resume can name
   * what changed in the folder since. Only runs on an image folder have one.
   */
  public Path dataListing() {
    return root.resolve("data-files");
  }

  /** {@code checkpoints/}, keeping the run's {@code keep} newest. */
  public Checkpoints checkpoints() {
    return new Checkpoints(root.resolve("checkpoints"), settings.keep());
  }

  /** {@code samples/}: the sample grids. */
  public Path samplesDir() {
    return root.resolve("samples");
  }

  /** {@code samples/<iteration>.png}: the sample grid of {@code iteration}. */
  public Path sampleGrid(long iteration) {
    return samplesDir().resolve(iteration + ".png");
  }

  /** {@code metrics.csv}: the logged losses, one row per log interval. */
  public Path metricsFile() {
    return root.resolve("metrics.csv");
  }

  /** {@code result.png}: the run's result labels in one strip. */
  public Path resultImage() {
    return root.resolve("result.png");
  }

  /** {@code eval.csv}: the evaluation scores along the run. */
  public Path evaluationFile() {
    return root.resolve("eval.csv");
  }

  /** {@code losses.png}: D and G loss along the run. */
  public Path lossPlot() {
    return root.resolve("losses.png");
  }

  /** {@code tensorboard/}: TensorBoard's event files. */
  public Path tensorBoardDir() {
    return root.resolve("tensorboard");
  }

  /** {@code saved_model/}: the run's own SavedModel export. */
  public Path savedModelDir() {
    return root.resolve("saved_model");
  }
}
