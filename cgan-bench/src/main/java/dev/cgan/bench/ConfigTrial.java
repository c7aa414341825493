package dev.cgan.bench;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.internal.CpuInfo;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.ThreadTrial;
import dev.cgan.train.internal.TrainingThreads;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;

/**
 * Session options for the training step, side by side in one process: every configuration gets its
 * own graph and session (its own thread pools, with {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1}), all
 * open at once ({@link ThreadTrial}), and the rounds take turns, so a busy spell of a shared
 * machine hits them alike. At the end every session has run the same iterations from the same
 * initial weights, and their weights are compared bit for bit with the first configuration's, and a
 * hash of each is printed (two sessions of one configuration with equal hashes show that it is
 * deterministic).
 *
 * <pre>
 * java -cp cgan-cli.jar dev.cgan.bench.ConfigTrial [batch] [rounds] [iterations] [intra/inter|xla:intra/inter|xla2:intra/inter ...]
 * </pre>
 *
 * <p>"xla:" and "xla2:" turn on TensorFlow's XLA JIT for that session ({@code global_jit_level}
 * ON_1 or ON_2); the trial then sets XLA's process-wide CPU flag ({@code TF_SetTfXlaCpuGlobalJit},
 * what {@code TF_XLA_FLAGS=--tf_xla_cpu_global_jit} does), without which XLA clusters nothing on
 * the CPU. What XLA clusters is process-wide too: everything it can compile (the default; the 74
 * matmuls of the step among them, run by XLA's own code instead of oneDNN) or, with {@code
 * TF_XLA_FLAGS=--tf_xla_ops_to_cluster=FUSIBLE}, only the elementwise ops and reductions between
 * the matmuls. docs/performance.md has what both measured.
 */
public final class ConfigTrial {
  private ConfigTrial() {}

  public static void main(String[] args) throws Exception {
    dev.cgan.model.CganConfig network = dev.cgan.model.CganConfig.reference();
    if (args.length > 0 && args[0].startsWith("conv:")) {
      // The conv network of that width instead of the reference.
      network = dev.cgan.model.CganConfig.conv(Integer.parseInt(args[0].substring(5)));
      args = Arrays.copyOfRange(args, 1, args.length);
    }
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    List<String> names =
        args.length > 3
            ? Arrays.asList(args).subList(3, args.length)
            : List.of("1/2", "2/1", "1/1", "2/2", "1/3");
    try {
      names.forEach(ConfigTrial::config);
    } catch (IllegalArgumentException e) {
      System.err.println("ConfigTrial: " + e.getMessage());
      System.exit(2);
    }
    System.out.println("cpu: " + CpuInfo.current().describe());
    System.out.println("per-session pools: " + TrainingThreads.perSessionPools());
    if (names.stream().anyMatch(n -> n.startsWith("xla"))) {
      // XLA leaves the CPU out of auto-clustering unless this process-wide flag is set (as
      // TF_XLA_FLAGS=--tf_xla_cpu_global_jit would); sessions that do not ask for XLA stay as
      // they are.
      tensorflow.TF_SetTfXlaCpuGlobalJit((byte) 1);
    }
    LabeledImages data = EmbeddedMnist.load();
    RunSettings spec = TrainingBench.step(network, batch, false);
    List<ThreadTrial.Outcome> outcomes =
        ThreadTrial.run(
            spec, data, names.stream().map(ConfigTrial::config).toList(), 10, rounds, iterations);
    for (int r = 0; r < rounds; r++) {
      StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
      for (int c = 0; c < names.size(); c++) {
        line.append(
            String.format(
                Locale.ROOT, "  %s %.0f", names.get(c), outcomes.get(c).imagesPerSecond()[r]));
      }
      System.out.println(line);
    }
    double base = outcomes.get(0).medianImagesPerSecond();
    System.out.printf(
        Locale.ROOT, "batch %d, median of %d rounds of %d:%n", batch, rounds, iterations);
    for (int c = 0; c < names.size(); c++) {
      ThreadTrial.Outcome o = outcomes.get(c);
      Stats st = Stats.of(o.imagesPerSecond());
      System.out.printf(
          Locale.ROOT,
          "  %-12s %6.0f img/s (%.0f-%.0f)  ratio to %s: median of per-round ratios %.3f,"
              + " of medians %.3f; weights %s (hash %08x)%n",
          names.get(c),
          st.median(),
          st.min(),
          st.max(),
          names.get(0),
          o.medianRatio(),
          st.median() / base,
          o.sameWeights() ? "bit-identical" : "DIFFER",
          o.weightsHash());
    }
  }

  /**
   * Session options of a configuration named "intra/inter", "xla:intra/inter" or
   * "xla2:intra/inter".
   *
   * @throws IllegalArgumentException naming {@code name} if it is none of these
   */
  static ConfigProto config(String name) {
    String level = name.contains(":") ? name.substring(0, name.indexOf(':')) : "";
    String[] t = name.substring(name.indexOf(':') + 1).split("/", -1);
    if (!(level.isEmpty() || level.equals("xla") || level.equals("xla2"))
        || t.length != 2
        || !t[0].matches("[1-9][0-9]{0,3}")
        || !t[1].matches("[1-9][0-9]{0,3}")) {
      throw new IllegalArgumentException(
          "a configuration is intra/inter, xla:intra/inter or xla2:intra/inter with positive"
              + " thread counts, got '"
              + name
              + "'");
    }
    ConfigProto.Builder b =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(Integer.parseInt(t[0]))
            .setInterOpParallelismThreads(Integer.parseInt(t[1]));
    if (!level.isEmpty()) {
      b.setGraphOptions(
          GraphOptions.newBuilder()
              .setOptimizerOptions(
                  OptimizerOptions.newBuilder()
                      .setGlobalJitLevel(
                          level.equals("xla2")
                              ? OptimizerOptions.GlobalJitLevel.ON_2
                              : OptimizerOptions.GlobalJitLevel.ON_1)));
    }
    return b.build();
  }
}
