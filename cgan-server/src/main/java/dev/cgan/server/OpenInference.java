package dev.cgan.server;

import dev.cgan.Version;
import dev.cgan.serve.CganGenerator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.tensorflow.Signature;

/**
 * The Open Inference Protocol's REST API (v2, {@code docs/open_inference_rest.yaml}) beside
 * TensorFlow Serving's: server metadata ({@code GET /v2}), model metadata ({@code GET
 * /v2/models/NAME[/versions/V]}), model readiness ({@code …/ready}) and inference ({@code POST
 * …/infer}). The health probes {@code /v2/health/live|ready} are {@link Front}'s.
 *
 * <p>An infer request is read by {@link InferRequest} and run by {@link Predict#infer}: the same
 * checks, bounds and TensorFlow call as a predict, and the values written by {@link TensorJson}, so
 * the numbers are a predict's. Errors are the protocol's {@code {"error": "..."}} (every answer of
 * this server is): 400 for a bad request, 404 for another model or version, 405 for a wrong method.
 */
final class OpenInference {
  /** {@code /v2/models/NAME[/versions/V][/ready | /infer]}. */
  private static final Pattern MODEL_PATH =
      Pattern.compile("/v2/models/([^/]+)(?:/versions/([^/]+))?(?:/(ready|infer))?");

  private final String model;
  private final long version;
  private final Predict predict;
  private final Map<String, Signature> signatures;

  OpenInference(CganGenerator generator, String model, long version, Predict predict) {
    this.model = model;
    this.version = version;
    this.predict = predict;
    this.signatures = generator.signatures();
  }

  /** Whether {@code path} is this protocol's (its health probes are answered before). */
  static boolean owns(String path) {
    return path.equals("/v2") || path.startsWith("/v2/");
  }

  /**
   * The endpoint a path is counted under in the metrics: {@code infer}, {@code metadata}, {@code
   * status} (model readiness), or {@code other}.
   */
  static String endpoint(String path) {
    if (path.equals("/v2") || path.equals("/v2/")) {
      return "metadata";
    }
    Matcher m = MODEL_PATH.matcher(path);
    if (!m.matches()) {
      return "other";
    }
    return m.group(3) == null ? "metadata" : m.group(3).equals("infer") ? "infer" : "status";
  }

  /**
   * The answer of a GET; for an infer, what {@code readBody} answers once the body is in (it
   * returns null, and the infer answers itself).
   *
   * @param readBody reads the request's body as it arrives, then answers what the function makes of
   *     it (or the error it throws)
   */
  Answer route(Request request, String path, Function<Function<byte[], Answer>, Answer> readBody) {
    String method = request.getMethod();
    if (path.equals("/v2") || path.equals("/v2/")) {
      Routes.requireMethod(method, Routes.GET, path);
      return Answer.json(InferJson.serverMetadata(Version.project()));
    }
    Matcher m = MODEL_PATH.matcher(path);
    if (!m.matches()) {
      throw HttpError.notFound("Malformed request: " + method + " " + path);
    }
    String name = m.group(1), asked = m.group(2), action = m.group(3);
    if (!name.equals(model)) {
      throw HttpError.notFound(
          "model "
              + Json.string(name)
              + " is not served here (this server serves '"
              + model
              + "')");
    }
    if (asked != null && !asked.equals(Long.toString(version))) {
      throw HttpError.notFound(
          "model '"
              + model
              + "' has no version "
              + Json.string(asked)
              + " (this server has version "
              + version
              + ")");
    }
    if (action == null) {
      Routes.requireMethod(method, Routes.GET, path);
      return Answer.json(
          InferJson.modelMetadata(model, version, Predict.DEFAULT_SIGNATURE, signatures));
    }
    if (action.equals("ready")) {
      Routes.requireMethod(method, Routes.GET, path);
      return Answer.json(InferJson.modelReady(model));
    }
    Routes.requireMethod(method, "POST", path);
    return readBody.apply(body -> Answer.json(infer(body)));
  }

  /** The infer response for a request body; throws {@link HttpError} for a refused request. */
  String infer(byte[] body) {
    InferRequest request = InferRequest.parse(body, signatures, predict.maxValues());
    Map<String, TensorJson.Dense> outputs = predict.infer(request.signature(), request.inputs());
    return InferJson.response(model, version, request, outputs);
  }
}
