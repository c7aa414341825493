package dev.cgan.train.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The memory a run may still take: Java heap for the data as Java arrays, and the machine's memory
 * for what TensorFlow allocates outside the heap.
 *
 * @param maxHeap the heap's ceiling, {@link Runtime#maxMemory()} ({@code -Xmx})
 * @param usedHeap heap in use now
 * @param committedHeap heap the JVM has already taken from the machine
 * @param availableNative memory the machine can still give this process: the least of {@code
 *     MemAvailable} in {@code /proc/meminfo} and what the process's cgroup limit leaves
 * @param nativeSource where {@code availableNative} comes from, for messages
 */
public record MemoryLimits(
    long maxHeap, long usedHeap, long committedHeap, long availableNative, String nativeSource) {

  private static volatile Supplier<MemoryLimits> source = MemoryLimits::ofThisProcess;

  /** Heap the run can still allocate. */
  public long freeHeap() {
    return maxHeap - usedHeap;
  }

  /** The limits that apply now: this process's, unless a test has put others in place. */
  public static MemoryLimits current() {
    return source.get();
  }

  /**
   * Makes {@link #current()} return {@code limits} until the result is closed, so that tests can
   * exercise a refusal with kilobytes of data instead of gigabytes.
   */
  public static AutoCloseable override(MemoryLimits limits) {
    Supplier<MemoryLimits> before = source;
    source = () -> limits;
    return () -> source = before;
  }

  /** This JVM's heap and this machine's (or container's) available memory. */
  public static MemoryLimits ofThisProcess() {
    Runtime rt = Runtime.getRuntime();
    long available = Long.MAX_VALUE;
    String from = "nothing (no /proc/meminfo)";
    long meminfo = memAvailable();
    if (meminfo >= 0) {
      available = meminfo;
      from = "MemAvailable in /proc/meminfo";
    }
    for (String[] limit : cgroupLimits()) {
      long left = readLong(limit[0]) - Math.max(0, readLong(limit[1]));
      if (readLong(limit[0]) >= 0 && left < available) {
        available = Math.max(0, left);
        from = "the limit in " + limit[0] + " less the usage in " + limit[1];
      }
    }
    return new MemoryLimits(
        rt.maxMemory(), rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), available, from);
  }

  private static long memAvailable() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("MemAvailable:")) {
          String[] parts = line.trim().split("\\s+");
          return Long.parseLong(parts[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or a kernel before 3.14: no figure, no check.
    }
    return -1;
  }

  /**
   * The limit and usage files of this process's memory cgroup, version 2 and version 1, in the
   * process's own cgroup and at the root of the mount (what a container sees as its own).
   */
  private static List<String[]> cgroupLimits() {
    String v2 = "", v1 = "";
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/self/cgroup"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("0::")) {
          v2 = line.substring(3);
        } else if (line.matches("\\d+:([^:]*,)?memory(,[^:]*)?:.*")) {
          v1 = line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1);
        }
      }
    } catch (IOException | RuntimeException e) {
      // No cgroups: MemAvailable alone.
    }
    String r2 = "/sys/fs/cgroup", r1 = "/sys/fs/cgroup/memory";
    return List.of(
        new String[] {r2 + v2 + "/memory.max", r2 + v2 + "/memory.current"},
        new String[] {r2 + "/memory.max", r2 + "/memory.current"},
        new String[] {r1 + v1 + "/memory.limit_in_bytes", r1 + v1 + "/memory.usage_in_bytes"},
        new String[] {r1 + "/memory.limit_in_bytes", r1 + "/memory.usage_in_bytes"});
  }

  /** The number in a cgroup file, or -1 for none ("max", missing, unreadable). */
  private static long readLong(String file) {
    try {
      String s = Files.readString(Path.of(file), StandardCharsets.US_ASCII).trim();
      return s.equals("max") ? -1 : Long.parseLong(s);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
