package dev.cgan.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The folder a training run owns: {@code run.json}, {@code checkpoints/}, {@code samples/}, {@code
 * metrics.csv}, {@code losses.png}, {@code tensorboard/}, {@code result.png} and {@code
 * saved_model/}.
 */
public final class RunFolder {
  public static final String CONFIG = "run.json";
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  private final Path root;
  private final RunConfig config;

  private RunFolder(Path root, RunConfig config) {
    this.root = root;
    this.config = config;
  }

  /** Creates {@code root} (or reuses an empty one) and writes its {@code run.json}. */
  public static RunFolder create(Path root, RunConfig config) throws IOException {
    if (Files.exists(root.resolve(CONFIG))) {
      throw new IOException(
          root
              + " already holds a run; use --resume "
              + root
              + " to continue it or choose another --out");
    }
    Files.createDirectories(root);
    RunFolder run = new RunFolder(root, config);
    run.save(config);
    return run;
  }

  /** Opens an existing run folder. */
  public static RunFolder open(Path root) throws IOException {
    Path file = root.resolve(CONFIG);
    try {
      RunConfig config =
          GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), RunConfig.class);
      if (config == null || config.spec() == null || config.spec().model() == null) {
        throw new IOException(file + ": not a cgan-java run configuration");
      }
      return new RunFolder(root, config);
    } catch (NoSuchFileException e) {
      throw new IOException(root + " is not a training run (no " + CONFIG + ")");
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(file + ": unreadable run configuration (" + e.getMessage() + ")");
    }
  }

  /** Whether {@code dir} looks like a run folder. */
  public static boolean isRun(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /** Replaces {@code run.json} atomically (used when a resume extends the run). */
  public RunFolder update(RunConfig newConfig) throws IOException {
    save(newConfig);
    return new RunFolder(root, newConfig);
  }

  private void save(RunConfig c) throws IOException {
    Path tmp = root.resolve(CONFIG + ".tmp");
    Files.writeString(tmp, GSON.toJson(c), StandardCharsets.UTF_8);
    Files.move(
        tmp,
        root.resolve(CONFIG),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  public Path root() {
    return root;
  }

  public RunConfig config() {
    return config;
  }

  public Checkpoints checkpoints() {
    return new Checkpoints(root.resolve("checkpoints"), config.keep());
  }

  public Path samplesDir() {
    return root.resolve("samples");
  }

  public Path metricsFile() {
    return root.resolve("metrics.csv");
  }

  public Path resultImage() {
    return root.resolve("result.png");
  }

  public Path evaluationFile() {
    return root.resolve("eval.csv");
  }

  public Path lossPlot() {
    return root.resolve("losses.png");
  }

  public Path tensorBoardDir() {
    return root.resolve("tensorboard");
  }

  public Path savedModelDir() {
    return root.resolve("saved_model");
  }
}
