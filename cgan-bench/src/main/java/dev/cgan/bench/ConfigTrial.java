package dev.cgan.bench;

import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.internal.CpuInfo;
import dev.cgan.internal.TensorArrays;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.TrainingGraph;
import dev.cgan.train.internal.TrainingStep;
import dev.cgan.train.internal.TrainingThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.types.TFloat32;

/**
 * Session options for the training step, side by side in one process: every configuration gets its
 * own graph and session (its own thread pools, with {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1}), all
 * open at once, and the rounds take turns, so a busy spell of a shared machine hits them alike. At
 * the end every session has run the same iterations from the same initial weights, and their
 * weights are compared bit for bit with the first configuration's, and a hash of each is printed
 * (two sessions of one configuration with equal hashes show that it is deterministic).
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
    List<Graph> graphs = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    List<TrainingGraph> tgs = new ArrayList<>();
    List<TrainingStep> steps = new ArrayList<>();
    double[][] ips = new double[names.size()][rounds];
    try {
      for (String name : names) {
        Graph g = new Graph();
        graphs.add(g);
        TrainingGraph tg = new TrainingGraph(g, spec, data);
        tgs.add(tg);
        Session s = new Session(g, config(name));
        sessions.add(s);
        s.initialize();
        TrainingStep step = new TrainingStep(s, tg, false, 0);
        steps.add(step);
        for (int i = 0; i < 10; i++) {
          step.run(false);
        }
      }
      for (int r = 0; r < rounds; r++) {
        StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
        for (int c = 0; c < names.size(); c++) {
          TrainingStep step = steps.get(c);
          long t0 = System.nanoTime();
          for (int i = 0; i < iterations; i++) {
            step.run(false);
          }
          ips[c][r] = iterations * (double) batch / ((System.nanoTime() - t0) / 1e9);
          line.append(String.format(Locale.ROOT, "  %s %.0f", names.get(c), ips[c][r]));
        }
        System.out.println(line);
      }
      double base = Stats.of(ips[0]).median();
      float[][] reference = weights(sessions.get(0), tgs.get(0));
      System.out.printf(
          Locale.ROOT, "batch %d, median of %d rounds of %d:%n", batch, rounds, iterations);
      for (int c = 0; c < names.size(); c++) {
        Stats st = Stats.of(ips[c]);
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratio[r] = ips[c][r] / ips[0][r];
        }
        float[][] w = weights(sessions.get(c), tgs.get(c));
        boolean same = Arrays.deepEquals(reference, w);
        System.out.printf(
            Locale.ROOT,
            "  %-12s %6.0f img/s (%.0f-%.0f)  ratio to %s: median of per-round ratios %.3f,"
                + " of medians %.3f; weights %s (hash %08x)%n",
            names.get(c),
            st.median(),
            st.min(),
            st.max(),
            names.get(0),
            Stats.of(ratio).median(),
            st.median() / base,
            same ? "bit-identical" : "DIFFER",
            Arrays.deepHashCode(w));
      }
    } finally {
      sessions.forEach(Session::close);
      graphs.forEach(Graph::close);
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

  /** Every trainable variable of G and D, as floats. */
  static float[][] weights(Session s, TrainingGraph tg) {
    List<Variable<TFloat32>> vars = new ArrayList<>(tg.generator.trainableVariables());
    vars.addAll(tg.discriminator.trainableVariables());
    float[][] out = new float[vars.size()][];
    Session.Runner r = s.runner();
    vars.forEach(r::fetch);
    try (Result res = r.run()) {
      for (int i = 0; i < out.length; i++) {
        out[i] = TensorArrays.floats((TFloat32) res.get(i));
      }
    }
    return out;
  }
}
