package dev.cgan.server;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * The Open Inference Protocol's JSON answers ({@code docs/open_inference_rest.yaml}): server
 * metadata, model metadata, model readiness and the infer response, and the protocol's datatype
 * names for TensorFlow's dtypes. Tensor values are written by {@link TensorJson}, as TensorFlow
 * Serving's REST API writes them, so both APIs give the same numbers.
 */
final class InferJson {
  /** The protocol's tensor datatypes. */
  static final List<String> DATATYPES =
      List.of(
          "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16",
          "FP32", "FP64", "BYTES");

  /** The protocol's name of the platform a TensorFlow SavedModel runs on. */
  static final String PLATFORM = "tensorflow_savedmodel";

  /** The extension this server declares: signatures picked by a parameter, listed in metadata. */
  static final String SIGNATURES_EXTENSION = "signatures";

  private InferJson() {}

  /** The protocol's datatype of a TensorFlow dtype, e.g. FP32 for DT_FLOAT; else the dtype name. */
  static String datatype(DataType dtype) {
    return switch (dtype) {
      case DT_BOOL -> "BOOL";
      case DT_UINT8 -> "UINT8";
      case DT_UINT16 -> "UINT16";
      case DT_UINT32 -> "UINT32";
      case DT_UINT64 -> "UINT64";
      case DT_INT8 -> "INT8";
      case DT_INT16 -> "INT16";
      case DT_INT32 -> "INT32";
      case DT_INT64 -> "INT64";
      case DT_HALF -> "FP16";
      case DT_FLOAT -> "FP32";
      case DT_DOUBLE -> "FP64";
      case DT_STRING -> "BYTES";
      default -> dtype.name();
    };
  }

  /** The TensorFlow dtype of one of the protocol's datatypes; null for a name that is not one. */
  static DataType dataType(String datatype) {
    for (DataType d : DataType.values()) {
      if (d != DataType.UNRECOGNIZED
          && DATATYPES.contains(datatype)
          && datatype(d).equals(datatype)) {
        return d;
      }
    }
    return null;
  }

  /** {@code GET /v2}: name, version, extensions. */
  static String serverMetadata(String version) {
    return "{\"name\":\"cgan-java\",\"version\":"
        + Json.string(version)
        + ",\"extensions\":["
        + Json.string(SIGNATURES_EXTENSION)
        + "]}";
  }

  /**
   * {@code GET /v2/models/NAME}: the default signature's inputs and outputs, as the protocol has
   * one list of each; every signature's under {@code signatures} (this server's extension).
   */
  static String modelMetadata(
      String model, long version, String defaultKey, Map<String, Signature> signatures) {
    StringBuilder out = new StringBuilder("{\"name\":");
    out.append(Json.string(model))
        .append(",\"versions\":[\"")
        .append(version)
        .append("\"],\"platform\":\"")
        .append(PLATFORM)
        .append("\",");
    Signature main = signatures.get(defaultKey);
    if (main != null) {
      tensors(main, out);
      out.append(',');
    }
    out.append('"').append(SIGNATURES_EXTENSION).append("\":{");
    boolean first = true;
    for (var e : new TreeMap<>(signatures).entrySet()) {
      out.append(first ? "" : ",").append(Json.string(e.getKey())).append(":{");
      tensors(e.getValue(), out);
      out.append('}');
      first = false;
    }
    return out.append("}}").toString();
  }

  /** {@code "inputs":[...],"outputs":[...]}, each by name in name order. */
  private static void tensors(Signature sig, StringBuilder out) {
    out.append("\"inputs\":");
    metadataTensors(sig.getInputs(), out);
    out.append(",\"outputs\":");
    metadataTensors(sig.getOutputs(), out);
  }

  private static void metadataTensors(
      Map<String, Signature.TensorDescription> tensors, StringBuilder out) {
    out.append('[');
    boolean first = true;
    for (var e : new TreeMap<>(tensors).entrySet()) {
      out.append(first ? "" : ",")
          .append("{\"name\":")
          .append(Json.string(e.getKey()))
          .append(",\"datatype\":\"")
          .append(datatype(e.getValue().dataType))
          .append("\",\"shape\":");
      shape(e.getValue().shape, out);
      out.append('}');
      first = false;
    }
    out.append(']');
  }

  /** Dimensions as numbers, -1 for a variable one (the batch). */
  private static void shape(Shape shape, StringBuilder out) {
    out.append('[');
    if (!shape.isUnknown()) {
      for (int i = 0; i < shape.numDimensions(); i++) {
        out.append(i > 0 ? "," : "").append(shape.get(i) < 0 ? -1 : shape.get(i));
      }
    }
    out.append(']');
  }

  private static void shape(long[] shape, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < shape.length; i++) {
      out.append(i > 0 ? "," : "").append(shape[i]);
    }
    out.append(']');
  }

  /** {@code GET /v2/models/NAME/ready}. */
  static String modelReady(String model) {
    return "{\"name\":" + Json.string(model) + ",\"ready\":true}";
  }

  /**
   * The infer response: the outputs asked for (all, in name order, when none were), each with its
   * name, datatype, shape and flat row-major data.
   */
  static String response(
      String model, long version, InferRequest request, Map<String, TensorJson.Dense> results) {
    StringBuilder out = new StringBuilder("{\"model_name\":");
    out.append(Json.string(model)).append(",\"model_version\":\"").append(version).append('"');
    if (request.id() != null) {
      out.append(",\"id\":").append(Json.string(request.id()));
    }
    out.append(",\"outputs\":[");
    List<String> names =
        request.outputs().isEmpty()
            ? List.copyOf(new TreeMap<>(results).keySet())
            : request.outputs();
    boolean first = true;
    for (String name : names) {
      TensorJson.Dense d = results.get(name);
      out.append(first ? "" : ",")
          .append("{\"name\":")
          .append(Json.string(name))
          .append(",\"datatype\":\"")
          .append(datatype(d.dtype()))
          .append("\",\"shape\":");
      shape(d.shape(), out);
      out.append(",\"data\":");
      TensorJson.writeFlat(d, out);
      out.append('}');
      first = false;
    }
    return out.append("]}").toString();
  }
}
