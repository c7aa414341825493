package dev.cgan.serve;

import dev.cgan.image.Gif;
import dev.cgan.model.Labels;
import dev.cgan.model.Weights;
import dev.cgan.serve.ImageRequest.ClassMorph;
import dev.cgan.serve.ImageRequest.Classes;
import dev.cgan.serve.ImageRequest.Limits;
import dev.cgan.serve.ImageRequest.Morph;
import dev.cgan.serve.ImageRequest.Naming;
import dev.cgan.serve.ImageRequest.Params;
import dev.cgan.serve.ImageRequest.Strip;
import dev.cgan.serve.ImageRequest.StyleMorph;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one reading of {@link ImageRequest}'s grammar. Each value is taken exactly as written: a
 * number that does not fit is refused quoting it, never wrapped or rounded to something else.
 * Without the model's classes ({@code classes} null) labels are checked for spelling only, and the
 * request built is not handed out.
 */
final class RequestParser {
  private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");

  /** A JSON-like decimal: what {@link Float#parseFloat} would also take, without NaN and hex. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private final Params given;
  private final Naming naming;
  private final Limits limits;
  private final Classes classes;

  RequestParser(Params given, Naming naming, Limits limits, Classes classes) {
    this.given = given;
    this.naming = naming;
    this.limits = limits;
    this.classes = classes;
  }

  Strip strip() {
    String sequence = sequence();
    if (sequence == null) {
      throw refused(
          name("digits")
              + " is missing: give e.g. "
              + naming.given("digits", "2026112701")
              + " (or "
              + naming.given("labels", "3,1,4")
              + ")");
    }
    List<Integer> labels = labels(sequence, limits.maxLabels());
    long seed = seed("seed");
    Noise noise = Noise.independent().withSameStyle(bool("same_style"));
    float truncation = truncation("truncation");
    return new Strip(
        labels, seed, truncation == 0 ? noise : noise.withTruncation(truncation), weights());
  }

  Morph morph() {
    String sequence = sequence();
    boolean byClass = given.get("classes") != null;
    String seq = sequence == null ? "digits" : sequence;
    if (sequence != null && byClass) {
      throw refused(
          name(seq)
              + " and "
              + name("classes")
              + " do not go together: "
              + naming.and(naming.given(seq, "SEQ"), naming.given("seeds", "A,B"))
              + " interpolates styles, "
              + naming.given("classes", "I,J")
              + naming.optional("seed", "S")
              + " classes");
    }
    if (sequence == null && !byClass) {
      throw refused(
          "give "
              + naming.and(naming.given("digits", "SEQ"), naming.given("seeds", "A,B"))
              + " (style interpolation) or "
              + naming.given("classes", "I,J")
              + naming.optional("seed", "S")
              + " (class interpolation)");
    }
    requireMorphParameters(byClass, seq);
    int steps = (int) whole("steps", ImageRequest.DEFAULT_STEPS, 2, limits.maxFrames(), frames());
    int fps =
        (int)
            whole(
                "fps",
                ImageRequest.DEFAULT_FPS,
                1,
                Gif.MAX_FPS,
                "1 to " + Gif.MAX_FPS + " (a GIF's frame delay counts 1/100 s)");
    if (byClass) {
      List<Integer> ij = items("classes", given.get("classes"));
      return new ClassMorph(
          Math.max(ij.get(0), 0), Math.max(ij.get(1), 0), seed("seed"), steps, fps, weights());
    }
    String seeds = text("seeds");
    String[] ab = seeds.split(",", -1);
    if (ab.length != 2) {
      throw refused(name("seeds") + " needs two seeds A,B, got " + shown(seeds));
    }
    List<Integer> labels = labels(seq, Math.min(limits.maxLabels(), limits.maxTiles() / steps));
    long a = seed("seeds", ab[0].strip(), seeds), b = seed("seeds", ab[1].strip(), seeds);
    return new StyleMorph(labels, a, b, steps, fps, weights());
  }

  /** Each mode's own parameters: classes with one seed, a sequence with two. */
  private void requireMorphParameters(boolean byClass, String seq) {
    if (byClass) {
      if (text("seeds") != null) {
        throw refused(
            name("seeds")
                + " goes with "
                + name("digits")
                + "; "
                + name("classes")
                + " takes one "
                + naming.given("seed", "S"));
      }
      String[] ij = text("classes").split(",", -1);
      if (ij.length != 2) {
        throw refused(name("classes") + " needs two classes I,J, got " + shown(text("classes")));
      }
    } else {
      if (text("seed") != null) {
        throw refused(
            name("seed")
                + " goes with "
                + name("classes")
                + "; "
                + name(seq)
                + " takes two seeds, "
                + naming.given("seeds", "A,B"));
      }
      if (text("seeds") == null) {
        throw refused(
            name(seq)
                + " needs "
                + naming.given("seeds", "A,B")
                + ": the two styles to move between");
      }
    }
  }

  /** The bound of {@code steps}, after "must be ". */
  private String frames() {
    return "2 to "
        + limits.maxFrames()
        + " (the two ends and the steps between"
        + (limits.owner() == null ? "" : "; " + limits.owner() + "'s bound")
        + ")";
  }

  /** Which of {@code digits} and {@code labels} is given (null: neither); both is refused. */
  private String sequence() {
    boolean digits = given.get("digits") != null, labels = given.get("labels") != null;
    if (digits && labels) {
      throw refused(name("digits") + " and " + name("labels") + " do not go together: give one");
    }
    return digits ? "digits" : labels ? "labels" : null;
  }

  /** The labels of {@code param} ({@code digits} or {@code labels}), at most {@code max}. */
  private List<Integer> labels(String param, int max) {
    String v = given.get(param);
    List<Integer> labels;
    if (param.equals("digits")) {
      labels = new ArrayList<>();
      int count = classes == null ? Integer.MAX_VALUE : classes.count();
      for (int label : Labels.parse(v, count, name(param))) {
        labels.add(label);
      }
      checkCount(param, labels.size(), max);
    } else {
      checkCount(param, v.split(",", -1).length, max);
      labels = items(param, v);
    }
    return labels;
  }

  private void checkCount(String param, int count, int max) {
    if (count > max) {
      throw refused(
          count
              + " "
              + param
              + " are more than "
              + (limits.owner() == null ? "the" : limits.owner() + "'s")
              + " bound of "
              + max
              + " per request");
    }
  }

  /** A list of class indices or names between commas; without the model, -1 stands for a name. */
  private List<Integer> items(String param, String list) {
    String shown = name(param) + " " + shown(list);
    if (list.isBlank()) {
      throw refused(name(param) + " is empty: give class indices such as 3,1,4");
    }
    String[] parts = list.split(",", -1);
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i].strip();
      if (WHOLE.matcher(part).matches()) {
        int label;
        try {
          label = Integer.parseInt(part);
        } catch (NumberFormatException e) {
          throw refused(notAClass(part, i, shown));
        }
        if (classes != null) {
          Labels.checkClass(label, i, classes.count(), name(param));
        }
        out.add(label);
      } else if (classes == null) {
        if (part.isEmpty()) {
          throw refused(notAClass(part, i, shown));
        }
        out.add(-1);
      } else {
        int label = classes.names() == null ? -1 : classes.names().indexOf(part);
        if (label < 0) {
          throw refused(notAClass(part, i, shown));
        }
        out.add(label);
      }
    }
    return out;
  }

  private String notAClass(String part, int i, String shown) {
    String where = "'" + shown(part) + "' at position " + (i + 1) + " of " + shown;
    return classes == null || classes.names() == null
        ? "not a class index: " + where
        : "not a class index or name: "
            + where
            + " (the classes: "
            + String.join(", ", classes.names())
            + ")";
  }

  /** {@code param} as a seed, {@link ImageRequest#DEFAULT_SEED} when absent. */
  private long seed(String param) {
    String v = text(param);
    return v == null ? ImageRequest.DEFAULT_SEED : seed(param, v, null);
  }

  /** A seed: any 64-bit whole number; {@code in}, when not null, is the list it is part of. */
  private long seed(String param, String v, String in) {
    String context = in == null ? "" : ", in " + shown(in);
    if (!WHOLE.matcher(v).matches()) {
      throw refused(name(param) + ": '" + shown(v) + "' is not a seed (a whole number)" + context);
    }
    BigInteger n = new BigInteger(v);
    if (n.bitLength() > 63) {
      throw refused(
          name(param)
              + ": '"
              + shown(v)
              + "' is out of range: a seed is a whole number from "
              + Long.MIN_VALUE
              + " to "
              + Long.MAX_VALUE
              + context);
    }
    return n.longValueExact();
  }

  /** A whole number from {@code min} to {@code max}, {@code otherwise} when absent. */
  private long whole(String param, long otherwise, long min, long max, String range) {
    String v = text(param);
    if (v == null) {
      return otherwise;
    }
    if (!WHOLE.matcher(v).matches()) {
      throw refused(name(param) + ": '" + shown(v) + "' is not a whole number");
    }
    BigInteger n = new BigInteger(v);
    if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
      throw refused(name(param) + " must be " + range + ", got " + shown(v));
    }
    return n.longValueExact();
  }

  /**
   * A truncation bound: absent or 0 (any spelling of zero) for none, returned as 0; else from
   * {@link ImageRequest#MIN_TRUNCATION} to the largest float32, rounded to the nearest float32.
   */
  private float truncation(String param) {
    String v = text(param);
    if (v == null) {
      return 0;
    }
    if (!DECIMAL.matcher(v).matches()) {
      throw refused(name(param) + ": '" + shown(v) + "' is not a number");
    }
    if (v.replaceFirst("[eE].*", "").matches("[+-]?[0.]*")) {
      return 0;
    }
    String none = ", or 0 for none, got " + shown(v);
    if (v.startsWith("-")) {
      throw refused(name(param) + " must be positive" + none);
    }
    float t = Float.parseFloat(v);
    if (Float.isInfinite(t)) {
      throw refused(name(param) + " must be at most " + Float.MAX_VALUE + " (a float32)" + none);
    }
    if (t < ImageRequest.MIN_TRUNCATION) {
      throw refused(
          name(param)
              + " must be at least "
              + ImageRequest.MIN_TRUNCATION
              + " (below it every seed draws nearly the same image)"
              + none);
    }
    return t;
  }

  /** true/1 or false/0; absent: false. */
  private boolean bool(String param) {
    String v = text(param);
    if (v == null || v.equals("false") || v.equals("0")) {
      return false;
    }
    if (v.equals("true") || v.equals("1")) {
      return true;
    }
    throw refused(name(param) + " must be true or false, got '" + shown(v) + "'");
  }

  /** raw or ema; absent: null, the model's default. */
  Weights weights() {
    String v = text("weights");
    if (v == null) {
      return null;
    }
    for (Weights w : Weights.values()) {
      if (w.id().equalsIgnoreCase(v)) {
        return w;
      }
    }
    throw refused(name("weights") + " must be raw or ema, got '" + shown(v) + "'");
  }

  /** A value, null when absent or empty (an empty list of labels is refused as such instead). */
  private String text(String param) {
    String v = given.get(param);
    return v == null || v.isEmpty() ? null : v;
  }

  private String name(String param) {
    return naming.name(param);
  }

  /** A value as quoted in a message: at most 100 characters. */
  private static String shown(String v) {
    return v.length() <= 100 ? v : v.substring(0, 100) + "...";
  }

  private static IllegalArgumentException refused(String message) {
    return new IllegalArgumentException(message);
  }
}
