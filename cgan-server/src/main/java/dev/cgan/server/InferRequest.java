package dev.cgan.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.Signature;
import org.tensorflow.proto.DataType;

/**
 * The body of an Open Inference Protocol infer request ({@code POST /v2/models/NAME/infer}), read
 * and checked against one signature of the model:
 *
 * <pre>{@code
 * {"id": "42", "parameters": {"signature_name": "generate"},
 *  "inputs": [{"name": "labels", "shape": [4], "datatype": "INT32", "data": [2, 0, 2, 6]},
 *             {"name": "seed", "shape": [], "datatype": "INT64", "data": [7]}],
 *  "outputs": [{"name": "pixels"}]}
 * }</pre>
 *
 * <p>{@code parameters.signature_name} picks the signature (default {@code serving_default}).
 * Refused with 400 before TensorFlow runs: a body that is not strict JSON ({@link JsonInput}), a
 * key the protocol does not define, an input or output the signature does not have (or one given
 * twice), a missing input, a datatype other than the signature's, a shape whose element count is
 * not the data's (or nested data shaped otherwise), a value not of the datatype ({@link
 * TensorJson}'s rules, as TensorFlow Serving's REST API), and parameters that are not strings,
 * numbers or booleans. The shape against the signature's, one batch size and the batch bound are
 * then {@link Predict#infer}'s checks, the same as a predict's.
 *
 * @param signature the signature's key
 * @param inputs every input of the signature, by name, shaped as the request says
 * @param outputs the outputs asked for, in the request's order; empty for all of them
 * @param id the request's {@code id}, echoed in the answer; null when it gave none
 */
record InferRequest(
    String signature, Map<String, TensorJson.Dense> inputs, List<String> outputs, String id) {
  /** The request parameter that picks the signature. */
  static final String SIGNATURE_PARAMETER = "signature_name";

  private static final Set<String> REQUEST_KEYS = Set.of("id", "parameters", "inputs", "outputs");
  private static final Set<String> INPUT_KEYS =
      Set.of("name", "shape", "datatype", "parameters", "data");
  private static final Set<String> OUTPUT_KEYS = Set.of("name", "parameters");

  /**
   * Reads {@code body}.
   *
   * @param maxValues the most values one input may hold (as a predict's)
   * @throws HttpError 400 naming what is wrong
   */
  static InferRequest parse(byte[] body, Map<String, Signature> signatures, long maxValues) {
    JsonElement json = JsonInput.parse(body);
    if (!json.isJsonObject()) {
      throw HttpError.badRequest("the infer request must be a JSON object, got " + json);
    }
    JsonObject request = json.getAsJsonObject();
    knownKeys(request, REQUEST_KEYS, "the infer request");
    String id = null;
    if (request.has("id")) {
      id = string(request.get("id"), "'id'");
    }
    JsonObject parameters = parameters(request.get("parameters"), "the request's 'parameters'");
    String key = Predict.DEFAULT_SIGNATURE;
    if (parameters != null && parameters.has(SIGNATURE_PARAMETER)) {
      key = string(parameters.get(SIGNATURE_PARAMETER), "parameters." + SIGNATURE_PARAMETER);
    }
    Signature sig = signatures.get(key);
    if (sig == null) {
      throw HttpError.badRequest(
          "no signature "
              + Json.string(key)
              + " in this model (parameters."
              + SIGNATURE_PARAMETER
              + "): it has "
              + String.join(", ", new TreeSet<>(signatures.keySet())));
    }
    Map<String, TensorJson.Dense> inputs = inputs(request.get("inputs"), key, sig, maxValues);
    List<String> outputs = outputs(request.get("outputs"), key, sig);
    return new InferRequest(key, inputs, outputs, id);
  }

  private static Map<String, TensorJson.Dense> inputs(
      JsonElement json, String key, Signature sig, long maxValues) {
    if (json == null) {
      throw HttpError.badRequest("the infer request has no 'inputs'");
    }
    if (!json.isJsonArray()) {
      throw HttpError.badRequest("'inputs' must be a list of input objects, got " + json);
    }
    Map<String, TensorJson.Dense> out = new TreeMap<>();
    JsonArray items = json.getAsJsonArray();
    for (int i = 0; i < items.size(); i++) {
      String where = "inputs[" + i + "]";
      if (!items.get(i).isJsonObject()) {
        throw HttpError.badRequest(where + " must be an object, got " + items.get(i));
      }
      JsonObject input = items.get(i).getAsJsonObject();
      knownKeys(input, INPUT_KEYS, where);
      String name = string(required(input, "name", where), where + ".name");
      Signature.TensorDescription want = sig.getInputs().get(name);
      if (want == null) {
        throw HttpError.badRequest(
            "unknown input "
                + Json.string(name)
                + " of signature '"
                + key
                + "': it takes "
                + String.join(", ", new TreeSet<>(sig.inputNames())));
      }
      if (out.containsKey(name)) {
        throw HttpError.badRequest("input " + Json.string(name) + " is given twice");
      }
      parameters(input.get("parameters"), "the 'parameters' of input '" + name + "'");
      String datatype = string(required(input, "datatype", where), where + ".datatype");
      if (InferJson.dataType(datatype) == null) {
        throw HttpError.badRequest(
            "input '"
                + name
                + "': datatype "
                + Json.string(datatype)
                + " is not one of the protocol's ("
                + String.join(", ", InferJson.DATATYPES)
                + ")");
      }
      String expected = InferJson.datatype(want.dataType);
      if (!datatype.equals(expected)) {
        throw HttpError.badRequest(
            "input '"
                + name
                + "' of signature '"
                + key
                + "' has datatype "
                + expected
                + ", got "
                + datatype);
      }
      long[] shape = shape(required(input, "shape", where), name, maxValues);
      out.put(name, data(required(input, "data", where), name, want.dataType, shape, maxValues));
    }
    TreeSet<String> missing = new TreeSet<>(sig.inputNames());
    missing.removeAll(out.keySet());
    if (!missing.isEmpty()) {
      throw HttpError.badRequest(
          "missing input"
              + (missing.size() > 1 ? "s " : " ")
              + String.join(", ", missing)
              + " of signature '"
              + key
              + "' (it takes "
              + String.join(", ", new TreeSet<>(sig.inputNames()))
              + ")");
    }
    return out;
  }

  /** A list of whole numbers from 0, each an integer token, with at most maxValues elements. */
  private static long[] shape(JsonElement json, String name, long maxValues) {
    String what = "the shape of input '" + name + "'";
    if (!json.isJsonArray()) {
      throw HttpError.badRequest(what + " must be a list of whole numbers, got " + json);
    }
    JsonArray dims = json.getAsJsonArray();
    long[] shape = new long[dims.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonElement d = dims.get(i);
      String text =
          d.isJsonPrimitive() && d.getAsJsonPrimitive().isNumber() ? d.getAsString() : null;
      long v = -1;
      if (text != null && text.matches("[0-9]{1,18}")) {
        v = Long.parseLong(text);
      }
      if (v < 0) {
        throw HttpError.badRequest(
            what + " must be a list of whole numbers from 0, got " + d + " in " + json);
      }
      shape[i] = v;
      count = Math.min(count * Math.min(v, maxValues + 1), maxValues + 1);
    }
    if (count > maxValues) {
      throw HttpError.badRequest(
          what
              + " "
              + json
              + " is more than this server's bound of "
              + maxValues
              + " values per input");
    }
    return shape;
  }

  /**
   * The data, flat or nested, as a tensor of {@code shape}: flat data must hold the shape's count
   * of elements, nested data must be nested as the shape.
   */
  private static TensorJson.Dense data(
      JsonElement json, String name, DataType dtype, long[] shape, long maxValues) {
    if (!json.isJsonArray()) {
      throw HttpError.badRequest(
          "the data of input '" + name + "' must be a list (flat or nested), got " + json);
    }
    TensorJson.Dense d;
    try {
      d = TensorJson.read(json, dtype, maxValues);
    } catch (HttpError e) {
      throw HttpError.badRequest("input '" + name + "': " + e.getMessage());
    }
    String declared = Arrays.toString(shape).replace(" ", "");
    if (d.shape().length > 1 && !Arrays.equals(d.shape(), shape)) {
      throw HttpError.badRequest(
          "the data of input '"
              + name
              + "' is nested as "
              + d.shapeString()
              + ", not as its shape "
              + declared
              + " (give it flat, or nested as the shape)");
    }
    long count = 1;
    for (long n : shape) {
      count *= n;
    }
    if (d.size() != count) {
      throw HttpError.badRequest(
          "input '"
              + name
              + "' has shape "
              + declared
              + " ("
              + count
              + (count == 1 ? " value" : " values")
              + "), but its data holds "
              + d.size());
    }
    return new TensorJson.Dense(d.dtype(), shape, d.values());
  }

  private static List<String> outputs(JsonElement json, String key, Signature sig) {
    List<String> out = new ArrayList<>();
    if (json == null) {
      return out;
    }
    if (!json.isJsonArray()) {
      throw HttpError.badRequest("'outputs' must be a list of output objects, got " + json);
    }
    JsonArray items = json.getAsJsonArray();
    for (int i = 0; i < items.size(); i++) {
      String where = "outputs[" + i + "]";
      if (!items.get(i).isJsonObject()) {
        throw HttpError.badRequest(where + " must be an object, got " + items.get(i));
      }
      JsonObject output = items.get(i).getAsJsonObject();
      knownKeys(output, OUTPUT_KEYS, where);
      String name = string(required(output, "name", where), where + ".name");
      if (!sig.getOutputs().containsKey(name)) {
        throw HttpError.badRequest(
            "unknown output "
                + Json.string(name)
                + " of signature '"
                + key
                + "': it gives "
                + String.join(", ", new TreeSet<>(sig.getOutputs().keySet())));
      }
      if (out.contains(name)) {
        throw HttpError.badRequest("output " + Json.string(name) + " is asked for twice");
      }
      parameters(output.get("parameters"), "the 'parameters' of output '" + name + "'");
      out.add(name);
    }
    return out;
  }

  /**
   * The protocol's parameters: an object of strings, numbers and booleans; null when absent. Those
   * this server does not know are accepted and ignored.
   */
  private static JsonObject parameters(JsonElement json, String what) {
    if (json == null) {
      return null;
    }
    if (!json.isJsonObject()) {
      throw HttpError.badRequest(what + " must be an object, got " + json);
    }
    JsonObject parameters = json.getAsJsonObject();
    for (Map.Entry<String, JsonElement> e : parameters.entrySet()) {
      if (!e.getValue().isJsonPrimitive()) {
        throw HttpError.badRequest(
            what
                + ": "
                + Json.string(e.getKey())
                + " must be a string, a number or a boolean, got "
                + e.getValue());
      }
    }
    return parameters;
  }

  private static void knownKeys(JsonObject object, Set<String> known, String what) {
    Map<String, JsonElement> unknown = new LinkedHashMap<>(object.asMap());
    unknown.keySet().removeAll(known);
    if (!unknown.isEmpty()) {
      throw HttpError.badRequest(
          what
              + " has the key "
              + Json.string(unknown.keySet().iterator().next())
              + ", which the protocol does not define there (it takes "
              + String.join(", ", new TreeSet<>(known))
              + ")");
    }
  }

  private static JsonElement required(JsonObject object, String key, String what) {
    JsonElement value = object.get(key);
    if (value == null) {
      throw HttpError.badRequest(what + " has no " + Json.string(key));
    }
    return value;
  }

  private static String string(JsonElement json, String what) {
    if (!json.isJsonPrimitive() || !((JsonPrimitive) json).isString()) {
      throw HttpError.badRequest(what + " must be a string, got " + json);
    }
    return json.getAsString();
  }
}
