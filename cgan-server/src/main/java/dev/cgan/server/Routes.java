package dev.cgan.server;

import dev.cgan.image.Gif;
import dev.cgan.image.Png;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.Labels;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.Noise;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** Routes a request to its endpoint and writes the answer, or {@code {"error"}} with its status. */
final class Routes extends Handler.Abstract {
  /** {@code /v1/models/NAME[/versions/V][/metadata | :predict | :render | :interpolate]}. */
  private static final Pattern MODEL_PATH =
      Pattern.compile(
          "/v1/models/([^/:]+)(?:/versions/([^/:]+))?(?:(/metadata)|:(predict|render|interpolate))?");

  private static final String JSON = "application/json";

  private final CganGenerator generator;
  private final CganServer.Settings settings;
  private final Predict predict;
  private final byte[] page;
  private volatile Runnable onRequest = () -> {};

  Routes(CganGenerator generator, CganServer.Settings settings) {
    this.generator = generator;
    this.settings = settings;
    this.predict = new Predict(generator, settings.maxBatch());
    this.page = Page.html(settings.model()).getBytes(StandardCharsets.UTF_8);
  }

  /** Called as each request starts being handled (for tests that need a request in flight). */
  void onRequest(Runnable listener) {
    this.onRequest = listener;
  }

  /** A status, a content type and a body. */
  private record Answer(int status, String type, byte[] body) {
    static Answer json(String body) {
      return new Answer(200, JSON, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    onRequest.run();
    Answer answer;
    try {
      answer = route(request);
    } catch (HttpError e) {
      answer = error(e.status, e.getMessage());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      answer = error(HttpError.BAD_REQUEST, TensorArrays.firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      answer = error(500, "internal error: " + TensorArrays.firstLine(String.valueOf(e)));
    }
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.type());
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
    return true;
  }

  private static Answer error(int status, String message) {
    return new Answer(status, JSON, Json.error(message).getBytes(StandardCharsets.UTF_8));
  }

  private Answer route(Request request) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.equals("/") || path.equals("/index.html")) {
      requireMethod(method, "GET", path);
      return new Answer(200, "text/html; charset=utf-8", page);
    }
    Matcher m = MODEL_PATH.matcher(path);
    if (!m.matches()) {
      throw HttpError.notFound("Malformed request: " + method + " " + path);
    }
    String name = m.group(1), version = m.group(2), action = m.group(4);
    boolean metadata = m.group(3) != null;
    if (!name.equals(settings.model())) {
      throw HttpError.notFound(
          version == null
              ? "Servable not found for request: Latest(" + name + ")"
              : "Servable not found for request: Specific(" + name + ", " + version + ")");
    }
    if (version != null && !version.equals(Long.toString(CganServer.VERSION))) {
      throw HttpError.notFound(
          "Servable not found for request: Specific(" + name + ", " + version + ")");
    }
    if (action == null) {
      requireMethod(method, "GET", path);
      return Answer.json(
          metadata
              ? Json.metadata(name, CganServer.VERSION, generator.signatures())
              : Json.status(CganServer.VERSION));
    }
    return switch (action) {
      case "predict" -> {
        requireMethod(method, "POST", path);
        yield Answer.json(predict.answer(body(request)));
      }
      case "render" -> {
        requireMethod(method, "GET", path);
        yield new Answer(200, "image/png", render(Request.extractQueryParameters(request)));
      }
      default -> {
        requireMethod(method, "GET", path);
        yield new Answer(200, "image/gif", interpolate(Request.extractQueryParameters(request)));
      }
    };
  }

  private static void requireMethod(String method, String wanted, String path) {
    if (!method.equals(wanted)) {
      throw new HttpError(
          HttpError.METHOD_NOT_ALLOWED, path + " takes " + wanted + ", not " + method);
    }
  }

  /**
   * The body as UTF-8, refused with 413 beyond {@link CganServer.Settings#maxBodyBytes}. A body up
   * to 16 times the bound is read to its end and dropped before the 413, so that a client still
   * sending gets the answer rather than a reset connection.
   */
  private String body(Request request) {
    long max = settings.maxBodyBytes();
    try (InputStream in = Request.asInputStream(request)) {
      if (request.getLength() > max) {
        drain(in, 16 * max);
        throw tooLarge(request.getLength());
      }
      byte[] bytes = in.readNBytes((int) max + 1);
      if (bytes.length > max) {
        drain(in, 16 * max);
        throw tooLarge(-1);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void drain(InputStream in, long upTo) throws IOException {
    byte[] sink = new byte[64 * 1024];
    for (long read = 0; read < upTo; ) {
      int n = in.read(sink);
      if (n < 0) {
        return;
      }
      read += n;
    }
  }

  private HttpError tooLarge(long length) {
    return new HttpError(
        HttpError.TOO_LARGE,
        "request body "
            + (length < 0 ? "" : "of " + length + " bytes ")
            + "is more than this server's bound of "
            + settings.maxBodyBytes()
            + " bytes");
  }

  /** {@code :render?digits=SEQ[&seed=S][&same_style=true][&truncation=T]}: one strip as PNG. */
  private byte[] render(Fields q) {
    checkKnown(q, Set.of("digits", "seed", "same_style", "truncation"));
    int[] labels = digits(q, settings.maxDigits());
    long seed = longParam(q, "seed", 7);
    Noise noise = Noise.independent().withSameStyle(boolParam(q, "same_style"));
    String t = q.getValue("truncation");
    if (t != null && !t.isEmpty()) {
      float truncation = floatParam(t);
      if (truncation != 0) {
        noise = noise.withTruncation(truncation);
      }
    }
    return png(generator.render(labels, seed, noise));
  }

  /**
   * {@code :interpolate?digits=SEQ&seeds=A,B} (style) or {@code ?classes=I,J[&seed=S]} (class),
   * with {@code steps} (frames, default 10) and {@code fps} (default 5): a looping GIF.
   */
  private byte[] interpolate(Fields q) {
    checkKnown(q, Set.of("digits", "seeds", "classes", "seed", "steps", "fps"));
    int steps = (int) longParam(q, "steps", 10);
    int fps = (int) longParam(q, "fps", 5);
    if (steps < 2 || steps > settings.maxFrames()) {
      throw HttpError.badRequest(
          "steps must be 2 to " + settings.maxFrames() + " on this server, got " + steps);
    }
    Gif.checkFps(fps);
    List<BufferedImage> frames;
    if (q.getValue("classes") != null) {
      if (q.getValue("digits") != null || q.getValue("seeds") != null) {
        throw HttpError.badRequest("classes=I,J takes seed=S, not digits or seeds");
      }
      int[] ij = Labels.parse(q.getValue("classes"), generator.config().numClasses(), "classes");
      if (ij.length != 2) {
        throw HttpError.badRequest("classes needs two classes I,J");
      }
      frames = generator.interpolateClasses(ij[0], ij[1], longParam(q, "seed", 7), steps);
    } else {
      int maxDigits = Math.min(settings.maxDigits(), settings.maxTiles() / steps);
      int[] labels = digits(q, maxDigits);
      String seeds = q.getValue("seeds");
      String[] ab = seeds == null ? new String[0] : seeds.split(",", -1);
      if (ab.length != 2) {
        throw HttpError.badRequest("digits=SEQ needs seeds=A,B: the two styles to move between");
      }
      frames =
          generator.interpolateStyle(
              labels, parseLong("seeds", ab[0]), parseLong("seeds", ab[1]), steps);
    }
    try {
      return Gif.encode(frames, fps);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int[] digits(Fields q, int max) {
    String digits = q.getValue("digits");
    if (digits == null || digits.isEmpty()) {
      throw HttpError.badRequest("digits is missing: give e.g. digits=2026112701");
    }
    int[] labels = Labels.parse(digits, generator.config().numClasses(), "digits");
    if (labels.length > max) {
      throw HttpError.badRequest(
          labels.length + " digits are more than this server's bound of " + max + " per request");
    }
    return labels;
  }

  private static void checkKnown(Fields q, Set<String> known) {
    for (String name : q.getNames()) {
      if (!known.contains(name)) {
        throw HttpError.badRequest(
            "unknown parameter '" + name + "'; this endpoint takes " + String.join(", ", known));
      }
    }
  }

  private static long longParam(Fields q, String name, long otherwise) {
    String v = q.getValue(name);
    return v == null || v.isEmpty() ? otherwise : parseLong(name, v);
  }

  private static long parseLong(String name, String v) {
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest(name + ": '" + v + "' is not a whole number");
    }
  }

  private static boolean boolParam(Fields q, String name) {
    String v = q.getValue(name);
    if (v == null || v.isEmpty() || v.equals("false") || v.equals("0")) {
      return false;
    }
    if (v.equals("true") || v.equals("1")) {
      return true;
    }
    throw HttpError.badRequest(name + " must be true or false, got '" + v + "'");
  }

  private static float floatParam(String v) {
    try {
      return Float.parseFloat(v.strip());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("truncation: '" + v + "' is not a number");
    }
  }

  private static byte[] png(BufferedImage image) {
    try {
      return Png.encode(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
