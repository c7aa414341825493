package dev.cgan.bench;

import dev.cgan.serve.CganGenerator;
import dev.cgan.server.CganServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * Load benchmark of {@code cgan serve} (not a test): N concurrent loopback clients POST the {@code
 * generate} request (columnar, batch 1 and 10) for a fixed time; requests/s, p50/p99 latency,
 * errors, resident memory before and after; next to the same requests answered by the library
 * directly ({@link CganGenerator#call}, no HTTP, no JSON).
 *
 * <pre>
 * java -cp cgan-cli/target/cgan-cli.jar dev.cgan.bench.ServeLoad MODEL [CLIENTS] [SECONDS] [batching]
 * </pre>
 *
 * <p>{@code batching}: the server with {@code --batching} (its defaults: 1000 items, no wait).
 */
public final class ServeLoad {
  private ServeLoad() {}

  /** One phase's figures. */
  record Figures(String what, int batch, long requests, long errors, double seconds, double[] ms) {
    String row() {
      double[] s = ms.clone();
      Arrays.sort(s);
      return String.format(
          Locale.ROOT,
          "| %s | %d | %,.0f | %.1f | %.1f | %d |",
          what,
          batch,
          requests / seconds,
          pct(s, 0.50),
          pct(s, 0.99),
          errors);
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
          "usage: ServeLoad MODEL [CLIENTS, default 8] [SECONDS per phase, default 10]");
      System.exit(2);
    }
    Path model = Path.of(args[0]);
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
    boolean batching = args.length > 3 && args[3].equals("batching");
    CganServer.Settings settings = CganServer.Settings.defaults().withPort(0);
    if (batching) {
      settings = settings.withBatching(settings.maxBatchSize(), settings.batchTimeoutMicros());
    }
    try (CganGenerator g = CganGenerator.load(model);
        CganServer server = CganServer.start(g, settings)) {
      URI predict = server.uri().resolve("v1/models/cgan:predict");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // Warm-up: TensorFlow's first runs, the JIT, the connection pool.
      run("warm-up", 1, clients, 2, () -> direct(g, 1), () -> viaHttp(http, predict, 1));
      System.gc();
      double before = rssMiB();
      List<Figures> rows = new ArrayList<>();
      for (int batch : new int[] {1, 10}) {
        rows.add(run("library", batch, clients, seconds, () -> direct(g, batch), null));
        rows.add(run("HTTP", batch, clients, seconds, null, () -> viaHttp(http, predict, batch)));
      }
      System.gc();
      double after = rssMiB();
      System.out.printf(
          Locale.ROOT,
          "%d clients, %.0f s per row, model %s, batching %s, %d cores%n%n",
          clients,
          seconds,
          model,
          batching ? "on" : "off",
          Runtime.getRuntime().availableProcessors());
      System.out.println("| path | batch | requests/s | p50 ms | p99 ms | errors |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      rows.forEach(r -> System.out.println(r.row()));
      System.out.printf(
          Locale.ROOT, "%nresident memory: %.0f MiB before, %.0f MiB after%n", before, after);
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

  private static boolean viaHttp(HttpClient http, URI predict, int batch) throws Exception {
    long k = System.nanoTime();
    String labels = Arrays.toString(labels(batch, k)).replace(" ", "");
    String body =
        "{\"signature_name\":\"generate\",\"inputs\":{\"labels\":"
            + labels
            + ",\"seed\":"
            + k
            + "}}";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(predict).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 && r.body().startsWith("{\"outputs\":{\"images\":");
  }

  private static Figures run(
      String what,
      int batch,
      int clients,
      double seconds,
      Callable<Boolean> direct,
      Callable<Boolean> http)
      throws Exception {
    Callable<Boolean> call = direct != null ? direct : http;
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
