package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every refused Open Inference Protocol request: its status and the protocol's {@code {"error"}},
 * validated against {@code docs/open_inference_rest.yaml}; and a request refused on v2 is refused
 * on TensorFlow Serving's predict when it says the same thing there (one strictness for both).
 */
class OpenInferenceErrorsTest {
  private static final String INFER = "/v2/models/cgan/infer";
  private static final String PREDICT = "/v1/models/cgan:predict";

  /** One input object. */
  static String in(String name, String shape, String datatype, String data) {
    return "{\"name\": \""
        + name
        + "\", \"shape\": "
        + shape
        + ", \"datatype\": \""
        + datatype
        + "\", \"data\": "
        + data
        + "}";
  }

  /** A generate request with these input objects. */
  static String generate(String... inputs) {
    return "{\"parameters\": {\"signature_name\": \"generate\"}, \"inputs\": ["
        + String.join(", ", inputs)
        + "]}";
  }

  static final String SEED = in("seed", "[]", "INT64", "[7]");
  static final String LABELS = in("labels", "[2]", "INT32", "[1, 2]");

  static Stream<Arguments> badInfers() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"inputs\": [", "JSON Parse error"),
        Arguments.of("empty body", "", "The document is empty"),
        Arguments.of("not an object", "[1]", "must be a JSON object"),
        Arguments.of("no inputs", "{\"id\": \"1\"}", "has no 'inputs'"),
        Arguments.of("inputs not a list", "{\"inputs\": {}}", "'inputs' must be a list"),
        Arguments.of("an input not an object", "{\"inputs\": [3]}", "inputs[0] must be an object"),
        Arguments.of(
            "an unknown key", "{\"inputs\": [], \"output\": []}", "has the key \"output\""),
        Arguments.of(
            "an unknown key in an input",
            generate(SEED, LABELS.replace("\"data\"", "\"dtype\": 1, \"data\"")),
            "has the key \"dtype\""),
        Arguments.of("id not a string", "{\"id\": 42, \"inputs\": []}", "'id' must be a string"),
        Arguments.of(
            "unknown signature",
            "{\"parameters\": {\"signature_name\": \"nope\"}, \"inputs\": []}",
            "no signature \"nope\""),
        Arguments.of(
            "signature name not a string",
            "{\"parameters\": {\"signature_name\": 3}, \"inputs\": []}",
            "parameters.signature_name must be a string"),
        Arguments.of(
            "a parameter that is an object",
            "{\"parameters\": {\"x\": {}}, \"inputs\": []}",
            "must be a string, a number or a boolean"),
        Arguments.of(
            "unknown input name",
            generate(SEED, LABELS, in("z", "[1]", "FP32", "[1]")),
            "unknown input \"z\" of signature 'generate': it takes labels, seed"),
        Arguments.of("input given twice", generate(SEED, LABELS, LABELS), "is given twice"),
        Arguments.of(
            "missing input", generate(LABELS), "missing input seed of signature 'generate'"),
        Arguments.of(
            "missing name",
            generate(SEED, "{\"shape\": [1], \"datatype\": \"INT32\", \"data\": [1]}"),
            "has no \"name\""),
        Arguments.of(
            "missing data",
            generate(SEED, "{\"name\": \"labels\", \"shape\": [1], \"datatype\": \"INT32\"}"),
            "has no \"data\""),
        Arguments.of(
            "wrong datatype",
            generate(SEED, in("labels", "[2]", "INT64", "[1, 2]")),
            "input 'labels' of signature 'generate' has datatype INT32, got INT64"),
        Arguments.of(
            "not a datatype",
            generate(SEED, in("labels", "[2]", "int32", "[1, 2]")),
            "datatype \"int32\" is not one of the protocol's"),
        Arguments.of(
            "a value not of the datatype",
            generate(SEED, in("labels", "[2]", "INT32", "[1, 2.5]")),
            "is not of expected type: DT_INT32"),
        Arguments.of(
            "a string value",
            generate(in("seed", "[]", "INT64", "[\"7\"]"), LABELS),
            "is not of expected type: DT_INT64"),
        Arguments.of(
            "a float beyond float32",
            "{\"inputs\": ["
                + in("labels", "[1]", "INT32", "[1]")
                + ", "
                + in("noise", "[1, 100]", "FP32", "[1e39" + ",0".repeat(99) + "]")
                + "]}",
            "Cannot convert JSON value: 1e39 to float"),
        Arguments.of(
            "shape and data counts differ",
            generate(SEED, in("labels", "[3]", "INT32", "[1, 2]")),
            "input 'labels' has shape [3] (3 values), but its data holds 2"),
        Arguments.of(
            "nested otherwise than the shape",
            generate(SEED, in("labels", "[4]", "INT32", "[[1, 2], [3, 4]]")),
            "is nested as [2,2], not as its shape [4]"),
        Arguments.of(
            "ragged nested data",
            generate(SEED, in("labels", "[2, 2]", "INT32", "[[1, 2], [3]]")),
            "Encountered list at unexpected size"),
        Arguments.of(
            "a negative dimension",
            generate(SEED, in("labels", "[-1]", "INT32", "[1]")),
            "must be a list of whole numbers from 0"),
        Arguments.of(
            "a fractional dimension",
            generate(SEED, in("labels", "[1.0]", "INT32", "[1]")),
            "must be a list of whole numbers from 0"),
        Arguments.of(
            "data not a list",
            generate(SEED, in("labels", "[1]", "INT32", "1")),
            "must be a list (flat or nested)"),
        Arguments.of(
            "a shape beyond the bound",
            generate(SEED, in("labels", "[100000, 100000]", "INT32", "[1]")),
            "is more than this server's bound of"),
        Arguments.of(
            "a shape the signature does not take",
            generate(in("seed", "[1]", "INT64", "[7]"), LABELS),
            "input 'seed' of signature 'generate' must have shape [] (-1: any batch size), got"
                + " [1]"),
        Arguments.of(
            "inputs of different batch sizes",
            "{\"inputs\": ["
                + in("labels", "[2]", "INT32", "[1, 2]")
                + ", "
                + in("noise", "[1, 100]", "FP32", "[" + "0,".repeat(99) + "0]")
                + "]}",
            "inputs of different batch sizes"),
        Arguments.of(
            "a label outside the classes",
            generate(SEED, in("labels", "[1]", "INT32", "[10]")),
            "labels"),
        Arguments.of(
            "more than the batch bound",
            generate(SEED, in("labels", "[257]", "INT32", "[" + "1,".repeat(256) + "1]")),
            "a batch of 257 is more than this server's bound of 256 per request"),
        Arguments.of(
            "an empty batch", generate(SEED, in("labels", "[0]", "INT32", "[]")), "an empty batch"),
        Arguments.of(
            "unknown output",
            "{\"parameters\": {\"signature_name\": \"generate\"}, \"inputs\": ["
                + SEED
                + ", "
                + LABELS
                + "], \"outputs\": [{\"name\": \"noise\"}]}",
            "unknown output \"noise\" of signature 'generate': it gives images, pixels"),
        Arguments.of(
            "output asked twice",
            "{\"parameters\": {\"signature_name\": \"generate\"}, \"inputs\": ["
                + SEED
                + ", "
                + LABELS
                + "], \"outputs\": [{\"name\": \"pixels\"}, {\"name\": \"pixels\"}]}",
            "is asked for twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInfers")
  void aBadInferIsA400WithTheProtocolsErrorBody(String what, String body, String fragment)
      throws Exception {
    assertError(TinyModel.post(INFER, body), 400, fragment);
  }

  /** The same mistake said to TF Serving's predict and to infer: both refuse it. */
  static Stream<Arguments> sameMistakes() {
    return Stream.of(
        Arguments.of(
            generate(in("labels", "[1]", "INT32", "[1.5]"), SEED),
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1.5], \"seed\": 7}}"),
        Arguments.of(
            generate(in("labels", "[1]", "INT32", "[4294967297]"), SEED),
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [4294967297], \"seed\":"
                + " 7}}"),
        Arguments.of(
            generate(in("labels", "[1]", "INT32", "[1]"), in("seed", "[]", "INT64", "[7.0]")),
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1], \"seed\": 7.0}}"),
        Arguments.of(
            generate(in("labels", "[1]", "INT32", "[10]"), SEED),
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [10], \"seed\": 7}}"),
        Arguments.of(
            generate(in("labels", "[1]", "INT32", "[1]"), in("seed", "[1]", "INT64", "[7]")),
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1], \"seed\": [7]}}"),
        Arguments.of(
            "{\"inputs\": ["
                + in("labels", "[1]", "INT32", "[1]")
                + ", "
                + in("noise", "[1, 99]", "FP32", "[" + "0,".repeat(98) + "0]")
                + "]}",
            "{\"inputs\": {\"labels\": [1], \"noise\": [[" + "0,".repeat(98) + "0]]}}"),
        Arguments.of(
            "{\"inputs\": ["
                + in("labels", "[1]", "INT32", "[1]")
                + ", "
                + in("noise", "[1, 100]", "FP32", "[true" + ",0".repeat(99) + "]")
                + "]}",
            "{\"inputs\": {\"labels\": [1], \"noise\": [[true" + ",0".repeat(99) + "]]}}"));
  }

  @ParameterizedTest
  @MethodSource("sameMistakes")
  void whatPredictRefusesInferRefuses(String infer, String predict) throws Exception {
    HttpResponse<String> v1 = TinyModel.post(PREDICT, predict);
    assertEquals(400, v1.statusCode(), v1.body());
    assertError(TinyModel.post(INFER, infer), 400, "");
  }

  static Stream<Arguments> badPaths() {
    return Stream.of(
        Arguments.of("GET", "/v2/models/other", 404, "model \"other\" is not served here"),
        Arguments.of("GET", "/v2/models/other/ready", 404, "is not served here"),
        Arguments.of("GET", "/v2/models/cgan/versions/2", 404, "has no version \"2\""),
        Arguments.of("GET", "/v2/models/cgan/versions/2/ready", 404, "has no version"),
        Arguments.of("POST", "/v2/models/other/infer", 404, "is not served here"),
        Arguments.of("POST", "/v2/models/cgan/versions/2/infer", 404, "has no version"),
        Arguments.of("GET", "/v2/models", 404, "Malformed request"),
        Arguments.of("GET", "/v2/repository/index", 404, "Malformed request"),
        Arguments.of("GET", "/v2/models/cgan/infer", 405, "takes POST, not GET"),
        Arguments.of("POST", "/v2/models/cgan", 405, "takes GET or HEAD, not POST"),
        Arguments.of("POST", "/v2", 405, "takes GET or HEAD, not POST"),
        Arguments.of("DELETE", "/v2/models/cgan/ready", 405, "not DELETE"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badPaths")
  void unknownModelsVersionsPathsAndMethods(String method, String path, int status, String text)
      throws Exception {
    HttpResponse<String> r =
        TinyModel.HTTP.send(
            HttpRequest.newBuilder(TinyModel.uri(path))
                .method(
                    method,
                    method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{\"inputs\": []}")
                        : HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertError(r, status, text);
  }

  @Test
  void aBodyBeyondTheBoundIs413() throws Exception {
    String big = "{\"inputs\": [], \"id\": \"" + "x".repeat((1 << 20) + 10) + "\"}";
    assertError(TinyModel.post(INFER, big), 413, "is more than this server's bound");
  }

  static void assertError(HttpResponse<String> r, int status, String fragment) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    OipSchema.assertValid("error_response", r.body());
    String error =
        com.google.gson.JsonParser.parseString(r.body())
            .getAsJsonObject()
            .get("error")
            .getAsString();
    assertTrue(error.contains(fragment), error);
    assertTrue(!error.contains("Exception") && !error.contains("\n"), error);
  }
}
