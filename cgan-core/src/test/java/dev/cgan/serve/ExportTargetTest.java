package dev.cgan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.train.TinyData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export} writes only into what it created or an earlier export: for every other target the
 * whole tree, the run included, is the same byte for byte afterwards.
 */
class ExportTargetTest {
  @TempDir static Path tmp;
  static Path run;

  @BeforeAll
  static void train() throws Exception {
    run = TinyData.trainedRun(tmp.resolve("work/run"), 2);
    Files.writeString(tmp.resolve("work/notes.txt"), "the user's");
    Files.createDirectories(tmp.resolve("work/photos"));
    Files.writeString(tmp.resolve("work/photos/a.png"), "the user's too");
    Files.writeString(tmp.resolve("work/plain-file"), "a file");
    Files.createSymbolicLink(tmp.resolve("work/link"), tmp.resolve("work/photos"));
  }

  @Test
  void targetsThatAreNotItsOwnAreRefusedAndNothingChanges() throws Exception {
    Map<String, String> refused =
        Map.of(
            "run", "is the run folder itself",
            "run/checkpoints", "is inside the run",
            "run/samples/x", "is inside the run",
            ".", "contains the run",
            "photos", "is not empty and is not a cgan-java SavedModel",
            "plain-file", "is a file",
            "link", "is a symbolic link");
    Path work = tmp.resolve("work");
    for (var e : refused.entrySet()) {
      Map<String, String> before = snapshot(tmp);
      Path target = work.resolve(e.getKey());
      IOException x = assertThrows(IOException.class, () -> SavedModelExport.export(run, target));
      assertTrue(
          x.getMessage().startsWith("cannot export to " + target + ": it " + e.getValue()),
          x.getMessage());
      assertEquals(before, snapshot(tmp), "export --out " + e.getKey() + " changed files");
    }
  }

  @Test
  void anEarlierExportOrAnEmptyFolderIsReplacedAndNothingNextToItIsTouched() throws Exception {
    Path work = tmp.resolve("work");
    Path empty = Files.createDirectories(work.resolve("empty"));
    SavedModelExport.export(run, empty);
    assertTrue(Files.isRegularFile(empty.resolve("saved_model.pb")));
    Map<String, String> before = snapshot(work.resolve("photos"));
    SavedModelExport.export(run, empty); // an earlier export now: replaced
    SavedModelExport.export(run, run.resolve("saved_model")); // the run's own
    assertEquals(before, snapshot(work.resolve("photos")));
    try (Stream<Path> s = Files.list(work)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary left");
    }
  }

  /**
   * A folder is only replaced when it is recognisably an export: a readable cgan.json of this
   * project and nothing an export does not write. A look-alike (any cgan.json beside a whole run
   * and the user's notes) and a real export with a file the user added are refused, untouched.
   */
  @Test
  void lookAlikesAndExportsWithTheUsersFilesInsideAreRefusedUntouched() throws Exception {
    Path work = tmp.resolve("lookalike");
    Path models = Files.createDirectories(work.resolve("models/assets.extra"));
    Files.writeString(models.resolve("cgan.json"), "garbage");
    Files.writeString(work.resolve("models/notes.txt"), "the user's");
    Files.createDirectories(work.resolve("models/otherrun"));
    Files.writeString(work.resolve("models/otherrun/run.json"), "{}");
    Path target = work.resolve("models");
    for (String content : new String[] {"garbage", "", "{}"}) {
      Files.writeString(target.resolve("assets.extra/cgan.json"), content);
      Map<String, String> before = snapshot(work);
      IOException e = assertThrows(IOException.class, () -> SavedModelExport.export(run, target));
      assertTrue(
          e.getMessage().startsWith("cannot export to " + target + ": it is not a cgan-java"),
          e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
      assertTrue(!e.getMessage().contains("JsonReader"), "no advice for programmers");
      assertEquals(before, snapshot(work), "cgan.json '" + content + "'");
    }

    Path real = SavedModelExport.export(run, work.resolve("real"));
    Files.writeString(real.resolve("README.txt"), "my notes on this model");
    Files.writeString(real.resolve("variables/mine.txt"), "mine too");
    Map<String, String> before = snapshot(work);
    IOException e = assertThrows(IOException.class, () -> SavedModelExport.export(run, real));
    assertEquals(
        "cannot export to "
            + real
            + ": it holds README.txt, which an export does not write; move it away or choose"
            + " another folder",
        e.getMessage());
    Files.delete(real.resolve("README.txt"));
    e = assertThrows(IOException.class, () -> SavedModelExport.export(run, real));
    assertTrue(
        e.getMessage().contains("it holds variables/mine.txt, which an export"), e.getMessage());
    Files.delete(real.resolve("variables/mine.txt"));
    before = snapshot(work.resolve("models"));
    SavedModelExport.export(run, real); // only what an export writes: replaced
    assertEquals(before, snapshot(work.resolve("models")));
  }

  /** What an export killed midway left beside its target is removed by the next export there. */
  @Test
  void leftoversOfAKilledExportAreCleanedByTheNextOneAndNothingElse() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("killed"));
    Path target = work.resolve("model");
    Files.createDirectories(work.resolve(".model.5f3a.export/variables"));
    Files.writeString(work.resolve(".model.5f3a.export/variables/variables.index"), "half");
    Files.createDirectories(work.resolve(".model.77.old"));
    Files.writeString(work.resolve(".model.notours.export"), "the user's");
    Files.writeString(work.resolve(".other.5f3a.export"), "another target's");
    SavedModelExport.export(run, target);
    try (Stream<Path> s = Files.list(work)) {
      assertEquals(
          List.of(".model.notours.export", ".other.5f3a.export", "model"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** TensorFlow Serving's layout, models/NAME/VERSION, written in one step. */
  @Test
  void missingParentsAreMadeForAVersionedLayout() throws Exception {
    Path version = tmp.resolve("serving/models/cgan/1");
    SavedModelExport.export(run, version);
    assertTrue(Files.isRegularFile(version.resolve("saved_model.pb")));
    assertTrue(Files.isRegularFile(version.resolve(ModelMetadata.FILE)));
  }

  @Test
  void aParentThatIsAFileIsNamed() throws Exception {
    Path file = tmp.resolve("work/plain-file");
    for (Path target : new Path[] {file.resolve("m"), file.resolve("a/b/m")}) {
      Map<String, String> before = snapshot(tmp.resolve("work"));
      IOException e = assertThrows(IOException.class, () -> SavedModelExport.export(run, target));
      assertEquals(
          "cannot export to " + target + ": " + file + " is a file, not a folder", e.getMessage());
      assertEquals(before, snapshot(tmp.resolve("work")));
    }
  }

  /** Every regular file under {@code root} with its content, links not followed. */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String key = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          all.put(key, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p)) {
          all.put(
              key,
              java.util.HexFormat.of()
                  .formatHex(
                      java.security.MessageDigest.getInstance("SHA-256")
                          .digest(Files.readAllBytes(p))));
        } else {
          all.put(key, "dir");
        }
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return all;
  }
}
