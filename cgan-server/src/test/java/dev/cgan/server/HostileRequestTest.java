package dev.cgan.server;

import static dev.cgan.server.RawHttp.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests an outside probe sent, and more of the kind, on raw sockets: every answer is {@code
 * {"error": "one line"}} JSON with a 4xx status for the client's fault, never HTML, a stack trace
 * or a Java class name; Jetty's own refusals included.
 */
@Timeout(60)
@ExtendWith(TinyModel.Prepared.class)
class HostileRequestTest {
  private static final String PREDICT = "/v1/models/cgan:predict";
  private static final String GENERATE =
      "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1], \"seed\": 7}}";

  private static int port() {
    return TinyModel.server().port();
  }

  private static String head(String requestLine, String... headers) {
    return requestLine + "\r\n" + String.join("", headers) + "\r\n";
  }

  static Stream<Arguments> jettysOwnRefusals() {
    return Stream.of(
        Arguments.of(
            "dot-dot segments",
            head("GET /../../etc/passwd HTTP/1.1", "Host: 127.0.0.1\r\n"),
            400,
            "bad request: the request line, its URI or a header is malformed"),
        Arguments.of(
            "encoded dot-dot segments",
            head("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1", "Host: 127.0.0.1\r\n"),
            400,
            "bad request: the request line, its URI or a header is malformed"),
        Arguments.of(
            "an empty segment",
            head("GET //v1/models/cgan HTTP/1.1", "Host: 127.0.0.1\r\n"),
            400,
            "bad request: Ambiguous URI empty segment"),
        Arguments.of(
            "an absolute-form URI naming another host",
            head("GET http://evil.example/v1/models/cgan HTTP/1.1", "Host: 127.0.0.1\r\n"),
            400,
            "bad request: Authority!=Host"),
        Arguments.of(
            "a 100 kB URL",
            head("GET /" + "a".repeat(100_000) + " HTTP/1.1", "Host: 127.0.0.1\r\n"),
            414,
            "the request URI is longer than this server's bound of 8192 bytes"),
        Arguments.of(
            "a 100 kB header",
            head(
                "GET /v1/models/cgan HTTP/1.1",
                "Host: 127.0.0.1\r\n",
                "X-A: " + "a".repeat(100_000) + "\r\n"),
            431,
            "the request headers are larger than this server's bound of 8192 bytes"),
        Arguments.of(
            "HTTP/3.0",
            head("GET /v1/models/cgan HTTP/3.0", "Host: 127.0.0.1\r\n"),
            505,
            "HTTP version not supported: this server speaks HTTP/1.1 and HTTP/1.0"),
        Arguments.of(
            "HTTP/1.1 without Host",
            head("GET /v1/models/cgan HTTP/1.1"),
            400,
            "bad request: No Host"),
        Arguments.of(
            "two Content-Lengths",
            head(
                    "POST " + PREDICT + " HTTP/1.1",
                    "Host: 127.0.0.1\r\n",
                    "Content-Length: 2\r\n",
                    "Content-Length: 3\r\n")
                + "{}x",
            400,
            "bad request: Multiple Content-Lengths"),
        Arguments.of(
            "Transfer-Encoding and Content-Length",
            head(
                    "POST " + PREDICT + " HTTP/1.1",
                    "Host: 127.0.0.1\r\n",
                    "Content-Length: 5\r\n",
                    "Transfer-Encoding: chunked\r\n")
                + "0\r\n\r\n",
            400,
            "bad request: Transfer-Encoding and Content-Length"),
        Arguments.of(
            "a chunk size of 20 hex digits",
            head(
                    "POST " + PREDICT + " HTTP/1.1",
                    "Host: 127.0.0.1\r\n",
                    "Transfer-Encoding: chunked\r\n")
                + "FFFFFFFFFFFFFFFFFFFF\r\nabc",
            400,
            "the request body ended before its end: the connection closed, or its chunked encoding is"
                + " broken"),
        Arguments.of(
            "an expectation other than 100-continue",
            head(
                    "POST " + PREDICT + " HTTP/1.1",
                    "Host: 127.0.0.1\r\n",
                    "Expect: the-unexpected\r\n",
                    "Content-Length: 2\r\n")
                + "{}",
            417,
            "expectation failed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jettysOwnRefusals")
  void jettysOwnRefusalsAreJsonNotHtml(String what, String request, int status, String message)
      throws Exception {
    RawHttp.Reply r = RawHttp.exchange(port(), request);
    assertError(r, status, message);
    assertEquals("nosniff", r.header("X-Content-Type-Options"), what);
  }

  static Stream<Arguments> hostileBodies() {
    String deep = "[".repeat(50_000) + "1" + "]".repeat(50_000);
    return Stream.of(
        Arguments.of(
            "50,000 nested lists (within the 1 MiB bound)",
            "{\"inputs\": " + deep + "}",
            "JSON Parse error: nesting too deep: more than 32 levels of [ and {, at line 1 column 44"
                + " (path $.inputs[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                + "[0][0][0][0][0][0][0][0][0])"),
        Arguments.of(
            "50,000 nested objects",
            "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000),
            "JSON Parse error: nesting too deep: more than 32 levels of [ and {, at line 1 column 162"
                + " (path $.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a)"),
        Arguments.of(
            "NaN, which JSON does not have",
            "{\"inputs\": {\"labels\": [1], \"noise\": [[NaN" + ",0".repeat(99) + "]]}}",
            "JSON Parse error: not JSON near '[NaN,0,0,0,0,0,0,0,0' at line 1 column 39 path"
                + " $.inputs.noise[0][0]"),
        Arguments.of(
            "Infinity, which JSON does not have",
            "{\"inputs\": {\"labels\": [1], \"noise\": [[-Infinity" + ",0".repeat(99) + "]]}}",
            "JSON Parse error: not JSON near '[-Infinity,0,0,0,0,0' at line 1 column 39 path"
                + " $.inputs.noise[0][0]"),
        Arguments.of(
            "a key given twice (which one would count?)",
            "{\"signature_name\": \"generate\", \"inputs\": {\"labels\": [1], \"seed\": 7},"
                + " \"inputs\": 3}",
            "JSON Parse error: the key \"inputs\" is given twice, at line 1 column 78 (path"
                + " $.inputs)"),
        Arguments.of(
            "a second document after the first",
            GENERATE + " {}",
            "JSON Parse error: not JSON near '{}' at line 1 column 71 path $"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileBodies")
  void hostileBodiesAreRefusedNamingTheCulprit(String what, String body, String message)
      throws Exception {
    assertError(RawHttp.exchange(port(), RawHttp.post(PREDICT, body)), 400, message);
  }

  @Test
  void aBodyThatIsNotUtf8IsRefusedNotReadWithReplacementCharacters() throws Exception {
    byte[] body = "{\"signature_name\": \"gen?rate\"}".getBytes(StandardCharsets.US_ASCII);
    byte[] request = RawHttp.post(PREDICT, new String(body, StandardCharsets.US_ASCII));
    for (int i = 0; i < request.length; i++) {
      if (request[i] == '?') {
        request[i] = (byte) 0xFF;
      }
    }
    assertError(
        RawHttp.exchange(port(), request),
        400,
        "the request body is not UTF-8: byte 0xFF at offset 23 does not belong there");
  }

  static Stream<Arguments> hostileQueries() {
    return Stream.of(
        Arguments.of(
            "/v1/models/cgan:render?digits=1&digits=2",
            "parameter 'digits' is given 2 times; give it once"),
        Arguments.of(
            "/v1/models/cgan:render?digits=%C0%AF",
            "the query 'digits=%C0%AF' does not decode: use %XX escapes of UTF-8 bytes"),
        Arguments.of(
            "/v1/models/cgan:render?digits=%zz",
            "the query 'digits=%zz' does not decode: use %XX escapes of UTF-8 bytes"),
        Arguments.of(
            "/v1/models/cgan:render?digits=1%0A2",
            "parameter 'digits' holds the control character U+000A at position 2; give printable"
                + " text"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileQueries")
  void hostileQueriesAreRefused(String target, String message) throws Exception {
    assertError(RawHttp.exchange(port(), RawHttp.get("GET", target)), 400, message);
  }

  @Test
  void aBodyDeclaredBeyondTheBoundIs413AtOnceWhenItWouldNotBeSentOrDrained() throws Exception {
    String message = "request body of %d bytes is more than this server's bound of 1048576 bytes";
    // Beyond what would be drained: answered without waiting for a byte of it.
    assertError(
        RawHttp.exchange(
            port(),
            head(
                "POST " + PREDICT + " HTTP/1.1",
                "Host: 127.0.0.1\r\n",
                "Content-Length: 9999999999\r\n")),
        413,
        message.formatted(9999999999L));
    // A client waiting for "100 Continue" gets the 413 instead, and never sends the body.
    assertError(
        RawHttp.exchange(
            port(),
            head(
                "POST " + PREDICT + " HTTP/1.1",
                "Host: 127.0.0.1\r\n",
                "Expect: 100-continue\r\n",
                "Content-Length: 5000000\r\n")),
        413,
        message.formatted(5000000));
  }

  @Test
  void headIsAnsweredWhereverGetIsWithItsHeadersAndNoBody() throws Exception {
    for (String target :
        new String[] {
          "/", "/v1/models/cgan", "/v1/models/cgan/metadata", "/v1/models/cgan:render?digits=12"
        }) {
      RawHttp.Reply get = RawHttp.exchange(port(), RawHttp.get("GET", target));
      RawHttp.Reply head = RawHttp.exchange(port(), RawHttp.get("HEAD", target));
      assertEquals(200, head.status(), target);
      assertEquals(get.header("Content-Type"), head.header("Content-Type"), target);
      assertEquals(Integer.toString(get.body().length), head.header("Content-Length"), target);
      assertArrayEquals(new byte[0], head.body(), target);
    }
    // And where GET is refused, HEAD gets the same refusal's headers.
    RawHttp.Reply missing = RawHttp.exchange(port(), RawHttp.get("HEAD", "/v1/models/cgan:render"));
    assertEquals(400, missing.status());
    assertEquals("application/json", missing.header("Content-Type"));
  }

  @Test
  void aWrongMethodNamesTheRightOnesInAllow() throws Exception {
    RawHttp.Reply r = RawHttp.exchange(port(), RawHttp.get("DELETE", "/v1/models/cgan"));
    assertError(r, 405, "/v1/models/cgan takes GET or HEAD, not DELETE");
    assertEquals("GET, HEAD", r.header("Allow"));
    RawHttp.Reply p = RawHttp.exchange(port(), RawHttp.get("GET", PREDICT));
    assertError(p, 405, "/v1/models/cgan:predict takes POST, not GET");
    assertEquals("POST", p.header("Allow"));
  }

  @Test
  void messagesAreOneLineWithoutJavaExceptionNames() {
    // Every message, whoever wrote it, is cut to one line without qualified exception names.
    assertEquals(
        "internal error: Early EOF",
        Json.oneLine(
            "internal error: org.eclipse.jetty.server.internal.HttpConnection$HttpEofException:"
                + " Early EOF\n\tat org.eclipse.jetty.Foo.bar(Foo.java:1)"));
    assertEquals(
        "x: Idle timeout expired",
        Json.oneLine("x: java.util.concurrent.TimeoutException: Idle timeout expired"));
    String long_ = Json.oneLine("a".repeat(10_000));
    assertEquals(Json.MAX_MESSAGE, long_.length());
    assertTrue(long_.endsWith("\u2026"));
    assertFalse(Json.oneLine("a\u0000b").contains("\u0000"));
  }
}
