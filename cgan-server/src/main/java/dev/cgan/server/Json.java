package dev.cgan.server;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
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

  /** The longest message an error carries; a culprit quoted in it is cut to fit. */
  static final int MAX_MESSAGE = 300;

  /**
   * A qualified Java exception name ("java.util.concurrent.TimeoutException: "): not for clients.
   */
  private static final Pattern JAVA_EXCEPTION =
      Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)\\b:?\\s*");

  /** {@code {"error": "..."}}, the message made {@link #oneLine one line}. */
  static String error(String message) {
    return "{\"error\":" + string(oneLine(message)) + "}";
  }

  /**
   * The first line of {@code message}, without Java exception names or control characters, cut to
   * {@link #MAX_MESSAGE} characters: what a client may be shown of any message, whoever wrote it.
   */
  static String oneLine(String message) {
    String s = message == null ? "" : message;
    int end = 0;
    while (end < s.length() && s.charAt(end) != '\n' && s.charAt(end) != '\r') {
      end++;
    }
    s = JAVA_EXCEPTION.matcher(s.substring(0, end)).replaceAll("");
    s = s.replaceAll("\\p{Cntrl}", " ").strip();
    if (s.length() > MAX_MESSAGE) {
      int cut =
          Character.isHighSurrogate(s.charAt(MAX_MESSAGE - 2)) ? MAX_MESSAGE - 2 : MAX_MESSAGE - 1;
      s = s.substring(0, cut) + "\u2026";
    }
    return s.isEmpty() ? "error" : s;
  }

  /** GetModelStatusResponse: one version, AVAILABLE. */
  static String status(long version) {
    return "{\"model_version_status\":[{\"version\":\""
        + version
        + "\",\"state\":\"AVAILABLE\",\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}";
  }

  /** GetModelStatusResponse: each version's state and status, as given (highest first). */
  static String status(java.util.List<ModelVersions.Status> versions) {
    StringBuilder out = new StringBuilder("{\"model_version_status\":[");
    boolean first = true;
    for (ModelVersions.Status v : versions) {
      out.append(first ? "" : ",")
          .append("{\"version\":\"")
          .append(v.version())
          .append("\",\"state\":\"")
          .append(v.state())
          .append("\",\"status\":{\"error_code\":\"")
          .append(v.errorCode())
          .append("\",\"error_message\":")
          .append(string(v.errorMessage().isEmpty() ? "" : oneLine(v.errorMessage())))
          .append("}}");
      first = false;
    }
    return out.append("]}").toString();
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
