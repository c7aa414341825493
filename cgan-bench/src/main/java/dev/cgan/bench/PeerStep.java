package dev.cgan.bench;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.model.Architecture;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunSettings;
import dev.cgan.train.Precision;
import dev.cgan.train.internal.ThreadTuning;
import dev.cgan.train.internal.TrainingGraph;
import dev.cgan.train.internal.TrainingStep;
import dev.cgan.train.internal.TrainingThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;

/**
 * cgan-java's training step timed the way {@code scripts/peers/} time theirs: warm-up iterations,
 * then one timed stretch, one {@code RESULT {json}} line; with {@code --serve}, one line per "BATCH
 * ITERATIONS" request read from standard input, each batch size's graph and session kept between
 * requests. The step is the trainer's own ({@link TrainingStep} on a {@link TrainingGraph}, the
 * trainer's threads, or with {@code --tuned-threads} those {@code train} chooses on this machine,
 * cached or measured now), on the reference network (or with {@code --arch conv} the conv network
 * of {@code --width} base channels) without the averaged generator unless {@code --ema} is given.
 *
 * <pre>
 * java -cp cgan-cli.jar dev.cgan.bench.PeerStep --batch 64 [--warmup 20] [--iterations 200] [--ema] [--bf16] [--arch conv [--width 32]] [--tuned-threads] [--serve]
 * </pre>
 */
public final class PeerStep implements AutoCloseable {
  private final LabeledImages data;
  private final CganConfig network;
  private final boolean ema;
  private final Precision precision;
  private final int warmup;
  private final boolean tunedThreads;
  private final Map<Integer, Graph> graphs = new HashMap<>();
  private final Map<Integer, Session> sessions = new HashMap<>();
  private final Map<Integer, TrainingStep> steps = new HashMap<>();

  private PeerStep(
      LabeledImages data,
      CganConfig network,
      boolean ema,
      Precision precision,
      int warmup,
      boolean tunedThreads) {
    this.data = data;
    this.tunedThreads = tunedThreads;
    this.network = network;
    this.precision = precision;
    this.ema = ema;
    this.warmup = warmup;
  }

  public static void main(String[] args) throws IOException {
    int batch = 64;
    int warmup = 20;
    int iterations = 200;
    double maxSeconds = 30;
    boolean ema = false;
    boolean serve = false;
    boolean tuned = false;
    Precision precision = Precision.FP32;
    String arch = "mlp";
    int width = CganConfig.DEFAULT_WIDTH;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--max-seconds" -> maxSeconds = Double.parseDouble(args[++i]);
        case "--ema" -> ema = true;
        case "--bf16" -> precision = Precision.MIXED_BF16.requireSupported();
        case "--arch" -> arch = args[++i];
        case "--width" -> width = Integer.parseInt(args[++i]);
        case "--serve" -> serve = true;
        case "--tuned-threads" -> tuned = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    CganConfig network =
        Architecture.of(arch) == Architecture.CONV
            ? CganConfig.conv(width)
            : CganConfig.reference();
    try (PeerStep p = new PeerStep(EmbeddedMnist.load(), network, ema, precision, warmup, tuned)) {
      if (!serve) {
        p.measure(batch, iterations, maxSeconds);
        return;
      }
      System.out.println("READY");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 2) {
          p.measure(Integer.parseInt(f[0]), Integer.parseInt(f[1]), maxSeconds);
        }
      }
    }
  }

  private void measure(int batch, int iterations, double maxSeconds) {
    double warm = 0;
    TrainingStep step = steps.get(batch);
    if (step == null) {
      long t0 = System.nanoTime();
      RunSettings spec = TrainingBench.step(network, batch, ema);
      Graph g = new Graph();
      graphs.put(batch, g);
      TrainingGraph tg = new TrainingGraph(g, spec, data);
      ConfigProto config = precision.sessionConfig(TrainingThreads.config());
      if (tunedThreads) {
        // The threads `train` would choose: the cached choice, or a trial now (a long run's).
        config =
            new ThreadTuning(
                    ThreadTuning.defaultCacheFile(), System.err::println, System.err::println)
                .choose(
                    config,
                    spec.toBuilder().iterations(ThreadTuning.MIN_ITERATIONS_FOR_TRIAL).build(),
                    data);
      }
      Session s = new Session(g, config);
      sessions.put(batch, s);
      s.initialize();
      step = new TrainingStep(s, tg, false, 0);
      steps.put(batch, step);
      for (int i = 0; i < warmup; i++) {
        step.run(false);
      }
      warm = (System.nanoTime() - t0) / 1e9;
    }
    long t1 = System.nanoTime();
    int done = 0;
    while (done < iterations) {
      step.run(false);
      done++;
      if (done >= 10 && done % 10 == 0 && (System.nanoTime() - t1) / 1e9 > maxSeconds) {
        break;
      }
    }
    double ips = done * (double) batch / ((System.nanoTime() - t1) / 1e9);
    System.out.printf(
        Locale.ROOT,
        "RESULT {\"peer\": \"cgan-java step%s%s%s\", \"batch\": %d, \"images_per_sec\": %.1f,"
            + " \"iterations\": %d, \"warmup_sec\": %.2f}%n",
        network.arch() == Architecture.CONV ? " conv w" + network.width() : "",
        ema ? " +ema" : "",
        precision == Precision.MIXED_BF16 ? " bf16" : "",
        batch,
        ips,
        done,
        warm);
    System.out.flush();
  }

  @Override
  public void close() {
    sessions.values().forEach(Session::close);
    graphs.values().forEach(Graph::close);
  }
}
