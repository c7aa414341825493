package dev.cgan.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;

/**
 * What keeps a browser from being turned against the server: the headers every answer carries (a
 * Content-Security-Policy that lets the page run and nothing else, no sniffing, no framing, no
 * referrer), and the Host rule against DNS rebinding. A page on another site can make a browser
 * send requests to 127.0.0.1 under its own name (evil.example resolving to 127.0.0.1); the Host
 * header still says evil.example, so a server bound to loopback answers only loopback names, and
 * the names its settings allow.
 */
final class BrowserSafety {
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** A host name or IPv4 address, or an IPv6 address in brackets, without a port; or *. */
  private static final Pattern ALLOWED_HOST =
      Pattern.compile("\\*|[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?\\.?|\\[[0-9a-f:.]+\\]");

  private final HttpField[] headers;
  private final boolean anyHost;
  private final Set<String> allowed;

  /**
   * @param contentSecurityPolicy the policy of every answer (the page's: see {@link Page})
   * @param boundToLoopback whether the server listens on a loopback address only
   * @param allowedHosts host names answered besides the loopback ones ({@code *}: any); empty means
   *     loopback names only when bound to loopback, any name otherwise
   */
  BrowserSafety(String contentSecurityPolicy, boolean boundToLoopback, List<String> allowedHosts) {
    this.headers =
        new HttpField[] {
          new PreEncodedHttpField("Content-Security-Policy", contentSecurityPolicy),
          new PreEncodedHttpField("X-Content-Type-Options", "nosniff"),
          new PreEncodedHttpField("X-Frame-Options", "DENY"),
          new PreEncodedHttpField("Referrer-Policy", "no-referrer")
        };
    this.allowed = allowedHosts.stream().map(BrowserSafety::normalize).collect(Collectors.toSet());
    this.anyHost = allowed.contains("*") || (!boundToLoopback && allowed.isEmpty());
  }

  /**
   * Checks one allowed-hosts entry.
   *
   * @throws IllegalArgumentException naming it when it is not a host name or address without a
   *     port, or {@code *}
   */
  static void checkAllowedHost(String host) {
    if (host == null || !ALLOWED_HOST.matcher(host.toLowerCase(Locale.ROOT)).matches()) {
      throw new IllegalArgumentException(
          "allowed host '"
              + host
              + "' must be a host name or address without a port (e.g. example.com, 192.0.2.7,"
              + " [2001:db8::1]), or * for any");
    }
  }

  /** Whether {@code host} is a name or address of this machine's loopback interface. */
  static boolean isLoopbackAddress(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException | SecurityException e) {
      // Not an address at all: the server's start says so, naming it.
      return false;
    }
  }

  /** Adds the headers every answer carries. */
  void stamp(HttpFields.Mutable fields) {
    for (HttpField f : headers) {
      fields.put(f);
    }
  }

  /** Refuses a request whose Host this server does not answer, with 403. */
  void checkHost(Request request) {
    String host = request.getHttpURI().getHost();
    if (!allows(host)) {
      throw new HttpError(
          HttpError.FORBIDDEN,
          "Host '"
              + host
              + "' is not allowed; start serve with --allowed-hosts "
              + host
              + " to allow it (this server answers only the loopback names localhost, 127.x.x.x"
              + " and [::1] unless told more)");
    }
  }

  /** Whether a request naming {@code host} (without its port; null: none) is answered. */
  boolean allows(String host) {
    // No name at all (HTTP/1.0 without Host): no browser sends that, so no page can be behind it.
    if (host == null || host.isEmpty() || anyHost) {
      return true;
    }
    String name = normalize(host);
    return isLoopbackName(name) || allowed.contains(name);
  }

  /** Lower case, IPv6 brackets added, one trailing dot of a fully qualified name dropped. */
  private static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
  }

  /** localhost, 127.x.x.x, [::1] (in any of its spellings); never a look-up in DNS. */
  static boolean isLoopbackName(String name) {
    if (name.equals("localhost")) {
      return true;
    }
    Matcher m = IPV4_LOOPBACK.matcher(name);
    if (m.matches()) {
      for (int i = 1; i <= 3; i++) {
        if (Integer.parseInt(m.group(i)) > 255) {
          return false;
        }
      }
      return true;
    }
    if (name.startsWith("[") && name.endsWith("]") && name.matches("\\[[0-9a-f:]+\\]")) {
      try {
        // A literal IPv6 address is parsed, never looked up.
        return InetAddress.getByName(name).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }
}
