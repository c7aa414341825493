package dev.cgan.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table of a compare.py result, on a made-up file. */
class PeerTableTest {
  @TempDir Path dir;

  @Test
  void printsEveryRowWithItsRatioToTheBestPeer() throws IOException {
    Path f = dir.resolve("peers.json");
    Files.writeString(
        f,
        """
        {"cpu": "Some CPU", "cpus": 2, "isa": ["avx2"], "onednn_max_cpu_isa": "AVX2",
         "xla_flags": null, "rounds": 3, "date": "2026-12-06 17:00", "best_peer": {"64": 2000.0},
         "rows": [
          {"name": "JAX jit", "batch": 64, "median": 2000.0, "ratio_to_best_peer": 1.0},
          {"name": "cgan-java step", "batch": 64, "median": 2600.0, "ratio_to_best_peer": 1.3},
          {"name": "cgan-java step", "batch": 256, "median": 4000.0, "ratio_to_best_peer": 1.1}],
         "left_out": {"PyTorch eager": "No module named torch"}}
        """);
    String t = PeerTable.render(f);
    assertTrue(t.contains("CPU Some CPU, 2 CPUs; ONEDNN_MAX_CPU_ISA=AVX2; XLA_FLAGS=unset"), t);
    assertTrue(t.contains("measured on another CPU"), t);
    assertTrue(t.matches("(?s).*JAX jit +2000 \\(1\\.00×\\) +-\n.*"), t);
    assertTrue(t.matches("(?s).*cgan-java step +2600 \\(1\\.30×\\) +4000 \\(1\\.10×\\).*"), t);
    assertTrue(t.contains("left out: PyTorch eager: No module named torch"), t);
  }

  @Test
  void refusesAFileThatIsNotAResult() throws IOException {
    Path f = dir.resolve("x.json");
    Files.writeString(f, "[1, 2]");
    assertThrows(IOException.class, () -> PeerTable.render(f));
  }
}
