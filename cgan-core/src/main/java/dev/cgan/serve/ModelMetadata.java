package dev.cgan.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Weights;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a server operator needs to know about an export, kept as {@code assets.extra/cgan.json}
 * inside the SavedModel.
 *
 * @param format always {@code cgan-java/saved-model/1}
 * @param projectVersion cgan-java version that wrote it
 * @param tensorflowVersion TensorFlow runtime version that wrote it
 * @param model the generator's shape (latent size, classes, image size, channels, …)
 * @param iterations training iterations of the exported weights
 * @param classNames class names in label order, or null for digits
 * @param weights {@code raw} or {@code ema}: which generator weights were exported (null in exports
 *     made before the average: raw)
 * @param emaDecay the run's average decay, 0 when it kept none
 */
public record ModelMetadata(
    String format,
    String projectVersion,
    String tensorflowVersion,
    CganConfig model,
    long iterations,
    List<String> classNames,
    String weights,
    float emaDecay) {

  public static final String FORMAT = "cgan-java/saved-model/1";
  public static final String FILE = "assets.extra/cgan.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /** The exported weights; raw for exports made before the average existed. */
  public Weights exportedWeights() {
    return weights == null ? Weights.RAW : Weights.of(weights);
  }

  public void write(Path savedModelDir) throws IOException {
    Path file = savedModelDir.resolve(FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, GSON.toJson(this), StandardCharsets.UTF_8);
  }

  public static ModelMetadata read(Path savedModelDir) throws IOException {
    Path file = savedModelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(savedModelDir + " is not a cgan-java SavedModel (no " + FILE + ")");
    }
    try {
      ModelMetadata m =
          GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), ModelMetadata.class);
      if (m == null || !FORMAT.equals(m.format()) || m.model() == null) {
        throw new IOException(
            file
                + ": expected format "
                + FORMAT
                + ", found "
                + (m == null ? "nothing" : m.format()));
      }
      return m;
    } catch (RuntimeException e) {
      // Gson wraps a record constructor's refusal in "Failed to invoke constructor"; unwrap it.
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      throw new IOException(file + ": unreadable metadata (" + t.getMessage() + ")");
    }
  }
}
