package dev.cgan.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.Labels;
import dev.cgan.serve.CganGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongConsumer;
import org.tensorflow.Result;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.proto.DataType;

/**
 * {@code POST /v1/models/NAME:predict}: TensorFlow Serving's predict request (row {@code instances}
 * or columnar {@code inputs}, optional {@code signature_name}) in, its response ({@code
 * predictions} or {@code outputs}) out, for any signature of the model.
 *
 * <p>Checked before TensorFlow runs, each a 400: the JSON, the signature, both or neither of {@code
 * instances} and {@code inputs}, each input's dtype, its shape against the signature's, one batch
 * size for all inputs, the server's batch bound, and labels within the model's classes.
 */
final class Predict {
  static final String DEFAULT_SIGNATURE = "serving_default";

  private final CganGenerator generator;
  private final Map<String, Signature> signatures;
  private final int maxBatch;
  private final Expensive expensive;
  private final LongConsumer onBatch;
  private final Batcher batcher;
  private final PaddedBatcher padded;

  /**
   * @param onBatch told the batch size of each generator call
   * @param batcher merges identical concurrent requests into one run; null for none
   * @param padded merges the rows of concurrent requests of the signatures it takes; null for none
   */
  Predict(
      CganGenerator generator,
      int maxBatch,
      Expensive expensive,
      LongConsumer onBatch,
      Batcher batcher,
      PaddedBatcher padded) {
    this.onBatch = onBatch;
    this.batcher = batcher;
    this.padded = padded;
    this.generator = generator;
    this.signatures = generator.signatures();
    this.maxBatch = maxBatch;
    this.expensive = expensive;
  }

  /** The response body for a request body; throws {@link HttpError} for a refused request. */
  String answer(byte[] body) {
    JsonObject request = parse(body);
    String key = signatureName(request);
    Signature sig = signatures.get(key);
    if (sig == null) {
      throw HttpError.badRequest(
          "Serving signature name: " + Json.string(key) + " not found in signature def");
    }
    boolean rows = request.has("instances");
    if (rows && request.has("inputs")) {
      throw HttpError.badRequest(
          "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist");
    }
    if (!rows && !request.has("inputs")) {
      throw HttpError.badRequest("Missing 'inputs' or 'instances' key");
    }
    Map<String, TensorJson.Dense> inputs =
        rows ? fromInstances(request.get("instances"), key, sig) : fromInputs(request, sig);
    Map<String, TensorJson.Dense> outputs = infer(key, inputs);
    return rows ? predictions(outputs) : outputs(outputs);
  }

  /**
   * Checks {@code inputs} against signature {@code key} (shapes, one batch size within the bound,
   * labels within the classes) and runs it: what a predict and an Open Inference Protocol infer
   * share. Every output of the signature, by name.
   *
   * @throws HttpError 400 for inputs the signature refuses
   */
  Map<String, TensorJson.Dense> infer(String key, Map<String, TensorJson.Dense> inputs) {
    long batch = check(key, signatures.get(key), inputs);
    if (padded != null && PaddedBatcher.merges(key)) {
      return expensive.run(
          "a predict of " + batch + " items", batch, () -> padded.infer(key, inputs, (int) batch));
    }
    return batcher == null
        ? call(key, inputs, batch)
        : batcher.run(key, inputs, batch, () -> call(key, inputs, batch));
  }

  private static JsonObject parse(byte[] body) {
    JsonElement json = JsonInput.parse(body);
    if (!json.isJsonObject()) {
      throw HttpError.badRequest("JSON Value: " + json + " Is not object");
    }
    return json.getAsJsonObject();
  }

  private static String signatureName(JsonObject request) {
    JsonElement name = request.get("signature_name");
    if (name == null) {
      return DEFAULT_SIGNATURE;
    }
    if (!name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()) {
      throw HttpError.badRequest("'signature_name' key must be a string value.");
    }
    String s = name.getAsString();
    return s.isEmpty() ? DEFAULT_SIGNATURE : s;
  }

  /** Row format: one element per batch item, stacked along a new first dimension. */
  private Map<String, TensorJson.Dense> fromInstances(
      JsonElement instances, String key, Signature sig) {
    if (!instances.isJsonArray()) {
      throw HttpError.badRequest("Excepting 'instances' to be an list/array");
    }
    JsonArray items = instances.getAsJsonArray();
    if (items.isEmpty()) {
      throw HttpError.badRequest("No values in 'instances' array");
    }
    if (items.size() > maxBatch) {
      throw tooBig(items.size());
    }
    for (var in : sig.getInputs().entrySet()) {
      if (in.getValue().shape.numDimensions() == 0) {
        // Each row adds a batch dimension to every input, so a scalar cannot be given in rows;
        // TensorFlow Serving batches it to [n] and the graph refuses it.
        throw HttpError.badRequest(
            "input '"
                + in.getKey()
                + "' of signature '"
                + key
                + "' is a scalar, which 'instances' (rows) cannot give; send 'inputs' (columnar)"
                + " instead");
      }
    }
    TreeSet<String> names = new TreeSet<>(sig.inputNames());
    boolean objects = items.get(0).isJsonObject();
    if (!objects && names.size() > 1) {
      throw HttpError.badRequest(
          "instances is a plain list, but expecting list of objects as multiple input tensors"
              + " required as per tensorinfo_map");
    }
    Map<String, List<TensorJson.Dense>> columns = new TreeMap<>();
    for (int i = 0; i < items.size(); i++) {
      JsonElement item = items.get(i);
      if (objects != item.isJsonObject()) {
        throw HttpError.badRequest(
            (objects ? "Expecting object but got list" : "Expecting value/list but got object")
                + " at item "
                + i
                + " of input list");
      }
      Map<String, JsonElement> values = new TreeMap<>();
      if (objects) {
        item.getAsJsonObject().asMap().forEach(values::put);
        if (!values.keySet().equals(names)) {
          throw HttpError.badRequest(
              "Failed to process element: "
                  + i
                  + " of 'instances' list. JSON object: "
                  + item
                  + " keys must be equal to: "
                  + String.join(",", names));
        }
      } else {
        values.put(names.first(), item);
      }
      for (var e : values.entrySet()) {
        DataType dtype = sig.getInputs().get(e.getKey()).dataType;
        TensorJson.Dense d;
        try {
          d = TensorJson.read(e.getValue(), dtype, maxValues());
        } catch (HttpError err) {
          throw HttpError.badRequest(
              "Failed to process element: "
                  + i
                  + " key: "
                  + e.getKey()
                  + " of 'instances' list. Error: "
                  + err.getMessage());
        }
        List<TensorJson.Dense> column = columns.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
        if (!column.isEmpty() && !Arrays.equals(column.get(0).shape(), d.shape())) {
          throw HttpError.badRequest(
              "Failed to process element: "
                  + i
                  + " key: "
                  + e.getKey()
                  + " of 'instances' list. Error: Expecting shape "
                  + column.get(0).shapeString()
                  + " but got: "
                  + d.shapeString());
        }
        column.add(d);
      }
    }
    Map<String, TensorJson.Dense> out = new TreeMap<>();
    columns.forEach((name, column) -> out.put(name, stack(column)));
    return out;
  }

  private static TensorJson.Dense stack(List<TensorJson.Dense> column) {
    TensorJson.Dense first = column.get(0);
    long[] shape = new long[first.shape().length + 1];
    shape[0] = column.size();
    System.arraycopy(first.shape(), 0, shape, 1, first.shape().length);
    int per = first.size();
    Object values =
        java.lang.reflect.Array.newInstance(
            first.values().getClass().getComponentType(), per * column.size());
    for (int i = 0; i < column.size(); i++) {
      System.arraycopy(column.get(i).values(), 0, values, i * per, per);
    }
    return new TensorJson.Dense(first.dtype(), shape, values);
  }

  /** Columnar format: one value per named input, batch dimension included. */
  private Map<String, TensorJson.Dense> fromInputs(JsonObject request, Signature sig) {
    JsonElement inputs = request.get("inputs");
    Map<String, TensorJson.Dense> out = new TreeMap<>();
    if (!inputs.isJsonObject()) {
      if (sig.inputNames().size() > 1) {
        throw HttpError.badRequest(
            "inputs is a plain value/list, but expecting an object as multiple input tensors"
                + " required as per tensorinfo_map");
      }
      String name = sig.inputNames().iterator().next();
      out.put(name, TensorJson.read(inputs, sig.getInputs().get(name).dataType, maxValues()));
      return out;
    }
    JsonObject named = inputs.getAsJsonObject();
    for (var in : new TreeMap<>(sig.getInputs()).entrySet()) {
      JsonElement value = named.get(in.getKey());
      if (value == null) {
        throw HttpError.badRequest("Missing named input: " + in.getKey() + " in 'inputs' object.");
      }
      out.put(in.getKey(), TensorJson.read(value, in.getValue().dataType, maxValues()));
    }
    return out;
  }

  /**
   * Shapes against the signature, one batch size within the bound, labels within the classes;
   * returns the batch size.
   */
  private long check(String key, Signature sig, Map<String, TensorJson.Dense> inputs) {
    Map<String, Long> batch = new LinkedHashMap<>();
    for (var e : inputs.entrySet()) {
      long[] want = sig.getInputs().get(e.getKey()).shape.asArray();
      long[] got = e.getValue().shape();
      boolean fits = want.length == got.length;
      for (int i = 0; fits && i < want.length; i++) {
        fits = want[i] < 0 || want[i] == got[i];
      }
      if (!fits) {
        throw HttpError.badRequest(
            "input '"
                + e.getKey()
                + "' of signature '"
                + key
                + "' must have shape "
                + Arrays.toString(want).replace(" ", "")
                + " (-1: any batch size), got "
                + e.getValue().shapeString());
      }
      if (want.length > 0 && want[0] < 0) {
        batch.put(e.getKey(), got[0]);
      }
    }
    if (new TreeSet<>(batch.values()).size() > 1) {
      throw HttpError.badRequest("inputs of different batch sizes: " + batch);
    }
    for (long n : batch.values()) {
      if (n == 0) {
        throw HttpError.badRequest("an empty batch: give at least one item");
      }
      if (n > maxBatch) {
        throw tooBig(n);
      }
    }
    TensorJson.Dense labels = inputs.get("labels");
    if (labels != null && labels.dtype() == DataType.DT_INT32) {
      int[] l = (int[]) labels.values();
      for (int i = 0; i < l.length; i++) {
        try {
          Labels.checkClass(l[i], i, generator.config().numClasses(), "labels");
        } catch (IllegalArgumentException e) {
          throw HttpError.badRequest(e.getMessage());
        }
      }
    }
    return batch.values().stream().mapToLong(Long::longValue).max().orElse(1);
  }

  private HttpError tooBig(long n) {
    return HttpError.badRequest(
        "a batch of " + n + " is more than this server's bound of " + maxBatch + " per request");
  }

  /** The most values one input may hold: a full batch of the widest input (noise). */
  long maxValues() {
    return (long) maxBatch * Math.max(generator.config().latentDim(), 10_000);
  }

  /** One generator call, in an expensive slot when it is large. */
  private Map<String, TensorJson.Dense> call(
      String key, Map<String, TensorJson.Dense> inputs, long batch) {
    onBatch.accept(batch);
    return expensive.run("a predict of " + batch + " items", batch, () -> run(key, inputs));
  }

  private Map<String, TensorJson.Dense> run(String key, Map<String, TensorJson.Dense> inputs) {
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    try {
      for (var e : inputs.entrySet()) {
        feeds.put(e.getKey(), TensorJson.toTensor(e.getValue()));
      }
      try (Result r = generator.call(key, feeds)) {
        Map<String, TensorJson.Dense> out = new TreeMap<>();
        for (var e : r) {
          out.put(e.getKey(), TensorJson.fromTensor(e.getValue()));
        }
        return out;
      }
    } catch (TFInvalidArgumentException e) {
      throw HttpError.badRequest(TensorArrays.firstLine(e.getMessage()));
    } finally {
      feeds.values().forEach(Tensor::close);
    }
  }

  /** Row format: one entry per batch item, a bare value for one output, else an object. */
  private static String predictions(Map<String, TensorJson.Dense> outputs) {
    int n = (int) outputs.values().iterator().next().shape()[0];
    StringBuilder out = new StringBuilder("{\"predictions\":[");
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      if (outputs.size() == 1) {
        TensorJson.writeItem(outputs.values().iterator().next(), i, out);
        continue;
      }
      out.append('{');
      boolean first = true;
      for (var e : outputs.entrySet()) {
        out.append(first ? "" : ",").append(Json.string(e.getKey())).append(':');
        TensorJson.writeItem(e.getValue(), i, out);
        first = false;
      }
      out.append('}');
    }
    return out.append("]}").toString();
  }

  /** Columnar format: the one output's value, or an object of all. */
  private static String outputs(Map<String, TensorJson.Dense> outputs) {
    StringBuilder out = new StringBuilder("{\"outputs\":");
    if (outputs.size() == 1) {
      TensorJson.write(outputs.values().iterator().next(), out);
    } else {
      out.append('{');
      boolean first = true;
      for (var e : outputs.entrySet()) {
        out.append(first ? "" : ",").append(Json.string(e.getKey())).append(':');
        TensorJson.write(e.getValue(), out);
        first = false;
      }
      out.append('}');
    }
    return out.append('}').toString();
  }
}
