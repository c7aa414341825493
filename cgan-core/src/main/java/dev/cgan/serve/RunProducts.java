package dev.cgan.serve;

import dev.cgan.image.Png;
import dev.cgan.run.RunFolder;
import dev.cgan.run.RunSettings;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What a finished run delivers, written into its own folder: {@code result.png} (the run's result
 * labels, left to right, with the run's seed) and {@code saved_model/} (see {@link
 * SavedModelExport}). Both come from the newest checkpoint that restores.
 *
 * <pre>{@code
 * try (TrainingRun run = TrainingRun.create(dir, settings)) {
 *   run.train();
 *   RunProducts.write(dir);
 * }
 * }</pre>
 */
public final class RunProducts {
  private RunProducts() {}

  /** Writes {@code result.png} and {@code saved_model/}; returns the run folder. */
  public static Path write(Path runDir) throws IOException {
    writeResultImage(runDir);
    exportSavedModel(runDir);
    return runDir;
  }

  /** {@code RUN/result.png}, replaced atomically. */
  public static Path writeResultImage(Path runDir) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    run.refuseLinks();
    RunSettings s = run.settings();
    try (CganGenerator g = CganGenerator.fromRun(runDir)) {
      Png.write(g.render(s.resultLabelIndices(), s.seed()), run.resultImage());
    }
    return run.resultImage();
  }

  /** {@code RUN/saved_model/}, replaced as a whole. */
  public static Path exportSavedModel(Path runDir) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    run.refuseLinks();
    return SavedModelExport.export(runDir, run.savedModelDir());
  }
}
