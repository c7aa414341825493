package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand on a loopback socket, for the clients that must misbehave (bytes the JDK's
 * client refuses to send) and for reading exactly what the server wrote.
 */
final class RawHttp {
  /** How long one exchange may wait for the server's bytes before it fails. */
  static final int READ_TIMEOUT_MS = 15_000;

  private RawHttp() {}

  /** A response: status, headers (names in lower case, first value), body. */
  record Reply(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + text();
    }
  }

  /**
   * Asserts a refusal: the status, {@code application/json}, and exactly {@code {"error": message}}
   * with a one-line message.
   */
  static void assertError(Reply r, int status, String message) {
    assertEquals(status, r.status(), r.toString());
    assertEquals("application/json", r.header("Content-Type"), r.toString());
    JsonObject o = JsonParser.parseString(r.text()).getAsJsonObject();
    assertEquals(java.util.Set.of("error"), o.keySet(), r.text());
    assertEquals(message, o.get("error").getAsString());
  }

  /** A request line and headers (Host: 127.0.0.1, Connection: close) with no body. */
  static String get(String method, String target) {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  }

  /** A POST of {@code body} (UTF-8) with its Content-Length. */
  static byte[] post(String target, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST "
                + target
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + b.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = java.util.Arrays.copyOf(head, head.length + b.length);
    System.arraycopy(b, 0, out, head.length, b.length);
    return out;
  }

  /** Sends {@code request} (ISO-8859-1 bytes) on a new connection and reads one response. */
  static Reply exchange(int port, String request) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  static Reply exchange(int port, byte[] request) throws IOException {
    try (Socket s = open(port)) {
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      boolean head =
          request.length > 5
              && new String(request, 0, 5, StandardCharsets.US_ASCII).equals("HEAD ");
      return read(s.getInputStream(), head);
    }
  }

  static Socket open(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(READ_TIMEOUT_MS);
    return s;
  }

  /**
   * Reads one response: status line, headers, then the body by Content-Length, chunked, or up to
   * the end of the stream (none for {@code head}, a response to HEAD).
   */
  static Reply read(InputStream in, boolean head) throws IOException {
    String status = line(in);
    if (status == null) {
      throw new IOException("the server closed the connection without answering");
    }
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + status);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      headers.putIfAbsent(
          h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
    }
    int code = Integer.parseInt(parts[1]);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = headers.get("content-length");
    if (head || code == 204 || code == 304) {
      // No body follows, whatever the headers say.
    } else if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length)));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int n = Integer.parseInt(line(in).strip(), 16); n > 0; ) {
        body.write(in.readNBytes(n));
        line(in);
        n = Integer.parseInt(line(in).strip(), 16);
      }
      line(in);
    } else {
      try {
        in.transferTo(body);
      } catch (SocketTimeoutException e) {
        throw new IOException("no end to a body without a length: " + body, e);
      }
    }
    return new Reply(code, headers, body.toByteArray());
  }

  /** One line without its CRLF, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    String s = b.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
