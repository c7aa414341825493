package dev.cgan.bench;

import dev.cgan.eval.EvaluationReport;
import dev.cgan.eval.Evaluator;
import dev.cgan.internal.TensorArrays;
import dev.cgan.model.CganConfig;
import dev.cgan.model.Networks;
import dev.cgan.model.Weights;
import dev.cgan.run.RunFolder;
import dev.cgan.serve.CganGenerator;
import dev.cgan.serve.GeneratorGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Which BatchNorm statistics the averaged generator should use, measured on a trained run: the
 * statistics recomputed for the averaged weights (what training stores) against the raw generator's
 * running statistics copied onto them, with the same weights, samples and classifier as {@code
 * evaluate}; the raw generator is the baseline.
 *
 * <pre>
 * java -cp cgan-cli.jar dev.cgan.bench.AverageStatistics RUN [SAMPLES_PER_CLASS [SEED]]
 * </pre>
 */
public final class AverageStatistics {
  private AverageStatistics() {}

  public static void main(String[] args) throws Exception {
    Path run = Path.of(args[0]);
    int perClass = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 7;
    try (Evaluator evaluator = Evaluator.open()) {
      try (CganGenerator g = CganGenerator.fromRun(run, Weights.RAW)) {
        print("raw weights", evaluator.evaluate(g, perClass, seed));
      }
      try (CganGenerator g = CganGenerator.fromRun(run, Weights.EMA)) {
        print("average, statistics recomputed", evaluator.evaluate(g, perClass, seed));
      }
      print("average, raw statistics copied", withRawStatistics(run, evaluator, perClass, seed));
    }
  }

  /** The average's weights with the raw generator's running statistics, scored as evaluate does. */
  static EvaluationReport withRawStatistics(
      Path runDir, Evaluator evaluator, int perClass, long seed) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    CganConfig config = run.settings().network();
    Path prefix =
        run.checkpoints()
            .latest()
            .orElseThrow(() -> new IOException(runDir + " has no checkpoint"));
    try (Graph graph = new Graph()) {
      GeneratorGraph gg = new GeneratorGraph(graph, config, Weights.EMA);
      Ops tf = Ops.create(graph);
      Networks.generator(tf, config, 0, Weights.RAW); // its variables receive the raw statistics
      List<Op> copies = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        for (String stat : new String[] {"_mean", "_var"}) {
          copies.add(
              tf.assign(
                  variable(graph, "G_ema_bn" + i + stat), variable(graph, "G_bn" + i + stat)));
        }
      }
      try (Session session = new Session(graph)) {
        session.restore(prefix.toString());
        for (Op copy : copies) {
          session.run(copy);
        }
        return evaluator.evaluate(
            (labels, sampleSeed) -> {
              try (TInt32 l = TInt32.vectorOf(labels);
                  TInt64 s = TInt64.scalarOf(sampleSeed);
                  Result r =
                      session
                          .runner()
                          .feed(gg.labels, l)
                          .feed(gg.seed, s)
                          .fetch(gg.seededImages)
                          .run()) {
                return TensorArrays.rows((TFloat32) r.get(0));
              }
            },
            perClass,
            seed);
      }
    }
  }

  private static Variable<TFloat32> variable(Graph graph, String name) {
    return new Variable<>(graph.operation(name));
  }

  private static void print(String what, EvaluationReport r) {
    System.out.printf(
        Locale.ROOT,
        "%-34s conditional accuracy %6.2f %%  Frechet distance %7.2f%n",
        what,
        100 * r.conditionalAccuracy(),
        r.frechetDistance());
  }
}
