package dev.cgan.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An answer decided from the path alone, before the request's body has arrived, says that the
 * connection closes: a pooling client must not send its next request into it (the JDK's client then
 * read "no bytes", seen once as a flaky 405 test on a loaded machine).
 */
@Timeout(60)
@ExtendWith(TinyModel.Prepared.class)
class UnreadBodyTest {
  @Test
  void aRefusalBeforeTheBodyArrivesSaysTheConnectionCloses() throws Exception {
    String head = answerTo("POST /v2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{");
    assertTrue(head.startsWith("HTTP/1.1 405"), head);
    assertTrue(head.contains("\r\nconnection: close\r\n"), head);
  }

  @Test
  void aRefusalOfABodyThatHasArrivedKeepsTheConnection() throws Exception {
    String body = "{\"inputs\": []}";
    String head =
        answerTo(
            "POST /v2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body);
    assertTrue(head.startsWith("HTTP/1.1 405"), head);
    assertTrue(!head.contains("\r\nconnection: close\r\n"), head);
  }

  /** The status line and headers of the answer to {@code request}, lower-cased but the first. */
  private static String answerTo(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", TinyModel.server().port())) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      while (!got.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        got.write(b);
      }
      String text = got.toString(StandardCharsets.US_ASCII);
      int eol = text.indexOf("\r\n");
      assertEquals(true, eol > 0, text);
      return text.substring(0, eol) + text.substring(eol).toLowerCase(Locale.ROOT);
    }
  }
}
