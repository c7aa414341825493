package dev.cgan.run;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.annotations.JsonAdapter;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.cgan.data.DataSource;
import dev.cgan.internal.JsonFields;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * How a run was started, stored as {@code run.json} in its folder so that a resumed run and the
 * readers of the run ({@code generate}, {@code export}) rebuild exactly the same graph. The field
 * names are the file format: runs of earlier releases read back unchanged.
 *
 * @param spec the training hyperparameters and the network's shape
 * @param data the data source's id (see {@link dev.cgan.data.DataSource#id()})
 * @param sampleInterval iterations between sample grids
 * @param checkpointInterval iterations between checkpoints
 * @param logInterval iterations between metrics rows
 * @param keep checkpoints kept
 * @param digits the label sequence rendered into result.png at the end
 * @param classNames optional names of the classes, index order; {@code null} for digits
 * @param mirrors base URLs for downloading MNIST; {@code null} for the defaults
 */
@JsonAdapter(RunConfig.Json.class)
public record RunConfig(
    TrainingSpec spec,
    String data,
    int sampleInterval,
    int checkpointInterval,
    int logInterval,
    int keep,
    String digits,
    List<String> classNames,
    List<String> mirrors) {

  public RunConfig {
    require(spec != null && spec.model() != null, "spec", "is missing");
    require(data != null && !data.isBlank(), "data", "is missing");
    require(sampleInterval >= 1, "sampleInterval", "must be at least 1, got " + sampleInterval);
    require(
        checkpointInterval >= 1,
        "checkpointInterval",
        "must be at least 1, got " + checkpointInterval);
    require(logInterval >= 1, "logInterval", "must be at least 1, got " + logInterval);
    require(keep >= 1, "keep", "must be at least 1, got " + keep);
    require(digits != null && !digits.isBlank(), "digits", "is missing");
  }

  private static void require(boolean ok, String field, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(field + " " + problem);
    }
  }

  public RunConfig withSpec(TrainingSpec s) {
    return new RunConfig(
        s,
        data,
        sampleInterval,
        checkpointInterval,
        logInterval,
        keep,
        digits,
        classNames,
        mirrors);
  }

  public RunConfig withIntervals(int sample, int checkpoint, int log, int keepCount) {
    return new RunConfig(
        spec, data, sample, checkpoint, log, keepCount, digits, classNames, mirrors);
  }

  /**
   * Reads {@code file} (a run's {@code run.json}) strictly: at most 1 MiB of UTF-8, every field of
   * its JSON type and range, numbers exactly as written.
   *
   * @throws IOException {@code "<file>: unreadable run configuration (<field> must be …, found …)"}
   */
  public static RunConfig read(Path file) throws IOException {
    JsonFields fields = JsonFields.read(file, "run configuration");
    try {
      return of(fields);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(file + ": unreadable run configuration (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The configuration in {@code f}. Fields added after the first release may be absent: {@code
   * emaDecay} (0, no average), {@code classNames} and {@code mirrors} (null).
   */
  static RunConfig of(JsonFields f) {
    JsonFields s = f.object("spec");
    CganConfig model = ConfigJson.read(s.object("model"));
    TrainingSpec spec =
        new TrainingSpec(
            model,
            s.integer("batchSize", 2, Integer.MAX_VALUE),
            s.whole("seed", Long.MIN_VALUE, Long.MAX_VALUE),
            s.whole("iterations", 0, Long.MAX_VALUE),
            s.decimal("learningRate", v -> v > 0, "a number above 0"),
            s.decimal("beta1", v -> v >= 0 && v < 1, "a number from 0 to below 1"),
            s.decimal("beta2", v -> v >= 0 && v < 1, "a number from 0 to below 1"),
            s.bool("twoStep"),
            s.optionalDecimal(
                "emaDecay", 0f, v -> v >= 0 && v < 1, "a number from 0 (none) to below 1"));
    String data = f.string("data");
    try {
      DataSource.fromId(data, List.of());
    } catch (IllegalArgumentException e) {
      throw new JsonParseException("data: " + e.getMessage());
    }
    List<String> mirrors = f.optionalStrings("mirrors");
    for (int i = 0; mirrors != null && i < mirrors.size(); i++) {
      try {
        URI.create(mirrors.get(i));
      } catch (IllegalArgumentException e) {
        throw f.refuse("mirrors[" + i + "]", "is not a URL: " + e.getMessage());
      }
    }
    String digits = f.string("digits");
    try {
      Labels.parse(digits, model.numClasses(), "digits");
    } catch (IllegalArgumentException e) {
      throw new JsonParseException(e.getMessage());
    }
    List<String> classNames = f.optionalStrings("classNames");
    if (classNames != null && classNames.size() != model.numClasses()) {
      throw f.refuse(
          "classNames",
          "must name the "
              + model.numClasses()
              + " classes of spec.model.numClasses, found "
              + classNames.size()
              + " names");
    }
    int max = Integer.MAX_VALUE;
    return new RunConfig(
        spec,
        data,
        f.integer("sampleInterval", 1, max),
        f.integer("checkpointInterval", 1, max),
        f.integer("logInterval", 1, max),
        f.integer("keep", 1, max),
        digits,
        classNames,
        mirrors);
  }

  /**
   * Gson reads {@code run.json} through {@link #of} whoever asks it to (the run folder's own Gson
   * included), and writes it field by field as it always has.
   */
  static final class Json implements TypeAdapterFactory {
    @Override
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
      TypeAdapter<T> reflective = gson.getDelegateAdapter(this, type);
      return new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, T value) throws IOException {
          reflective.write(out, value);
        }

        @Override
        @SuppressWarnings("unchecked")
        public T read(JsonReader in) throws IOException {
          return (T) of(JsonFields.parse(in));
        }
      };
    }
  }
}
