package dev.cgan.serve;

import dev.cgan.image.Gif;
import dev.cgan.model.Labels;
import dev.cgan.model.Weights;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;

/**
 * Which strip or animation to draw: what {@code generate} and {@code interpolate} on the command
 * line and {@code :render} and {@code :interpolate} on the server ask for, with its defaults and
 * bounds, read from text by one parser. The front ends differ only in how they spell a parameter
 * ({@link Naming}) and in their bounds ({@link Limits}); the same values give the same request, or
 * the same one-line error naming the parameter.
 *
 * <pre>{@code
 * ImageRequest.Strip s = ImageRequest.Strip.parse(
 *     Map.of("digits", "2026", "truncation", "0.7")::get, Naming.QUERY, Limits.LIBRARY,
 *     Classes.of(g));
 * BufferedImage strip = s.draw(g).get(0);
 * }</pre>
 *
 * <p>The grammar, by parameter (query spelling; the command line writes {@code --same-style} for
 * {@code same_style} and {@code --x} for every other {@code x}):
 *
 * <ul>
 *   <li>{@code digits}: a digit string ("2026") or class indices between commas ("3,1,4"); {@code
 *       labels}: class indices or class names between commas ("circle,square" where the model's
 *       metadata names its classes; a whole number is always an index). One of the two.
 *   <li>{@code seed}: any 64-bit whole number, default {@value #DEFAULT_SEED}.
 *   <li>{@code same_style}: {@code true}/{@code 1} or {@code false}/{@code 0}, default false.
 *   <li>{@code truncation}: absent or 0 for none, else from {@value #MIN_TRUNCATION} to the largest
 *       float32.
 *   <li>{@code seeds=A,B} with {@code digits} or {@code labels}: a style interpolation; {@code
 *       classes=I,J} (indices or names) with {@code seed}: a class interpolation.
 *   <li>{@code steps}: frames, the two ends included, 2 to {@link Limits#maxFrames()}, default
 *       {@value #DEFAULT_STEPS}; {@code fps}: 1 to {@value Gif#MAX_FPS}, default {@value
 *       #DEFAULT_FPS}.
 *   <li>{@code weights}: {@code raw} or {@code ema} (any case); absent: the model's default.
 * </ul>
 */
public sealed interface ImageRequest permits ImageRequest.Strip, ImageRequest.Morph {
  /** The seed when none is given. */
  long DEFAULT_SEED = 7;

  /** The frames of an interpolation when {@code steps} is not given. */
  int DEFAULT_STEPS = 10;

  /** A GIF's frames per second when {@code fps} is not given. */
  int DEFAULT_FPS = 5;

  /**
   * The smallest truncation bound: below it the latents are so close to 0 that every seed draws
   * nearly the same image (measured on the default run's export: at 0.001 two seeds' strips differ
   * by 0.03 grey levels on average, at 0.01 by 0.3, at 0.1 by 3.2).
   */
  float MIN_TRUNCATION = 0.01f;

  /** Which generator weights to load; null for the model's default. */
  Weights weights();

  /** The frames drawn: 1 for a strip. */
  int frames();

  /** Tiles in each frame. */
  int tiles();

  /**
   * Draws this request with the one generator call it stands for: {@link CganGenerator#render},
   * {@link CganGenerator#interpolateStyle} or {@link CganGenerator#interpolateClasses}.
   *
   * @return the frames, one for a strip, each {@link #tiles()} tiles wide
   */
  List<BufferedImage> draw(CganGenerator g);

  /**
   * The weights {@code given} asks for, which a front end needs before it loads the model (and so
   * before it can parse the rest).
   *
   * @return {@link Weights#RAW}, {@link Weights#EMA} or null for the model's default
   * @throws IllegalArgumentException "weights must be raw or ema, got 'x'", named as {@code naming}
   *     spells it
   */
  static Weights weights(Params given, Naming naming) {
    return new RequestParser(given, naming, Limits.LIBRARY, null).weights();
  }

  /**
   * A parameter's value as given: null when absent. An empty value means absent too, except for
   * {@code digits}, {@code labels} and {@code classes}, which are then refused as empty.
   */
  @FunctionalInterface
  interface Params {
    String get(String name);
  }

  /** How a front end spells the parameters in its messages. */
  enum Naming {
    /** Command-line options: {@code --seed S}, {@code --same-style}. */
    OPTIONS,
    /** Query parameters: {@code seed=S}, {@code same_style}. */
    QUERY;

    /** The parameter {@code param} (query spelling) as this front end names it. */
    public String name(String param) {
      return this == QUERY ? param : "--" + param.replace('_', '-');
    }

    /**
     * The parameter with a value, as a user writes it: {@code --seeds A,B} or {@code seeds=A,B}.
     */
    public String given(String param, String value) {
      return name(param) + (this == QUERY ? "=" : " ") + value;
    }

    /**
     * An optional further parameter after another: {@code " [--seed S]"} or {@code "[&seed=S]"}.
     */
    String optional(String param, String value) {
      return this == QUERY ? "[&" + given(param, value) + "]" : " [" + given(param, value) + "]";
    }

    /** Two parameters given together. */
    String and(String first, String second) {
      return first + (this == QUERY ? "&" : " ") + second;
    }
  }

  /**
   * A front end's bounds on one request.
   *
   * @param maxLabels the most labels per strip or frame
   * @param maxFrames the most frames per interpolation (at most {@link CganGenerator#MAX_FRAMES})
   * @param maxTiles the most tiles (labels × frames) per interpolation
   * @param owner whose bounds these are, for messages ("this server"), or null for the library's
   */
  record Limits(int maxLabels, int maxFrames, int maxTiles, String owner) {
    /** No bound beyond the library's own: {@link CganGenerator#MAX_FRAMES} frames. */
    public static final Limits LIBRARY =
        new Limits(Integer.MAX_VALUE, CganGenerator.MAX_FRAMES, Integer.MAX_VALUE, null);

    public Limits {
      if (maxLabels < 1 || maxTiles < 1 || maxFrames < 2 || maxFrames > CganGenerator.MAX_FRAMES) {
        throw new IllegalArgumentException(
            "limits need at least 1 label and tile and 2 to "
                + CganGenerator.MAX_FRAMES
                + " frames, got "
                + maxLabels
                + ", "
                + maxTiles
                + ", "
                + maxFrames);
      }
    }
  }

  /**
   * The classes a model has, which labels are resolved against.
   *
   * @param count how many: labels are 0 to count − 1
   * @param names their names in label order, or null when the classes are digits
   */
  record Classes(int count, List<String> names) {
    public Classes {
      names = names == null ? null : List.copyOf(names);
    }

    /** The classes of {@code g}'s model, with the names its metadata gives. */
    public static Classes of(CganGenerator g) {
      return new Classes(g.config().numClasses(), g.classNames());
    }
  }

  /**
   * One row of tiles, one per label: {@code :render}, {@code generate}.
   *
   * @param labels the classes, left to right
   * @param seed the noise seed
   * @param noise how the latents are drawn from the seed
   * @param weights which weights, or null for the model's default
   */
  record Strip(List<Integer> labels, long seed, Noise noise, Weights weights)
      implements ImageRequest {
    /** The parameters a strip takes (query spelling). */
    public static final Set<String> PARAMETERS =
        Set.of("digits", "labels", "seed", "same_style", "truncation", "weights");

    public Strip {
      labels = List.copyOf(labels);
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("a strip needs at least one label");
      }
    }

    /**
     * The strip {@code given} asks for, its labels resolved against {@code classes}.
     *
     * @throws IllegalArgumentException one line naming the parameter as {@code naming} spells it
     */
    public static Strip parse(Params given, Naming naming, Limits limits, Classes classes) {
      return new RequestParser(given, naming, limits, classes).strip();
    }

    /**
     * Refuses what {@link #parse} would refuse without knowing the model: the spelling of every
     * value and the bounds; which labels are classes (and which names) needs the model.
     */
    public static void check(Params given, Naming naming, Limits limits) {
      new RequestParser(given, naming, limits, null).strip();
    }

    @Override
    public int frames() {
      return 1;
    }

    @Override
    public int tiles() {
      return labels.size();
    }

    @Override
    public List<BufferedImage> draw(CganGenerator g) {
      return List.of(g.render(array(labels), seed, noise));
    }
  }

  /** An interpolation: {@code :interpolate}, {@code interpolate}. */
  sealed interface Morph extends ImageRequest permits StyleMorph, ClassMorph {
    /** The parameters an interpolation takes (query spelling). */
    Set<String> PARAMETERS =
        Set.of("digits", "labels", "seeds", "classes", "seed", "steps", "fps", "weights");

    /** The frames per second of its GIF. */
    int fps();

    /**
     * The interpolation {@code given} asks for, its labels resolved against {@code classes}.
     *
     * @throws IllegalArgumentException one line naming the parameter as {@code naming} spells it
     */
    static Morph parse(Params given, Naming naming, Limits limits, Classes classes) {
      return new RequestParser(given, naming, limits, classes).morph();
    }

    /** {@link Strip#check} for an interpolation. */
    static void check(Params given, Naming naming, Limits limits) {
      new RequestParser(given, naming, limits, null).morph();
    }
  }

  /**
   * Style interpolation: {@code labels} in every frame, the style moving from {@code fromSeed}'s to
   * {@code toSeed}'s ({@link CganGenerator#interpolateStyle}).
   */
  record StyleMorph(
      List<Integer> labels, long fromSeed, long toSeed, int frames, int fps, Weights weights)
      implements Morph {
    public StyleMorph {
      labels = List.copyOf(labels);
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("an interpolation needs at least one label");
      }
      CganGenerator.checkFrames(frames);
      Gif.checkFps(fps);
    }

    @Override
    public int tiles() {
      return labels.size();
    }

    @Override
    public List<BufferedImage> draw(CganGenerator g) {
      return g.interpolateStyle(array(labels), fromSeed, toSeed, frames);
    }
  }

  /**
   * Class interpolation: one tile, {@code seed}'s style, the label moving from {@code fromClass} to
   * {@code toClass} ({@link CganGenerator#interpolateClasses}).
   */
  record ClassMorph(int fromClass, int toClass, long seed, int frames, int fps, Weights weights)
      implements Morph {
    public ClassMorph {
      Labels.checkClass(fromClass, 0, Integer.MAX_VALUE, "classes");
      Labels.checkClass(toClass, 1, Integer.MAX_VALUE, "classes");
      CganGenerator.checkFrames(frames);
      Gif.checkFps(fps);
    }

    @Override
    public int tiles() {
      return 1;
    }

    @Override
    public List<BufferedImage> draw(CganGenerator g) {
      return g.interpolateClasses(fromClass, toClass, seed, frames);
    }
  }

  private static int[] array(List<Integer> labels) {
    return labels.stream().mapToInt(Integer::intValue).toArray();
  }
}
