package dev.cgan.serve;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cgan.model.Weights;
import dev.cgan.serve.ImageRequest.ClassMorph;
import dev.cgan.serve.ImageRequest.Classes;
import dev.cgan.serve.ImageRequest.Limits;
import dev.cgan.serve.ImageRequest.Morph;
import dev.cgan.serve.ImageRequest.Naming;
import dev.cgan.serve.ImageRequest.Strip;
import dev.cgan.serve.ImageRequest.StyleMorph;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one request grammar, on hand-written values: defaults, bounds, every refusal. */
class ImageRequestTest {
  private static final Classes DIGITS = new Classes(10, null);
  private static final Classes SHAPES = new Classes(3, List.of("circle", "square", "triangle"));
  private static final Limits SERVER = new Limits(64, 60, 640, "this server");

  /** "digits=12&seed=3" as parameters. */
  private static ImageRequest.Params params(String query) {
    Map<String, String> values = new HashMap<>();
    for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return values::get;
  }

  private static Strip strip(String query) {
    return Strip.parse(params(query), Naming.QUERY, Limits.LIBRARY, DIGITS);
  }

  private static Morph morph(String query) {
    return Morph.parse(params(query), Naming.QUERY, Limits.LIBRARY, DIGITS);
  }

  @Test
  void defaults() {
    assertEquals(
        new Strip(List.of(2, 0, 2, 6), 7, Noise.independent(), null), strip("digits=2026"));
    assertEquals(new StyleMorph(List.of(4, 2), 7, 8, 10, 5, null), morph("digits=42&seeds=7,8"));
    assertEquals(new ClassMorph(3, 8, 7, 10, 5, null), morph("classes=3,8"));
    assertEquals(7, ImageRequest.DEFAULT_SEED);
    assertEquals(1, strip("digits=1").frames());
    assertEquals(10, morph("classes=3,8").frames());
  }

  @Test
  void everyValueAsGiven() {
    assertEquals(
        new Strip(List.of(1, 1, 7), -3, Noise.oneStyle().withTruncation(0.7f), Weights.EMA),
        strip("digits=117&seed=-3&same_style=true&truncation=0.7&weights=ema"));
    assertEquals(
        new Strip(List.of(3, 1, 4), 7, Noise.oneStyle(), Weights.RAW),
        strip("digits=3,1,4&same_style=1&weights=RAW"));
    assertEquals(
        new StyleMorph(List.of(0, 1), Long.MIN_VALUE, Long.MAX_VALUE, 2, 100, null),
        morph("digits=01&seeds=-9223372036854775808, 9223372036854775807&steps=2&fps=100"));
    assertEquals(
        new ClassMorph(1, 7, 9, 1000, 1, null), morph("classes=1,7&seed=9&steps=1000&fps=1"));
  }

  /** Absent, empty and 0 in any spelling mean no truncation; a stated minimum above it. */
  @Test
  void truncationZeroIsNoneAndTheMinimumIsStated() {
    Strip none = strip("digits=1");
    for (String zero : new String[] {"", "0", "-0", "0.0", "-0.0e5", ".0", "0e-99"}) {
      assertEquals(none, strip("digits=1&truncation=" + zero), zero);
    }
    assertEquals(0.01f, strip("digits=1&truncation=0.01").noise().truncation());
    assertEquals(1000f, strip("digits=1&truncation=1e3").noise().truncation());
    assertEquals(Float.MAX_VALUE, strip("digits=1&truncation=3.4028235e38").noise().truncation());
  }

  @Test
  void classNamesAreResolvedAgainstTheModelAndIndicesStillWork() {
    Strip s = Strip.parse(params("labels=square,0, triangle,2"), Naming.QUERY, SERVER, SHAPES);
    assertEquals(List.of(1, 0, 2, 2), s.labels());
    assertEquals(
        new ClassMorph(2, 0, 7, 10, 5, null),
        Morph.parse(params("classes=triangle,circle"), Naming.QUERY, SERVER, SHAPES));
    assertEquals(
        "not a class index or name: 'hexagon' at position 2 of --labels circle,hexagon (the"
            + " classes: circle, square, triangle)",
        refusal(
            () ->
                Strip.parse(
                    params("labels=circle,hexagon"), Naming.OPTIONS, Limits.LIBRARY, SHAPES)));
    assertEquals(
        "not a class index: 'x' at position 2 of labels 1,x",
        refusal(() -> Strip.parse(params("labels=1,x"), Naming.QUERY, SERVER, DIGITS)));
  }

  /** Without the model, everything but which labels are classes is checked. */
  @Test
  void aCheckWithoutTheModelFindsSpellingAndBounds() {
    assertDoesNotThrow(
        () -> Strip.check(params("labels=circle,99"), Naming.OPTIONS, Limits.LIBRARY));
    assertDoesNotThrow(
        () -> Morph.check(params("classes=circle,7"), Naming.OPTIONS, Limits.LIBRARY));
    assertEquals(
        "not a digit: 'x' at position 1 of --digits x",
        refusal(() -> Strip.check(params("digits=x"), Naming.OPTIONS, Limits.LIBRARY)));
    assertEquals(
        "not a class index: '' at position 2 of --labels 1,,2",
        refusal(() -> Strip.check(params("labels=1,,2"), Naming.OPTIONS, Limits.LIBRARY)));
    assertEquals(
        "--steps must be 2 to 1000 (the two ends and the steps between), got 1",
        refusal(() -> Morph.check(params("classes=a,b&steps=1"), Naming.OPTIONS, Limits.LIBRARY)));
    assertNull(ImageRequest.weights(params(""), Naming.OPTIONS));
    assertEquals(Weights.EMA, ImageRequest.weights(params("weights=ema"), Naming.OPTIONS));
  }

  /** Each refusal, as the server words it; the command line's is the same with --names. */
  static Stream<Arguments> refusals() {
    String seedRange =
        "is out of range: a seed is a whole number from -9223372036854775808 to"
            + " 9223372036854775807";
    return Stream.of(
        Arguments.of("", "digits is missing: give e.g. digits=2026112701 (or labels=3,1,4)"),
        Arguments.of("digits=1&labels=1", "digits and labels do not go together: give one"),
        Arguments.of("digits=12a", "not a digit: 'a' at position 3 of digits 12a"),
        Arguments.of(
            "digits=1&truncation=1e-40&seed=3",
            "truncation must be at least 0.01 (below it every"
                + " seed draws nearly the same image), or 0 for none, got 1e-40"),
        Arguments.of(
            "digits=19",
            "digits: class 9 at position 2 is not a class of this model (it has classes 0-2)"),
        Arguments.of(
            "labels=-1",
            "labels: class -1 at position 1 is not a class of this model (it has classes 0-2)"),
        Arguments.of("labels=", "labels is empty: give class indices such as 3,1,4"),
        Arguments.of("digits=", "digits is empty: give at least one digit, e.g. 0123456789"),
        Arguments.of("labels= ", "labels is empty: give class indices such as 3,1,4"),
        Arguments.of(
            "digits=" + "1".repeat(65),
            "65 digits are more than this server's bound" + " of 64 per request"),
        Arguments.of(
            "labels=" + "1,".repeat(64) + "1",
            "65 labels are more than this server's" + " bound of 64 per request"),
        Arguments.of("digits=1&seed=x", "seed: 'x' is not a seed (a whole number)"),
        Arguments.of("digits=1&seed=1e3", "seed: '1e3' is not a seed (a whole number)"),
        Arguments.of(
            "digits=1&seed=9223372036854775808", "seed: '9223372036854775808' " + seedRange),
        Arguments.of("digits=1&same_style=maybe", "same_style must be true or false, got 'maybe'"),
        Arguments.of("digits=1&truncation=NaN", "truncation: 'NaN' is not a number"),
        Arguments.of("digits=1&truncation=0x1p3", "truncation: '0x1p3' is not a number"),
        Arguments.of(
            "digits=1&truncation=-0.5", "truncation must be positive, or 0 for none, got -0.5"),
        Arguments.of(
            "digits=1&truncation=0.001",
            "truncation must be at least 0.01 (below it every seed draws nearly the same image),"
                + " or 0 for none, got 0.001"),
        Arguments.of(
            "digits=1&truncation=1e400",
            "truncation must be at most 3.4028235E38 (a float32), or 0 for none, got 1e400"),
        Arguments.of("digits=1&weights=best", "weights must be raw or ema, got 'best'"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("refusals")
  void stripRefusals(String query, String message) {
    Classes three = new Classes(3, null);
    String server = refusal(() -> Strip.parse(params(query), Naming.QUERY, SERVER, three));
    assertEquals(message, server.substring(0, Math.min(server.length(), message.length())));
  }

  static Stream<Arguments> morphRefusals() {
    return Stream.of(
        Arguments.of(
            "digits=1&classes=1,2",
            "digits and classes do not go together: digits=SEQ&seeds=A,B interpolates styles,"
                + " classes=I,J[&seed=S] classes",
            "--digits and --classes do not go together: --digits SEQ --seeds A,B interpolates"
                + " styles, --classes I,J [--seed S] classes"),
        Arguments.of(
            "",
            "give digits=SEQ&seeds=A,B (style interpolation) or classes=I,J[&seed=S] (class"
                + " interpolation)",
            "give --digits SEQ --seeds A,B (style interpolation) or --classes I,J [--seed S]"
                + " (class interpolation)"),
        Arguments.of(
            "classes=1,2&seeds=1,2",
            "seeds goes with digits; classes takes one seed=S",
            "--seeds goes with --digits; --classes takes one --seed S"),
        Arguments.of(
            "classes=12",
            "classes needs two classes I,J, got 12",
            "--classes needs two classes I,J, got 12"),
        Arguments.of(
            "classes=1,9",
            "classes: class 9 at position 2 is not a class of this model (it has classes 0-2)",
            "--classes: class 9 at position 2 is not a class of this model (it has classes 0-2)"),
        Arguments.of(
            "labels=1&seed=3",
            "seed goes with classes; labels takes two seeds, seeds=A,B",
            "--seed goes with --classes; --labels takes two seeds, --seeds A,B"),
        Arguments.of(
            "digits=1",
            "digits needs seeds=A,B: the two styles to move between",
            "--digits needs --seeds A,B: the two styles to move between"),
        Arguments.of(
            "digits=1&seeds=5",
            "seeds needs two seeds A,B, got 5",
            "--seeds needs two seeds A,B, got 5"),
        Arguments.of(
            "digits=1&seeds=5,x",
            "seeds: 'x' is not a seed (a whole number), in 5,x",
            "--seeds: 'x' is not a seed (a whole number), in 5,x"),
        Arguments.of(
            "digits=1&seeds=1,2&steps=1001",
            "steps must be 2 to 60 (the two ends and the steps between; this server's bound),"
                + " got 1001",
            "--steps must be 2 to 1000 (the two ends and the steps between), got 1001"),
        Arguments.of(
            "classes=0,1&steps=4294967306",
            "steps must be 2 to 60 (the two ends and the steps between; this server's bound), got"
                + " 4294967306",
            "--steps must be 2 to 1000 (the two ends and the steps between), got 4294967306"),
        Arguments.of(
            "classes=0,1&steps=ten",
            "steps: 'ten' is not a whole number",
            "--steps: 'ten' is not a whole number"),
        Arguments.of(
            "classes=0,1&fps=0",
            "fps must be 1 to 100 (a GIF's frame delay counts 1/100 s), got 0",
            "--fps must be 1 to 100 (a GIF's frame delay counts 1/100 s), got 0"),
        Arguments.of(
            "digits=" + "1".repeat(20) + "&seeds=1,2&steps=40",
            "20 digits are more than this server's bound of 16 per request",
            null));
  }

  /** The server's and the command line's refusals differ only in how they name parameters. */
  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("morphRefusals")
  void morphRefusals(String query, String server, String options) {
    Classes three = new Classes(3, null);
    assertEquals(server, refusal(() -> Morph.parse(params(query), Naming.QUERY, SERVER, three)));
    if (options != null) {
      assertEquals(
          options,
          refusal(() -> Morph.parse(params(query), Naming.OPTIONS, Limits.LIBRARY, three)));
    }
  }

  @Test
  void recordsKeepTheLibrarysBoundsToo() {
    assertThrows(IllegalArgumentException.class, () -> new ClassMorph(-1, 2, 7, 10, 5, null));
    assertThrows(
        IllegalArgumentException.class, () -> new StyleMorph(List.of(1), 1, 2, 1, 5, null));
    assertThrows(
        IllegalArgumentException.class, () -> new StyleMorph(List.of(1), 1, 2, 9, 0, null));
    assertThrows(
        IllegalArgumentException.class, () -> new Strip(List.of(), 1, Noise.independent(), null));
    assertThrows(IllegalArgumentException.class, () -> new Limits(1, 1001, 1, null));
    assertEquals(List.of(1, 2), new Strip(List.of(1, 2), 7, Noise.independent(), null).labels());
  }

  private static String refusal(Runnable parse) {
    return assertThrows(IllegalArgumentException.class, parse::run).getMessage();
  }
}
