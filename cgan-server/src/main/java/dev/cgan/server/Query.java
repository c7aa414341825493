package dev.cgan.server;

import java.util.List;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * The query parameters of a GET, read exactly: each name known and given once, printable. What the
 * values mean is {@link dev.cgan.serve.ImageRequest}'s to read, as it reads the command line's.
 */
final class Query {
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

  /** The value as given (empty when given empty), or null when the parameter is absent. */
  String value(String name) {
    return fields.getValue(name);
  }
}
