package dev.cgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cgan.serve.RunProducts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run folder that someone else has tampered with: links that aim its writes at the user's files
 * are refused before anything is written, and odd checkpoint names are ignored, not crashed on.
 */
class HostileRunFolderTest {
  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = CrashResumeTest.writeDigits(tmp.resolve("data"), 64);
  }

  private static Path train(String name) {
    Path run = tmp.resolve(name);
    CliTest.Outcome o =
        CliTest.cgan(
            "train",
            "--data",
            data.toString(),
            "--out",
            run.toString(),
            "--iterations",
            "2",
            "--batch",
            "16",
            "--sample-interval",
            "2",
            "--log-interval",
            "1",
            "--digits",
            "12");
    assertEquals(0, o.code(), o.err());
    return run;
  }

  @Test
  void linksInsideARunAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path user = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(user.resolve("thesis.tex"), "\\\\section{Mine}\n");
    Files.writeString(user.resolve("notes.txt"), "my notes\n");
    Path photos = Files.createDirectories(user.resolve("photos"));
    Files.writeString(photos.resolve("a.jpg"), "a photo");
    String[][] links = {
      {"metrics.csv", "thesis.tex"}, {"result.png", "notes.txt"}, {"samples", "photos"}
    };
    for (String[] link : links) {
      Path run = train("run-" + link[0]);
      Path inRun = run.resolve(link[0]);
      if (Files.isDirectory(inRun)) {
        try (Stream<Path> s = Files.walk(inRun)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } else {
        Files.delete(inRun);
      }
      Files.createSymbolicLink(inRun, user.resolve(link[1]));
      Map<String, String> before = snapshot(tmp);

      CliTest.Outcome o = CliTest.cgan("train", "--resume", run.toString(), "--iterations", "4");
      assertEquals(1, o.code(), o.err());
      assertEquals(
          "error: "
              + inRun
              + " is a symbolic link (to "
              + user.resolve(link[1])
              + "); a run folder holds only what cgan-java wrote, so it will not write through"
              + " it: replace it with the file or folder itself\n",
          o.err());
      IOException e = assertThrows(IOException.class, () -> RunProducts.write(run));
      assertTrue(e.getMessage().startsWith(inRun + " is a symbolic link"), e.getMessage());
      assertEquals(before, snapshot(tmp), link[0] + ": files changed");
    }
  }

  @Test
  void aCheckpointNameThatIsNotOursIsIgnoredWithAWarning() throws Exception {
    Path run = train("run-odd-name");
    Path ckpts = run.resolve("checkpoints");
    Files.copy(ckpts.resolve("ckpt-2.index"), ckpts.resolve("ckpt-99999999999999999999.index"));
    Files.copy(
        ckpts.resolve("ckpt-2.data-00000-of-00001"),
        ckpts.resolve("ckpt-99999999999999999999.data-00000-of-00001"));
    // The library warns on standard error, which the CLI shares with the process.
    java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.err;
    CliTest.Outcome g;
    System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      g =
          CliTest.cgan(
              "generate",
              "--model",
              run.toString(),
              "--digits",
              "1",
              "-o",
              tmp.resolve("one.png").toString());
    } finally {
      System.setErr(saved);
    }
    assertEquals(0, g.code(), g.err());
    String warned = stderr.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(
        warned.contains(
            "warning: ignored " + ckpts.resolve("ckpt-99999999999999999999.index") + ": not a"),
        warned);
    CliTest.Outcome r = CliTest.cgan("train", "--resume", run.toString(), "--iterations", "4");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(ckpts.resolve("ckpt-4.index")));
    assertTrue(Files.exists(ckpts.resolve("ckpt-99999999999999999999.index")), "not ours: kept");
  }

  /** Every file under {@code root} with its content; links as their targets, not followed. */
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
              Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p)))
                  + ":"
                  + Files.size(p)
                  + ":"
                  + Files.getLastModifiedTime(p));
        } else {
          all.put(key, "dir");
        }
      }
    }
    return all;
  }
}
