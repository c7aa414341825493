package dev.cgan.bench;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.model.CganConfig;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.TrainingGraph;
import dev.cgan.train.internal.TrainingThreads;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Where one fused training step spends its time, by op type: TensorFlow's own per-op trace ({@code
 * RunOptions} FULL_TRACE) of traced steps after warm-up, on the trainer's threads. Op times are
 * wall times of each kernel and overlap where two inter-op threads run two ops at once, so the
 * shares say which kernels cost, not what the step would save without them.
 *
 * <pre>
 * java -cp cgan-cli.jar dev.cgan.bench.StepProfile [mlp | conv WIDTH] [BATCH] [STEPS]
 * </pre>
 */
public final class StepProfile {
  private StepProfile() {}

  public static void main(String[] args) throws java.io.IOException {
    int a = 0;
    CganConfig network = CganConfig.reference();
    if (args.length > a && args[a].equals("conv")) {
      network = CganConfig.conv(Integer.parseInt(args[a + 1]));
      a += 2;
    } else if (args.length > a && args[a].equals("mlp")) {
      a++;
    }
    int batch = args.length > a ? Integer.parseInt(args[a]) : 64;
    int steps = args.length > a + 1 ? Integer.parseInt(args[a + 1]) : 20;
    LabeledImages data = EmbeddedMnist.load();
    RunSettings spec = TrainingBench.step(network, batch, false);
    Map<String, long[]> byType = new HashMap<>(); // type -> {micros, count}
    Map<String, long[]> byNode = new HashMap<>();
    Map<String, String> labels = new HashMap<>();
    long wall = 0;
    try (Graph g = new Graph()) {
      TrainingGraph tg = new TrainingGraph(g, spec, data);
      try (Session s = new Session(g, TrainingThreads.config())) {
        s.initialize();
        for (int i = 0; i < 20; i++) {
          s.runner().addTarget(tg.trainStep(1)).run().close();
        }
        RunOptions trace =
            RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
        for (int i = 0; i < steps; i++) {
          long t0 = System.nanoTime();
          try (Result r =
              s.runner().addTarget(tg.trainStep(1)).setOptions(trace).runAndFetchMetadata()) {
            wall += System.nanoTime() - t0;
            RunMetadata m = r.getMetadata().orElseThrow();
            for (DeviceStepStats d : m.getStepStats().getDevStatsList()) {
              for (NodeExecStats n : d.getNodeStatsList()) {
                GraphOperation op = g.operation(n.getNodeName());
                String type = op == null ? n.getNodeName() : op.type();
                long[] acc = byType.computeIfAbsent(type, k -> new long[2]);
                acc[0] += n.getOpEndRelMicros() - n.getOpStartRelMicros();
                acc[1]++;
                byNode.computeIfAbsent(n.getNodeName(), k -> new long[1])[0] +=
                    n.getOpEndRelMicros() - n.getOpStartRelMicros();
                labels.putIfAbsent(n.getNodeName(), n.getTimelineLabel());
              }
            }
          }
        }
      }
    }
    long total = byType.values().stream().mapToLong(v -> v[0]).sum();
    System.out.printf(
        Locale.ROOT,
        "%s, batch %d: %d traced steps, %.2f ms wall per step (traced), %.2f ms of kernels%n",
        Benchmark.describe(network),
        batch,
        steps,
        wall / 1e6 / steps,
        total / 1e3 / steps);
    byType.entrySet().stream()
        .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
        .limit(25)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "  %-32s %8.3f ms/step %5.1f %%  (%d per step)%n",
                    e.getKey(),
                    e.getValue()[0] / 1e3 / steps,
                    100.0 * e.getValue()[0] / total,
                    e.getValue()[1] / steps));
    if (System.getenv("CGAN_PROFILE_NODES") != null) {
      byNode.entrySet().stream()
          .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
          .limit(30)
          .forEach(
              e ->
                  System.out.printf(
                      Locale.ROOT,
                      "  %8.3f ms/step  %s%n",
                      e.getValue()[0] / 1e3 / steps,
                      labels.get(e.getKey())));
    }
  }
}
