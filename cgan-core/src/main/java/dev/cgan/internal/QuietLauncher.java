package dev.cgan.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts TensorFlow with the environment a command-line program needs. The native library reads its
 * environment once, when it loads, and Java cannot set an environment variable of its own process;
 * so when a variable is unset, the program runs itself once more as a child with it set. {@code
 * TF_CPP_MIN_LOG_LEVEL=2} keeps TensorFlow's native start-up log away from users (the two lines
 * that survive it are dropped from the child's stderr); {@code TF_OVERRIDE_GLOBAL_THREADPOOL=1}
 * gives every session the threads its options ask for (see {@code
 * dev.cgan.train.TrainingRun#PER_SESSION_THREAD_POOLS}), so that {@code bench} can measure the
 * matmul peak on all cores and training with the training pools in one process. Setting both
 * yourself skips the extra process.
 */
public final class QuietLauncher {
  /** TensorFlow's native log level. */
  public static final String LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL";

  /** One thread pool per session, as its options ask, rather than the first session's for all. */
  public static final String THREAD_POOLS = "TF_OVERRIDE_GLOBAL_THREADPOOL";

  /** Set for the relaunched child: the launching process, whose death the child follows. */
  static final String PARENT_PID = "CGAN_PARENT_PID";

  private static final String[] NOISE = {
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "MLIR V1 optimization pass is not enabled",
  };

  private QuietLauncher() {}

  /** Whether this process should relaunch itself: a variable is unset. */
  public static boolean needed() {
    return System.getenv(LOG_LEVEL) == null || System.getenv(THREAD_POOLS) == null;
  }

  /**
   * Runs {@code main} with {@code args} in a child JVM (this one's JVM options and class path) with
   * the variables set; returns its exit code.
   */
  public static int relaunch(Class<?> main, String[] args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putIfAbsent(LOG_LEVEL, "2");
    pb.environment().putIfAbsent(THREAD_POOLS, "1");
    pb.environment().put(PARENT_PID, Long.toString(ProcessHandle.current().pid()));
    Process child = pb.start();
    // Ctrl-C reaches both processes; a kill of this one alone is passed on, so the child can
    // checkpoint, and this one waits for it.
    Thread forward =
        new Thread(
            () -> {
              if (child.isAlive()) {
                child.destroy();
                try {
                  child.waitFor();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    Runtime.getRuntime().addShutdownHook(forward);
    Thread copier = new Thread(() -> filter(child, System.err), "stderr-filter");
    copier.start();
    int code = child.waitFor();
    copier.join();
    return code;
  }

  /**
   * In a relaunched child: when the launching process dies (even by SIGKILL), exit as if
   * terminated, so that training checkpoints and stops instead of running on unseen.
   */
  public static void followParent() {
    String pid = System.getenv(PARENT_PID);
    if (pid == null) {
      return;
    }
    Thread watch =
        new Thread(
            () -> {
              ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> p.onExit().join());
              System.exit(143);
            },
            "parent-watch");
    watch.setDaemon(true);
    watch.start();
  }

  private static void filter(Process child, PrintStream err) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!isNoise(line)) {
          err.println(line);
        }
      }
    } catch (IOException e) {
      // The child is gone; nothing left to copy.
    }
  }

  /** Whether {@code line} is one of the two start-up lines that the log level leaves. */
  public static boolean isNoise(String line) {
    for (String n : NOISE) {
      if (line.contains(n)) {
        return true;
      }
    }
    return false;
  }
}
