package dev.cgan.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import dev.cgan.internal.JsonFields;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Weights;
import dev.cgan.run.ConfigJson;
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
  private static final Gson GSON =
      new GsonBuilder()
          .setPrettyPrinting()
          .registerTypeAdapter(CganConfig.class, ConfigJson.SERIALIZER)
          .create();

  /** The exported weights; raw for exports made before the average existed. */
  public Weights exportedWeights() {
    return weights == null ? Weights.RAW : Weights.of(weights);
  }

  public void write(Path savedModelDir) throws IOException {
    Path file = savedModelDir.resolve(FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, GSON.toJson(this), StandardCharsets.UTF_8);
  }

  /**
   * Reads the metadata of the SavedModel in {@code savedModelDir} strictly: at most 1 MiB of UTF-8,
   * every field of its JSON type and range.
   *
   * @throws IOException naming the file and the field: {@code "<dir>/assets.extra/cgan.json:
   *     unreadable metadata (model is missing, expected an object)"}
   */
  public static ModelMetadata read(Path savedModelDir) throws IOException {
    Path file = savedModelDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(savedModelDir + " is not a cgan-java SavedModel (no " + FILE + ")");
    }
    JsonFields f = JsonFields.read(file, "metadata");
    try {
      String format = f.string("format");
      if (!FORMAT.equals(format)) {
        throw f.wrong("format", "\"" + FORMAT + "\"", new JsonPrimitive(format));
      }
      CganConfig model = ConfigJson.read(f.object("model"));
      List<String> classNames = ConfigJson.classNames(f, model, "model.numClasses");
      String weights = f.optionalString("weights");
      if (weights != null && !weights.equals("raw") && !weights.equals("ema")) {
        throw f.wrong("weights", "\"raw\" or \"ema\"", new JsonPrimitive(weights));
      }
      return new ModelMetadata(
          format,
          f.string("projectVersion"),
          f.string("tensorflowVersion"),
          model,
          f.whole("iterations", 0, Long.MAX_VALUE),
          classNames,
          weights,
          f.optionalDecimal(
              "emaDecay", 0f, v -> v >= 0 && v < 1, "a number from 0 (none) to below 1"));
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(file + ": unreadable metadata (" + e.getMessage() + ")", e);
    }
  }
}
