package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refused request: TensorFlow Serving's status code and a one-line {@code {"error"}}. */
class BadRequestTest {
  private static final String PREDICT = "/v1/models/cgan:predict";
  private static final String NOISE = "[" + "0.1,".repeat(99) + "0.1]";

  static Stream<Arguments> badPredictions() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"inputs\": {\"labels\": [1]", 400, "JSON Parse error"),
        Arguments.of("empty body", "", 400, "The document is empty"),
        Arguments.of("not an object", "[1, 2]", 400, "Is not object"),
        Arguments.of(
            "unknown signature",
            "{\"signature_name\": \"nope\", \"inputs\": {}}",
            400,
            "Serving signature name: \"nope\" not found"),
        Arguments.of(
            "signature name not a string",
            "{\"signature_name\": 3, \"inputs\": {}}",
            400,
            "'signature_name' key must be a string"),
        Arguments.of(
            "both instances and inputs",
            "{\"instances\": [], \"inputs\": {}}",
            400,
            "expecting only one of 'inputs' or 'instances'"),
        Arguments.of(
            "neither",
            "{\"signature_name\": \"generate\"}",
            400,
            "Missing 'inputs' or 'instances'"),
        Arguments.of(
            "missing named input",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1]}}",
            400,
            "Missing named input: seed"),
        Arguments.of(
            "wrong dtype: a string label",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [\"a\"], \"seed\": 7}}",
            400,
            "is not of expected type: DT_INT32"),
        Arguments.of(
            "wrong dtype: a fractional seed",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1], \"seed\": 7.5}}",
            400,
            "is not of expected type: DT_INT64"),
        Arguments.of(
            "wrong dtype: same_style as a number",
            "{\"signature_name\": \"generate_styled\", \"inputs\": {\"labels\": [1], \"seed\": 7,"
                + " \"same_style\": 1, \"truncation\": 0}}",
            400,
            "DT_BOOL"),
        Arguments.of(
            "wrong shape: short noise",
            "{\"inputs\": {\"labels\": [1], \"noise\": [[0.1, 0.2]]}}",
            400,
            "must have shape [-1,100]"),
        Arguments.of(
            "wrong shape: a vector seed",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1], \"seed\": [7]}}",
            400,
            "must have shape []"),
        Arguments.of(
            "ragged list",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [[1], 2], \"seed\": 7}}",
            400,
            "found at incorrect level"),
        Arguments.of(
            "batch sizes differ",
            "{\"inputs\": {\"labels\": [1, 2], \"noise\": [" + NOISE + "]}}",
            400,
            "different batch sizes"),
        Arguments.of(
            "rows for a scalar input",
            "{\"signature_name\": \"generate\", \"instances\": [{\"labels\": 1, \"seed\": 7}]}",
            400,
            "is a scalar, which 'instances' (rows) cannot give"),
        Arguments.of(
            "rows with a key missing",
            "{\"instances\": [{\"labels\": 1}]}",
            400,
            "keys must be equal to: labels,noise"),
        Arguments.of(
            "rows as plain values for two inputs",
            "{\"instances\": [1, 2]}",
            400,
            "instances is a plain list"),
        Arguments.of(
            "label outside the classes",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1, 12], \"seed\": 7}}",
            400,
            "class 12 at position 2 is not a class of this model"),
        Arguments.of(
            "negative label in rows",
            "{\"instances\": [{\"labels\": -1, \"noise\": " + NOISE + "}]}",
            400,
            "class -1 at position 1"),
        Arguments.of(
            "negative truncation (the graph's own check)",
            "{\"signature_name\": \"generate_styled\", \"inputs\": {\"labels\": [1], \"seed\": 7,"
                + " \"same_style\": false, \"truncation\": -1}}",
            400,
            "truncation must be positive"),
        Arguments.of(
            "batch beyond the bound",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": ["
                + "1,".repeat(256)
                + "1], \"seed\": 7}}",
            400,
            "a batch of 257 is more than this server's bound of 256"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPredictions")
  void predictRefuses(String what, String body, int status, String message) throws Exception {
    assertError(TinyModel.post(PREDICT, body), status, message);
  }

  static Stream<Arguments> badGets() {
    return Stream.of(
        Arguments.of("/v1/models/other", 404, "Servable not found for request: Latest(other)"),
        Arguments.of("/v1/models/cgan/versions/2", 404, "Specific(cgan, 2)"),
        Arguments.of("/v1/models/cgan/versions/2/metadata", 404, "Specific(cgan, 2)"),
        Arguments.of("/v1/models/other/metadata", 404, "Latest(other)"),
        Arguments.of("/v2/nothing", 404, "Malformed request: GET /v2/nothing"),
        Arguments.of("/v1/models/cgan:predict", 405, "takes POST"),
        Arguments.of("/v1/models/cgan:render", 400, "digits is missing"),
        Arguments.of("/v1/models/cgan:render?digits=12a", 400, "not a digit: 'a' at position 3"),
        Arguments.of(
            "/v1/models/cgan:render?digits=" + "1".repeat(65),
            400,
            "65 digits are more than this server's bound of 64"),
        Arguments.of(
            "/v1/models/cgan:render?digits=1&seed=x",
            400,
            "seed: 'x' is not a seed (a whole number)"),
        Arguments.of(
            "/v1/models/cgan:render?digits=1&labels=1",
            400,
            "digits and labels do not go together"),
        Arguments.of(
            "/v1/models/cgan:render?labels=1,x", 400, "not a class index: 'x' at position 2"),
        Arguments.of("/v1/models/cgan:interpolate?classes=38", 400, "needs two classes I,J"),
        Arguments.of(
            "/v1/models/cgan:interpolate?digits=1&seeds=1,2&seed=3",
            400,
            "seed goes with classes; digits takes two seeds, seeds=A,B"),
        Arguments.of(
            "/v1/models/cgan:render?digits=1&truncation=-2", 400, "truncation must be positive"),
        Arguments.of(
            "/v1/models/cgan:render?digits=1&same_style=maybe",
            400,
            "same_style must be true or false"),
        Arguments.of(
            "/v1/models/cgan:render?digits=1&colour=red", 400, "unknown parameter 'colour'"),
        Arguments.of("/v1/models/cgan:interpolate?digits=1", 400, "needs seeds=A,B"),
        Arguments.of(
            "/v1/models/cgan:interpolate?digits=1&seeds=1,2&steps=61",
            400,
            "steps must be 2 to 60"),
        Arguments.of(
            "/v1/models/cgan:interpolate?digits=" + "1".repeat(20) + "&seeds=1,2&steps=40",
            400,
            "20 digits are more than this server's bound of 16"),
        Arguments.of("/v1/models/cgan:interpolate?classes=3,99", 400, "class 99"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badGets")
  void getRefuses(String path, int status, String message) throws Exception {
    assertError(TinyModel.get(path), status, message);
  }

  @Test
  void aPredictionForAnotherModelOrVersionIs404() throws Exception {
    String body = "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1], \"seed\": 7}}";
    assertError(TinyModel.post("/v1/models/other:predict", body), 404, "Latest(other)");
    assertError(
        TinyModel.post("/v1/models/cgan/versions/3:predict", body), 404, "Specific(cgan, 3)");
  }

  @Test
  void aBodyBeyondTheBoundIs413AndTheConnectionStaysUsable() throws Exception {
    String big = "{\"inputs\": {\"labels\": [1], \"noise\": [" + " ".repeat(1 << 20) + "]}}";
    for (int i = 0; i < 5; i++) {
      assertError(
          TinyModel.post(PREDICT, big), 413, "more than this server's bound of 1048576 bytes");
      assertEquals(200, TinyModel.get("/v1/models/cgan").statusCode());
    }
  }

  static void assertError(HttpResponse<String> r, int status, String fragment) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
    assertEquals(java.util.Set.of("error"), o.keySet(), r.body());
    String message = o.get("error").getAsString();
    assertTrue(message.contains(fragment), message);
    assertTrue(!message.contains("\n") && !message.contains("\tat "), "one line: " + message);
  }
}
