package dev.cgan.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Cold-start time of a command: wall time from starting a child JVM to its exit, which is what a
 * user waits for a one-off {@code generate}. Runs one after another, never overlapping.
 */
public final class ColdStart {
  /** A child that has not exited after this long is killed and reported as a failure. */
  private static final long TIMEOUT_SECONDS = 300;

  private ColdStart() {}

  /**
   * One measured command.
   *
   * @param name what the command is, for the report
   * @param command the child's command line
   * @param environment the variables changed in the child, e.g. "TF_CPP_MIN_LOG_LEVEL=2" or
   *     "TF_CPP_MIN_LOG_LEVEL unset"; empty when it inherited everything
   * @param seconds process start → exit, per run
   */
  public record Result(String name, List<String> command, String environment, Stats seconds) {}

  /**
   * Runs {@code command} {@code runs} times and times each run.
   *
   * @param environment variables to set in the child (a null value removes the variable); the rest
   *     is inherited
   * @param expectedOutput a file the command must write; deleted before each run and checked after
   *     it; null when the command writes none
   * @throws IOException when a run fails, times out or does not write {@code expectedOutput}; the
   *     message holds the end of the child's output
   */
  public static Result measure(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path expectedOutput,
      int runs)
      throws IOException {
    if (runs < 1) {
      throw new IllegalArgumentException("runs must be positive, got " + runs);
    }
    Path log = Files.createTempFile("cgan-bench-child", ".log");
    try {
      double[] seconds = new double[runs];
      for (int i = 0; i < runs; i++) {
        if (expectedOutput != null) {
          Files.deleteIfExists(expectedOutput);
        }
        ProcessBuilder pb =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        environment.forEach(
            (k, v) -> {
              if (v == null) {
                pb.environment().remove(k);
              } else {
                pb.environment().put(k, v);
              }
            });
        long t0 = System.nanoTime();
        Process p = pb.start();
        boolean exited;
        try {
          exited = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
          throw new IOException(name + ": interrupted", e);
        }
        seconds[i] = (System.nanoTime() - t0) / 1e9;
        if (!exited) {
          p.destroyForcibly();
          throw new IOException(name + ": no exit after " + TIMEOUT_SECONDS + " s" + tail(log));
        }
        if (p.exitValue() != 0) {
          throw new IOException(name + ": exit code " + p.exitValue() + tail(log));
        }
        if (expectedOutput != null
            && (!Files.isRegularFile(expectedOutput) || Files.size(expectedOutput) == 0)) {
          throw new IOException(name + ": exited without writing " + expectedOutput + tail(log));
        }
      }
      StringBuilder env = new StringBuilder();
      new TreeMap<>(environment)
          .forEach(
              (k, v) ->
                  env.append(env.length() == 0 ? "" : ", ")
                      .append(k)
                      .append(v == null ? " unset" : "=" + v));
      return new Result(name, List.copyOf(command), env.toString(), Stats.of(seconds));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** {@code <this JVM's java> -jar <jar> <args…>}. */
  public static List<String> javaJar(Path jar, String... args) {
    List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** {@code <this JVM's java> -cp <classpath> <mainClass>}. */
  public static List<String> javaMain(Path classpath, Class<?> mainClass) {
    return List.of(javaExecutable(), "-cp", classpath.toString(), mainClass.getName());
  }

  /** The jar {@code c} was loaded from, or empty when it came from a class folder (tests, IDE). */
  public static Optional<Path> jarOf(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return Optional.empty();
    }
    try {
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar")
          ? Optional.of(p)
          : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8).strip();
      return s.isEmpty()
          ? ""
          : ":\n" + (s.length() > 2000 ? "…" + s.substring(s.length() - 2000) : s);
    } catch (IOException e) {
      return "";
    }
  }
}
