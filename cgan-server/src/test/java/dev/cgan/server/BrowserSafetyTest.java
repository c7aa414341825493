package dev.cgan.server;

import static dev.cgan.server.RawHttp.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The headers every answer carries, and the Host rule that keeps a page on another site from
 * reaching a loopback server through DNS rebinding.
 */
@Timeout(60)
@ExtendWith(TinyModel.Prepared.class)
class BrowserSafetyTest {
  private static String request(String host, String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  }

  private static void assertSafetyHeaders(RawHttp.Reply r, String what) {
    String csp = r.header("Content-Security-Policy");
    assertTrue(
        csp != null && csp.startsWith("default-src 'none'; script-src 'sha256-"),
        what + ": " + csp);
    assertTrue(csp.contains("frame-ancestors 'none'"), what + ": " + csp);
    assertEquals("nosniff", r.header("X-Content-Type-Options"), what);
    assertEquals("DENY", r.header("X-Frame-Options"), what);
    assertEquals("no-referrer", r.header("Referrer-Policy"), what);
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() throws Exception {
    int port = TinyModel.server().port();
    String[] requests = {
      RawHttp.get("GET", "/"),
      RawHttp.get("GET", "/v1/models/cgan"),
      RawHttp.get("HEAD", "/v1/models/cgan/metadata"),
      RawHttp.get("GET", "/v1/models/cgan:render?digits=1"),
      RawHttp.get("GET", "/nothing"),
      RawHttp.get("GET", "/%2e%2e/etc/passwd"),
      "GET /v1/models/cgan HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
      request("evil.example", "/"),
      new String(RawHttp.post("/v1/models/cgan:predict", "{"), StandardCharsets.ISO_8859_1)
    };
    for (String r : requests) {
      assertSafetyHeaders(RawHttp.exchange(port, r), r.substring(0, r.indexOf('\r')));
    }
  }

  @Test
  void thePolicyAllowsThePagesOwnScriptAndStyleByHashAndNothingInline() throws Exception {
    String page = TinyModel.get("/").body();
    String csp = TinyModel.get("/").headers().firstValue("Content-Security-Policy").orElseThrow();
    for (String element : new String[] {"script", "style"}) {
      Matcher m =
          Pattern.compile("<" + element + ">(.*?)</" + element + ">", Pattern.DOTALL).matcher(page);
      assertTrue(m.find(), element);
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
      String hash = "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
      assertTrue(csp.contains(element + "-src " + hash), csp);
    }
    // Inline handlers (onclick=...) would need 'unsafe-inline' or 'unsafe-hashes'; there are none.
    assertFalse(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(page).find());
    assertFalse(csp.contains("unsafe"), csp);
  }

  @Test
  void aLoopbackServerAnswersLoopbackNamesOnly() throws Exception {
    int port = TinyModel.server().port();
    for (String host :
        List.of(
            "localhost",
            "LocalHost:8501",
            "127.0.0.1",
            "127.0.0.1:" + port,
            "127.1.2.3:99",
            "[::1]",
            "[::1]:8080",
            "[0:0:0:0:0:0:0:1]")) {
      assertEquals(200, RawHttp.exchange(port, request(host, "/v1/models/cgan")).status(), host);
    }
    for (String host :
        List.of(
            "evil.example",
            "evil.example:8501",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "128.0.0.1",
            "127.0.0.256",
            "[::2]")) {
      String name = host.replaceFirst(":8501$", "");
      assertError(
          RawHttp.exchange(port, request(host, "/v1/models/cgan")),
          403,
          "Host '"
              + name
              + "' is not allowed; start serve with --allowed-hosts "
              + name
              + " to allow it (this server answers only the loopback names localhost, 127.x.x.x"
              + " and [::1] unless told more)");
    }
    // HTTP/1.0 names the host in an absolute URI, with no Host header: the same rule.
    assertEquals(
        403,
        RawHttp.exchange(port, "GET http://evil.example/v1/models/cgan HTTP/1.0\r\n\r\n").status());
    // With no name at all (HTTP/1.0, no Host): not a browser, answered.
    assertEquals(200, RawHttp.exchange(port, "GET /v1/models/cgan HTTP/1.0\r\n\r\n").status());
  }

  @Test
  void allowedHostsAddNamesOrAny() throws Exception {
    try (CganServer server =
        TinyModel.start(
            CganServer.Settings.defaults()
                .withPort(0)
                .withAllowedHosts(List.of("Cgan.Example", "[2001:db8::1]")))) {
      int port = server.port();
      for (String host :
          List.of("cgan.example", "CGAN.example:80", "localhost", "[2001:db8::1]:1")) {
        assertEquals(200, RawHttp.exchange(port, request(host, "/v1/models/cgan")).status(), host);
      }
      assertEquals(
          403, RawHttp.exchange(port, request("evil.example", "/v1/models/cgan")).status());
    }
    try (CganServer server =
        TinyModel.start(
            CganServer.Settings.defaults().withPort(0).withAllowedHosts(List.of("*")))) {
      assertEquals(
          200, RawHttp.exchange(server.port(), request("any.example", "/v1/models/cgan")).status());
    }
  }

  @Test
  void aServerBoundBeyondLoopbackAnswersAnyNameUnlessTheListSaysWhich() {
    BrowserSafety open = new BrowserSafety("default-src 'none'", false, List.of());
    assertTrue(open.allows("evil.example"));
    assertTrue(open.allows("192.0.2.7"));
    BrowserSafety listed = new BrowserSafety("default-src 'none'", false, List.of("cgan.example"));
    assertTrue(listed.allows("cgan.example"));
    assertTrue(listed.allows("localhost"));
    assertFalse(listed.allows("evil.example"));
    assertTrue(BrowserSafety.isLoopbackAddress("127.0.0.1"));
    assertTrue(BrowserSafety.isLoopbackAddress("::1"));
    assertFalse(BrowserSafety.isLoopbackAddress("0.0.0.0"));
  }

  @Test
  void anAllowedHostWithAPortOrSpacesIsRefusedByTheSettings() {
    for (String bad : List.of("cgan.example:8501", "a b", "", "http://cgan.example", "a,b")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> CganServer.Settings.defaults().withAllowedHosts(List.of(bad)));
      assertEquals(
          "allowed host '"
              + bad
              + "' must be a host name or address without a port (e.g. example.com, 192.0.2.7,"
              + " [2001:db8::1]), or * for any",
          e.getMessage());
    }
  }
}
