package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cgan.image.Gif;
import dev.cgan.image.Png;
import dev.cgan.model.Weights;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Noise;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
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
 * TensorFlow Serving's documented request bodies sent to the server; every answer checked against
 * what the library itself gives for the same inputs, bit for bit.
 */
class RestApiTest {
  private static final CganGenerator G = TinyModel.generator();

  private static JsonObject json(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  @Test
  void modelStatusIsVersionOneAvailableWithAndWithoutTheVersion() throws Exception {
    String expected =
        "{\"model_version_status\":[{\"version\":\"1\",\"state\":\"AVAILABLE\","
            + "\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}";
    assertEquals(expected, TinyModel.get("/v1/models/cgan").body());
    assertEquals(expected, TinyModel.get("/v1/models/cgan/versions/1").body());
  }

  @Test
  void metadataGivesEverySignatureAsTheSavedModelsMetaGraphHasIt() throws Exception {
    JsonObject meta = json(TinyModel.get("/v1/models/cgan/metadata"));
    assertEquals(
        JsonParser.parseString("{\"name\":\"cgan\",\"signature_name\":\"\",\"version\":\"1\"}"),
        meta.get("model_spec"));
    assertEquals(meta, json(TinyModel.get("/v1/models/cgan/versions/1/metadata")));
    JsonObject defs =
        meta.getAsJsonObject("metadata")
            .getAsJsonObject("signature_def")
            .getAsJsonObject("signature_def");
    try (SavedModelBundle b = SavedModelBundle.load(TinyModel.savedModel().toString(), "serve")) {
      Map<String, SignatureDef> want = b.metaGraphDef().getSignatureDefMap();
      assertEquals(want.keySet(), defs.keySet());
      for (var e : want.entrySet()) {
        JsonObject got = defs.getAsJsonObject(e.getKey());
        assertEquals(e.getValue().getMethodName(), got.get("method_name").getAsString());
        assertTensorInfos(e.getValue().getInputsMap(), got.getAsJsonObject("inputs"));
        assertTensorInfos(e.getValue().getOutputsMap(), got.getAsJsonObject("outputs"));
      }
    }
  }

  private static void assertTensorInfos(Map<String, TensorInfo> want, JsonObject got) {
    assertEquals(want.keySet(), got.keySet());
    for (var e : want.entrySet()) {
      JsonObject t = got.getAsJsonObject(e.getKey());
      assertEquals(e.getValue().getName(), t.get("name").getAsString());
      assertEquals(e.getValue().getDtype().name(), t.get("dtype").getAsString());
      JsonObject shape = t.getAsJsonObject("tensor_shape");
      assertEquals(false, shape.get("unknown_rank").getAsBoolean());
      List<Long> dims = new ArrayList<>();
      shape
          .getAsJsonArray("dim")
          .forEach(d -> dims.add(d.getAsJsonObject().get("size").getAsLong()));
      List<Long> wantDims = new ArrayList<>();
      e.getValue().getTensorShape().getDimList().forEach(d -> wantDims.add(d.getSize()));
      assertEquals(wantDims, dims, e.getKey());
    }
  }

  @Test
  void generateInColumnsGivesTheLibrarysPixelsAndImages() throws Exception {
    // The README's TensorFlow Serving request, as sent to TF Serving itself.
    String body =
        "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [2, 0, 2, 6], \"seed\": 7}}";
    for (String path : List.of("/v1/models/cgan:predict", "/v1/models/cgan/versions/1:predict")) {
      JsonObject outputs = json(TinyModel.post(path, body)).getAsJsonObject("outputs");
      int[] labels = {2, 0, 2, 6};
      assertArrayEquals(G.pixels(labels, 7), bytes(outputs.get("pixels")));
      float[][] images = G.generate(labels, 7);
      float[] flat = floats(outputs.get("images"));
      for (int i = 0; i < images.length; i++) {
        for (int j = 0; j < images[i].length; j++) {
          assertEquals(images[i][j], flat[i * images[i].length + j], "exact float " + i + "," + j);
        }
      }
      assertEquals(4, outputs.getAsJsonArray("pixels").size());
      assertEquals(32, outputs.getAsJsonArray("pixels").get(0).getAsJsonArray().size());
    }
  }

  @Test
  void servingDefaultInRowsGivesOnePlainListPerInstanceAsTheLibrary() throws Exception {
    float[][] noise = new float[3][100];
    Random r = new Random(1);
    for (float[] row : noise) {
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) r.nextGaussian();
      }
    }
    int[] labels = {3, 1, 4};
    StringBuilder rows = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < 3; i++) {
      rows.append(i > 0 ? "," : "")
          .append("{\"labels\": ")
          .append(labels[i])
          .append(", \"noise\": [");
      for (int j = 0; j < 100; j++) {
        rows.append(j > 0 ? "," : "").append(noise[i][j]);
      }
      rows.append("]}");
    }
    rows.append("]}");
    JsonArray predictions =
        json(TinyModel.post("/v1/models/cgan:predict", rows.toString()))
            .getAsJsonArray("predictions");
    assertEquals(3, predictions.size());
    // One output (images): each prediction is the [32, 32, 1] list itself, not an object.
    assertTrue(predictions.get(0).isJsonArray());
    float[] want;
    try (TInt32 l = TInt32.vectorOf(labels);
        TFloat32 z = TFloat32.tensorOf(StdArrays.ndCopyOf(noise));
        Result res = G.call("serving_default", Map.<String, Tensor>of("labels", l, "noise", z))) {
      want = dev.cgan.internal.TensorArrays.floats((TFloat32) res.get("images").orElseThrow());
    }
    assertArrayEquals(want, floats(predictions));
  }

  @Test
  void generateMixedInRowsGivesAnObjectPerInstance() throws Exception {
    String z = "[" + "0.5,".repeat(99) + "0.5]";
    String oneHot3 = "[0,0,0,1,0,0,0,0,0,0]";
    String body =
        "{\"signature_name\": \"generate_mixed\", \"instances\": [{\"noise\": "
            + z
            + ", \"label_weights\": "
            + oneHot3
            + "}]}";
    JsonArray predictions =
        json(TinyModel.post("/v1/models/cgan:predict", body)).getAsJsonArray("predictions");
    JsonObject first = predictions.get(0).getAsJsonObject();
    assertEquals(java.util.Set.of("images", "pixels"), first.keySet());
    // One-hot weights are the plain label: serving_default's image for label 3 and this noise.
    String same = "{\"inputs\": {\"labels\": [3], \"noise\": [" + z + "]}}";
    JsonElement images = json(TinyModel.post("/v1/models/cgan:predict", same)).get("outputs");
    assertArrayEquals(floats(images), floats(first.get("images")));
  }

  @Test
  void generateStyledInColumnsGivesTheLibrarysSameStyleTruncatedPixels() throws Exception {
    String body =
        "{\"signature_name\": \"generate_styled\", \"inputs\": {\"labels\": [1, 1, 2], \"seed\": 9,"
            + " \"same_style\": true, \"truncation\": 0.5}}";
    JsonObject outputs =
        json(TinyModel.post("/v1/models/cgan:predict", body)).getAsJsonObject("outputs");
    assertEquals(java.util.Set.of("images", "noise", "pixels"), outputs.keySet());
    Noise noise = Noise.oneStyle().withTruncation(0.5f);
    assertArrayEquals(G.pixels(new int[] {1, 1, 2}, 9, noise), bytes(outputs.get("pixels")));
  }

  /** {@code labels} and {@code digits} are two spellings of one strip; defaults are the CLI's. */
  @Test
  void labelsAndDefaultsAreTheGrammarsOfTheCommandLine() throws Exception {
    byte[] digits = TinyModel.getBytes("/v1/models/cgan:render?digits=20&seed=7").body();
    assertArrayEquals(digits, TinyModel.getBytes("/v1/models/cgan:render?labels=2,0").body());
    assertArrayEquals(Png.encode(G.render(new int[] {2, 0}, 7)), digits);
    assertArrayEquals(
        Gif.encode(G.interpolateClasses(3, 8, 7, 10), 5),
        TinyModel.getBytes("/v1/models/cgan:interpolate?classes=3,%208").body());
  }

  /** The weights are chosen when the server starts: naming them is fine, naming others is not. */
  @Test
  void aRequestMayNameOnlyTheWeightsServed() throws Exception {
    String served = G.weights().id();
    String other = G.weights() == Weights.EMA ? "raw" : "ema";
    assertEquals(
        200, TinyModel.getBytes("/v1/models/cgan:render?digits=1&weights=" + served).statusCode());
    BadRequestTest.assertError(
        TinyModel.get("/v1/models/cgan:render?digits=1&weights=" + other),
        400,
        "weights=" + other + ": this server draws from the " + served + " weights");
  }

  @Test
  void renderAndInterpolateGiveTheLibrarysPictures() throws Exception {
    HttpResponse<byte[]> png =
        TinyModel.getBytes(
            "/v1/models/cgan:render?digits=2026112701&seed=7&same_style=true&truncation=0.7");
    assertEquals(200, png.statusCode());
    assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
    BufferedImage got = ImageIO.read(new ByteArrayInputStream(png.body()));
    BufferedImage want =
        G.render(
            dev.cgan.model.Labels.parseDigits("2026112701", 10),
            7,
            Noise.oneStyle().withTruncation(0.7f));
    assertEquals(320, got.getWidth());
    assertEquals(32, got.getHeight());
    assertArrayEquals(pixels(want), pixels(got));
    assertArrayEquals(Png.encode(want), png.body());

    HttpResponse<byte[]> gif =
        TinyModel.getBytes("/v1/models/cgan:interpolate?digits=42&seeds=7,8&steps=4");
    assertEquals(200, gif.statusCode());
    assertEquals("image/gif", gif.headers().firstValue("Content-Type").orElse(""));
    assertArrayEquals(Gif.encode(G.interpolateStyle(new int[] {4, 2}, 7, 8, 4), 5), gif.body());
    try (ImageInputStream in =
        ImageIO.createImageInputStream(new ByteArrayInputStream(gif.body()))) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertEquals(4, reader.getNumImages(true));
      assertEquals(64, reader.read(0).getWidth());
    }
  }

  @Test
  void thePageIsServedWithTheModelName() throws Exception {
    HttpResponse<String> page = TinyModel.get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("content=\"cgan\""), page.body());
  }

  static byte[] pixels(BufferedImage image) {
    byte[] out = new byte[image.getWidth() * image.getHeight()];
    image.getRaster().getDataElements(0, 0, image.getWidth(), image.getHeight(), out);
    return out;
  }

  /** All numbers of a nested JSON list, in order, as bytes. */
  static byte[] bytes(JsonElement e) {
    List<Number> n = new ArrayList<>();
    flatten(e, n);
    byte[] out = new byte[n.size()];
    for (int i = 0; i < out.length; i++) {
      int v = n.get(i).intValue();
      assertTrue(v >= 0 && v <= 255, "a grey level: " + v);
      out[i] = (byte) v;
    }
    return out;
  }

  /** All numbers of a nested JSON list, in order, read as floats the way a client reads them. */
  static float[] floats(JsonElement e) {
    List<Number> n = new ArrayList<>();
    flatten(e, n);
    float[] out = new float[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.parseFloat(n.get(i).toString());
    }
    return out;
  }

  private static void flatten(JsonElement e, List<Number> out) {
    if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> flatten(x, out));
    } else {
      out.add(e.getAsNumber());
    }
  }
}
