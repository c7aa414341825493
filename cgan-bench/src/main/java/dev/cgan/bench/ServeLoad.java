package dev.cgan.bench;

import dev.cgan.serve.CganGenerator;
import dev.cgan.server.CganServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Load benchmark of {@code cgan serve} (not a test): for each number of concurrent clients, the
 * {@code generate} request (columnar, batch 1, a new seed each time) answered by the library
 * directly ({@link CganGenerator#call}, no HTTP, no JSON), then over loopback HTTP by a server
 * without batching and by one with {@code --batching}, interleaved in one run: requests/s, p50/p99
 * latency, errors, resident memory before and after.
 *
 * <pre>
 * java -cp cgan-cli/target/cgan-cli.jar dev.cgan.bench.ServeLoad MODEL [CLIENTS] [SECONDS] [BATCHING] [BATCH]
 * </pre>
 *
 * <p>CLIENTS: a number or a list, {@code 1,8,32} (default 8); SECONDS per row (default 10), run as
 * three turns interleaved with the other rows'; BATCHING {@code off}, {@code on} ({@code batching}
 * as before) or {@code both} (default); BATCH items per request (default 1). The clients run in
 * this JVM but cost little: each is one keep-alive socket writing a prepared request and reading
 * the answer's bytes without decoding them (the JDK's HttpClient, decoding every answer to a
 * String, took a large share of the CPU the server needs).
 */
public final class ServeLoad {
  private ServeLoad() {}

  /** Each row's time is split in this many turns, interleaved with the other rows'. */
  static final int ROUNDS = 3;

  /** One row's figures. */
  record Figures(
      int clients,
      String what,
      int batch,
      long requests,
      long errors,
      double seconds,
      double[] ms) {
    String row() {
      double[] s = ms.clone();
      Arrays.sort(s);
      return String.format(
          Locale.ROOT,
          "| %d | %s | %d | %,.0f | %.1f | %.1f | %d |",
          clients,
          what,
          batch,
          requests / seconds,
          pct(s, 0.50),
          pct(s, 0.99),
          errors);
    }

    /** Both rounds' figures as one row. */
    Figures plus(Figures o) {
      double[] both = Arrays.copyOf(ms, ms.length + o.ms.length);
      System.arraycopy(o.ms, 0, both, ms.length, o.ms.length);
      return new Figures(
          clients,
          what,
          batch,
          requests + o.requests,
          errors + o.errors,
          seconds + o.seconds,
          both);
    }

    double rate() {
      return requests / seconds;
    }

    private static double pct(double[] sorted, double p) {
      return sorted.length == 0
          ? Double.NaN
          : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: ServeLoad MODEL [CLIENTS, default 8, or a list: 1,8,32] [SECONDS per row,"
              + " default 10] [off|on|both, default both] [BATCH, default 1]");
      System.exit(2);
    }
    Path model = Path.of(args[0]);
    int[] clientCounts =
        Arrays.stream((args.length > 1 ? args[1] : "8").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    String mode = args.length > 3 ? args[3] : "both";
    boolean off = mode.equals("off") || mode.equals("both");
    boolean on = mode.equals("on") || mode.equals("batching") || mode.equals("both");
    if (!off && !on) {
      System.err.println("batching must be off, on or both, got " + mode);
      System.exit(2);
    }
    int batch = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    int threads = Arrays.stream(clientCounts).max().orElse(8) + 8;
    CganServer.Settings plain = CganServer.Settings.defaults().withPort(0).withThreads(threads);
    CganServer.Settings batched = plain.withBatching(plain.maxBatchSize(), 0);
    try (CganGenerator g = CganGenerator.load(model);
        CganServer unbatchedServer = off ? CganServer.start(g, plain) : null;
        CganServer batchingServer = on ? CganServer.start(g, batched) : null) {
      // Warm-up: TensorFlow's first runs, the JIT.
      for (int c : clientCounts) {
        run(c, "warm-up", batch, 1, () -> direct(g, batch));
        if (off) {
          run(c, "warm-up", batch, 1, http(unbatchedServer, batch));
        }
        if (on) {
          run(c, "warm-up", batch, 1, http(batchingServer, batch));
        }
      }
      System.gc();
      double before = rssMiB();
      List<Figures> rows = new ArrayList<>();
      for (int c : clientCounts) {
        // Three rounds of the rows in turn, pooled: a shared machine's load drifts within seconds,
        // and the ratios should compare rows that saw the same load.
        List<Figures> pooled = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
          List<Figures> these = new ArrayList<>();
          these.add(run(c, "library", batch, seconds / ROUNDS, () -> direct(g, batch)));
          if (off) {
            these.add(run(c, "HTTP", batch, seconds / ROUNDS, http(unbatchedServer, batch)));
          }
          if (on) {
            these.add(
                run(c, "HTTP batching", batch, seconds / ROUNDS, http(batchingServer, batch)));
          }
          for (int i = 0; i < these.size(); i++) {
            if (i < pooled.size()) {
              pooled.set(i, pooled.get(i).plus(these.get(i)));
            } else {
              pooled.add(these.get(i));
            }
          }
        }
        rows.addAll(pooled);
      }
      System.gc();
      double after = rssMiB();
      System.out.printf(
          Locale.ROOT,
          "%s clients, %.0f s per row, model %s, batching %s (runs of %d rows), %d cores%n%n",
          Arrays.toString(clientCounts),
          seconds,
          model,
          mode,
          batched.maxBatchSize(),
          Runtime.getRuntime().availableProcessors());
      System.out.println(
          "| clients | path | batch | requests/s | p50 ms | p99 ms | errors | HTTP/library |");
      System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
      double library = 0;
      for (Figures r : rows) {
        if (r.what().equals("library")) {
          library = r.rate();
        }
        System.out.println(
            r.row()
                + (r.what().equals("library")
                    ? " |"
                    : String.format(Locale.ROOT, " %.0f %% |", 100 * r.rate() / library)));
      }
      System.out.printf(
          Locale.ROOT, "%nresident memory: %.0f MiB before, %.0f MiB after%n", before, after);
    }
  }

  /** A request over one keep-alive connection per client thread. */
  private static Callable<Boolean> http(CganServer server, int batch) {
    ThreadLocal<RawHttp> connection =
        ThreadLocal.withInitial(() -> new RawHttp(server.uri().getPort()));
    return () -> connection.get().generate(batch);
  }

  /**
   * HTTP/1.1 over one socket, as cheap as a client gets: the request written from bytes, the answer
   * read by its length and checked by its status and first bytes, never decoded.
   */
  static final class RawHttp {
    private static final byte[] EXPECTED =
        "{\"outputs\":{\"images\":".getBytes(StandardCharsets.US_ASCII);
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] body = new byte[1 << 16];

    RawHttp(int port) {
      this.port = port;
    }

    boolean generate(int batch) throws IOException {
      long k = System.nanoTime();
      String labels = Arrays.toString(labels(batch, k)).replace(" ", "");
      byte[] json =
          ("{\"signature_name\":\"generate\",\"inputs\":{\"labels\":"
                  + labels
                  + ",\"seed\":"
                  + k
                  + "}}")
              .getBytes(StandardCharsets.US_ASCII);
      byte[] head =
          ("POST /v1/models/cgan:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + json.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      try {
        if (socket == null) {
          socket = new Socket(InetAddress.getLoopbackAddress(), port);
          socket.setTcpNoDelay(true);
          in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
          out = socket.getOutputStream();
        }
        byte[] request = Arrays.copyOf(head, head.length + json.length);
        System.arraycopy(json, 0, request, head.length, json.length);
        out.write(request);
        return read();
      } catch (IOException e) {
        close();
        throw e;
      }
    }

    /** One answer: true for a 200 whose body starts as a generate answer does. */
    private boolean read() throws IOException {
      String status = line();
      long length = -1;
      boolean close = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        } else if (lower.startsWith("transfer-encoding:")) {
          throw new IOException("chunked answers are not read here: " + h);
        }
      }
      if (length < 0) {
        throw new IOException("an answer without Content-Length: " + status);
      }
      if (body.length < length) {
        body = new byte[(int) length];
      }
      int n = in.readNBytes(body, 0, (int) length);
      if (n < length) {
        throw new IOException("the answer ended after " + n + " of " + length + " bytes");
      }
      if (close) {
        close();
      }
      return status.startsWith("HTTP/1.1 200 ")
          && n >= EXPECTED.length
          && Arrays.equals(body, 0, EXPECTED.length, EXPECTED, 0, EXPECTED.length);
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("the connection closed");
        }
        if (c != '\r') {
          s.append((char) c);
        }
      }
      return s.toString();
    }

    private void close() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException ignored) {
        // Closing a broken socket: nothing left to do.
      }
      socket = null;
    }
  }

  private static double rssMiB() {
    return ProcessMemory.read().map(ProcessMemory::currentMiB).orElse(Double.NaN);
  }

  private static int[] labels(int batch, long k) {
    int[] l = new int[batch];
    for (int i = 0; i < batch; i++) {
      l[i] = (int) ((k + i) % 10);
    }
    return l;
  }

  /** The generate signature run directly: both outputs fetched and copied out, as serve does. */
  private static boolean direct(CganGenerator g, int batch) {
    long k = System.nanoTime();
    try (TInt32 l = TInt32.vectorOf(labels(batch, k));
        TInt64 s = TInt64.scalarOf(k);
        Result r = g.call("generate", Map.<String, Tensor>of("labels", l, "seed", s))) {
      return r.size() == 2;
    }
  }

  private static Figures run(
      int clients, String what, int batch, double seconds, Callable<Boolean> call)
      throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<double[]>> results = new ArrayList<>();
      long[] errors = new long[clients];
      for (int c = 0; c < clients; c++) {
        int client = c;
        results.add(
            pool.submit(
                () -> {
                  double[] ms = new double[1024];
                  int n = 0;
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                      ok = call.call();
                    } catch (Exception e) {
                      ok = false;
                    }
                    if (!ok) {
                      errors[client]++;
                    }
                    if (n == ms.length) {
                      ms = Arrays.copyOf(ms, n * 2);
                    }
                    ms[n++] = (System.nanoTime() - t0) / 1e6;
                  }
                  return Arrays.copyOf(ms, n);
                }));
      }
      long start = System.nanoTime();
      List<Double> all = new ArrayList<>();
      for (Future<double[]> f : results) {
        for (double v : f.get()) {
          all.add(v);
        }
      }
      double took = Math.max(seconds, (System.nanoTime() - start) / 1e9);
      return new Figures(
          clients,
          what,
          batch,
          all.size(),
          Arrays.stream(errors).sum(),
          took,
          all.stream().mapToDouble(Double::doubleValue).toArray());
    } finally {
      pool.shutdownNow();
    }
  }
}
