package dev.cgan.server;

import dev.cgan.image.Gif;
import dev.cgan.image.Png;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.ImageRequest;
import dev.cgan.serve.ImageRequest.Naming;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.LoggerFactory;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Routes a request to its endpoint and writes the answer, or {@code {"error"}} with its status.
 * Nothing here blocks on a client: a predict's body is read as it arrives ({@link Body}), and the
 * work is done on the thread that has the whole body.
 */
final class Routes extends Handler.Abstract {
  /** {@code /v1/models/NAME[/versions/V][/metadata | :predict | :render | :interpolate]}. */
  private static final Pattern MODEL_PATH =
      Pattern.compile(
          "/v1/models/([^/:]+)(?:/versions/([^/:]+))?(?:(/metadata)|:(predict|render|interpolate))?");

  static final String GET = "GET, HEAD";

  private final CganGenerator generator;
  private final CganServer.Settings settings;
  private final BrowserSafety safety;
  private final Expensive expensive;
  private final Predict predict;
  private final OpenInference openInference;
  private final byte[] page;
  private final InFlight inFlight;
  private final LongConsumer onBatch;
  private final ImageRequest.Limits limits;
  private final long version;

  /** The connections with a request in flight (HTTP/1.1: one each), for a stop to leave open. */
  static final class InFlight {
    private final Set<EndPoint> endPoints = ConcurrentHashMap.newKeySet();
    private volatile long idleAtStopMillis = -1;

    boolean contains(EndPoint endPoint) {
      return endPoints.contains(endPoint);
    }

    /**
     * From now on a connection whose request completes gets {@code idleMillis} as its idle timeout.
     * Jetty completes a request a moment after its response has been written, so a stop that looks
     * at the connections once can find one still "in flight" whose client has its answer and has
     * gone idle; set before looking, one of the two always shortens it.
     */
    void stopping(long idleMillis) {
      idleAtStopMillis = idleMillis;
    }

    void track(Request request) {
      EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      endPoints.add(endPoint);
      Request.addCompletionListener(
          request,
          failure -> {
            endPoints.remove(endPoint);
            long idle = idleAtStopMillis;
            if (idle >= 0) {
              endPoint.setIdleTimeout(idle);
            }
          });
    }
  }

  /**
   * @param version the version {@code generator} is served as
   * @param expensive the server's slots for expensive work, shared by every version
   */
  Routes(
      CganGenerator generator,
      long version,
      CganServer.Settings settings,
      BrowserSafety safety,
      String page,
      InFlight inFlight,
      Expensive expensive,
      LongConsumer onBatch,
      LongConsumer onBatchRequests) {
    this.inFlight = inFlight;
    this.version = version;
    this.generator = generator;
    this.settings = settings;
    this.safety = safety;
    this.expensive = expensive;
    this.onBatch = onBatch;
    this.predict =
        new Predict(
            generator,
            settings.maxBatch(),
            expensive,
            onBatch,
            settings.batching()
                ? new Batcher(
                    new Batcher.Parameters(settings.maxBatchSize(), settings.batchTimeoutMicros()),
                    onBatchRequests)
                : null,
            settings.batching() ? padded(generator, settings, onBatch, onBatchRequests) : null);
    this.openInference = new OpenInference(generator, settings.model(), version, predict);
    this.page = page.getBytes(StandardCharsets.UTF_8);
    this.limits =
        new ImageRequest.Limits(
            settings.maxDigits(), settings.maxFrames(), settings.maxTiles(), "this server");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    inFlight.track(request);
    reply(request, response, callback, () -> route(request, response, callback));
    return true;
  }

  /**
   * The batcher that merges requests that differ, checked on this machine; null when the model
   * lacks the signatures it needs (an older export) or when this machine's kernels treat the rows
   * of a run unalike at this size: then identical requests only are merged, and a warning says why.
   * A server that refused to start there would crash-loop on some nodes of a cluster and not on
   * others; one that merged anyway would change answers by where a request sat in a run.
   */
  private static PaddedBatcher padded(
      CganGenerator generator,
      CganServer.Settings settings,
      LongConsumer onBatch,
      LongConsumer onBatchRequests) {
    if (!PaddedBatcher.possible(generator)) {
      return null;
    }
    PaddedBatcher b =
        new PaddedBatcher(
            generator,
            settings.maxBatchSize(),
            settings.batchTimeoutMicros(),
            onBatch,
            onBatchRequests);
    try {
      b.check();
    } catch (IllegalArgumentException e) {
      LoggerFactory.getLogger(ModelVersions.LOGGER)
          .warn("{}; merging identical requests only", e.getMessage());
      return null;
    }
    return b;
  }

  /**
   * The answer of a request that is answered at once; null for a predict, which answers itself once
   * its body is in.
   */
  private Answer route(Request request, Response response, Callback callback) {
    safety.checkHost(request);
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.equals("/") || path.equals("/index.html")) {
      requireMethod(method, GET, path);
      return Answer.of(200, "text/html; charset=utf-8", page);
    }
    if (OpenInference.owns(path)) {
      return openInference.route(
          request, path, work -> readBody(request, response, callback, work));
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
    if (version != null && !version.equals(Long.toString(this.version))) {
      throw HttpError.notFound(
          "Servable not found for request: Specific(" + name + ", " + version + ")");
    }
    if (action == null) {
      requireMethod(method, GET, path);
      return Answer.json(
          metadata
              ? Json.metadata(name, this.version, generator.signatures())
              : Json.status(this.version));
    }
    return switch (action) {
      case "predict" -> {
        requireMethod(method, "POST", path);
        Body.read(
            request,
            settings.maxBodyBytes(),
            settings.bodyTimeout(),
            body -> reply(request, response, callback, () -> Answer.json(predict.answer(body))),
            refused -> Answer.error(refused).send(request, response, callback, safety));
        yield null;
      }
      case "render" -> {
        requireMethod(method, GET, path);
        yield Answer.of(200, "image/png", render(request));
      }
      default -> {
        requireMethod(method, GET, path);
        yield Answer.of(200, "image/gif", interpolate(request));
      }
    };
  }

  /**
   * Runs {@code work} and writes its answer (none when it returns null: it answers itself), or the
   * error it ends in. No Java exception's name or trace reaches the client.
   */
  private void reply(Request request, Response response, Callback callback, Supplier<Answer> work) {
    Answer answer;
    try {
      answer = work.get();
    } catch (HttpError e) {
      answer = Answer.error(e);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      answer = Answer.error(HttpError.BAD_REQUEST, e.getMessage());
    } catch (TensorFlowException e) {
      answer = Answer.error(HttpError.INTERNAL, "the model failed to run: " + e.getMessage());
    } catch (RuntimeException e) {
      answer =
          Answer.error(
              HttpError.INTERNAL, "internal error: the server could not answer this request");
    }
    if (answer != null) {
      answer.send(request, response, callback, safety);
    }
  }

  /** Reads the body as it arrives, then answers what {@code work} makes of it; returns null. */
  private Answer readBody(
      Request request, Response response, Callback callback, Function<byte[], Answer> work) {
    Body.read(
        request,
        settings.maxBodyBytes(),
        settings.bodyTimeout(),
        body -> reply(request, response, callback, () -> work.apply(body)),
        refused -> Answer.error(refused).send(request, response, callback, safety));
    return null;
  }

  /** HEAD is answered wherever GET is: the same status and headers, no body. */
  static void requireMethod(String method, String allowed, String path) {
    boolean ok =
        allowed.equals(GET)
            ? method.equals("GET") || method.equals("HEAD")
            : method.equals(allowed);
    if (!ok) {
      throw HttpError.methodNotAllowed(
          path + " takes " + allowed.replace(", ", " or ") + ", not " + method, allowed);
    }
  }

  /**
   * {@code :render?digits=SEQ|labels=I,J,..[&seed=S][&same_style=true][&truncation=T][&weights=W]}:
   * one strip as PNG, read by {@link ImageRequest.Strip#parse} as {@code generate} reads its
   * options.
   */
  private byte[] render(Request request) {
    Query q = Query.of(request, ImageRequest.Strip.PARAMETERS);
    ImageRequest.Strip strip =
        ImageRequest.Strip.parse(
            q::value, Naming.QUERY, limits, ImageRequest.Classes.of(generator));
    checkWeights(strip);
    onBatch.accept(strip.tiles());
    return expensive.run(
        "a strip of " + strip.tiles() + " digits",
        strip.tiles(),
        () -> png(strip.draw(generator).get(0)));
  }

  /**
   * {@code :interpolate?digits=SEQ&seeds=A,B} (style) or {@code ?classes=I,J[&seed=S]} (class),
   * with {@code steps} (frames, default 10) and {@code fps} (default 5): a looping GIF, read by
   * {@link ImageRequest.Morph#parse} as {@code interpolate} reads its options.
   */
  private byte[] interpolate(Request request) {
    Query q = Query.of(request, ImageRequest.Morph.PARAMETERS);
    ImageRequest.Morph morph =
        ImageRequest.Morph.parse(
            q::value, Naming.QUERY, limits, ImageRequest.Classes.of(generator));
    checkWeights(morph);
    return expensive.inSlot(
        "a GIF of " + morph.frames() + " frames",
        () -> {
          try {
            return Gif.encode(morph.draw(generator), morph.fps());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** A request may name the weights this server draws from, and no others. */
  private void checkWeights(ImageRequest r) {
    if (r.weights() != null && r.weights() != generator.weights()) {
      throw HttpError.badRequest(
          "weights="
              + r.weights().id()
              + ": this server draws from the "
              + generator.weights().id()
              + " weights (serve --weights chooses them)");
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
