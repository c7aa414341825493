package dev.cgan.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resident memory of this process as Linux reports it in {@code /proc/self/status}: the peak
 * ({@code VmHWM}) and the current value ({@code VmRSS}). This counts the Java heap and TensorFlow's
 * native allocations together, which is what the operating system charges.
 *
 * @param peakBytes the high-water mark of the resident set, since start or since {@link #resetPeak}
 * @param currentBytes the resident set now
 */
public record ProcessMemory(long peakBytes, long currentBytes) {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  /** The values now, or empty where {@code /proc/self/status} is missing (not Linux). */
  public static Optional<ProcessMemory> read() {
    try {
      return Optional.of(parse(Files.readString(STATUS, StandardCharsets.US_ASCII)));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Starts a new peak at the current resident set (Linux 4.0+: "5" written to {@code
   * /proc/self/clear_refs}), so that a later {@link #read} gives the peak of what ran in between
   * rather than of the whole process.
   *
   * @return whether the kernel accepted the reset
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /**
   * Reads the {@code VmHWM} and {@code VmRSS} lines (in kB) of a {@code /proc/<pid>/status} text.
   *
   * @throws IllegalArgumentException when either line is missing or malformed
   */
  public static ProcessMemory parse(String status) {
    return new ProcessMemory(
        kilobytes(status, "VmHWM:") * 1024, kilobytes(status, "VmRSS:") * 1024);
  }

  private static long kilobytes(String status, String key) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key)) {
        String[] parts = line.substring(key.length()).trim().split("\\s+");
        if (parts.length == 2 && parts[1].equals("kB")) {
          try {
            return Long.parseLong(parts[0]);
          } catch (NumberFormatException e) {
            break;
          }
        }
        break;
      }
    }
    throw new IllegalArgumentException("no '" + key + " <n> kB' line in the process status");
  }

  /** {@link #peakBytes} in MiB. */
  public double peakMiB() {
    return peakBytes / (1024.0 * 1024.0);
  }

  /** {@link #currentBytes} in MiB. */
  public double currentMiB() {
    return currentBytes / (1024.0 * 1024.0);
  }
}
