package dev.cgan.train.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cgan.data.LabeledImages;
import dev.cgan.data.MnistDownloader;
import dev.cgan.internal.AtomicFiles;
import dev.cgan.internal.CpuInfo;
import dev.cgan.run.RunSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;

/**
 * The training session's thread counts, chosen by a short trial on this machine and cached, as
 * cuDNN's autotuner and PyTorch's {@code cudnn.benchmark} choose kernels. What wins differs by CPU:
 * on an AVX-512 EPYC one op per core and two ops side by side is fastest, with oneDNN capped at
 * AVX2 two threads per op ran up to 1.5 times faster at batch 256 (docs/performance.md).
 *
 * <p>It never changes results. The candidates train side by side from the same start ({@link
 * ThreadTrial}); one is chosen only if its weights equal those of {@link TrainingThreads}' rule bit
 * for bit after the trial, and it is faster than the rule by {@value #MIN_SPEEDUP}× at least in the
 * median of the rounds. On a CPU where the thread count changes how oneDNN splits its sums (the
 * AVX-512 EPYC: different last bits), the rule stays whatever the speed. The choice is cached per
 * CPU (model, extensions, oneDNN dispatch and cap), core count, network, batch, session options and
 * TensorFlow version, so the trial runs once.
 */
public final class ThreadTuning {
  /** How much faster than the rule a candidate must be to be chosen. */
  static final double MIN_SPEEDUP = 1.05;

  /** Rounds of the trial, each about {@link #ROUND_SECONDS} long per candidate. */
  static final int ROUNDS = 5;

  static final double ROUND_SECONDS = 0.25;

  /** Runs shorter than this use the rule or a cached choice, never a trial of their own. */
  public static final long MIN_ITERATIONS_FOR_TRIAL = 2000;

  private static final int FORMAT = 1;

  /** What a trial measures; a test replaces it. */
  interface Trial {
    List<ThreadTrial.Outcome> run(List<ConfigProto> candidates);
  }

  private final Path cacheFile;
  private final Consumer<String> report;
  private final Consumer<String> warnings;
  private java.util.function.DoubleSupplier loadAverage =
      () ->
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

  /**
   * @param cacheFile the JSON file of past choices (created on first use; a damaged one is
   *     replaced)
   * @param report where the choice is said, one line
   * @param warnings where a cache that cannot be read or written is said
   */
  public ThreadTuning(Path cacheFile, Consumer<String> report, Consumer<String> warnings) {
    this.cacheFile = cacheFile;
    this.report = report;
    this.warnings = warnings;
  }

  /** {@code $CGAN_CACHE_DIR/threads.json}, else {@code ~/.cache/cgan-java/threads.json}. */
  public static Path defaultCacheFile() {
    return MnistDownloader.defaultCacheDir().resolveSibling("threads.json");
  }

  /**
   * The session options to train {@code spec} with: {@code base} with the thread counts of the
   * cached choice, or of a trial run now on a slice of {@code data} when the run is long enough to
   * pay for it, or {@code base} as it is.
   */
  public ConfigProto choose(ConfigProto base, RunSettings spec, LabeledImages data) {
    if (base == null || !TrainingThreads.perSessionPools()) {
      // Without per-session pools every session shares the first one's threads: no comparison.
      return base;
    }
    int trialImages = Math.min(data.count(), Math.max(2 * spec.batchSize(), 2048));
    LabeledImages slice = data.subset(0, trialImages);
    return choose(
        base,
        spec,
        candidates -> ThreadTrial.runFor(spec, slice, candidates, 3, ROUNDS, ROUND_SECONDS));
  }

  /** For tests: the load average the trial sees. */
  ThreadTuning withLoadAverage(java.util.function.DoubleSupplier load) {
    this.loadAverage = load;
    return this;
  }

  ConfigProto choose(ConfigProto base, RunSettings spec, Trial trial) {
    int cores = Runtime.getRuntime().availableProcessors();
    String key = key(base, spec, cores);
    JsonObject cache = readCache();
    boolean ours = cache != null;
    if (!ours) {
      cache = new JsonObject();
    }
    JsonObject choices = cache.has("choices") ? cache.getAsJsonObject("choices") : new JsonObject();
    if (choices.has(key)) {
      try {
        JsonObject c = choices.getAsJsonObject(key);
        ConfigProto chosen =
            withThreads(base, c.get("intra").getAsInt(), c.get("inter").getAsInt());
        report.accept(
            "threads: "
                + threads(chosen)
                + " intra/inter-op, chosen on this machine "
                + c.get("measured").getAsString()
                + " ("
                + c.get("why").getAsString()
                + "; "
                + cacheFile
                + ")");
        return chosen;
      } catch (RuntimeException damaged) {
        warnings.accept(cacheFile + ": entry unreadable, measuring again");
      }
    }
    if (spec.iterations() < MIN_ITERATIONS_FOR_TRIAL) {
      return base;
    }
    List<ConfigProto> candidates = candidates(base, cores);
    if (candidates.size() < 2) {
      return base;
    }
    report.accept(
        "threads: measuring "
            + candidates.stream().map(ThreadTuning::threads).collect(Collectors.joining(", "))
            + " side by side (once for this CPU, network and batch)...");
    double loadBefore = loadAverage();
    List<ThreadTrial.Outcome> outcomes;
    try {
      outcomes = trial.run(candidates);
    } catch (RuntimeException e) {
      // A speed-up is not worth a run: train on the rule.
      warnings.accept("threads: the trial failed (" + e.getMessage() + "); the rule stays");
      return base;
    }
    ThreadTrial.Outcome best = pick(outcomes);
    String why = why(outcomes, best);
    ConfigProto chosen = withThreads(base, best.config());
    double load = Math.max(loadBefore, loadAverage());
    if (load >= cores) {
      // On a busy machine more threads per op win for a while (each op handed between inter-op
      // threads waits for a time slice); a choice made then must not outlive the spell.
      report.accept(
          String.format(
              Locale.ROOT,
              "threads: %s intra/inter-op for this run (%s); not cached: the machine was busy"
                  + " (load average %.1f on %d cores)",
              threads(chosen),
              why,
              load,
              cores));
      return chosen;
    }
    JsonObject entry = new JsonObject();
    entry.addProperty("intra", best.config().getIntraOpParallelismThreads());
    entry.addProperty("inter", best.config().getInterOpParallelismThreads());
    entry.addProperty("measured", Instant.now().truncatedTo(ChronoUnit.MINUTES).toString());
    entry.addProperty("why", why);
    choices.add(key, entry);
    cache.addProperty("format", FORMAT);
    cache.add("choices", choices);
    if (ours) {
      writeCache(cache);
    }
    report.accept("threads: " + threads(chosen) + " intra/inter-op (" + why + ")");
    return chosen;
  }

  /**
   * The choices cached in {@code cacheFile} for this CPU line (model, extensions, oneDNN dispatch
   * and cap), one line each: what they are for, the threads, and why; none when there is no cache.
   */
  public static List<String> cachedForThisCpu(Path cacheFile) {
    List<String> lines = new ArrayList<>();
    try {
      JsonObject choices =
          JsonParser.parseString(Files.readString(cacheFile, StandardCharsets.UTF_8))
              .getAsJsonObject()
              .getAsJsonObject("choices");
      String cpu = CpuInfo.current().describe() + " | ";
      for (String key : choices.keySet()) {
        if (key.startsWith(cpu)) {
          JsonObject c = choices.getAsJsonObject(key);
          lines.add(
              key.substring(cpu.length())
                  + " -> "
                  + c.get("intra").getAsInt()
                  + "/"
                  + c.get("inter").getAsInt()
                  + " ("
                  + c.get("why").getAsString()
                  + ")");
        }
      }
    } catch (IOException | RuntimeException none) {
      // No cache, or not ours: nothing to say.
    }
    return lines;
  }

  /**
   * The fastest outcome whose weights equal the first's (the rule's) and that beats it by {@link
   * #MIN_SPEEDUP}; else the first.
   */
  static ThreadTrial.Outcome pick(List<ThreadTrial.Outcome> outcomes) {
    ThreadTrial.Outcome best = outcomes.get(0);
    double bestRatio = MIN_SPEEDUP;
    for (ThreadTrial.Outcome o : outcomes.subList(1, outcomes.size())) {
      if (o.sameWeights() && o.medianRatio() >= bestRatio) {
        best = o;
        bestRatio = o.medianRatio();
      }
    }
    return best;
  }

  /** The rule first, then every core in one op with one or two ops side by side. */
  static List<ConfigProto> candidates(ConfigProto base, int cores) {
    Set<String> seen = new LinkedHashSet<>();
    List<ConfigProto> out = new ArrayList<>();
    ConfigProto rule = TrainingThreads.config(cores);
    int[][] counts = {
      {rule.getIntraOpParallelismThreads(), rule.getInterOpParallelismThreads()},
      {cores, 1},
      {cores, 2}
    };
    for (int[] c : counts) {
      if (seen.add(c[0] + "/" + c[1])) {
        out.add(withThreads(base, c[0], c[1]));
      }
    }
    return out;
  }

  /** What the cache is keyed by: everything that moves the speed or the kernels' choice. */
  static String key(ConfigProto base, RunSettings spec, int cores) {
    ConfigProto options =
        base.toBuilder().clearIntraOpParallelismThreads().clearInterOpParallelismThreads().build();
    return String.join(
        " | ",
        CpuInfo.current().describe(),
        cores + " cores",
        spec.network().toString(),
        "batch " + spec.batchSize(),
        spec.twoStep() ? "two-step" : "fused",
        spec.emaDecay() > 0 ? "averaged" : "not averaged",
        "session " + Integer.toHexString(options.toString().hashCode()),
        "TensorFlow " + TensorFlow.version());
  }

  private static String why(List<ThreadTrial.Outcome> outcomes, ThreadTrial.Outcome best) {
    String measured =
        outcomes.stream()
            .map(
                o ->
                    String.format(
                        Locale.ROOT,
                        "%s %.2fx%s",
                        o.threads(),
                        o.medianRatio(),
                        o == outcomes.get(0) ? "" : o.sameWeights() ? " same" : " other weights"))
            .collect(Collectors.joining(", "));
    String verdict =
        best == outcomes.get(0)
            ? "the rule " + best.threads() + " kept"
            : String.format(
                Locale.ROOT,
                "%.2fx the rule %s, the same weights bit for bit",
                best.medianRatio(),
                outcomes.get(0).threads());
    return verdict + "; measured " + measured;
  }

  /** The cache, empty when absent; null when the file is not one this class wrote. */
  private JsonObject readCache() {
    try {
      JsonObject o =
          JsonParser.parseString(Files.readString(cacheFile, StandardCharsets.UTF_8))
              .getAsJsonObject();
      if (o.has("format") && o.get("format").getAsInt() == FORMAT) {
        return o;
      }
    } catch (NoSuchFileException absent) {
      return new JsonObject();
    } catch (IOException | RuntimeException e) {
      // Not ours to repair: below.
    }
    warnings.accept(
        cacheFile + ": not a threads cache of this version; left as it is, and nothing is cached");
    return null;
  }

  private void writeCache(JsonObject cache) {
    try {
      Files.createDirectories(cacheFile.getParent());
      AtomicFiles.write(cacheFile, (cache + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      warnings.accept(cacheFile + ": cannot keep the threads' choice (" + e.getMessage() + ")");
    }
  }

  /** The system's one-minute load average; 0 where the platform does not tell. */
  private double loadAverage() {
    return Math.max(0, loadAverage.getAsDouble());
  }

  private static ConfigProto withThreads(ConfigProto base, ConfigProto threads) {
    return withThreads(
        base, threads.getIntraOpParallelismThreads(), threads.getInterOpParallelismThreads());
  }

  private static ConfigProto withThreads(ConfigProto base, int intra, int inter) {
    return base.toBuilder()
        .setIntraOpParallelismThreads(intra)
        .setInterOpParallelismThreads(inter)
        .build();
  }

  private static String threads(ConfigProto c) {
    return c.getIntraOpParallelismThreads() + "/" + c.getInterOpParallelismThreads();
  }
}
