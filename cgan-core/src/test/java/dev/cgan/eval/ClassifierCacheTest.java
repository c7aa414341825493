package dev.cgan.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.data.LabeledImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierCacheTest {
  @TempDir Path root;
  private final List<String> log = new ArrayList<>();
  private final LabeledImages train = TinyClassifier.train();
  private final LabeledImages heldOut = TinyClassifier.heldOut();

  private ClassifierCache.Entry open() throws Exception {
    return new ClassifierCache(root).open(TinyClassifier.SPEC, train, heldOut, log::add);
  }

  private Path dir() {
    return new ClassifierCache(root).dirFor(TinyClassifier.SPEC, train, heldOut);
  }

  @Test
  void trainsOnceThenLoadsIdenticalWeights() throws Exception {
    DigitClassifier.Predictions first;
    double accuracy;
    try (DigitClassifier c = open().classifier()) {
      first = c.predict(heldOut);
    }
    ClassifierCache.Entry again = open();
    try (DigitClassifier c = again.classifier()) {
      assertFalse(again.trained(), "the second open loads the cache");
      DigitClassifier.Predictions second = c.predict(heldOut);
      for (int i = 0; i < heldOut.count(); i++) {
        assertArrayEquals(first.features()[i], second.features()[i]);
        assertArrayEquals(first.probabilities()[i], second.probabilities()[i]);
      }
      accuracy = Scores.accuracy(second.classes(), heldOut.labels());
    }
    ClassifierInfo info = again.info();
    assertEquals(
        accuracy, info.heldOutAccuracy(), "the recorded accuracy is that of the cached weights");
    assertEquals(ClassifierNet.ARCHITECTURE, info.architecture());
    assertEquals(TinyClassifier.SPEC, info.spec());
    assertEquals(320, info.trainImages());
    assertEquals(200, info.heldOutImages());
    assertTrue(Files.isRegularFile(dir().resolve("classifier.index")));
    assertEquals(List.of(dir()), list(dir().getParent()), "no temporary folder is left behind");
  }

  @Test
  void aCorruptCheckpointIsDiscardedAndRetrained() throws Exception {
    open().classifier().close();
    Path data = dir().resolve("classifier.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(data, bytes);
    ClassifierCache.Entry e = open();
    e.classifier().close();
    assertTrue(e.trained());
    assertTrue(
        log.stream().anyMatch(l -> l.contains("does not match its SHA-256")), log.toString());
    assertFalse(open().trained(), "the retrained entry is cached again");
  }

  @Test
  void missingFilesAreRetrained() throws Exception {
    open().classifier().close();
    Files.delete(dir().resolve("classifier.json"));
    ClassifierCache.Entry e = open();
    e.classifier().close();
    assertTrue(e.trained());
    Files.delete(dir().resolve("classifier.index"));
    e = open();
    e.classifier().close();
    assertTrue(e.trained());
  }

  @Test
  void anAbandonedTemporaryFolderIsNeverUsedAndEventuallyRemoved() throws Exception {
    // What a process killed while training leaves: a hidden folder with a partial checkpoint.
    Files.createDirectories(dir().getParent());
    Path young =
        Files.createDirectory(dir().getParent().resolve("." + dir().getFileName() + ".tmp-1"));
    Path old =
        Files.createDirectory(dir().getParent().resolve("." + dir().getFileName() + ".tmp-2"));
    Files.write(young.resolve("classifier.index"), new byte[] {1, 2, 3});
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minusSeconds(7200)));
    ClassifierCache.Entry e = open();
    e.classifier().close();
    assertTrue(e.trained());
    assertTrue(Files.exists(young), "a recent one may belong to a running process");
    assertFalse(Files.exists(old));
  }

  @Test
  void theKeyCoversTheRecipeAndTheData() {
    ClassifierCache cache = new ClassifierCache(root);
    Path base = cache.dirFor(TinyClassifier.SPEC, train, heldOut);
    assertEquals(
        base,
        cache.dirFor(new ClassifierSpec(1, 0, 32, 2e-3f, 7), TinyClassifier.train(), heldOut));
    assertNotEquals(base, cache.dirFor(new ClassifierSpec(1, 0, 32, 2e-3f, 8), train, heldOut));
    assertNotEquals(base, cache.dirFor(new ClassifierSpec(2, 0, 32, 2e-3f, 7), train, heldOut));
    assertNotEquals(base, cache.dirFor(TinyClassifier.SPEC, train.subset(0, 319), heldOut));
    assertNotEquals(base, cache.dirFor(TinyClassifier.SPEC, train, heldOut.subset(1, 200)));
  }

  @Test
  void theDefaultRootIsTheUserCacheUnlessOverridden() {
    Path expected =
        System.getenv(ClassifierCache.ENV) != null && !System.getenv(ClassifierCache.ENV).isBlank()
            ? Path.of(System.getenv(ClassifierCache.ENV))
            : Path.of(System.getProperty("user.home"), ".cache", "cgan-java");
    assertEquals(expected, ClassifierCache.defaultRoot());
  }

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
