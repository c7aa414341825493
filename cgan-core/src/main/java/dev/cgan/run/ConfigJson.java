package dev.cgan.run;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import dev.cgan.internal.JsonFields;
import dev.cgan.model.Architecture;
import dev.cgan.model.CganConfig;
import dev.cgan.model.ConvPlan;
import java.util.List;

/**
 * A {@link CganConfig} as {@code run.json} and {@code cgan.json} store it, read field by field so
 * that a wrong value is named by its place in the file ({@code spec.model.numClasses}) rather than
 * found later by TensorFlow.
 */
public final class ConfigJson {
  private ConfigJson() {}

  private static int channels(JsonFields m) {
    int c = m.integer("channels", 1, 3, "1 (grey) or 3 (RGB)");
    if (c == 2) {
      throw m.refuse("channels", "must be 1 (grey) or 3 (RGB), found 2");
    }
    return c;
  }

  /**
   * The JSON object of {@code c}: the record's own field names, in its order; {@code arch}, {@code
   * width} and {@code conditioning} only for a conv network, so that the reference's files are what
   * they were.
   */
  public static JsonObject write(CganConfig c) {
    JsonObject o = new JsonObject();
    o.addProperty("numClasses", c.numClasses());
    o.addProperty("latentDim", c.latentDim());
    o.addProperty("imageSize", c.imageSize());
    o.addProperty("channels", c.channels());
    o.addProperty("batchNormEps", c.batchNormEps());
    o.addProperty("batchNormMomentum", c.batchNormMomentum());
    o.addProperty("dropoutRate", c.dropoutRate());
    o.addProperty("leakySlope", c.leakySlope());
    if (c.arch() != Architecture.MLP) {
      o.addProperty("arch", c.arch().id());
      o.addProperty("width", c.width());
      o.addProperty("conditioning", c.conditioning().id());
    }
    return o;
  }

  /** Writes a {@link CganConfig} for Gson as {@link #write} does. */
  public static final JsonSerializer<CganConfig> SERIALIZER = (c, type, context) -> write(c);

  /**
   * The network's shape from its JSON object (the record's own field names). Files written before
   * the conv network have no {@code arch}: they are the reference, {@code mlp}; conv files written
   * before D's conditioning became a choice have no {@code conditioning}: theirs is the projection.
   */
  public static CganConfig read(JsonFields m) {
    String archName = m.optionalString("arch");
    Architecture arch;
    try {
      arch = archName == null ? Architecture.MLP : Architecture.of(archName);
    } catch (IllegalArgumentException e) {
      throw m.wrong("arch", "\"mlp\" or \"conv\"", new JsonPrimitive(archName));
    }
    int width =
        arch == Architecture.MLP
            ? 0
            : m.integer(
                "width",
                CganConfig.MIN_WIDTH,
                CganConfig.MAX_WIDTH,
                CganConfig.MIN_WIDTH + " to " + CganConfig.MAX_WIDTH);
    if (arch == Architecture.MLP && m.has("width")) {
      throw m.refuse("width", "applies to the conv network only");
    }
    if (arch == Architecture.MLP && m.has("conditioning")) {
      throw m.refuse("conditioning", "applies to the conv network only");
    }
    ConvPlan.Conditioning conditioning = null;
    if (arch == Architecture.CONV) {
      String name = m.optionalString("conditioning");
      try {
        conditioning =
            name == null ? ConvPlan.Conditioning.PROJECTION : ConvPlan.Conditioning.of(name);
      } catch (IllegalArgumentException e) {
        throw m.wrong("conditioning", "\"channel\" or \"projection\"", new JsonPrimitive(name));
      }
    }
    return new CganConfig(
        m.integer("numClasses", 2, CganConfig.MAX_CLASSES),
        m.integer("latentDim", 1, CganConfig.MAX_LATENT_DIM),
        m.integer("imageSize", 1, CganConfig.MAX_IMAGE_SIZE),
        channels(m),
        m.decimal("batchNormEps", v -> v > 0, "a number above 0"),
        m.decimal("batchNormMomentum", v -> v > 0 && v <= 1, "a number above 0, at most 1"),
        m.decimal("dropoutRate", v -> v >= 0 && v < 1, "a number from 0 to below 1"),
        m.decimal("leakySlope", v -> true, "a number"),
        arch,
        width,
        conditioning);
  }

  /**
   * The optional {@code classNames} of {@code f}: one name per class of {@code model}, whose class
   * count the file holds at {@code countPath}.
   */
  public static List<String> classNames(JsonFields f, CganConfig model, String countPath) {
    List<String> names = f.optionalStrings("classNames");
    if (names != null && names.size() != model.numClasses()) {
      throw f.refuse(
          "classNames",
          "must name the "
              + model.numClasses()
              + " classes of "
              + countPath
              + ", found "
              + names.size()
              + " names");
    }
    return names;
  }
}
