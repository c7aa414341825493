package dev.cgan.server;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * The query parameters of a GET, read exactly: each name known and given once, each number taken as
 * written (a value that does not fit is refused quoting it, never wrapped or rounded to something
 * else).
 */
final class Query {
  private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");

  /** A JSON-like decimal: what {@link Float#parseFloat} would also take, without NaN and hex. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private final Fields fields;

  private Query(Fields fields) {
    this.fields = fields;
  }

  /**
   * The request's parameters.
   *
   * @throws HttpError 400 for a query that does not decode, a name not in {@code known}, or a name
   *     given twice
   */
  static Query of(Request request, Set<String> known) {
    Fields fields;
    try {
      fields = Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw HttpError.badRequest(
          "the query '"
              + request.getHttpURI().getQuery()
              + "' does not decode: use %XX escapes of UTF-8 bytes");
    }
    for (Fields.Field f : fields) {
      checkPrintable(f.getName(), "the name of a parameter");
      if (!known.contains(f.getName())) {
        throw HttpError.badRequest(
            "unknown parameter '"
                + f.getName()
                + "'; this endpoint takes "
                + String.join(", ", known.stream().sorted().toList()));
      }
      List<String> values = f.getValues();
      if (values.size() > 1) {
        throw HttpError.badRequest(
            "parameter '" + f.getName() + "' is given " + values.size() + " times; give it once");
      }
      checkPrintable(values.get(0), "parameter '" + f.getName() + "'");
    }
    return new Query(fields);
  }

  /** Refuses control characters, which a message quoting the value could not show. */
  private static void checkPrintable(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        throw HttpError.badRequest(
            what
                + " holds the control character U+"
                + String.format("%04X", (int) s.charAt(i))
                + " at position "
                + (i + 1)
                + "; give printable text");
      }
    }
  }

  /** The value as given, or null when the parameter is absent or empty. */
  String text(String name) {
    String v = fields.getValue(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /**
   * A whole number from {@code min} to {@code max}; {@code otherwise} when absent.
   *
   * @param range how to say what fits, after the name: "must be 2 to 60 on this server"
   */
  long whole(String name, long otherwise, long min, long max, String range) {
    String v = text(name);
    return v == null ? otherwise : whole(name, v, min, max, range);
  }

  /** {@code v} as a whole number from {@code min} to {@code max}, or a 400 quoting it. */
  static long whole(String name, String v, long min, long max, String range) {
    if (!WHOLE.matcher(v).matches()) {
      throw HttpError.badRequest(name + ": '" + v + "' is not a whole number");
    }
    BigInteger n = new BigInteger(v);
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      throw HttpError.badRequest(name + " " + range + ", got " + v);
    }
    return n.longValueExact();
  }

  /** A seed: any 64-bit whole number. */
  static long seed(String name, String v) {
    return whole(
        name, v, Long.MIN_VALUE, Long.MAX_VALUE, "must be a whole number that fits 64 bits");
  }

  /**
   * A truncation bound: 0 or absent for none (returns 0), else a float32 the graph sees as given. A
   * value that rounds to infinity, to zero, or to a subnormal float (which TensorFlow's CPU kernels
   * flush to zero, meaning "none") is refused rather than silently not truncating.
   */
  float truncation(String name) {
    String v = text(name);
    if (v == null) {
      return 0;
    }
    if (!DECIMAL.matcher(v).matches()) {
      throw HttpError.badRequest(name + ": '" + v + "' is not a number");
    }
    float t = Float.parseFloat(v);
    boolean zero = v.replaceFirst("[eE].*", "").matches("[+-]?[0.]*");
    if (zero) {
      return 0;
    }
    if (t < 0) {
      throw HttpError.badRequest(name + " must be positive, or 0 for none, got " + v);
    }
    if (Float.isInfinite(t) || t < Float.MIN_NORMAL) {
      throw HttpError.badRequest(
          name
              + " must be from "
              + Float.MIN_NORMAL
              + " to "
              + Float.MAX_VALUE
              + " (a normal float32), or 0 for none, got "
              + v);
    }
    return t;
  }

  /** true/1 or false/0 (absent: false). */
  boolean bool(String name) {
    String v = text(name);
    if (v == null || v.equals("false") || v.equals("0")) {
      return false;
    }
    if (v.equals("true") || v.equals("1")) {
      return true;
    }
    throw HttpError.badRequest(name + " must be true or false, got '" + v + "'");
  }
}
