package dev.cgan.server;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools protocol (a WebSocket of JSON commands and
 * events): no Selenium, no driver download, nothing but the browser binary and the JDK. Offline:
 * background networking, component updates and sync are off, in a fresh profile folder.
 */
final class DevTools implements AutoCloseable {
  private final Process browser;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  private final List<Consumer<JsonObject>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private DevTools(Process browser, Path profile, WebSocket socket) {
    this.browser = browser;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts {@code binary} headless with a phone-sized window; connects to its first page. */
  static DevTools start(Path binary) throws Exception {
    Path profile = Files.createTempDirectory("cgan-chromium");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=420,760",
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String ws = devToolsAddress(p);
      URI browserWs = URI.create(ws);
      URI list = URI.create("http://" + browserWs.getAuthority() + "/json/list");
      HttpClient http = HttpClient.newHttpClient();
      String pageWs = pageAddress(p, http, list);
      DevTools[] self = new DevTools[1];
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(pageWs), new Listener(m -> self[0].dispatch(m)))
              .get(30, TimeUnit.SECONDS);
      self[0] = new DevTools(p, profile, socket);
      return self[0];
    } catch (Exception e) {
      p.destroyForcibly();
      throw e;
    }
  }

  /**
   * The WebSocket address of the browser's first page. Chromium says it listens for DevTools before
   * it has opened its first tab: the list is read again until the page is in it.
   */
  private static String pageAddress(Process p, HttpClient http, URI list) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      for (JsonElement t :
          JsonParser.parseString(
                  http.send(
                          HttpRequest.newBuilder(list).build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .getAsJsonArray()) {
        if (t.getAsJsonObject().get("type").getAsString().equals("page")) {
          return t.getAsJsonObject().get("webSocketDebuggerUrl").getAsString();
        }
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("chromium opened no page");
      }
      Thread.sleep(50);
    }
  }

  /** Reads the browser's stderr up to its "DevTools listening on ws://…" line. */
  private static String devToolsAddress(Process p) throws IOException {
    BufferedReader err =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = err.readLine()) != null; ) {
      int at = line.indexOf("ws://");
      if (line.startsWith("DevTools listening on") && at >= 0) {
        Thread drain = new Thread(() -> err.lines().forEach(l -> {}), "chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        return line.substring(at).strip();
      }
      seen.append(line).append('\n');
    }
    throw new IOException("chromium ended before it listened for DevTools:\n" + seen);
  }

  /** Sends a command; returns its result (the protocol's error as an exception). */
  JsonObject send(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    JsonObject msg = new JsonObject();
    msg.addProperty("id", id);
    msg.addProperty("method", method);
    msg.add("params", params == null ? new JsonObject() : params);
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(msg.toString(), true).get(30, TimeUnit.SECONDS);
    JsonObject r = answer.get(60, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IOException(method + ": " + r.get("error"));
    }
    return r.getAsJsonObject("result");
  }

  /** The next event named {@code method}; subscribe before the command that causes it. */
  CompletableFuture<JsonObject> next(String method) {
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    Consumer<JsonObject>[] self = new Consumer[1];
    self[0] =
        m -> {
          if (method.equals(m.has("method") ? m.get("method").getAsString() : null)) {
            listeners.remove(self[0]);
            f.complete(m);
          }
        };
    listeners.add(self[0]);
    return f;
  }

  /**
   * Navigates to {@code url} and returns once that document has fired its load event. The first
   * page's own about:blank may still be loading when a test starts: its load event, or a script run
   * in it, must not be taken for the page asked for.
   */
  void navigate(String url) throws Exception {
    JsonObject nav = new JsonObject();
    nav.addProperty("url", url);
    send("Page.navigate", nav);
    String loaded =
        """
        location.href === %s && (document.readyState === 'complete' || new Promise(resolve =>
            addEventListener('load', () => resolve(true))))
        """
            .formatted(Json.string(url));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        if (eval(loaded).getAsBoolean()) {
          return;
        }
      } catch (IOException | AssertionError contextGoneWhileNavigating) {
        // The script ran in the document being replaced; ask the next one.
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the page did not load: " + url);
      }
      Thread.sleep(20);
    }
  }

  /** Evaluates {@code js} in the page, awaiting a promise; returns its value as JSON. */
  JsonElement eval(String js) throws Exception {
    JsonObject p = new JsonObject();
    p.addProperty("expression", js);
    p.addProperty("awaitPromise", true);
    p.addProperty("returnByValue", true);
    JsonObject r = send("Runtime.evaluate", p);
    if (r.has("exceptionDetails")) {
      throw new AssertionError("in the page: " + r.getAsJsonObject("exceptionDetails"));
    }
    return r.getAsJsonObject("result").get("value");
  }

  private void dispatch(String text) {
    JsonObject m = JsonParser.parseString(text).getAsJsonObject();
    if (m.has("id")) {
      CompletableFuture<JsonObject> f = pending.remove(m.get("id").getAsInt());
      if (f != null) {
        f.complete(m);
      }
    } else {
      listeners.forEach(l -> l.accept(m));
    }
  }

  /** Collects a message's fragments and hands on each whole one. */
  private static final class Listener implements WebSocket.Listener {
    private final Consumer<String> onMessage;
    private final StringBuilder parts = new StringBuilder();

    Listener(Consumer<String> onMessage) {
      this.onMessage = onMessage;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      parts.append(data);
      if (last) {
        String m = parts.toString();
        parts.setLength(0);
        onMessage.accept(m);
      }
      ws.request(1);
      return null;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      // Chromium's helper processes (network service, renderers) write into the profile too and
      // may outlive the browser process by a moment.
      List<ProcessHandle> helpers = browser.descendants().toList();
      browser.destroy();
      if (!browser.waitFor(10, TimeUnit.SECONDS)) {
        browser.destroyForcibly().waitFor();
      }
      for (ProcessHandle h : helpers) {
        try {
          h.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException stillThere) {
          h.destroyForcibly();
        }
      }
      try (Stream<Path> all = Files.walk(profile)) {
        List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
        for (Path x : paths) {
          Files.deleteIfExists(x);
        }
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // A leftover profile in the temp folder is harmless (a file may vanish while walked).
      }
    }
  }
}
