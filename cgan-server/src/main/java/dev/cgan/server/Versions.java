package dev.cgan.server;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Picks the version that answers a request and holds it until the answer is sent: the one the path
 * names ({@code /v1/models/NAME/versions/N…} or {@code /v2/models/NAME/versions/N…}), else the
 * highest AVAILABLE one; then that version's {@link Routes} answers. The model status ({@code GET
 * /v1/models/NAME[/versions/N]}) is answered here, with every version's state.
 */
final class Versions extends Handler.Abstract {
  private static final Pattern MODEL_PATH =
      Pattern.compile(
          "/v1/models/([^/:]+)(?:/versions/([^/:]+))?(?:(/metadata)|:(predict|render|interpolate))?");

  /** An Open Inference path that names a version: {@code /v2/models/NAME/versions/N[/…]}. */
  private static final Pattern V2_VERSION_PATH =
      Pattern.compile("/v2/models/([^/]+)/versions/([^/]+)(?:/(?:ready|infer))?");

  private final ModelVersions versions;
  private final String model;
  private final BrowserSafety safety;
  private final Routes.InFlight inFlight;
  private volatile Runnable onRequest = () -> {};

  Versions(ModelVersions versions, String model, BrowserSafety safety, Routes.InFlight inFlight) {
    this.versions = versions;
    this.model = model;
    this.safety = safety;
    this.inFlight = inFlight;
  }

  /** Called as each request starts being handled (for tests that need a request in flight). */
  void onRequest(Runnable listener) {
    this.onRequest = listener;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    inFlight.track(request);
    onRequest.run();
    ModelVersions.Served served;
    try {
      String status = status(request);
      if (status != null) {
        Answer.json(status).send(request, response, callback, safety);
        return true;
      }
      served = pick(request);
    } catch (HttpError e) {
      Answer.error(e).send(request, response, callback, safety);
      return true;
    }
    Request.addCompletionListener(request, failure -> served.release());
    return served.routes.handle(request, response, callback);
  }

  /**
   * TF Serving's GetModelStatusResponse for {@code GET /v1/models/NAME[/versions/N]}: every version
   * known, or the one named; null for any other request.
   */
  private String status(Request request) {
    Matcher m = MODEL_PATH.matcher(Request.getPathInContext(request));
    if (!m.matches() || !m.group(1).equals(model) || m.group(3) != null || m.group(4) != null) {
      return null;
    }
    safety.checkHost(request);
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw HttpError.methodNotAllowed(
          Request.getPathInContext(request) + " takes GET or HEAD, not " + method, "GET, HEAD");
    }
    String version = m.group(2);
    List<ModelVersions.Status> all = versions.statuses();
    if (version != null) {
      all = all.stream().filter(s -> Long.toString(s.version()).equals(version)).toList();
      if (all.isEmpty()) {
        throw notFound(version);
      }
    }
    return Json.status(all);
  }

  /**
   * The version that answers this request, held: the one its path names, else the highest.
   *
   * @throws HttpError when the version asked for is not AVAILABLE, or none is
   */
  private ModelVersions.Served pick(Request request) {
    String path = Request.getPathInContext(request);
    Matcher m = MODEL_PATH.matcher(path);
    String version = m.matches() && m.group(1).equals(model) ? m.group(2) : null;
    Matcher v2 = V2_VERSION_PATH.matcher(path);
    if (version == null && v2.matches() && v2.group(1).equals(model)) {
      version = v2.group(2);
    }
    if (version == null) {
      // The latest version; or the page, another model's name, an unknown path: the routes of any
      // version answer those alike.
      return latest(request);
    }
    ModelVersions.Served s =
        version.matches("[0-9]{1,18}") ? versions.acquire(Long.parseLong(version)) : null;
    if (s == null && v2.matches()) {
      // The Open Inference Protocol answers an unknown version in its own words and form.
      return latest(request);
    }
    if (s == null) {
      safety.checkHost(request);
      throw notFound(version);
    }
    return s;
  }

  private ModelVersions.Served latest(Request request) {
    ModelVersions.Served s = versions.acquireLatest();
    if (s == null) {
      safety.checkHost(request);
      throw HttpError.busy(
          "Servable not found for request: Latest("
              + model
              + "): no version is AVAILABLE yet; GET /v1/models/"
              + model
              + " says why",
          Expensive.RETRY_AFTER_SECONDS);
    }
    return s;
  }

  private HttpError notFound(String version) {
    return HttpError.notFound(
        "Servable not found for request: Specific(" + model + ", " + version + ")");
  }
}
