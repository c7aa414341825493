package dev.cgan.bench;

import dev.cgan.data.DataSource;
import dev.cgan.data.EmbeddedMnist;
import dev.cgan.data.LabeledImages;
import dev.cgan.run.RunSettings;
import dev.cgan.train.internal.TrainingThreads;
import java.util.Locale;

/**
 * cgan-java's training step timed the way {@code scripts/peers/} time theirs: warm-up iterations,
 * then one timed stretch, one {@code RESULT {json}} line. The step is the trainer's own ({@link
 * TrainingBench}: {@code TrainingStep} on a {@code TrainingGraph}, the trainer's threads), on the
 * reference network without the averaged generator unless {@code --ema} is given.
 *
 * <pre>
 * java -cp cgan-cli.jar dev.cgan.bench.PeerStep --batch 64 [--warmup 20] [--iterations 200] [--ema]
 * </pre>
 */
public final class PeerStep {
  private PeerStep() {}

  public static void main(String[] args) throws java.io.IOException {
    int batch = 64;
    int warmup = 20;
    int iterations = 200;
    boolean ema = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--ema" -> ema = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    LabeledImages data = EmbeddedMnist.load();
    RunSettings spec =
        RunSettings.builder(DataSource.embedded())
            .classes(data.numClasses())
            .batchSize(batch)
            .iterations(0)
            .emaDecay(ema ? RunSettings.DEFAULT_EMA_DECAY : 0f)
            .build();
    long t0 = System.nanoTime();
    TrainingBench.Result r =
        TrainingBench.measure(spec, data, warmup, iterations, 1, TrainingThreads.config());
    double total = (System.nanoTime() - t0) / 1e9;
    double ips = r.imagesPerSecond().median();
    System.out.printf(
        Locale.ROOT,
        "RESULT {\"peer\": \"cgan-java step%s\", \"batch\": %d, \"images_per_sec\": %.1f,"
            + " \"iterations\": %d, \"warmup_sec\": %.2f}%n",
        ema ? " +ema" : "",
        batch,
        ips,
        iterations,
        total - iterations * (double) batch / ips);
  }
}
