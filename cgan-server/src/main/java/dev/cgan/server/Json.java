package dev.cgan.server;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;

/**
 * The JSON bodies of TensorFlow Serving's model status, model metadata and error answers, in the
 * shape its REST API prints the protobufs ({@code GetModelStatusResponse}, {@code
 * GetModelMetadataResponse} with its {@code SignatureDefMap}): proto field names, int64 as strings,
 * default values printed.
 */
final class Json {
  // Quotes and '<' as they are: the answers are JSON for programs, not HTML.
  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private Json() {}

  /** A JSON string literal. */
  static String string(String s) {
    return GSON.toJson(s);
  }

  /** {@code {"error": "..."}}. */
  static String error(String message) {
    return "{\"error\":" + string(message) + "}";
  }

  /** GetModelStatusResponse: one version, AVAILABLE. */
  static String status(long version) {
    return "{\"model_version_status\":[{\"version\":\""
        + version
        + "\",\"state\":\"AVAILABLE\",\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}";
  }

  /** GetModelMetadataResponse: model_spec and the signature_def map, signatures by key. */
  static String metadata(String model, long version, Map<String, Signature> signatures) {
    StringBuilder out = new StringBuilder();
    out.append("{\"model_spec\":{\"name\":")
        .append(string(model))
        .append(",\"signature_name\":\"\",\"version\":\"")
        .append(version)
        .append("\"},\"metadata\":{\"signature_def\":{\"signature_def\":{");
    boolean first = true;
    for (var e : new TreeMap<>(signatures).entrySet()) {
      out.append(first ? "" : ",").append(string(e.getKey())).append(":{\"inputs\":");
      tensorInfos(e.getValue().getInputs(), out);
      out.append(",\"outputs\":");
      tensorInfos(e.getValue().getOutputs(), out);
      out.append(",\"method_name\":")
          .append(string(e.getValue().methodName()))
          .append(",\"defaults\":{}}");
      first = false;
    }
    return out.append("}}}}").toString();
  }

  private static void tensorInfos(
      Map<String, Signature.TensorDescription> infos, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (var e : new TreeMap<>(infos).entrySet()) {
      Signature.TensorDescription t = e.getValue();
      out.append(first ? "" : ",")
          .append(string(e.getKey()))
          .append(":{\"dtype\":\"")
          .append(t.dataType.name())
          .append("\",\"tensor_shape\":");
      shape(t.shape, out);
      out.append(",\"name\":").append(string(t.name)).append('}');
      first = false;
    }
    out.append('}');
  }

  private static void shape(Shape shape, StringBuilder out) {
    out.append("{\"dim\":[");
    if (!shape.isUnknown()) {
      for (int i = 0; i < shape.numDimensions(); i++) {
        out.append(i > 0 ? "," : "")
            .append("{\"size\":\"")
            .append(shape.get(i))
            .append("\",\"name\":\"\"}");
      }
    }
    out.append("],\"unknown_rank\":").append(shape.isUnknown()).append('}');
  }
}
