package dev.cgan.cli;

import dev.cgan.model.Weights;
import dev.cgan.serve.ImageRequest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options that several commands share, as picocli mixins. */
final class Options {
  private Options() {}

  /** {@code --model DIR}: a training run folder or an exported SavedModel. */
  static final class Model {
    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path dir;
  }

  /** {@code --model RUN}: a training run folder. */
  static final class Run {
    @Option(names = "--model", required = true, paramLabel = "RUN")
    Path dir;
  }

  /**
   * {@code --weights raw|ema}: which generator weights; default the run's average if it has one.
   */
  static final class WeightsChoice {
    @Option(names = "--weights", paramLabel = "W", converter = WeightsConverter.class)
    Weights value;
  }

  static final class WeightsConverter implements ITypeConverter<Weights> {
    @Override
    public Weights convert(String value) {
      try {
        return Weights.of(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected raw or ema, got '" + value + "'");
      }
    }
  }

  /** {@code --seed S} of the noise, default {@link ImageRequest#DEFAULT_SEED}. */
  static final class Seed {
    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + ImageRequest.DEFAULT_SEED)
    long value;
  }

  /**
   * Option values by {@link ImageRequest}'s parameter names, from pairs of name and value (null:
   * not given), for the one parser the server uses too. What it refuses is an {@link
   * IllegalArgumentException}: a usage error, one line, as {@link Main} reports it.
   */
  static ImageRequest.Params params(String... pairs) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      values.put(pairs[i], pairs[i + 1]);
    }
    return values::get;
  }

  /**
   * Numbers as typed, exactly: a whole number must fit its type (picocli would say "'2147483648' is
   * not an int"), and a decimal one must be written in decimal (not hex, no "f" suffix, no NaN or
   * Infinity) and be one a float holds, not one that rounds to infinity, 0 or a denormal (1e-45
   * would silently become 1.4E-45, which TensorFlow's kernels treat as 0).
   */
  static void registerNumbers(CommandLine command) {
    ITypeConverter<Integer> ints = s -> (int) whole(s, Integer.MIN_VALUE, Integer.MAX_VALUE);
    ITypeConverter<Long> longs = s -> whole(s, Long.MIN_VALUE, Long.MAX_VALUE);
    ITypeConverter<Float> floats = Options::decimal;
    command
        .registerConverter(Integer.class, ints)
        .registerConverter(Integer.TYPE, ints)
        .registerConverter(Long.class, longs)
        .registerConverter(Long.TYPE, longs)
        .registerConverter(Float.class, floats)
        .registerConverter(Float.TYPE, floats);
  }

  private static long whole(String typed, long min, long max) {
    String expected = "a whole number from " + min + " to " + max;
    if (!typed.matches("[-+]?\\d{1,100}")) {
      throw refused(expected, typed);
    }
    BigDecimal v = new BigDecimal(typed);
    if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw refused(expected, typed);
    }
    return v.longValueExact();
  }

  private static float decimal(String typed) {
    BigDecimal v = null;
    try {
      v = typed.length() <= 100 ? new BigDecimal(typed) : null;
    } catch (NumberFormatException e) {
      // Refused below, with what was typed.
    }
    if (v == null) {
      throw refused("a decimal number such as 0.25", typed);
    }
    if (v.signum() == 0) {
      return 0f;
    }
    // Compared as decimals, before converting: 1e999999999 is never expanded.
    BigDecimal size = v.abs();
    if (size.compareTo(new BigDecimal(Float.MAX_VALUE)) > 0
        || size.compareTo(new BigDecimal(Float.MIN_NORMAL)) < 0) {
      throw refused(
          "a decimal number a float holds (0, or "
              + Float.MIN_NORMAL
              + " to "
              + Float.MAX_VALUE
              + " either side of it)",
          typed);
    }
    return v.floatValue();
  }

  private static TypeConversionException refused(String expected, String typed) {
    String shown = typed.length() <= 100 ? typed : typed.substring(0, 100) + "...";
    return new TypeConversionException("expected " + expected + ", got '" + shown + "'");
  }
}
