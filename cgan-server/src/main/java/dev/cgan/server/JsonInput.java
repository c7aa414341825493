package dev.cgan.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body as a JSON tree, read strictly: UTF-8 only, RFC 8259 only (no NaN or Infinity, no
 * comments or single quotes), each key once per object, at most {@link #MAX_DEPTH} levels of
 * nesting (a tensor needs five; 50,000 would overflow the stack of a recursive reader), and every
 * number kept as written, so that a value that does not fit its dtype is refused quoting it.
 */
final class JsonInput {
  /** The deepest nesting of arrays and objects a request may have. */
  static final int MAX_DEPTH = 32;

  private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

  private JsonInput() {}

  /**
   * The JSON value of {@code body}.
   *
   * @throws HttpError 400 naming what is wrong and where
   */
  static JsonElement parse(byte[] body) {
    String text = utf8(body);
    if (text.isBlank()) {
      throw HttpError.badRequest("JSON Parse error: The document is empty");
    }
    JsonReader in = new JsonReader(new StringReader(text));
    in.setStrictness(Strictness.STRICT);
    try {
      JsonElement value = read(in, 0);
      if (in.peek() != JsonToken.END_DOCUMENT) {
        throw new IOException("more after the document, at " + position(in));
      }
      return value;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw HttpError.badRequest("JSON Parse error: " + describe(e.getMessage(), text));
    }
  }

  /** The body as text, or a 400 naming the first byte that is not UTF-8. */
  private static String utf8(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(body.length);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      throw HttpError.badRequest(
          "the request body is not UTF-8: byte 0x"
              + String.format("%02X", body[in.position()] & 0xff)
              + " at offset "
              + in.position()
              + " does not belong there");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private static JsonElement read(JsonReader in, int depth) throws IOException {
    JsonToken token = in.peek();
    if ((token == JsonToken.BEGIN_ARRAY || token == JsonToken.BEGIN_OBJECT) && depth == MAX_DEPTH) {
      throw HttpError.badRequest(
          "JSON Parse error: nesting too deep: more than "
              + MAX_DEPTH
              + " levels of [ and {, at "
              + position(in));
    }
    switch (token) {
      case BEGIN_ARRAY -> {
        JsonArray a = new JsonArray();
        in.beginArray();
        while (in.hasNext()) {
          a.add(read(in, depth + 1));
        }
        in.endArray();
        return a;
      }
      case BEGIN_OBJECT -> {
        JsonObject o = new JsonObject();
        in.beginObject();
        while (in.hasNext()) {
          String name = in.nextName();
          if (o.has(name)) {
            throw HttpError.badRequest(
                "JSON Parse error: the key \"" + name + "\" is given twice, at " + position(in));
          }
          o.add(name, read(in, depth + 1));
        }
        in.endObject();
        return o;
      }
      case STRING -> {
        return new JsonPrimitive(in.nextString());
      }
      case NUMBER -> {
        return new JsonPrimitive(new Written(in.nextString()));
      }
      case BOOLEAN -> {
        return new JsonPrimitive(in.nextBoolean());
      }
      case NULL -> {
        in.nextNull();
        return JsonNull.INSTANCE;
      }
      default -> throw new IOException("expected a value, at " + position(in));
    }
  }

  /** "line 1 column 5 (path $.inputs)": where the reader is. */
  private static String position(JsonReader in) {
    String s = in.toString();
    Matcher m = POSITION.matcher(s);
    return (m.find() ? m.group() : "") + " (path " + in.getPath() + ")";
  }

  /**
   * Gson's message in words for a client: its advice to Java programmers replaced by the text it
   * stumbled on.
   */
  private static String describe(String message, String text) {
    String m = message == null ? "malformed JSON" : message;
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    Matcher at = POSITION.matcher(m);
    String near = "";
    if (at.find()) {
      int offset = offset(text, Integer.parseInt(at.group(1)), Integer.parseInt(at.group(2)));
      if (offset >= 0) {
        String s = text.substring(offset, Math.min(text.length(), offset + 20));
        near = " near '" + s + "'";
      }
    }
    if (m.startsWith("Use JsonReader.setStrictness")) {
      m = "not JSON" + near + m.substring(m.indexOf(" at line"));
    } else if (!near.isEmpty() && !m.contains("End of input")) {
      m = m + near;
    }
    return m;
  }

  /** The offset of the character before Gson's line and column (it counts after reading it). */
  private static int offset(String text, int line, int column) {
    int start = 0;
    for (int l = 1; l < line; l++) {
      start = text.indexOf('\n', start) + 1;
      if (start == 0) {
        return -1;
      }
    }
    int offset = start + column - 2;
    return offset >= 0 && offset < text.length() ? offset : -1;
  }

  /** A number as the client wrote it; its value is read only when asked for. */
  static final class Written extends Number {
    private static final long serialVersionUID = 1L;
    private final String text;

    Written(String text) {
      this.text = text;
    }

    @Override
    public int intValue() {
      return new BigDecimal(text).intValue();
    }

    @Override
    public long longValue() {
      return new BigDecimal(text).longValue();
    }

    @Override
    public float floatValue() {
      return Float.parseFloat(text);
    }

    @Override
    public double doubleValue() {
      return Double.parseDouble(text);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
