package dev.cgan.train.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.run.RunSettings;
import dev.cgan.train.TinyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;

/** The threads' choice: only a faster candidate with the rule's weights, cached, never harmful. */
class ThreadTuningTest {
  @TempDir Path tmp;

  private final List<String> reports = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private static final ConfigProto BASE = TrainingThreads.config(2);

  @Test
  void aFasterCandidateIsChosenOnlyWithTheRulesWeights() {
    ThreadTrial.Outcome rule = outcome(1, 2, true, 1, 1, 1);
    ThreadTrial.Outcome fastOther = outcome(2, 1, false, 2.0, 2.0, 2.0);
    ThreadTrial.Outcome slightlyFaster = outcome(2, 2, true, 1.04, 1.04, 1.04);
    assertSame(rule, ThreadTuning.pick(List.of(rule, fastOther, slightlyFaster)));
    ThreadTrial.Outcome faster = outcome(2, 2, true, 1.3, 0.9, 1.2);
    assertSame(faster, ThreadTuning.pick(List.of(rule, fastOther, faster)));
    // Of two that qualify, the faster in the median of its rounds.
    ThreadTrial.Outcome fastest = outcome(2, 1, true, 1.5, 1.4, 1.0);
    assertSame(fastest, ThreadTuning.pick(List.of(rule, faster, fastest)));
  }

  @Test
  void candidatesAreTheRuleThenEveryCoreInOneOp() {
    assertEquals(List.of("1/2", "2/1", "2/2"), threads(ThreadTuning.candidates(BASE, 2)));
    assertEquals(List.of("4/2", "8/1", "8/2"), threads(ThreadTuning.candidates(BASE, 8)));
    // On one core the rule already gives every core to each op.
    assertEquals(List.of("1/2", "1/1"), threads(ThreadTuning.candidates(BASE, 1)));
  }

  @Test
  void theTrialRunsOnceAndItsChoiceIsCached() throws Exception {
    Path cache = tmp.resolve("cache/threads.json");
    AtomicInteger trials = new AtomicInteger();
    ThreadTuning.Trial trial =
        candidates -> {
          trials.incrementAndGet();
          List<ThreadTrial.Outcome> out = new ArrayList<>();
          for (int i = 0; i < candidates.size(); i++) {
            double r = i == 2 ? 1.4 : 1.0;
            out.add(
                new ThreadTrial.Outcome(
                    candidates.get(i), new double[] {r}, new double[] {r}, true, 0));
          }
          return out;
        };
    RunSettings spec = TinyData.settings(5000).build();
    int cores = Runtime.getRuntime().availableProcessors();
    List<ConfigProto> candidates = ThreadTuning.candidates(BASE, cores);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        candidates.size() == 3, "one core: a single candidate besides the rule");
    ConfigProto first = tuning(cache).choose(BASE, spec, trial);
    assertEquals(threads(candidates).get(2), threads(List.of(first)).get(0));
    assertEquals(1, trials.get());
    assertTrue(
        Files.readString(cache).contains("1.40x the rule " + threads(candidates).get(0)),
        Files.readString(cache));
    ConfigProto again = tuning(cache).choose(BASE, spec, trial);
    assertEquals(first, again);
    assertEquals(1, trials.get(), "the cached choice is used without a trial");
    assertTrue(
        reports.get(reports.size() - 1).contains("chosen on this machine"), reports::toString);
    // Another batch is another key.
    tuning(cache).choose(BASE, TinyData.settings(5000).batchSize(16).build(), trial);
    assertEquals(2, trials.get());
    // What bench prints: both choices, for this CPU.
    List<String> cached = ThreadTuning.cachedForThisCpu(cache);
    assertEquals(2, cached.size(), cached::toString);
    assertTrue(cached.stream().anyMatch(l -> l.contains("batch 16")), cached::toString);
    assertTrue(
        cached.stream().allMatch(l -> l.contains("-> " + threads(candidates).get(2))),
        cached::toString);
    assertEquals(List.of(), ThreadTuning.cachedForThisCpu(tmp.resolve("absent.json")));
  }

  @Test
  void aChoiceMadeOnABusyMachineHoldsForThatRunOnly() {
    Path cache = tmp.resolve("threads.json");
    ConfigProto chosen =
        new ThreadTuning(cache, reports::add, warnings::add)
            .withLoadAverage(() -> Runtime.getRuntime().availableProcessors())
            .choose(
                BASE,
                TinyData.settings(5000).build(),
                candidates ->
                    List.of(
                        outcome(1, 2, true, 1),
                        outcome(2, 1, true, 1.9),
                        outcome(2, 2, true, 1.2)));
    assertEquals(2, chosen.getIntraOpParallelismThreads());
    assertEquals(1, chosen.getInterOpParallelismThreads());
    assertTrue(Files.notExists(cache));
    assertTrue(reports.get(reports.size() - 1).contains("not cached"), reports::toString);
  }

  @Test
  void aTrialThatFailsLeavesTheRule() {
    Path cache = tmp.resolve("threads.json");
    ConfigProto chosen =
        tuning(cache)
            .choose(
                BASE,
                TinyData.settings(5000).build(),
                candidates -> {
                  throw new IllegalStateException("out of memory, say");
                });
    assertSame(BASE, chosen);
    assertTrue(Files.notExists(cache));
    assertTrue(warnings.get(0).contains("out of memory, say"), warnings::toString);
  }

  @Test
  void aShortRunNeverPaysForATrial() {
    Path cache = tmp.resolve("threads.json");
    ConfigProto chosen =
        tuning(cache)
            .choose(
                BASE,
                TinyData.settings(ThreadTuning.MIN_ITERATIONS_FOR_TRIAL - 1).build(),
                candidates -> {
                  throw new AssertionError("no trial for a short run");
                });
    assertSame(BASE, chosen);
    assertTrue(Files.notExists(cache));
  }

  @Test
  void aFileThatIsNotItsCacheIsLeftAsItIs() throws Exception {
    Path cache = tmp.resolve("threads.json");
    byte[] theirs = "someone else's notes\n".getBytes();
    Files.write(cache, theirs);
    ConfigProto chosen =
        tuning(cache)
            .choose(
                BASE,
                TinyData.settings(5000).build(),
                candidates ->
                    candidates.stream()
                        .map(
                            c ->
                                new ThreadTrial.Outcome(
                                    c, new double[] {1}, new double[] {1}, true, 0))
                        .toList());
    assertEquals(BASE, chosen);
    assertArrayEquals(theirs, Files.readAllBytes(cache));
    assertTrue(warnings.get(0).contains("left as it is"), warnings::toString);
  }

  /** The real trial: two sessions of one configuration train the same weights, bit for bit. */
  @Test
  void aTrialComparesWeightsBitForBit() {
    RunSettings spec = TinyData.settings(10).emaDecay(0f).build();
    ConfigProto one = TrainingThreads.config(2);
    List<ThreadTrial.Outcome> outcomes =
        ThreadTrial.run(spec, TinyData.digits(), List.of(one, one), 1, 2, 2);
    assertEquals(2, outcomes.size());
    assertTrue(outcomes.get(1).sameWeights());
    assertEquals(outcomes.get(0).weightsHash(), outcomes.get(1).weightsHash());
    assertEquals(2, outcomes.get(1).ratios().length);
    assertTrue(outcomes.get(1).medianImagesPerSecond() > 0);
    // Rounds sized by time, as train's trial runs them: the same weights again.
    List<ThreadTrial.Outcome> timed =
        ThreadTrial.runFor(spec, TinyData.digits(), List.of(one, one), 2, 2, 0.01);
    assertTrue(timed.get(1).sameWeights());
    assertEquals(timed.get(0).weightsHash(), timed.get(1).weightsHash());
  }

  private ThreadTuning tuning(Path cache) {
    return new ThreadTuning(cache, reports::add, warnings::add).withLoadAverage(() -> 0.5);
  }

  private static ThreadTrial.Outcome outcome(int intra, int inter, boolean same, double... r) {
    ConfigProto c =
        BASE.toBuilder()
            .setIntraOpParallelismThreads(intra)
            .setInterOpParallelismThreads(inter)
            .build();
    return new ThreadTrial.Outcome(c, r.clone(), r, same, 0);
  }

  private static List<String> threads(List<ConfigProto> configs) {
    return configs.stream()
        .map(c -> c.getIntraOpParallelismThreads() + "/" + c.getInterOpParallelismThreads())
        .toList();
  }
}
