package dev.cgan.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.cgan.data.DataSource;
import dev.cgan.internal.JsonFields;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link RunSettings} as a run's {@code run.json} stores them. The field names are the file format:
 * runs of earlier releases read back unchanged, and what is written is what earlier releases wrote.
 */
final class RunJson {
  private static final Gson GSON =
      new GsonBuilder()
          .setPrettyPrinting()
          .disableHtmlEscaping()
          .serializeSpecialFloatingPointValues()
          .create();

  private RunJson() {}

  /** The file's bytes for {@code s}, which must be resolved (iterations and classes set). */
  static byte[] write(RunSettings s) {
    JsonObject spec = new JsonObject();
    spec.add("model", ConfigJson.write(s.network()));
    spec.addProperty("batchSize", s.batchSize());
    spec.addProperty("seed", s.seed());
    spec.addProperty("iterations", s.iterations());
    spec.addProperty("learningRate", s.learningRate());
    spec.addProperty("beta1", s.beta1());
    spec.addProperty("beta2", s.beta2());
    spec.addProperty("twoStep", s.twoStep());
    spec.addProperty("emaDecay", s.emaDecay());
    JsonObject o = new JsonObject();
    o.add("spec", spec);
    o.addProperty("data", s.data().id());
    o.addProperty("sampleInterval", s.sampleInterval());
    o.addProperty("checkpointInterval", s.checkpointInterval());
    o.addProperty("logInterval", s.logInterval());
    o.addProperty("keep", s.keep());
    o.addProperty("digits", s.resultLabels());
    if (s.classNames() != null) {
      o.add("classNames", GSON.toJsonTree(s.classNames()));
    }
    if (s.data() instanceof DataSource.Mnist m && !m.mirrors().isEmpty()) {
      o.add("mirrors", GSON.toJsonTree(m.mirrors().stream().map(URI::toString).toList()));
    }
    return GSON.toJson(o).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads {@code file} (a run's {@code run.json}) strictly: at most 1 MiB of UTF-8, every field of
   * its JSON type and range, numbers exactly as written.
   *
   * @throws IOException {@code "<file>: unreadable run configuration (<field> must be …, found …)"}
   */
  static RunSettings read(Path file) throws IOException {
    JsonFields fields = JsonFields.read(file, "run configuration");
    try {
      return of(fields);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new IOException(file + ": unreadable run configuration (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The settings in {@code f}, each field of its JSON type and range. Fields added after the first
   * release may be absent: {@code emaDecay} (0, no average), {@code classNames} and {@code mirrors}
   * (null).
   */
  static RunSettings of(JsonFields f) {
    JsonFields s = f.object("spec");
    CganConfig model = ConfigJson.read(s.object("model"));
    int batchSize = s.integer("batchSize", 2, Integer.MAX_VALUE);
    long seed = s.whole("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    long iterations = s.whole("iterations", 0, Long.MAX_VALUE);
    float learningRate = s.decimal("learningRate", v -> v > 0, "a number above 0");
    float beta1 = s.decimal("beta1", v -> v >= 0 && v < 1, "a number from 0 to below 1");
    float beta2 = s.decimal("beta2", v -> v >= 0 && v < 1, "a number from 0 to below 1");
    boolean twoStep = s.bool("twoStep");
    float emaDecay =
        s.optionalDecimal(
            "emaDecay", 0f, v -> v >= 0 && v < 1, "a number from 0 (none) to below 1");
    List<String> mirrors = f.optionalStrings("mirrors");
    List<URI> mirrorUris = new ArrayList<>();
    for (int i = 0; mirrors != null && i < mirrors.size(); i++) {
      try {
        mirrorUris.add(URI.create(mirrors.get(i)));
      } catch (IllegalArgumentException e) {
        throw f.refuse("mirrors[" + i + "]", "is not a URL: " + e.getMessage());
      }
    }
    DataSource data;
    try {
      data = DataSource.fromId(f.string("data"), mirrorUris);
    } catch (IllegalArgumentException e) {
      throw new JsonParseException("data: " + e.getMessage());
    }
    String digits = f.string("digits");
    try {
      Labels.parse(digits, model.numClasses(), "digits");
    } catch (IllegalArgumentException e) {
      throw new JsonParseException(e.getMessage());
    }
    List<String> classNames = ConfigJson.classNames(f, model, "spec.model.numClasses");
    int max = Integer.MAX_VALUE;
    return RunSettings.builder(data)
        .network(model)
        .classes(model.numClasses())
        .iterations(iterations)
        .batchSize(batchSize)
        .seed(seed)
        .learningRate(learningRate)
        .adamBetas(beta1, beta2)
        .twoStep(twoStep)
        .emaDecay(emaDecay)
        .sampleInterval(f.integer("sampleInterval", 1, max))
        .checkpointInterval(f.integer("checkpointInterval", 1, max))
        .logInterval(f.integer("logInterval", 1, max))
        .keep(f.integer("keep", 1, max))
        .resultLabels(digits)
        .classNames(classNames)
        .build();
  }
}
