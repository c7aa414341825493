package dev.cgan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLogTest {
  @TempDir Path tmp;

  @Test
  void openingForAResumeKeepsOnlyCompleteOrderedRowsUpToTheCheckpoint() throws Exception {
    Path file = tmp.resolve("log.csv");
    // A duplicate (2), rows after the checkpoint (5, 6), a malformed row and a torn last line.
    Files.writeString(
        file, "iteration,x\n1,0.5\n2,0.25\n2,0.75\nnot a row\n4,0.1\n5,0.2\n6,0.3\n7,0.");
    try (CsvLog log = new CsvLog(file, "iteration,x", 4, line -> line.matches("\\d+,[0-9.]+"))) {
      log.append("5,0.9");
    }
    assertEquals(
        List.of("iteration,x", "1,0.5", "2,0.25", "4,0.1", "5,0.9"), Files.readAllLines(file));
    assertEquals(List.of("log.csv"), Files.list(tmp).map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void aNewFileStartsWithItsHeader() throws Exception {
    Path file = tmp.resolve("new.csv");
    try (CsvLog log = new CsvLog(file, "iteration,y", 0, line -> false)) {
      log.append("1,2");
    }
    assertEquals(List.of("iteration,y", "1,2"), Files.readAllLines(file));
  }
}
