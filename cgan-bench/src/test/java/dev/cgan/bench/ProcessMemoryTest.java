package dev.cgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
  private static final String STATUS =
      String.join(
          "\n",
          "Name:\tjava",
          "VmPeak:\t 9015384 kB",
          "VmSize:\t 8978088 kB",
          "VmHWM:\t  711692 kB",
          "VmRSS:\t  659560 kB",
          "Threads:\t42",
          "");

  @Test
  void readsPeakAndCurrentResidentSetInBytes() {
    ProcessMemory m = ProcessMemory.parse(STATUS);
    assertEquals(711_692L * 1024, m.peakBytes());
    assertEquals(659_560L * 1024, m.currentBytes());
    assertEquals(711_692 / 1024.0, m.peakMiB(), 1e-9);
  }

  @Test
  void refusesAStatusWithoutTheLines() {
    assertThrows(
        IllegalArgumentException.class, () -> ProcessMemory.parse("Name:\tjava\nVmRSS:\t 1 kB\n"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ProcessMemory.parse("VmHWM:\t x kB\nVmRSS:\t 1 kB\n"));
  }

  /** Only where /proc exists: the live values parse and the peak is at least the current set. */
  @Test
  void liveValuesAreConsistentOnLinux() {
    ProcessMemory.read()
        .ifPresent(
            m ->
                assertTrue(
                    m.peakBytes() >= m.currentBytes() && m.currentBytes() > 0, m.toString()));
  }
}
