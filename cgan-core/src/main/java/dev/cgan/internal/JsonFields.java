package dev.cgan.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The fields of one JSON object of the project's own files ({@code run.json}, {@code cgan.json}),
 * read strictly: each of the JSON type it must have, numbers exactly as written and within range, a
 * name given twice refused. Every problem is a {@link JsonParseException} of one line naming the
 * field by its path, e.g. {@code spec.model.numClasses must be a whole number from 2 to 256, found
 * 2147483647}.
 *
 * <p>Gson's reflective reading is lenient where these files must not be: it takes the string "12"
 * for an int, turns 2^63 into Long.MAX_VALUE, and fills a missing field with 0 or null.
 */
public final class JsonFields {
  /** The largest file read: the files this reads are a few hundred bytes. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private static final int MAX_SHOWN = 40;

  private final JsonObject object;
  private final String path;

  private JsonFields(JsonObject object, String path) {
    this.object = object;
    this.path = path;
  }

  /**
   * Reads a whole file of at most {@link #MAX_FILE_BYTES} as strict UTF-8 (a leading byte order
   * mark is skipped) and parses its one top-level object.
   *
   * @param what what the file holds, for messages: {@code "run configuration"}
   * @throws IOException {@code "<file>: unreadable <what> (<problem>)"} for a file too large, not
   *     UTF-8, empty, not JSON or not an object; a missing file is a {@link
   *     java.nio.file.NoSuchFileException}
   */
  public static JsonFields read(Path file, String what) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    String problem = null;
    String text = "";
    if (bytes.length > MAX_FILE_BYTES) {
      problem = "expected at most " + MAX_FILE_BYTES + " bytes, found " + size(file);
    } else {
      try {
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        if (text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
        if (text.isBlank()) {
          problem = "empty file";
        }
      } catch (CharacterCodingException e) {
        problem = "not UTF-8 text";
      }
    }
    if (problem == null) {
      try (JsonReader in = new JsonReader(new StringReader(text))) {
        JsonFields fields = parse(in);
        if (in.peek() == JsonToken.END_DOCUMENT) {
          return fields;
        }
        problem = "more JSON after the object, at " + in.getPath();
      } catch (JsonParseException e) {
        problem = e.getMessage();
      } catch (MalformedJsonException | EOFException e) {
        problem = malformed(e);
      }
    }
    throw new IOException(file + ": unreadable " + what + " (" + problem + ")");
  }

  /**
   * Gson's message for malformed JSON, as one line without its advice: it tells a programmer to
   * read leniently ("Use JsonReader.setStrictness(…) to accept malformed JSON at line 1 column 1
   * path $", then a second line with a link), which is no help to whoever wrote the file.
   */
  static String malformed(Exception e) {
    String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    m = m.replaceFirst("^Use JsonReader\\.setStrictness\\([^)]*\\) to accept malformed JSON ", "");
    return "malformed JSON (" + m + ")";
  }

  private static String size(Path file) {
    try {
      return Files.size(file) + " bytes";
    } catch (IOException e) {
      return "size unknown";
    }
  }

  /**
   * Reads one JSON object from {@code in}, strictly (no comments, unquoted names or NaN).
   *
   * @throws JsonParseException for malformed JSON, a value that is not an object, or a name twice
   */
  public static JsonFields parse(JsonReader in) throws IOException {
    Strictness before = in.getStrictness();
    in.setStrictness(Strictness.STRICT);
    try {
      if (in.peek() != JsonToken.BEGIN_OBJECT) {
        throw new JsonParseException("expected a JSON object, found " + describe(in.peek()));
      }
      return new JsonFields((JsonObject) tree(in), "");
    } catch (MalformedJsonException | EOFException | IllegalStateException e) {
      throw new JsonParseException(malformed(e));
    } finally {
      in.setStrictness(before);
    }
  }

  /**
   * The value at the reader, as a tree, built without recursion (deep nesting cannot overflow the
   * stack) and refusing a name given twice in one object.
   */
  private static JsonElement tree(JsonReader in) throws IOException {
    Deque<JsonElement> open = new ArrayDeque<>();
    String name = null;
    while (true) {
      JsonToken t = in.peek();
      JsonElement value;
      switch (t) {
        case END_OBJECT, END_ARRAY -> {
          if (t == JsonToken.END_OBJECT) {
            in.endObject();
          } else {
            in.endArray();
          }
          JsonElement done = open.pop();
          if (open.isEmpty()) {
            return done;
          }
          continue;
        }
        case NAME -> {
          name = in.nextName();
          if (open.peek() instanceof JsonObject o && o.has(name)) {
            throw new JsonParseException(strip(in.getPath()) + " is given twice");
          }
          continue;
        }
        case BEGIN_OBJECT -> {
          in.beginObject();
          value = new JsonObject();
        }
        case BEGIN_ARRAY -> {
          in.beginArray();
          value = new JsonArray();
        }
        case STRING -> value = new JsonPrimitive(in.nextString());
        case NUMBER -> value = new JsonPrimitive(new Literal(in.nextString()));
        case BOOLEAN -> value = new JsonPrimitive(in.nextBoolean());
        case NULL -> {
          in.nextNull();
          value = JsonNull.INSTANCE;
        }
        default -> throw new JsonParseException("unexpected " + t + " at " + in.getPath());
      }
      JsonElement parent = open.peek();
      if (parent instanceof JsonObject o) {
        o.add(name, value);
      } else if (parent instanceof JsonArray a) {
        a.add(value);
      }
      if (value.isJsonObject() || value.isJsonArray()) {
        open.push(value);
      } else if (parent == null) {
        return value;
      }
    }
  }

  /** A number as written, so that it is parsed exactly when its field's type is known. */
  private static final class Literal extends Number {
    private static final long serialVersionUID = 1L;
    private final String text;

    Literal(String text) {
      this.text = text;
    }

    @Override
    public int intValue() {
      return (int) doubleValue();
    }

    @Override
    public long longValue() {
      return (long) doubleValue();
    }

    @Override
    public float floatValue() {
      return (float) doubleValue();
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

  private static String strip(String jsonPath) {
    return jsonPath.startsWith("$.") ? jsonPath.substring(2) : jsonPath;
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case BEGIN_ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case END_DOCUMENT -> "nothing";
      default -> t.toString();
    };
  }

  /** The field's path for messages, e.g. {@code spec.model.numClasses}. */
  private String at(String name) {
    return path + name;
  }

  /** Whether the field is there and not null. */
  public boolean has(String name) {
    return object.has(name) && !object.get(name).isJsonNull();
  }

  /** A required object field. */
  public JsonFields object(String name) {
    JsonElement e = require(name, "an object");
    if (!e.isJsonObject()) {
      throw wrong(name, "an object", e);
    }
    return new JsonFields(e.getAsJsonObject(), at(name) + ".");
  }

  /** A required string field. */
  public String string(String name) {
    JsonElement e = require(name, "a string");
    if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isString())) {
      throw wrong(name, "a string", e);
    }
    return e.getAsString();
  }

  /** A string field that may be absent or null. */
  public String optionalString(String name) {
    return has(name) ? string(name) : null;
  }

  /** A list of strings that may be absent or null; its items may not be null. */
  public List<String> optionalStrings(String name) {
    if (!has(name)) {
      return null;
    }
    JsonElement e = object.get(name);
    if (!e.isJsonArray()) {
      throw wrong(name, "a list of strings", e);
    }
    List<String> out = new ArrayList<>();
    for (JsonElement item : e.getAsJsonArray()) {
      if (!(item.isJsonPrimitive() && item.getAsJsonPrimitive().isString())) {
        throw wrong(name + "[" + out.size() + "]", "a string", item);
      }
      out.add(item.getAsString());
    }
    return out;
  }

  /** A required boolean field. */
  public boolean bool(String name) {
    JsonElement e = require(name, "true or false");
    if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean())) {
      throw wrong(name, "true or false", e);
    }
    return e.getAsBoolean();
  }

  /** A required whole number in {@code [min, max]}. */
  public int integer(String name, int min, int max) {
    return (int) whole(name, min, max);
  }

  /** A required whole number in {@code [min, max]}, with {@code rule} saying what is expected. */
  public int integer(String name, int min, int max, String rule) {
    return (int) whole(name, min, max, rule);
  }

  /** A required whole number in {@code [min, max]}. */
  public long whole(String name, long min, long max) {
    return whole(name, min, max, "a whole number from " + min + " to " + max);
  }

  private long whole(String name, long min, long max, String rule) {
    BigDecimal v = number(name, rule);
    // Compared before any exact conversion: 1e999999999 must not become a billion-digit integer.
    if (v.compareTo(BigDecimal.valueOf(min)) < 0
        || v.compareTo(BigDecimal.valueOf(max)) > 0
        || v.stripTrailingZeros().scale() > 0) {
      throw wrong(name, rule, object.get(name));
    }
    return v.longValueExact();
  }

  /**
   * A required number that a float holds (finite; not so close to zero that it becomes 0 or a
   * denormal) and that {@code ok} accepts; {@code rule} says what is expected.
   */
  public float decimal(String name, FloatRule ok, String rule) {
    BigDecimal v = number(name, rule);
    float f = toFloat(v);
    if (Float.isNaN(f) || !ok.test(f)) {
      throw wrong(name, rule, object.get(name));
    }
    return f;
  }

  /** {@link #decimal} for a field that may be absent or null: then {@code absent}. */
  public float optionalDecimal(String name, float absent, FloatRule ok, String rule) {
    return has(name) ? decimal(name, ok, rule) : absent;
  }

  /** A test of a float value. */
  @FunctionalInterface
  public interface FloatRule {
    boolean test(float value);
  }

  /** The float nearest {@code v}, or NaN when a float cannot hold it. */
  public static float toFloat(BigDecimal v) {
    if (v.signum() == 0) {
      return 0f;
    }
    // Outside [1e-39, 1e39] a float is infinite or denormal; refuse before converting exactly.
    if (v.abs().compareTo(new BigDecimal("1e39")) > 0
        || v.abs().compareTo(new BigDecimal("1e-39")) < 0) {
      return Float.NaN;
    }
    float f = v.floatValue();
    return Float.isInfinite(f) || Math.abs(f) < Float.MIN_NORMAL ? Float.NaN : f;
  }

  private BigDecimal number(String name, String rule) {
    JsonElement e = require(name, rule);
    if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
      throw wrong(name, rule, e);
    }
    try {
      return new BigDecimal(e.getAsJsonPrimitive().getAsNumber().toString());
    } catch (NumberFormatException | ArithmeticException x) {
      throw wrong(name, rule, e);
    }
  }

  private JsonElement require(String name, String rule) {
    if (!object.has(name)) {
      throw new JsonParseException(at(name) + " is missing, expected " + rule);
    }
    return object.get(name);
  }

  /** A refusal of field {@code name}: what it must be, and what was found. */
  public JsonParseException wrong(String name, String rule, JsonElement found) {
    return new JsonParseException(at(name) + " must be " + rule + ", found " + shown(found));
  }

  /** A refusal of field {@code name} in words of the caller's. */
  public JsonParseException refuse(String name, String problem) {
    return new JsonParseException(at(name) + " " + problem);
  }

  private static String shown(JsonElement e) {
    if (e == null || e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    if (e.isJsonArray()) {
      return "a list";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    if (p.isString()) {
      return "the string \"" + abbreviate(p.getAsString()) + "\"";
    }
    return abbreviate(p.isNumber() ? p.getAsNumber().toString() : p.getAsString());
  }

  private static String abbreviate(String s) {
    String oneLine = s.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= MAX_SHOWN
        ? oneLine
        : oneLine.substring(0, MAX_SHOWN) + "… (" + oneLine.length() + " characters)";
  }
}
