package dev.cgan.server;

import static dev.cgan.server.RawHttp.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Numbers are taken as written: one that does not fit is refused with 400 quoting it as given,
 * never wrapped to another value (steps=4294967306 served as 10), rounded to infinity (1e400 as a
 * noise value gave NaN images) or to nothing (truncation=1e-40 truncated nothing). The grammar is
 * {@link dev.cgan.serve.ImageRequest}'s, the command line's too.
 */
@Timeout(60)
@ExtendWith(TinyModel.Prepared.class)
class ExactNumbersTest {
  private static final String GIF = "/v1/models/cgan:interpolate?digits=1&seeds=1,2";
  private static final String STRIP = "/v1/models/cgan:render?digits=12";
  private static final String STEPS =
      "steps must be 2 to 60 (the two ends and the steps between; this server's bound), got ";
  private static final String AT_LEAST =
      " must be at least 0.01 (below it every seed draws nearly the same image), or 0 for none,"
          + " got ";
  private static final String SEED_RANGE =
      "' is out of range: a seed is a whole number from -9223372036854775808 to"
          + " 9223372036854775807";

  static Stream<Arguments> queries() {
    return Stream.of(
        Arguments.of(GIF + "&steps=4294967306", STEPS + "4294967306"),
        Arguments.of(GIF + "&steps=2147483648", STEPS + "2147483648"),
        Arguments.of(GIF + "&steps=-4294967295", STEPS + "-4294967295"),
        Arguments.of(
            GIF + "&fps=4294967301",
            "fps must be 1 to 100 (a GIF's frame delay counts 1/100 s), got 4294967301"),
        Arguments.of(
            "/v1/models/cgan:interpolate?digits=1&seeds=1,99999999999999999999",
            "seeds: '99999999999999999999" + SEED_RANGE + ", in 1,99999999999999999999"),
        Arguments.of(
            STRIP + "&seed=9223372036854775808", "seed: '9223372036854775808" + SEED_RANGE),
        Arguments.of(STRIP + "&seed=1e3", "seed: '1e3' is not a seed (a whole number)"),
        Arguments.of(STRIP + "&truncation=1e-40", "truncation" + AT_LEAST + "1e-40"),
        Arguments.of(STRIP + "&truncation=1e-50", "truncation" + AT_LEAST + "1e-50"),
        Arguments.of(STRIP + "&truncation=0.001", "truncation" + AT_LEAST + "0.001"),
        Arguments.of(
            STRIP + "&truncation=1e400",
            "truncation must be at most 3.4028235E38 (a float32), or 0 for none, got 1e400"),
        Arguments.of(STRIP + "&truncation=NaN", "truncation: 'NaN' is not a number"),
        Arguments.of(STRIP + "&truncation=Infinity", "truncation: 'Infinity' is not a number"),
        Arguments.of(STRIP + "&truncation=0x1p3", "truncation: '0x1p3' is not a number"),
        Arguments.of(
            STRIP + "&truncation=-0.5", "truncation must be positive, or 0 for none, got -0.5"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void queryNumbersThatDoNotFitAreRefusedAsWritten(String target, String message) throws Exception {
    assertError(
        RawHttp.exchange(TinyModel.server().port(), RawHttp.get("GET", target)), 400, message);
  }

  static Stream<Arguments> bodies() {
    String rest = ",0".repeat(99) + "]]}}";
    return Stream.of(
        Arguments.of(
            "{\"inputs\": {\"labels\": [1], \"noise\": [[1e400" + rest,
            "Cannot convert JSON value: 1e400 to float without loss of precision."),
        Arguments.of(
            "{\"inputs\": {\"labels\": [1], \"noise\": [[-1e39" + rest,
            "Cannot convert JSON value: -1e39 to float without loss of precision."),
        Arguments.of(
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [4294967297], \"seed\": 7}}",
            "JSON Value: 4294967297 Type: Number is not of expected type: DT_INT32"),
        Arguments.of(
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1],"
                + " \"seed\": 9223372036854775808}}",
            "JSON Value: 9223372036854775808 Type: Number is not of expected type: DT_INT64"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("bodies")
  void jsonNumbersThatDoNotFitTheirDtypeAreRefusedAsWritten(String body, String message)
      throws Exception {
    assertError(
        RawHttp.exchange(TinyModel.server().port(), RawHttp.post("/v1/models/cgan:predict", body)),
        400,
        message);
  }

  @Test
  void numbersThatFitAreTakenAsTheyMean() throws Exception {
    // -0 is 0; a float beyond float32's precision rounds to the nearest float, as C's strtof.
    String zero = "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [0], \"seed\": 7}}";
    String minusZero =
        "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [-0], \"seed\": -0}}";
    String seven0 =
        "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [0], \"seed\": 0}}";
    assertEquals(
        TinyModel.post("/v1/models/cgan:predict", seven0).body(),
        TinyModel.post("/v1/models/cgan:predict", minusZero).body());
    assertEquals(200, TinyModel.post("/v1/models/cgan:predict", zero).statusCode());
    // truncation=0 and -0 mean none, as the library's untruncated noise.
    byte[] none = TinyModel.getBytes(STRIP + "&seed=3").body();
    assertArrayEquals(none, TinyModel.getBytes(STRIP + "&seed=3&truncation=0").body());
    assertArrayEquals(none, TinyModel.getBytes(STRIP + "&seed=3&truncation=-0.0e5").body());
    assertEquals(200, TinyModel.getBytes(STRIP + "&truncation=0.01").statusCode());
  }
}
