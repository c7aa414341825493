package dev.cgan.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skips a test whose outside tool is missing, and says so on the build's console. */
final class Skip {
  private Skip() {}

  /**
   * Skips unless {@code condition}: Surefire shows a skipped test only as a count, so the reason
   * also goes to stderr, which {@code mvn -B verify} prints, where a reader of the log sees it.
   */
  static void unless(boolean condition, String reason) {
    if (!condition) {
      System.err.println("SKIPPED: " + reason);
    }
    assumeTrue(condition, reason);
  }
}
