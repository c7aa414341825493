package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cgan.Version;
import dev.cgan.internal.TensorArrays;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Noise;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The Open Inference Protocol's REST API: metadata from the SavedModel, readiness, and infer
 * answers equal, bit for bit, to TensorFlow Serving's {@code :predict} on the same server and to
 * the library ({@link CganGenerator}). Every request sent and every answer got is validated against
 * {@code docs/open_inference_rest.yaml} ({@link OipSchema}).
 */
class OpenInferenceTest {
  private static final CganGenerator G = TinyModel.generator();
  private static final String INFER = "/v2/models/cgan/infer";
  private static final String PREDICT = "/v1/models/cgan:predict";

  /** A 200 JSON answer, validated against component {@code schema}. */
  static JsonObject get(String path, String schema) throws Exception {
    HttpResponse<String> r = TinyModel.get(path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    OipSchema.assertValid(schema, r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  /** An infer request and its 200 answer, both validated against the schema. */
  static JsonObject infer(String path, String body) throws Exception {
    OipSchema.assertValid("inference_request", body);
    HttpResponse<String> r = TinyModel.post(path, body);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    OipSchema.assertValid("inference_response", r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  /** The outputs of an infer answer by name. */
  static Map<String, JsonObject> outputs(JsonObject answer) {
    Map<String, JsonObject> out = new TreeMap<>();
    answer.getAsJsonArray("outputs").forEach(o -> out.put(name(o), o.getAsJsonObject()));
    return out;
  }

  private static String name(JsonElement output) {
    return output.getAsJsonObject().get("name").getAsString();
  }

  private static List<Long> longs(JsonElement list) {
    List<Long> out = new ArrayList<>();
    list.getAsJsonArray().forEach(e -> out.add(e.getAsLong()));
    return out;
  }

  @Test
  void serverMetadataNamesTheServerItsVersionAndItsExtension() throws Exception {
    JsonObject meta = get("/v2", "metadata_server_response");
    assertEquals("cgan-java", meta.get("name").getAsString());
    assertEquals(Version.project(), meta.get("version").getAsString());
    assertEquals(JsonParser.parseString("[\"signatures\"]"), meta.get("extensions"));
    assertEquals(meta, get("/v2/", "metadata_server_response"));
  }

  @Test
  void modelMetadataIsTheSavedModelsDefaultSignatureAndListsEveryOther() throws Exception {
    JsonObject meta = get("/v2/models/cgan", "metadata_model_response");
    assertEquals(meta, get("/v2/models/cgan/versions/1", "metadata_model_response"));
    assertEquals("cgan", meta.get("name").getAsString());
    assertEquals(JsonParser.parseString("[\"1\"]"), meta.get("versions"));
    assertEquals("tensorflow_savedmodel", meta.get("platform").getAsString());
    JsonObject signatures = meta.getAsJsonObject("signatures");
    try (SavedModelBundle b = SavedModelBundle.load(TinyModel.savedModel().toString(), "serve")) {
      Map<String, SignatureDef> want = b.metaGraphDef().getSignatureDefMap();
      assertEquals(want.keySet(), signatures.keySet());
      SignatureDef serving = want.get("serving_default");
      assertTensors(serving.getInputsMap(), meta.getAsJsonArray("inputs"));
      assertTensors(serving.getOutputsMap(), meta.getAsJsonArray("outputs"));
      for (var e : want.entrySet()) {
        JsonObject s = signatures.getAsJsonObject(e.getKey());
        assertTensors(e.getValue().getInputsMap(), s.getAsJsonArray("inputs"));
        assertTensors(e.getValue().getOutputsMap(), s.getAsJsonArray("outputs"));
        for (String part : List.of("inputs", "outputs")) {
          for (JsonElement t : s.getAsJsonArray(part)) {
            OipSchema.assertValid("metadata_tensor", t.toString());
          }
        }
      }
    }
    // As the README's table says: labels INT32 [-1], noise FP32 [-1,100] -> images FP32.
    assertEquals(
        JsonParser.parseString(
            "[{\"name\":\"labels\",\"datatype\":\"INT32\",\"shape\":[-1]},"
                + "{\"name\":\"noise\",\"datatype\":\"FP32\",\"shape\":[-1,100]}]"),
        meta.get("inputs"));
  }

  private static void assertTensors(Map<String, TensorInfo> want, JsonArray got) {
    Map<String, JsonObject> byName = new TreeMap<>();
    got.forEach(t -> byName.put(name(t), t.getAsJsonObject()));
    assertEquals(new TreeMap<>(want).keySet(), byName.keySet());
    for (var e : want.entrySet()) {
      JsonObject t = byName.get(e.getKey());
      String datatype =
          switch (e.getValue().getDtype()) {
            case DT_FLOAT -> "FP32";
            case DT_INT32 -> "INT32";
            case DT_INT64 -> "INT64";
            case DT_BOOL -> "BOOL";
            case DT_UINT8 -> "UINT8";
            default -> throw new AssertionError(e.getValue().getDtype().name());
          };
      assertEquals(datatype, t.get("datatype").getAsString(), e.getKey());
      List<Long> dims = new ArrayList<>();
      e.getValue().getTensorShape().getDimList().forEach(d -> dims.add(d.getSize()));
      assertEquals(dims, longs(t.get("shape")), e.getKey());
    }
  }

  @Test
  void theModelAndItsVersionAreReady() throws Exception {
    String ready = "{\"name\":\"cgan\",\"ready\":true}";
    assertEquals(ready, TinyModel.get("/v2/models/cgan/ready").body());
    assertEquals(ready, TinyModel.get("/v2/models/cgan/versions/1/ready").body());
    OipSchema.assertValid("ready_model_response", ready);
    OipSchema.assertValid("live_server_response", TinyModel.get("/v2/health/live").body());
    OipSchema.assertValid("ready_server_response", TinyModel.get("/v2/health/ready").body());
  }

  @Test
  void generateGivesThePixelsOfPredictAndOfTheLibraryFlatOrNested() throws Exception {
    int[] labels = {2, 0, 2, 6};
    String flat =
        "{\"id\": \"r-1\", \"parameters\": {\"signature_name\": \"generate\"}, \"inputs\": ["
            + "{\"name\": \"labels\", \"shape\": [4], \"datatype\": \"INT32\", \"data\": [2,0,2,6]},"
            + "{\"name\": \"seed\", \"shape\": [], \"datatype\": \"INT64\", \"data\": [7]}]}";
    JsonObject answer = infer(INFER, flat);
    assertEquals("cgan", answer.get("model_name").getAsString());
    assertEquals("1", answer.get("model_version").getAsString());
    assertEquals("r-1", answer.get("id").getAsString());
    Map<String, JsonObject> out = outputs(answer);
    assertEquals(List.of("images", "pixels"), new ArrayList<>(out.keySet()));
    JsonObject pixels = out.get("pixels");
    assertEquals("UINT8", pixels.get("datatype").getAsString());
    assertEquals(List.of(4L, 32L, 32L, 1L), longs(pixels.get("shape")));
    assertEquals(4 * 32 * 32, pixels.getAsJsonArray("data").size());
    assertFalse(pixels.getAsJsonArray("data").get(0).isJsonArray(), "flat data");
    JsonObject images = out.get("images");
    assertEquals("FP32", images.get("datatype").getAsString());

    // The library, bit for bit.
    assertArrayEquals(G.pixels(labels, 7), RestApiTest.bytes(pixels.get("data")));
    float[][] want = G.generate(labels, 7);
    float[] got = RestApiTest.floats(images.get("data"));
    for (int i = 0; i < want.length; i++) {
      for (int j = 0; j < want[i].length; j++) {
        assertEquals(
            Float.floatToRawIntBits(want[i][j]),
            Float.floatToRawIntBits(got[i * want[i].length + j]),
            "image " + i + ", value " + j);
      }
    }

    // TensorFlow Serving's predict on the same server: the same numbers, written the same way.
    JsonObject predicted =
        JsonParser.parseString(
                TinyModel.post(
                        PREDICT,
                        "{\"signature_name\": \"generate\","
                            + " \"inputs\": {\"labels\": [2, 0, 2, 6], \"seed\": 7}}")
                    .body())
            .getAsJsonObject()
            .getAsJsonObject("outputs");
    assertEquals(flatText(predicted.get("pixels")), pixels.get("data").toString());
    assertEquals(flatText(predicted.get("images")), images.get("data").toString());

    // Nested data, the version's path, no id: the same outputs; no id in the answer.
    String nested =
        "{\"parameters\": {\"signature_name\": \"generate\"}, \"inputs\": ["
            + "{\"name\": \"seed\", \"shape\": [], \"datatype\": \"INT64\", \"data\": [7]},"
            + "{\"name\": \"labels\", \"shape\": [4], \"datatype\": \"INT32\", \"data\": [2,0,2,6],"
            + " \"parameters\": {\"content_type\": \"np\"}}]}";
    JsonObject again = infer("/v2/models/cgan/versions/1/infer", nested);
    assertFalse(again.has("id"));
    assertEquals(answer.get("outputs"), again.get("outputs"));
  }

  /** A nested JSON list written flat, as its text: [[1,2],[3]] is [1,2,3]. */
  private static String flatText(JsonElement nested) {
    JsonArray flat = new JsonArray();
    flatten(nested, flat);
    return flat.toString();
  }

  private static void flatten(JsonElement e, JsonArray out) {
    if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> flatten(x, out));
    } else {
      out.add(e);
    }
  }

  @Test
  void servingDefaultTakesNoiseFlatOrNestedAndGivesTheLibrarysImages() throws Exception {
    float[][] noise = new float[3][100];
    Random r = new Random(11);
    StringBuilder flat = new StringBuilder();
    StringBuilder nested = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      nested.append(i > 0 ? "," : "").append('[');
      for (int j = 0; j < 100; j++) {
        noise[i][j] = (float) r.nextGaussian();
        String v = Float.toString(noise[i][j]);
        flat.append(i + j > 0 ? "," : "").append(v);
        nested.append(j > 0 ? "," : "").append(v);
      }
      nested.append(']');
    }
    int[] labels = {3, 1, 4};
    String template =
        "{\"inputs\": [{\"name\": \"labels\", \"shape\": [3], \"datatype\": \"INT32\","
            + " \"data\": [3, 1, 4]}, {\"name\": \"noise\", \"shape\": [3, 100], \"datatype\":"
            + " \"FP32\", \"data\": [%s]}], \"outputs\": [{\"name\": \"images\"}]}";
    JsonObject a = infer(INFER, template.formatted(flat));
    JsonObject b = infer(INFER, template.formatted(nested));
    assertEquals(a, b);
    JsonObject images = outputs(a).get("images");
    assertEquals(List.of(3L, 32L, 32L, 1L), longs(images.get("shape")));
    float[] want;
    try (TInt32 l = TInt32.vectorOf(labels);
        TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        Result res = G.call("serving_default", Map.<String, Tensor>of("labels", l, "noise", z))) {
      want = TensorArrays.floats((TFloat32) res.get("images").orElseThrow());
    }
    float[] got = RestApiTest.floats(images.get("data"));
    assertEquals(want.length, got.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "at " + i);
    }
    String columnar = "{\"inputs\": {\"labels\": [3, 1, 4], \"noise\": [" + nested + "]}}";
    JsonElement predicted =
        JsonParser.parseString(TinyModel.post(PREDICT, columnar).body())
            .getAsJsonObject()
            .get("outputs");
    assertEquals(flatText(predicted), images.get("data").toString());
  }

  @Test
  void generateStyledTakesEveryDatatypeAndGivesTheOutputsAskedForInTheirOrder() throws Exception {
    String body =
        "{\"parameters\": {\"signature_name\": \"generate_styled\"}, \"inputs\": ["
            + "{\"name\": \"labels\", \"shape\": [3], \"datatype\": \"INT32\", \"data\": [1,1,2]},"
            + "{\"name\": \"seed\", \"shape\": [], \"datatype\": \"INT64\", \"data\": [9]},"
            + "{\"name\": \"same_style\", \"shape\": [], \"datatype\": \"BOOL\", \"data\": [true]},"
            + "{\"name\": \"truncation\", \"shape\": [], \"datatype\": \"FP32\", \"data\": [0.5]}],"
            + " \"outputs\": [{\"name\": \"pixels\"}, {\"name\": \"noise\"}]}";
    JsonObject answer = infer(INFER, body);
    JsonArray outputs = answer.getAsJsonArray("outputs");
    assertEquals(2, outputs.size());
    assertEquals("pixels", name(outputs.get(0)));
    assertEquals("noise", name(outputs.get(1)));
    assertEquals(List.of(3L, 100L), longs(outputs.get(1).getAsJsonObject().get("shape")), "noise");
    Noise noise = Noise.oneStyle().withTruncation(0.5f);
    assertArrayEquals(
        G.pixels(new int[] {1, 1, 2}, 9, noise),
        RestApiTest.bytes(outputs.get(0).getAsJsonObject().get("data")));
    JsonObject predicted =
        JsonParser.parseString(
                TinyModel.post(
                        PREDICT,
                        "{\"signature_name\": \"generate_styled\", \"inputs\": {\"labels\":"
                            + " [1, 1, 2], \"seed\": 9, \"same_style\": true, \"truncation\":"
                            + " 0.5}}")
                    .body())
            .getAsJsonObject()
            .getAsJsonObject("outputs");
    assertEquals(
        flatText(predicted.get("noise")), outputs.get(1).getAsJsonObject().get("data").toString());
  }

  @Test
  void generateMixedWithOneHotWeightsIsServingDefaultsImage() throws Exception {
    String z = "0.5,".repeat(99) + "0.5";
    String mixed =
        "{\"parameters\": {\"signature_name\": \"generate_mixed\"}, \"inputs\": ["
            + "{\"name\": \"noise\", \"shape\": [1, 100], \"datatype\": \"FP32\", \"data\": ["
            + z
            + "]}, {\"name\": \"label_weights\", \"shape\": [1, 10], \"datatype\": \"FP32\","
            + " \"data\": [[0,0,0,1,0,0,0,0,0,0]]}], \"outputs\": [{\"name\": \"images\"}]}";
    String plain =
        "{\"inputs\": [{\"name\": \"noise\", \"shape\": [1, 100], \"datatype\": \"FP32\","
            + " \"data\": ["
            + z
            + "]}, {\"name\": \"labels\", \"shape\": [1], \"datatype\": \"INT32\", \"data\": [3]}]}";
    assertEquals(infer(INFER, plain).get("outputs"), infer(INFER, mixed).get("outputs"));
  }

  @Test
  void theMetricsCountInfersAndMetadataUnderTheirOwnEndpoints() throws Exception {
    infer(
        INFER,
        "{\"inputs\": [{\"name\": \"labels\", \"shape\": [1], \"datatype\": \"INT32\","
            + " \"data\": [1]}, {\"name\": \"noise\", \"shape\": [1, 100], \"datatype\":"
            + " \"FP32\", \"data\": ["
            + "0,".repeat(99)
            + "0]}]}");
    get("/v2/models/cgan", "metadata_model_response");
    String text = TinyModel.get("/monitoring/prometheus/metrics").body();
    assertTrue(text.contains("cgan_http_requests_total{code=\"200\",endpoint=\"infer\"}"), text);
    assertTrue(text.contains("cgan_http_requests_total{code=\"200\",endpoint=\"metadata\"}"), text);
  }

  /** The validator is a real one: it refuses what the schema does not allow. */
  @Test
  void theSchemaRefusesAnswersAndRequestsThatAreNotTheProtocols() {
    assertFalse(OipSchema.errors("inference_response", "{\"model_name\": \"cgan\"}").isEmpty());
    assertFalse(
        OipSchema.errors(
                "inference_response",
                "{\"model_name\": \"cgan\", \"outputs\": [{\"name\": \"x\", \"shape\": [1],"
                    + " \"datatype\": \"FLOAT32\", \"data\": [1]}]}")
            .isEmpty());
    assertFalse(
        OipSchema.errors(
                "inference_request",
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\","
                    + " \"data\": {\"a\": 1}}]}")
            .isEmpty());
    assertFalse(
        OipSchema.errors("inference_request", "{\"inputs\": [], \"parameters\": {\"a\": [1]}}")
            .isEmpty());
    assertFalse(OipSchema.errors("metadata_server_response", "{\"name\": \"x\"}").isEmpty());
    assertFalse(OipSchema.errors("error_response", "{\"message\": \"x\"}").isEmpty());
    assertTrue(
        OipSchema.errors(
                "inference_request",
                "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 2], \"datatype\": \"BOOL\","
                    + " \"data\": [[true, false], [false, true]]}]}")
            .isEmpty());
  }
}
