package dev.cgan.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Arrays;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;

/**
 * Dense tensors to and from JSON the way TensorFlow Serving's REST API reads and writes them
 * ({@code tensorflow_serving/util/json_tensor.cc}): the shape is read off the nesting of the lists
 * (the first element at each level), values must be of the signature's dtype (an integer token for
 * int32/int64, any number that fits for float32, {@code true}/{@code false} for bool), and floats
 * are written with six significant digits, or nine where six do not give the same float back, with
 * ".0" added to a whole number.
 */
final class TensorJson {
  /** Values of one dtype, row-major, and their shape. */
  record Dense(DataType dtype, long[] shape, Object values) {
    int size() {
      return java.lang.reflect.Array.getLength(values);
    }

    /** The shape as TensorFlow Serving prints one: [2,100]. */
    String shapeString() {
      return Arrays.toString(shape).replace(" ", "");
    }
  }

  private TensorJson() {}

  /**
   * A JSON value as a dense tensor of {@code dtype}.
   *
   * @param maxValues the most values accepted; more is a 400 before anything is allocated
   * @throws HttpError 400 naming the value that is of the wrong type or at the wrong level
   */
  static Dense read(JsonElement json, DataType dtype, long maxValues) {
    long[] shape = shapeOf(json);
    long n = 1;
    for (long d : shape) {
      n *= d;
      if (n > maxValues) {
        throw HttpError.badRequest(
            "a tensor of shape "
                + Arrays.toString(shape).replace(" ", "")
                + " is more than this server's bound of "
                + maxValues
                + " values per input");
      }
    }
    Object values =
        switch (dtype) {
          case DT_FLOAT -> new float[(int) n];
          case DT_INT32 -> new int[(int) n];
          case DT_INT64 -> new long[(int) n];
          case DT_BOOL -> new boolean[(int) n];
          default ->
              throw HttpError.badRequest("Conversion of JSON Value to type: " + dtype.name());
        };
    int[] count = {0};
    fill(json, 0, shape, dtype, values, count);
    return new Dense(dtype, shape, values);
  }

  private static long[] shapeOf(JsonElement json) {
    int rank = 0;
    for (JsonElement e = json; e.isJsonArray(); ) {
      rank++;
      JsonArray a = e.getAsJsonArray();
      if (a.isEmpty()) {
        break;
      }
      e = a.get(0);
    }
    long[] shape = new long[rank];
    JsonElement e = json;
    for (int i = 0; i < rank; i++) {
      JsonArray a = e.getAsJsonArray();
      shape[i] = a.size();
      if (!a.isEmpty()) {
        e = a.get(0);
      }
    }
    return shape;
  }

  private static void fill(
      JsonElement json, int level, long[] shape, DataType dtype, Object values, int[] count) {
    int rank = shape.length;
    if (!json.isJsonArray()) {
      if (level != rank) {
        throw HttpError.badRequest(
            "JSON Value: "
                + json
                + " found at incorrect level: "
                + (level + 1)
                + " in the JSON DOM. Expected at level: "
                + rank);
      }
      put(json, dtype, values, count[0]++);
      return;
    }
    if (level >= rank) {
      throw HttpError.badRequest(
          "Encountered list at unexpected level: " + level + " expected < " + rank);
    }
    JsonArray a = json.getAsJsonArray();
    if (a.size() != shape[level]) {
      throw HttpError.badRequest(
          "Encountered list at unexpected size: "
              + a.size()
              + " at level: "
              + level
              + " expected size: "
              + shape[level]);
    }
    for (JsonElement e : a) {
      fill(e, level + 1, shape, dtype, values, count);
    }
  }

  private static void put(JsonElement json, DataType dtype, Object values, int i) {
    JsonPrimitive p = json.isJsonPrimitive() ? json.getAsJsonPrimitive() : null;
    boolean number = p != null && p.isNumber();
    String text = number ? p.getAsString() : null;
    boolean integer = number && text.indexOf('.') < 0 && text.indexOf('e') < 0;
    integer &= text == null || text.indexOf('E') < 0;
    switch (dtype) {
      case DT_FLOAT -> {
        if (!number) {
          throw typeError(json, dtype);
        }
        // The float nearest the decimal as written (as C's strtof): one rounding, not two
        // through double; beyond the largest float that is infinity, refused like 1e39.
        float f = Float.parseFloat(text);
        boolean lossless =
            integer ? Math.abs(Double.parseDouble(text)) <= (1 << 24) - 1 : !Float.isInfinite(f);
        if (!lossless) {
          throw HttpError.badRequest(
              "Cannot convert JSON value: " + text + " to float without loss of precision.");
        }
        ((float[]) values)[i] = f;
      }
      case DT_INT32 -> {
        Long v = integer ? parseLong(text) : null;
        if (v == null || v != (int) (long) v) {
          throw typeError(json, dtype);
        }
        ((int[]) values)[i] = (int) (long) v;
      }
      case DT_INT64 -> {
        Long v = integer ? parseLong(text) : null;
        if (v == null) {
          throw typeError(json, dtype);
        }
        ((long[]) values)[i] = v;
      }
      case DT_BOOL -> {
        if (p == null || !p.isBoolean()) {
          throw typeError(json, dtype);
        }
        ((boolean[]) values)[i] = p.getAsBoolean();
      }
      default -> throw typeError(json, dtype);
    }
  }

  private static Long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static HttpError typeError(JsonElement json, DataType dtype) {
    return HttpError.badRequest(
        "JSON Value: "
            + json
            + " Type: "
            + jsonType(json)
            + " is not of expected type: "
            + dtype.name());
  }

  private static String jsonType(JsonElement e) {
    if (e.isJsonNull()) {
      return "Null";
    }
    if (e.isJsonObject()) {
      return "Object";
    }
    if (e.isJsonArray()) {
      return "Array";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isBoolean()) {
      return p.getAsBoolean() ? "True" : "False";
    }
    return p.isNumber() ? "Number" : "String";
  }

  /** A tensor of {@code d}'s dtype and shape; the caller closes it. */
  static Tensor toTensor(Dense d) {
    Shape shape = Shape.of(d.shape());
    return switch (d.dtype()) {
      case DT_FLOAT -> TFloat32.tensorOf(shape, DataBuffers.of((float[]) d.values(), true, false));
      case DT_INT32 -> TInt32.tensorOf(shape, DataBuffers.of((int[]) d.values(), true, false));
      case DT_INT64 -> TInt64.tensorOf(shape, DataBuffers.of((long[]) d.values(), true, false));
      case DT_BOOL -> TBool.tensorOf(shape, DataBuffers.of((boolean[]) d.values(), true, false));
      default -> throw new IllegalArgumentException("unsupported input dtype " + d.dtype());
    };
  }

  /** A copy of an output tensor's values; the tensor stays the caller's. */
  static Dense fromTensor(Tensor t) {
    long[] shape = t.shape().asArray();
    int n = (int) t.shape().size();
    if (t instanceof TFloat32 f) {
      float[] v = new float[n];
      f.copyTo(DataBuffers.of(v, false, false));
      return new Dense(DataType.DT_FLOAT, shape, v);
    }
    if (t instanceof TUint8 u) {
      byte[] v = new byte[n];
      u.copyTo(DataBuffers.of(v, false, false));
      return new Dense(DataType.DT_UINT8, shape, v);
    }
    if (t instanceof TInt32 i) {
      int[] v = new int[n];
      i.copyTo(DataBuffers.of(v, false, false));
      return new Dense(DataType.DT_INT32, shape, v);
    }
    if (t instanceof TInt64 l) {
      long[] v = new long[n];
      l.copyTo(DataBuffers.of(v, false, false));
      return new Dense(DataType.DT_INT64, shape, v);
    }
    if (t instanceof TBool b) {
      boolean[] v = new boolean[n];
      b.copyTo(DataBuffers.of(v, false, false));
      return new Dense(DataType.DT_BOOL, shape, v);
    }
    throw new IllegalArgumentException("unsupported output dtype " + t.dataType());
  }

  /** Writes all of {@code d} as nested lists (a scalar as a bare value). */
  static void write(Dense d, StringBuilder out) {
    write(d, 0, 0, out);
  }

  /**
   * Writes all of {@code d}'s values as one flat list in row-major order (the Open Inference
   * Protocol's form; the shape goes beside it), each value as {@link #write} writes it.
   */
  static void writeFlat(Dense d, StringBuilder out) {
    out.append('[');
    for (int i = 0; i < d.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      value(d, i, out);
    }
    out.append(']');
  }

  /** Writes item {@code index} of {@code d}'s first (batch) dimension. */
  static void writeItem(Dense d, int index, StringBuilder out) {
    long per = 1;
    for (int i = 1; i < d.shape().length; i++) {
      per *= d.shape()[i];
    }
    write(d, 1, (int) (index * per), out);
  }

  /** Writes the values of dimensions {@code dim}.. from {@code offset}; returns the next offset. */
  private static int write(Dense d, int dim, int offset, StringBuilder out) {
    long[] shape = d.shape();
    if (dim == shape.length) {
      value(d, offset, out);
      return offset + 1;
    }
    out.append('[');
    for (long i = 0; i < shape[dim]; i++) {
      if (i > 0) {
        out.append(',');
      }
      offset = write(d, dim + 1, offset, out);
    }
    out.append(']');
    return offset;
  }

  private static void value(Dense d, int i, StringBuilder out) {
    switch (d.dtype()) {
      case DT_FLOAT -> decimal(((float[]) d.values())[i], out);
      case DT_UINT8 -> out.append(((byte[]) d.values())[i] & 0xff);
      case DT_INT32 -> out.append(((int[]) d.values())[i]);
      case DT_INT64 -> out.append(((long[]) d.values())[i]);
      case DT_BOOL -> out.append(((boolean[]) d.values())[i]);
      default -> throw new IllegalStateException("unsupported dtype " + d.dtype());
    }
  }

  /**
   * A float as TensorFlow Serving writes one: C's {@code %g} (six significant digits), or {@code
   * %.9g} when six do not give the same float back; ".0" after a whole number without exponent.
   */
  static String decimal(float v) {
    StringBuilder out = new StringBuilder(16);
    decimal(v, out);
    return out.toString();
  }

  /** {@link #decimal(float)}, appended to {@code out}. */
  static void decimal(float v, StringBuilder out) {
    if (Float.isNaN(v)) {
      out.append("NaN");
    } else if (Float.isInfinite(v)) {
      out.append(v > 0 ? "Infinity" : "-Infinity");
    } else if (!fastDecimal(v, out)) {
      out.append(decimalExact(v));
    }
  }

  /** {@link #decimal(float)} by BigDecimal and a parse back, for every float. */
  static String decimalExact(float v) {
    String s = formatGExact(v, 6);
    if (Float.parseFloat(s) != v) {
      s = formatGExact(v, 9);
    }
    if (s.indexOf('.') < 0 && s.indexOf('e') < 0) {
      s += ".0";
    }
    return s;
  }

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  /**
   * The digits of a float by integer arithmetic: a normal float is m·2^−k exactly, so its {@code
   * %g} digits are m·10^p / 2^k rounded half to even, and whether six digits give the float back is
   * whether they lie within half its spacing, both computed in 128 bits. False, writing nothing,
   * where those do not hold the numbers (zero, subnormals, beyond 10^12): {@link #decimalExact}
   * answers. The BigDecimal route and the parse back took most of an answer's time.
   */
  private static boolean fastDecimal(float v, StringBuilder out) {
    int bits = Float.floatToRawIntBits(v);
    int biased = (bits >>> 23) & 0xff;
    if (v == 0 || biased == 0) {
      return false;
    }
    long m = (bits & 0x7fffff) | 0x800000;
    int k = 150 - biased; // |v| = m · 2^−k
    int x = exponent10(v);
    Digits six = digits(m, k, x, 6);
    if (six == null) {
      return false;
    }
    if (!six.roundTrips(m)) {
      Digits nine = digits(m, k, x, 9);
      if (nine == null) {
        return false;
      }
      six = nine;
    }
    if (v < 0) {
      out.append('-');
    }
    six.append(out, true);
    return true;
  }

  /** floor(log10(|v|)), possibly one off, which {@link #digits} corrects. */
  private static int exponent10(float v) {
    return (int) Math.floor(Math.log10(Math.abs((double) v)));
  }

  /**
   * {@code precision} digits of m·2^−k, with their decimal exponent and the rounding error in units
   * of 2^−k·10^−p: |digits·2^k − m·10^p| = (errHi, errLo), below when the digits are below.
   */
  private record Digits(
      long digits, int x, int precision, int p, long errHi, long errLo, boolean below) {
    /** Whether the digits read back as the float: within half its spacing (ties to even m). */
    boolean roundTrips(long m) {
      if (errHi != 0 || errLo < 0) {
        return false;
      }
      // Below a power of two the next float down is half as far.
      int factor = m == 0x800000 && below ? 4 : 2;
      if (errLo > Long.MAX_VALUE / 4) {
        return false;
      }
      long twice = errLo * factor;
      return twice < POW10[p] || (twice == POW10[p] && (m & 1) == 0);
    }

    /** C's {@code %g} layout, with ".0" after a whole number when {@code pointZero}. */
    void append(StringBuilder out, boolean pointZero) {
      char[] d = new char[precision];
      long n = digits;
      for (int i = precision - 1; i >= 0; i--) {
        d[i] = (char) ('0' + n % 10);
        n /= 10;
      }
      int end = precision;
      while (end > 1 && d[end - 1] == '0') {
        end--;
      }
      if (x >= -4 && x < precision) {
        if (x < 0) {
          out.append("0.");
          for (int i = 0; i < -x - 1; i++) {
            out.append('0');
          }
          out.append(d, 0, end);
        } else if (end <= x + 1) {
          out.append(d, 0, end);
          for (int i = end; i < x + 1; i++) {
            out.append('0');
          }
          if (pointZero) {
            out.append(".0");
          }
        } else {
          out.append(d, 0, x + 1).append('.').append(d, x + 1, end - x - 1);
        }
        return;
      }
      out.append(d[0]);
      if (end > 1) {
        out.append('.').append(d, 1, end - 1);
      }
      int e = Math.abs(x);
      out.append('e').append(x < 0 ? '-' : '+');
      if (e < 10) {
        out.append('0');
      }
      out.append(e);
    }
  }

  /** The digits, or null where 128 bits do not hold the numbers. */
  private static Digits digits(long m, int k, int x, int precision) {
    for (int tries = 0; tries < 3; tries++) {
      int p = precision - 1 - x;
      if (p < 0 || p >= POW10.length || k < 0 || k > 127) {
        return null;
      }
      long f = POW10[p];
      long hi = Math.multiplyHigh(m, f);
      long lo = m * f;
      // q = floor(m·f / 2^k), rem = m·f − q·2^k, half = 2^(k−1)
      long q, remHi, remLo, halfHi, halfLo;
      if (k == 0) {
        q = lo;
        remHi = remLo = halfHi = halfLo = 0;
      } else if (k < 64) {
        q = (hi << (64 - k)) | (lo >>> k);
        remHi = 0;
        remLo = lo & ((1L << k) - 1);
        halfHi = 0;
        halfLo = 1L << (k - 1);
      } else {
        q = k == 64 ? hi : hi >>> (k - 64);
        remHi = k == 64 ? 0 : hi & ((1L << (k - 64)) - 1);
        remLo = lo;
        halfHi = k == 64 ? 0 : 1L << (k - 65);
        halfLo = k == 64 ? Long.MIN_VALUE : 0;
      }
      int c =
          remHi != halfHi
              ? Long.compareUnsigned(remHi, halfHi)
              : Long.compareUnsigned(remLo, halfLo);
      boolean up = k > 0 && (c > 0 || (c == 0 && (q & 1) == 1));
      long digits = up ? q + 1 : q;
      if (digits >= POW10[precision]) {
        x++;
      } else if (digits < POW10[precision - 1]) {
        x--;
      } else if (!up) {
        return new Digits(digits, x, precision, p, remHi, remLo, remHi != 0 || remLo != 0);
      } else {
        // 2^k − rem
        long eLo = -remLo;
        long eHi = (k >= 64 ? (k == 64 ? 1L : 1L << (k - 64)) : 0) - remHi - (remLo != 0 ? 1 : 0);
        if (k < 64) {
          eLo = (1L << k) - remLo;
          eHi = 0;
        }
        return new Digits(digits, x, precision, p, eHi, eLo, false);
      }
    }
    return null;
  }

  /** C's {@code printf("%.<p>g", (double) v)} for a finite float, {@code precision} 1 to 17. */
  static String formatG(float v, int precision) {
    int bits = Float.floatToRawIntBits(v);
    int biased = (bits >>> 23) & 0xff;
    if (v != 0 && biased != 0 && precision <= 17) {
      Digits d = digits((bits & 0x7fffff) | 0x800000, 150 - biased, exponent10(v), precision);
      if (d != null) {
        StringBuilder out = new StringBuilder(v < 0 ? "-" : "");
        d.append(out, false);
        return out.toString();
      }
    }
    return formatGExact(v, precision);
  }

  /** {@link #formatG} by BigDecimal, for every finite float. */
  static String formatGExact(float v, int precision) {
    if (v == 0) {
      return (Float.floatToRawIntBits(v) < 0) ? "-0" : "0";
    }
    BigDecimal r =
        new BigDecimal((double) v).round(new MathContext(precision, RoundingMode.HALF_EVEN));
    int exponent = r.precision() - r.scale() - 1;
    if (exponent >= -4 && exponent < precision) {
      return r.stripTrailingZeros().toPlainString();
    }
    String mantissa = r.movePointLeft(exponent).stripTrailingZeros().toPlainString();
    int e = Math.abs(exponent);
    return mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
  }
}
