package dev.cgan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a folder never leaves its path empty, not even for a moment. */
class DirectoryExchangeTest {
  @TempDir Path tmp;

  @Test
  void twoFoldersSwapContentsInOneStep() throws Exception {
    assumeTrue(DirectoryExchange.available(), "renameat2 is Linux's; this is not Linux");
    Path a = Files.createDirectories(tmp.resolve("a")),
        b = Files.createDirectories(tmp.resolve("b"));
    Files.writeString(a.resolve("f"), "from a");
    Files.writeString(b.resolve("g"), "from b");
    assertTrue(DirectoryExchange.exchange(a, b), "this file system exchanges (tmpfs, ext4, xfs)");
    assertEquals("from b", Files.readString(a.resolve("g")));
    assertEquals("from a", Files.readString(b.resolve("f")));
    assertFalse(Files.exists(a.resolve("f")));
    IOException e =
        assertThrows(IOException.class, () -> DirectoryExchange.exchange(tmp.resolve("none"), b));
    assertTrue(
        e.getMessage().startsWith("cannot swap " + b + " for its replacement: "), e.getMessage());
  }

  /** A reader polling the path while it is replaced 40 times always finds a whole folder there. */
  @Test
  void aReaderNeverFindsThePathMissingWhileItIsReplaced() throws Exception {
    assumeTrue(DirectoryExchange.available(), "renameat2 is Linux's; this is not Linux");
    Path target = Files.createDirectories(tmp.resolve("export"));
    Files.writeString(target.resolve("saved_model.pb"), "0");
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger looks = new AtomicInteger();
    List<String> missing = new ArrayList<>();
    CountDownLatch looking = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                looking.countDown();
                looks.incrementAndGet();
                if (!Files.isRegularFile(target.resolve("saved_model.pb"))) {
                  synchronized (missing) {
                    missing.add("look " + looks.get());
                  }
                }
              }
            });
    reader.start();
    try {
      // The replacements start once the reader looks (it may start late on a loaded machine).
      assertTrue(looking.await(60, TimeUnit.SECONDS), "the reader did not start");
      for (int i = 1; i <= 40; i++) {
        Path staged = AtomicFiles.tempSibling(target, ".export");
        Files.createDirectories(staged);
        Files.writeString(staged.resolve("saved_model.pb"), Integer.toString(i));
        AtomicFiles.replaceDirectory(staged, target);
      }
    } finally {
      done.set(true);
      reader.join(10_000);
    }
    assertEquals(List.of(), missing, "the path was missing");
    assertEquals("40", Files.readString(target.resolve("saved_model.pb")));
    assertEquals(List.of("export"), AtomicFilesTest.names(tmp), "nothing left beside it");
    assertTrue(looks.get() > 0);
  }
}
